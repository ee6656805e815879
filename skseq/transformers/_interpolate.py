"""Fill missing values inside each series of a panel."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from scipy.interpolate import CubicSpline, PchipInterpolator

from ..utils._callback_api import leaf_fit
from ..utils.validation import series_lengths
from ._base import _DOCS, _check_choice, _PanelTransformer

__all__ = ["Interpolator"]

_METHODS = ("linear", "spline", "pchip", "nearest", "ffill", "bfill")
_EDGES = ("nearest", "extrapolate", "leave")
_ON_LONG_GAP = ("leave", "warn", "raise")


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop (exclusive) of every run of ``True`` in a 1-D mask."""
    padded = np.concatenate(([False], mask, [False]))
    change = np.flatnonzero(padded[1:] != padded[:-1])
    return change[0::2], change[1::2]


def _trailing_padding_mask(X: np.ndarray, value: float) -> np.ndarray:
    """Steps at the end of each series where every channel equals ``value``.

    Steps that are already NaN padding count as part of the run, so zero
    padding followed by NaN padding (a zero-padded panel of unequal lengths)
    is found as one trailing run.
    """
    is_pad = ((X == value) | np.isnan(X)).all(axis=1)  # (n, t)
    # a step is trailing padding when it and every later step are padding
    return np.logical_and.accumulate(is_pad[:, ::-1], axis=1)[:, ::-1]


@_DOCS
class Interpolator(_PanelTransformer):
    """Fill missing values inside every series and channel of a panel.

    A missing value is a NaN (or ``missing_values``) *before* a series'
    trailing padding; trailing all-NaN steps are padding (unequal lengths, see
    :func:`skseq.utils.check_panel`) and are left alone. Every channel of every
    series is filled on its own, along time, from its observed values only, so
    an observed value never changes.

    Parameters
    ----------
    method : {"linear", "spline", "pchip", "nearest", "ffill", "bfill"}, \
            default="linear"
        How a gap between two observed values is filled: ``"linear"``
        interpolation, a cubic ``"spline"`` (:class:`scipy.interpolate.CubicSpline`,
        not-a-knot), shape-preserving ``"pchip"``
        (:class:`scipy.interpolate.PchipInterpolator`, never overshoots the
        neighbouring observations), the ``"nearest"`` observed value (ties go
        to the earlier one), the previous observed value (``"ffill"``) or the
        next one (``"bfill"``).
    max_gap : int or None, default=None
        Longest run of consecutive missing steps that is filled. A longer run
        is left entirely NaN (and reported as ``on_long_gap`` says); ``None``
        fills gaps of any length. Edge runs (see ``edges``) count as gaps.
    edges : {"nearest", "extrapolate", "leave"}, default="nearest"
        How missing steps before a channel's first observed value, or after
        its last observed value but inside the series, are handled:
        ``"nearest"`` repeats the first/last observed value, ``"extrapolate"``
        extends the interpolant (a straight line through the two outermost
        observations for ``"linear"``, the end polynomial for ``"spline"`` and
        ``"pchip"``; the same as ``"nearest"`` for the other methods), and
        ``"leave"`` keeps them NaN without reporting them.
    missing_values : float, default=np.nan
        Value that marks a missing observation, in addition to NaN (e.g.
        ``-999.0`` or ``0.0`` from a logger that writes a sentinel).
    padding_value : float or None, default=None
        If given, trailing steps where *every* channel equals this value are
        padding, not data: they become trailing NaN padding and are never
        filled. Use ``padding_value=0.0`` for panels padded with zeros. A run
        of missing steps across all channels at the very end of a series is
        indistinguishable from padding and is treated as padding.
    on_long_gap : {"leave", "warn", "raise"}, default="leave"
        What happens when a gap is longer than ``max_gap`` or a channel has no
        observed value in a series (nothing to fill from): leave it NaN
        silently, leave it NaN with a ``UserWarning`` naming the first such
        gap, or raise a ``ValueError``.

    Attributes
    ----------
    n_features_in_ : int
        Number of time steps for 2-D input, number of channels otherwise (see
        :func:`skseq.utils.validate_panel`).
    n_channels_in_ : int
        Number of channels seen in ``fit``.

    See Also
    --------
    skseq.transformers.Normalizer : Scale each series after filling it.

    Notes
    -----
    ``fit`` learns nothing but the input shape; the transformer is
    stateless. The output is a float32 panel of the input's shape, so it can
    precede any skseq classifier in a :class:`sklearn.pipeline.Pipeline`.

    {panel_output}

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.transformers import Interpolator
    >>> X = np.array([[[0.0, np.nan, 2.0, np.nan, np.nan, 5.0, np.nan]]])
    >>> Interpolator().fit_transform(X)
    array([[[ 0.,  1.,  2.,  3.,  4.,  5., nan]]], dtype=float32)
    >>> Interpolator(method="ffill", max_gap=1).fit_transform(X)
    array([[[ 0.,  0.,  2., nan, nan,  5., nan]]], dtype=float32)
    """

    # missing values are what it fills
    _allow_nan = True
    _allow_empty_series = True
    # it fills the panel in place (given a copy where it is the caller's array)
    _transform_writes_input = True

    def __init__(
        self,
        method: str = "linear",
        *,
        max_gap: int | None = None,
        edges: str = "nearest",
        missing_values: float = np.nan,
        padding_value: float | None = None,
        on_long_gap: str = "leave",
    ) -> None:
        self.method = method
        self.max_gap = max_gap
        self.edges = edges
        self.missing_values = missing_values
        self.padding_value = padding_value
        self.on_long_gap = on_long_gap

    def _check_params(self) -> None:
        _check_choice("method", self.method, _METHODS)
        _check_choice("edges", self.edges, _EDGES)
        _check_choice("on_long_gap", self.on_long_gap, _ON_LONG_GAP)
        if self.max_gap is not None and (
            not isinstance(self.max_gap, numbers.Integral)
            or isinstance(self.max_gap, bool)
            or self.max_gap < 1
        ):
            raise ValueError(
                f"max_gap={self.max_gap!r} must be a positive integer (the longest "
                "run of missing steps to fill) or None (fill every gap)."
            )
        for name in ("missing_values", "padding_value"):
            value = getattr(self, name)
            if value is None and name == "padding_value":
                continue
            if not isinstance(value, numbers.Real) or isinstance(value, bool):
                raise TypeError(f"{name}={value!r} must be a real number.")
            if np.isinf(value):
                raise ValueError(
                    f"{name}={value!r} cannot be infinite: X may not contain "
                    "infinity (it is refused before any value is replaced). "
                    "Replace infinite values with NaN first, e.g. "
                    "np.where(np.isinf(X), np.nan, X), and keep the default "
                    "missing_values=np.nan."
                )

    @leaf_fit
    def fit(self, X, y=None) -> Interpolator:
        """Check the parameters and record the input shape.

        Parameters
        ----------
        X : array-like, list of array-like or pandas.DataFrame
            A panel in any form :func:`skseq.utils.check_panel` accepts; NaN
            allowed.
        y : None
            Ignored.

        Returns
        -------
        self : Interpolator
        """
        self._check_params()
        self._validate(X, reset=True)
        return self

    def _transform(self, X: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Fill the missing values of every series.

        Returns
        -------
        Xt : ndarray of shape (n_instances, n_channels, n_timepoints), float32
            ``X`` with missing values filled; observed values and trailing
            padding unchanged (``padding_value`` runs become NaN padding).
        """
        if self.padding_value is not None:
            X[
                np.broadcast_to(
                    _trailing_padding_mask(X, self.padding_value)[:, None], X.shape
                )
            ] = np.nan
        if not np.isnan(self.missing_values):
            X[X == self.missing_values] = np.nan
        lengths = series_lengths(X)  # the two replacements above may shorten them
        inside = np.arange(X.shape[2])[None, :] < lengths[:, None]
        todo = np.argwhere((np.isnan(X) & inside[:, None, :]).any(axis=2))
        reported = None
        for i, c in todo:
            first_long = self._fill_row(X[i, c, : lengths[i]])
            if first_long is not None and reported is None:
                reported = (int(i), int(c), *first_long)
        if reported is not None and self.on_long_gap != "leave":
            i, c, start, size = reported
            message = (
                f"Series {i}, channel {c} has a gap of {size} missing steps "
                f"starting at step {start} that was left NaN (max_gap="
                f"{self.max_gap}, or nothing observed in the channel). Raise "
                "max_gap, drop the series, or fill it another way."
            )
            if self.on_long_gap == "raise":
                raise ValueError(message)
            warnings.warn(message, UserWarning, stacklevel=2)
        return X

    def _fill_row(self, row: np.ndarray) -> tuple[int, int] | None:
        """Fill one channel of one series in place.

        Returns ``(start, size)`` of the first gap left unfilled for being too
        long (or unfillable), else ``None``.
        """
        missing = np.isnan(row)
        observed = np.flatnonzero(~missing)
        if observed.size == 0:
            return (0, row.size)
        starts, stops = _runs(missing)
        sizes = stops - starts
        is_edge = (starts < observed[0]) | (starts > observed[-1])
        fill = np.ones(starts.size, dtype=bool)
        long_gap = None
        if self.max_gap is not None:
            too_long = sizes > self.max_gap
            fill &= ~too_long
            reportable = too_long & ~(is_edge & (self.edges == "leave"))
            if reportable.any():
                k = int(np.flatnonzero(reportable)[0])
                long_gap = (int(starts[k]), int(sizes[k]))
        if self.edges == "leave":
            fill &= ~is_edge
        if not fill.any():
            return long_gap
        steps = np.concatenate(
            [np.arange(a, b) for a, b in zip(starts[fill], stops[fill], strict=True)]
        )
        values = row[observed].astype(np.float64)
        row[steps] = self._evaluate(observed, values, steps)
        return long_gap

    def _evaluate(
        self, observed: np.ndarray, values: np.ndarray, steps: np.ndarray
    ) -> np.ndarray:
        """Interpolant through ``(observed, values)`` evaluated at ``steps``."""
        method = self.method
        lo, hi = observed[0], observed[-1]
        out = np.empty(steps.size, dtype=np.float64)
        left, right = steps < lo, steps > hi
        inner = ~(left | right)
        if observed.size == 1:
            out[:] = values[0]
            return out
        t = steps[inner]
        if method == "linear":
            out[inner] = np.interp(t, observed, values)
        elif method in ("spline", "pchip"):
            cls = CubicSpline if method == "spline" else PchipInterpolator
            interpolant = cls(observed, values, extrapolate=True)
            out[inner] = interpolant(t)
        else:
            nxt = np.searchsorted(observed, t, side="left")  # first obs >= t
            prev = np.maximum(nxt - 1, 0)
            nxt = np.minimum(nxt, observed.size - 1)
            if method == "ffill":
                pick = prev
            elif method == "bfill":
                pick = nxt
            else:  # nearest; ties go to the earlier observation
                pick = np.where(t - observed[prev] <= observed[nxt] - t, prev, nxt)
            out[inner] = values[pick]
        # edges: constant extension unless extrapolation was asked for
        out[left], out[right] = values[0], values[-1]
        if self.edges == "extrapolate" and (left.any() or right.any()):
            if method == "linear":
                slope_l = (values[1] - values[0]) / (observed[1] - observed[0])
                slope_r = (values[-1] - values[-2]) / (observed[-1] - observed[-2])
                out[left] = values[0] + slope_l * (steps[left] - lo)
                out[right] = values[-1] + slope_r * (steps[right] - hi)
            elif method in ("spline", "pchip"):
                cls = CubicSpline if method == "spline" else PchipInterpolator
                interpolant = cls(observed, values, extrapolate=True)
                edge = left | right
                out[edge] = interpolant(steps[edge])
        return out
