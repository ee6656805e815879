"""A two-stage cascade: the dominant class(es) against the rest, then the rest."""

from __future__ import annotations

from copy import copy
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _num_samples,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from ._threshold import _delegated_n_features_in, _indexable_rows

__all__ = ["CascadeClassifier"]


class CascadeClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Separate the dominant class(es) first, then classify the rest.

    On data where one class (normal beats, idle sensor windows) dwarfs the
    others, one model that has to do both jobs spends its capacity on the big
    class. A cascade splits the work: ``first`` learns *dominant class vs the
    rest* on all the data, ``second`` learns to tell the rare classes apart on
    their own samples only, where they are no longer swamped.

    At predict time a sample goes to ``second`` exactly when ``first``
    predicts "rest", so a ``first`` wrapped in a threshold tuner
    (:class:`~sklearn.model_selection.TunedThresholdClassifierCV`,
    :class:`~sklearn.model_selection.FixedThresholdClassifier`,
    :class:`MulticlassThresholdClassifierCV`) moves the boundary between the
    stages. Each stage may be any classifier or pipeline (a skseq classifier,
    an imblearn pipeline with a sampler, …), and both are tuned through
    ``first__*`` and ``second__*`` in a grid search.

    Parameters
    ----------
    first : classifier
        Stage one. Trained on all samples with the labels of
        ``majority_classes`` kept and every other label replaced by "rest";
        its ``classes_`` are integer codes: ``i`` for ``majority_classes_[i]``
        and ``len(majority_classes_)`` (the largest code, the positive class of
        a binary stage) for "rest". It needs ``predict_proba``.
    second : classifier
        Stage two. Trained on the samples of the other classes only, with
        their labels as given. Needs ``predict_proba`` for
        ``predict_proba`` of the cascade. Not fitted when only one class is
        left (``second_`` is then ``None``).
    majority_classes : label, list of labels or None, default=None
        The dominant class(es) stage one separates; ``None`` takes the most
        frequent class of ``y`` (the first in sorted order on a tie). At
        least one class must remain for the rest.

    Attributes
    ----------
    first_ : classifier
        Fitted stage one.
    second_ : classifier or None
        Fitted stage two, ``None`` when the rest is a single class.
    classes_ : ndarray of shape (n_classes,)
        All labels, sorted as :func:`numpy.unique` sorts them.
    majority_classes_ : ndarray
        The classes stage one separates.
    rest_classes_ : ndarray
        The classes stage two tells apart.
    n_features_in_ : int
        From stage one.

    See Also
    --------
    MulticlassThresholdClassifierCV : tune per-class decision weights.

    Notes
    -----
    ``predict`` follows the stages' decisions; ``predict_proba`` combines
    them as :math:`P(m) = P_1(m)` for a dominant class and
    :math:`P(c) = P_1(\\text{rest})\\,P_2(c)` for the others. The two agree
    whenever stage one decides by the argmax of its probabilities and is
    confident; a tuned or thresholded stage one decides differently on
    purpose, which is why ``predict`` is not always the argmax of
    ``predict_proba``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skseq.datasets import load_dataset
    >>> from skseq.model_selection import CascadeClassifier
    >>> X, y = load_dataset("ArrowHead", split="train")
    >>> cascade = CascadeClassifier(
    ...     LogisticRegression(max_iter=500), LogisticRegression(max_iter=500)
    ... ).fit(X[:, 0], y)
    >>> cascade.majority_classes_, cascade.rest_classes_
    (array(['0'], dtype='<U1'), array(['1', '2'], dtype='<U1'))
    >>> cascade.predict(X[:4, 0]).shape
    (4,)
    """

    def __init__(
        self, first: Any, second: Any, *, majority_classes: Any = None
    ) -> None:
        self.first = first
        self.second = second
        self.majority_classes = majority_classes

    def _majority(self, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
        if self.majority_classes is None:
            counts = np.array([(y == c).sum() for c in classes])
            return classes[[int(np.argmax(counts))]]
        wanted = self.majority_classes
        if isinstance(wanted, str) or np.ndim(wanted) == 0:
            wanted = [wanted]
        wanted = list(dict.fromkeys(wanted))
        if not wanted:
            raise ValueError(
                "majority_classes is empty; name at least one class for the first "
                "stage to separate, or pass None for the most frequent class."
            )
        known = set(classes.tolist())
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise ValueError(
                f"majority_classes has labels {unknown} that are not in y "
                f"(classes: {classes.tolist()})."
            )
        return np.array([c for c in classes if c in set(wanted)], dtype=classes.dtype)

    def fit(self, X: Any, y: Any, **fit_params: Any):
        """Fit stage one on all samples and stage two on the rest.

        Parameters
        ----------
        X : array-like, panel or list of series
            Training data in any form both stages accept.
        y : array-like of shape (n_samples,)
            Labels of any type.
        **fit_params : dict
            Parameters for the stages' ``fit``, prefixed ``first__`` or
            ``second__`` (e.g. ``first__sample_weight``); sample-aligned arrays
            for stage two are sliced to its samples.

        Returns
        -------
        self : object
            The fitted cascade.
        """
        for name in ("first", "second"):
            est = getattr(self, name)
            if not (hasattr(est, "fit") and hasattr(est, "predict")):
                raise TypeError(
                    f"{name} must be a classifier with fit and predict; got "
                    f"{type(est).__name__}."
                )
        check_classification_targets(y)
        y = column_or_1d(y, warn=True)
        n_samples = _num_samples(y)
        X = _indexable_rows(X, n_samples)
        check_consistent_length(X, y)
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(
                f"CascadeClassifier needs at least 2 classes in y; got "
                f"{len(classes)} class ({classes.tolist()})."
            )
        majority = self._majority(y, classes)
        rest = np.array(
            [c for c in classes if c not in set(majority.tolist())], dtype=classes.dtype
        )
        if len(rest) == 0:
            raise ValueError(
                f"majority_classes covers every class ({classes.tolist()}); leave "
                "at least one class for the second stage."
            )
        params = {"first": {}, "second": {}}
        for key, value in fit_params.items():
            stage, sep, name = key.partition("__")
            if not sep or stage not in params:
                raise ValueError(
                    f"fit parameter {key!r} must be prefixed 'first__' or 'second__'."
                )
            params[stage][name] = value

        code = {c: i for i, c in enumerate(majority.tolist())}
        y_first = np.array([code.get(c, len(majority)) for c in y.tolist()])
        first = clone(self.first).fit(X, y_first, **params["first"])

        is_rest = np.isin(y, rest)
        second = None
        if len(rest) > 1:
            idx = np.flatnonzero(is_rest)
            second_params = {
                k: _safe_indexing(v, idx)
                if hasattr(v, "__len__") and _num_samples(v) == n_samples
                else v
                for k, v in params["second"].items()
            }
            second = clone(self.second).fit(
                _safe_indexing(X, idx), y[idx], **second_params
            )

        self.first_ = first
        self.second_ = second
        self.classes_ = classes
        self.majority_classes_ = majority
        self.rest_classes_ = rest
        return self

    def _check_fitted(self) -> None:
        check_is_fitted(self, "first_")

    def predict(self, X: Any) -> np.ndarray:
        """Stage one's decision, and stage two's for samples it calls "rest".

        Parameters
        ----------
        X : array-like, panel or list of series
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels as given in ``fit``.
        """
        self._check_fitted()
        n_major = len(self.majority_classes_)
        first = np.asarray(self.first_.predict(X)).astype(int)
        y_pred = np.empty(len(first), dtype=self.classes_.dtype)
        is_rest = first == n_major
        y_pred[~is_rest] = self.majority_classes_[first[~is_rest]]
        if is_rest.any():
            if self.second_ is None:
                y_pred[is_rest] = self.rest_classes_[0]
            else:
                X = _indexable_rows(X, len(first))
                y_pred[is_rest] = self.second_.predict(
                    _safe_indexing(X, np.flatnonzero(is_rest))
                )
        return y_pred

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities: stage one's, with "rest" split by stage two.

        Parameters
        ----------
        X : array-like, panel or list of series
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        self._check_fitted()
        n_major = len(self.majority_classes_)
        p_first = _aligned_proba(self.first_, X, np.arange(n_major + 1))
        if self.second_ is None:
            p_rest = np.ones((len(p_first), 1))
        else:
            p_rest = _aligned_proba(self.second_, X, self.rest_classes_)
        proba = np.zeros((len(p_first), len(self.classes_)))
        position = {c: i for i, c in enumerate(self.classes_.tolist())}
        major_cols = [position[c] for c in self.majority_classes_.tolist()]
        rest_cols = [position[c] for c in self.rest_classes_.tolist()]
        proba[:, major_cols] = p_first[:, :n_major]
        proba[:, rest_cols] = p_first[:, [n_major]] * p_rest
        return proba

    @property
    def n_features_in_(self) -> int:
        """Number of features seen by stage one."""
        return _delegated_n_features_in(self, "first_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        first, second = get_tags(self.first), get_tags(self.second)
        tags.input_tags = copy(first.input_tags)
        tags.input_tags.allow_nan = first.input_tags.allow_nan and (
            second.input_tags.allow_nan
        )
        tags.input_tags.sparse = first.input_tags.sparse and second.input_tags.sparse
        tags.non_deterministic = first.non_deterministic or second.non_deterministic
        tags.classifier_tags.multi_class = True
        return tags


def _aligned_proba(estimator: Any, X: Any, classes: np.ndarray) -> np.ndarray:
    """``predict_proba`` with one column per entry of ``classes``, in order."""
    proba = np.asarray(estimator.predict_proba(X), dtype=float)
    out = np.zeros((len(proba), len(classes)))
    position = {c: i for i, c in enumerate(np.asarray(classes).tolist())}
    cols = [position[c] for c in np.asarray(estimator.classes_).tolist()]
    out[:, cols] = proba
    return out
