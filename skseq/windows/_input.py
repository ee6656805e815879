"""Input handling of :mod:`skseq.windows`: recordings, per-step labels, parameters.

Recordings are read by the panel contract's list reader
(:func:`skseq.utils.validation._as_series_list`), in the words of recordings;
this module adds what only windows need: the time axis, the kinds of input
(one recording, a list, a 3-D array), finite values, per-step labels and the
window length and step.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import column_or_1d

from ..utils.validation import _as_series_list, _float_series

_COMPLEX_FIX = (
    "windows need real values. Pass np.abs(rec) or rec.real, or the real and "
    "imaginary parts as two channels: np.vstack([rec.real, rec.imag])."
)


def _check_time_axis(time_axis: Any) -> int:
    """Normalise ``time_axis`` to 0 (rows are steps) or 1 (columns are steps)."""
    if isinstance(time_axis, bool) or time_axis not in (0, 1, -1):
        raise ValueError(
            f"time_axis={time_axis!r} is not supported: use -1 (or 1) for "
            "recordings of shape (n_channels, n_timepoints), or 0 for tables of "
            "shape (n_timepoints, n_channels)."
        )
    return 0 if time_axis == 0 else 1


def _check_finite(rec: np.ndarray, i: int) -> None:
    """Refuse infinity and NaN in a recording to be windowed: a gap inside a
    window would read as trailing padding (a shorter series) or be refused
    later."""
    for bad, what, fix in (
        (
            np.isinf(rec),
            "contains infinity",
            "every skseq estimator refuses infinite values. Replace them "
            "first, e.g. with NaN followed by skseq.transformers.Interpolator, "
            "or clip the recording.",
        ),
        (
            np.isnan(rec),
            "has NaN",
            "a window over a gap would read as a shorter series. Fill gaps in "
            "the whole recording first, e.g. "
            "skseq.transformers.Interpolator().fit_transform(rec[None])[0], or "
            "cut the recording at the gap; recordings of unequal length go in "
            "a list, not NaN-padded in one array.",
        ),
    ):
        if bad.any():
            step = int(np.flatnonzero(bad.any(axis=0))[0])
            raise ValueError(
                f"Recording {i} {what} ({int(bad.sum())} values, the first at "
                f"time step {step}); {fix}"
            )


def _table_rows(X: Any, time_axis: int) -> bool:
    """Whether ``X`` is the rows of one table as nested lists (``time_axis=0``).

    1-D recordings are not allowed with ``time_axis=0``, so a list of 1-D rows
    cannot be a list of recordings.
    """
    return (
        time_axis == 0
        and isinstance(X, list | tuple)
        and len(X) > 0
        and all(np.ndim(x) <= 1 for x in X)
    )


def _as_recordings(X: Any, time_axis: int) -> tuple[list[np.ndarray], str]:
    """Split input into recordings, each a ``(n_channels, n_timepoints)`` view.

    Returns the recordings and the input kind: ``"single"`` (one recording),
    ``"list"`` (a list or tuple of recordings) or ``"array"`` (a 3-D array of
    equal-length recordings). Float input is never copied: a time-major table
    is transposed as a view. Each recording is read by the panel contract's
    list reader (:func:`skseq.utils.validation._as_series_list`).
    """
    if X is None:
        raise ValueError("X is None; pass a recording or a list of recordings.")
    if isinstance(X, list | tuple):
        if len(X) == 0:
            raise ValueError(
                "X is an empty list; pass at least one recording with at least "
                "one time step."
            )
        if all(np.ndim(x) == 0 for x in X):  # a plain list of numbers
            items, kind = [X], "single"
        elif _table_rows(X, time_axis):
            items, kind = [np.asarray(X)], "single"
        else:
            items, kind = list(X), "list"
    else:
        if sp.issparse(X):
            raise TypeError(
                "X is a sparse matrix; pass a dense recording or a list of dense "
                "recordings."
            )
        arr = X if isinstance(X, pd.DataFrame | pd.Series) else np.asarray(X)
        ndim = arr.ndim
        if ndim in (1, 2):
            items, kind = [arr], "single"
        elif ndim == 3:
            arr = _float_series(arr, 0, noun="recording", complex_fix=_COMPLEX_FIX)
            items, kind = list(arr), "array"
        else:
            raise ValueError(
                f"X has {ndim} dimensions; pass one recording (1-D or 2-D), a list "
                "of recordings, or a 3-D array (n_recordings, n_channels, "
                "n_timepoints)."
            )
    recordings = _as_series_list(
        items,
        noun="recording",
        time_axis=time_axis,
        allow_empty=False,
        complex_fix=_COMPLEX_FIX,
    )
    return recordings, kind


def _as_step_labels(
    y: Any, recordings: list[np.ndarray], kind: str
) -> list[np.ndarray]:
    """Per-step labels, one 1-D array per recording, checked against lengths."""
    if y is None:
        raise ValueError(
            "This estimator requires y to be passed, but the target y is None; "
            "pass one label per time step of every recording."
        )
    if kind == "single":
        labels = [column_or_1d(y, warn=True)]
    elif isinstance(y, list | tuple) or np.ndim(y) == 2:
        labels = [column_or_1d(v, warn=True) for v in y]
    else:
        raise ValueError(
            "y must hold one array of per-step labels per recording (a list, or a "
            "2-D array for equal lengths); got "
            f"{type(y).__name__} with {np.ndim(y)} dimension(s)."
        )
    if len(labels) != len(recordings):
        raise ValueError(
            f"X holds {len(recordings)} recordings but y holds {len(labels)} label "
            "arrays; pass one array of per-step labels per recording."
        )
    for i, (lab, rec) in enumerate(zip(labels, recordings, strict=True)):
        if lab.shape[0] != rec.shape[1]:
            raise ValueError(
                f"Recording {i} has {rec.shape[1]} time steps but y[{i}] has "
                f"{lab.shape[0]} labels; every time step needs one label."
            )
        if lab.dtype.kind in "fc" and not np.isfinite(lab).all():
            step = int(np.flatnonzero(~np.isfinite(lab))[0])
            raise ValueError(
                f"y[{i}] contains NaN or infinity (first at time step {step}); "
                "every time step needs a label. Drop or cut unlabelled stretches, "
                "or give them a label of their own."
            )
    return labels


def _check_bool(value: Any, name: str, owner: str) -> None:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{owner}: {name}={value!r} must be True or False.")


def _check_length_step(
    length: Any, step: Any, overlap: Any, name: str = "make_windows"
) -> tuple[int, int]:
    """Validate the window length and derive the step from ``step``/``overlap``."""
    if isinstance(length, bool) or not isinstance(length, numbers.Integral):
        raise TypeError(f"{name}: length={length!r} must be a positive int.")
    if length < 1:
        raise ValueError(f"{name}: length={length} must be at least 1.")
    if step is not None and overlap is not None:
        raise ValueError(
            f"{name}: pass either step or overlap, not both (step={step!r}, "
            f"overlap={overlap!r})."
        )
    if overlap is not None:
        if isinstance(overlap, bool) or not isinstance(overlap, numbers.Real):
            raise TypeError(f"{name}: overlap={overlap!r} must be a float in [0, 1).")
        if not 0.0 <= overlap < 1.0:
            raise ValueError(
                f"{name}: overlap={overlap} must lie in [0, 1) (the fraction of a "
                "window shared with the next one)."
            )
        return int(length), max(1, int(round(length * (1.0 - overlap))))
    if step is None:
        return int(length), int(length)
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(f"{name}: step={step!r} must be a positive int.")
    if step < 1:
        raise ValueError(f"{name}: step={step} must be at least 1.")
    return int(length), int(step)
