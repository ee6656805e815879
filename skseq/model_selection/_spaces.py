"""Search spaces for hyper-parameter searches over skseq estimators.

:func:`search_space` returns, for a skseq classifier, a pipeline or a
meta-estimator around one, the distributions of its hyper-parameters under
their ``set_params`` names: architecture sizes (``module__*``), dropout,
learning rate, batch size, loss parameters (``criterion__*``) and sampler
parameters. The same table serves :class:`~sklearn.model_selection.RandomizedSearchCV`
(scipy distributions and lists) and Optuna (``optuna.distributions``), so a
random search and a Bayesian search explore the same space.

The ranges are deliberately moderate (networks that train in minutes on a
CPU, on data sets of hundreds to thousands of series). They are a starting
point: the returned dict is a plain dict, so narrow or extend it as needed.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

from ..sampling._augment import METHODS as AUGMENTATION_METHODS

__all__ = ["optuna_objective", "search_space", "suggest_params"]


# --------------------------------------------------------------------- specs
@dataclass(frozen=True)
class _Int:
    """An integer in ``[low, high]`` (both included)."""

    low: int
    high: int


@dataclass(frozen=True)
class _Float:
    """A float in ``[low, high]``, log-uniform when ``log``."""

    low: float
    high: float
    log: bool = False


@dataclass(frozen=True)
class _Choice:
    """One of ``choices``, each equally likely."""

    choices: tuple


_Spec = _Int | _Float | _Choice

_DROPOUT = _Float(0.0, 0.5)
_POOLING = _Choice(("meanmax", "mean", "max"))

# ------------------------------------------------- one table per family
# Keys are the network's own parameter names (without ``module__``), checked
# against the network signatures by the tests. "last" pooling is left out of
# the recurrent tables: it stays near chance on series longer than a few
# dozen steps.
_RNN = {
    "hidden_size": _Choice((16, 32, 64, 128)),
    "num_layers": _Int(1, 2),
    "bidirectional": _Choice((True, False)),
    "dropout": _DROPOUT,  # between stacked layers (unused with one layer)
    "pooling": _POOLING,
    "head_dropout": _DROPOUT,
}

_ATTENTION = {
    "dense_sizes": _Choice(((), (16,), (32,), (64,))),
    "dense_dropout": _DROPOUT,
    "hidden_size": _Choice((16, 32, 64, 128)),
    "num_layers": _Int(1, 2),
    "dropout": _DROPOUT,
    "attention_size": _Choice((16, 32, 64)),
    "head_dropout": _DROPOUT,
}

# every d_model below is divisible by every n_heads
_TRANSFORMER = {
    "d_model": _Choice((16, 32, 64, 128)),
    "n_heads": _Choice((1, 2, 4)),
    "num_layers": _Int(1, 3),
    "dim_feedforward": _Choice((32, 64, 128, 256)),
    "dropout": _Float(0.0, 0.3),
    "patch_size": _Choice((2, 4, 8)),
    "head_dropout": _DROPOUT,
}

_CNN = {
    "n_filters": _Choice(((16, 32), (32, 64), (32, 64, 128))),
    "kernel_size": _Choice((3, 5, 7)),
    "pool_size": _Choice((1, 2)),
    "pooling": _POOLING,
    "head_hidden_sizes": _Choice(((), (32,), (64,))),
    "head_dropout": _DROPOUT,
}

_FCN = {
    "n_filters": _Choice(((32, 64, 32), (64, 128, 64), (128, 256, 128))),
    "kernel_sizes": _Choice(((8, 5, 3), (7, 5, 3), (5, 3, 3))),
    "pooling": _POOLING,
    "head_dropout": _DROPOUT,
}

_RESNET = {
    "n_filters": _Choice(((32, 64, 64), (64, 128, 128))),
    "kernel_sizes": _Choice(((8, 5, 3), (7, 5, 3))),
    "pooling": _POOLING,
    "head_dropout": _DROPOUT,
}

_INCEPTION = {
    "n_filters": _Choice((16, 32, 64)),
    "depth": _Choice((3, 6, 9)),  # residual connections every 3 modules
    "bottleneck_size": _Choice((16, 32)),
    "kernel_sizes": _Choice(((40, 20, 10), (20, 10, 5), (10, 5, 3))),
    "head_dropout": _DROPOUT,
}

_LSTM_FCN = {
    "n_filters": _FCN["n_filters"],
    "kernel_sizes": _FCN["kernel_sizes"],
    "lstm_hidden_size": _Choice((8, 16, 32, 64)),
    "lstm_bidirectional": _Choice((False, True)),
    "lstm_pooling": _Choice(("last", "mean", "max", "meanmax")),
    "lstm_dropout": _Float(0.0, 0.8),
    "head_dropout": _DROPOUT,
}

_CNN_LSTM = {
    "n_filters": _Choice(((32,), (32, 64), (64, 64))),
    "kernel_size": _Choice((3, 5, 7)),
    "pool_size": _Choice((1, 2)),
    "cell": _Choice(("lstm", "gru")),
    "hidden_size": _Choice((16, 32, 64, 128)),
    "bidirectional": _Choice((True, False)),
    "pooling": _POOLING,
    "head_dropout": _DROPOUT,
}

# network class name -> its table (looked up by name so that this module
# imports no network)
_MODULE_SPACES: dict[str, dict[str, _Spec]] = {
    "RNNNetwork": _RNN,
    "LSTMNetwork": _RNN,
    "GRUNetwork": _RNN,
    "AttentionLSTMNetwork": _ATTENTION,
    "TransformerNetwork": _TRANSFORMER,
    "CNNNetwork": _CNN,
    "FCNNetwork": _FCN,
    "ResNetNetwork": _RESNET,
    "InceptionTimeNetwork": _INCEPTION,
    "LSTMFCNNetwork": _LSTM_FCN,
    "CNNLSTMNetwork": _CNN_LSTM,
}

# training parameters every skseq classifier shares (max_epochs is left to
# early stopping or to a successive-halving search, where it is the resource)
_TRAINING = {
    "lr": _Float(1e-4, 3e-2, log=True),
    "batch_size": _Choice((16, 32, 64)),
    "balanced_batches": _Choice((False, True)),
}
_WEIGHT_DECAY = _Float(1e-5, 1e-1, log=True)
_CLASS_WEIGHT = _Choice((None, "balanced"))

# skseq loss class name -> criterion__* table
_LOSS_SPACES: dict[str, dict[str, _Spec]] = {
    "FocalLoss": {"gamma": _Float(0.0, 5.0)},
    "ClassBalancedLoss": {
        "beta": _Choice((0.9, 0.99, 0.999, 0.9999)),
        "loss": _Choice(("cross_entropy", "focal")),
        "gamma": _Float(0.0, 5.0),  # used by loss="focal"
    },
    "LogitAdjustedLoss": {"tau": _Float(0.5, 2.0)},
    "BalancedSoftmaxLoss": {},
}

# imbalanced-learn sampler class name -> its table. Neighbour counts stay
# small: a rare class may have only a handful of series per training fold
# (SMOTE needs k_neighbors < its size).
_SAMPLER_SPACES: dict[str, dict[str, _Spec]] = {
    "SMOTE": {"k_neighbors": _Int(1, 5)},
    "BorderlineSMOTE": {
        "k_neighbors": _Int(1, 5),
        "m_neighbors": _Int(3, 10),
        "kind": _Choice(("borderline-1", "borderline-2")),
    },
    "SVMSMOTE": {"k_neighbors": _Int(1, 5), "m_neighbors": _Int(3, 10)},
    "ADASYN": {"n_neighbors": _Int(1, 5)},
    "RandomOverSampler": {"shrinkage": _Float(0.0, 1.0)},
    "RandomUnderSampler": {"replacement": _Choice((False, True))},
    "NearMiss": {"version": _Choice((1, 2, 3)), "n_neighbors": _Int(1, 5)},
    "EditedNearestNeighbours": {
        "n_neighbors": _Int(2, 5),
        "kind_sel": _Choice(("all", "mode")),
    },
    "TomekLinks": {"sampling_strategy": _Choice(("auto", "majority", "all"))},
    "AugmentationOverSampler": {
        "method": _Choice(AUGMENTATION_METHODS),
        "jitter_sigma": _Float(0.01, 0.1, log=True),
        "scaling_sigma": _Float(0.05, 0.3),
        "warp_sigma": _Float(0.1, 0.4),
        "slice_ratio": _Float(0.7, 0.95),
        "window_ratio": _Float(0.05, 0.3),
    },
}


# ------------------------------------------------------------ conversion
def _to_random(spec: _Spec) -> Any:
    from scipy import stats

    if isinstance(spec, _Int):
        return stats.randint(spec.low, spec.high + 1)
    if isinstance(spec, _Float):
        if spec.log:
            return stats.loguniform(spec.low, spec.high)
        return stats.uniform(spec.low, spec.high - spec.low)
    return list(spec.choices)


def _to_optuna(spec: _Spec) -> Any:
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    if isinstance(spec, _Int):
        return IntDistribution(spec.low, spec.high)
    if isinstance(spec, _Float):
        return FloatDistribution(spec.low, spec.high, log=spec.log)
    with warnings.catch_warnings():
        # Architectures such as n_filters=(32, 64) are tuples: fine for
        # in-memory studies; Optuna warns because an RDB storage cannot hold
        # them (see search_space's Notes).
        warnings.filterwarnings("ignore", message="Choices for a categorical")
        return CategoricalDistribution(spec.choices)


def _import_optuna() -> Any:
    try:
        import optuna
    except ImportError as exc:  # pragma: no cover - optuna is a test extra
        raise ImportError(
            "kind='optuna' needs Optuna: pip install 'skseq[optuna]' (or "
            "pip install optuna)."
        ) from exc
    return optuna


# --------------------------------------------------------------- lookups
def _default(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        param = inspect.signature(init).parameters.get(name)
        if param is not None and param.default is not inspect.Parameter.empty:
            return param.default
    return None


def _param(estimator: Any, name: str) -> Any:
    """A parameter's value on an instance, or its default on a class."""
    if isinstance(estimator, type):
        return _default(estimator, name)
    return estimator.get_params(deep=False).get(name)


def _name(obj: Any) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return cls.__name__


def _accepts(component: Any, name: str) -> bool:
    cls = component if isinstance(component, type) else type(component)
    try:
        return name in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False


def _is_skseq_classifier(est: Any) -> bool:
    from ..classifiers import BaseSequenceClassifier

    cls = est if isinstance(est, type) else type(est)
    return issubclass(cls, BaseSequenceClassifier)


def _classifier_specs(est: Any) -> dict[str, _Spec]:
    module = _param(est, "module")
    table = _MODULE_SPACES.get(_name(module)) if module is not None else None
    if table is None:
        raise ValueError(
            f"No search space for the network {_name(module)!r} of "
            f"{_name(est)}: search_space knows skseq's networks "
            f"({', '.join(sorted(_MODULE_SPACES))}). For a custom network give "
            "its module__* distributions yourself."
        )
    specs = {f"module__{key}": spec for key, spec in table.items()}
    specs.update(_TRAINING)
    optimizer = _param(est, "optimizer")
    if optimizer is not None and _accepts(optimizer, "weight_decay"):
        specs["optimizer__weight_decay"] = _WEIGHT_DECAY
    criterion = _param(est, "criterion")
    if criterion is not None and _accepts(criterion, "weight"):
        specs["class_weight"] = _CLASS_WEIGHT
    loss = {}
    if criterion is not None and _is_skseq_loss(criterion):
        loss = _LOSS_SPACES.get(_name(criterion), {})
    for key, spec in loss.items():
        specs[f"criterion__{key}"] = spec
    resampler = None if isinstance(est, type) else _param(est, "resampler")
    if resampler is not None:
        specs.update(_prefixed(_sampler_specs(resampler), "resampler__"))
    return specs


def _is_skseq_loss(criterion: Any) -> bool:
    cls = criterion if isinstance(criterion, type) else type(criterion)
    return cls.__module__.startswith("skseq.")


def _sampler_specs(sampler: Any) -> dict[str, _Spec]:
    """A sampler's table; a PanelSampler's is its wrapped sampler's."""
    if _name(sampler) == "PanelSampler":
        inner = None if isinstance(sampler, type) else _param(sampler, "sampler")
        if inner is None:
            return {}
        return _prefixed(_sampler_specs(inner), "sampler__")
    return dict(_SAMPLER_SPACES.get(_name(sampler), {}))


def _prefixed(specs: Mapping[str, _Spec], prefix: str) -> dict[str, _Spec]:
    return {f"{prefix}{key}": spec for key, spec in specs.items()}


def _specs(est: Any) -> dict[str, _Spec] | None:
    """The table of ``est`` (``None`` when skseq has none for it)."""
    if _is_skseq_classifier(est):
        return _classifier_specs(est)
    if isinstance(est, type):
        return None
    if hasattr(est, "steps"):  # sklearn / imblearn Pipeline
        specs: dict[str, _Spec] = {}
        found = False
        for step_name, step in est.steps:
            if step is None or isinstance(step, str):
                continue
            sub = _specs(step)
            if sub is None and hasattr(step, "fit_resample"):
                sub = _sampler_specs(step)
            if sub is not None:
                found = True
                specs.update(_prefixed(sub, f"{step_name}__"))
        return specs if found else None
    if hasattr(est, "fit_resample"):
        sub = _sampler_specs(est)
        return sub or None
    # meta-estimators: skseq's cascade, and anything with an `estimator`
    # parameter (threshold tuners, calibration, …)
    params = est.get_params(deep=False)
    specs = {}
    found = False
    for key in ("estimator", "first", "second"):
        inner = params.get(key)
        if inner is None or isinstance(inner, str):
            continue
        sub = _specs(inner)
        if sub is not None:
            found = True
            specs.update(_prefixed(sub, f"{key}__"))
    return specs if found else None


def search_space(
    estimator: Any, *, kind: str = "random", prefix: str = ""
) -> dict[str, Any]:
    """Hyper-parameter distributions of a skseq estimator, ready for a search.

    Parameters
    ----------
    estimator : estimator instance or skseq classifier class
        A skseq classifier (its network decides the ``module__*`` entries),
        a scikit-learn / imbalanced-learn pipeline (every step with a table
        contributes, under ``<step>__``), or a meta-estimator around one
        (:class:`MulticlassThresholdClassifierCV`, :class:`CascadeClassifier`
        through ``first__``/``second__``, ``CalibratedClassifierCV``,
        ``TunedThresholdClassifierCV`` …, under ``estimator__``). A class
        stands for its default parameters.
    kind : {"random", "optuna"}, default="random"
        ``"random"``: scipy distributions and lists for
        :class:`~sklearn.model_selection.RandomizedSearchCV`.
        ``"optuna"``: ``optuna.distributions`` objects for Optuna:
        ``optuna_integration.OptunaSearchCV`` takes them unchanged (the
        recommended route, see :doc:`/guide/automl_tools`), as do
        :func:`optuna_objective` and :func:`suggest_params`.
    prefix : str, default=""
        Put in front of every name (e.g. ``"estimator__"`` when the estimator
        sits inside a meta-estimator you build around it afterwards).

    Returns
    -------
    space : dict
        ``set_params`` name -> distribution. For a skseq classifier:

        - the network's architecture, dropout and pooling (``module__*``; one
          table per family: recurrent, attention, transformer, CNN, FCN,
          ResNet, InceptionTime, LSTM-FCN, CNN-LSTM);
        - ``lr`` (log-uniform 1e-4–3e-2), ``batch_size`` (16, 32, 64),
          ``balanced_batches``, ``optimizer__weight_decay`` (log-uniform
          1e-5–0.1, when the optimizer takes it) and ``class_weight``
          (None or "balanced", when the criterion takes class weights);
        - ``criterion__*`` when the criterion is a skseq loss
          (:class:`~skseq.losses.FocalLoss` ``gamma``,
          :class:`~skseq.losses.ClassBalancedLoss` ``beta``/``loss``/``gamma``,
          :class:`~skseq.losses.LogitAdjustedLoss` ``tau``);
        - sampler parameters of a ``resampler``, of ``PanelSampler`` steps
          (``<step>__sampler__k_neighbors`` for SMOTE, …) and of
          :class:`~skseq.sampling.AugmentationOverSampler` steps.

        ``max_epochs`` is not in the space: use early stopping, or make it
        the resource of a successive-halving search.

    Raises
    ------
    ValueError
        For an estimator skseq has no table for (or a pipeline with no step
        that has one), a classifier with a custom network, or an unknown
        ``kind``.

    See Also
    --------
    optuna_objective : a cross-validated Optuna objective over such a space
        (``optuna_integration.OptunaSearchCV`` is its estimator form).

    Notes
    -----
    Architectures given as tuples (``module__n_filters=(32, 64)``) are
    categorical choices of tuples. Optuna keeps them in memory; an RDB
    storage cannot store them, so use the default in-memory storage or a
    journal file storage for such studies.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from skseq.classifiers import LSTMClassifier
    >>> from skseq.losses import FocalLoss
    >>> from skseq.model_selection import search_space
    >>> from skseq.sampling import PanelSampler
    >>> pipe = make_pipeline(PanelSampler(SMOTE()),
    ...                      LSTMClassifier(criterion=FocalLoss))
    >>> space = search_space(pipe)
    >>> space["lstmclassifier__module__hidden_size"]
    [16, 32, 64, 128]
    >>> sorted(k for k in space if "criterion" in k or "sampler__" in k)
    ['lstmclassifier__criterion__gamma', 'panelsampler__sampler__k_neighbors']
    >>> search = RandomizedSearchCV(pipe, space, n_iter=5, random_state=0)
    """
    if kind not in ("random", "optuna"):
        raise ValueError(f"kind must be 'random' or 'optuna'; got {kind!r}.")
    if isinstance(estimator, str):
        raise TypeError(
            f"search_space takes an estimator or a skseq classifier class, not "
            f"the string {estimator!r}; e.g. search_space(LSTMClassifier) or "
            "search_space(LSTMClassifier()) (from skseq.classifiers)."
        )
    if not isinstance(prefix, str):
        raise TypeError(
            f"prefix must be a str put in front of every name (e.g. "
            f"prefix='estimator__'); got {prefix!r}."
        )
    if estimator is None or not (
        isinstance(estimator, type) or hasattr(estimator, "get_params")
    ):
        raise TypeError(
            f"search_space takes an estimator or a skseq classifier class; got "
            f"{estimator!r}. E.g. search_space(LSTMClassifier) or "
            "search_space(LSTMClassifier()) (from skseq.classifiers)."
        )
    specs = _specs(estimator)
    if specs is None:
        raise ValueError(
            f"search_space has no table for {_name(estimator)}: it knows skseq's "
            "classifiers (and their networks), pipelines that contain one or a "
            "sampler (PanelSampler, AugmentationOverSampler, imblearn samplers), "
            "and meta-estimators around those (an 'estimator', 'first' or "
            "'second' parameter)."
        )
    if kind == "optuna":
        _import_optuna()
        convert: Callable[[_Spec], Any] = _to_optuna
    else:
        convert = _to_random
    return {f"{prefix}{name}": convert(spec) for name, spec in specs.items()}


# ---------------------------------------------------------------- optuna
def _check_distributions(distributions: Any) -> None:
    if not isinstance(distributions, Mapping):
        raise TypeError(
            "distributions must be a dict of name -> optuna distribution, e.g. "
            "search_space(estimator, kind='optuna'); got "
            f"{type(distributions).__name__}."
        )


def suggest_params(trial: Any, distributions: Mapping[str, Any]) -> dict[str, Any]:
    """Draw one value per distribution from an Optuna trial.

    Parameters
    ----------
    trial : optuna.trial.Trial
        The trial.
    distributions : dict
        Name -> ``optuna.distributions`` object, e.g.
        ``search_space(estimator, kind="optuna")``.

    Returns
    -------
    params : dict
        Name -> value, for ``set_params``.

    Examples
    --------
    >>> import optuna
    >>> from skseq.classifiers import GRUClassifier
    >>> from skseq.model_selection import search_space, suggest_params
    >>> space = search_space(GRUClassifier, kind="optuna")
    >>> study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    >>> params = suggest_params(study.ask(), space)
    >>> params["module__hidden_size"] in (16, 32, 64, 128)
    True
    """
    _check_distributions(distributions)
    optuna = _import_optuna()
    d = optuna.distributions
    params = {}
    for name, dist in distributions.items():
        if isinstance(dist, d.FloatDistribution):
            params[name] = trial.suggest_float(
                name, dist.low, dist.high, log=dist.log, step=dist.step
            )
        elif isinstance(dist, d.IntDistribution):
            params[name] = trial.suggest_int(
                name, dist.low, dist.high, step=dist.step, log=dist.log
            )
        elif isinstance(dist, d.CategoricalDistribution):
            with warnings.catch_warnings():
                # tuple-valued choices; see search_space's Notes
                warnings.filterwarnings("ignore", message="Choices for a categorical")
                params[name] = trial.suggest_categorical(name, list(dist.choices))
        else:
            raise TypeError(
                f"{name}: expected an optuna distribution (Float, Int or "
                f"Categorical); got {type(dist).__name__}. Build the space with "
                "search_space(estimator, kind='optuna')."
            )
    return params


def optuna_objective(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    distributions: Mapping[str, Any] | None = None,
    scoring: Any = None,
    cv: Any = 5,
    groups: Any = None,
    n_jobs: int | None = None,
    error_score: float | str = np.nan,
) -> Callable[[Any], float]:
    """A cross-validated Optuna objective over an estimator's search space.

    Each trial draws parameters with :func:`suggest_params`, sets them on a
    clone of ``estimator`` and returns the mean of
    :func:`~sklearn.model_selection.cross_val_score`; the standard deviation
    is recorded as the trial's user attribute ``"std_test_score"``. Maximise
    it (``optuna.create_study(direction="maximize")``).

    For a search as a scikit-learn estimator (``fit``, ``best_params_``,
    ``best_estimator_`` refitted on all data, ``predict``), the recommended
    route is optuna-integration's ``OptunaSearchCV``, which takes a skseq
    estimator and ``search_space(estimator, kind="optuna")`` unchanged and,
    given the same study, sampler seed and splitter, runs the same trials
    with the same scores as this objective (see :doc:`/guide/automl_tools`).
    This function remains for driving the study yourself: your own
    ``study.optimize`` loop, several estimators in one study, or an objective
    that adds terms to the cross-validated score.

    Parameters
    ----------
    estimator : estimator
        A skseq classifier, a pipeline or a meta-estimator around one.
    X, y : data
        Training data and labels.
    distributions : dict or None, default=None
        Name -> optuna distribution; ``None`` takes
        ``search_space(estimator, kind="optuna")``.
    scoring : str, callable or None, default=None
        As in :func:`~sklearn.model_selection.cross_val_score`.
    cv : int, splitter or iterable, default=5
        As in :func:`~sklearn.model_selection.cross_val_score`.
    groups : array-like or None, default=None
        Group labels for group splitters.
    n_jobs : int or None, default=None
        Folds in parallel.
    error_score : float or "raise", default=np.nan
        Score of a fit that fails (``"raise"`` to raise). With NaN, a trial
        with a failed fit returns NaN, which Optuna records as a failed trial.

    Returns
    -------
    objective : callable
        ``objective(trial) -> float``, for ``study.optimize``.

    See Also
    --------
    search_space : The distributions this objective draws from.
    suggest_params : One parameter set from a trial, for your own objective.

    Examples
    --------
    >>> import optuna
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from skseq.classifiers import GRUClassifier
    >>> from skseq.datasets import load_dataset
    >>> from skseq.model_selection import optuna_objective, search_space
    >>> X, y = load_dataset("ItalyPowerDemand", split="train")
    >>> clf = GRUClassifier(module__hidden_size=8, max_epochs=2, random_state=0)
    >>> space = {k: v for k, v in search_space(clf, kind="optuna").items()
    ...          if k in ("lr", "module__pooling")}
    >>> objective = optuna_objective(clf, X, y, distributions=space,
    ...                              scoring="f1_macro", cv=2)
    >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
    >>> study = optuna.create_study(direction="maximize",
    ...                             sampler=optuna.samplers.TPESampler(seed=0))
    >>> study.optimize(objective, n_trials=2)
    >>> sorted(study.best_params)
    ['lr', 'module__pooling']
    """
    if distributions is not None:
        _check_distributions(distributions)
    space = (
        search_space(estimator, kind="optuna")
        if distributions is None
        else dict(distributions)
    )

    def objective(trial: Any) -> float:
        params = suggest_params(trial, space)
        model = clone(estimator).set_params(**params)
        scores = cross_val_score(
            model,
            X,
            y,
            groups=groups,
            scoring=scoring,
            cv=cv,
            n_jobs=n_jobs,
            error_score=error_score,
        )
        trial.set_user_attr("std_test_score", float(np.std(scores)))
        # NaN (a failed fit) marks the trial as failed in Optuna
        return float(np.mean(scores))

    return objective
