"""Torch twins of skseq transformers, for graphs written by skseq.export.

Imported only when exporting, so the transformers themselves need no torch.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor, nn

from ..nn._masking import as_lengths, length_mask

__all__ = ["NormalizerModule"]


class NormalizerModule(nn.Module):
    """:class:`~skseq.transformers.Normalizer` on zero-padded batches.

    With per-channel statistics (``scope="channel"``) they are constants of
    the graph; otherwise they are computed per series and channel over the
    observed steps, with the same rules (ddof=0, a constant slice only
    shifted). Padded steps stay zero.
    """

    def __init__(
        self,
        method: str,
        loc: np.ndarray | None = None,
        scale: np.ndarray | None = None,
    ) -> None:
        super().__init__()
        self.method = method
        self.fixed = loc is not None
        if self.fixed:
            self.register_buffer("loc", torch.as_tensor(loc, dtype=torch.float32))
            self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32))

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        lengths = as_lengths(lengths, x)
        keep = length_mask(lengths, x.shape[-1], x)[:, None, :]
        if self.fixed:
            loc, scale = self.loc[None, :, None], self.scale[None, :, None]
        else:
            w = keep.to(x.dtype)
            count = w.sum(-1, keepdim=True).clamp_min(1.0)
            if self.method == "zscore":
                loc = (x * w).sum(-1, keepdim=True) / count
                scale = ((((x - loc) * w) ** 2).sum(-1, keepdim=True) / count).sqrt()
            else:
                inf = torch.finfo(x.dtype).max
                loc = x.masked_fill(~keep, inf).amin(-1, keepdim=True)
                scale = x.masked_fill(~keep, -inf).amax(-1, keepdim=True) - loc
            tiny = scale <= 10 * torch.finfo(torch.float32).eps * loc.abs()
            scale = torch.where(tiny | (scale == 0), torch.ones_like(scale), scale)
        return ((x - loc) / scale) * keep.to(x.dtype)
