"""Convolutional networks: a plain 1-D CNN, FCN, ResNet and InceptionTime.

Padding invariance rests on three rules applied throughout this module:

* every convolution is 'same'-padded with stride 1 and its input is zero on the
  padded steps, so an observed step sees exactly the zeros it would see at the
  end of the series alone;
* the padded steps are zeroed again after every block (a convolution, its bias
  and batch norm write non-zero values there), and max pooling fills them with
  ``-inf`` first so they never win;
* strided pooling shortens the lengths with ``ceil(length / pool_size)``,
  matching ``ceil_mode=True`` on a series alone, and global pooling is masked.

Batch norm in training mode computes its statistics over observed steps only
(:class:`MaskedBatchNorm1d`); in eval mode it uses the running statistics.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .._docstrings import fill_doc
from ._masking import (
    MaskedBatchNorm1d,
    as_lengths,
    check_pooling,
    fill_padding,
    masked_max_pool,
    masked_pool,
    pooled_size,
    zero_padding_with_mask,
)
from ._rnn import MLPHead

__all__ = [
    "CNNNetwork",
    "FCNNetwork",
    "InceptionTimeNetwork",
    "MaskedBatchNorm1d",
    "ResNetNetwork",
]


# ----------------------------------------------------------------------------
# Layers shared by the convolutional and hybrid networks
# ----------------------------------------------------------------------------


def _as_tuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    """Broadcast an int to ``n`` entries or check a sequence has ``n`` entries."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(
            f"{name} must be an int or have one entry per block ({n}); "
            f"got {len(value)} entries."
        )
    return value


def _check_positive(values: Sequence[int], name: str) -> None:
    if any(int(v) < 1 for v in values):
        raise ValueError(f"{name} must be positive integers; got {tuple(values)}.")


def _check_blocks(
    n_filters: Sequence[int], kernel_sizes: int | Sequence[int], kernel_name: str
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``n_filters`` and one kernel width per block, checked positive;
    ``kernel_name`` names ``kernel_sizes`` in the errors."""
    n_filters = tuple(n_filters)
    kernels = _as_tuple(kernel_sizes, len(n_filters), kernel_name)
    _check_positive(n_filters, "n_filters")
    _check_positive(kernels, kernel_name)
    return n_filters, kernels


class SameConv1d(nn.Conv1d):
    """Stride-1 convolution whose output has the input's length.

    Like ``padding="same"``: ``(k - 1) // 2`` zeros before the series and the
    rest after it, so even kernels reach one step further into the future (as
    in Keras). Even kernels are padded explicitly, which avoids torch's warning
    about the extra copy it would make for them.
    """

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int, bias: bool = True
    ) -> None:
        left = (kernel_size - 1) // 2
        right = kernel_size - 1 - left
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            padding=left if left == right else 0,
            bias=bias,
        )
        self._explicit_pad = None if left == right else (left, right)

    def forward(self, h: Tensor) -> Tensor:
        if self._explicit_pad is not None:
            h = F.pad(h, self._explicit_pad)
        return super().forward(h)


class ConvBlock(nn.Module):
    """'Same'-padded convolution, optional masked batch norm, optional ReLU.

    The output is zero on padded steps.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        batch_norm: bool = True,
        activation: bool = True,
    ) -> None:
        super().__init__()
        # the bias is redundant in front of batch norm
        self.conv = SameConv1d(
            in_channels, out_channels, kernel_size, bias=not batch_norm
        )
        self.bn = MaskedBatchNorm1d(out_channels) if batch_norm else None
        self.activation = activation

    def forward(self, h: Tensor, pad: Tensor | None) -> Tensor:
        h = self.conv(h)
        if self.bn is not None:
            h = self.bn(h, pad)
        if self.activation:
            h = F.relu(h)
        return fill_padding(h, pad)


class ConvStack(nn.Module):
    """Conv blocks, each optionally followed by masked max pooling.

    Shared by :class:`CNNNetwork` and the CNN-LSTM hybrid. ``forward`` returns
    the features ``(batch, filters, time')`` and the lengths after pooling.
    """

    def __init__(
        self,
        n_channels: int,
        n_filters: Sequence[int],
        kernel_sizes: Sequence[int],
        pool_size: int,
        batch_norm: bool,
    ) -> None:
        super().__init__()
        self.pool_size = int(pool_size)
        widths = [n_channels, *n_filters]
        self.blocks = nn.ModuleList(
            ConvBlock(c_in, c_out, k, batch_norm=batch_norm)
            for c_in, c_out, k in zip(widths[:-1], widths[1:], kernel_sizes)
        )
        self.out_channels = widths[-1]

    def forward(
        self, h: Tensor, lengths: Tensor | None
    ) -> tuple[Tensor, Tensor | None, Tensor | None]:
        h, pad = zero_padding_with_mask(h, lengths)
        for block in self.blocks:
            h = block(h, pad)
            h, lengths, pad = masked_max_pool(h, lengths, pad, self.pool_size)
        return h, lengths, pad


# ----------------------------------------------------------------------------
# Networks
# ----------------------------------------------------------------------------


class _PooledConvNetwork(nn.Module):
    """A :class:`ConvStack`, masked global pooling and an :class:`MLPHead`
    (the body of :class:`CNNNetwork` and :class:`FCNNetwork`; the CNN-LSTM
    hybrid summarises the conv features with a recurrent layer instead)."""

    def _build(
        self,
        n_channels: int,
        n_classes: int,
        n_filters: tuple[int, ...],
        kernels: tuple[int, ...],
        pool_size: int,
        batch_norm: bool,
        pooling: str,
        head_hidden_sizes: Sequence[int],
        head_dropout: float,
    ) -> None:
        check_pooling(pooling)
        self.pooling = pooling
        self.features = ConvStack(n_channels, n_filters, kernels, pool_size, batch_norm)
        self.head = MLPHead(
            pooled_size(self.features.out_channels, pooling),
            n_classes,
            head_hidden_sizes,
            head_dropout,
        )

    def _summarise(self, h: Tensor, lengths: Tensor | None) -> Tensor:
        """One vector per series from the conv features ``(batch, filters,
        time')`` and their lengths."""
        return masked_pool(h, lengths, self.pooling)

    def forward(
        self, x: Tensor, lengths: Tensor | Sequence[int] | None = None
    ) -> Tensor:
        lengths = as_lengths(lengths, x)
        h, lengths, _ = self.features(x, lengths)
        return self.head(self._summarise(h, lengths))


@fill_doc
class CNNNetwork(_PooledConvNetwork):
    """Plain 1-D convolutional classifier network.

    The architecture practitioners start from: a few blocks of convolution,
    batch norm, ReLU and max pooling, global pooling over the remaining time
    steps, and a dense head with dropout. Global pooling (instead of
    flattening) makes it accept any series length.

    Parameters
    ----------
    {network_sizes}
    n_filters : sequence of int, default=(32, 64, 128)
        Filters of each conv block; its length sets the number of blocks.
    kernel_size : int or sequence of int, default=5
        Kernel width of every block, or one per block.
    pool_size : int, default=2
        Max pooling window and stride after every block (1 for none). A series
        of length ``L`` leaves a block with ``ceil(L / pool_size)`` steps, so
        it never drops below one step.
    batch_norm : bool, default=True
        Batch norm after each convolution (statistics over observed steps).
    pooling : {"meanmax", "mean", "max"}, default="meanmax"
        Global pooling over the observed time steps.
    head_hidden_sizes : sequence of int, default=(64,)
        Hidden dense layers of the head.
    head_dropout : float, default=0.3
        Dropout before every dense layer of the head.

    See Also
    --------
    FCNNetwork : The same idea without pooling, as benchmarked by Wang et al.

    Examples
    --------
    >>> import torch
    >>> from skseq.nn import CNNNetwork
    >>> net = CNNNetwork(n_channels=3, n_classes=2, n_filters=(8, 8))
    >>> net(torch.zeros(4, 3, 20), lengths=torch.tensor([20, 5, 9, 1])).shape
    torch.Size([4, 2])
    """

    def __init__(
        self,
        n_channels: int,
        n_classes: int,
        n_filters: Sequence[int] = (32, 64, 128),
        kernel_size: int | Sequence[int] = 5,
        pool_size: int = 2,
        batch_norm: bool = True,
        pooling: str = "meanmax",
        head_hidden_sizes: Sequence[int] = (64,),
        head_dropout: float = 0.3,
    ) -> None:
        super().__init__()
        n_filters, kernels = _check_blocks(n_filters, kernel_size, "kernel_size")
        _check_positive([pool_size], "pool_size")
        self._build(
            n_channels,
            n_classes,
            n_filters,
            kernels,
            pool_size,
            batch_norm,
            pooling,
            head_hidden_sizes,
            head_dropout,
        )


@fill_doc
class FCNNetwork(_PooledConvNetwork):
    """Fully convolutional network (FCN) of Wang et al. (2017).

    Three blocks of 'same'-padded convolution, batch norm and ReLU (128, 256
    and 128 filters of widths 8, 5 and 3), global average pooling over the
    observed steps and a linear layer. A strong baseline on the UCR archive.

    Parameters
    ----------
    {network_sizes}
    n_filters : sequence of int, default=(128, 256, 128)
        Filters of each block; its length sets the number of blocks.
    kernel_sizes : int or sequence of int, default=(8, 5, 3)
        Kernel width of each block (an int for all).
    {pooled_linear_head}

    References
    ----------
    {ref_wang2017}

    Examples
    --------
    >>> import torch
    >>> from skseq.nn import FCNNetwork
    >>> net = FCNNetwork(n_channels=1, n_classes=3, n_filters=(8, 16, 8))
    >>> net(torch.zeros(2, 1, 30), lengths=torch.tensor([30, 2])).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        n_channels: int,
        n_classes: int,
        n_filters: Sequence[int] = (128, 256, 128),
        kernel_sizes: int | Sequence[int] = (8, 5, 3),
        pooling: str = "mean",
        head_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        n_filters, kernels = _check_blocks(n_filters, kernel_sizes, "kernel_sizes")
        self._build(
            n_channels,
            n_classes,
            n_filters,
            kernels,
            1,
            True,
            pooling,
            (),
            head_dropout,
        )


class ResidualBlock(nn.Module):
    """Wang et al.'s residual block: three conv blocks plus a shortcut."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_sizes: Sequence[int]
    ) -> None:
        super().__init__()
        widths = [in_channels] + [out_channels] * len(kernel_sizes)
        self.convs = nn.ModuleList(
            ConvBlock(c_in, c_out, k, activation=i < len(kernel_sizes) - 1)
            for i, (c_in, c_out, k) in enumerate(
                zip(widths[:-1], widths[1:], kernel_sizes)
            )
        )
        # a 1x1 convolution matches the widths; the paper keeps batch norm on
        # the shortcut either way
        self.shortcut = (
            nn.Conv1d(in_channels, out_channels, 1, bias=False)
            if in_channels != out_channels
            else None
        )
        self.shortcut_bn = MaskedBatchNorm1d(out_channels)

    def forward(self, h: Tensor, pad: Tensor | None) -> Tensor:
        skip = h if self.shortcut is None else self.shortcut(h)
        skip = self.shortcut_bn(skip, pad)
        for conv in self.convs:
            h = conv(h, pad)
        return fill_padding(F.relu(h + skip), pad)


@fill_doc
class ResNetNetwork(nn.Module):
    """Residual network (ResNet) of Wang et al. (2017).

    Three residual blocks of 64, 128 and 128 filters; each block stacks
    convolutions of widths 8, 5 and 3 with batch norm and ReLU and adds a
    (1x1 convolution and batch norm) shortcut. Global average pooling over the
    observed steps and a linear layer follow. The best deep model of Fawaz et
    al.'s 2019 review of the UCR archive.

    Parameters
    ----------
    {network_sizes}
    n_filters : sequence of int, default=(64, 128, 128)
        Filters of each residual block; its length sets the number of blocks.
    kernel_sizes : sequence of int, default=(8, 5, 3)
        Kernel widths of the convolutions inside every block.
    {pooled_linear_head}

    References
    ----------
    {ref_wang2017}

    Examples
    --------
    >>> import torch
    >>> from skseq.nn import ResNetNetwork
    >>> net = ResNetNetwork(n_channels=2, n_classes=2, n_filters=(8, 8))
    >>> net(torch.zeros(3, 2, 16), lengths=torch.tensor([16, 4, 1])).shape
    torch.Size([3, 2])
    """

    def __init__(
        self,
        n_channels: int,
        n_classes: int,
        n_filters: Sequence[int] = (64, 128, 128),
        kernel_sizes: Sequence[int] = (8, 5, 3),
        pooling: str = "mean",
        head_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        n_filters = tuple(n_filters)
        kernels = tuple(int(k) for k in kernel_sizes)
        if not n_filters or not kernels:
            raise ValueError("n_filters and kernel_sizes must not be empty.")
        _check_positive(n_filters, "n_filters")
        _check_positive(kernels, "kernel_sizes")
        check_pooling(pooling)
        self.pooling = pooling
        widths = [n_channels, *n_filters]
        self.blocks = nn.ModuleList(
            ResidualBlock(c_in, c_out, kernels)
            for c_in, c_out in zip(widths[:-1], widths[1:])
        )
        self.head = MLPHead(
            pooled_size(widths[-1], pooling), n_classes, (), head_dropout
        )

    def forward(
        self, x: Tensor, lengths: Tensor | Sequence[int] | None = None
    ) -> Tensor:
        lengths = as_lengths(lengths, x)
        h, pad = zero_padding_with_mask(x, lengths)
        for block in self.blocks:
            h = block(h, pad)
        return self.head(masked_pool(h, lengths, self.pooling))


class InceptionModule(nn.Module):
    """Inception module: bottleneck, parallel convolutions, max-pool branch."""

    def __init__(
        self,
        in_channels: int,
        n_filters: int,
        kernel_sizes: Sequence[int],
        bottleneck_size: int,
    ) -> None:
        super().__init__()
        # as in the reference code, a univariate input skips the bottleneck
        use_bottleneck = bottleneck_size > 0 and in_channels > 1
        self.bottleneck = (
            nn.Conv1d(in_channels, bottleneck_size, 1, bias=False)
            if use_bottleneck
            else None
        )
        width = bottleneck_size if use_bottleneck else in_channels
        self.convs = nn.ModuleList(
            SameConv1d(width, n_filters, k, bias=False) for k in kernel_sizes
        )
        self.pool_conv = nn.Conv1d(in_channels, n_filters, 1, bias=False)
        self.bn = MaskedBatchNorm1d(n_filters * (len(kernel_sizes) + 1))

    def forward(self, h: Tensor, pad: Tensor | None) -> Tensor:
        # a bias-free 1x1 convolution keeps the padded steps at zero
        z = h if self.bottleneck is None else self.bottleneck(h)
        branches = [conv(z) for conv in self.convs]
        # max over each step and its two neighbours (max_pool1d(h, 3, 1, 1)
        # written out: torch.export fixes the time axis of max_pool1d's input
        # to the example's length)
        hp = F.pad(fill_padding(h, pad, float("-inf")), (1, 1), value=float("-inf"))
        pooled = torch.maximum(torch.maximum(hp[..., :-2], hp[..., 1:-1]), hp[..., 2:])
        branches.append(self.pool_conv(fill_padding(pooled, pad)))
        out = F.relu(self.bn(torch.cat(branches, dim=1), pad))
        return fill_padding(out, pad)


@fill_doc
class InceptionTimeNetwork(nn.Module):
    """One Inception network of InceptionTime (Ismail Fawaz et al., 2020).

    A stack of Inception modules (a 1x1 bottleneck, parallel convolutions of
    widths 40, 20 and 10, and a max-pool branch, concatenated, batch norm,
    ReLU) with a residual shortcut around every three modules, global average
    pooling over the observed steps and a linear layer. The paper's
    InceptionTime is an ensemble of five such networks; ensemble several
    fitted classifiers with different ``random_state`` (e.g. with
    :class:`sklearn.ensemble.VotingClassifier`) to reproduce it.

    Parameters
    ----------
    {network_sizes}
    n_filters : int, default=32
        Filters of each branch; a module outputs ``4 * n_filters`` channels.
    kernel_sizes : sequence of int, default=(40, 20, 10)
        Widths of the parallel convolutions.
    bottleneck_size : int, default=32
        Channels of the 1x1 bottleneck (0 for none).
    depth : int, default=6
        Number of Inception modules.
    residual : bool, default=True
        Add a shortcut around every three modules.
    n_timepoints : int or None, default=None
        Longest series the network will see. When given and shorter than the
        widest kernel, the kernel widths are scaled down in proportion (at
        least 1), since a 'same' convolution wider than the series only adds
        multiplications by padding.
    {pooled_linear_head}

    Attributes
    ----------
    effective_kernel_sizes : tuple of int
        The kernel widths actually used.

    References
    ----------
    {ref_inceptiontime}

    Examples
    --------
    >>> import torch
    >>> from skseq.nn import InceptionTimeNetwork
    >>> net = InceptionTimeNetwork(n_channels=2, n_classes=2, n_filters=4,
    ...                            depth=3, n_timepoints=10)
    >>> net.effective_kernel_sizes
    (10, 5, 2)
    >>> net(torch.zeros(2, 2, 10), lengths=torch.tensor([10, 3])).shape
    torch.Size([2, 2])
    """

    def __init__(
        self,
        n_channels: int,
        n_classes: int,
        n_filters: int = 32,
        kernel_sizes: Sequence[int] = (40, 20, 10),
        bottleneck_size: int = 32,
        depth: int = 6,
        residual: bool = True,
        n_timepoints: int | None = None,
        pooling: str = "mean",
        head_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        kernels = tuple(int(k) for k in kernel_sizes)
        if not kernels:
            raise ValueError("kernel_sizes must not be empty.")
        _check_positive(kernels, "kernel_sizes")
        _check_positive([n_filters, depth], "n_filters and depth")
        if bottleneck_size < 0:
            raise ValueError(f"bottleneck_size must be >= 0; got {bottleneck_size}.")
        check_pooling(pooling)
        if n_timepoints is not None and max(kernels) > n_timepoints:
            scale = max(int(n_timepoints), 1) / max(kernels)
            kernels = tuple(max(1, round(k * scale)) for k in kernels)
        self.effective_kernel_sizes = kernels
        self.pooling = pooling
        self.residual = residual
        width = n_filters * (len(kernels) + 1)
        self.inception = nn.ModuleList()
        self.shortcuts = nn.ModuleList()
        c_in = n_channels
        res_in = n_channels
        for i in range(depth):
            self.inception.append(
                InceptionModule(c_in, n_filters, kernels, bottleneck_size)
            )
            c_in = width
            if residual and i % 3 == 2:
                self.shortcuts.append(
                    nn.ModuleDict(
                        {
                            "conv": nn.Conv1d(res_in, width, 1, bias=False),
                            "bn": MaskedBatchNorm1d(width),
                        }
                    )
                )
                res_in = width
        self.head = MLPHead(pooled_size(width, pooling), n_classes, (), head_dropout)

    def forward(
        self, x: Tensor, lengths: Tensor | Sequence[int] | None = None
    ) -> Tensor:
        lengths = as_lengths(lengths, x)
        h, pad = zero_padding_with_mask(x, lengths)
        res = h
        shortcuts = iter(self.shortcuts)
        for i, module in enumerate(self.inception):
            h = module(h, pad)
            if self.residual and i % 3 == 2:
                sc = next(shortcuts)
                skip = sc["bn"](sc["conv"](res), pad)
                h = fill_padding(F.relu(h + skip), pad)
                res = h
        return self.head(masked_pool(h, lengths, self.pooling))
