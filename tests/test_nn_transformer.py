"""TransformerNetwork (skseq.nn._transformer): padding, stems, positions."""

import pytest
import torch
from _networks import (
    N_CHANNELS,
    NetworkContract,
    fit_accuracy,
    network_fixture,
    padded_batch,
)

from skseq.nn import AttentionLSTMNetwork, TransformerNetwork

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


NETWORKS = [
    (
        f"transformer-{i}",
        TransformerNetwork(N_CHANNELS, 3, d_model=16, n_heads=2, **cfg),
    )
    for i, cfg in enumerate(TRANSFORMER_CONFIGS)
]


network = network_fixture(NETWORKS)


class TestNetworkContract(NetworkContract):
    network_class = TransformerNetwork


def test_padding_invariance_train_mode_without_dropout():
    # (kept as one test over both network kinds; the transformer's train-mode
    # slow path is what it was written for)
    # Training mode takes PyTorch's slow path; with dropout off it must agree.
    # (Without the feature batch norm: in training mode it normalises over
    # the batch by design, so a series alone is not the series in a batch;
    # test_padding_invariance_eval covers it.)
    x, lengths = padded_batch(seed=1)
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
    assert fit_accuracy(net, x, lengths, y, lr=3e-3, steps=80) > 0.95


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
