"""Per-series input scaling that keeps each series' scale as channels.

Some panels hold series whose scales differ by orders of magnitude: PLAID's
current traces have per-series standard deviations from 0.000 to 96 (median
0.11) and values up to 461. A network fed such a panel sees most series as
flat lines beside a few huge ones, and every skseq default failed on it (test
accuracy 0.28-0.74, training accuracy below 0.8, where MiniRocket reaches
0.955). Z-normalising every series fixes the conditioning but throws away the
amplitude, which is informative (an appliance's current level), so
:class:`SeriesScaling` z-normalises each series and channel over its observed
steps and appends, per channel, two constant channels carrying the series'
scale: ``log(std)`` and ``asinh(mean / s)`` (``s`` the training panel's
median series std), each standardised with the training panel's statistics.
``c`` channels in, ``3c`` out; padded steps stay zero, and the computation
never branches on tensor values (it traces and exports as one graph).

:func:`resolve_input_scaling` is the data layer's static decision behind a
classifier's ``input_scaling="auto"``.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import Tensor, nn

from ._masking import as_lengths, length_mask

__all__ = ["SeriesScaling", "resolve_input_scaling", "scale_spread"]

# "auto" scales a panel when, for some channel, the std of all its values is
# more than SPREAD_LIMIT times the median per-series std (series on very
# different scales), or the median per-series std lies outside UNIT_RANGE.
# Measured (issue 12): PLAID 290; the six other quality-benchmark sets <= 2.8
# (BasicMotions 2.4, JapaneseVowels 2.8, the z-normalised UCR sets 1.0).
SPREAD_LIMIT = 10.0
UNIT_RANGE = (1e-3, 1e3)
_CLAMP = 10.0


def scale_spread(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel: std of all observed values / median per-series std, and
    the median per-series std, of a NaN-padded panel ``(n, c, t)``."""
    X = np.asarray(X, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        series_std = np.nanstd(X, axis=2)  # (n, c)
        median = np.nanmedian(series_std, axis=0)
        overall = np.array([np.nanstd(X[:, c]) for c in range(X.shape[1])])
        ratio = np.where(median > 0, overall / np.where(median > 0, median, 1), np.inf)
    ratio = np.where(overall > 0, ratio, 1.0)  # an all-constant channel
    return ratio, median


def resolve_input_scaling(input_scaling: str | None, X: np.ndarray) -> str | None:
    """What ``input_scaling`` means for the training panel ``X``.

    ``"series"`` and ``None`` are returned as they are; ``"auto"`` becomes
    ``"series"`` when the panel's series live on very different scales or far
    from unit scale (see :data:`SPREAD_LIMIT`, :data:`UNIT_RANGE`), else None.
    """
    if input_scaling != "auto":
        return input_scaling
    ratio, median = scale_spread(X)
    low, high = UNIT_RANGE
    observed = median[np.isfinite(median) & (median > 0)]
    off_unit = bool(np.any((observed < low) | (observed > high)))
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN channel
        level = np.nanmedian(np.abs(np.asarray(X, dtype=np.float64)), axis=(0, 2))
    far = bool(np.any(level[np.isfinite(level)] > high))  # e.g. constant 1e6
    return "series" if bool(np.any(ratio > SPREAD_LIMIT)) or off_unit or far else None


def _asinh(u: Tensor) -> Tensor:
    """``asinh`` written out (onnxruntime has no float64 Asinh kernel)."""
    a = u.abs()
    return torch.sign(u) * torch.log(a + torch.sqrt(a * a + 1.0))


class SeriesScaling(nn.Module):
    """Z-normalise every series and channel; keep its scale as two channels.

    Parameters
    ----------
    n_channels : int
        Channels of the input; the output has ``3 * n_channels``: the
        z-normalised channels, then ``log(std)`` per channel, then
        ``asinh(mean / s)`` per channel, both standardised with the statistics
        :meth:`fit` takes from the training panel and clipped to [-10, 10].

    Examples
    --------
    >>> import torch
    >>> x = torch.tensor([[[1.0, 2.0, 3.0, 0.0]], [[100.0, 300.0, 0.0, 0.0]]])
    >>> lengths = torch.tensor([3, 2])
    >>> scaling = SeriesScaling(1).fit(x, lengths)
    >>> out = scaling(x, lengths)
    >>> out.shape
    torch.Size([2, 3, 4])
    >>> out[:, 0].round(decimals=3)  # each series z-normalised, padding zero
    tensor([[-1.2250,  0.0000,  1.2250,  0.0000],
            [-1.0000,  1.0000,  0.0000,  0.0000]])
    """

    def __init__(self, n_channels: int) -> None:
        super().__init__()
        self.n_channels = int(n_channels)
        self.register_buffer("ref", torch.ones(self.n_channels))
        self.register_buffer("center", torch.zeros(2 * self.n_channels))
        self.register_buffer("spread", torch.ones(2 * self.n_channels))

    @property
    def n_channels_out(self) -> int:
        return 3 * self.n_channels

    def _moments(self, x: Tensor, lengths: Tensor | None):
        # in float64: squares of float32 values beyond ~1e19 overflow float32
        keep = length_mask(lengths, x.shape[-1], x)[:, None, :].to(x.dtype)
        x64, keep64 = x.double(), keep.double()
        count = keep64.sum(-1, keepdim=True).clamp_min(1.0)
        mean = (x64 * keep64).sum(-1, keepdim=True) / count
        var = (((x64 - mean) * keep64) ** 2).sum(-1, keepdim=True) / count
        return keep, mean, var.sqrt()

    def _scale_features(self, mean: Tensor, std: Tensor) -> Tensor:
        ref = self.ref[None, :, None].to(mean.dtype)
        return torch.cat(
            [torch.log(std + 1e-3 * ref), _asinh(mean / ref)], dim=1
        )  # (batch, 2c, 1), in the moments' float64

    @torch.no_grad()
    def fit(self, x: Tensor, lengths: Tensor | None = None) -> SeriesScaling:
        """Take the reference scale and the scale channels' statistics from a
        training panel ``x`` (zero-padded, ``(n, c, t)``)."""
        x = torch.as_tensor(x, dtype=torch.float32)
        lengths = as_lengths(lengths, x)
        _, mean, std = self._moments(x, lengths)
        ref = std[:, :, 0].median(dim=0).values
        ref = torch.where((ref > 0) & torch.isfinite(ref), ref, torch.ones_like(ref))
        self.ref.copy_(ref.float().clamp(1e-30, 1e30))
        feats = self._scale_features(mean, std)[:, :, 0]
        self.center.copy_(feats.mean(dim=0))
        spread = feats.std(dim=0, unbiased=False)
        self.spread.copy_(torch.where(spread > 1e-6, spread, torch.ones_like(spread)))
        return self

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        lengths = as_lengths(lengths, x)
        keep, mean, std = self._moments(x, lengths)
        tiny = (std <= 10 * torch.finfo(torch.float32).eps * mean.abs()) | (std == 0)
        z = ((x.double() - mean) / torch.where(tiny, torch.ones_like(std), std)).to(
            x.dtype
        )
        feats = self._scale_features(mean, std).to(x.dtype)
        feats = (
            (feats - self.center[None, :, None]) / self.spread[None, :, None]
        ).clamp(-_CLAMP, _CLAMP)
        keep2 = keep.expand(-1, feats.shape[1], -1)
        return torch.cat([z * keep, feats.expand(-1, -1, x.shape[-1]) * keep2], dim=1)

    def extra_repr(self) -> str:
        return f"n_channels={self.n_channels}"
