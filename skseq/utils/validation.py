"""The panel data contract: one place that turns user input into a panel.

A *panel* is a float32, C-contiguous array ``(n_instances, n_channels,
n_timepoints)`` (sktime's ``numpy3D``). Unequal lengths are trailing NaN
padding; every other NaN is a missing value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    column_or_1d,
    validate_data,
)

__all__ = [
    "check_panel",
    "check_panel_y",
    "series_lengths",
    "validate_panel",
]

_INTERPOLATE_HINT = (
    "add skseq.transformers.Interpolator before this step to fill missing "
    "values, or mark unequal lengths with trailing NaN only"
)


def _is_pandas_panel(X: Any) -> bool:
    """Whether ``X`` is an sktime pandas panel (pd-multiindex or nested_univ)."""
    if not isinstance(X, pd.DataFrame) or X.shape[0] == 0:
        return False
    if isinstance(X.index, pd.MultiIndex):
        return True
    first = X.iloc[0, 0] if X.shape[1] else None
    return isinstance(first, pd.Series | np.ndarray)


def _pandas_panel_to_list(X: pd.DataFrame) -> list[np.ndarray]:
    """Convert an sktime pandas panel with sktime's own converters."""
    from sktime.datatypes import convert_to

    frames = convert_to(X, to_type="df-list")
    return [np.asarray(f, dtype=float).T for f in frames]


# What a list item is called in messages, and what it must look like: panels
# hold *series*; skseq.windows cuts long *recordings* (same checks, its words).
_ITEM_WORDS = {
    "series": {
        "sparse": "Sparse series are not supported; pass dense arrays "
        "(e.g. call .toarray() on each series).",
        "numeric": "every series must be a numeric array of shape (n_channels, "
        "length) or (length,).",
        "ndim": "each series in a list must be 1-D (length,) or 2-D "
        "(n_channels, length).",
        "channels": "All series need the same channels, each of shape "
        "(n_channels, length_i).",
    },
    "recording": {
        "sparse": "Recording {i} is a sparse matrix; pass dense arrays "
        "(e.g. call .toarray() on it).",
        "numeric": "every recording must be a numeric array.",
        "ndim": "each recording must be 1-D (n_timepoints,) or 2-D.",
        "channels": "Check time_axis={axis}: recordings are read as {layout}.",
    },
}


def _float_series(
    s: Any, i: int, *, noun: str = "series", complex_fix: str | None = None
) -> np.ndarray:
    """One list item as a float array of any shape; float input is not copied.

    Other numbers become float64 (``None`` becomes NaN). Complex input is
    refused with ``complex_fix`` as the advice, or else cast to real (numpy's
    ``ComplexWarning``), as a ragged panel always has been.
    """
    words = _ITEM_WORDS[noun]
    if sp.issparse(s):
        raise TypeError(words["sparse"].format(i=i))
    if isinstance(s, pd.DataFrame | pd.Series):
        s = s.to_numpy()
    try:
        arr = np.asarray(s)
        if arr.dtype.kind == "f":
            return arr
        if arr.dtype.kind != "c" or complex_fix is None:
            return np.asarray(s, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{noun.capitalize()} {i} could not be converted to float ({exc}); "
            + words["numeric"]
        ) from exc
    raise TypeError(f"{noun.capitalize()} {i} is complex ({arr.dtype}); {complex_fix}")


def _as_series_list(
    X: Sequence[Any],
    *,
    noun: str = "series",
    time_axis: int = -1,
    allow_empty: bool = True,
    complex_fix: str | None = None,
) -> list[np.ndarray]:
    """Every item of a list as a float ``(n_channels, length_i)`` array.

    The one place that reads a list of unequal-length series (or recordings,
    for :mod:`skseq.windows`): float input is never copied, a 1-D item is one
    channel, and every item must have the channels of the first.

    Parameters
    ----------
    X : sequence of array-like
        The series.
    noun : {"series", "recording"}, default="series"
        What an item is called in error messages.
    time_axis : {-1, 0}, default=-1
        Axis of time in a 2-D item; with 0, items are ``(length_i,
        n_channels)`` tables, returned transposed (a view), and 1-D items
        are refused.
    allow_empty : bool, default=True
        Whether an item may have no channel or no time step.
    complex_fix : str or None, default=None
        Advice for complex items, which are then refused (see
        :func:`_float_series`).

    Returns
    -------
    series : list of ndarray of shape (n_channels, length_i)
    """
    words = _ITEM_WORDS[noun]
    series = []
    for i, s in enumerate(X):
        arr = _float_series(s, i, noun=noun, complex_fix=complex_fix)
        if arr.ndim == 1:
            if time_axis == 0:
                raise ValueError(
                    f"{noun.capitalize()} {i} is 1-D, but time_axis=0 reads "
                    f"{noun}s as tables (n_timepoints, n_channels); reshape a "
                    "single channel with rec.reshape(-1, 1), or use time_axis=-1."
                )
            arr = arr[None, :]
        elif arr.ndim == 2:
            if time_axis == 0:
                arr = arr.T  # a view: channels first, as everywhere in skseq
        else:
            raise ValueError(
                f"{noun.capitalize()} {i} has {arr.ndim} dimensions; " + words["ndim"]
            )
        if not allow_empty and (arr.shape[0] == 0 or arr.shape[1] == 0):
            raise ValueError(
                f"{noun.capitalize()} {i} has shape {arr.shape} (channels, time "
                f"steps); every {noun} needs at least 1 channel and 1 time step."
            )
        series.append(arr)
    counts = [s.shape[0] for s in series]
    if len(set(counts)) > 1:
        first_bad = next(i for i, c in enumerate(counts) if c != counts[0])
        fix = words["channels"].format(
            axis="0" if time_axis == 0 else "-1",
            layout="(n_timepoints, n_channels)."
            if time_axis == 0
            else "(n_channels, n_timepoints).",
        )
        raise ValueError(
            f"Inconsistent channel counts: {noun} 0 has {counts[0]} channels but "
            f"{noun} {first_bad} has {counts[first_bad]}. {fix}"
        )
    return series


def _ragged_to_array(X: Sequence[Any]) -> np.ndarray:
    """Pad a list of ``(n_channels, length_i)`` or ``(length_i,)`` series with NaN."""
    series = _as_series_list(X)
    n_timepoints = max(s.shape[1] for s in series)
    out = np.full((len(series), series[0].shape[0], n_timepoints), np.nan)
    for i, s in enumerate(series):
        out[i, :, : s.shape[1]] = s
    return out


# what check_panel and validate_panel ask of scikit-learn's array checks: a
# dense float array of any number of dimensions, NaN allowed (padding)
_PANEL_ARRAY_CHECKS: dict[str, Any] = {
    "accept_sparse": False,
    "dtype": (np.float64, np.float32),
    "ensure_all_finite": False,
    "allow_nd": True,
    "ensure_min_samples": 1,
    "ensure_min_features": 1,
}


def _to_numeric_array(X: Any) -> Any:
    """Bring lists and pandas panels into array form; leave arrays alone.

    Also refuses input that cannot be a panel (``None``, a scalar, a single
    1-D series) with a message about panels, not scikit-learn's tables.
    """
    if X is None:
        raise ValueError(
            "X is None; pass a panel: a 3-D array (n_instances, n_channels, "
            "n_timepoints), a 2-D array (n_instances, n_timepoints) or a list of "
            "series."
        )
    if (
        isinstance(X, np.ndarray)
        and X.dtype == object
        and X.ndim == 1
        and len(X)
        and all(np.ndim(s) >= 1 for s in X)
    ):
        X = list(X)  # a 1-D object array of series is a list of series
    if _is_pandas_panel(X):
        return _ragged_to_array(_pandas_panel_to_list(X))
    if isinstance(X, list | tuple):
        if len(X) == 0:
            raise ValueError(
                "Found array with 0 sample(s) (empty list) while a minimum of 1 is "
                "required. Pass at least one series."
            )
        shapes = set()
        for s in X:
            shapes.add(np.shape(s) if not isinstance(s, dict | str) else None)
        if len(shapes) > 1 and None not in shapes:
            return _ragged_to_array(X)
    # a list's depth from its first item: np.asarray would copy every series
    ndim = 1 + np.ndim(X[0]) if isinstance(X, list | tuple) else _ndim(X)
    if ndim < 2:
        shape = (len(X),) if isinstance(X, list | tuple) else np.shape(X)
        got = "1D array" if ndim == 1 else "scalar array"
        raise ValueError(
            f"Expected 2D array, got {got} instead (shape {shape}): a panel is 2-D "
            "(n_instances, n_timepoints) or 3-D (n_instances, n_channels, "
            "n_timepoints). Reshape your data: pass one series as X[None, :] "
            "(X.reshape(1, -1)), or several as a list of series."
        )
    return X


def series_lengths(X: np.ndarray) -> np.ndarray:
    """Length of every series in a panel, ignoring trailing all-NaN padding.

    Parameters
    ----------
    X : ndarray of shape (n_instances, n_channels, n_timepoints)
        A panel, as returned by :func:`check_panel`.

    Returns
    -------
    lengths : ndarray of shape (n_instances,), dtype int64
        Index of the last time step with any observed channel, plus one.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils.validation import series_lengths
    >>> X = np.array([[[1.0, 2.0, np.nan]], [[1.0, 2.0, 3.0]]])
    >>> series_lengths(X)
    array([2, 3])
    """
    if np.ndim(X) != 3:
        raise ValueError(
            f"series_lengths needs a 3-D panel (n_instances, n_channels, "
            f"n_timepoints); got an array of shape {np.shape(X)}. Convert the "
            "input with skseq.utils.check_panel first."
        )
    observed = ~np.isnan(X).all(axis=1)  # (n, t): any channel observed
    n_timepoints = X.shape[2]
    # position of the last observed step, counted from the end
    last_from_end = np.argmax(observed[:, ::-1], axis=1)
    lengths = n_timepoints - last_from_end
    lengths[~observed.any(axis=1)] = 0
    return lengths.astype(np.int64)


def _check_nan_inf(
    X: np.ndarray,
    lengths: np.ndarray,
    *,
    allow_missing: bool,
    allow_empty_series: bool,
    name: str,
) -> None:
    if np.isinf(X).any():
        i, c, t = np.argwhere(np.isinf(X))[0]
        raise ValueError(
            f"X contains infinity (series {i}, channel {c}, time step {t}). "
            "Replace infinite values (e.g. with NaN followed by "
            "skseq.transformers.Interpolator) before passing X to " + name + "."
        )
    if not allow_empty_series and (lengths == 0).any():
        i = int(np.flatnonzero(lengths == 0)[0])
        raise ValueError(
            f"Series {i} of X is entirely NaN (all padding, no observed value). "
            "Remove empty series before passing X to " + name + "."
        )
    if not allow_missing:
        steps = np.arange(X.shape[2])
        inside = steps[None, None, :] < lengths[:, None, None]
        missing = np.isnan(X) & inside
        if missing.any():
            i, c, t = np.argwhere(missing)[0]
            raise ValueError(
                f"X contains NaN inside series {i} (channel {c}, time step {t}); "
                f"{name} does not accept missing values: {_INTERPOLATE_HINT}."
            )


def check_panel(
    X: Any,
    *,
    allow_missing: bool = False,
    allow_empty_series: bool = False,
    return_lengths: bool = False,
    estimator_name: str = "this estimator",
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Validate input and convert it to a float32 panel.

    Accepts a 3-D array ``(n_instances, n_channels, n_timepoints)``, a 2-D
    array ``(n_instances, n_timepoints)`` (a univariate panel), a list of
    ``(n_channels, length_i)`` or ``(length_i,)`` arrays of unequal length
    (padded with trailing NaN), and sktime's pandas panels (``pd-multiindex``,
    ``nested_univ``).

    Parameters
    ----------
    X : array-like, list of array-like or pandas.DataFrame
        The input.
    allow_missing : bool, default=False
        Whether NaN inside a series (before its trailing padding) is allowed.
        Transformers that fill gaps set this; classifiers do not.
    allow_empty_series : bool, default=False
        Whether a series that is entirely NaN is allowed.
    return_lengths : bool, default=False
        Also return the length of every series (see :func:`series_lengths`).
    estimator_name : str, default="this estimator"
        Name used in error messages.

    Returns
    -------
    X : ndarray of shape (n_instances, n_channels, n_timepoints), float32
        C-contiguous panel; unequal lengths padded with trailing NaN.
    lengths : ndarray of shape (n_instances,)
        Only when ``return_lengths=True``.

    Raises
    ------
    ValueError
        Wrong number of dimensions, empty input, inconsistent channel counts,
        infinity, NaN inside a series (unless ``allow_missing``), or a series
        that is all padding.
    TypeError
        Sparse, non-numeric or object data that is not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils.validation import check_panel
    >>> check_panel(np.zeros((4, 10))).shape
    (4, 1, 10)
    >>> X, lengths = check_panel([np.ones((2, 5)), np.ones((2, 3))],
    ...                          return_lengths=True)
    >>> X.shape, X.dtype, lengths
    ((2, 2, 5), dtype('float32'), array([5, 3]))
    """
    X = _to_numeric_array(X)
    X = check_array(X, **_PANEL_ARRAY_CHECKS, input_name="X")
    X = _as_3d(X)
    return _finish_panel(
        X,
        allow_missing=allow_missing,
        allow_empty_series=allow_empty_series,
        return_lengths=return_lengths,
        name=estimator_name,
    )


def _as_3d(X: np.ndarray) -> np.ndarray:
    if X.ndim == 2:
        return X[:, None, :]
    if X.ndim != 3:
        raise ValueError(
            f"X has {X.ndim} dimensions; expected a 2-D (n_instances, n_timepoints) "
            "or 3-D (n_instances, n_channels, n_timepoints) array."
        )
    if X.shape[1] == 0 or X.shape[2] == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 "
            "is required: every series needs at least 1 channel and 1 time step."
        )
    return X


def _finish_panel(
    X: np.ndarray,
    *,
    allow_missing: bool,
    allow_empty_series: bool,
    return_lengths: bool,
    name: str,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    X_in = X
    with np.errstate(over="ignore"):  # reported below, with the value
        X = np.ascontiguousarray(X, dtype=np.float32)
    if X_in.dtype != np.float32 and np.isinf(X).any():
        overflow = np.isinf(X) & np.isfinite(X_in)
        if overflow.any():
            i, c, t = np.argwhere(overflow)[0]
            raise ValueError(
                f"X has a value beyond float32's range, {X_in[i, c, t]:.3g} (series "
                f"{i}, channel {c}, time step {t}), which would become infinity in "
                f"the float32 panel {name} works on; rescale X (e.g. "
                "skseq.transformers.Normalizer, or divide by a constant) first."
            )
    lengths = series_lengths(X)
    _check_nan_inf(
        X,
        lengths,
        allow_missing=allow_missing,
        allow_empty_series=allow_empty_series,
        name=name,
    )
    return (X, lengths) if return_lengths else X


def validate_panel(
    estimator: Any,
    X: Any,
    *,
    reset: bool,
    allow_missing: bool = False,
    allow_empty_series: bool = False,
    return_lengths: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Validate ``X`` for an estimator and record or check its input shape.

    The estimator-facing twin of :func:`check_panel`. On ``reset=True`` (in
    ``fit``) it sets ``n_features_in_`` (and ``feature_names_in_`` for
    DataFrames) through :func:`sklearn.utils.validation.validate_data`, plus
    ``n_channels_in_``. A 2-D array is a table of ``n_timepoints`` columns to
    scikit-learn, so ``n_features_in_`` is the number of time steps for 2-D
    input and the number of channels for 3-D, list and pandas-panel input;
    series of any length are accepted at predict time except as a 2-D array
    of another width after a 2-D fit.

    Parameters
    ----------
    estimator : estimator instance
        The estimator whose input is validated.
    X : array-like, list of array-like or pandas.DataFrame
        The input, in any form :func:`check_panel` accepts.
    reset : bool
        ``True`` in ``fit`` (record the shape), ``False`` afterwards (check it).
    allow_missing, allow_empty_series, return_lengths : bool
        As in :func:`check_panel`.

    Returns
    -------
    X : ndarray of shape (n_instances, n_channels, n_timepoints), float32
    lengths : ndarray of shape (n_instances,)
        Only when ``return_lengths=True``.
    """
    name = type(estimator).__name__
    X = _to_numeric_array(X)
    ndim = _ndim(X)
    if not reset:
        fit_2d = getattr(estimator, "_fit_input_2d", False)
        if fit_2d and ndim == 3 and np.shape(X)[1] == 1:
            X = np.asarray(X)[:, 0, :]
            ndim = 2
        elif not fit_2d and ndim == 2:
            X = check_array(
                X,
                dtype=(np.float64, np.float32),
                ensure_all_finite=False,
                input_name="X",
            )[:, None, :]
            ndim = 3
    if not reset and ndim == 3 and not getattr(estimator, "_fit_input_2d", False):
        n_channels = np.shape(X)[1]
        if n_channels != estimator.n_channels_in_:
            raise ValueError(
                f"X has {n_channels} channels, but {name} is expecting "
                f"{estimator.n_channels_in_} channels as input (as seen in fit). "
                "Pass series with the same channels, in the same order, as at "
                "fit time."
            )
    X = validate_data(estimator, X, reset=reset, **_PANEL_ARRAY_CHECKS)
    if reset:
        estimator._fit_input_2d = X.ndim == 2
    X = _as_3d(X)
    if reset:
        estimator.n_channels_in_ = X.shape[1]
    elif X.shape[1] != estimator.n_channels_in_:
        raise ValueError(
            f"X has {X.shape[1]} channels, but {name} is expecting "
            f"{estimator.n_channels_in_} channels as input (as seen in fit). Pass "
            "series with the same channels, in the same order, as at fit time."
        )
    return _finish_panel(
        X,
        allow_missing=allow_missing,
        allow_empty_series=allow_empty_series,
        return_lengths=return_lengths,
        name=name,
    )


def _ndim(X: Any) -> int:
    if isinstance(X, pd.DataFrame):
        return 2
    shape = getattr(X, "shape", None)
    if shape is not None:
        return len(shape)
    return np.asarray(X).ndim


def check_panel_y(y: Any, n_instances: int, *, min_classes: int = 2) -> np.ndarray:
    """Validate classification targets for a panel of ``n_instances`` series.

    Parameters
    ----------
    y : array-like of shape (n_instances,)
        Labels of any hashable type (strings included).
    n_instances : int
        Number of series in X.
    min_classes : int, default=2
        Fewest distinct classes allowed.

    Returns
    -------
    y : ndarray of shape (n_instances,)

    Examples
    --------
    >>> from skseq.utils.validation import check_panel_y
    >>> check_panel_y(["a", "b", "a"], 3)
    array(['a', 'b', 'a'], dtype='<U1')
    """
    if y is None:
        raise ValueError(
            "This classifier requires y to be passed, but the target y is None; "
            "pass labels of shape (n_instances,)."
        )
    y = column_or_1d(y, warn=True)
    if len(y) != n_instances:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: X has "
            f"{n_instances} series but y has {len(y)} labels; pass one label per "
            "series."
        )
    if y.dtype == object:
        missing = [i for i, v in enumerate(y) if v is None]
        if missing:
            raise ValueError(
                f"y contains None (first at index {missing[0]}); every series "
                "needs a label."
            )
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError(
            "y contains NaN or infinity; every series needs a finite label."
        )
    check_classification_targets(y)
    n_classes = len(np.unique(y))
    if n_classes < min_classes:
        raise ValueError(
            f"y has {n_classes} class ({np.unique(y)[:1].tolist()}); a classifier "
            f"needs at least {min_classes} classes to train. Check the labels or "
            "the split that produced them."
        )
    return y
