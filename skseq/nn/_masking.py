"""Masks and masked pooling shared by every network in :mod:`skseq.nn`.

Every network takes ``x`` of shape ``(batch, channels, time)`` whose padding
(time steps ``>= lengths[i]``) is filled with zeros, plus ``lengths``. These
helpers make sure padding never reaches the result.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = [
    "length_mask",
    "masked_max",
    "masked_mean",
    "masked_pool",
    "zero_padding",
]


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


def zero_padding(h: Tensor, lengths: Tensor | None) -> Tensor:
    """Zero the padded steps of ``h`` ``(batch, channels, time)``.

    Call it after every layer whose output at step ``t`` depends on other
    steps (convolutions), so a series gives the same result alone or padded.
    """
    if lengths is None:
        return h
    mask = length_mask(lengths, h.shape[-1], h)
    return h * mask[:, None, :].to(h.dtype)


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
