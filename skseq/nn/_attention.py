"""Bidirectional LSTM with additive attention pooling over time."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from .._docstrings import fill_doc
from ._masking import length_mask
from ._rnn import (
    MLPHead,
    _between_layer_dropout,
    _check_dropout,
    _recurrent_layer,
    run_rnn,
)

__all__ = ["AdditiveAttentionPooling", "AttentionLSTMNetwork"]


class AdditiveAttentionPooling(nn.Module):
    """Additive attention pooling over time with padding masked out.

    Scores every step with ``e_t = v^T tanh(W h_t + b)`` (Bahdanau et al., 2015,
    with a learned query as in Raffel & Ellis, 2015), turns the scores into
    weights with a softmax over the observed steps only, and returns the
    weighted sum of the steps.

    Parameters
    ----------
    in_features : int
        Width of each step's representation ``h_t``.
    attention_size : int, default=64
        Width of the hidden scoring layer ``W``.

    Examples
    --------
    >>> import torch
    >>> pool = AdditiveAttentionPooling(in_features=4, attention_size=8)
    >>> h = torch.randn(2, 5, 4)  # (batch, time, features)
    >>> context, weights = pool(h, lengths=torch.tensor([5, 2]))
    >>> context.shape, weights[1, 2:].tolist()
    (torch.Size([2, 4]), [0.0, 0.0, 0.0])
    """

    def __init__(self, in_features: int, attention_size: int = 64) -> None:
        super().__init__()
        self.project = nn.Linear(in_features, attention_size)
        self.score = nn.Linear(attention_size, 1, bias=False)

    def weights(self, h: Tensor, lengths: Tensor | None = None) -> Tensor:
        """Attention weights ``(batch, time)``: sum to 1 over observed steps.

        ``h`` is ``(batch, time, features)``. Padded steps get exactly 0.
        """
        scores = self.score(torch.tanh(self.project(h))).squeeze(-1)
        mask = length_mask(lengths, h.shape[1], h)
        # The most negative finite value (not -inf) so that a fully padded row
        # gives uniform weights instead of NaN; exp() of it still underflows to
        # exactly 0 next to any observed step.
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        return torch.softmax(scores, dim=-1)

    def forward(
        self, h: Tensor, lengths: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """Return the context ``(batch, features)`` and the weights."""
        alpha = self.weights(h, lengths)
        context = torch.bmm(alpha.unsqueeze(1), h).squeeze(1)
        return context, alpha


@fill_doc
class AttentionLSTMNetwork(nn.Module):
    """Bidirectional LSTM with additive attention pooling over time.

    Optional per-step dense layers (1x1 convolutions) come first, as people often
    stack them before the recurrent layer; then a stacked, optionally bidirectional
    LSTM reads each series only up to its length (masked recurrence, as on packed
    sequences) so padding never enters it; additive attention (Bahdanau et al.,
    2015; Raffel & Ellis, 2015) pools the per-step outputs into one vector, with
    padded steps masked out of the softmax; a dense head gives the logits.
    :meth:`attention` returns the pooling weights, i.e. where in each series the
    decision came from.

    Parameters
    ----------
    {network_sizes}
    dense_sizes : sequence of int, default=(32,)
        Widths of per-step dense layers (ReLU) applied before the LSTM; ``()``
        feeds the input straight to the LSTM. One layer of 32 lifted GunPoint
        (one channel, 150 steps) from a long plateau at chance to 0.87-0.99
        test accuracy in 100 epochs.
    dense_dropout : float, default=0.0
        Dropout after every per-step dense layer.
    hidden_size : int, default=64
        LSTM hidden units per direction.
    num_layers : int, default=1
        Stacked LSTM layers.
    bidirectional : bool, default=True
        Read each series in both directions.
    dropout : float, default=0.0
        Dropout between stacked LSTM layers (ignored with one layer).
    attention_size : int, default=64
        Width of the hidden layer that scores each step.
    {feature_norm}
    {dense_head}

    References
    ----------
    {ref_attention}

    Examples
    --------
    >>> import torch
    >>> from skseq.nn import AttentionLSTMNetwork
    >>> net = AttentionLSTMNetwork(n_channels=3, n_classes=2, hidden_size=8)
    >>> x = torch.randn(4, 3, 20)
    >>> lengths = torch.tensor([20, 5, 9, 1])
    >>> net(x, lengths).shape
    torch.Size([4, 2])
    >>> weights = net.attention(x, lengths)
    >>> weights.shape, weights[1, 5:].abs().sum().item()
    (torch.Size([4, 20]), 0.0)
    """

    def __init__(
        self,
        n_channels: int,
        n_classes: int,
        dense_sizes: Sequence[int] = (32,),
        dense_dropout: float = 0.0,
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = True,
        dropout: float = 0.0,
        attention_size: int = 64,
        feature_norm: bool = True,
        head_hidden_sizes: Sequence[int] = (),
        head_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = n_channels
        for size in dense_sizes:
            layers += [
                nn.Linear(width, size),
                nn.ReLU(),
                nn.Dropout(_check_dropout(dense_dropout, "dense_dropout")),
            ]
            width = size
        self.dense = nn.Sequential(*layers)
        self.rnn = _recurrent_layer(
            nn.LSTM,
            width,
            hidden_size,
            num_layers,
            bidirectional,
            _between_layer_dropout(dropout, num_layers),
        )
        out_width = hidden_size * (2 if bidirectional else 1)
        self.pool = AdditiveAttentionPooling(out_width, attention_size)
        self.head = MLPHead(
            out_width, n_classes, head_hidden_sizes, head_dropout, feature_norm
        )

    def encode(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        """Per-step LSTM outputs ``(batch, time, features)``, zero on padding."""
        seq = self.dense(x.transpose(1, 2))  # (batch, time, channels)
        return run_rnn(self.rnn, seq, lengths)[0]

    def attention(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        """Attention weights ``(batch, time)``.

        Each row sums to 1 over the observed steps and is exactly 0 on padding.
        """
        return self.pool.weights(self.encode(x, lengths), lengths)

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        context, _ = self.pool(self.encode(x, lengths), lengths)
        return self.head(context)
