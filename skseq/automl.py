"""Time-budgeted model selection for (imbalanced) panels of time series.

:class:`AutoSequenceClassifier` is a scikit-learn classifier that, within a
wall-clock budget, cross-validates a MiniRocket baseline, then searches
skseq's networks, imbalance strategies, preprocessing and hyper-parameters
with Optuna (TPE sampler, pruning per training epoch), tunes the decision
threshold of the winner and refits it on all the data.
"""

from __future__ import annotations

import contextlib
import math
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from itertools import combinations
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.linear_model import RidgeClassifierCV
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedKFold, check_cv
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback

from .utils._callback_api import CALLBACK_BASES, with_callbacks
from .utils.validation import check_panel, check_panel_y, validate_panel

__all__ = ["AutoSequenceClassifier"]

# short name -> classifier class name in skseq.classifiers
_MODELS = {
    "LSTM": "LSTMClassifier",
    "GRU": "GRUClassifier",
    "AttentionLSTM": "AttentionLSTMClassifier",
    "Transformer": "TransformerClassifier",
    "CNN": "CNNClassifier",
    "FCN": "FCNClassifier",
    "ResNet": "ResNetClassifier",
    "InceptionTime": "InceptionTimeClassifier",
    "LSTMFCN": "LSTMFCNClassifier",
    "CNNLSTM": "CNNLSTMClassifier",
}
_DEFAULT_MODELS = ("FCN", "ResNet", "InceptionTime", "LSTM")
_IMBALANCE = (
    "none",
    "class_weight",
    "focal",
    "logit_adjusted",
    "oversample",
    "smote",
    "balanced_batches",
)
BASELINE = "MiniRocket"
# the search never plans a trial below this many seconds per fold
_MIN_FOLD_SECONDS = 0.3
# at least this many trials share the search window (pruning ends bad ones early)
_MIN_TRIALS = 3
# greedy ensemble selection draws from this many best networks
_ENSEMBLE_POOL = 8
# the baseline's ridge scores become probabilities as softmax(3 * score) where
# it is averaged with a network: on the 28 imbalanced benchmark splits a
# MiniRocket + FCN average scored +0.014 / +0.015 / +0.011 macro-F1 over
# MiniRocket with temperatures 1 / 3 / 10 (issue 16)
_SCORE_TEMPERATURE = 3.0
# the first rung of the pruners, in percent of a trial's planned epochs: during
# the learning-rate warm-up (the first 10%) every network predicts one class,
# so earlier scores rank nothing
_MIN_RESOURCE = 10  # percent of a trial's planned epochs


# ------------------------------------------------------------------ helpers
def _has_numba() -> bool:
    import importlib.util

    return importlib.util.find_spec("numba") is not None


def _now() -> float:
    # wall clock: deadlines are compared across joblib workers
    return time.time()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Training warnings of candidates (short fits, chance level, …) are
    expected in a budgeted search and reported through the leaderboard."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _seed(rng: np.random.RandomState | None) -> int | None:
    return None if rng is None else int(rng.randint(0, 2**31 - 1))


# ------------------------------------------------------- MiniRocket features
class _MiniRocketFeatures(TransformerMixin, BaseEstimator):
    """MiniRocket features of a panel, unequal lengths padded with zeros.

    sktime's ``MiniRocketMultivariate`` (numba) when numba is installed,
    otherwise a numpy port of the same algorithm (Dempster et al., 2021: the
    84 fixed kernels of length 9, dilations up to ``max_dilations_per_kernel``,
    biases from quantiles of the convolution output of random training
    series, proportion-of-positive-values features, random channel subsets
    per kernel). Series are cut or zero-padded to the longest training series
    (at least 9 steps); NaN padding becomes 0.
    """

    def __init__(
        self,
        num_kernels: int = 10_000,
        max_dilations_per_kernel: int = 32,
        random_state: int | None = None,
        backend: str = "auto",
    ) -> None:
        self.num_kernels = num_kernels
        self.max_dilations_per_kernel = max_dilations_per_kernel
        self.random_state = random_state
        self.backend = backend

    def _shape(self, X: np.ndarray) -> np.ndarray:
        X = check_panel(X, allow_missing=True, allow_empty_series=True)
        out = np.zeros((len(X), X.shape[1], self.length_), dtype=np.float32)
        width = min(self.length_, X.shape[2])
        out[:, :, :width] = np.nan_to_num(X[:, :, :width], nan=0.0)
        return out

    def fit(self, X: Any, y: Any = None) -> _MiniRocketFeatures:
        X = check_panel(X, allow_missing=True, allow_empty_series=True)
        self.length_ = max(9, int(X.shape[2]))
        Xf = self._shape(X)
        backend = self.backend
        if backend == "auto":
            backend = "sktime" if _has_numba() else "numpy"
        self.backend_ = backend
        if backend == "sktime":
            from sktime.transformations.rocket import MiniRocketMultivariate

            self.rocket_ = MiniRocketMultivariate(
                num_kernels=self.num_kernels,
                max_dilations_per_kernel=self.max_dilations_per_kernel,
                n_jobs=1,
                random_state=self.random_state,
            ).fit(Xf.astype(np.float64))
        else:
            self.rocket_ = _NumpyMiniRocket(
                self.num_kernels, self.max_dilations_per_kernel, self.random_state
            ).fit(Xf)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "rocket_")
        Xf = self._shape(X)
        if self.backend_ == "sktime":
            params = getattr(self.rocket_, "parameters", None)
            if isinstance(params, tuple) and not all(
                np.asarray(p).flags.writeable for p in params
            ):
                # numba's signatures take writeable arrays only (a model loaded
                # with joblib's mmap_mode="r" has read-only ones)
                self.rocket_.parameters = tuple(np.array(p) for p in params)
            return np.asarray(self.rocket_.transform(Xf.astype(np.float64)))
        return self.rocket_.transform(Xf)


_KERNEL_INDICES = np.array(list(combinations(range(9), 3)), dtype=np.int64)  # 84


class _NumpyMiniRocket:
    """The MiniRocket(Multivariate) transform in numpy (no numba needed)."""

    def __init__(self, num_features: int, max_dilations: int, seed: int | None):
        self.num_features = num_features
        self.max_dilations = max_dilations
        self.seed = seed

    def _dilations(self, length: int) -> tuple[np.ndarray, np.ndarray]:
        per_kernel = max(1, self.num_features // 84)
        true_max = min(per_kernel, self.max_dilations)
        multiplier = per_kernel / true_max
        max_exponent = np.log2((length - 1) / (9 - 1))
        dilations, counts = np.unique(
            np.logspace(0, max_exponent, true_max, base=2).astype(np.int64),
            return_counts=True,
        )
        counts = (counts * multiplier).astype(np.int64)
        remainder = per_kernel - counts.sum()
        i = 0
        while remainder > 0:
            counts[i] += 1
            remainder -= 1
            i = (i + 1) % len(counts)
        return dilations, counts

    @staticmethod
    def _convolutions(X: np.ndarray, dilation: int) -> tuple[np.ndarray, np.ndarray]:
        """``C_alpha`` (n, c, t) and ``C_gamma`` (9, n, c, t) of one dilation,
        zero ('same') padding: kernel k's output is C_alpha plus its three
        C_gamma rows."""
        n, c, t = X.shape
        A = -X
        G = 3.0 * X
        C_alpha = A.copy()
        C_gamma = np.zeros((9, n, c, t), dtype=np.float32)
        C_gamma[4] = G
        for j in range(9):
            shift = (j - 4) * dilation
            if shift == 0 or abs(shift) >= t:
                continue
            if shift < 0:  # position j reads x[s + shift]
                C_alpha[:, :, -shift:] += A[:, :, :shift]
                C_gamma[j, :, :, -shift:] = G[:, :, :shift]
            else:
                C_alpha[:, :, :-shift] += A[:, :, shift:]
                C_gamma[j, :, :, :-shift] = G[:, :, shift:]
        return C_alpha, C_gamma

    def fit(self, X: np.ndarray) -> _NumpyMiniRocket:
        rng = np.random.RandomState(self.seed)
        n, c, t = X.shape
        self.dilations_, self.counts_ = self._dilations(t)
        total = int(84 * self.counts_.sum())
        phi = (np.sqrt(5) + 1) / 2
        quantiles = (np.arange(1, total + 1) * phi) % 1
        max_exponent = np.log2(min(c, 9) + 1)
        n_comb = 84 * len(self.dilations_)
        n_channels = (2 ** rng.uniform(0, max_exponent, n_comb)).astype(np.int64)
        self.channels_ = [
            rng.choice(c, int(min(k, c)), replace=False) for k in n_channels
        ]
        biases = np.zeros(total, dtype=np.float32)
        start = 0
        comb = 0
        for dilation, count in zip(self.dilations_, self.counts_):
            examples = rng.randint(n, size=84)
            C_alpha, C_gamma = self._convolutions(X[np.unique(examples)], dilation)
            where = {e: i for i, e in enumerate(np.unique(examples))}
            for k in range(84):
                i0, i1, i2 = _KERNEL_INDICES[k]
                row = where[examples[k]]
                ch = self.channels_[comb]
                C = (
                    C_alpha[row, ch] + C_gamma[i0, row, ch] + C_gamma[i1, row, ch]
                ) + C_gamma[i2, row, ch]
                C = C.sum(axis=0)
                end = start + count
                biases[start:end] = np.quantile(C, quantiles[start:end])
                start = end
                comb += 1
        self.biases_ = biases
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        n, _, t = X.shape
        out = np.zeros((n, len(self.biases_)), dtype=np.float32)
        # rows per chunk, so that the (rows, t, count) comparisons stay small
        chunk = max(1, int(2e7 // max(1, t * int(self.counts_.max()))))
        for lo in range(0, n, chunk):
            Xc = X[lo : lo + chunk]
            start = 0
            comb = 0
            for d_index, (dilation, count) in enumerate(
                zip(self.dilations_, self.counts_)
            ):
                padding = ((9 - 1) * int(dilation)) // 2
                C_alpha, C_gamma = self._convolutions(Xc, int(dilation))
                for k in range(84):
                    i0, i1, i2 = _KERNEL_INDICES[k]
                    ch = self.channels_[comb]
                    C = (
                        C_alpha[:, ch] + C_gamma[i0][:, ch] + C_gamma[i1][:, ch]
                    ) + C_gamma[i2][:, ch]
                    C = C.sum(axis=1)  # (rows, t)
                    if (d_index + k) % 2 == 1 and 0 < 2 * padding < t:
                        C = C[:, padding:-padding]
                    end = start + count
                    b = self.biases_[start:end]
                    out[lo : lo + len(Xc), start:end] = (C[:, :, None] > b).mean(axis=1)
                    start = end
                    comb += 1
        return out


def _baseline_pipeline(interpolate: bool, seed: int | None) -> Pipeline:
    """MiniRocket + standardisation + balanced ridge, as sktime's recipe."""
    from .transformers import Interpolator

    steps: list[tuple[str, Any]] = []
    if interpolate:
        steps.append(("interpolator", Interpolator()))
    steps += [
        ("minirocket", _MiniRocketFeatures(random_state=seed)),
        ("scaler", StandardScaler(with_mean=False)),
        (
            "ridge",
            RidgeClassifierCV(alphas=np.logspace(-3, 3, 10), class_weight="balanced"),
        ),
    ]
    return Pipeline(steps)


# ------------------------------------------------------------ skorch hooks
class _TimeBudget(Callback):
    """Stop training before a deadline; plan the epochs it leaves.

    After the first epoch the number of epochs that fit before
    ``min(deadline, start + max_seconds)`` is planned from that epoch's
    duration: the learning-rate schedule is squeezed into them (so the
    cosine decay still ends) and training stops after them. Whenever the
    next epoch would end past the limit, training stops (skorch ends a fit
    on ``KeyboardInterrupt`` after its end-of-training callbacks, as early
    stopping does); an epoch that runs past the limit anyway stops at its
    next batch. ``deadline=None`` and ``max_seconds=None``: inert.
    """

    def __init__(
        self, deadline: float | None = None, max_seconds: float | None = None
    ) -> None:
        self.deadline = deadline
        self.max_seconds = max_seconds

    def on_train_begin(self, net: Any, **kwargs: Any) -> None:
        self.start_ = _now()
        limits = [v for v in (self.deadline,) if v is not None]
        if self.max_seconds is not None:
            limits.append(self.start_ + self.max_seconds)
        self.limit_ = min(limits) if limits else None
        self.planned_ = int(net.max_epochs)
        self.epochs_ = 0
        self.stopped_ = False

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        if self.limit_ is None:
            return
        self.epochs_ += 1
        now = _now()
        per_epoch = (now - self.start_) / self.epochs_
        left = self.limit_ - now
        if self.epochs_ == 1 and per_epoch > 0:
            affordable = self.epochs_ + int(max(left, 0.0) // per_epoch)
            if affordable < self.planned_:
                self.planned_ = max(1, affordable)
                for name, cb in getattr(net, "callbacks_", []):
                    if name == "lr_schedule" and hasattr(cb, "max_epochs_"):
                        cb.max_epochs_ = self.planned_
        if self.epochs_ >= self.planned_ or left < per_epoch:
            if self.epochs_ < int(net.max_epochs):
                self.stopped_ = True
                raise KeyboardInterrupt

    def on_batch_end(self, net: Any, **kwargs: Any) -> None:
        # an epoch slower than planned (a busy machine, a long first epoch)
        # stops at the first batch past the limit, not at the epoch's end
        if self.limit_ is not None and _now() > self.limit_:
            self.stopped_ = True
            raise KeyboardInterrupt


class _PruneOnEpoch(Callback):
    """Report every epoch's validation score to an Optuna trial; raise
    ``optuna.TrialPruned`` when the pruner says so."""

    def __init__(self, trial: Any, X: Any, y: Any, scorer: Callable) -> None:
        self.trial = trial
        self.X = X
        self.y = y
        self.scorer = scorer

    def on_train_begin(self, net: Any, **kwargs: Any) -> None:
        self.step_ = 0

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        import optuna

        score = float(self.scorer(net, self.X, self.y))
        epoch = len(net.history)
        planned = int(net.max_epochs)
        for _, cb in getattr(net, "callbacks_", []):
            if isinstance(cb, _TimeBudget):
                planned = getattr(cb, "planned_", planned)
        # the step is the share of the planned training done (percent), so
        # that trials whose schedules differ in length meet at the same rungs
        self.step_ = max(self.step_ + 1, int(round(100 * epoch / max(1, planned))))
        self.last_score_ = score
        self.trial.report(score, self.step_)
        # the defaults trial is the anchor's network: it always trains out
        if self.trial.should_prune() and not self.trial.user_attrs.get("defaults"):
            raise optuna.TrialPruned(
                f"pruned after epoch {epoch} of {planned} (first-fold score "
                f"{score:.4f})"
            )


def _with_callbacks(net: Any, *callbacks: tuple[str, Callback]) -> Any:
    net.set_params(callbacks=list(net.callbacks or []) + list(callbacks))
    return net


def _disarm(obj: Any) -> None:
    """Drop the search's callbacks from the nets inside ``obj`` (a net, a
    pipeline or a threshold tuner), fitted or not, so that a refit or a clone
    of the result trains without deadlines."""
    from .classifiers import BaseSequenceClassifier

    if obj is None:
        return
    if isinstance(obj, BaseSequenceClassifier):
        for _, cb in getattr(obj, "callbacks_", None) or []:
            if isinstance(cb, _TimeBudget):
                cb.deadline = cb.max_seconds = None
                cb.limit_ = None
        kept = [
            cb
            for cb in (obj.callbacks or [])
            if not isinstance(cb[1] if isinstance(cb, tuple) else cb, _TimeBudget)
        ]
        vars(obj)["callbacks"] = kept or None
        return
    if isinstance(obj, Pipeline):
        for _, step in obj.steps:
            _disarm(step)
        return
    for name in ("estimator", "estimator_"):
        inner = getattr(obj, name, None)
        if inner is not None and inner is not obj:
            _disarm(inner)
    for name in ("estimators", "estimators_"):  # a VotingClassifier
        for inner in getattr(obj, name, None) or []:
            _disarm(inner[1] if isinstance(inner, tuple) else inner)


def _scores_to_proba(scores: np.ndarray) -> np.ndarray:
    """Softmax of ``_SCORE_TEMPERATURE`` times a ridge's decision scores
    (one column for two classes): probabilities in rank, not calibrated."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        scores = np.stack([-scores, scores], axis=1)
    z = _SCORE_TEMPERATURE * scores
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


class _ScoresAsProba(ClassifierMixin, BaseEstimator):
    """A classifier with only a decision function (the baseline's ridge)
    given ``predict_proba`` by :func:`_scores_to_proba`, so that a soft vote
    can average it with a network."""

    def __init__(self, estimator: Any = None) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any) -> _ScoresAsProba:
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = self.estimator_.classes_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return _scores_to_proba(self.estimator_.decision_function(X))

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class _StoredPredictions(ClassifierMixin, BaseEstimator):
    """Stored out-of-fold probabilities posing as a fitted classifier, so that
    any scorer can score a mixture of candidates without refitting them."""

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.proba_

    def predict(self, X: Any) -> np.ndarray:
        if self.threshold_ is not None:
            return self.classes_[(self.proba_[:, 1] >= self.threshold_).astype(int)]
        return self.classes_[np.argmax(self.proba_, axis=1)]

    def decision_function(self, X: Any) -> np.ndarray:
        return self.proba_[:, 1] if self.proba_.shape[1] == 2 else self.proba_


def _fit_fold(
    estimator: Any,
    X: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    scorer: Callable,
    deadline: float | None,
    max_seconds: float | None,
    extra: tuple = (),
    keep_proba: bool = False,
) -> dict[str, Any]:
    """Fit a clone on one training fold and score it on the test fold (and,
    with ``keep_proba``, keep its test-fold probabilities for ensembling)."""
    from .classifiers import BaseSequenceClassifier

    est = clone(estimator)
    budget = None
    net = est.steps[-1][1] if isinstance(est, Pipeline) else est
    if isinstance(net, BaseSequenceClassifier):
        budget = _TimeBudget(deadline, max_seconds)
        _with_callbacks(net, *extra, ("automl_budget", budget))
    start = _now()
    with _quiet():
        est.fit(X[train], y[train])
        seconds = _now() - start
        score = float(scorer(est, X[test], y[test]))
        proba = None
        if keep_proba and hasattr(est, "predict_proba"):
            proba = np.asarray(est.predict_proba(X[test]), dtype=np.float64)
        elif keep_proba and hasattr(est, "decision_function"):
            proba = _scores_to_proba(est.decision_function(X[test]))
    epochs = len(net.history_) if budget is not None else None
    return {
        "proba": proba,
        "score": score,
        "seconds": seconds,
        "epochs": epochs,
        "cut": bool(budget is not None and budget.stopped_),
    }


# ------------------------------------------------------------------- search
def _model_class(name: str) -> type:
    from . import classifiers

    return getattr(classifiers, _MODELS[name])


def _canonical_models(models: Any) -> list[str]:
    if models is None:
        return list(_DEFAULT_MODELS)
    if isinstance(models, str):
        models = [models]
    lookup = {k.lower(): k for k in _MODELS}
    lookup.update({v.lower(): k for k, v in _MODELS.items()})
    names = []
    for m in models:
        key = lookup.get(str(m).lower()) if isinstance(m, str) else None
        if key is None:
            raise ValueError(
                f"models: unknown model {m!r}; choose among "
                f"{', '.join(_MODELS)} (or their class names, e.g. "
                "'FCNClassifier')."
            )
        if key not in names:
            names.append(key)
    return names


class AutoSequenceClassifier(*CALLBACK_BASES, ClassifierMixin, BaseEstimator):
    """Budgeted AutoML over skseq's networks and a MiniRocket baseline.

    Within ``time_budget`` seconds of wall-clock time, ``fit``:

    1. cross-validates a strong non-deep baseline (``include_baseline``):
       MiniRocket features (sktime's ``MiniRocketMultivariate``; a numpy port
       of it when numba is not installed), ``StandardScaler(with_mean=False)``
       and ``RidgeClassifierCV(alphas=np.logspace(-3, 3, 10),
       class_weight="balanced")``; unequal lengths are zero-padded. It is
       evaluated first, and the result never scores below it in
       cross-validation (step 3);
    2. searches with Optuna (``TPESampler(seed=random_state)``) over the
       network (``models``), the imbalance strategy (none,
       ``class_weight="balanced"``, :class:`~skseq.losses.FocalLoss`,
       :class:`~skseq.losses.LogitAdjustedLoss`, random over-sampling or
       SMOTE through :class:`~skseq.sampling.PanelSampler` as the
       classifier's ``resampler``, ``balanced_batches``), per-series
       z-normalisation (:class:`~skseq.transformers.Normalizer`) or none, and
       the hyper-parameters of :func:`skseq.model_selection.search_space`.
       The first trial is the first of ``models`` with its default
       hyper-parameters and ``class_weight="balanced"`` (the defaults learn
       across the bundled sets; the search starts from them, not from a
       random draw). Every candidate is scored by ``cv``-fold cross-validation with
       ``scoring``. On the first fold a skorch callback reports each epoch's
       validation score to the trial, and the pruner
       (successive halving by default) stops unpromising trials;
    3. averages the baseline (its ridge scores as ``softmax(3 * score)``)
       with the first trial, the *anchor*, and keeps it unless another
       candidate beats it in cross-validation by more than the standard
       error of their paired difference (bootstrap over the series'
       out-of-fold probabilities) times the expected maximum of ``N``
       standard normal draws for ``N`` scored candidates (about 2.5 for 100:
       the best of ``N`` equally good candidates beats the anchor by about
       that much through noise alone, the winner's curse), and by more than
       one rare series' worth (the score change when one series of the
       rarest class flips: no resampling shows how a class of two series
       generalises); where the anchor scores below the baseline alone, the
       baseline takes its place, so the result never scores below the
       baseline in CV. With
       few rare series the folds cannot rank candidates a few hundredths
       apart: on the imbalanced benchmark (28 splits with 2-3 rare training
       series) the best-in-CV candidate lost up to 0.14 macro-F1 to the
       baseline on the test split, while MiniRocket + FCN averaged +0.015
       and never fell 0.02 below it. Otherwise it builds a greedy ensemble
       (Caruana et al., 2004, as auto-sklearn does) of the networks'
       out-of-fold probabilities, ``ensemble_size`` picks with replacement;
       it replaces the winner only when its cross-validated score is
       higher, and its decision threshold (two classes) is then tuned on the
       same out-of-fold probabilities. ``ensemble_size < 2`` turns both
       ensembles off;
    4. otherwise tunes the decision threshold of the winner
       (:class:`~sklearn.model_selection.TunedThresholdClassifierCV` for two
       classes, :class:`~skseq.model_selection.MulticlassThresholdClassifierCV`
       for more) and keeps it only when it raises the cross-validated score;
    5. refits the winner on all the data.

    Series with missing values inside them are filled by
    :class:`~skseq.transformers.Interpolator` first (in every candidate and
    in the final model).

    Parameters
    ----------
    time_budget : float, default=60.0
        Seconds the whole ``fit`` may take, refit included; it ends within
        ``time_budget`` plus 10% (the overshoot is the granularity of one
        training epoch or one baseline fit). A budget too small for the
        baseline's cross-validation and refit raises a ``ValueError`` that
        names the smallest useful budget, estimated by timing the baseline on
        a subsample.
    scoring : str, callable or None, default="f1_macro"
        What is maximised: a scikit-learn scorer name (see
        :func:`sklearn.metrics.get_scorer_names`) or a scorer callable
        ``scorer(estimator, X, y)``. ``None``: accuracy. Threshold tuning runs
        only for scorers of predicted labels (``"f1_macro"``,
        ``"balanced_accuracy"``, …).
    cv : int, cross-validation generator or iterable, default=3
        The splits every candidate is scored on. An int is a stratified,
        shuffled k-fold (seeded by ``random_state``), reduced to the size of
        the rarest class when that is smaller (at least 2).
    n_jobs : int or None, default=None
        Folds fitted in parallel with joblib (the first fold of each trial
        runs in the calling process, for per-epoch pruning). Under
        :func:`skseq.model_selection.cluster_backend` they run on a Dask or
        Ray cluster.
    random_state : int, RandomState instance or None, default=None
        Seeds the splits, the sampler, the baseline and every candidate
        network. An int seeds the baseline's MiniRocket features with itself,
        so they are those of the baseline fitted alone with that seed. With
        an int and ``n_jobs=1`` the same data give the same trials, scores
        and model whenever the budget does not cut training (see Notes).
    models : sequence of str or None, default=None
        Networks to search among: any of ``"LSTM"``, ``"GRU"``,
        ``"AttentionLSTM"``, ``"Transformer"``, ``"CNN"``, ``"FCN"``,
        ``"ResNet"``, ``"InceptionTime"``, ``"LSTMFCN"``, ``"CNNLSTM"`` (or
        the class names). ``None``: FCN, ResNet, InceptionTime and LSTM. An
        empty sequence evaluates the baseline only.
    include_baseline : bool, default=True
        Cross-validate the MiniRocket baseline before any network.
    imbalance : sequence of str or None, default=None
        Imbalance strategies to search among: ``"none"``,
        ``"class_weight"``, ``"focal"``, ``"logit_adjusted"``,
        ``"oversample"``, ``"smote"`` and ``"balanced_batches"``. ``None``:
        all of them (``"smote"`` only when every class has at least two
        series in each training fold).
    max_epochs : int, default=100
        Most epochs any candidate trains; within a trial the epochs are
        planned to fit the time the budget leaves it.
    max_trials : int or None, default=None
        Most network trials (pruned and failed ones included); ``None``: as
        many as the budget allows. ``0``: the baseline only.
    pruner : {"successive_halving", "hyperband"}, optuna pruner or None, \
default="successive_halving"
        Optuna's ``SuccessiveHalvingPruner`` or ``HyperbandPruner`` (over
        epochs), another pruner instance, or ``None`` (no pruning).
    tune_threshold : bool, default=True
        Tune the decision threshold of the winner when the budget leaves
        time for it (one more cross-validation of the winner).
    ensemble_size : int, default=5
        Picks (with replacement) of greedy ensemble selection over the
        networks' out-of-fold probabilities; ``0`` or ``1`` turns ensembling
        off, and with it the anchor (the baseline averaged with the first
        trial, step 3). The soft-voting ensemble (sklearn's
        ``VotingClassifier``, the picks as weights) replaces the single winner
        only when it scores higher in cross-validation and the refits of its
        members fit in the budget left.
    verbose : int, default=0
        Print one line per candidate when > 0.

    Attributes
    ----------
    best_estimator_ : estimator
        The winner refitted on all the data: a :class:`~sklearn.pipeline.Pipeline`
        (preprocessing and a skseq classifier, or the baseline), possibly
        inside a threshold tuner.
    best_params_ : dict
        The winner's configuration: ``"model"``, ``"imbalance"``,
        ``"normalize"``, ``"max_epochs"`` and its hyper-parameters under
        their ``set_params`` names; ``"threshold"`` when a tuned decision was
        kept (binary: the threshold on the winner's probability or decision
        function; multi-class: the per-class weights of
        :class:`~skseq.model_selection.MulticlassThresholdClassifierCV`).
    best_score_ : float
        Cross-validated ``scoring`` of the winner (of the tuned decision when
        it was kept).
    leaderboard_ : pandas.DataFrame
        One row per candidate, in the order evaluated: ``candidate``,
        ``params``, ``mean_test_score``, ``std_test_score``, ``fit_seconds``
        (wall seconds of its cross-validation), ``finished_at`` (seconds
        since ``fit`` began), ``epochs`` (mean over folds),
        ``status`` (``"ok"``, ``"pruned"``, ``"failed"`` or ``"budget"``: not
        finished within the budget), ``note`` and ``selected``.
    classes_ : ndarray of shape (n_classes,)
        Class labels, as given.
    n_features_in_ : int
        Time steps for 2-D input, channels otherwise (as skseq's classifiers).
    n_splits_ : int
        Cross-validation folds used.
    n_trials_ : int
        Network trials run.
    fit_seconds_ : float
        Wall seconds ``fit`` took.
    refit_seconds_ : float
        Wall seconds of the final stage (threshold tuning and refit).

    See Also
    --------
    skseq.model_selection.search_space : The distributions searched.
    skseq.model_selection.MulticlassThresholdClassifierCV : Decision tuning.

    Notes
    -----
    *Budget accounting.* Before anything else, the baseline is timed on a
    subsample; the cost of its cross-validation and refit is extrapolated
    and, with a margin, gives the smallest useful budget. Each trial is then
    given a share of what is left after reserving the time the current
    winner's final stage (threshold tuning and refit, estimated from its
    fold times) needs, so that a trial that wins can still be refitted; at
    least three trials share the search window. A skorch callback plans each
    network's epochs from its first epoch's duration and stops training at
    the trial's deadline; the refit trains as many epochs as the winner did
    in cross-validation, under the same kind of deadline.

    *Reproducibility.* With an int ``random_state`` and ``n_jobs=1`` the
    splits, the baseline, the parameters TPE proposes and every network's
    training are seeded. A wall-clock budget makes the number of trials and,
    when the deadline cuts training short, the epochs depend on the
    machine's speed: results repeat exactly when ``max_trials`` and
    ``max_epochs`` bind before the budget does (the leaderboard's ``note``
    says where the budget cut training).

    *Progress.* With scikit-learn >= 1.9, ``set_callbacks`` takes
    ``sklearn.callback`` callbacks (e.g. ``ProgressBar()``): the fit is one
    ``"fit"`` task with one ``"candidate"`` subtask per leaderboard row,
    reported when the row is written, with the row (candidate, score,
    status, ``finished_at``) as ``metadata``; a hook that returns ``True``
    ends the search, and the best candidate so far is refitted.
    ``verbose=1`` prints the same rows.

    *Ensembles.* Every network trial keeps its test-fold probabilities, so
    ensemble selection costs no extra training: any scorer scores a mixture
    through a stored-prediction stand-in on the same folds, and the single
    best model's score is reproduced exactly. The MiniRocket baseline has no
    probabilities and never joins an ensemble.

    Examples
    --------
    >>> from skseq.automl import AutoSequenceClassifier
    >>> from skseq.datasets import load_dataset
    >>> X, y = load_dataset("GunPoint", split="train")
    >>> clf = AutoSequenceClassifier(time_budget=30, models=["LSTM"],
    ...                              max_trials=1, max_epochs=2,
    ...                              random_state=0).fit(X, y)
    >>> clf.leaderboard_["candidate"].tolist()[:2]
    ['MiniRocket', 'LSTM']
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> bool(clf.best_score_ >= clf.leaderboard_["mean_test_score"].iloc[0])
    True
    """

    _parameter_constraints: dict = {
        "time_budget": [Interval(Real, 0, None, closed="neither")],
        "scoring": [None, str, callable],
        "cv": ["cv_object"],
        "n_jobs": [None, Integral],
        "random_state": ["random_state"],
        "models": [None, str, list, tuple],
        "include_baseline": ["boolean"],
        "imbalance": [None, list, tuple],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "max_trials": [None, Interval(Integral, 0, None, closed="left")],
        "tune_threshold": ["boolean"],
        "ensemble_size": [Interval(Integral, 0, None, closed="left")],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        time_budget: float = 60.0,
        *,
        scoring: str | Callable | None = "f1_macro",
        cv: int | Any = 3,
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
        models: Sequence[str] | None = None,
        include_baseline: bool = True,
        imbalance: Sequence[str] | None = None,
        max_epochs: int = 100,
        max_trials: int | None = None,
        pruner: str | Any | None = "successive_halving",
        tune_threshold: bool = True,
        ensemble_size: int = 5,
        verbose: int = 0,
    ) -> None:
        self.time_budget = time_budget
        self.scoring = scoring
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.models = models
        self.include_baseline = include_baseline
        self.imbalance = imbalance
        self.max_epochs = max_epochs
        self.max_trials = max_trials
        self.pruner = pruner
        self.tune_threshold = tune_threshold
        self.ensemble_size = ensemble_size
        self.verbose = verbose

    # ------------------------------------------------------------ validation
    def _check_params(self) -> tuple[list[str], Callable]:
        self._validate_params()
        if isinstance(self.time_budget, bool) or not math.isfinite(self.time_budget):
            raise ValueError(
                f"time_budget must be a finite number of seconds > 0; got "
                f"{self.time_budget!r}."
            )
        models = _canonical_models(self.models)
        if not models and not self.include_baseline:
            raise ValueError(
                "Nothing to search: models is empty and include_baseline=False. "
                "Give at least one model or include the baseline."
            )
        if self.imbalance is not None:
            unknown = [s for s in self.imbalance if s not in _IMBALANCE]
            if unknown or not len(self.imbalance):
                raise ValueError(
                    f"imbalance: unknown or no strategy {unknown!r}; choose a "
                    f"non-empty subset of {', '.join(_IMBALANCE)} (or None "
                    "for all)."
                )
        if self.pruner is None or self.pruner in ("successive_halving", "hyperband"):
            pass
        elif isinstance(self.pruner, str) or not hasattr(self.pruner, "prune"):
            raise ValueError(
                "pruner must be 'successive_halving', 'hyperband', None or an "
                f"optuna pruner instance; got {self.pruner!r}."
            )
        scoring = "accuracy" if self.scoring is None else self.scoring
        if isinstance(scoring, str):
            try:
                scorer = get_scorer(scoring)
            except ValueError:
                raise ValueError(
                    f"scoring={scoring!r} is not a scikit-learn scorer name; use "
                    "one of sklearn.metrics.get_scorer_names() (e.g. "
                    "'f1_macro', 'balanced_accuracy', 'roc_auc_ovr') or a "
                    "scorer callable (sklearn.metrics.make_scorer)."
                ) from None
        else:
            scorer = scoring
        if models:
            try:
                import optuna  # noqa: F401
            except ImportError as exc:  # pragma: no cover - optuna is a test extra
                raise ImportError(
                    "AutoSequenceClassifier searches networks with Optuna: pip "
                    "install 'skseq[optuna]' (or pass models=[] for the "
                    "baseline only)."
                ) from exc
        return models, scorer

    def _splits(self, X: np.ndarray, y: np.ndarray, seed: int | None) -> list:
        cv = self.cv
        if isinstance(cv, Integral) and not isinstance(cv, bool):
            if cv < 2:
                raise ValueError(f"cv={cv} must be at least 2 folds.")
            smallest = int(np.unique(y, return_counts=True)[1].min())
            n_splits = min(int(cv), max(2, smallest))
            cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splitter = check_cv(cv, y, classifier=True)
        return [(np.asarray(tr), np.asarray(te)) for tr, te in splitter.split(X, y)]

    # --------------------------------------------------------------- fit
    @with_callbacks
    def fit(self, X: Any, y: Any) -> AutoSequenceClassifier:
        """Search within ``time_budget`` and refit the winner on all data.

        Parameters
        ----------
        X : array-like of shape (n_series, n_channels, n_timepoints) or \
(n_series, n_timepoints), list of arrays or sktime pandas panel
            Training series; unequal lengths as trailing NaN (or a list).
            NaN inside a series is filled by an Interpolator.
        y : array-like of shape (n_series,)
            Labels of any type.

        Returns
        -------
        self : AutoSequenceClassifier
            The fitted search.
        """
        t0 = _now()
        models, scorer = self._check_params()
        Xp, lengths = validate_panel(
            self, X, reset=True, allow_missing=True, return_lengths=True
        )
        y = check_panel_y(y, len(Xp))
        self.classes_ = np.unique(y)
        rng = (
            None if self.random_state is None else check_random_state(self.random_state)
        )
        split_seed = _seed(rng)
        splits = self._splits(Xp, y, split_seed)
        self.n_splits_ = len(splits)
        steps = np.arange(Xp.shape[2])
        interpolate = bool(
            (np.isnan(Xp) & (steps[None, None, :] < lengths[:, None, None])).any()
        )
        end = t0 + float(self.time_budget)
        # scikit-learn callbacks (>= 1.9): one "fit" task, one "candidate"
        # subtask reported as each leaderboard row is written
        context = None
        if hasattr(self, "_init_callback_context"):
            context = self._init_callback_context(max_subtasks=None)
            context.call_on_fit_task_begin(estimator=self, X=X, y=y)
        ctx = _Search(
            owner=self,
            X=Xp,
            y=y,
            splits=splits,
            scorer=scorer,
            models=models,
            interpolate=interpolate,
            t0=t0,
            end=end,
            rng=rng,
            callback_context=context,
        )
        ctx.check_budget()
        if self.include_baseline:
            ctx.run_baseline()
        if models and self.max_trials != 0 and not ctx.stop_requested:
            ctx.search()
        t_final = _now()
        ctx.finish()
        self.refit_seconds_ = _now() - t_final
        self.fit_seconds_ = _now() - t0
        if context is not None:
            context.call_on_fit_task_end(estimator=self, X=X, y=y)
        return self

    # ----------------------------------------------------------- predict
    def _check_fitted(self) -> None:
        check_is_fitted(self, "best_estimator_")

    def _panel(self, X: Any) -> np.ndarray:
        self._check_fitted()
        return validate_panel(self, X, reset=False, allow_missing=True)

    def predict(self, X: Any) -> np.ndarray:
        """Class of every series, by the winner (and its tuned decision).

        Parameters
        ----------
        X : array-like, list of arrays or sktime pandas panel
            Series to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_series,)
        """
        X = self._panel(X)
        return self.best_estimator_.predict(X)

    def _has(name: str) -> Callable:  # noqa: N805 - decorator factory
        def check(self: AutoSequenceClassifier) -> bool:
            self._check_fitted()
            return hasattr(self.best_estimator_, name)

        return check

    @available_if(_has("predict_proba"))
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of the winner (when it has them).

        Parameters
        ----------
        X : array-like, list of arrays or sktime pandas panel
            Series to classify.

        Returns
        -------
        proba : ndarray of shape (n_series, n_classes)
        """
        X = self._panel(X)
        return self.best_estimator_.predict_proba(X)

    @available_if(_has("decision_function"))
    def decision_function(self, X: Any) -> np.ndarray:
        """Decision function of the winner (when it has one).

        Parameters
        ----------
        X : array-like, list of arrays or sktime pandas panel
            Series to classify.

        Returns
        -------
        scores : ndarray of shape (n_series,) or (n_series, n_classes)
        """
        X = self._panel(X)
        return self.best_estimator_.decision_function(X)

    del _has

    # -------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        # trailing NaN is padding, NaN inside a series is interpolated
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = True
        # how many trials run, and for how many epochs, depends on the clock
        tags.non_deterministic = True
        return tags


# ------------------------------------------------------------ search state
class _Search:
    """One ``fit``'s search: data, splits, clock, leaderboard rows."""

    def __init__(
        self,
        *,
        owner: AutoSequenceClassifier,
        X: np.ndarray,
        y: np.ndarray,
        splits: list,
        scorer: Callable,
        models: list[str],
        interpolate: bool,
        t0: float,
        end: float,
        rng: np.random.RandomState | None,
        callback_context: Any = None,
    ) -> None:
        self.owner = owner
        self.callback_context = callback_context
        self.stop_requested = False
        self.X = X
        self.y = y
        self.splits = splits
        self.k = len(splits)
        self.scorer = scorer
        self.models = models
        self.interpolate = interpolate
        self.t0 = t0
        self.end = end
        self.budget = end - t0
        # fixed overheads (prediction, bookkeeping) kept out of every plan
        self.margin = min(0.04 * self.budget, 2.0)
        self.rng = rng
        # an int random_state seeds the baseline's features directly: its
        # MiniRocket is the one a user gets from the same random_state alone
        drawn = _seed(rng)
        seed = owner.random_state
        self.baseline_seed = int(seed) if isinstance(seed, Integral) else drawn
        self.sampler_seed = _seed(rng)
        self.net_seed = _seed(rng)
        self.rows: list[dict[str, Any]] = []
        self.best: dict[str, Any] | None = None
        self.n_train = float(np.mean([len(tr) for tr, _ in splits]))
        n_jobs = owner.n_jobs
        from joblib import effective_n_jobs

        self.parallel = 1 if n_jobs in (None, 1) else max(1, effective_n_jobs(n_jobs))
        self._panels: dict[bool, np.ndarray] = {}
        self.verbose = owner.verbose

    # ---------------------------------------------------------------- utils
    def left(self) -> float:
        return self.end - _now()

    def log(self, message: str) -> None:
        if self.verbose:
            print(f"[AutoSequenceClassifier {(_now() - self.t0):6.1f}s] {message}")

    def panel(self, normalize: bool) -> np.ndarray:
        """The training panel after the (stateless) preprocessing."""
        if normalize not in self._panels:
            from .transformers import Interpolator, Normalizer

            X = self.X
            with _quiet():
                if self.interpolate:
                    X = Interpolator().fit_transform(X)
                if normalize:
                    X = Normalizer().fit_transform(X)
            self._panels[normalize] = X
        return self._panels[normalize]

    def preprocessing(self, normalize: bool) -> list[tuple[str, Any]]:
        from .transformers import Interpolator, Normalizer

        steps: list[tuple[str, Any]] = []
        if self.interpolate:
            steps.append(("interpolator", Interpolator()))
        if normalize:
            steps.append(("normalizer", Normalizer()))
        return steps

    def add_row(self, **row: Any) -> dict[str, Any]:
        row.setdefault("note", "")
        row["finished_at"] = _now() - self.t0
        if self.callback_context is not None:
            # the candidates are sequential: scikit-learn numbers them 0, 1, ...
            task = self.callback_context.subcontext(task_name="candidate")
            task.call_on_fit_task_begin(estimator=self.owner, X=self.X, y=self.y)
            # the row as metadata; a callback may end the search (the final
            # stage still runs)
            metadata = {
                k: row.get(k)
                for k in ("candidate", "mean_test_score", "status", "finished_at")
            }
            if task.call_on_fit_task_end(
                estimator=self.owner, X=self.X, y=self.y, metadata=metadata
            ):
                self.stop_requested = True
        self.rows.append(row)
        if (
            row["status"] == "ok"
            and np.isfinite(row["mean_test_score"])
            and (
                self.best is None
                or row["mean_test_score"] > self.best["mean_test_score"] + 1e-12
            )
        ):
            self.best = row
        self.log(
            f"{row['candidate']}: {row['status']} "
            f"{row['mean_test_score']:.4f} in {row['fit_seconds']:.1f}s "
            f"{row['note']}"
        )
        return row

    def final_cost(self, row: dict[str, Any]) -> float:
        """Estimated seconds of ``row``'s final stage (tuning and refit)."""
        fold = row["fold_seconds"]
        refit = 1.2 * fold * len(self.y) / self.n_train
        if self.tunes(row):
            refit += fold * math.ceil(self.k / min(self.parallel, self.k))
        return refit

    def tunes(self, row: dict[str, Any]) -> bool:
        if not self.owner.tune_threshold:
            return False
        if getattr(self.scorer, "_response_method", None) != "predict":
            return False
        # MulticlassThresholdClassifierCV needs probabilities (ridge has none)
        return len(self.owner.classes_) == 2 or row["model"] != BASELINE

    # ------------------------------------------------------------- budget
    def check_budget(self) -> None:
        """Time the cheapest first candidate on a subsample; refuse budgets
        too small for its cross-validation and refit."""
        n = len(self.y)
        size = min(n, 40)
        rng = np.random.RandomState(0)
        # a few series of every class
        idx = np.sort(
            np.concatenate(
                [
                    rng.permutation(np.flatnonzero(self.y == c))[
                        : max(2, size // len(self.owner.classes_))
                    ]
                    for c in self.owner.classes_
                ]
            )
        )
        Xs, ys = self.panel(False)[idx], self.y[idx]
        if self.owner.include_baseline:
            what = "the MiniRocket baseline"
            est = _baseline_pipeline(False, self.baseline_seed)
        else:
            model = self.models[0]
            what = f"the first {model} network (3 epochs)"
            est = _model_class(model)(max_epochs=3, random_state=0)
        # the first fit in a process pays one-off costs (numba compiles
        # MiniRocket's kernels, torch its first graph) that do not grow with
        # the data: time a second fit, after a warm-up on two series a class
        warm = np.concatenate([np.flatnonzero(ys == c)[:2] for c in np.unique(ys)])
        with _quiet():
            clone(est).fit(Xs[warm], ys[warm])
        start = _now()
        with _quiet():
            est.fit(Xs, ys).predict(Xs)
        per_fit = _now() - start
        scale = max(1.0, n / len(idx))
        # the folds (in waves of parallel fits, each on (k-1)/k of the data)
        # and the refit
        waves = math.ceil(self.k / min(self.parallel, self.k))
        estimate = per_fit * scale * (waves * (self.k - 1) / self.k + 1)
        probe = _now() - self.t0
        smallest = 1.3 * estimate + probe + self.margin
        self.probe_seconds = probe
        if self.budget < smallest:
            # the budget named has 25% headroom: the estimate itself varies
            # from run to run with the machine's load
            raise ValueError(
                f"time_budget={self.owner.time_budget!r} s is too small for this "
                f"data ({n} series, {self.X.shape[1]} channel(s), "
                f"{self.X.shape[2]} time steps): {what} alone needs about "
                f"{estimate:.1f} s for {self.k}-fold cross-validation and the "
                f"refit (timed on {len(idx)} series). Give time_budget >= "
                f"{math.ceil(1.25 * smallest)} (or fewer folds with cv=)."
            )

    # ----------------------------------------------------------- baseline
    def run_baseline(self) -> None:
        est = _baseline_pipeline(self.interpolate, self.baseline_seed)
        start = _now()
        status, note, oof = "ok", "", None
        keep = self.owner.ensemble_size > 1
        try:
            results = Parallel(n_jobs=self.owner.n_jobs)(
                delayed(_fit_fold)(
                    est, self.X, self.y, tr, te, self.scorer, None, None, (), keep
                )
                for tr, te in self.splits
            )
            scores = [r["score"] for r in results]
            fold = float(np.mean([r["seconds"] for r in results]))
            if keep:
                oof = [r["proba"] for r in results]
        except Exception as exc:  # noqa: BLE001 - reported in the leaderboard
            status, note, scores, fold = "failed", _error(exc), [np.nan], np.nan
        backend = "numba" if _has_numba() else "numpy"
        self.add_row(
            candidate=BASELINE,
            model=BASELINE,
            params={"model": BASELINE, "implementation": backend},
            mean_test_score=float(np.mean(scores)),
            std_test_score=float(np.std(scores)),
            fit_seconds=_now() - start,
            fold_seconds=fold,
            epochs=np.nan,
            status=status,
            note=note,
            trial=None,
            estimator=est,
            oof=oof,
        )

    # ------------------------------------------------------------- search
    def _strategies(self) -> list[str]:
        chosen = list(self.owner.imbalance or _IMBALANCE)
        smallest = min(
            int(np.unique(self.y[tr], return_counts=True)[1].min())
            for tr, _ in self.splits
        )
        self.smote_k = min(5, smallest - 1)
        if self.smote_k < 1 and "smote" in chosen and len(chosen) > 1:
            chosen.remove("smote")
        return chosen

    def _pruner(self) -> Any:
        import optuna

        pruner = self.owner.pruner
        if pruner is None:
            return optuna.pruners.NopPruner()
        if pruner == "successive_halving":
            return optuna.pruners.SuccessiveHalvingPruner(
                min_resource=_MIN_RESOURCE, reduction_factor=3
            )
        if pruner == "hyperband":
            return optuna.pruners.HyperbandPruner(
                min_resource=_MIN_RESOURCE,
                max_resource=100,
                reduction_factor=3,
            )
        return clone(pruner) if hasattr(pruner, "get_params") else pruner

    def _network(
        self, model: str, strategy: str, seed: int | None, **params: Any
    ) -> Any:
        from imblearn.over_sampling import SMOTE, RandomOverSampler

        from .losses import FocalLoss, LogitAdjustedLoss
        from .sampling import PanelSampler

        kwargs: dict[str, Any] = {"random_state": seed}
        if strategy == "class_weight":
            kwargs["class_weight"] = "balanced"
        elif strategy == "focal":
            kwargs["criterion"] = FocalLoss
        elif strategy == "logit_adjusted":
            kwargs["criterion"] = LogitAdjustedLoss
        elif strategy == "oversample":
            kwargs["resampler"] = PanelSampler(RandomOverSampler(random_state=seed))
        elif strategy == "smote":
            kwargs["resampler"] = PanelSampler(
                SMOTE(k_neighbors=max(1, self.smote_k), random_state=seed)
            )
        elif strategy == "balanced_batches":
            kwargs["balanced_batches"] = True
        est = _model_class(model)(**kwargs)
        return est.set_params(**params) if params else est

    def _space(self, model: str, strategy: str) -> dict[str, Any]:
        """Optuna distributions of one (network, strategy), by set_params name."""
        from optuna.distributions import IntDistribution

        from .model_selection import search_space

        key = (model, strategy)
        if key not in self._spaces:
            space = search_space(self._network(model, strategy, 0), kind="optuna")
            for name in ("class_weight", "balanced_batches"):
                space.pop(name, None)
            if "resampler__sampler__k_neighbors" in space:
                space["resampler__sampler__k_neighbors"] = IntDistribution(
                    1, max(1, self.smote_k)
                )
            self._spaces[key] = space
        return self._spaces[key]

    def _defaults_trial(self) -> dict[str, Any] | None:
        """The first trial: the first network's defaults with class weights.

        A network's defaults are the settings that learn across the bundled
        sets (the quality benchmark), and balanced class weights the cheapest
        imbalance remedy; the search starts from them, as auto-sklearn starts
        from configurations that did well before, instead of from a random
        draw.
        """
        if not self.models or not self.strategies:
            return None
        strategy = (
            "class_weight" if "class_weight" in self.strategies else self.strategies[0]
        )
        return {"model": self.models[0], "imbalance": strategy, "normalize": False}

    def _suggest(self, trial: Any) -> dict[str, Any]:
        from .model_selection import suggest_params

        model = trial.suggest_categorical("model", self.models)
        strategy = trial.suggest_categorical("imbalance", self.strategies)
        normalize = trial.suggest_categorical("normalize", [False, True])
        if trial.user_attrs.get("defaults"):
            return {
                "model": model,
                "imbalance": strategy,
                "normalize": normalize,
                "params": {},
            }
        space = self._space(model, strategy)
        # architecture names differ per network: one Optuna name per network
        named = {
            (f"{model}:{k}" if k.startswith("module__") else k): v
            for k, v in space.items()
        }
        drawn = suggest_params(trial, named)
        params = {k.split(":", 1)[-1]: v for k, v in drawn.items()}
        return {
            "model": model,
            "imbalance": strategy,
            "normalize": normalize,
            "params": params,
        }

    def _trial_seed(self, number: int) -> int | None:
        if self.net_seed is None:
            return None
        return int((self.net_seed + 1_000_003 * number) % (2**31 - 1))

    def search(self) -> None:
        import optuna

        owner = self.owner
        self.strategies = self._strategies()
        self._spaces: dict[tuple[str, str], dict[str, Any]] = {}
        verbosity = optuna.logging.get_verbosity()
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        try:
            with _quiet():
                study = optuna.create_study(
                    direction="maximize",
                    sampler=optuna.samplers.TPESampler(
                        seed=self.sampler_seed, n_startup_trials=5
                    ),
                    pruner=self._pruner(),
                )
                defaults = self._defaults_trial()
                if defaults is not None:
                    study.enqueue_trial(defaults, user_attrs={"defaults": True})
            window = self.left()
            waves = 1 + math.ceil((self.k - 1) / min(self.parallel, self.k - 1))
            tune_waves = math.ceil(self.k / min(self.parallel, self.k))
            ratio = (
                tune_waves * bool(owner.tune_threshold) + 1.2 * self.k / (self.k - 1)
            ) / waves
            n_trials = 0
            while (
                owner.max_trials is None or n_trials < owner.max_trials
            ) and not self.stop_requested:
                available = self.left() - self.margin - self.reserve()
                wall = min(available / (1.0 + ratio), window / _MIN_TRIALS)
                per_fold = wall / waves
                if per_fold < _MIN_FOLD_SECONDS:
                    break
                self._trial(study, n_trials, wall, per_fold)
                n_trials += 1
            self.n_trials = n_trials
        finally:
            optuna.logging.set_verbosity(verbosity)

    def _trial(self, study: Any, number: int, wall: float, per_fold: float) -> None:
        import optuna
        from optuna.trial import TrialState

        with _quiet():
            trial = study.ask()
            config = self._suggest(trial)
        seed = self._trial_seed(trial.number)
        X = self.panel(config["normalize"])
        start = _now()
        trial_deadline = start + wall
        max_epochs = self.owner.max_epochs
        candidate = config["model"]
        params = {
            "model": candidate,
            "imbalance": config["imbalance"],
            "normalize": config["normalize"],
            **config["params"],
        }
        row = {
            "candidate": candidate,
            "model": candidate,
            "params": params,
            "mean_test_score": np.nan,
            "std_test_score": np.nan,
            "fold_seconds": np.nan,
            "epochs": np.nan,
            "trial": trial.number,
            "config": config,
            "seed": seed,
            "defaults": bool(trial.user_attrs.get("defaults")),
        }
        keep = self.owner.ensemble_size > 1
        try:
            net = self._network(
                candidate,
                config["imbalance"],
                seed,
                max_epochs=max_epochs,
                **config["params"],
            )
            tr, te = self.splits[0]
            prune = _PruneOnEpoch(trial, X[te], self.y[te], self.scorer)
            first = _fit_fold(
                net,
                X,
                self.y,
                tr,
                te,
                self.scorer,
                trial_deadline,
                per_fold,
                extra=(("automl_prune", prune),),
                keep_proba=keep,
            )
            epochs = int(first["epochs"])
            # the other folds train as long as the first did (same schedule)
            net.set_params(max_epochs=epochs)
            results = [first]
            rest = self.splits[1:]
            if rest:
                results += Parallel(n_jobs=self.owner.n_jobs)(
                    delayed(_fit_fold)(
                        net,
                        X,
                        self.y,
                        tr,
                        te,
                        self.scorer,
                        trial_deadline + 0.15 * wall,
                        1.5 * max(per_fold, first["seconds"]),
                        keep_proba=keep,
                    )
                    for tr, te in rest
                )
            scores = [r["score"] for r in results]
            cut = any(r["cut"] for r in results)
            params["max_epochs"] = epochs
            if all(r["proba"] is not None for r in results):
                row["oof"] = [r["proba"] for r in results]
            row.update(
                mean_test_score=float(np.mean(scores)),
                std_test_score=float(np.std(scores)),
                fold_seconds=float(np.mean([r["seconds"] for r in results])),
                epochs=float(np.mean([r["epochs"] for r in results])),
                status="ok",
                note="epochs cut by the time budget" if cut else "",
            )
            with _quiet():
                study.tell(trial, row["mean_test_score"])
        except optuna.TrialPruned as exc:
            row.update(status="pruned", note=str(exc))
            with _quiet():
                study.tell(trial, state=TrialState.PRUNED)
        except Exception as exc:  # noqa: BLE001 - reported in the leaderboard
            row.update(status="failed", note=_error(exc))
            with _quiet():
                study.tell(trial, state=TrialState.FAIL)
        row["fit_seconds"] = _now() - start
        if row["status"] == "ok" and _now() > self.end:
            row["status"] = "budget"
            row["note"] = "finished after the time budget"
        self.add_row(**row)

    # --------------------------------------------------------- final stage
    def _pipeline(self, row: dict[str, Any], deadline: float) -> Pipeline:
        if row["model"] == BASELINE:
            return _baseline_pipeline(self.interpolate, self.baseline_seed)
        config = row["config"]
        net = self._network(
            config["model"],
            config["imbalance"],
            row["seed"],
            **config["params"],
            max_epochs=int(row["params"]["max_epochs"]),
        )
        _with_callbacks(net, ("automl_budget", _TimeBudget(deadline, None)))
        return Pipeline([*self.preprocessing(config["normalize"]), ("classifier", net)])

    def finish(self) -> None:
        best = self.best
        if best is None:
            # nothing finished within the budget: the best late finisher
            late = [
                r
                for r in self.rows
                if r["status"] == "budget" and np.isfinite(r["mean_test_score"])
            ]
            best = max(late, key=lambda r: r["mean_test_score"], default=None)
        if best is None:
            failed = "; ".join(
                f"{r['candidate']}: {r['note']}" for r in self.rows if r["note"]
            )
            raise ValueError(
                "No candidate could be cross-validated within the time budget"
                + (f" ({failed})" if failed else "")
                + ". Give a larger time_budget."
            )
        deadline = self.end - 0.25 * self.margin
        greedy = self._greedy()
        if greedy is not None and greedy["score"] <= best["mean_test_score"] + 1e-12:
            greedy = None
        anchor = self._anchor()
        if anchor is not None:
            # the default choice: the anchor, or the baseline alone where the
            # anchor scores below it (the result never scores below the
            # baseline in CV); it stays unless the best candidate beats it by
            # more than the bootstrap standard error of their paired
            # difference times the winner's curse of the search
            base = anchor["members"][1]
            default = anchor
            if anchor["score"] < base["mean_test_score"] - 1e-12:
                self._ensemble(
                    anchor,
                    deadline,
                    not_kept=f"not kept: below the baseline alone "
                    f"({base['mean_test_score']:.4f})",
                )
                default = {"score": base["mean_test_score"], "oof": base["oof"]}
            top = best
            if greedy is not None and greedy["score"] > best["mean_test_score"]:
                top = greedy
            challenger = top["score"] if top is greedy else top["mean_test_score"]
            se = self._paired_se(top.get("oof"), default["oof"])
            resolution = self._resolution(default["oof"])
            curse = self._winners_curse()
            margin = max(se * curse, resolution)
            if challenger <= default["score"] + margin + 1e-12:
                if default is not anchor:
                    best, greedy = base, None
                else:
                    ensemble = self._ensemble(anchor, deadline, tune=False)
                    if ensemble is not None:
                        self._select(*ensemble)
                        return
                    # no time to refit both: the baseline, not the challenger
                    best, greedy = base, None
            elif default is anchor:
                self._ensemble(
                    anchor,
                    deadline,
                    not_kept=f"not kept: {challenger:.4f} beats it by more than "
                    f"{margin:.4f} (the paired standard error {se:.4f} x "
                    f"{curse:.2f}, the winner's curse, and one "
                    f"rare series' worth, {resolution:.4f})",
                )
        if greedy is not None:
            ensemble = self._ensemble(greedy, deadline)
            if ensemble is not None:
                self._select(*ensemble)
                return
        pipe = self._pipeline(best, deadline)
        score = best["mean_test_score"]
        params = dict(best["params"])
        start = _now()
        tuned = None
        if self.tunes(best) and self.left() - self.margin >= self.final_cost(best):
            try:
                tuned, tuned_score, default_score = self._tune(pipe)
            except Exception as exc:  # noqa: BLE001 - then a plain refit
                self.log(f"threshold tuning failed: {_error(exc)}")
                tuned = None
        final = None
        selected = best
        if tuned is not None:
            keep = tuned_score > max(score, default_score) + 1e-12
            row = self.add_row(
                candidate=f"{best['candidate']} + threshold",
                model=best["model"],
                params={**params, "threshold": _threshold(tuned)},
                mean_test_score=float(tuned_score),
                std_test_score=np.nan,
                fit_seconds=_now() - start,
                fold_seconds=np.nan,
                epochs=best["epochs"],
                status="ok",
                note="kept" if keep else "no gain: not kept",
                trial=best["trial"],
            )
            if keep:
                final, score, selected = tuned, float(tuned_score), row
                params["threshold"] = _threshold(tuned)
            else:
                final = tuned.estimator_
        if final is None:
            with _quiet():
                final = pipe.fit(self.X, self.y)
        self._select(final, params, score, selected)

    def _select(
        self, final: Any, params: dict[str, Any], score: float, selected: dict
    ) -> None:
        """Set the search's results on the owner: the final model, its
        parameters and score, and the leaderboard with ``selected`` marked."""
        owner = self.owner
        _disarm(final)
        owner.best_estimator_ = final
        owner.best_params_ = params
        owner.best_score_ = float(score)
        owner.n_trials_ = int(getattr(self, "n_trials", 0))
        for row in self.rows:
            row["selected"] = row is selected
        columns = [
            "candidate",
            "params",
            "mean_test_score",
            "std_test_score",
            "fit_seconds",
            "finished_at",
            "epochs",
            "status",
            "note",
            "selected",
        ]
        owner.leaderboard_ = pd.DataFrame(
            [{c: r.get(c) for c in columns} for r in self.rows], columns=columns
        )

    # ---------------------------------------------------------- ensembling
    def _oof_scores(
        self, oof: list[np.ndarray], threshold: float | None = None
    ) -> list[float]:
        """Per-fold scores of stored out-of-fold probabilities (the same folds
        and scorer every candidate's ``mean_test_score`` used)."""
        return [
            self._score_stored(proba, self.y[te], threshold)
            for (_, te), proba in zip(self.splits, oof)
        ]

    def _oof_score(
        self, oof: list[np.ndarray], threshold: float | None = None
    ) -> float:
        """Mean of :meth:`_oof_scores`."""
        return float(np.mean(self._oof_scores(oof, threshold)))

    def _score_stored(
        self, proba: np.ndarray, y: np.ndarray, threshold: float | None = None
    ) -> float:
        """The scorer on stored probabilities of the series labelled ``y``."""
        stored = _StoredPredictions()
        stored.classes_ = self.owner.classes_
        stored.proba_, stored.threshold_ = proba, threshold
        return float(self.scorer(stored, np.zeros((len(y), 1)), y))

    def _pooled_labels(self) -> np.ndarray:
        """The labels of the test folds in split order, aligned with
        out-of-fold probabilities concatenated over the folds."""
        return np.concatenate([self.y[te] for _, te in self.splits])

    def _paired_se(
        self, a: list[np.ndarray] | None, b: list[np.ndarray] | None
    ) -> float:
        """Bootstrap standard error of ``score(a) - score(b)`` for two
        candidates' out-of-fold probabilities, pooled over the folds and
        resampled by series within each class (200 resamples, seeded).

        Paired, it sees what the spread of per-fold scores cannot: with two
        rare series the search has two folds, and two fold scores say
        nothing about the spread, while flipping one rare series moves
        macro-F1 by tenths. ``inf`` when either has no stored probabilities.
        """
        if not a or not b:
            return math.inf
        y = self._pooled_labels()
        pa, pb = np.concatenate(a), np.concatenate(b)
        rng = np.random.default_rng(0)
        groups = [np.flatnonzero(y == c) for c in np.unique(y)]
        diffs = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ill-defined scores of a resample
            for _ in range(200):
                idx = np.concatenate([rng.choice(g, len(g)) for g in groups])
                diffs.append(
                    self._score_stored(pa[idx], y[idx])
                    - self._score_stored(pb[idx], y[idx])
                )
        return float(np.std(diffs, ddof=1))

    def _resolution(self, oof: list[np.ndarray]) -> float:
        """The smallest score difference the data can show: the median change
        of the pooled out-of-fold score when one series of the rarest class
        changes its prediction (to right where wrong, to its runner-up where
        right; at most 20 series tried).

        Resampling cannot see the rare class's own uncertainty: with two rare
        series that both candidates get right, every bootstrap resample gets
        them right too, while on new data either may miss half of them.
        """
        y = self._pooled_labels()
        p = np.concatenate(oof)
        classes = list(self.owner.classes_)
        values, counts = np.unique(y, return_counts=True)
        rare = values[np.argmin(counts)]
        base = self._score_stored(p, y)
        deltas = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i in np.flatnonzero(y == rare)[:20]:
                q = p.copy()
                true = classes.index(y[i])
                ranked = np.argsort(q[i])
                target = ranked[-2] if ranked[-1] == true else true
                q[i] = 0.0
                q[i, target] = 1.0
                deltas.append(abs(self._score_stored(q, y) - base))
        return float(np.median(deltas))

    def _winners_curse(self) -> float:
        """How many standard errors the best of the candidates beats an
        equally good default by through noise alone: the expected
        maximum of ``N`` standard normal draws for ``N`` scored candidates
        (Blom's ``Phi^-1((N - 0.375) / (N + 0.25))``; at least 1). A search
        that scores 100 candidates finds one about 2.5 standard errors above
        the anchor even when none is better (the winner's curse; Cawley and
        Talbot, 2010, on over-fitting in model selection)."""
        from scipy.stats import norm

        n = sum(
            r["status"] == "ok" and np.isfinite(r["mean_test_score"]) for r in self.rows
        )
        return max(1.0, float(norm.ppf((n - 0.375) / (n + 0.25))))

    def _anchor_members(self) -> tuple[dict, dict] | None:
        """The defaults trial's and the baseline's rows once both finished
        with out-of-fold probabilities (``None`` before, or with
        ``ensemble_size < 2``)."""
        if self.owner.ensemble_size < 2:
            return None

        def finished(row: dict[str, Any]) -> bool:
            return row["status"] == "ok" and bool(row.get("oof"))

        base = [r for r in self.rows if r["model"] == BASELINE and finished(r)]
        first = [r for r in self.rows if r.get("defaults") and finished(r)]
        if not base or not first:
            return None
        return first[0], base[0]

    def _refit_cost(self, members: Any) -> float:
        """Estimated seconds to refit ``members`` on all data, one after
        another."""
        return sum(
            1.2 * m["fold_seconds"] * len(self.y) / self.n_train for m in members
        )

    def reserve(self) -> float:
        """Seconds the search keeps for its final stage: the best row's
        tuning and refit, or the anchor's refit where that costs more."""
        cost = self.final_cost(self.best) if self.best else 0.0
        members = self._anchor_members()
        if members is not None:
            cost = max(cost, self._refit_cost(members))
        return cost

    def _anchor(self) -> dict[str, Any] | None:
        """The baseline and the first network's defaults trial, averaged.

        With two or three rare training series every fold holds one rare
        series or none, and cross-validation cannot rank candidates whose
        true scores differ by a few hundredths: on the imbalanced benchmark
        the candidate with the best CV score lost up to 0.14 macro-F1 to the
        baseline on the test split. The average of the two strong defaults
        never fell more than 0.02 below the baseline there (mean +0.015), so
        it is the choice unless a candidate beats it by more than
        :meth:`_paired_se` times :meth:`_winners_curse` and by more than
        :meth:`_resolution`. ``None`` unless both finished with out-of-fold
        probabilities (and ``ensemble_size >= 2``).
        """
        members = self._anchor_members()
        if members is None:
            return None
        first, base = members
        oof = [(a + b) / 2 for a, b in zip(first["oof"], base["oof"])]
        scores = self._oof_scores(oof)
        return {
            "members": [first, base],
            "weights": [1, 1],
            "oof": oof,
            "score": float(np.mean(scores)),
            "std": float(np.std(scores)),
        }

    def _greedy(self) -> dict[str, Any] | None:
        """Greedy ensemble selection with replacement (Caruana et al., 2004,
        as auto-sklearn does): start from the best network, repeatedly add
        the candidate whose inclusion in the probability average raises the
        out-of-fold score most, stop when none does or at ``ensemble_size``
        picks. ``None`` unless at least two distinct networks are picked."""
        pool = sorted(
            (
                r
                for r in self.rows
                if r["status"] == "ok" and r.get("oof") and r.get("model") != BASELINE
            ),
            key=lambda r: -r["mean_test_score"],
        )[:_ENSEMBLE_POOL]
        if self.owner.ensemble_size < 2 or len(pool) < 2:
            return None
        picks = [0]
        total = [p.copy() for p in pool[0]["oof"]]
        score = self._oof_score(total)
        for _ in range(self.owner.ensemble_size - 1):
            n = len(picks) + 1
            tried = [
                self._oof_score([(t + q) / n for t, q in zip(total, cand["oof"])])
                for cand in pool
            ]
            j = int(np.argmax(tried))
            if tried[j] <= score + 1e-12:
                break
            picks.append(j)
            total = [t + q for t, q in zip(total, pool[j]["oof"])]
            score = tried[j]
        if len(set(picks)) < 2:
            return None
        members = sorted(set(picks))
        return {
            "members": [pool[j] for j in members],
            "weights": [picks.count(j) for j in members],
            "score": score,
            "oof": [t / len(picks) for t in total],
        }

    def _ensemble(
        self,
        found: dict[str, Any],
        deadline: float,
        tune: bool = True,
        not_kept: str | None = None,
    ) -> tuple | None:
        """An ensemble found by :meth:`_greedy` or :meth:`_anchor`, refitted
        when its members' refits fit in the budget left: ``(final, params,
        score, row)`` for :meth:`_select`, else ``None``. ``tune``: tune its
        threshold (two classes) on the out-of-fold probabilities;
        ``not_kept``: only add its leaderboard row, with this note."""
        from sklearn.ensemble import VotingClassifier
        from sklearn.model_selection import FixedThresholdClassifier

        members, weights = found["members"], found["weights"]
        names = [
            m["candidate"] if m["trial"] is None else f"{m['candidate']}#{m['trial']}"
            for m in members
        ]
        row = {
            "candidate": "ensemble of "
            + ", ".join(f"{w}x {n}" if w > 1 else n for n, w in zip(names, weights)),
            "model": "ensemble",
            "params": {
                "members": [m["params"] for m in members],
                "weights": weights,
            },
            "mean_test_score": found["score"],
            "std_test_score": found.get("std", np.nan),
            "fold_seconds": np.nan,
            "epochs": np.nan,
            "trial": None,
        }
        if not_kept is not None:
            self.add_row(**row, fit_seconds=0.0, status="ok", note=not_kept)
            return None
        # the members refit one after another (no threshold tuning by refits)
        cost = self._refit_cost(members)
        start = _now()
        if self.left() - self.margin < cost:
            self.add_row(
                **row,
                fit_seconds=0.0,
                status="budget",
                note=f"no time left to refit its members (~{cost:.0f}s)",
            )
            return None
        threshold = None
        if tune and len(self.owner.classes_) == 2 and self.tunes({"model": "ensemble"}):
            p = np.concatenate([o[:, 1] for o in found["oof"]])
            candidates = np.unique(np.quantile(p, np.linspace(0.02, 0.98, 49)))
            tuned = [self._oof_score(found["oof"], t) for t in candidates]
            i = int(np.argmax(tuned))
            if tuned[i] > found["score"] + 1e-12:
                threshold = float(candidates[i])
                row["mean_test_score"] = tuned[i]
        pipes = [self._pipeline(m, deadline) for m in members]
        pipes = [
            _ScoresAsProba(p) if m["model"] == BASELINE else p
            for p, m in zip(pipes, members)
        ]
        voting = VotingClassifier(
            [(f"m{i}", p) for i, p in enumerate(pipes)],
            voting="soft",
            weights=weights,
        )
        final = voting
        if threshold is not None:
            final = FixedThresholdClassifier(
                voting, threshold=threshold, response_method="predict_proba"
            )
            row["params"]["threshold"] = threshold
        with _quiet():
            final.fit(self.X, self.y)
        row = self.add_row(
            **row,
            fit_seconds=_now() - start,
            status="ok",
            note="threshold tuned out of fold" if threshold is not None else "",
        )
        return final, dict(row["params"], model="ensemble"), row["mean_test_score"], row

    def _tune(self, pipe: Pipeline) -> tuple[Any, float, float]:
        """Threshold tuner around ``pipe`` on the search's splits (refitting
        ``pipe`` on all data): (tuner, tuned score, score of the default
        decision on the same out-of-fold predictions)."""
        if len(self.owner.classes_) == 2:
            from sklearn.model_selection import TunedThresholdClassifierCV

            tuner = TunedThresholdClassifierCV(
                pipe,
                scoring=self.scorer,
                cv=self.splits,
                refit=True,
                n_jobs=self.owner.n_jobs,
                random_state=0,
                store_cv_results=True,
            )
            with _quiet():
                tuner.fit(self.X, self.y)
            res = tuner.cv_results_
            proba = hasattr(tuner.estimator_, "predict_proba")
            default = 0.5 if proba else 0.0
            i = int(np.argmin(np.abs(np.asarray(res["thresholds"]) - default)))
            return tuner, float(tuner.best_score_), float(res["scores"][i])
        from .model_selection import MulticlassThresholdClassifierCV

        tuner = MulticlassThresholdClassifierCV(
            pipe,
            scoring=self.owner.scoring or "accuracy",
            cv=self.splits,
            refit=True,
            n_jobs=self.owner.n_jobs,
        )
        with _quiet():
            tuner.fit(self.X, self.y)
        return tuner, float(tuner.best_score_), float(tuner.argmax_score_)


def _threshold(tuner: Any) -> Any:
    if hasattr(tuner, "best_threshold_"):
        return float(tuner.best_threshold_)
    if hasattr(tuner, "weights_"):
        return np.asarray(tuner.weights_).round(6).tolist()
    return None


def _error(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {text}"
