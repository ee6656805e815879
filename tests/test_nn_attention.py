"""AttentionLSTMNetwork (skseq.nn._attention): padding, short series, weights."""

import pytest
import torch
from _networks import (
    N_CHANNELS,
    NetworkContract,
    fit_accuracy,
    network_fixture,
    padded_batch,
)

from skseq.nn import AttentionLSTMNetwork

NETWORKS = [
    ("attention", AttentionLSTMNetwork(N_CHANNELS, 3, hidden_size=8)),
    (
        "attention-dense",
        AttentionLSTMNetwork(
            N_CHANNELS, 3, dense_sizes=(16, 8), hidden_size=8, num_layers=2
        ),
    ),
    (
        "attention-unidirectional",
        AttentionLSTMNetwork(N_CHANNELS, 3, hidden_size=8, bidirectional=False),
    ),
]


network = network_fixture(NETWORKS)


class TestNetworkContract(NetworkContract):
    network_class = AttentionLSTMNetwork


def test_attention_weights_are_a_distribution_over_observed_steps():
    torch.manual_seed(0)
    net = AttentionLSTMNetwork(N_CHANNELS, 2, hidden_size=8, attention_size=8).eval()
    x, lengths = padded_batch(seed=4)
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
    assert fit_accuracy(net, x, lengths, y, lr=1e-2, steps=60) > 0.95
