"""Derived channels: rolling statistics appended to a panel."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d
from sklearn.utils.validation import check_is_fitted

from ..utils._callback_api import leaf_fit
from ._base import _DOCS, _PanelTransformer

__all__ = ["RollingFeatures"]

_STATISTICS = ("mean", "std", "min", "max", "diff")


def _rolling_sum(X: np.ndarray, w: int) -> np.ndarray:
    """Sum over the trailing window ``[t - w + 1, t]`` (shorter at the start)."""
    csum = np.cumsum(X, axis=-1)
    out = csum.copy()
    out[..., w:] -= csum[..., :-w]
    return out


def _rolling(X: np.ndarray, stat: str, w: int) -> np.ndarray:
    """One rolling statistic of a float64 panel without missing values."""
    if stat in ("mean", "std"):
        count = np.minimum(np.arange(1, X.shape[-1] + 1), w)
        # centring each series first keeps E[x^2] - E[x]^2 from cancelling
        centred = X - X[..., :1]
        mean = _rolling_sum(centred, w) / count
        if stat == "mean":
            return mean + X[..., :1]
        var = _rolling_sum(centred**2, w) / count - mean**2
        return np.sqrt(np.maximum(var, 0.0))
    if stat in ("min", "max"):
        filt = minimum_filter1d if stat == "min" else maximum_filter1d
        # origin (w-1)//2 makes the window [t-w+1, t]; "nearest" repeats x[0]
        # before the start, which leaves the min/max of a short window unchanged
        return filt(X, size=w, axis=-1, mode="nearest", origin=(w - 1) // 2)
    # diff: x[t] - x[t - w], measured from x[0] while t < w
    out = X - X[..., :1]
    out[..., w:] = X[..., w:] - X[..., :-w]
    return out


@_DOCS
class RollingFeatures(_PanelTransformer):
    """Append rolling statistics of every channel as new channels.

    For every statistic and window size, each channel ``c`` gets a derived
    channel computed over the trailing window ``[t - w + 1, t]`` (causal: no
    step sees the future). Near the start of a series the window holds the
    ``t + 1`` steps seen so far, so no NaN is introduced.

    Parameters
    ----------
    window_sizes : int or sequence of int, default=(5,)
        Window sizes in time steps (each at least 1; for ``"diff"`` the lag).
    statistics : str or sequence of str, default=("mean", "std")
        Any of ``"mean"``, ``"std"`` (population, ddof=0), ``"min"``,
        ``"max"`` and ``"diff"`` (``x[t] - x[t - w]``, or ``x[t] - x[0]``
        while ``t < w``).
    include_original : bool, default=True
        Keep the input channels first in the output.

    Attributes
    ----------
    {panel_attributes}
    n_channels_out_ : int
        Number of channels of the output.

    See Also
    --------
    Interpolator : Fill missing values first; this transformer rejects them.

    Notes
    -----
    Output channels are ordered: the input channels (if kept), then for each
    statistic, for each window size, one channel per input channel; their
    names come from :meth:`get_channel_names_out`. Trailing NaN padding stays
    padding in every output channel; missing values inside a series raise a
    ``ValueError`` (fill them with :class:`Interpolator` first).

    {panel_output}

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.transformers import RollingFeatures
    >>> X = np.array([[[1.0, 3.0, 2.0, 6.0]]])
    >>> rf = RollingFeatures(window_sizes=2, statistics=("mean", "max"))
    >>> rf.fit_transform(X)
    array([[[1. , 3. , 2. , 6. ],
            [1. , 2. , 2.5, 4. ],
            [1. , 3. , 3. , 6. ]]], dtype=float32)
    >>> rf.get_channel_names_out().tolist()
    ['c0', 'c0__mean_2', 'c0__max_2']
    """

    # trailing NaN padding is accepted, missing values are not
    _allow_nan = False

    def __init__(
        self,
        window_sizes: int | Sequence[int] = (5,),
        statistics: str | Sequence[str] = ("mean", "std"),
        *,
        include_original: bool = True,
    ) -> None:
        self.window_sizes = window_sizes
        self.statistics = statistics
        self.include_original = include_original

    def _check_params(self) -> tuple[list[int], list[str]]:
        if isinstance(self.window_sizes, numbers.Integral):
            sizes = [self.window_sizes]
        elif isinstance(self.window_sizes, str) or not np.iterable(self.window_sizes):
            sizes = [None]  # refused below, naming the value given
        else:
            sizes = list(self.window_sizes)
        if not sizes or any(
            not isinstance(w, numbers.Integral) or isinstance(w, bool) or w < 1
            for w in sizes
        ):
            raise ValueError(
                f"RollingFeatures(window_sizes={self.window_sizes!r}) must be a "
                "positive int or a non-empty sequence of positive ints."
            )
        repeated = sorted({w for w in sizes if sizes.count(w) > 1})
        if repeated:
            raise ValueError(
                f"RollingFeatures(window_sizes={self.window_sizes!r}) repeats "
                f"{repeated}, which would make identical channels with identical "
                "names; give each window size once."
            )
        if isinstance(self.statistics, str):
            stats = [self.statistics]
        elif np.iterable(self.statistics):
            stats = list(self.statistics)
        else:
            raise TypeError(
                f"RollingFeatures(statistics={self.statistics!r}) must be a "
                f"statistic name or a non-empty sequence of them, from {_STATISTICS}."
            )
        if not stats:
            raise ValueError(
                f"RollingFeatures(statistics={self.statistics!r}) is empty; give at "
                f"least one statistic from {_STATISTICS}."
            )
        bad = [s for s in stats if not isinstance(s, str) or s not in _STATISTICS]
        if bad:
            raise ValueError(
                f"RollingFeatures(statistics={self.statistics!r}): unknown "
                f"statistic(s) {bad}; choose from {_STATISTICS}."
            )
        repeated_stats = sorted({s for s in stats if stats.count(s) > 1})
        if repeated_stats:
            raise ValueError(
                f"RollingFeatures(statistics={self.statistics!r}) repeats "
                f"{repeated_stats}; give each statistic once."
            )
        if not isinstance(self.include_original, bool | np.bool_):
            raise TypeError(
                f"RollingFeatures(include_original={self.include_original!r}) must "
                "be True (keep the input channels first) or False."
            )
        return [int(w) for w in sizes], stats

    @leaf_fit
    @_DOCS
    def fit(self, X, y=None) -> RollingFeatures:
        """Check the parameters and record the input shape.

        Parameters
        ----------
        X : array-like, list of array-like or pandas.DataFrame
            A panel in any form :func:`skseq.utils.check_panel` accepts,
            without missing values (trailing NaN padding is fine).
        {ignored_y}

        Returns
        -------
        self : RollingFeatures
        """
        sizes, stats = self._check_params()
        self._validate(X, reset=True)
        self.n_channels_out_ = self.n_channels_in_ * (
            int(bool(self.include_original)) + len(sizes) * len(stats)
        )
        return self

    def _transform(self, X: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Compute the derived channels.

        Returns
        -------
        Xt : ndarray of shape (n_instances, `n_channels_out_`, n_timepoints), float32
        """
        sizes, stats = self._check_params()
        X64 = X.astype(np.float64)
        padding = np.arange(X.shape[2])[None, :] >= lengths[:, None]
        # padding is NaN; a trailing window at t < length never reaches it,
        # but cumulative sums would carry NaN forward, so compute on zeros
        X64[np.broadcast_to(padding[:, None, :], X64.shape)] = 0.0
        parts = [X] if self.include_original else []
        for stat in stats:
            for w in sizes:
                part = _rolling(X64, stat, w).astype(np.float32)
                part[np.broadcast_to(padding[:, None, :], part.shape)] = np.nan
                parts.append(part)
        return np.ascontiguousarray(np.concatenate(parts, axis=1), dtype=np.float32)

    def get_channel_names_out(self, input_channels=None) -> np.ndarray:
        """Names of the output channels.

        Parameters
        ----------
        input_channels : sequence of str or None, default=None
            Names of the input channels; ``None`` gives ``c0``, ``c1``, ...

        Returns
        -------
        names : ndarray of str, shape (`n_channels_out_`,)
            The input names, then ``"{channel}__{statistic}_{window}"``.
        """
        check_is_fitted(self)
        sizes, stats = self._check_params()
        if input_channels is None:
            input_channels = [f"c{i}" for i in range(self.n_channels_in_)]
        input_channels = [str(c) for c in input_channels]
        if len(input_channels) != self.n_channels_in_:
            raise ValueError(
                f"input_channels has {len(input_channels)} names but the "
                f"transformer was fitted on {self.n_channels_in_} channels."
            )
        names = list(input_channels) if self.include_original else []
        for stat in stats:
            for w in sizes:
                names += [f"{c}__{stat}_{w}" for c in input_channels]
        return np.asarray(names, dtype=object)
