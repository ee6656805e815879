"""The masking layer: every masked operation of :mod:`skseq.nn`, in one place.

The convention, for every network:

* ``x`` is ``(batch, channels, time)``, zero on padded steps;
* ``lengths`` is ``None`` or a LongTensor ``(batch,)`` of observed steps;
* ``lengths=None`` means *no padding*. It is a static choice, made by the data
  layer (``PanelDataset.batch`` in :mod:`skseq.classifiers` passes ``None`` for a
  batch whose series all have the batch's length), never by inspecting tensor
  values inside ``forward``. Equal-length batches therefore take the plain
  (dense) path of every layer, and a network traced or exported with
  ``lengths`` given takes the masked path for every input, equal or not.

Masks are derived from ``lengths`` here only: :func:`length_mask` (``(batch,
time)``, True on observed steps) and :func:`padding_mask` (``(batch, 1,
time)``, True on padded steps, or None). No function in this module branches
in Python on tensor values, so tracing, ``torch.export`` and ONNX export see
one graph for any lengths.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# what skseq.nn makes public from this module (its __all__ takes this list);
# as_lengths, check_pooling, pooled_size and zero_padding_with_mask serve the
# networks beside this module only
__all__ = [
    "MaskedBatchNorm1d",
    "fill_padding",
    "length_mask",
    "masked_max",
    "masked_max_pool",
    "masked_mean",
    "masked_pool",
    "padding_mask",
    "reverse_within",
    "zero_padding",
]

POOLINGS = ("mean", "max", "meanmax")


def as_lengths(lengths: Tensor | Sequence[int] | None, x: Tensor) -> Tensor | None:
    """``lengths`` as a LongTensor on ``x``'s device, or None (no padding)."""
    if lengths is None:
        return None
    return torch.as_tensor(lengths, dtype=torch.long, device=x.device)


def length_mask(lengths: Tensor | None, n_timepoints: int, like: Tensor) -> Tensor:
    """Boolean mask ``(batch, time)``, True on observed steps.

    With ``lengths=None`` every step is observed.
    """
    if lengths is None:
        return torch.ones(
            like.shape[0], n_timepoints, dtype=torch.bool, device=like.device
        )
    steps = torch.arange(n_timepoints, device=like.device)
    return steps[None, :] < lengths.to(like.device)[:, None]


def padding_mask(lengths: Tensor | None, n_timepoints: int) -> Tensor | None:
    """Boolean ``(batch, 1, time)``, True on padded steps; None when
    ``lengths`` is None (no padding, the dense path).

    The mask is built whatever the lengths' values (it may be all False): the
    decision to skip masking is the data layer's, made before ``forward``.
    """
    if lengths is None:
        return None
    steps = torch.arange(n_timepoints, device=lengths.device)
    return (steps[None, :] >= lengths[:, None])[:, None, :]


def fill_padding(h: Tensor, pad: Tensor | None, value: float = 0.0) -> Tensor:
    """``h`` with its padded steps set to ``value`` (``pad`` from padding_mask)."""
    return h if pad is None else h.masked_fill(pad, value)


def zero_padding(h: Tensor, lengths: Tensor | None) -> Tensor:
    """Zero the padded steps of ``h`` ``(batch, channels, time)``.

    Call it after every layer whose output at step ``t`` depends on other
    steps (convolutions), so a series gives the same result alone or padded.
    """
    return zero_padding_with_mask(h, lengths)[0]


def zero_padding_with_mask(
    h: Tensor, lengths: Tensor | None
) -> tuple[Tensor, Tensor | None]:
    """:func:`zero_padding` of ``h``, and the padding mask it used."""
    pad = padding_mask(lengths, h.shape[-1])
    return fill_padding(h, pad), pad


def masked_mean(h: Tensor, lengths: Tensor | None) -> Tensor:
    """Mean over time of ``h`` ``(batch, channels, time)`` ignoring padding."""
    if lengths is None:
        return h.mean(dim=-1)
    mask = length_mask(lengths, h.shape[-1], h)[:, None, :].to(h.dtype)
    denom = mask.sum(dim=-1).clamp_min(1.0)
    return (h * mask).sum(dim=-1) / denom


def masked_max(h: Tensor, lengths: Tensor | None) -> Tensor:
    """Max over time of ``h`` ``(batch, channels, time)`` ignoring padding."""
    if lengths is None:
        return h.amax(dim=-1)
    mask = length_mask(lengths, h.shape[-1], h)[:, None, :]
    return h.masked_fill(~mask, torch.finfo(h.dtype).min).amax(dim=-1)


def masked_pool(h: Tensor, lengths: Tensor | None, how: str) -> Tensor:
    """Pool ``h`` ``(batch, channels, time)`` over time: mean, max or both.

    ``how="meanmax"`` concatenates the masked mean and max (``2 * channels``).
    """
    if how == "mean":
        return masked_mean(h, lengths)
    if how == "max":
        return masked_max(h, lengths)
    if how == "meanmax":
        return torch.cat([masked_mean(h, lengths), masked_max(h, lengths)], dim=-1)
    raise ValueError(f"pooling must be 'mean', 'max' or 'meanmax'; got {how!r}.")


def pooled_size(n_features: int, how: str) -> int:
    """Width of :func:`masked_pool`'s output for ``n_features`` channels."""
    return 2 * n_features if how == "meanmax" else n_features


def check_pooling(
    pooling: str, name: str = "pooling", options: Sequence[str] = POOLINGS
) -> None:
    """Refuse a pooling name the network does not know (at construction)."""
    if pooling not in options:
        listed = ", ".join(repr(o) for o in options[:-1]) + f" or {options[-1]!r}"
        raise ValueError(f"{name} must be {listed}; got {pooling!r}.")


def masked_max_pool(
    h: Tensor, lengths: Tensor | None, pad: Tensor | None, size: int
) -> tuple[Tensor, Tensor | None, Tensor | None]:
    """Non-overlapping max pooling that keeps padding out.

    Windows are ``size`` wide with stride ``size`` and a partial last window
    (``ceil_mode``), so a series of length ``L`` becomes ``ceil(L / size)``
    steps alone and in a batch, and length 1 stays length 1.

    Returns the pooled ``h`` (zero on the new padding), the new lengths and the
    new padding mask.
    """
    if size <= 1:
        return h, lengths, pad
    h = fill_padding(h, pad, float("-inf"))
    if torch.jit.is_tracing():
        # TorchScript tracing (ONNX export) records Python arithmetic on
        # shapes as constants but keeps ceil_mode's output length dynamic
        h = F.max_pool1d(h, size, size, ceil_mode=True)
    else:
        # the same windows written out: -inf up to a whole number of windows,
        # then the max of each. torch.export fixes the time axis to the
        # example's length through ceil_mode; this form keeps it symbolic
        n_windows = (h.shape[-1] + size - 1) // size
        h = F.pad(h, (0, n_windows * size - h.shape[-1]), value=float("-inf"))
        h = h.unflatten(-1, (n_windows, size)).amax(dim=-1)
    if lengths is not None:
        lengths = torch.div(lengths + size - 1, size, rounding_mode="floor")
    pad = padding_mask(lengths, h.shape[-1])
    return fill_padding(h, pad), lengths, pad


def reverse_within(t: Tensor, lengths: Tensor) -> Tensor:
    """Reverse every series of ``t`` ``(batch, time, features)`` within its
    length; padding stays at the end (the backward direction of an RNN)."""
    steps = torch.arange(t.shape[1], device=t.device)[None, :]
    last = lengths[:, None] - 1
    idx = torch.where(steps <= last, last - steps, steps)
    return t.gather(1, idx[..., None].expand_as(t))


class MaskedBatchNorm1d(nn.BatchNorm1d):
    """Batch norm whose training statistics ignore padded time steps.

    In training mode the mean and variance of each channel are taken over the
    observed steps of the batch only, so zero padding does not pull them
    towards zero; they update the running statistics as
    :class:`torch.nn.BatchNorm1d` does. In eval mode it is exactly
    :class:`torch.nn.BatchNorm1d`. It also accepts a batch holding a single
    value per channel in training mode (a variance of 0), which the torch layer
    rejects. The path depends on the mode and the shapes only.

    Parameters
    ----------
    num_features : int
        Channels.
    **kwargs
        Passed to :class:`torch.nn.BatchNorm1d` (``eps``, ``momentum``,
        ``affine``).

    Examples
    --------
    >>> import torch
    >>> from skseq.nn import MaskedBatchNorm1d
    >>> bn = MaskedBatchNorm1d(2)
    >>> x = torch.tensor([[[1.0, 3.0, 0.0], [2.0, 4.0, 0.0]]])
    >>> pad = torch.tensor([[[False, False, True]]])
    >>> bn(x, pad)[0, :, :2]
    tensor([[-1.0000,  1.0000],
            [-1.0000,  1.0000]], grad_fn=<SliceBackward0>)
    """

    def __init__(self, num_features: int, **kwargs) -> None:
        super().__init__(num_features, **kwargs)

    def forward(self, x: Tensor, pad: Tensor | None = None) -> Tensor:
        """Normalise ``x`` ``(batch, channels, time)``; ``pad`` True on padding."""
        use_batch_stats = self.training or not self.track_running_stats
        if not use_batch_stats or (pad is None and x.shape[0] * x.shape[2] > 1):
            return super().forward(x)
        if pad is None:
            keep = x.new_ones(x.shape[0], 1, x.shape[2])
        else:
            keep = (~pad).to(x.dtype)
        count = keep.sum()
        mean = (x * keep).sum(dim=(0, 2)) / count
        centered = x - mean[None, :, None]
        var = (centered.square() * keep).sum(dim=(0, 2)) / count
        if self.training and self.track_running_stats:
            self._update_running_stats(mean, var, count)
        y = centered * torch.rsqrt(var + self.eps)[None, :, None]
        if self.affine:
            y = y * self.weight[None, :, None] + self.bias[None, :, None]
        return y

    @torch.no_grad()
    def _update_running_stats(self, mean: Tensor, var: Tensor, count: Tensor) -> None:
        # same update rule as torch's batch norm, unbiased variance included
        self.num_batches_tracked.add_(1)
        if self.momentum is None:
            factor = 1.0 / float(self.num_batches_tracked)
        else:
            factor = self.momentum
        unbiased = var * (count / (count - 1).clamp_min(1.0))
        self.running_mean.mul_(1 - factor).add_(factor * mean.detach())
        self.running_var.mul_(1 - factor).add_(factor * unbiased.detach())
