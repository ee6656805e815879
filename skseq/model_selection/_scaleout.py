"""Run searches on a cluster through joblib's backends (Dask, Ray).

skseq distributes nothing itself. Every scikit-learn search
(:class:`~sklearn.model_selection.GridSearchCV`,
:class:`~sklearn.model_selection.RandomizedSearchCV`, the halving searches,
:func:`~sklearn.model_selection.cross_validate`,
:class:`MulticlassThresholdClassifierCV`) hands its fits to joblib, and joblib
hands them to whichever backend is active: Dask (``dask.distributed``) or Ray
(``ray.util.joblib``). :func:`cluster_backend` only checks that the engine is
installed and reachable, with an error that says what to do when it is not,
and returns joblib's own :func:`joblib.parallel_config`.

Dask::

    from dask.distributed import Client, LocalCluster
    from skseq.model_selection import cluster_backend

    client = Client(LocalCluster(n_workers=4, threads_per_worker=1))
    # or Client("tcp://scheduler:8786") for a real cluster
    with cluster_backend("dask"):
        search.fit(X, y)          # every (candidate, fold) fit is a Dask task

Ray::

    import ray
    ray.init()                    # or ray.init(address="auto") on a cluster
    with cluster_backend("ray"):
        search.fit(X, y)

The same thing without this helper is joblib's documented recipe
(``with joblib.parallel_config(backend="dask"): ...``, and for Ray
``ray.util.joblib.register_ray()`` first).

Threads. skseq classifiers use ``OMP_NUM_THREADS`` torch threads when it is
set (``n_threads=None``). Dask's nanny sets ``OMP_NUM_THREADS=1`` in every
worker process and joblib's local ``loky`` workers get their share of the
cores, so parallel fits do not fight over cores.

Determinism. A classifier with a fixed ``random_state`` computes the same
thing in any process, so a search on a cluster of worker *processes* returns
the same ``cv_results_`` as the same search run locally with the same torch
thread count. Use process-based workers (Dask's default ``processes=True``,
Ray, joblib's ``loky``): fits running in *threads* of one process (Dask
``processes=False``, joblib's ``"threading"``) share torch's global random
generator, which skseq seeds per fit, so their results are not reproducible
(split scores of a seeded search moved by up to 0.02 in log loss).

Multi-GPU training of a single network is a different axis:
:func:`skseq.classifiers.accelerated` turns any skseq classifier into one
trained through Hugging Face Accelerate (``accelerator=Accelerator()``,
launched with ``accelerate launch``), with gradient clipping through the
accelerator and training batches split across processes; see the scale-out
page of the user guide for what is split and what was verified.
"""

from __future__ import annotations

from typing import Any

__all__ = ["cluster_backend"]

_ENGINES = ("dask", "ray")


def cluster_backend(engine: str = "dask", *, n_jobs: int = -1, **backend_kwargs: Any):
    """joblib's ``parallel_config`` for a Dask or Ray cluster, checked first.

    Parameters
    ----------
    engine : {"dask", "ray"}, default="dask"
        ``"dask"`` needs ``dask[distributed]`` and a running
        ``dask.distributed.Client`` (the default client is used);
        ``"ray"`` needs ``ray`` (its joblib backend is registered here and
        connects to ``ray.init``'s cluster, starting a local one if none).
    n_jobs : int, default=-1
        Concurrent tasks; ``-1`` lets the cluster decide.
    **backend_kwargs : dict
        Passed to :func:`joblib.parallel_config` (e.g. ``scatter=[X, y]``
        for Dask, to send the data to the workers once).

    Returns
    -------
    config : joblib.parallel_config
        A context manager: fits inside the ``with`` block run on the cluster.

    Raises
    ------
    ImportError
        When the engine is not installed (with the pip command).
    ValueError
        For an unknown engine, or ``"dask"`` without a running client.

    Examples
    --------
    >>> from dask.distributed import Client, LocalCluster
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skseq.datasets import load_dataset
    >>> from skseq.model_selection import cluster_backend
    >>> X, y = load_dataset("ItalyPowerDemand", split="train")
    >>> with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
    ...                   dashboard_address=None) as cluster, Client(cluster):
    ...     search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3)
    ...     with cluster_backend("dask"):
    ...         _ = search.fit(X[:, 0], y)
    >>> sorted(search.best_params_)
    ['C']
    """
    import joblib

    if engine not in _ENGINES:
        raise ValueError(f"engine must be one of {_ENGINES}; got {engine!r}.")
    if engine == "dask":
        try:
            from distributed import get_client
        except ImportError as exc:
            raise ImportError(
                "The Dask backend needs dask.distributed: pip install "
                "'skseq[dask]' (or pip install 'dask[distributed]')."
            ) from exc
        try:
            get_client()
        except ValueError as exc:
            raise ValueError(
                "cluster_backend('dask') found no running Dask client. Start one "
                "first: Client(LocalCluster()) on this machine, or "
                "Client('tcp://scheduler:8786') for a cluster."
            ) from exc
    else:
        try:
            from ray.util.joblib import register_ray
        except ImportError as exc:
            raise ImportError(
                "The Ray backend needs Ray: pip install 'skseq[ray]' (or pip "
                "install 'ray'); its joblib backend is ray.util.joblib."
            ) from exc
        register_ray()
    return joblib.parallel_config(backend=engine, n_jobs=n_jobs, **backend_kwargs)
