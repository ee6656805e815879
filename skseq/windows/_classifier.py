"""Windows over long recordings with a label at every time step.

Two tools for recordings such as an accelerometer stream or an ECG whose
every time step carries a label:

- :func:`make_windows` cuts recordings into (overlapping) windows, each
  labelled from the per-step labels it covers, and returns the recording of
  every window as ``groups`` for :class:`~sklearn.model_selection.GroupKFold`.
  The windows are strided views of the recordings, never copies;
  :func:`unwindow` maps per-window values back to time steps.
- :class:`WindowedClassifier` is a meta-estimator that does both inside
  ``fit`` and ``predict``: it takes recordings and per-step labels and
  returns per-step predictions, so window length and step are ordinary
  hyper-parameters and the unit of cross-validation is the recording.

A *recording* is a 2-D array ``(n_channels, n_timepoints)`` or a 1-D array
``(n_timepoints,)`` (skseq's channels-before-time convention); pass
``time_axis=0`` for tables with one row per time step ``(n_timepoints,
n_channels)``, the layout of a :class:`pandas.DataFrame` read from a file.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import accuracy_score, check_scoring
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_is_fitted,
    column_or_1d,
    validate_data,
)

__all__ = [
    "WindowedClassifier",
    "WindowedPanel",
    "make_windows",
    "step_scorer",
    "unwindow",
]

_LABEL_RULES = ("last", "majority", "any", "center")


# ---------------------------------------------------------------------------
# input handling
# ---------------------------------------------------------------------------


def _check_time_axis(time_axis: Any) -> int:
    """Normalise ``time_axis`` to 0 (rows are steps) or 1 (columns are steps)."""
    if isinstance(time_axis, bool) or time_axis not in (0, 1, -1):
        raise ValueError(
            f"time_axis={time_axis!r} is not supported: use -1 (or 1) for "
            "recordings of shape (n_channels, n_timepoints), or 0 for tables of "
            "shape (n_timepoints, n_channels)."
        )
    return 0 if time_axis == 0 else 1


def _as_float(rec: Any, i: int) -> np.ndarray:
    """One recording as a float array, without copying float input."""
    if sp.issparse(rec):
        raise TypeError(
            f"Recording {i} is a sparse matrix; pass dense arrays "
            "(e.g. call .toarray() on it)."
        )
    if isinstance(rec, pd.DataFrame | pd.Series):
        rec = rec.to_numpy()
    arr = np.asarray(rec)
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind == "c":
        raise TypeError(
            f"Recording {i} is complex ({arr.dtype}); windows need real values. "
            "Pass np.abs(rec) or rec.real, or the real and imaginary parts as "
            "two channels: np.vstack([rec.real, rec.imag])."
        )
    if arr.dtype.kind in "iub":
        return arr.astype(np.float64)
    try:
        return arr.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Recording {i} could not be converted to float ({exc}); every "
            "recording must be a numeric array."
        ) from exc


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


def _as_recordings(X: Any, time_axis: int) -> tuple[list[np.ndarray], str]:
    """Split input into recordings, each a ``(n_channels, n_timepoints)`` view.

    Returns the recordings and the input kind: ``"single"`` (one recording),
    ``"list"`` (a list or tuple of recordings) or ``"array"`` (a 3-D array of
    equal-length recordings). Float input is never copied: a time-major table
    is transposed as a view.
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
        elif time_axis == 0 and all(np.ndim(x) <= 1 for x in X):
            # the rows of one table as nested lists (1-D recordings are not
            # allowed with time_axis=0, so this is not a list of recordings)
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
            items, kind = list(_as_float(arr, 0)), "array"
        else:
            raise ValueError(
                f"X has {ndim} dimensions; pass one recording (1-D or 2-D), a list "
                "of recordings, or a 3-D array (n_recordings, n_channels, "
                "n_timepoints)."
            )
    recordings = []
    for i, item in enumerate(items):
        rec = _as_float(item, i)
        if rec.ndim == 1:
            if time_axis == 0:
                raise ValueError(
                    f"Recording {i} is 1-D, but time_axis=0 reads recordings as "
                    "tables (n_timepoints, n_channels); reshape a single channel "
                    "with rec.reshape(-1, 1), or use time_axis=-1."
                )
            rec = rec[None, :]
        elif rec.ndim == 2:
            if time_axis == 0:
                rec = rec.T  # a view: channels first, as everywhere in skseq
        else:
            raise ValueError(
                f"Recording {i} has {rec.ndim} dimensions; each recording must be "
                "1-D (n_timepoints,) or 2-D."
            )
        if rec.shape[0] == 0 or rec.shape[1] == 0:
            raise ValueError(
                f"Recording {i} has shape {rec.shape} (channels, time steps); every "
                "recording needs at least 1 channel and 1 time step."
            )
        recordings.append(rec)
    channels = [r.shape[0] for r in recordings]
    if len(set(channels)) > 1:
        bad = next(i for i, c in enumerate(channels) if c != channels[0])
        raise ValueError(
            f"Inconsistent channel counts: recording 0 has {channels[0]} channels "
            f"but recording {bad} has {channels[bad]}. Check time_axis="
            f"{'0' if time_axis == 0 else '-1'}: recordings are read as "
            + (
                "(n_timepoints, n_channels)."
                if time_axis == 0
                else "(n_channels, n_timepoints)."
            )
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


def _window_starts(
    n_timepoints: int,
    length: int,
    step: int,
    *,
    pad: bool,
    align_end: bool,
    index: int,
) -> np.ndarray:
    """Start of every window of one recording.

    Windows start every ``step`` steps. With ``pad``, they continue until one
    reaches the end (the last ones run past it, to be NaN padded); with
    ``align_end``, one window ending exactly at the end is added when the
    regular ones stop short of it.
    """
    if n_timepoints < length and not pad:
        raise ValueError(
            f"Recording {index} has {n_timepoints} time steps, fewer than the window "
            f"length {length}; pass pad=True to pad it with trailing NaN, use a "
            "shorter length, or drop the recording."
        )
    if pad:
        # smallest k with k * step + length >= n_timepoints
        last = max(0, -(-(n_timepoints - length) // step))
        starts = np.arange(last + 1, dtype=np.int64) * step
        return starts[starts < n_timepoints]
    starts = np.arange((n_timepoints - length) // step + 1, dtype=np.int64) * step
    if align_end and starts[-1] + length < n_timepoints:
        starts = np.append(starts, n_timepoints - length)
    return starts


def _take_windows(
    rec: np.ndarray, starts: np.ndarray, length: int, dtype: Any = None
) -> np.ndarray:
    """Copy the windows of one recording starting at ``starts`` into an array.

    Windows that run past the end are padded with trailing NaN.
    """
    n_channels, n_timepoints = rec.shape
    dtype = rec.dtype if dtype is None else dtype
    full = starts + length <= n_timepoints
    view = np.moveaxis(
        sliding_window_view(rec, min(length, n_timepoints), axis=1), 1, 0
    )
    # fancy indexing copies only the chosen windows (np.take would first
    # make the whole strided view contiguous: every window, materialised)
    if full.all():
        return view[starts].astype(dtype, copy=False)
    out = np.empty((starts.size, n_channels, length), dtype=dtype)
    if full.any():
        out[full] = view[starts[full]]
    for j in np.flatnonzero(~full):
        kept = n_timepoints - starts[j]
        out[j, :, :kept] = rec[:, starts[j] :]
        out[j, :, kept:] = np.nan
    return out


# ---------------------------------------------------------------------------
# window labels
# ---------------------------------------------------------------------------


def _factorize(labels: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sorted classes and small integer codes of every recording's labels.

    Works one recording at a time and, for integer labels, without sorting,
    so long recordings need no full-size temporary copies of ``y``.
    """
    if all(lab.dtype.kind in "iu" for lab in labels):
        low = min(int(lab.min()) for lab in labels)
        high = max(int(lab.max()) for lab in labels)
        if high - low < 1_000_000:
            # labels index a lookup table (shifted only when some are negative,
            # which costs a temporary copy of each recording's labels)
            low = min(low, 0)
            present = np.zeros(high - low + 1, dtype=bool)
            for lab in labels:
                present[lab if low == 0 else lab - low] = True
            dtype = np.result_type(*[lab.dtype for lab in labels])
            classes = (np.flatnonzero(present) + low).astype(dtype)
            code_type = np.min_scalar_type(classes.size)
            lookup = (np.cumsum(present) - 1).astype(code_type)
            return classes, [lookup[lab if low == 0 else lab - low] for lab in labels]
    classes = np.unique(np.concatenate([np.unique(lab) for lab in labels]))
    code_type = np.min_scalar_type(classes.size)
    return classes, [np.searchsorted(classes, lab).astype(code_type) for lab in labels]


def _cumulative_count_at(
    codes: np.ndarray, k: int, positions: np.ndarray, chunk: int = 1 << 20
) -> np.ndarray:
    """Steps of class ``k`` before each of the sorted ``positions``.

    A running count over chunks of the recording, so no full-length
    cumulative sum is ever held.
    """
    out = np.zeros(positions.size, dtype=np.int64)
    offset = 0
    for a in range(0, codes.size, chunk):
        b = min(a + chunk, codes.size)
        local = np.cumsum(codes[a:b] == k)
        i0, i1 = np.searchsorted(positions, [a, b], side="right")
        out[i0:i1] = offset + local[positions[i0:i1] - a - 1]
        offset += int(local[-1])
    return out


def _counts_in_windows(
    codes: np.ndarray, k: int, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """How many steps of class ``k`` each window ``[start, end)`` holds."""
    return _cumulative_count_at(codes, k, ends) - _cumulative_count_at(codes, k, starts)


def _window_labels(
    lab: np.ndarray,
    starts: np.ndarray,
    length: int,
    rule: str | Callable,
    *,
    classes: np.ndarray | None,
    codes: np.ndarray | None,
    background: int | None,
) -> np.ndarray:
    """Label of every window of one recording (padded steps are ignored)."""
    ends = np.minimum(starts + length, lab.shape[0])
    if callable(rule):
        values = [rule(lab[s:e]) for s, e in zip(starts, ends, strict=True)]
        return np.asarray(values)
    if rule == "last":
        return lab[ends - 1]
    if rule == "center":
        return lab[np.minimum(starts + length // 2, ends - 1)]
    # majority / any: count every class in every window with cumulative sums
    best = np.zeros(starts.size, dtype=np.int64)
    best_count = np.full(starts.size, -1, dtype=np.int64)
    for k in range(classes.size):
        if rule == "any" and k == background:
            continue
        count = _counts_in_windows(codes, k, starts, ends)
        better = count > best_count  # strict: ties keep the earlier class
        best[better], best_count[better] = k, count[better]
    if rule == "any":
        best[best_count <= 0] = background
    return classes[best]


def _check_label_rule(label: Any, name: str) -> None:
    if not callable(label) and label not in _LABEL_RULES:
        raise ValueError(
            f"{name}: label={label!r} is not supported; choose one of "
            f"{_LABEL_RULES} or pass a callable mapping a window's per-step "
            "labels to one label."
        )


def _labels_for_windows(
    labels: list[np.ndarray],
    starts: list[np.ndarray],
    length: int,
    rule: str | Callable,
) -> np.ndarray:
    """Window labels of all recordings, concatenated."""
    classes = codes = background = None
    if rule in ("majority", "any"):
        classes, codes = _factorize(labels)
        if rule == "any":
            totals = sum(np.bincount(c, minlength=classes.size) for c in codes)
            background = int(np.argmax(totals))
    out = [
        _window_labels(
            lab,
            s,
            length,
            rule,
            classes=classes,
            codes=None if codes is None else codes[i],
            background=background,
        )
        for i, (lab, s) in enumerate(zip(labels, starts, strict=True))
    ]
    return np.concatenate(out)


# ---------------------------------------------------------------------------
# a panel of windows that is never materialised as a whole
# ---------------------------------------------------------------------------


class WindowedPanel:
    """Windows of several recordings, indexed lazily as a 3-D panel.

    Behaves as a read-only array of shape ``(n_windows, n_channels,
    length)``: ``len``, ``shape``, ``dtype``, integer/slice/mask/fancy
    indexing (which copies only the windows asked for) and ``np.asarray``
    (which materialises all of them). It stores only views of the recordings
    and one start offset per window, so its memory is O(total recording
    length), not O(windows x length). :func:`make_windows` returns it when
    ``X`` holds more than one recording; scikit-learn's ``_safe_indexing``
    (used by cross-validation) indexes it like an array.

    Parameters
    ----------
    recordings : list of ndarray of shape (n_channels, n_timepoints_i)
        The recordings (views are kept, not copies).
    starts : list of ndarray of int
        Start step of every window, per recording.
    length : int
        Window length.

    Attributes
    ----------
    groups : ndarray of shape (n_windows,)
        Recording index of every window.
    starts : ndarray of shape (n_windows,)
        Start step of every window within its recording.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.windows import make_windows
    >>> recs = [np.arange(6.0), np.arange(10.0, 15.0)]
    >>> windows, _, groups = make_windows(recs, length=3, step=2)
    >>> windows.shape, groups.tolist()
    ((4, 1, 3), [0, 0, 1, 1])
    >>> windows[[1, 3]]
    array([[[ 2.,  3.,  4.]],
    <BLANKLINE>
           [[12., 13., 14.]]])
    """

    ndim = 3

    def __init__(
        self, recordings: list[np.ndarray], starts: list[np.ndarray], length: int
    ) -> None:
        self._recordings = list(recordings)
        self.length = int(length)
        counts = [s.size for s in starts]
        self.groups = np.repeat(np.arange(len(counts)), counts)
        self.starts = np.concatenate(starts)
        self.dtype = np.result_type(*[r.dtype for r in self._recordings])
        self.shape = (int(self.starts.size), recordings[0].shape[0], self.length)

    @property
    def recordings(self) -> tuple[np.ndarray, ...]:
        """The recordings, as ``(n_channels, n_timepoints)`` views."""
        return tuple(self._recordings)

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return (
            f"WindowedPanel(n_windows={self.shape[0]}, n_channels={self.shape[1]}, "
            f"length={self.length}, n_recordings={len(self._recordings)})"
        )

    def _indices(self, key: Any) -> np.ndarray:
        n = self.shape[0]
        if isinstance(key, slice):
            return np.arange(n)[key]
        idx = np.asarray(key)
        if idx.dtype == bool:
            if idx.shape != (n,):
                raise IndexError(
                    f"boolean index of shape {idx.shape} does not match the {n} windows"
                )
            return np.flatnonzero(idx)
        if idx.dtype.kind not in "iu":
            raise IndexError(
                "WindowedPanel is indexed by int, slice, boolean mask or integer "
                f"array; got {key!r}."
            )
        if ((idx < -n) | (idx >= n)).any():
            raise IndexError(f"window index out of range for {n} windows")
        return np.where(idx < 0, idx + n, idx)

    def _take(self, idx: np.ndarray) -> np.ndarray:
        flat = idx.ravel()
        out = np.empty((flat.size, *self.shape[1:]), dtype=self.dtype)
        groups = self.groups[flat]
        for r in np.unique(groups):
            sel = np.flatnonzero(groups == r)
            out[sel] = _take_windows(
                self._recordings[r], self.starts[flat[sel]], self.length, self.dtype
            )
        return out.reshape(*idx.shape, *self.shape[1:])

    def __getitem__(self, key: Any) -> np.ndarray:
        rest: tuple = ()
        if isinstance(key, tuple):
            key, rest = (key[0] if key else slice(None)), key[1:]
        if key is Ellipsis:
            return np.asarray(self)[(Ellipsis, *rest)]
        if isinstance(key, numbers.Integral):
            out = self._take(self._indices(np.array([key])))[0]
            return out[rest] if rest else out
        out = self._take(self._indices(key))
        return out[(slice(None), *rest)] if rest else out

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy is False:
            raise ValueError(
                "A WindowedPanel cannot be turned into an array without copying; "
                "its windows overlap in memory only per recording."
            )
        out = self._take(np.arange(self.shape[0]))
        return out if dtype is None else out.astype(dtype, copy=False)


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------


def make_windows(
    X: Any,
    y: Any = None,
    *,
    length: int,
    step: int | None = None,
    overlap: float | None = None,
    label: str | Callable = "last",
    pad: bool = False,
    time_axis: int = -1,
    return_starts: bool = False,
):
    """Cut recordings into windows labelled from their per-step labels.

    Parameters
    ----------
    X : array-like or list of array-like
        One recording (1-D ``(n_timepoints,)`` or 2-D), a list of recordings
        of any lengths, or a 3-D array ``(n_recordings, n_channels,
        n_timepoints)``. A 2-D recording is ``(n_channels, n_timepoints)``, or
        ``(n_timepoints, n_channels)`` with ``time_axis=0``.
    y : array-like, list of array-like or None, default=None
        One label per time step: an array ``(n_timepoints,)`` for one
        recording, a list of such arrays for several (or a 2-D array when all
        have the same length). ``None`` returns no window labels.
    length : int
        Window length in time steps.
    step : int or None, default=None
        Steps between the starts of consecutive windows; ``None`` with
        ``overlap=None`` means ``length`` (no overlap).
    overlap : float in [0, 1) or None, default=None
        Alternative to ``step``: the fraction of a window shared with the
        next, ``step = max(1, round(length * (1 - overlap)))``.
    label : {"last", "majority", "any", "center"} or callable, default="last"
        How a window's label comes from the per-step labels it covers:
        the label of its last step (``"last"``, what a causal detector would
        report at that moment); the most frequent one (``"majority"``, ties to
        the label that sorts first); ``"any"``: the most frequent label other
        than the *background*, the label most frequent over all of ``y``, if
        any step of the window has one, else the background (for rare
        events); the label at position ``length // 2`` (``"center"``); or
        ``label(y_window)`` for a callable given the window's 1-D labels.
        Padded steps are ignored (``"last"`` and ``"center"`` fall back to
        the last real step).
    pad : bool, default=False
        ``False``: only windows lying fully inside a recording, and a
        recording shorter than ``length`` raises a ``ValueError``. ``True``:
        windows continue until one reaches the end of each recording; the
        steps past the end are trailing NaN (skseq's padding), so every time
        step is covered and short recordings give one padded window.
    time_axis : {-1, 0}, default=-1
        Axis of time in 2-D recordings: -1 for ``(n_channels,
        n_timepoints)``, 0 for ``(n_timepoints, n_channels)`` tables.
    return_starts : bool, default=False
        Also return the start step of every window in its recording (what
        :func:`unwindow` needs).

    Returns
    -------
    windows : ndarray or WindowedPanel of shape (n_windows, n_channels, length)
        For one recording, a read-only strided view of it (zero-copy, built
        with :func:`numpy.lib.stride_tricks.sliding_window_view`; with
        ``pad=True`` a view of one NaN-extended copy of the recording). For
        several, a :class:`WindowedPanel` that indexes views of the
        recordings lazily: memory stays O(total length) until
        ``np.asarray(windows)`` materialises every window.
    window_labels : ndarray of shape (n_windows,) or None
        ``None`` when ``y`` is ``None``.
    groups : ndarray of shape (n_windows,)
        Index of the recording of every window: pass it to
        :class:`~sklearn.model_selection.GroupKFold` or
        :class:`~sklearn.model_selection.StratifiedGroupKFold` so windows of
        one recording never fall on both sides of a split.
    starts : ndarray of shape (n_windows,)
        Only with ``return_starts=True``.

    Raises
    ------
    ValueError
        A recording shorter than ``length`` (without ``pad``), labels whose
        count differs from a recording's length, or bad parameters.

    See Also
    --------
    WindowedClassifier : Windows inside ``fit`` and ``predict``.
    unwindow : Map per-window values back to time steps.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.windows import make_windows
    >>> X = np.arange(10.0)
    >>> y = np.array([0, 0, 0, 0, 1, 1, 0, 0, 0, 0])
    >>> windows, labels, groups = make_windows(X, y, length=4, step=3, label="any")
    >>> windows[:, 0]
    array([[0., 1., 2., 3.],
           [3., 4., 5., 6.],
           [6., 7., 8., 9.]])
    >>> labels, groups
    (array([0, 1, 0]), array([0, 0, 0]))
    >>> np.shares_memory(windows, X)
    True
    """
    time_axis = _check_time_axis(time_axis)
    length, step = _check_length_step(length, step, overlap)
    _check_label_rule(label, "make_windows")
    _check_bool(pad, "pad", "make_windows")
    _check_bool(return_starts, "return_starts", "make_windows")
    recordings, kind = _as_recordings(X, time_axis)
    for i, rec in enumerate(recordings):
        _check_finite(rec, i)
    starts = [
        _window_starts(
            r.shape[1], length, step, pad=bool(pad), align_end=False, index=i
        )
        for i, r in enumerate(recordings)
    ]
    if len(recordings) == 1:
        rec = recordings[0]
        reach = int(starts[0][-1]) + length
        if reach > rec.shape[1]:  # padded windows: one NaN-extended copy
            extended = np.full((rec.shape[0], reach), np.nan, dtype=rec.dtype)
            extended[:, : rec.shape[1]] = rec
            rec = extended
        view = np.moveaxis(sliding_window_view(rec, length, axis=1), 1, 0)
        windows = view[: int(starts[0][-1]) + 1 : step]
        groups, all_starts = np.zeros(windows.shape[0], dtype=np.int64), starts[0]
    else:
        windows = WindowedPanel(recordings, starts, length)
        groups, all_starts = windows.groups, windows.starts
    window_labels = None
    if y is not None:
        labels = _as_step_labels(y, recordings, kind)
        window_labels = _labels_for_windows(labels, starts, length, label)
    if return_starts:
        return windows, window_labels, groups, all_starts
    return windows, window_labels, groups


def _step_means(
    values: np.ndarray, starts: np.ndarray, length: int, n_timepoints: int
) -> np.ndarray:
    """Per-step mean of window values (NaN where no window covers a step)."""
    values = values.reshape(values.shape[0], -1).astype(np.float64)
    ends = np.minimum(starts + length, n_timepoints)
    width = values.shape[1]
    diff = np.zeros((n_timepoints + 1, width + 1))
    both = np.hstack([values, np.ones((values.shape[0], 1))])
    np.add.at(diff, starts, both)
    np.add.at(diff, ends, -both)
    sums = np.cumsum(diff[:-1], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums[:, :width] / sums[:, width:]
    means[sums[:, width] <= 0.5] = np.nan  # not covered by any window
    return means


def unwindow(
    window_values: Any,
    starts: Any,
    length: int,
    n_timepoints: int | Sequence[int],
    groups: Any = None,
):
    """Map per-window values back to time steps by averaging overlaps.

    Every time step gets the mean of the values of the windows that cover it
    (a window starting at ``s`` covers ``s, ..., s + length - 1``, clipped to
    the recording).

    Parameters
    ----------
    window_values : array-like of shape (n_windows,) or (n_windows, n_outputs)
        One value (or row, e.g. class probabilities) per window.
    starts : array-like of shape (n_windows,)
        Start step of every window in its recording, as returned by
        :func:`make_windows` with ``return_starts=True``.
    length : int
        Window length.
    n_timepoints : int or sequence of int
        Length of the recording, or of every recording when ``groups`` is
        given.
    groups : array-like of shape (n_windows,) or None, default=None
        Recording index of every window; ``None`` means one recording.

    Returns
    -------
    step_values : ndarray of shape (n_timepoints, n_outputs) or list of them
        Per-step means (1-D if ``window_values`` is 1-D); NaN where no window
        covers a step. A list, one array per recording, when ``groups`` is
        given.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.windows import unwindow
    >>> unwindow(np.array([1.0, 3.0]), starts=[0, 2], length=3, n_timepoints=6)
    array([ 1.,  1.,  2.,  3.,  3., nan])
    """
    if isinstance(length, bool) or not isinstance(length, numbers.Integral):
        raise TypeError(f"unwindow: length={length!r} must be a positive int.")
    if length < 1:
        raise ValueError(f"unwindow: length={length} must be at least 1.")
    try:
        values = np.asarray(window_values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"unwindow: window_values must be numbers, one value (or row) per "
            f"window ({exc})."
        ) from exc
    starts_in = np.asarray(starts)
    if starts_in.size and starts_in.dtype.kind not in "iu":
        raise TypeError(
            f"unwindow: starts must hold integer time steps, as returned by "
            f"make_windows(..., return_starts=True); got dtype {starts_in.dtype}."
        )
    starts = starts_in.astype(np.int64).reshape(starts_in.shape)
    if starts.ndim != 1:
        raise ValueError(
            f"unwindow: starts must be 1-D, one start per window; got shape "
            f"{starts.shape}."
        )
    if values.ndim not in (1, 2) or values.shape[0] != starts.shape[0]:
        raise ValueError(
            f"window_values has shape {values.shape} but starts has "
            f"{starts.shape[0]} entries; pass one value (or row) per window."
        )
    if groups is None:
        if not isinstance(n_timepoints, numbers.Integral) or isinstance(
            n_timepoints, bool
        ):
            raise TypeError(
                f"unwindow: n_timepoints={n_timepoints!r} must be an int (the "
                "recording's length) without groups; pass groups (the recording "
                "of every window) with one length per recording."
            )
        if (starts < 0).any() or (starts >= int(n_timepoints)).any():
            raise ValueError(
                f"unwindow: every start must lie in [0, n_timepoints={n_timepoints}); "
                f"got starts from {int(starts.min())} to {int(starts.max())}."
            )
        out = _step_means(values, starts, int(length), int(n_timepoints))
        return out[:, 0] if values.ndim == 1 else out
    groups = np.asarray(groups)
    if isinstance(n_timepoints, numbers.Integral) or not np.iterable(n_timepoints):
        raise TypeError(
            f"unwindow: with groups, n_timepoints must be a sequence with the "
            f"length of every recording; got {n_timepoints!r}."
        )
    sizes = list(n_timepoints)
    if groups.shape != starts.shape:
        raise ValueError(
            f"unwindow: groups has shape {groups.shape} but starts has "
            f"{starts.shape[0]} entries; pass the recording of every window."
        )
    if groups.size and (
        groups.dtype.kind not in "iu" or groups.min() < 0 or groups.max() >= len(sizes)
    ):
        raise ValueError(
            f"unwindow: groups must be recording indices in [0, {len(sizes)}) "
            f"(n_timepoints gives {len(sizes)} lengths); got values from "
            f"{groups.min().item()!r} to {groups.max().item()!r}."
        )
    return [
        unwindow(values[groups == g], starts[groups == g], length, sizes[g])
        for g in range(len(sizes))
    ]


# ---------------------------------------------------------------------------
# the meta-estimator
# ---------------------------------------------------------------------------


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
        if (
            time_axis == 0
            and isinstance(X, list | tuple)
            and X
            and all(np.ndim(row) <= 1 for row in X)
        ):
            # rows of a table as nested lists (1-D recordings are not allowed
            # with time_axis=0, so this cannot be a list of recordings)
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
        self,
        rec: np.ndarray,
        starts: np.ndarray,
        length: int,
        method: str,
        emit: Callable[[int, np.ndarray], None],
    ) -> None:
        """Average window outputs per step, emitting finished steps in order.

        Windows are taken ``predict_batch_size`` at a time in start order; a
        step before the next batch's first start can get no more windows, so
        its sums are final and handed to ``emit(first_step, sums)`` (the last
        column of ``sums`` counts the windows). Only the steps spanned by one
        batch are held, never the whole recording.
        """
        n_timepoints = rec.shape[1]
        size = int(self.predict_batch_size)
        carry = np.zeros((0, len(self.classes_) + 1))
        carry_lo = 0
        for b in range(0, starts.size, size):
            s = starts[b : b + size]
            out = self._window_outputs(
                _take_windows(rec, s, length, np.float32), method
            )
            rows = np.hstack([out, np.ones((s.size, 1))])
            e = np.minimum(s + length, n_timepoints)
            hi = int(e.max())
            diff = np.zeros((hi - carry_lo + 1, rows.shape[1]))
            np.add.at(diff, s - carry_lo, rows)
            np.add.at(diff, e - carry_lo, -rows)
            region = np.cumsum(diff[:-1], axis=0)
            region[: carry.shape[0]] += carry
            done = (int(starts[b + size]) if b + size < starts.size else hi) - carry_lo
            emit(carry_lo, region[:done])
            carry, carry_lo = region[done:], carry_lo + done

    def _per_step(self, X: Any, method: str) -> tuple[list[np.ndarray], str]:
        check_is_fitted(self)
        length, step = self._params()
        recordings, kind = self._recordings(X, reset=False)
        starts = self._starts(recordings, length, step)
        results = []
        for rec, s in zip(recordings, starts, strict=True):
            if method == "proba":
                out = np.empty((rec.shape[1], len(self.classes_)))

                def emit(lo, sums, out=out):
                    out[lo : lo + sums.shape[0]] = sums[:, :-1] / sums[:, -1:]

                self._stream(rec, s, length, "proba", emit)
            else:
                out = np.empty(rec.shape[1], dtype=self.classes_.dtype)
                rule = "vote" if self.aggregate == "vote" else "proba"

                def emit(lo, sums, out=out):
                    # the count column is shared by a row, so argmax of sums
                    # is argmax of means
                    best = np.argmax(sums[:, :-1], axis=1)
                    out[lo : lo + sums.shape[0]] = self.classes_[best]

                self._stream(rec, s, length, rule, emit)
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

    @classmethod
    def _get_test_params(cls) -> dict:
        # scikit-learn's checks pass a table of i.i.d. rows: read it as one
        # time-major recording (time_axis=0) cut into windows of one step, so
        # every row is one window and the checks hold the windowing, the
        # un-windowing and the input validation to a plain classifier's
        # standards. (Longer windows would mix unrelated rows.)
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer

        flatten = FunctionTransformer(np.squeeze, kw_args={"axis": 2})
        return {
            "estimator": make_pipeline(flatten, LogisticRegression()),
            "length": 1,
            "time_axis": 0,
        }


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
