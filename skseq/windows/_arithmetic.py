"""Window arithmetic of :mod:`skseq.windows`.

Where windows start, how they are labelled, the lazy :class:`WindowedPanel`,
:func:`make_windows`, and the one window-to-step averaging behind both
:func:`unwindow` and the predictions of ``WindowedClassifier``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._input import (
    _as_recordings,
    _as_step_labels,
    _check_bool,
    _check_finite,
    _check_length_step,
    _check_time_axis,
)

_LABEL_RULES = ("last", "majority", "any", "center")


# ---------------------------------------------------------------------------
# window positions
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# window outputs back onto time steps
# ---------------------------------------------------------------------------


def _step_sums(
    starts: np.ndarray,
    length: int,
    n_timepoints: int,
    outputs: Callable[[slice], np.ndarray],
    batch_size: int | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """Sum per-window outputs onto the time steps the windows cover.

    The one window-to-step averaging of :mod:`skseq.windows`, behind both
    :func:`unwindow` and ``WindowedClassifier.predict``/``predict_proba``.
    Windows are taken ``batch_size`` at a time (all at once with ``None``);
    ``outputs(batch)`` returns the float64 rows ``(n_batch, n_outputs)`` of
    the windows starting at ``starts[batch]``. Each window adds its row to
    the steps ``[start, min(start + length, n_timepoints))``, through one
    cumulative sum of start/end differences per batch.

    Yields ``(first_step, sums)`` in step order: the sums of consecutive
    steps from ``first_step`` on, with a last column counting the windows at
    each step. Every step a window covers is yielded once; a step no window
    covers may be left out (after the last window's end, or in a gap between
    batches). With batches, ``starts`` must be sorted: a step before the next
    batch's first start can get no more windows, so its sums are final and
    yielded, and only the steps spanned by one batch are held, never the
    whole recording.
    """
    size = max(starts.size, 1) if batch_size is None else int(batch_size)
    carry, carry_lo = np.zeros((0, 1)), 0
    for b in range(0, starts.size, size):
        s = starts[b : b + size]
        rows = np.hstack([outputs(slice(b, b + size)), np.ones((s.size, 1))])
        e = np.minimum(s + length, n_timepoints)
        hi = int(e.max())
        diff = np.zeros((hi - carry_lo + 1, rows.shape[1]))
        np.add.at(diff, s - carry_lo, rows)
        np.add.at(diff, e - carry_lo, -rows)
        region = np.cumsum(diff[:-1], axis=0)
        region[: carry.shape[0]] += carry
        done = (int(starts[b + size]) if b + size < starts.size else hi) - carry_lo
        yield carry_lo, region[:done]
        carry, carry_lo = region[done:], carry_lo + done


def _step_means(
    values: np.ndarray, starts: np.ndarray, length: int, n_timepoints: int
) -> np.ndarray:
    """Per-step mean of window values (NaN where no window covers a step)."""
    values = values.reshape(values.shape[0], -1).astype(np.float64)
    width = values.shape[1]
    sums = np.zeros((n_timepoints, width + 1))
    for lo, part in _step_sums(starts, length, n_timepoints, values.__getitem__):
        sums[lo : lo + part.shape[0]] = part
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
