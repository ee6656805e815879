"""Convolutional and hybrid networks: padding invariance, short series, masks."""

import pytest
import torch

from skseq.nn import (
    CNNLSTMNetwork,
    CNNNetwork,
    FCNNetwork,
    InceptionTimeNetwork,
    LSTMFCNNetwork,
    MaskedBatchNorm1d,
    ResNetNetwork,
)
from skseq.nn._masking import masked_max_pool, padding_mask

# small widths keep the tests fast; kernel sizes and depths stay the defaults
NETWORKS = {
    "cnn": lambda c, k: CNNNetwork(c, k, n_filters=(8, 16, 16), head_dropout=0.3),
    "cnn_pool3": lambda c, k: CNNNetwork(
        c, k, n_filters=(8, 8), kernel_size=(4, 7), pool_size=3, pooling="max"
    ),
    "fcn": lambda c, k: FCNNetwork(c, k, n_filters=(8, 16, 8)),
    "resnet": lambda c, k: ResNetNetwork(c, k, n_filters=(8, 16, 16)),
    "inception": lambda c, k: InceptionTimeNetwork(
        c, k, n_filters=4, bottleneck_size=4
    ),
    "inception_meanmax": lambda c, k: InceptionTimeNetwork(
        c, k, n_filters=4, bottleneck_size=0, depth=3, pooling="meanmax"
    ),
    "lstmfcn": lambda c, k: LSTMFCNNetwork(c, k, n_filters=(8, 16, 8)),
    "lstmfcn_bi": lambda c, k: LSTMFCNNetwork(
        c,
        k,
        n_filters=(8, 8, 8),
        lstm_bidirectional=True,
        lstm_pooling="meanmax",
        lstm_hidden_size=6,
    ),
    "cnnlstm": lambda c, k: CNNLSTMNetwork(c, k, n_filters=(8, 8), hidden_size=6),
    "cnngru_last": lambda c, k: CNNLSTMNetwork(
        c, k, n_filters=(8,), cell="gru", num_layers=2, pooling="last", hidden_size=6
    ),
}


def _panel(lengths, n_channels, seed=0):
    """Random series zero-padded after their lengths, as the classifier feeds them."""
    gen = torch.Generator().manual_seed(seed)
    lengths = torch.as_tensor(lengths)
    x = torch.randn(len(lengths), n_channels, int(lengths.max()), generator=gen)
    observed = torch.arange(x.shape[-1])[None, None, :] < lengths[:, None, None]
    return x * observed, lengths


def _trained(net, x, lengths, steps=3):
    """A few optimiser steps so batch norm's running statistics are not 0/1."""
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    net.train()
    for _ in range(steps):
        opt.zero_grad()
        net(x, lengths).logsumexp(-1).sum().backward()
        opt.step()
    return net.eval()


@pytest.mark.parametrize("name", sorted(NETWORKS))
@pytest.mark.parametrize("n_channels", [1, 3])
def test_padding_invariance(name, n_channels):
    gen = torch.Generator().manual_seed(1)
    lengths = torch.randint(7, 61, (9,), generator=gen)
    lengths[0] = 60  # one full-width series, the others padded
    x, lengths = _panel(lengths, n_channels)
    net = _trained(NETWORKS[name](n_channels, 3), x, lengths)
    with torch.no_grad():
        batch = net(x, lengths)
        for i, length in enumerate(lengths.tolist()):
            alone = net(x[i : i + 1, :, :length], lengths=[length])
            torch.testing.assert_close(alone[0], batch[i], atol=1e-5, rtol=1e-4)
            # without lengths a series is taken as fully observed
            alone = net(x[i : i + 1, :, :length])
            torch.testing.assert_close(alone[0], batch[i], atol=1e-5, rtol=1e-4)
        # the check has teeth: reading the padding as data changes the logits
        ignored = net(x, None)
    assert not torch.allclose(ignored[1:], batch[1:], atol=1e-4)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_padding_content_and_extra_padding_never_matter(name):
    """Also in training mode: masked batch norm ignores padded steps."""
    x, lengths = _panel([30, 12, 5, 1], 2, seed=3)
    net = NETWORKS[name](2, 2)
    for module in net.modules():  # dropout would make two calls differ
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    garbage = torch.where(x == 0, torch.full_like(x, 7.5), x)
    wider = torch.cat([x, torch.zeros(4, 2, 9)], dim=-1)
    net.train()
    torch.testing.assert_close(net(garbage, lengths), net(x, lengths))
    torch.testing.assert_close(net(wider, lengths), net(x, lengths))


@pytest.mark.parametrize("name", sorted(NETWORKS))
@pytest.mark.parametrize("length", [1, 2])
def test_very_short_series_train_and_predict(name, length):
    net = NETWORKS[name](1, 2)
    x = torch.randn(5, 1, length)
    out = net.train()(x, torch.full((5,), length))
    out.sum().backward()
    # a single series of a single step in training mode (batch norm variance 0)
    single = net(torch.randn(1, 1, 1), torch.tensor([1]))
    assert torch.isfinite(single).all()
    net.eval()
    with torch.no_grad():
        mixed = net(torch.randn(3, 1, 2), torch.tensor([2, 1, 2]))
    assert out.shape == (5, 2) and mixed.shape == (3, 2)
    assert torch.isfinite(out).all() and torch.isfinite(mixed).all()


def test_default_networks_are_invariant_too():
    """The paper-sized defaults (not only the slim test configurations)."""
    x, lengths = _panel([50, 23, 8], 2, seed=5)
    for cls in (
        CNNNetwork,
        FCNNetwork,
        ResNetNetwork,
        InceptionTimeNetwork,
        LSTMFCNNetwork,
        CNNLSTMNetwork,
    ):
        net = _trained(cls(2, 4), x, lengths, steps=1)
        with torch.no_grad():
            batch = net(x, lengths)
            alone = net(x[2:, :, :8], torch.tensor([8]))
        assert batch.shape == (3, 4)
        torch.testing.assert_close(alone[0], batch[2], atol=1e-5, rtol=1e-4)


def test_masked_batch_norm_matches_batch_norm_on_observed_steps():
    torch.manual_seed(0)
    x, lengths = _panel([6, 3, 4], 3)
    pad = padding_mask(lengths, 6)
    masked, plain = MaskedBatchNorm1d(3), torch.nn.BatchNorm1d(3)
    with torch.no_grad():
        masked.weight.uniform_(0.5, 2.0)
        masked.bias.uniform_(-1.0, 1.0)
    plain.load_state_dict(masked.state_dict())
    # the observed steps of all series, laid end to end as one series
    observed = torch.cat([x[i, :, :n] for i, n in enumerate(lengths.tolist())], -1)
    for _ in range(2):
        out = masked(x, pad)
        ref = plain(observed[None])[0]
    got = torch.cat([out[i, :, :n] for i, n in enumerate(lengths.tolist())], -1)
    torch.testing.assert_close(got, ref)
    torch.testing.assert_close(masked.running_mean, plain.running_mean)
    torch.testing.assert_close(masked.running_var, plain.running_var)
    assert int(masked.num_batches_tracked) == 2
    masked.eval(), plain.eval()
    torch.testing.assert_close(masked(x, pad), plain(x))


def test_masked_batch_norm_single_value_per_channel():
    bn = MaskedBatchNorm1d(2)
    out = bn(torch.tensor([[[3.0], [-1.0]]]))
    torch.testing.assert_close(out, torch.zeros(1, 2, 1))
    assert torch.isfinite(bn.running_var).all()


@pytest.mark.parametrize(
    ("length", "size", "expected"), [(1, 2, 1), (2, 2, 1), (7, 2, 4), (7, 3, 3)]
)
def test_masked_max_pool_lengths_round_up(length, size, expected):
    x = -torch.rand(2, 1, 9) - 1.0  # negative, so a zero from padding would win
    lengths = torch.tensor([9, length])
    pad = padding_mask(lengths, 9)
    x = x.masked_fill(pad, 0.0)
    out, new_lengths, new_pad = masked_max_pool(x, lengths, pad, size)
    assert new_lengths.tolist() == [-(-9 // size), expected]
    alone, _, _ = masked_max_pool(x[1:, :, :length], None, None, size)
    assert alone.shape[-1] == expected
    torch.testing.assert_close(out[1, :, :expected], alone[0])
    assert (out[1, :, expected:] == 0).all()


def test_inception_kernels_scale_down_on_short_series():
    assert InceptionTimeNetwork(1, 2).effective_kernel_sizes == (40, 20, 10)
    assert InceptionTimeNetwork(1, 2, n_timepoints=150).effective_kernel_sizes == (
        40,
        20,
        10,
    )
    assert InceptionTimeNetwork(1, 2, n_timepoints=24).effective_kernel_sizes == (
        24,
        12,
        6,
    )
    assert InceptionTimeNetwork(1, 2, n_timepoints=2).effective_kernel_sizes == (
        2,
        1,
        1,
    )
    net = InceptionTimeNetwork(1, 2, n_timepoints=2)
    assert net.inception[0].convs[0].kernel_size == (2,)


def test_architectures_follow_the_papers():
    fcn = FCNNetwork(1, 2)
    convs = [m for m in fcn.modules() if isinstance(m, torch.nn.Conv1d)]
    assert [(c.out_channels, c.kernel_size[0]) for c in convs] == [
        (128, 8),
        (256, 5),
        (128, 3),
    ]
    resnet = ResNetNetwork(1, 2)
    assert [b.convs[0].conv.out_channels for b in resnet.blocks] == [64, 128, 128]
    inception = InceptionTimeNetwork(3, 2)
    assert len(inception.inception) == 6 and len(inception.shortcuts) == 2
    assert inception.head[-1].in_features == 128


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CNNNetwork(1, 2, pooling="sum"), "pooling"),
        (lambda: CNNNetwork(1, 2, n_filters=(4, 4), kernel_size=(3, 3, 3)), "entry"),
        (lambda: FCNNetwork(1, 2, kernel_sizes=(0, 3, 3)), "kernel_sizes"),
        (lambda: CNNLSTMNetwork(1, 2, cell="rnn"), "cell"),
        (lambda: LSTMFCNNetwork(1, 2, lstm_pooling="first"), "lstm_pooling"),
        (lambda: InceptionTimeNetwork(1, 2, bottleneck_size=-1), "bottleneck"),
        (lambda: ResNetNetwork(1, 2, n_filters=()), "empty"),
    ],
)
def test_bad_hyperparameters_raise_clear_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build()
