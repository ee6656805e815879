"""The meta-estimator of :mod:`skseq.windows`: :class:`WindowedClassifier`,
which windows inside ``fit`` and ``predict``, and :func:`step_scorer`, which
scores its per-step predictions with any scikit-learn scorer."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import accuracy_score, check_scoring
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._arithmetic import (
    _check_label_rule,
    _labels_for_windows,
    _step_sums,
    _take_windows,
    _window_starts,
)
from ._input import (
    _as_recordings,
    _as_step_labels,
    _check_bool,
    _check_length_step,
    _check_time_axis,
    _table_rows,
)


def _estimator_has(attr: str) -> Callable[[Any], bool]:
    """Whether the fitted (or else the unfitted) inner estimator has ``attr``."""

    def check(self) -> bool:
        inner = getattr(self, "estimator_", self.estimator)
        return hasattr(inner, attr)

    return check


def _class_codes(labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Position of every label in ``classes`` (which need not be sorted)."""
    order = np.argsort(classes)
    return order[np.searchsorted(classes, labels, sorter=order)]


class WindowedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Classify every time step of long recordings through windows.

    ``fit`` cuts the recordings into windows of ``length`` steps every
    ``step`` steps, labels each window from the per-step labels (see
    ``label``) and fits a clone of ``estimator`` on the window panel.
    ``predict_proba`` cuts the new recordings the same way and gives each time
    step the mean of the class probabilities of the windows that cover it;
    ``predict`` takes the class of highest mean probability. The windows are
    strided views of the recordings, materialised ``predict_batch_size`` at a
    time, so prediction memory stays O(recording length).

    Because ``X`` is a list of recordings, every cross-validation split of
    ``X`` (``GridSearchCV(..., cv=KFold(3))``, or ``cv=3``, which scikit-learn
    turns into an unstratified ``KFold`` for per-step labels) keeps whole
    recordings on one side: no overlapping window of one recording lands in
    both the training and the validation fold, and no ``groups`` are needed.
    ``length``, ``step`` and every ``estimator__*`` parameter can be tuned
    like any other parameter.

    Parameters
    ----------
    estimator : classifier or pipeline
        Fitted on panels of windows ``(n_windows, n_channels, length)``
        (float32; NaN padded with ``pad=True``): a skseq classifier, an
        imblearn pipeline with a sampler, or any scikit-learn classifier
        behind a flattening step. Needs ``predict_proba`` unless
        ``aggregate="vote"``.
    length : int
        Window length in time steps.
    step : int or None, default=None
        Steps between window starts (at most ``length``, so every step is
        covered); ``None`` with ``overlap=None`` means ``length``.
    overlap : float in [0, 1) or None, default=None
        Alternative to ``step`` (see :func:`make_windows`).
    label : {"last", "majority", "any", "center"} or callable, default="last"
        How a training window is labelled from its per-step labels (see
        :func:`make_windows`).
    pad : bool, default=False
        Let the last windows of a recording run past its end, padded with
        trailing NaN (the inner estimator must accept padding, as skseq
        classifiers do); also allows recordings shorter than ``length``.
        Without it, a recording whose regular windows stop short of its end
        gets one more window aligned to the end.
    aggregate : {"mean_proba", "vote"}, default="mean_proba"
        How ``predict`` combines overlapping windows at a time step: the
        class of highest mean probability, or the class most windows predict
        (using the inner estimator's own ``predict``, e.g. a tuned decision
        threshold; ties go to the first class in ``classes_``).
    time_axis : {-1, 0}, default=-1
        Axis of time in 2-D recordings: -1 for ``(n_channels,
        n_timepoints)``, 0 for ``(n_timepoints, n_channels)`` tables (one row
        per time step, as a DataFrame read from a file).
    predict_batch_size : int, default=4096
        Windows materialised at once by ``predict``, ``predict_proba`` and
        ``predict_windows``.

    Attributes
    ----------
    estimator_ : estimator
        The fitted clone of ``estimator``.
    classes_ : ndarray of shape (n_classes,)
        Class labels, as known to ``estimator_`` (a per-step class that never
        labels a training window cannot be predicted).
    step_ : int
        The step used (derived from ``overlap`` if given).
    n_windows_ : int
        Number of training windows.
    n_features_in_ : int
        Number of channels.
    feature_names_in_ : ndarray of str
        Column names, when fitted on one DataFrame with ``time_axis=0``.

    See Also
    --------
    make_windows : Cut recordings into windows by hand.
    step_scorer : Any scikit-learn scorer over per-step predictions.

    Notes
    -----
    Input and output shapes: ``X`` is one recording, a list of recordings
    (any lengths) or a 3-D array of equal-length recordings, and ``y`` one
    label array per recording (see :func:`make_windows`). ``predict`` returns
    per-step labels in the same form: an array ``(n_timepoints,)`` for one
    recording, a list of arrays for a list, a 2-D array ``(n_recordings,
    n_timepoints)`` for a 3-D array; ``predict_proba`` adds a last axis of
    ``n_classes``. ``score`` is the accuracy over all time steps; for other
    metrics in a search use ``scoring=step_scorer("f1_macro")``.

    Training windows are all materialised for ``estimator.fit`` (memory
    ``n_windows * n_channels * length * 4`` bytes); prediction is streamed.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from skseq.windows import WindowedClassifier
    >>> rng = np.random.default_rng(0)
    >>> # four recordings with events (label 1) of a few dozen steps
    >>> y = [(np.sin(np.arange(300) / 9 + k) > 0.6).astype(int) for k in range(4)]
    >>> X = [lab + 0.5 * rng.standard_normal(300) for lab in y]
    >>> flatten = FunctionTransformer(np.reshape, kw_args={"shape": (-1, 10)})
    >>> clf = WindowedClassifier(
    ...     make_pipeline(flatten, LogisticRegression()), length=10, step=2,
    ...     label="majority")
    >>> clf.fit(X[:3], y[:3]).predict(X[3]).shape
    (300,)
    >>> float(clf.score(X[3], y[3])) > 0.9
    True
    """

    def __init__(
        self,
        estimator: Any,
        length: int,
        step: int | None = None,
        *,
        overlap: float | None = None,
        label: str | Callable = "last",
        pad: bool = False,
        aggregate: str = "mean_proba",
        time_axis: int = -1,
        predict_batch_size: int = 4096,
    ) -> None:
        self.estimator = estimator
        self.length = length
        self.step = step
        self.overlap = overlap
        self.label = label
        self.pad = pad
        self.aggregate = aggregate
        self.time_axis = time_axis
        self.predict_batch_size = predict_batch_size

    # -- input ------------------------------------------------------------

    def _recordings(self, X: Any, *, reset: bool) -> tuple[list[np.ndarray], str]:
        """Validate ``X`` and record (``reset``) or check its channels."""
        name = type(self).__name__
        time_axis = _check_time_axis(self.time_axis)
        if _table_rows(X, time_axis):
            X = np.asarray(X)
        is_table = time_axis == 0 and not isinstance(X, list | tuple)
        if is_table and (
            isinstance(X, pd.DataFrame) or sp.issparse(X) or np.asarray(X).ndim <= 2
        ):
            # one table (n_timepoints, n_channels): scikit-learn's own layout,
            # validated by scikit-learn (feature names, n_features_in_)
            X = validate_data(
                self,
                X,
                reset=reset,
                dtype=(np.float64, np.float32),
                ensure_all_finite="allow-nan",
            )
            return [X.T], "single"
        recordings, kind = _as_recordings(X, time_axis)
        n_channels = recordings[0].shape[0]
        if reset:
            self.n_features_in_ = n_channels
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif n_channels != self.n_features_in_:
            raise ValueError(
                f"X has {n_channels} features, but {name} is expecting "
                f"{self.n_features_in_} features as input: recordings need the "
                "channels seen in fit, in the same order."
            )
        for i, rec in enumerate(recordings):
            # in chunks: a boolean copy of a long recording is not free
            chunk = 1 << 20
            if any(
                np.isinf(rec[:, a : a + chunk]).any()
                for a in range(0, rec.shape[1], chunk)
            ):
                raise ValueError(
                    f"Input X contains infinity (recording {i}); replace infinite "
                    "values before passing X to " + name + "."
                )
        return recordings, kind

    def _params(self) -> tuple[int, int]:
        name = type(self).__name__
        if isinstance(self.estimator, type) or not hasattr(self.estimator, "fit"):
            what = (
                f"the class {self.estimator.__name__}; pass an instance, "
                f"{self.estimator.__name__}()"
                if isinstance(self.estimator, type)
                else f"{self.estimator!r}"
            )
            raise TypeError(
                f"{name}: estimator must be a classifier (or pipeline) instance "
                f"with fit and predict_proba that takes 3-D window panels; got "
                f"{what}."
            )
        _check_bool(self.pad, "pad", name)
        length, step = _check_length_step(self.length, self.step, self.overlap, name)
        if step > length:
            raise ValueError(
                f"{name}: step={step} is larger than length={length}, which would "
                "leave time steps between windows without a prediction; use "
                "step <= length."
            )
        _check_label_rule(self.label, name)
        if self.aggregate not in ("mean_proba", "vote"):
            raise ValueError(
                f"{name}: aggregate={self.aggregate!r} is not supported; use "
                "'mean_proba' or 'vote'."
            )
        size = self.predict_batch_size
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(
                f"{name}: predict_batch_size={size!r} must be a positive int."
            )
        return length, step

    def _starts(self, recordings: list[np.ndarray], length: int, step: int):
        return [
            _window_starts(
                r.shape[1], length, step, pad=bool(self.pad), align_end=True, index=i
            )
            for i, r in enumerate(recordings)
        ]

    # -- fit --------------------------------------------------------------

    def fit(self, X: Any, y: Any, **fit_params: Any) -> WindowedClassifier:
        """Window the recordings and fit the inner estimator on the windows.

        Parameters
        ----------
        X : array-like or list of array-like
            One recording, a list of recordings, or a 3-D array of
            equal-length recordings (see the class docstring).
        y : array-like or list of array-like
            One label per time step of every recording.
        **fit_params : dict
            Passed to ``estimator.fit``.

        Returns
        -------
        self : WindowedClassifier
        """
        length, step = self._params()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None; pass one label per time step of every recording."
            )
        recordings, kind = self._recordings(X, reset=True)
        labels = _as_step_labels(y, recordings, kind)
        all_labels = np.concatenate(labels)
        if all_labels.dtype.kind == "f" and not np.isfinite(all_labels).all():
            raise ValueError("y contains NaN or infinity; every step needs a label.")
        check_classification_targets(all_labels)
        if np.unique(all_labels).size < 2:
            raise ValueError(
                f"y has 1 class ({all_labels[:1].tolist()}) over all time steps; "
                f"{type(self).__name__} needs at least 2 classes to train."
            )
        starts = self._starts(recordings, length, step)
        n_windows = sum(s.size for s in starts)
        windows = np.empty((n_windows, recordings[0].shape[0], length), np.float32)
        at = 0
        for rec, s in zip(recordings, starts, strict=True):
            windows[at : at + s.size] = _take_windows(rec, s, length, np.float32)
            at += s.size
        window_labels = _labels_for_windows(labels, starts, length, self.label)
        self.estimator_ = clone(self.estimator).fit(
            windows, window_labels, **fit_params
        )
        self.classes_ = self.estimator_.classes_
        self.step_ = step
        self.n_windows_ = n_windows
        return self

    # -- predict ----------------------------------------------------------

    def _window_outputs(self, windows: np.ndarray, method: str) -> np.ndarray:
        """Per-window rows to average: probabilities or one-hot votes."""
        if method == "vote":
            codes = _class_codes(self.estimator_.predict(windows), self.classes_)
            return np.eye(len(self.classes_))[codes]
        return np.asarray(self.estimator_.predict_proba(windows), dtype=np.float64)

    def _stream(
        self, rec: np.ndarray, starts: np.ndarray, length: int, method: str
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Per-step sums of window outputs, in step order (``_step_sums``).

        Windows are materialised ``predict_batch_size`` at a time, so only the
        steps spanned by one batch are held, never the whole recording.
        """

        def outputs(batch: slice) -> np.ndarray:
            windows = _take_windows(rec, starts[batch], length, np.float32)
            return self._window_outputs(windows, method)

        return _step_sums(
            starts, length, rec.shape[1], outputs, int(self.predict_batch_size)
        )

    def _per_step(self, X: Any, method: str) -> tuple[list[np.ndarray], str]:
        check_is_fitted(self)
        length, step = self._params()
        recordings, kind = self._recordings(X, reset=False)
        starts = self._starts(recordings, length, step)
        results = []
        for rec, s in zip(recordings, starts, strict=True):
            if method == "proba":
                out = np.empty((rec.shape[1], len(self.classes_)))
                for lo, sums in self._stream(rec, s, length, "proba"):
                    out[lo : lo + sums.shape[0]] = sums[:, :-1] / sums[:, -1:]
            else:
                out = np.empty(rec.shape[1], dtype=self.classes_.dtype)
                rule = "vote" if self.aggregate == "vote" else "proba"
                for lo, sums in self._stream(rec, s, length, rule):
                    # the count column is shared by a row, so argmax of sums
                    # is argmax of means
                    best = np.argmax(sums[:, :-1], axis=1)
                    out[lo : lo + sums.shape[0]] = self.classes_[best]
            results.append(out)
        return results, kind

    @staticmethod
    def _format(results: list[np.ndarray], kind: str):
        if kind == "single":
            return results[0]
        if kind == "array":
            return np.stack(results)
        return results

    def predict(self, X: Any):
        """Predict a class for every time step.

        Parameters
        ----------
        X : array-like or list of array-like
            One recording, a list of recordings, or a 3-D array.

        Returns
        -------
        y_pred : ndarray or list of ndarray
            ``(n_timepoints,)`` for one recording; a list with one such array
            per recording; ``(n_recordings, n_timepoints)`` for a 3-D array.
        """
        check_is_fitted(self)
        if self.aggregate != "vote" and not hasattr(self.estimator_, "predict_proba"):
            raise AttributeError(
                f"{type(self.estimator_).__name__} has no predict_proba, which "
                "aggregate='mean_proba' averages; use aggregate='vote'."
            )
        return self._format(*self._per_step(X, "predict"))

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X: Any):
        """Mean class probabilities of the windows covering every time step.

        Parameters
        ----------
        X : array-like or list of array-like
            One recording, a list of recordings, or a 3-D array.

        Returns
        -------
        proba : ndarray or list of ndarray
            ``(n_timepoints, n_classes)`` for one recording; a list with one
            such array per recording; ``(n_recordings, n_timepoints,
            n_classes)`` for a 3-D array. Columns follow ``classes_``.
        """
        return self._format(*self._per_step(X, "proba"))

    def predict_windows(self, X: Any, *, method: str = "predict"):
        """Output of the inner estimator for every window, before un-windowing.

        Parameters
        ----------
        X : array-like or list of array-like
            One recording, a list of recordings, or a 3-D array.
        method : {"predict", "predict_proba"}, default="predict"
            Inner estimator method to call on the windows.

        Returns
        -------
        values : ndarray of shape (n_windows,) or (n_windows, n_classes)
            Per-window predictions or probabilities.
        groups : ndarray of shape (n_windows,)
            Recording index of every window.
        starts : ndarray of shape (n_windows,)
            Start step of every window within its recording (the windows are
            those of ``predict``: regular ones plus the end-aligned or padded
            ones that complete the coverage).
        """
        check_is_fitted(self)
        if method not in ("predict", "predict_proba"):
            raise ValueError(
                f"method={method!r} is not supported; use 'predict' or 'predict_proba'."
            )
        length, step = self._params()
        recordings, _ = self._recordings(X, reset=False)
        starts = self._starts(recordings, length, step)
        size = int(self.predict_batch_size)
        values = []
        for rec, s in zip(recordings, starts, strict=True):
            for b in range(0, s.size, size):
                batch = _take_windows(rec, s[b : b + size], length, np.float32)
                values.append(getattr(self.estimator_, method)(batch))
        groups = np.repeat(np.arange(len(starts)), [s.size for s in starts])
        return np.concatenate(values), groups, np.concatenate(starts)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy over all time steps of all recordings.

        Parameters
        ----------
        X : array-like or list of array-like
            Recordings, as in ``fit``.
        y : array-like or list of array-like
            True per-step labels.
        sample_weight : array-like or list of array-like, default=None
            Per-step weights, shaped like ``y``.

        Returns
        -------
        score : float
        """
        y_pred = self.predict(X)
        y_true = _flatten_steps(y)
        if sample_weight is not None:
            sample_weight = _flatten_steps(sample_weight)
        return float(
            accuracy_score(y_true, _flatten_steps(y_pred), sample_weight=sample_weight)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.one_d_array = _check_time_axis(self.time_axis) != 0
        tags.input_tags.three_d_array = True
        return tags


def _flatten_steps(y: Any) -> np.ndarray:
    """Concatenate per-step values of one or several recordings into 1-D."""
    if isinstance(y, list | tuple) and y and np.ndim(y[0]) > 0:
        return np.concatenate([np.asarray(v).ravel() for v in y])
    return np.asarray(y).ravel()


class _PerStepOutputs(ClassifierMixin, BaseEstimator):
    """A fitted-classifier face over per-step outputs, for sklearn scorers."""

    def __init__(self, estimator: Any = None, X: Any = None) -> None:
        self.estimator = estimator
        self.X = X

    @property
    def classes_(self) -> np.ndarray:
        return self.estimator.classes_

    def predict(self, X: Any = None) -> np.ndarray:
        return _flatten_steps(self.estimator.predict(self.X))

    def predict_proba(self, X: Any = None) -> np.ndarray:
        proba = self.estimator.predict_proba(self.X)
        if isinstance(proba, list):
            return np.concatenate(proba)
        return np.asarray(proba).reshape(-1, len(self.classes_))


def step_scorer(scoring: str | Callable) -> Callable:
    """Turn a scikit-learn scorer into one over per-step predictions.

    A :class:`WindowedClassifier` predicts one label per time step of each
    recording; scikit-learn's scorers expect one label per row. The returned
    scorer calls the estimator on the recordings, flattens the per-step
    predictions (or probabilities) and labels of all recordings, and applies
    ``scoring`` to them, so ``GridSearchCV(..., scoring=step_scorer("f1"))``
    works.

    Parameters
    ----------
    scoring : str or callable
        A scorer name (``"f1_macro"``, ``"balanced_accuracy"``,
        ``"roc_auc"``, ...) or a scorer ``scorer(estimator, X, y)`` as from
        :func:`sklearn.metrics.make_scorer`.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y) -> float``.

    Examples
    --------
    >>> from skseq.windows import step_scorer
    >>> scorer = step_scorer("balanced_accuracy")
    >>> callable(scorer)
    True
    """
    base = check_scoring(estimator=None, scoring=scoring)

    def score(estimator: Any, X: Any, y: Any, **kwargs: Any) -> float:
        return base(_PerStepOutputs(estimator, X), X, _flatten_steps(y), **kwargs)

    score.__name__ = f"step_scorer({scoring!r})"
    return score
