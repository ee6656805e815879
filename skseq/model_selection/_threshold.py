"""Multi-class decision thresholds learned from cross-validated probabilities.

scikit-learn's :class:`~sklearn.model_selection.TunedThresholdClassifierCV`
tunes the one threshold of a *binary* classifier. With several classes there
is no single threshold: the decision is ``argmax`` over the class
probabilities, and on imbalanced data that argmax under-predicts the rare
classes. :class:`MulticlassThresholdClassifierCV` learns one multiplicative
weight (or additive offset) per class from out-of-fold probabilities so that
``argmax(proba * weights)`` maximises a chosen metric.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from copy import copy
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import NotFittedError, UndefinedMetricWarning
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _num_samples,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    indexable,
)

from ..utils.validation import _is_pandas_panel, check_panel

__all__ = ["MulticlassThresholdClassifierCV"]

# the largest prior exponent method="prior" tries: 1 is the Bayes correction
# from the training priors to uniform ones; beyond it the rare classes win more
_MAX_TAU = 2.0

# Metrics of predicted labels computed straight from the confusion matrix:
# the coordinate ascent scores thousands of candidate decisions, and
# scikit-learn's metric functions spend most of their ~1 ms per call on input
# validation. Each one equals scikit-learn's metric (zero_division=0), which a
# test asserts; every other scoring goes through the scorer.
_FAST_METRICS = (
    "accuracy",
    "balanced_accuracy",
    "f1_macro",
    "f1_weighted",
    "precision_macro",
    "recall_macro",
)


def _confusion(
    y: np.ndarray, pred: np.ndarray, n_classes: int, weights: np.ndarray | None = None
) -> np.ndarray:
    flat = np.bincount(
        y * n_classes + pred, weights=weights, minlength=n_classes * n_classes
    )
    return flat.reshape(n_classes, n_classes)


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros_like(num, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _fast_metric(
    name: str, n_classes: int, sample_weight: np.ndarray | None = None
) -> Callable[[np.ndarray, np.ndarray], float]:
    """``metric(y_enc, pred_enc)`` from the confusion matrix, as sklearn defines it."""

    def metric(y: np.ndarray, pred: np.ndarray) -> float:
        cm = _confusion(y, pred, n_classes, sample_weight)
        tp = np.diag(cm).astype(float)
        support = cm.sum(axis=1)
        predicted = cm.sum(axis=0)
        if name == "accuracy":
            total = cm.sum()
            return float(tp.sum() / total) if total else 0.0
        if name == "balanced_accuracy":
            # sklearn averages recall over the classes with (weighted) support
            present = support > 0
            return float(np.mean(tp[present] / support[present]))
        # sklearn's macro averages run over the labels that occur in y_true or
        # y_pred, whatever their weights
        labels = (np.bincount(y, minlength=n_classes) > 0) | (
            np.bincount(pred, minlength=n_classes) > 0
        )
        if name == "precision_macro":
            per_class = _safe_divide(tp, predicted)
        elif name == "recall_macro":
            per_class = _safe_divide(tp, support)
        else:
            per_class = _safe_divide(2.0 * tp, support + predicted)
        if name == "f1_weighted":
            total = support[labels].sum()
            return float((per_class * support)[labels].sum() / total) if total else 0.0
        return float(per_class[labels].mean())

    return metric


class _FixedPredictions(ClassifierMixin, BaseEstimator):
    """A fitted-looking classifier that returns given predictions.

    Lets any scorer (``scorer(estimator, X, y)``) score a vector of labels,
    through the public scorer protocol only.
    """

    def __init__(self, classes: np.ndarray, y_pred: np.ndarray) -> None:
        self.classes = classes
        self.y_pred = y_pred

    @property
    def classes_(self) -> np.ndarray:
        return self.classes

    def predict(self, X: Any) -> np.ndarray:
        return self.y_pred

    def predict_proba(self, X: Any) -> np.ndarray:
        raise ValueError(_NOT_A_LABEL_METRIC)

    def decision_function(self, X: Any) -> np.ndarray:
        raise ValueError(_NOT_A_LABEL_METRIC)


_NOT_A_LABEL_METRIC = (
    "MulticlassThresholdClassifierCV needs a scoring of predicted labels "
    "(e.g. 'f1_macro', 'balanced_accuracy', make_scorer(fbeta_score, beta=2, "
    "average='macro')); a ranking metric such as ROC AUC or log loss does not "
    "depend on decision thresholds."
)


def _scorer_metric(
    scoring: Any, classes: np.ndarray, sample_weight: np.ndarray | None = None
) -> Callable[[np.ndarray, np.ndarray], float]:
    """``metric(y_enc, pred_enc)`` through a scikit-learn scorer."""
    scorer = get_scorer(scoring) if isinstance(scoring, str) else scoring
    if not callable(scorer):
        raise TypeError(
            "scoring must be a metric name (e.g. 'f1_macro') or a scorer callable "
            f"scorer(estimator, X, y); got {type(scoring).__name__}."
        )

    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}

    def metric(y: np.ndarray, pred: np.ndarray) -> float:
        fixed = _FixedPredictions(classes, classes[pred])
        return float(scorer(fixed, None, classes[y], **kwargs))

    return metric


def _check_fit_params(
    fit_params: dict[str, Any], n_samples: int, indices: np.ndarray
) -> dict[str, Any]:
    """Slice sample-aligned fit parameters (e.g. ``sample_weight``) to a fold."""
    out = {}
    for key, value in fit_params.items():
        if hasattr(value, "__len__") and not isinstance(value, str | dict):
            if _num_samples(value) == n_samples:
                value = _safe_indexing(value, indices)
        out[key] = value
    return out


def _indexable_rows(X: Any, n_samples: int) -> Any:
    """``X`` in a form whose rows are the samples.

    sktime's ``pd-multiindex`` panels have one row per time step; they are
    converted to a panel (trailing-NaN padded) so that rows can be selected.
    Arrays, lists and other containers pass unchanged.
    """
    try:
        rows = _num_samples(X)
    except TypeError:
        rows = None
    if rows != n_samples and _is_pandas_panel(X):
        X = check_panel(X, allow_missing=True, allow_empty_series=True)
    # sparse matrices become CSR, array-likes without __getitem__ arrays
    return indexable(X)[0]


def _delegated_n_features_in(meta: Any, fitted: str) -> int:
    """``n_features_in_`` of the fitted estimator ``meta.<fitted>``.

    Before ``fit`` it raises ``AttributeError``, so ``hasattr(meta,
    "n_features_in_")`` is ``False`` as scikit-learn's checks expect.
    """
    try:
        meta._check_fitted()
    except NotFittedError as exc:
        raise AttributeError(
            f"{type(meta).__name__} has no attribute 'n_features_in_' before fit."
        ) from exc
    return getattr(meta, fitted).n_features_in_


def _fit_and_predict_proba(
    estimator: Any,
    X: Any,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    classes: np.ndarray,
    fit_params: dict[str, Any],
) -> tuple[Any, np.ndarray]:
    est = clone(estimator)
    est.fit(
        _safe_indexing(X, train),
        y[train],
        **_check_fit_params(fit_params, len(y), train),
    )
    proba = np.asarray(est.predict_proba(_safe_indexing(X, test)), dtype=float)
    # a training fold may miss a class: its column stays 0
    full = np.zeros((len(test), len(classes)))
    position = {c: i for i, c in enumerate(classes.tolist())}
    cols = [position[c] for c in np.asarray(est.classes_).tolist()]
    full[:, cols] = proba
    return est, full


class MulticlassThresholdClassifierCV(
    MetaEstimatorMixin, ClassifierMixin, BaseEstimator
):
    """Per-class decision weights (or offsets) tuned by cross-validation.

    A probabilistic classifier predicts ``argmax(proba)``. On imbalanced data
    that decision favours the frequent classes, whatever the model learned.
    This meta-estimator keeps the model and changes the decision: it learns
    per-class weights so that ``argmax(proba * weights_)`` (or offsets,
    ``argmax(proba + offsets_)``) maximises ``scoring`` on out-of-fold
    probabilities, then refits the model on all the data. It is the
    multi-class counterpart of scikit-learn's
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV`; with two
    classes it tunes exactly one decision threshold (``threshold_``).

    Three families of decisions, from the most constrained:

    - ``method="prior"`` (default): ``weights_ = class_prior_ ** -tau_``, one
      parameter ``tau_`` in [0, 2] searched on a grid (``tau=0`` is the
      argmax, ``tau=1`` the Bayes correction from the training class
      frequencies to uniform ones: post-hoc logit adjustment, Menon et al.
      2021). With one parameter it cannot over-fit a handful of rare samples.
    - ``method="weights"``: one free weight per class, by coordinate ascent:
      for one class at a time, every value of its weight at which some
      out-of-fold prediction changes is a candidate (thinned to
      ``n_thresholds`` quantiles), the best is kept, and sweeps over the
      classes repeat until the score stops rising. The most flexible; it needs
      enough samples of every class in the out-of-fold predictions.
    - ``method="offsets"``: the same search for additive offsets.

    Among equally good values the middle of the best plateau is taken, which
    generalises better than its edge; the search never ends below the plain
    argmax on the out-of-fold predictions.

    Parameters
    ----------
    estimator : estimator instance
        Any classifier with ``fit`` and ``predict_proba``: a skseq classifier,
        a pipeline ending in one, or any scikit-learn classifier. It is cloned.
    scoring : str or callable, default="f1_macro"
        The metric to maximise, of predicted labels: a scikit-learn metric name
        (``"f1_macro"``, ``"balanced_accuracy"``, ``"recall_macro"``,
        ``"f1_weighted"``, ``"accuracy"``, …) or a scorer built with
        :func:`~sklearn.metrics.make_scorer`.
    cv : int, float, cross-validation generator or iterable, default=5
        How the out-of-fold probabilities are made. An int is a
        (stratified) k-fold, as in :func:`~sklearn.model_selection.check_cv`;
        a float in (0, 1) is one stratified hold-out split of that share
        (seeded with ``random_state``); a splitter or an iterable of
        ``(train, test)`` index pairs is used as is (group splitters take
        ``groups`` from ``fit``). Samples in several test folds (repeated CV)
        count once per fold.
    method : {"prior", "weights", "offsets"}, default="prior"
        ``"prior"``: weights ``class_prior_ ** -tau`` with one tuned ``tau``.
        ``"weights"``: a free multiplicative weight per class (a change of the
        decision that does not depend on the scale of the probabilities).
        ``"offsets"``: a free additive offset per class. See above.
    n_thresholds : int, default=100
        Candidate values per class in each coordinate-ascent sweep
        (``"weights"``, ``"offsets"``); grid steps over [0, 2] for ``tau``
        (``"prior"``).
    max_iter : int, default=10
        Sweeps over the classes at most (with two classes one sweep is exact).
    refit : bool, default=True
        Refit the estimator on all the data after tuning. ``False`` keeps the
        model fitted on the training part of the split, which requires a
        single split (``cv`` a float or a one-split splitter).
    n_jobs : int or None, default=None
        Folds fitted in parallel (joblib).
    random_state : int, RandomState instance or None, default=None
        Seeds the hold-out split when ``cv`` is a float; otherwise unused.

    Attributes
    ----------
    estimator_ : estimator
        The fitted estimator (on all data when ``refit=True``).
    classes_ : ndarray of shape (n_classes,)
        Class labels, as given.
    weights_ : ndarray of shape (n_classes,)
        Per-class weights (geometric mean 1), with ``method="prior"`` or
        ``"weights"``.
    offsets_ : ndarray of shape (n_classes,)
        Per-class offsets (mean 0), only with ``method="offsets"``.
    tau_ : float
        The tuned prior exponent, only with ``method="prior"``.
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of ``y`` in ``fit``, only with ``method="prior"``.
    threshold_ : float
        Binary problems only: ``classes_[1]`` is predicted when its
        probability exceeds this value (0.5 is the plain argmax).
    best_score_ : float
        Cross-validated ``scoring`` with the tuned decision.
    argmax_score_ : float
        Cross-validated ``scoring`` of the plain argmax, for comparison.
    n_iter_ : int
        Sweeps run.
    n_features_in_ : int
        From the fitted estimator.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : the binary case,
        also for decision functions.
    CascadeClassifier : separate the dominant classes first, then the rest.

    Notes
    -----
    Free per-class weights over-fit when a rare class has only a few samples
    in the out-of-fold predictions. Measured on JapaneseVowels with three of
    nine speakers made 8x rarer (3-4 training series each; five seeds; test
    macro-F1 minus argmax, mean): a GRU gained +0.006 with ``"prior"`` but
    lost 0.022 with ``"weights"``; a logistic regression gained +0.055 and
    +0.039 (``benchmarks/results/threshold_prior.md``). Prefer ``"weights"``
    when every class has dozens of samples. Training with
    ``class_weight="balanced"`` did better than either there (+0.05 to +0.06):
    tune the decision when retraining with class weights is not an option.

    Cross-validation tunes the decision for data distributed like ``y``. When
    the data the model will be judged on has other class frequencies (a
    balanced test set, while training had rare classes), no out-of-fold
    search can see it: there the GRU's best ``tau`` was 1.8-2.4 in hindsight
    (+0.02 to +0.10 macro-F1) while cross-validation kept 0-1, and the fixed
    Bayes correction ``tau = 1`` gained +0.016 to +0.064 on all five seeds; on
    a test set as imbalanced as training the argmax was already within 0.02 of
    the best ``tau`` (same page). For a known
    change of class frequencies, correct for it directly (post-hoc logit
    adjustment, or :class:`skseq.losses.LogitAdjustedLoss` in training).

    References
    ----------
    .. [1] A. K. Menon et al., "Long-tail learning via logit adjustment",
       ICLR 2021.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skseq.datasets import load_dataset, make_imbalanced
    >>> from skseq.model_selection import MulticlassThresholdClassifierCV
    >>> X, y = load_dataset("ArrowHead")
    >>> X, y = make_imbalanced(X, y, minority="2", ratio=5, random_state=0)
    >>> clf = MulticlassThresholdClassifierCV(
    ...     LogisticRegression(max_iter=500), scoring="f1_macro", cv=3
    ... ).fit(X[:, 0], y)
    >>> clf.classes_
    array(['0', '1', '2'], dtype='<U1')
    >>> bool(clf.best_score_ >= clf.argmax_score_), bool(0 <= clf.tau_ <= 2)
    (True, True)
    >>> clf.predict(X[:3, 0]).shape
    (3,)
    """

    def __init__(
        self,
        estimator: Any,
        *,
        scoring: str | Callable = "f1_macro",
        cv: Any = 5,
        method: str = "prior",
        n_thresholds: int = 100,
        max_iter: int = 10,
        refit: bool = True,
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.estimator = estimator
        self.scoring = scoring
        self.cv = cv
        self.method = method
        self.n_thresholds = n_thresholds
        self.max_iter = max_iter
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------ validation
    def _check_params(self) -> None:
        if not (
            hasattr(self.estimator, "fit") and hasattr(self.estimator, "predict_proba")
        ):
            raise TypeError(
                "estimator must be a classifier with fit and predict_proba; got "
                f"{type(self.estimator).__name__}. For a classifier without "
                "probabilities, wrap it in sklearn.calibration.CalibratedClassifierCV."
            )
        if self.method not in ("weights", "offsets", "prior"):
            raise ValueError(
                f"method must be 'weights', 'offsets' or 'prior'; got {self.method!r}."
            )
        for name in ("n_thresholds", "max_iter"):
            value = getattr(self, name)
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be an int >= 1; got {value!r}.")
        if not isinstance(self.refit, bool | np.bool_):
            raise ValueError(f"refit must be True or False; got {self.refit!r}.")

    def _splits(self, X: Any, y: np.ndarray, groups: Any) -> list:
        cv = self.cv
        if isinstance(cv, Real) and not isinstance(cv, Integral):
            if not 0.0 < cv < 1.0:
                raise ValueError(
                    "A float cv is the hold-out share and must lie in (0, 1); "
                    f"got {cv}."
                )
            cv = StratifiedShuffleSplit(
                n_splits=1, test_size=cv, random_state=self.random_state
            )
        elif isinstance(cv, Integral) and not isinstance(cv, bool) and cv < 2:
            raise ValueError(
                f"cv={cv!r}: an int cv is the number of folds and must be at least "
                "2; for a single hold-out split pass a float in (0, 1), e.g. "
                "cv=0.25."
            )
        splitter = check_cv(cv, y, classifier=True)
        splits = list(splitter.split(X, y, groups))
        if not self.refit and len(splits) != 1:
            raise ValueError(
                f"refit=False needs a single train/test split (cv a float in (0, 1)); "
                f"cv={self.cv!r} gives {len(splits)} splits."
            )
        return splits

    # ------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any, groups: Any = None, **fit_params: Any):
        """Tune the per-class decision on out-of-fold probabilities, then refit.

        Parameters
        ----------
        X : array-like, panel or list of series
            Training data in any form ``estimator`` accepts.
        y : array-like of shape (n_samples,)
            Class labels of any type.
        groups : array-like of shape (n_samples,), default=None
            Group labels for group-aware splitters (e.g.
            :class:`~sklearn.model_selection.StratifiedGroupKFold`).
        **fit_params : dict
            Passed to every ``estimator.fit``; sample-aligned arrays (such as
            ``sample_weight``) are sliced to each fold.

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        self._check_params()
        check_classification_targets(y)
        y = column_or_1d(y, warn=True)
        n_samples = _num_samples(y)
        X = _indexable_rows(X, n_samples)
        check_consistent_length(X, y)
        encoder = LabelEncoder().fit(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(
                f"MulticlassThresholdClassifierCV needs at least 2 classes in y; got "
                f"{len(classes)} class ({classes.tolist()})."
            )
        y_enc = encoder.transform(y)

        splits = self._splits(X, y, groups)
        results = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_and_predict_proba)(
                self.estimator, X, y, train, test, classes, fit_params
            )
            for train, test in splits
        )
        proba = np.concatenate([p for _, p in results])
        oof = np.concatenate([test for _, test in splits])
        y_oof = y_enc[oof]
        # the decision is scored with the weights the model was trained with
        weight = fit_params.get("sample_weight")
        weight = None if weight is None else np.asarray(weight, dtype=float)[oof]

        scoring = "accuracy" if self.scoring is None else self.scoring
        if isinstance(scoring, str) and scoring in _FAST_METRICS:
            metric = _fast_metric(scoring, len(classes), weight)
        else:
            metric = _scorer_metric(scoring, classes, weight)

        with warnings.catch_warnings():
            # a candidate that never predicts some class is legitimately scored
            # with zero_division; sklearn would warn thousands of times
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            if self.method == "prior":
                prior = np.bincount(y_enc, minlength=len(classes)) / len(y_enc)
                params, best, base, tau = self._prior_search(
                    proba, y_oof, metric, prior
                )
                n_iter = 1
            else:
                params, best, base, n_iter = self._coordinate_ascent(
                    proba, y_oof, metric
                )

        if self.method == "offsets":
            params = params - params.mean()
        else:
            params = params / np.exp(np.mean(np.log(params)))

        if self.refit:
            estimator = clone(self.estimator).fit(X, y, **fit_params)
        else:
            estimator = results[0][0]

        self.estimator_ = estimator
        self.classes_ = classes
        for stale in ("weights_", "offsets_", "tau_", "class_prior_"):
            vars(self).pop(stale, None)
        if self.method == "offsets":
            self.offsets_ = params
        else:
            self.weights_ = params
        if self.method == "prior":
            self.tau_ = float(tau)
            self.class_prior_ = prior
        self.best_score_ = float(best)
        self.argmax_score_ = float(base)
        self.n_iter_ = int(n_iter)
        return self

    def _adjust(self, proba: np.ndarray, params: np.ndarray) -> np.ndarray:
        return proba + params if self.method == "offsets" else proba * params

    def _prior_search(
        self,
        proba: np.ndarray,
        y: np.ndarray,
        metric: Callable[[np.ndarray, np.ndarray], float],
        prior: np.ndarray,
    ) -> tuple[np.ndarray, float, float, float]:
        """Best ``tau`` of the weights ``prior ** -tau`` on a grid over [0, 2]."""
        taus = np.linspace(0.0, _MAX_TAU, self.n_thresholds + 1)
        scores = np.array(
            [metric(y, (proba * prior**-tau).argmax(axis=1)) for tau in taus]
        )
        base = scores[0]
        if scores.max() <= base + 1e-12:
            tau = 0.0
        else:
            tau = taus[_middle_of_best_run(scores >= scores.max() - 1e-12)]
        return prior**-tau, float(scores.max()), float(base), float(tau)

    def _coordinate_ascent(
        self,
        proba: np.ndarray,
        y: np.ndarray,
        metric: Callable[[np.ndarray, np.ndarray], float],
    ) -> tuple[np.ndarray, float, float, int]:
        n_classes = proba.shape[1]
        weights = self.method == "weights"
        params = np.ones(n_classes) if weights else np.zeros(n_classes)
        best = base = metric(y, self._adjust(proba, params).argmax(axis=1))
        # with two classes the decision depends on one ratio (difference) only
        coords = [1] if n_classes == 2 else list(range(n_classes))
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):
            improved = False
            for k in coords:
                candidates = self._candidates(proba, params, k)
                if candidates is None:
                    continue
                scores = np.empty(len(candidates))
                trial = params.copy()
                for i, value in enumerate(candidates):
                    trial[k] = value
                    scores[i] = metric(y, self._adjust(proba, trial).argmax(axis=1))
                top = scores.max()
                if top <= best + 1e-12:
                    continue
                trial[k] = candidates[_middle_of_best_run(scores >= top - 1e-12)]
                score = metric(y, self._adjust(proba, trial).argmax(axis=1))
                if score > best + 1e-12:
                    params, best, improved = trial, score, True
            if not improved or n_classes == 2:
                break
        return params, best, base, n_iter

    def _candidates(
        self, proba: np.ndarray, params: np.ndarray, k: int
    ) -> np.ndarray | None:
        """Values of class ``k``'s weight/offset between decision changes."""
        adjusted = self._adjust(proba, params)
        rival = np.delete(adjusted, k, axis=1).max(axis=1)
        if self.method == "weights":
            # class k wins sample i exactly when its weight exceeds rival / p_ik
            positive = proba[:, k] > 0
            if not positive.any():
                return None
            breaks = np.unique(rival[positive] / proba[positive, k])
            breaks = breaks[np.isfinite(breaks) & (breaks > 0)]
        else:
            breaks = np.unique(rival - proba[:, k])
        if len(breaks) == 0:
            return None
        if len(breaks) > self.n_thresholds:
            pick = np.linspace(0, len(breaks) - 1, self.n_thresholds).round()
            breaks = np.unique(breaks[pick.astype(int)])
        if self.method == "weights":
            # geometric midpoints: weights act multiplicatively
            mids = np.sqrt(breaks[:-1] * breaks[1:])
            ends = [breaks[0] / 2.0, breaks[-1] * 2.0]
        else:
            mids = (breaks[:-1] + breaks[1:]) / 2.0
            ends = [breaks[0] - 0.05, breaks[-1] + 0.05]
        return np.sort(np.concatenate([[ends[0]], mids, [ends[1]]]))

    # --------------------------------------------------------------- predict
    def _check_fitted(self) -> None:
        check_is_fitted(self, "estimator_")

    def _decide(self, proba: np.ndarray) -> np.ndarray:
        # the fitted attribute, not self.method, which set_params may have changed
        if hasattr(self, "weights_"):
            return (proba * self.weights_).argmax(axis=1)
        return (proba + self.offsets_).argmax(axis=1)

    @property
    def threshold_(self) -> float:
        """Probability of ``classes_[1]`` above which it is predicted (binary)."""
        self._check_fitted()
        if len(self.classes_) != 2:
            raise AttributeError(
                "threshold_ exists for binary problems only; this one has "
                f"{len(self.classes_)} classes (see weights_ / offsets_)."
            )
        if hasattr(self, "weights_"):
            w0, w1 = self.weights_
            return float(w0 / (w0 + w1))
        b0, b1 = self.offsets_
        return float((1.0 + b0 - b1) / 2.0)

    def predict(self, X: Any) -> np.ndarray:
        """Class of every sample under the tuned decision.

        Parameters
        ----------
        X : array-like, panel or list of series
            Samples in any form ``estimator`` accepts.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels as given in ``fit``.
        """
        self._check_fitted()
        proba = np.asarray(self.estimator_.predict_proba(X), dtype=float)
        return self.classes_[self._decide(proba)]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities under the tuned decision (``predict`` is their argmax).

        With ``method="weights"`` these are the estimator's probabilities
        re-weighted by ``weights_`` and renormalised: the posterior under
        shifted class priors, the exact meaning of a multiplicative weight.
        With ``method="offsets"`` they are the shifted probabilities, clipped
        at 0 and renormalised. The estimator's own probabilities are
        ``estimator_.predict_proba(X)``.

        Parameters
        ----------
        X : array-like, panel or list of series
            Samples in any form ``estimator`` accepts.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        self._check_fitted()
        proba = np.asarray(self.estimator_.predict_proba(X), dtype=float)
        if hasattr(self, "weights_"):
            adjusted = proba * self.weights_
        else:
            adjusted = np.clip(proba + self.offsets_, 0.0, None)
        total = adjusted.sum(axis=1, keepdims=True)
        # a row the weights zero out entirely (all its mass on zero-weight
        # classes) keeps the estimator's probabilities
        return np.where(total > 0, adjusted / np.where(total > 0, total, 1.0), proba)

    @property
    def n_features_in_(self) -> int:
        """Number of features seen by the fitted estimator."""
        return _delegated_n_features_in(self, "estimator_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags = copy(inner.input_tags)
        tags.non_deterministic = inner.non_deterministic
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.poor_score = inner.classifier_tags is not None and (
            inner.classifier_tags.poor_score
        )
        return tags


def _middle_of_best_run(is_best: np.ndarray) -> int:
    """Index in the middle of the longest run of ``True``."""
    idx = np.flatnonzero(is_best)
    runs = np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1)
    longest = max(runs, key=len)
    return int(longest[len(longest) // 2])
