"""Hybrid networks: LSTM-FCN and a CNN-then-RNN network."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from .._docstrings import fill_doc
from ._cnn import ConvStack, _check_blocks, _check_positive, _PooledConvNetwork
from ._masking import as_lengths, check_pooling, fill_padding, masked_pool
from ._rnn import (
    RNN_POOLINGS,
    MLPHead,
    _between_layer_dropout,
    _recurrent_layer,
    _rnn_class,
    _rnn_width,
    rnn_features,
)

__all__ = ["CNNLSTMNetwork", "LSTMFCNNetwork"]


@fill_doc
class LSTMFCNNetwork(nn.Module):
    """LSTM-FCN of Karim et al. (2017): an LSTM branch beside an FCN branch.

    The FCN branch is :class:`~skseq.nn.FCNNetwork`'s body (three conv, batch
    norm, ReLU blocks and global average pooling over the observed steps); the
    LSTM branch reads each series only up to its length (masked recurrence),
    so padding never enters it, and is followed by heavy dropout. Their features are
    concatenated and fed to a linear layer.

    Unlike the paper, the LSTM reads the series over time rather than after
    its "dimension shuffle" (which turns the whole series into a single step
    of ``n_timepoints`` features): the shuffle fixes the series length, so it
    cannot handle unequal lengths or padding.

    Parameters
    ----------
    {network_sizes}
    n_filters : sequence of int, default=(128, 256, 128)
        Filters of each FCN block.
    kernel_sizes : int or sequence of int, default=(8, 5, 3)
        Kernel width of each FCN block.
    lstm_hidden_size : int, default=8
        Hidden units per direction of the LSTM (the paper tries 8, 64, 128).
    lstm_bidirectional : bool, default=False
        Read each series in both directions.
    lstm_pooling : {"last", "mean", "max", "meanmax"}, default="last"
        The LSTM branch's vector: its final hidden state (the paper's choice)
        or a masked pooling of its outputs over time.
    lstm_dropout : float, default=0.8
        Dropout on the LSTM branch's vector (the paper's 0.8).
    head_dropout : float, default=0.0
        Dropout before the linear layer.

    References
    ----------
    {ref_lstm_fcn}

    Examples
    --------
    >>> import torch
    >>> from skseq.nn import LSTMFCNNetwork
    >>> net = LSTMFCNNetwork(n_channels=2, n_classes=3, n_filters=(8, 8, 8))
    >>> net(torch.zeros(3, 2, 12), lengths=torch.tensor([12, 5, 1])).shape
    torch.Size([3, 3])
    """

    def __init__(
        self,
        n_channels: int,
        n_classes: int,
        n_filters: Sequence[int] = (128, 256, 128),
        kernel_sizes: int | Sequence[int] = (8, 5, 3),
        lstm_hidden_size: int = 8,
        lstm_bidirectional: bool = False,
        lstm_pooling: str = "last",
        lstm_dropout: float = 0.8,
        head_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        n_filters, kernels = _check_blocks(n_filters, kernel_sizes, "kernel_sizes")
        _check_positive([lstm_hidden_size], "lstm_hidden_size")
        check_pooling(lstm_pooling, "lstm_pooling", RNN_POOLINGS)
        self.lstm_pooling = lstm_pooling
        self.fcn = ConvStack(n_channels, n_filters, kernels, 1, True)
        self.lstm = nn.LSTM(
            n_channels,
            lstm_hidden_size,
            batch_first=True,
            bidirectional=lstm_bidirectional,
        )
        self.lstm_dropout = nn.Dropout(lstm_dropout)
        width = self.fcn.out_channels + _rnn_width(
            lstm_hidden_size, lstm_bidirectional, lstm_pooling
        )
        self.head = MLPHead(width, n_classes, (), head_dropout)

    def forward(
        self, x: Tensor, lengths: Tensor | Sequence[int] | None = None
    ) -> Tensor:
        lengths = as_lengths(lengths, x)
        h, _, pad = self.fcn(x, lengths)
        conv_feats = masked_pool(h, lengths, "mean")
        # the FCN stack has zeroed the padding of its input copy, not of x
        seq = fill_padding(x, pad)
        lstm_feats = rnn_features(
            self.lstm, seq.transpose(1, 2), lengths, self.lstm_pooling
        )
        return self.head(torch.cat([self.lstm_dropout(lstm_feats), conv_feats], -1))


@fill_doc
class CNNLSTMNetwork(_PooledConvNetwork):
    """Convolutional blocks followed by a recurrent layer (CNN-LSTM).

    Conv blocks (convolution, batch norm, ReLU, max pooling) extract local
    patterns and shorten the series, then a stacked, optionally bidirectional
    LSTM (or GRU) reads the shortened sequence packed to its new lengths, and
    its outputs are pooled over the observed steps before a dense head. The
    usual choice when local shapes matter and so does their order, on series
    too long for an LSTM alone.

    Parameters
    ----------
    {network_sizes}
    n_filters : sequence of int, default=(64, 64)
        Filters of each conv block; its length sets the number of blocks.
    kernel_size : int or sequence of int, default=5
        Kernel width of every conv block, or one per block.
    pool_size : int, default=2
        Max pooling window and stride after every conv block (1 for none);
        a length ``L`` becomes ``ceil(L / pool_size)``.
    batch_norm : bool, default=True
        Batch norm after each convolution (statistics over observed steps).
    {rnn_cell}
    bidirectional : bool, default=True
        Read the sequence in both directions.
    rnn_dropout : float, default=0.0
        Dropout between stacked recurrent layers (ignored with one layer).
    pooling : {"meanmax", "mean", "max", "last"}, default="meanmax"
        Masked pooling of the recurrent outputs over time, or the final hidden
        state of each direction.
    {feature_norm}
    {dense_head}

    Examples
    --------
    >>> import torch
    >>> from skseq.nn import CNNLSTMNetwork
    >>> net = CNNLSTMNetwork(n_channels=1, n_classes=2, n_filters=(8,),
    ...                      hidden_size=4)
    >>> net(torch.zeros(3, 1, 9), lengths=torch.tensor([9, 2, 1])).shape
    torch.Size([3, 2])
    """

    def __init__(
        self,
        n_channels: int,
        n_classes: int,
        n_filters: Sequence[int] = (64, 64),
        kernel_size: int | Sequence[int] = 5,
        pool_size: int = 2,
        batch_norm: bool = True,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = True,
        rnn_dropout: float = 0.0,
        pooling: str = "meanmax",
        feature_norm: bool = True,
        head_hidden_sizes: Sequence[int] = (),
        head_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        n_filters, kernels = _check_blocks(n_filters, kernel_size, "kernel_size")
        _check_positive([pool_size], "pool_size")
        _check_positive([hidden_size], "hidden_size")
        _check_positive([num_layers], "num_layers")
        check_pooling(pooling, options=RNN_POOLINGS)
        rnn_cls = _rnn_class(cell)
        self.pooling = pooling
        self.features = ConvStack(n_channels, n_filters, kernels, pool_size, batch_norm)
        self.rnn = _recurrent_layer(
            rnn_cls,
            self.features.out_channels,
            hidden_size,
            num_layers,
            bidirectional,
            _between_layer_dropout(rnn_dropout, num_layers, "rnn_dropout"),
        )
        self.head = MLPHead(
            _rnn_width(hidden_size, bidirectional, pooling),
            n_classes,
            head_hidden_sizes,
            head_dropout,
            feature_norm,
        )

    def _summarise(self, h: Tensor, lengths: Tensor | None) -> Tensor:
        # the recurrent layer reads the conv features in place of global pooling
        return rnn_features(self.rnn, h.transpose(1, 2), lengths, self.pooling)
