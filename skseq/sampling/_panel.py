"""Run any imbalanced-learn sampler on 3-D panels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from imblearn.base import BaseSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from imblearn.utils._tags import get_tags
from imblearn.utils._validation import ArraysTransformer
from sklearn.base import _fit_context, clone
from sklearn.metrics import pairwise_distances_argmin
from sklearn.preprocessing import label_binarize
from sklearn.utils._param_validation import HasMethods, InvalidParameterError
from sklearn.utils.multiclass import check_classification_targets

from .._docstrings import Substitution
from ..utils.validation import series_lengths, validate_panel

__all__ = ["PanelSampler"]


#: Docstring entries of the samplers and of their ``fit`` and ``fit_resample``
#: (a ``{name}`` line of a docstring decorated with it is replaced by the block).
_DOCS = Substitution(
    panel_attributes="""\
n_features_in_ : int
    ``n_timepoints`` for 2-D input, ``n_channels`` otherwise.
n_channels_in_ : int
    Channels of the panel seen in ``fit_resample``.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Column names, only for DataFrame input with string column names.""",
    panel_X="""\
X : array-like of shape (n_samples, n_channels, n_timepoints) or \
(n_samples, n_timepoints), list of arrays, or sktime pandas panel""",
    labels_y="""\
y : array-like of shape (n_samples,)
    Labels.""",
    resampled_X="""\
X_resampled : ndarray of shape (n_new_samples, n_channels, n_timepoints)""",
    resampled_y="""\
y_resampled : array-like of shape (n_new_samples,)
    Labels, in the container of ``y``.""",
)


def _check_panel_X_y(
    sampler: Any, X: Any, y: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Callable[..., tuple[Any, Any]]]:
    """Validate a panel and its labels for a sampler's ``fit_resample``.

    Returns the float32 panel, the series lengths, 1-D labels, and a function
    that turns resampled ``(X_res, y_res)`` back into the caller's form: a 2-D
    input (array, DataFrame or list of equal-length rows, a univariate panel)
    comes back 2-D in the same container, any other input as a 3-D array;
    one-vs-all encoded labels come back one-vs-all encoded.
    """
    if y is None:
        raise ValueError(
            f"{type(sampler).__name__} requires y to be passed, but the target y is "
            "None; pass one label per series."
        )
    check_classification_targets(y)
    y_1d, binarize_y = check_target_type(y, indicate_one_vs_all=True)
    X_in = X
    if isinstance(X, pd.DataFrame) and any(
        isinstance(dtype, pd.SparseDtype) for dtype in X.dtypes
    ):
        # series are dense; the output gets the sparse dtypes back below
        X = X.apply(
            lambda c: c.sparse.to_dense() if isinstance(c.dtype, pd.SparseDtype) else c
        )
    Xp, lengths = validate_panel(sampler, X, reset=True, return_lengths=True)
    if len(y_1d) != len(Xp):
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: X has "
            f"{len(Xp)} series but y has {len(y_1d)} labels; pass one label per "
            "series."
        )
    two_d = bool(sampler._fit_input_2d)
    classes = np.unique(y_1d)
    # ArraysTransformer restores lists, DataFrames and Series as imblearn does;
    # for panels only y goes through it
    arrays = ArraysTransformer(X_in if two_d else np.empty(0), y)

    def finish(X_res: np.ndarray, y_res: np.ndarray) -> tuple[Any, Any]:
        if binarize_y:
            y_res = label_binarize(y_res, classes=classes)
        return arrays.transform(X_res[:, 0, :] if two_d else X_res, y_res)

    return Xp, lengths, y_1d, finish


def _lengths_from_nearest(
    flat: np.ndarray,
    lengths: np.ndarray,
    y: np.ndarray,
    flat_res: np.ndarray,
    y_res: np.ndarray,
) -> np.ndarray:
    """Length of the nearest input series of the same class, for every output row.

    Ties (identical zero-filled vectors) go to the longest series, so an
    observed value is never turned into padding.
    """
    out = np.empty(len(flat_res), dtype=np.int64)
    for label in np.unique(y_res):
        rows = np.flatnonzero(y_res == label)
        src = np.flatnonzero(y == label)
        if len(src) == 0:  # a sampler that invents a class: keep full length
            out[rows] = flat.shape[1]
            continue
        # argmin returns the first minimum: sort candidates longest first
        src = src[np.argsort(-lengths[src], kind="stable")]
        nearest = pairwise_distances_argmin(flat_res[rows], flat[src])
        out[rows] = lengths[src[nearest]]
    return out


def _flatten(X: np.ndarray) -> np.ndarray:
    """One row of ``n_channels * n_timepoints`` values per series, padding as 0."""
    # after validation NaN can only be trailing padding
    return np.nan_to_num(X, nan=0.0).reshape(len(X), -1)


def _pad_after(X: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Set every time step at or after each series' length to NaN (in place)."""
    padding = np.arange(X.shape[2])[None, None, :] >= lengths[:, None, None]
    X[np.broadcast_to(padding, X.shape)] = np.nan
    return X


class _PanelSamplerMixin:
    """``fit``/``fit_resample`` templates of skseq's samplers, for panels.

    Like imblearn's ``SamplerMixin`` but the input is validated as a panel
    (:func:`skseq.utils.validate_panel`) and the subclass's ``_fit_resample``
    receives the float32 3-D panel (trailing NaN padding kept) and 1-D labels;
    it sets ``sampling_strategy_`` (``_fit_statistics``) and resamples. Put
    the mixin before the imblearn base class.

    Every subclass gets its own ``fit`` and ``fit_resample``: the templates
    below, run inside scikit-learn's ``_fit_context`` (which validates the
    parameters; ``prefer_skip_nested_validation`` is the subclass's
    ``_prefer_skip_nested_validation``) and documented by the templates'
    docstrings, whose ``{name}`` lines the subclass's ``_method_docs`` fill:
    ``resample_summary`` (what ``fit_resample`` does), ``params`` (what
    ``**params`` is for; a callable is given the method), ``resampled`` (the
    output panel) and ``fit_note`` (on ``fit``).
    """

    _prefer_skip_nested_validation = True
    _method_docs: dict[str, str | Callable[[Any], str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        docs = Substitution(
            **_DOCS.blocks, **cls._method_docs, fitted_self=f"self : {cls.__name__}"
        )
        skip_nested = cls._prefer_skip_nested_validation
        for name in ("fit", "fit_resample"):
            method = _fit_context(prefer_skip_nested_validation=skip_nested)(
                getattr(_PanelSamplerMixin, name)
            )
            method.__module__ = cls.__module__
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, docs(method))

    def _fit_statistics(self, X: np.ndarray, y: np.ndarray, **params: Any) -> None:
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )

    def fit(self, X: Any, y: Any, **params: Any):
        """Check the panel and labels and compute ``sampling_strategy_``.

        {fit_note}

        Parameters
        ----------
        {panel_X}
            The panel.
        {labels_y}
        **params : dict
            {params}

        Returns
        -------
        {fitted_self}
        """
        Xp, _, y_1d, _ = _check_panel_X_y(self, X, y)
        self._fit_statistics(Xp, y_1d, **params)
        return self

    def fit_resample(self, X: Any, y: Any, **params: Any) -> tuple[Any, Any]:
        """{resample_summary}

        Parameters
        ----------
        {panel_X}
            The panel; unequal lengths as trailing NaN (see Notes).
        {labels_y}
        **params : dict
            {params}

        Returns
        -------
        {resampled_X}
            {resampled}
        {resampled_y}
        """
        Xp, _, y_1d, finish = _check_panel_X_y(self, X, y)
        X_res, y_res = self._fit_resample(Xp, y_1d, **params)
        return finish(X_res, y_res)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False  # NaN only as trailing padding
        return tags


def _passed_to_wrapped(method: Callable[..., Any]) -> str:
    """What ``**params`` of PanelSampler's ``fit`` or ``fit_resample`` is for."""
    return f"Passed to the wrapped sampler's ``{method.__name__}``."


@_DOCS
class PanelSampler(_PanelSamplerMixin, BaseSampler):
    """Run any imbalanced-learn sampler on panels of time series.

    imbalanced-learn's samplers (SMOTE, ADASYN, NearMiss, TomekLinks, …)
    refuse 3-D input. ``PanelSampler`` views every series as one flat vector
    of ``n_channels * n_timepoints`` values, runs a clone of ``sampler`` on
    those vectors and reshapes the result back into a panel. It is itself an
    imbalanced-learn sampler: in :class:`imblearn.pipeline.Pipeline` it
    resamples the training data in ``fit`` and is skipped at predict time.

    Parameters
    ----------
    sampler : imblearn sampler
        Any object with ``fit_resample`` (an over-, under-, cleaning or
        combined sampler). It is cloned in every ``fit_resample``; the fitted
        clone is ``sampler_``.

    Attributes
    ----------
    sampler_ : imblearn sampler
        The fitted clone of ``sampler`` (it saw the flattened panel).
    sampling_strategy_ : dict
        ``sampler_.sampling_strategy_``: the number of samples to generate,
        keep or clean per class.
    sample_indices_ : ndarray of shape (n_new_samples,)
        ``sampler_.sample_indices_``: the input row of every output row. Only
        when the wrapped sampler selects rows (random over/under-sampling,
        NearMiss, TomekLinks, …), not for samplers that synthesise (SMOTE).
    {panel_attributes}

    See Also
    --------
    AugmentationOverSampler : over-sampling with new series that stay
        plausible series (jitter, warps, slices) rather than interpolations.

    Notes
    -----
    **Input and output.** Any panel :func:`skseq.utils.check_panel` accepts.
    A 2-D input (array, DataFrame or list of rows: a univariate panel) comes
    back 2-D in the same container; every other input comes back as a
    float32 array ``(n_new_samples, n_channels, n_timepoints)``. Values are
    float32 throughout (the skseq panel contract), so the wrapped sampler
    sees and returns exactly the rows ``X.reshape(n, -1).astype(np.float32)``.
    NaN inside a series is an error (samplers measure distances; fill gaps
    with :class:`skseq.transformers.Interpolator` first).

    **Unequal lengths.** Trailing NaN padding is replaced by 0 for the
    wrapped sampler (the value skseq's classifiers give padded steps), so
    distances between series of different lengths compare the observed part
    of one with zeros in the other. Every output row then receives a length
    and is NaN-padded after it again:

    - a row the sampler selected (``sample_indices_`` exists) keeps the length
      of its input row, so it comes back bit for bit;
    - any other row (SMOTE-type synthesis, combined samplers) takes the length
      of the *nearest input series of the same class* (Euclidean distance on
      the zero-filled vectors; ties go to the longest). Rows the sampler kept
      unchanged match themselves at distance 0; a series synthesised between
      a seed and a close neighbour usually takes the seed's length. Values of
      a synthetic series beyond a shorter neighbour's end are interpolated
      towards 0 (the neighbour's padding).

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from imblearn.over_sampling import SMOTE
    >>> from sktime.datasets import load_basic_motions
    >>> from skseq.sampling import PanelSampler
    >>> X, y = load_basic_motions(return_type="numpy3D")
    >>> keep = np.r_[np.flatnonzero(y != "badminton"),
    ...              np.flatnonzero(y == "badminton")[:5]]
    >>> X, y = X[keep], y[keep]
    >>> X.shape, Counter(y)["badminton"]
    ((65, 6, 100), 5)
    >>> sampler = PanelSampler(SMOTE(k_neighbors=3, random_state=0))
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape, X_res.dtype, Counter(y_res)["badminton"]
    ((80, 6, 100), dtype('float32'), 20)
    """

    _parameter_constraints: dict = {"sampler": [HasMethods(["fit_resample"])]}
    # the wrapped sampler's own parameters are validated in its fit
    _prefer_skip_nested_validation = False
    _method_docs = {
        "fit_note": """\
You should use ``fit_resample`` in all cases; ``fit`` only computes the
wrapped sampler's statistics (``sampling_strategy_``) on a clone of it.""",
        "resample_summary": "Resample a panel with a clone of the wrapped sampler.",
        "params": _passed_to_wrapped,
        "resampled": "float32 panel; 2-D, in the input's container, for 2-D input.",
    }

    def __init__(self, sampler: Any) -> None:
        # BaseSampler.__init__ would add a sampling_strategy attribute that is
        # not a parameter of this class; the wrapped sampler owns it
        self.sampler = sampler

    def _validate_params(self) -> None:
        super()._validate_params()
        if isinstance(self.sampler, type):
            raise InvalidParameterError(
                f"The 'sampler' parameter of PanelSampler must be a sampler "
                f"instance, not the class {self.sampler.__name__}; pass "
                f"{self.sampler.__name__}() (with its parameters)."
            )

    @property
    def _sampling_type(self) -> str:
        return getattr(self.sampler, "_sampling_type", "bypass")

    def _fit_statistics(self, X: np.ndarray, y: np.ndarray, **params: Any) -> None:
        sampler = clone(self.sampler)
        if hasattr(sampler, "fit"):
            sampler.fit(_flatten(X), y, **params)
        else:
            sampler.fit_resample(_flatten(X), y, **params)
        self._set_fitted(sampler)

    def _fit_resample(
        self, X: np.ndarray, y: np.ndarray, **params: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        n, n_channels, n_timepoints = X.shape
        lengths = series_lengths(X)
        flat = _flatten(X)
        sampler = clone(self.sampler)
        try:
            X_flat, y_res = sampler.fit_resample(flat, y, **params)[:2]
        except ValueError as exc:
            if "n_neighbors" not in str(exc):
                raise
            labels, counts = np.unique(y, return_counts=True)
            k = {
                name: getattr(sampler, name)
                for name in ("k_neighbors", "n_neighbors", "m_neighbors")
                if isinstance(getattr(sampler, name, None), int)
            }
            smallest, n_min = labels[counts.argmin()].item(), int(counts.min())
            fix = (
                f"Lower sampler__k_neighbors to at most {n_min - 1}"
                if n_min >= 2
                else "A class of one series has no neighbour to interpolate with: "
                "use RandomOverSampler"
            )
            raise ValueError(
                f"{type(sampler).__name__} inside PanelSampler needs more series "
                f"per class than its neighbour count ({k or 'its neighbours'}): "
                f"the smallest class, {smallest!r}, has {n_min} series. {fix}, "
                f"or collect more series. ({type(exc).__name__}: {exc})"
            ) from exc
        if hasattr(X_flat, "toarray"):  # a sampler may return sparse output
            X_flat = X_flat.toarray()
        X_flat = np.asarray(X_flat, dtype=np.float32)
        y_res = np.asarray(y_res)
        X_res = np.ascontiguousarray(
            X_flat.reshape(len(X_flat), n_channels, n_timepoints)
        )
        self._set_fitted(sampler)
        if (lengths < n_timepoints).any():
            if hasattr(sampler, "sample_indices_"):
                new_lengths = lengths[np.asarray(sampler.sample_indices_)]
            else:
                new_lengths = _lengths_from_nearest(flat, lengths, y, X_flat, y_res)
            X_res = _pad_after(X_res, new_lengths)
        return X_res, y_res

    def _set_fitted(self, sampler: Any) -> None:
        self.sampler_ = sampler
        self.sampling_strategy_ = getattr(sampler, "sampling_strategy_", None)
        if hasattr(sampler, "sample_indices_"):
            self.sample_indices_ = sampler.sample_indices_
        elif hasattr(self, "sample_indices_"):
            del self.sample_indices_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.sampler) if hasattr(self.sampler, "get_params") else None
        inner_sampler_tags = getattr(inner, "sampler_tags", None)
        tags.sampler_tags.sample_indices = bool(
            inner_sampler_tags is not None and inner_sampler_tags.sample_indices
        )
        tags.non_deterministic = bool(getattr(inner, "non_deterministic", False))
        return tags
