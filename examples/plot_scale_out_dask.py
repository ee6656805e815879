"""
=============================================
The same grid search on a local Dask cluster
=============================================

skseq distributes nothing itself: every scikit-learn search hands its
(candidate, fold) fits to joblib, and joblib hands them to whichever
backend is active. :func:`skseq.model_selection.cluster_backend` checks
that the engine is there and returns joblib's ``parallel_config`` for it,
so moving a search to Dask (or Ray) is one ``with`` block, and nothing in
the search changes.

Here a grid search over an imbalanced-learn pipeline (interpolation,
SMOTE on panels, an LSTM with the focal loss) runs twice: in this process,
one fit after the other, and on a ``LocalCluster`` of worker processes.
With a fixed ``random_state`` and one torch thread per fit, both give the
same ``cv_results_``; only the wall-clock time differs. Replace
``LocalCluster(...)`` by the address of a real scheduler
(``Client("tcp://scheduler:8786")``) and the same code runs on a cluster.

Dask starts its workers as new Python processes that import this script,
so the work sits under ``if __name__ == "__main__":``, as Dask asks of any
script that starts a ``LocalCluster``.

Set ``SKSEQ_EXAMPLES_QUICK=1`` for a fast smoke run and
``SKSEQ_EXAMPLES_OUT`` for the folder the figures go to.
"""

# %%
import importlib
import logging
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skseq.classifiers import LSTMClassifier
from skseq.datasets import load_dataset, make_imbalanced
from skseq.losses import FocalLoss
from skseq.model_selection import cluster_backend
from skseq.sampling import PanelSampler
from skseq.transformers import Interpolator

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK") == "1"
OUT = os.environ.get("SKSEQ_EXAMPLES_OUT", ".")
# one worker per core of a small machine; raise it on a bigger one
N_WORKERS = 1 if QUICK else 2
torch.set_num_threads(1)


def make_search(n_jobs):
    """The grid search both runs use (a fresh one each time)."""
    pipe = make_pipeline(
        Interpolator(),
        PanelSampler(SMOTE(k_neighbors=3, random_state=0)),
        LSTMClassifier(
            criterion=FocalLoss,
            module__hidden_size=16,
            max_epochs=2 if QUICK else 25,
            random_state=0,
            n_threads=1,  # the same thread count everywhere: identical results
        ),
    )
    grid = {
        "lstmclassifier__module__hidden_size": [8, 16],
        "lstmclassifier__criterion__gamma": [0.0, 2.0],
    }
    if QUICK:
        grid = {"lstmclassifier__module__hidden_size": [4, 8]}
    return GridSearchCV(
        pipe,
        grid,
        scoring="f1_macro",
        cv=StratifiedKFold(2 if QUICK else 3, shuffle=True, random_state=0),
        n_jobs=n_jobs,
    )


# %%
# Data: ItalyPowerDemand with class "2" made five times rarer
# -----------------------------------------------------------

if __name__ == "__main__":
    X, y = load_dataset("ItalyPowerDemand")
    X, y = make_imbalanced(X, y, minority="2", ratio=5, random_state=0)
    counts = {str(c): int(k) for c, k in zip(*np.unique(y, return_counts=True))}
    print(f"{len(y)} series, class counts {counts}")

# %%
# In this process, one fit at a time
# ----------------------------------
# ``n_jobs=1``: the sequential baseline.

if __name__ == "__main__":
    # one tiny fit first, so the timing compares fits, not torch's one-off
    # start-up costs in this process
    make_search(n_jobs=1).estimator.set_params(lstmclassifier__max_epochs=1).fit(
        X[:50], y[:50]
    )
    local = make_search(n_jobs=1)
    start = time.perf_counter()
    local.fit(X, y)
    local_seconds = time.perf_counter() - start
    n_fits = len(local.cv_results_["params"]) * local.n_splits_
    print(f"local: {n_fits} fits in {local_seconds:.1f} s")

# %%
# On a local Dask cluster
# -----------------------
# Every (candidate, fold) fit becomes a Dask task; ``n_jobs=-1`` lets the
# cluster run as many at once as it has worker threads. On a machine whose
# cores are already busy, more workers cannot help: the speed-up printed
# below is what this machine gave, not a property of the code. Dask's nanny sets
# ``OMP_NUM_THREADS=1`` in the worker processes, so fits do not fight over
# cores.

if __name__ == "__main__":
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=N_WORKERS,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        # workers import torch and skseq on their first task; do it before
        # the clock starts, as the warm-up fit did for this process
        client.run(importlib.import_module, "skseq.classifiers")
        distributed = make_search(n_jobs=-1)
        start = time.perf_counter()
        with cluster_backend("dask"):
            distributed.fit(X, y)
        dask_seconds = time.perf_counter() - start
    print(f"dask ({N_WORKERS} workers): {n_fits} fits in {dask_seconds:.1f} s")

# %%
# Same results, different clock
# -----------------------------

if __name__ == "__main__":
    table = pd.DataFrame(local.cv_results_["params"]).rename(
        columns=lambda c: c.replace("lstmclassifier__", "")
    )
    table["local"] = local.cv_results_["mean_test_score"]
    table["dask"] = distributed.cv_results_["mean_test_score"]
    print(table.to_string(float_format="%.4f"))
    difference = np.abs(table["local"] - table["dask"]).max()
    print(f"largest difference in mean CV macro-F1: {difference:.2e}")
    print("same best parameters:", local.best_params_ == distributed.best_params_)
    print(f"speed-up with {N_WORKERS} workers: {local_seconds / dask_seconds:.2f}x")

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    left.scatter(table["local"], table["dask"])
    lo, hi = table[["local", "dask"]].min().min(), table[["local", "dask"]].max().max()
    left.plot([lo, hi], [lo, hi], color="0.6", linestyle="--", linewidth=1)
    left.set_xlabel("mean CV macro-F1, local run")
    left.set_ylabel("mean CV macro-F1, Dask run")
    left.set_title("Every candidate scores the same")
    right.bar(
        ["local, sequential", f"Dask, {N_WORKERS} workers"],
        [local_seconds, dask_seconds],
        color=["C0", "C1"],
    )
    right.set_ylabel("wall-clock seconds")
    right.set_title(f"{n_fits} fits")
    fig.savefig(os.path.join(OUT, "scale_out_dask.png"), dpi=100)
