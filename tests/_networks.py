"""What every attention or transformer network of skseq.nn must do with padded
batches, as the tests of :class:`NetworkContract`, which test_nn_attention.py
and test_nn_transformer.py run on their own networks (each network class is
tested in its module's file)."""

import inspect

import pytest
import torch

N_CHANNELS = 3


def padded_batch(n=7, n_timepoints=31, n_channels=N_CHANNELS, seed=0):
    """Random panel with random lengths (one full-length), zero on padding."""
    gen = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, n_timepoints + 1, (n,), generator=gen)
    lengths[0] = n_timepoints
    lengths[1] = 1  # always exercise the shortest possible series
    x = torch.randn(n, n_channels, n_timepoints, generator=gen)
    observed = torch.arange(n_timepoints)[None, None, :] < lengths[:, None, None]
    return x * observed, lengths


def fit_accuracy(net, x, lengths, y, lr, steps):
    """Train ``net`` full-batch with Adam for ``steps`` steps; its accuracy
    on the same batch afterwards, in eval mode (the learning tests)."""
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x, lengths), y).backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        return (net(x, lengths).argmax(1) == y).float().mean().item()


def network_fixture(networks):
    """A ``network`` fixture over ``(name, network)`` pairs, seeded."""

    @pytest.fixture(params=networks, ids=[name for name, _ in networks])
    def network(request):
        torch.manual_seed(0)
        _, net = request.param
        return net

    return network


class NetworkContract:
    """The padding contract, as tests: a file subclasses it as ``Test…``,
    setting ``network_class`` and defining a ``network`` fixture
    (:func:`network_fixture`) over its networks."""

    network_class: type

    @pytest.mark.parametrize("grad", [False, True], ids=["no_grad", "grad"])
    def test_padding_invariance_eval(self, network, grad):
        # In eval mode (where PyTorch's transformer fast path kicks in without
        # grad) every instance gets the same logits alone as in a padded batch.
        network.eval()
        x, lengths = padded_batch()
        with torch.set_grad_enabled(grad):
            batched = network(x, lengths)
            for i, length in enumerate(lengths.tolist()):
                alone = network(x[i : i + 1, :, :length], lengths[i : i + 1])
                torch.testing.assert_close(
                    alone, batched[i : i + 1], atol=1e-5, rtol=1e-4
                )
                # lengths=None means "every step is observed"
                unspecified = network(x[i : i + 1, :, :length])
                torch.testing.assert_close(unspecified, alone, atol=1e-6, rtol=1e-6)

    def test_values_on_padded_steps_are_ignored(self, network):
        # The contract says padding is zero, but garbage there must not leak either.
        network.eval()
        x, lengths = padded_batch(seed=2)
        observed = torch.arange(x.shape[-1])[None, None, :] < lengths[:, None, None]
        garbage = torch.where(observed, x, torch.full_like(x, 1e3))
        with torch.no_grad():
            torch.testing.assert_close(
                network(garbage, lengths), network(x, lengths), atol=1e-5, rtol=1e-4
            )

    @pytest.mark.parametrize("n_timepoints", [1, 2, 3])
    def test_very_short_series(self, network, n_timepoints):
        network.eval()
        x = torch.randn(5, N_CHANNELS, n_timepoints)
        with torch.no_grad():
            out = network(x, torch.full((5,), n_timepoints))
        assert out.shape == (5, 3)
        assert torch.isfinite(out).all()

    def test_backward_reaches_every_parameter(self, network):
        network.train()
        x, lengths = padded_batch(seed=3)
        network(x, lengths).sum().backward()
        for name, param in network.named_parameters():
            assert param.grad is not None, name
            assert torch.isfinite(param.grad).all(), name

    def test_hyperparameters_are_plain_constructor_arguments(self):
        # skorch routes module__<name> into the constructor: no **kwargs allowed.
        cls = self.network_class
        params = inspect.signature(cls.__init__).parameters.values()
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in list(params)[1:])
        assert list(inspect.signature(cls.__init__).parameters)[1:3] == [
            "n_channels",
            "n_classes",
        ]
