"""Tests for the attention-LSTM and transformer networks in skseq.nn."""

import inspect

import pytest
import torch

from skseq.nn import AttentionLSTMNetwork, TransformerNetwork

N_CHANNELS = 3


def _padded_batch(n=7, n_timepoints=31, n_channels=N_CHANNELS, seed=0):
    """Random panel with random lengths (one full-length), zero on padding."""
    gen = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, n_timepoints + 1, (n,), generator=gen)
    lengths[0] = n_timepoints
    lengths[1] = 1  # always exercise the shortest possible series
    x = torch.randn(n, n_channels, n_timepoints, generator=gen)
    observed = torch.arange(n_timepoints)[None, None, :] < lengths[:, None, None]
    return x * observed, lengths


TRANSFORMER_CONFIGS = [
    {},
    {"stem": "linear", "patch_size": 1},
    {"pooling": "cls"},
    {"positional_encoding": "sinusoidal"},
    {"positional_encoding": "none", "pooling": "cls"},
    {"stem": "linear", "patch_size": 4},
    # a patch longer than most series in the batch
    {"stem": "linear", "patch_size": 16, "pooling": "cls"},
    {"stem": "conv", "patch_size": 1},
    {"stem": "conv", "patch_size": 3},
    {"stem": "conv", "patch_size": 8, "kernel_size": 5, "pooling": "cls"},
    {"norm_first": False, "activation": "relu"},
]


def _networks():
    yield "attention", AttentionLSTMNetwork(N_CHANNELS, 3, hidden_size=8)
    yield (
        "attention-dense",
        AttentionLSTMNetwork(
            N_CHANNELS, 3, dense_sizes=(16, 8), hidden_size=8, num_layers=2
        ),
    )
    yield (
        "attention-unidirectional",
        AttentionLSTMNetwork(N_CHANNELS, 3, hidden_size=8, bidirectional=False),
    )
    for i, cfg in enumerate(TRANSFORMER_CONFIGS):
        yield (
            f"transformer-{i}",
            TransformerNetwork(N_CHANNELS, 3, d_model=16, n_heads=2, **cfg),
        )


NETWORKS = list(_networks())


@pytest.fixture(params=NETWORKS, ids=[name for name, _ in NETWORKS])
def network(request):
    torch.manual_seed(0)
    _, net = request.param
    return net


@pytest.mark.parametrize("grad", [False, True], ids=["no_grad", "grad"])
def test_padding_invariance_eval(network, grad):
    # In eval mode (where PyTorch's transformer fast path kicks in without
    # grad) every instance gets the same logits alone as in a padded batch.
    network.eval()
    x, lengths = _padded_batch()
    with torch.set_grad_enabled(grad):
        batched = network(x, lengths)
        for i, length in enumerate(lengths.tolist()):
            alone = network(x[i : i + 1, :, :length], lengths[i : i + 1])
            torch.testing.assert_close(alone, batched[i : i + 1], atol=1e-5, rtol=1e-4)
            # lengths=None means "every step is observed"
            unspecified = network(x[i : i + 1, :, :length])
            torch.testing.assert_close(unspecified, alone, atol=1e-6, rtol=1e-6)


def test_padding_invariance_train_mode_without_dropout():
    # Training mode takes PyTorch's slow path; with dropout off it must agree.
    # (Without the feature batch norm: in training mode it normalises over
    # the batch by design, so a series alone is not the series in a batch;
    # test_padding_invariance_eval covers it.)
    x, lengths = _padded_batch(seed=1)
    nets = [
        AttentionLSTMNetwork(
            N_CHANNELS, 2, dense_sizes=(8,), hidden_size=8, feature_norm=False
        ),
        TransformerNetwork(N_CHANNELS, 2, d_model=16, n_heads=2, dropout=0.0),
        TransformerNetwork(
            N_CHANNELS,
            2,
            d_model=16,
            n_heads=2,
            dropout=0.0,
            stem="conv",
            patch_size=4,
            pooling="cls",
        ),
    ]
    for net in nets:
        net.train()
        batched = net(x, lengths)
        for i, length in enumerate(lengths.tolist()):
            alone = net(x[i : i + 1, :, :length], lengths[i : i + 1])
            torch.testing.assert_close(alone, batched[i : i + 1], atol=1e-5, rtol=1e-4)


def test_values_on_padded_steps_are_ignored(network):
    # The contract says padding is zero, but garbage there must not leak either.
    network.eval()
    x, lengths = _padded_batch(seed=2)
    observed = torch.arange(x.shape[-1])[None, None, :] < lengths[:, None, None]
    garbage = torch.where(observed, x, torch.full_like(x, 1e3))
    with torch.no_grad():
        torch.testing.assert_close(
            network(garbage, lengths), network(x, lengths), atol=1e-5, rtol=1e-4
        )


@pytest.mark.parametrize("n_timepoints", [1, 2, 3])
def test_very_short_series(network, n_timepoints):
    network.eval()
    x = torch.randn(5, N_CHANNELS, n_timepoints)
    with torch.no_grad():
        out = network(x, torch.full((5,), n_timepoints))
    assert out.shape == (5, 3)
    assert torch.isfinite(out).all()


def test_backward_reaches_every_parameter(network):
    network.train()
    x, lengths = _padded_batch(seed=3)
    network(x, lengths).sum().backward()
    for name, param in network.named_parameters():
        assert param.grad is not None, name
        assert torch.isfinite(param.grad).all(), name


@pytest.mark.parametrize("cls", [AttentionLSTMNetwork, TransformerNetwork])
def test_hyperparameters_are_plain_constructor_arguments(cls):
    # skorch routes module__<name> into the constructor: no **kwargs allowed.
    params = inspect.signature(cls.__init__).parameters.values()
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in list(params)[1:])
    assert list(inspect.signature(cls.__init__).parameters)[1:3] == [
        "n_channels",
        "n_classes",
    ]


def test_attention_weights_are_a_distribution_over_observed_steps():
    torch.manual_seed(0)
    net = AttentionLSTMNetwork(N_CHANNELS, 2, hidden_size=8, attention_size=8).eval()
    x, lengths = _padded_batch(seed=4)
    with torch.no_grad():
        weights = net.attention(x, lengths)
    assert weights.shape == (x.shape[0], x.shape[-1])
    observed = torch.arange(x.shape[-1])[None, :] < lengths[:, None]
    assert (weights[~observed] == 0).all()  # exactly zero, not merely small
    assert (weights[observed] > 0).all()
    torch.testing.assert_close(weights.sum(1), torch.ones(x.shape[0]))
    # the length-1 series puts all its weight on its only step
    assert weights[1, 0].item() == pytest.approx(1.0)
    with torch.no_grad():
        for i, length in enumerate(lengths.tolist()):
            alone = net.attention(x[i : i + 1, :, :length], lengths[i : i + 1])
            torch.testing.assert_close(
                alone[0], weights[i, :length], atol=1e-6, rtol=1e-5
            )


@pytest.mark.learning
def test_attention_lstm_learns_a_spike_task():
    # The class is the sign of one spike at a random position in noise; the
    # attention pooling must pass it to the head. (Where a BiLSTM's attention
    # points is not checked: the recurrence spreads the spike over all steps,
    # so attention weights need not peak at it.)
    gen = torch.Generator().manual_seed(0)
    n, n_timepoints = 256, 20
    x = 0.1 * torch.randn(n, 1, n_timepoints, generator=gen)
    where = torch.randint(0, n_timepoints, (n,), generator=gen)
    y = torch.randint(0, 2, (n,), generator=gen)
    x[torch.arange(n), 0, where] = 3.0 * (2.0 * y - 1.0)
    lengths = torch.randint(n_timepoints // 2, n_timepoints + 1, (n,), generator=gen)
    lengths = torch.maximum(lengths, where + 1)
    torch.manual_seed(0)
    net = AttentionLSTMNetwork(1, 2, hidden_size=16, attention_size=16)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(60):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x, lengths), y).backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        accuracy = (net(x, lengths).argmax(1) == y).float().mean().item()
    assert accuracy > 0.95


@pytest.mark.learning
def test_transformer_learns_order_dependent_task():
    # Class = whether the bump comes early or late: only solvable with
    # positional information, so this fails if positions are lost.
    gen = torch.Generator().manual_seed(0)
    n, n_timepoints = 256, 16
    x = 0.1 * torch.randn(n, 1, n_timepoints, generator=gen)
    y = torch.randint(0, 2, (n,), generator=gen)
    where = torch.randint(0, n_timepoints // 2, (n,), generator=gen)
    where = where + y * (n_timepoints // 2)
    x[torch.arange(n), 0, where] = 2.0
    lengths = torch.full((n,), n_timepoints)
    torch.manual_seed(0)
    net = TransformerNetwork(1, 2, d_model=16, n_heads=2, num_layers=1, dropout=0.0)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for _ in range(80):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x, lengths), y).backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        accuracy = (net(x, lengths).argmax(1) == y).float().mean().item()
    assert accuracy > 0.95


@pytest.mark.parametrize(
    "cfg",
    [
        {"stem": "linear", "patch_size": 1},
        {"stem": "linear", "patch_size": 4},
        {"stem": "linear", "patch_size": 7},
        {"stem": "conv", "patch_size": 1},
        {"stem": "conv", "patch_size": 4},
        {"stem": "conv", "patch_size": 5, "kernel_size": 3},
    ],
)
def test_token_lengths_match_the_stem(cfg):
    net = TransformerNetwork(2, 2, d_model=8, n_heads=2, **cfg)
    for length in range(1, 25):
        tokens, tok_lengths = net._tokens(
            torch.randn(1, 2, length), torch.tensor([length])
        )
        assert tokens.shape[1] == tok_lengths.item() >= 1
    expected = -(-24 // cfg["patch_size"])  # ceil
    assert net.token_lengths(torch.tensor([24])).item() == expected


def test_learned_positions_reject_too_long_series():
    net = TransformerNetwork(1, 2, d_model=8, n_heads=2, patch_size=4, max_len=3)
    net(torch.randn(2, 1, 12))  # 3 tokens
    with pytest.raises(ValueError, match="max_len"):
        net(torch.randn(2, 1, 13))
    net = TransformerNetwork(1, 2, d_model=8, n_heads=2, patch_size=1, max_len=10)
    net(torch.randn(2, 1, 10))
    with pytest.raises(ValueError, match="max_len"):
        net(torch.randn(2, 1, 11))
    # sinusoidal positions have no limit
    net = TransformerNetwork(
        1, 2, d_model=8, n_heads=2, max_len=10, positional_encoding="sinusoidal"
    )
    assert net(torch.randn(2, 1, 50)).shape == (2, 2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"d_model": 10, "n_heads": 4}, "divisible"),
        ({"stem": "patch"}, "stem"),
        ({"pooling": "max"}, "pooling"),
        ({"positional_encoding": "rotary"}, "positional_encoding"),
        ({"patch_size": 0}, "patch_size"),
        ({"stem": "conv", "kernel_size": 4}, "kernel_size"),
    ],
)
def test_transformer_rejects_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TransformerNetwork(2, 2, **kwargs)
