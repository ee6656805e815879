"""Tests for skseq.losses: formulas, stability, errors and skorch integration."""

import inspect
import pickle

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp

from skseq.losses import (
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    FocalLoss,
    LogitAdjustedLoss,
)

REDUCTIONS = ["mean", "sum", "none"]


# ---------------------------------------------------------------- references
def _np_reduce(losses, w_t, reduction):
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / w_t.sum()


def np_focal(z, t, gamma, alpha=None, weight=None, reduction="mean"):
    """Focal loss straight from Lin et al. (2017), in float64 numpy."""
    z = np.asarray(z, dtype=np.float64)
    n, c = z.shape
    log_p = z - logsumexp(z, axis=1, keepdims=True)
    log_pt = log_p[np.arange(n), t]
    pt = np.exp(log_pt)
    a_t = np.ones(n) if alpha is None else np.asarray(alpha, dtype=float)[t]
    w_t = np.ones(n) if weight is None else np.asarray(weight, dtype=float)[t]
    losses = -w_t * a_t * (1.0 - pt) ** gamma * log_pt
    return _np_reduce(losses, w_t, reduction)


def np_class_balanced(z, t, counts, beta, gamma=0.0, weight=None, reduction="mean"):
    """Cui et al. (2019): weights (1-beta)/(1-beta^n), summing to C."""
    counts = np.asarray(counts, dtype=float)
    b = (1 - beta) / (1 - beta**counts)
    b = b / b.sum() * len(counts)
    return np_focal(z, t, gamma, alpha=b, weight=weight, reduction=reduction)


def np_logit_adjusted(z, t, counts, tau, weight=None, reduction="mean"):
    """Menon et al. (2021): cross-entropy of z + tau * log(prior)."""
    counts = np.asarray(counts, dtype=float)
    adjusted = np.asarray(z, dtype=np.float64) + tau * np.log(counts / counts.sum())
    return np_focal(adjusted, t, 0.0, weight=weight, reduction=reduction)


def _random_problem(rng, n=17, c=3, scale=3.0):
    z = rng.normal(scale=scale, size=(n, c)).astype(np.float32)
    t = rng.integers(0, c, size=n)
    t[:c] = np.arange(c)  # every class present
    return z, t


def _run(criterion, z, t):
    return criterion(torch.from_numpy(z), torch.from_numpy(t)).detach().numpy()


# ------------------------------------------------------------- focal loss
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, [0.2, 1.0, 3.0]])
def test_focal_gamma0_equals_cross_entropy_exactly(reduction, weight):
    z, t = _random_problem(np.random.default_rng(1), n=64)
    logits = torch.from_numpy(z)
    target = torch.from_numpy(t)
    w = None if weight is None else torch.tensor(weight)
    expected = F.cross_entropy(logits, target, weight=w, reduction=reduction)
    got = FocalLoss(gamma=0.0, weight=weight, reduction=reduction)(logits, target)
    assert torch.equal(got, expected)


def test_focal_gamma0_gradient_equals_cross_entropy():
    z, t = _random_problem(np.random.default_rng(2))
    a = torch.from_numpy(z).requires_grad_()
    b = torch.from_numpy(z).requires_grad_()
    target = torch.from_numpy(t)
    F.cross_entropy(a, target).backward()
    FocalLoss(gamma=0.0)(b, target).backward()
    assert torch.equal(a.grad, b.grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0, 4.5])
@pytest.mark.parametrize(
    "alpha, weight",
    [
        (None, None),
        ([0.25, 0.5, 2.0], None),
        (None, [1.0, 2.0, 0.5]),
        ([0.25, 0.5, 2.0], [1.0, 2.0, 0.5]),
    ],
)
def test_focal_matches_numpy_formula_multiclass(reduction, gamma, alpha, weight):
    z, t = _random_problem(np.random.default_rng(3), n=40, c=3)
    got = _run(FocalLoss(gamma, alpha=alpha, weight=weight, reduction=reduction), z, t)
    expected = np_focal(z, t, gamma, alpha=alpha, weight=weight, reduction=reduction)
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=1e-7)


@pytest.mark.parametrize("alpha", [0.25, 0.9])
def test_focal_scalar_alpha_binary_weights_positive_class(alpha):
    z, t = _random_problem(np.random.default_rng(4), n=30, c=2)
    got = _run(FocalLoss(2.0, alpha=alpha, reduction="none"), z, t)
    expected = np_focal(z, t, 2.0, alpha=[1 - alpha, alpha], reduction="none")
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=1e-7)


def test_focal_balanced_alpha_from_class_counts():
    counts = [80, 15, 5]
    z, t = _random_problem(np.random.default_rng(5), n=25, c=3)
    criterion = FocalLoss(1.5, alpha="balanced", class_counts=counts)
    expected_alpha = 100 / (3 * np.array(counts, dtype=float))
    np.testing.assert_allclose(criterion.alpha_.numpy(), expected_alpha, rtol=1e-6)
    np.testing.assert_allclose(
        _run(criterion, z, t), np_focal(z, t, 1.5, alpha=expected_alpha), rtol=2e-5
    )


def test_focal_gradient_matches_finite_differences():
    z, t = _random_problem(np.random.default_rng(6), n=6, c=4)
    logits = torch.from_numpy(z).double().requires_grad_()
    criterion = FocalLoss(2.0, alpha=[0.1, 0.2, 0.3, 0.4], weight=[1.0, 2, 3, 4])
    assert torch.autograd.gradcheck(
        lambda x: criterion(x, torch.from_numpy(t)), (logits,)
    )


def test_focal_down_weights_easy_samples():
    # the law behind focal loss: never above cross-entropy, lower for larger gamma
    z, t = _random_problem(np.random.default_rng(7), n=200)
    ce = _run(FocalLoss(0.0, reduction="none"), z, t)
    fl1 = _run(FocalLoss(1.0, reduction="none"), z, t)
    fl3 = _run(FocalLoss(3.0, reduction="none"), z, t)
    assert (fl1 <= ce + 1e-7).all() and (fl3 <= fl1 + 1e-7).all()
    assert (fl3 < ce).mean() > 0.9


# ------------------------------------------------ class-balanced / adjusted
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [0.0, 0.9, 0.999, 0.99999])
@pytest.mark.parametrize("loss, gamma", [("cross_entropy", 0.0), ("focal", 2.0)])
def test_class_balanced_matches_numpy_formula(reduction, beta, loss, gamma):
    counts = [500, 40, 3]
    z, t = _random_problem(np.random.default_rng(8), n=30, c=3)
    criterion = ClassBalancedLoss(
        beta, loss=loss, gamma=2.0, reduction=reduction, class_counts=counts
    )
    expected = np_class_balanced(z, t, counts, beta, gamma, reduction=reduction)
    np.testing.assert_allclose(_run(criterion, z, t), expected, rtol=2e-5, atol=1e-7)


def test_class_balanced_with_class_weight():
    counts, weight = [50, 10], [1.0, 3.0]
    z, t = _random_problem(np.random.default_rng(9), n=20, c=2)
    criterion = ClassBalancedLoss(0.99, weight=weight, class_counts=counts)
    expected = np_class_balanced(z, t, counts, 0.99, weight=weight)
    np.testing.assert_allclose(_run(criterion, z, t), expected, rtol=2e-5)


def test_class_balanced_limits():
    counts = [900, 90, 10]
    z, t = _random_problem(np.random.default_rng(10), n=20)
    # beta = 0: every class weighs 1, i.e. plain cross-entropy / focal loss
    np.testing.assert_allclose(
        _run(ClassBalancedLoss(0.0, class_counts=counts), z, t),
        _run(FocalLoss(0.0), z, t),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        _run(ClassBalancedLoss(0.0, "focal", 2.0, class_counts=counts), z, t),
        _run(FocalLoss(2.0), z, t),
        rtol=1e-6,
    )
    # beta -> 1: inverse class frequency
    w = ClassBalancedLoss(1 - 1e-9, class_counts=counts).class_weights_.numpy()
    inverse = 1 / np.array(counts, dtype=float)
    np.testing.assert_allclose(w, inverse / inverse.sum() * 3, rtol=1e-4)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("tau", [0.0, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("weight", [None, [2.0, 1.0, 0.5]])
def test_logit_adjusted_matches_numpy_formula(reduction, tau, weight):
    counts = [70, 25, 5]
    z, t = _random_problem(np.random.default_rng(11), n=30, c=3)
    criterion = LogitAdjustedLoss(
        tau, weight=weight, reduction=reduction, class_counts=counts
    )
    expected = np_logit_adjusted(z, t, counts, tau, weight, reduction)
    np.testing.assert_allclose(_run(criterion, z, t), expected, rtol=2e-5, atol=1e-7)


def test_logit_adjusted_tau0_is_cross_entropy_and_balanced_softmax_is_tau1():
    counts = [70, 25, 5]
    z, t = _random_problem(np.random.default_rng(12), n=30, c=3)
    ce = F.cross_entropy(torch.from_numpy(z), torch.from_numpy(t)).item()
    assert _run(LogitAdjustedLoss(0.0, class_counts=counts), z, t) == pytest.approx(ce)
    np.testing.assert_allclose(
        _run(BalancedSoftmaxLoss(class_counts=counts, reduction="none"), z, t),
        np_focal(z + np.log(np.array(counts, dtype=float)), t, 0.0, reduction="none"),
        rtol=2e-5,
    )
    np.testing.assert_allclose(
        _run(BalancedSoftmaxLoss(class_counts=counts), z, t),
        _run(LogitAdjustedLoss(1.0, class_counts=counts), z, t),
        rtol=1e-6,
    )


def test_logit_adjustment_favours_rare_class_at_equal_logits():
    # with equal logits the rare class costs more, pushing its raw logit up
    criterion = LogitAdjustedLoss(class_counts=[99, 1], reduction="none")
    losses = criterion(torch.zeros(2, 2), torch.tensor([0, 1]))
    assert losses[1] > losses[0]
    assert losses[1].item() == pytest.approx(-np.log(0.01), rel=1e-5)


# ----------------------------------------------------------- stability
_ALL_LOSSES = [
    lambda g: FocalLoss(g),
    lambda g: FocalLoss(g, alpha="balanced", class_counts=[1000, 10, 1]),
    lambda g: FocalLoss(g, weight=[1.0, 5.0, 50.0], reduction="sum"),
    lambda g: ClassBalancedLoss(0.9999, "focal", g, class_counts=[1000, 10, 1]),
    lambda g: ClassBalancedLoss(0.999, class_counts=[10**6, 10, 1]),
    lambda g: LogitAdjustedLoss(g, class_counts=[10**6, 10, 1]),
    lambda g: BalancedSoftmaxLoss(class_counts=[10**6, 10, 1], reduction="none"),
]

extreme = st.one_of(
    st.sampled_from([-1e4, 1e4, 0.0, -1e-30, 1e-30]),
    st.floats(-1e4, 1e4, allow_nan=False, width=32),
)


@settings(max_examples=150, deadline=None)
@given(
    logits=st.lists(st.lists(extreme, min_size=3, max_size=3), min_size=1, max_size=6),
    gamma=st.one_of(st.floats(0, 5), st.sampled_from([0.0, 0.25, 0.5, 1.0])),
    which=st.integers(0, len(_ALL_LOSSES) - 1),
    data=st.data(),
)
def test_losses_finite_for_extreme_logits(logits, gamma, which, data):
    n = len(logits)
    target = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    x = torch.tensor(logits, dtype=torch.float32, requires_grad=True)
    loss = _ALL_LOSSES[which](gamma)(x, torch.tensor(target))
    assert torch.isfinite(loss).all()
    loss.sum().backward()
    assert torch.isfinite(x.grad).all()


@settings(max_examples=60, deadline=None)
@given(
    logits=st.lists(
        st.lists(st.floats(-30, 30, width=32), min_size=2, max_size=2),
        min_size=1,
        max_size=8,
    ),
    gamma=st.floats(0, 5),
    data=st.data(),
)
def test_focal_matches_formula_property(logits, gamma, data):
    n = len(logits)
    t = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    z = np.array(logits, dtype=np.float32)
    got = _run(FocalLoss(gamma, reduction="none"), z, t)
    np.testing.assert_allclose(
        got, np_focal(z, t, gamma, reduction="none"), rtol=1e-4, atol=1e-6
    )


def test_half_precision_logits_are_computed_in_float32():
    z, t = _random_problem(np.random.default_rng(13), n=8)
    half = torch.from_numpy(z).to(torch.bfloat16)
    loss = FocalLoss(2.0)(half, torch.from_numpy(t))
    assert loss.dtype == torch.float32 and torch.isfinite(loss)


# --------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "make",
    [
        lambda: FocalLoss(alpha="balanced"),
        lambda: ClassBalancedLoss(),
        lambda: LogitAdjustedLoss(),
        lambda: BalancedSoftmaxLoss(),
    ],
)
def test_missing_class_counts_raises_clear_error(make):
    with pytest.raises(ValueError, match="class_counts"):
        make()


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: FocalLoss(gamma=-1), "gamma"),
        (lambda: FocalLoss(alpha=1.5), r"\[0, 1\]"),
        (lambda: FocalLoss(alpha="inverse"), "alpha must be"),
        (lambda: FocalLoss(alpha=[0.5, 0.5], weight=[1, 1, 1]), "different numbers"),
        (lambda: FocalLoss(weight=[1.0, -1.0]), "non-negative"),
        (lambda: FocalLoss(reduction="avg"), "reduction"),
        (lambda: FocalLoss(alpha="balanced", class_counts=[5, 0]), "no training"),
        (lambda: ClassBalancedLoss(beta=1.0, class_counts=[5, 1]), "beta"),
        (lambda: ClassBalancedLoss(loss="hinge", class_counts=[5, 1]), "loss must"),
        (lambda: ClassBalancedLoss(weight=[1, 1, 1], class_counts=[5, 1]), "entries"),
        (lambda: LogitAdjustedLoss(tau=np.inf, class_counts=[5, 1]), "tau"),
        (lambda: LogitAdjustedLoss(class_counts=[[5, 1]]), "1-D"),
    ],
)
def test_bad_parameters_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_inputs_raise_clear_errors():
    criterion = FocalLoss()
    with pytest.raises(ValueError, match=r"\(N, C\) with C >= 2"):
        criterion(torch.zeros(4), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match=r"\(N, C\) with C >= 2"):
        criterion(torch.zeros(4, 1), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="target of shape"):
        criterion(torch.zeros(4, 2), torch.zeros(3, dtype=torch.long))
    with pytest.raises(TypeError, match="integer class indices"):
        criterion(torch.zeros(4, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="only defined for binary"):
        FocalLoss(alpha=0.25)(torch.zeros(4, 3), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="configured for 3 classes"):
        BalancedSoftmaxLoss(class_counts=[1, 2, 3])(
            torch.zeros(4, 2), torch.zeros(4, dtype=torch.long)
        )
    # int32 targets are fine
    criterion(torch.zeros(4, 2), torch.zeros(4, dtype=torch.int32))


# -------------------------------------------------------------- contract
@pytest.mark.parametrize(
    "cls", [FocalLoss, ClassBalancedLoss, LogitAdjustedLoss, BalancedSoftmaxLoss]
)
def test_class_counts_hook_and_common_parameters(cls):
    # the classifier base sets criterion__class_counts for criteria that declare it
    params = inspect.signature(cls).parameters
    assert {"class_counts", "weight", "reduction"} <= set(params)
    criterion = cls(class_counts=[30, 10], weight=[1.0, 2.0], reduction="none")
    out = criterion(torch.randn(5, 2), torch.tensor([0, 1, 1, 0, 1]))
    assert out.shape == (5,)
    clone = pickle.loads(pickle.dumps(criterion))
    assert torch.equal(clone.weight, criterion.weight)


def test_reduction_none_allows_sample_weights():
    z, t = _random_problem(np.random.default_rng(14), n=12)
    sample_weight = torch.from_numpy(np.random.default_rng(0).uniform(0, 2, 12))
    per_sample = FocalLoss(2.0, reduction="none")(
        torch.from_numpy(z), torch.from_numpy(t)
    )
    weighted = (per_sample * sample_weight).sum() / sample_weight.sum()
    expected = (np_focal(z, t, 2.0, reduction="none") * sample_weight.numpy()).sum()
    assert weighted.item() == pytest.approx(expected / sample_weight.sum().item())


def test_buffers_follow_module_dtype():
    criterion = FocalLoss(alpha=[0.3, 0.7], weight=[1.0, 2.0]).double()
    assert criterion.alpha_.dtype == torch.float64
    z, t = _random_problem(np.random.default_rng(15), n=5, c=2)
    loss = criterion(torch.from_numpy(z).double(), torch.from_numpy(t))
    assert loss.dtype == torch.float64


# ------------------------------------------------------- skorch, real data
class _Flat(torch.nn.Module):
    def __init__(self, n_in, n_classes=2):
        super().__init__()
        self.lin = torch.nn.Linear(n_in, n_classes)

    def forward(self, X):
        return self.lin(X.flatten(1))


@pytest.fixture(scope="module")
def imbalanced_gunpoint():
    """GunPoint cut to 10:1 in training; the rest held out."""
    from sktime.datasets import load_gunpoint

    X, y = load_gunpoint(return_type="numpy3D")
    y = (y == "2").astype(np.int64)
    X = X.astype(np.float32)
    X = (X - X.mean(axis=2, keepdims=True)) / X.std(axis=2, keepdims=True)
    rng = np.random.default_rng(0)
    i0 = rng.permutation(np.flatnonzero(y == 0))
    i1 = rng.permutation(np.flatnonzero(y == 1))
    train, test = np.r_[i0[:70], i1[:7]], np.r_[i0[70:], i1[7:]]
    return X[train], y[train], X[test], y[test]


def _fit_recall(data, criterion, **params):
    """Held-out minority recall of a linear skorch net trained with criterion."""
    from sklearn.metrics import recall_score
    from skorch import NeuralNetClassifier

    X, y, X_test, y_test = data
    torch.manual_seed(0)
    net = NeuralNetClassifier(
        _Flat,
        module__n_in=X.shape[1] * X.shape[2],
        criterion=criterion,
        **{f"criterion__{k}": v for k, v in params.items()},
        max_epochs=30,
        lr=0.01,
        batch_size=32,
        train_split=None,
        verbose=0,
    )
    net.fit(X, y)
    assert np.isfinite(net.history[:, "train_loss"]).all()
    return net, recall_score(y_test, net.predict(X_test))


@pytest.mark.learning
@pytest.mark.parametrize(
    "criterion, params",
    [
        (FocalLoss, {"gamma": 2.0, "alpha": "balanced"}),
        (ClassBalancedLoss, {"beta": 0.99, "loss": "focal"}),
        (LogitAdjustedLoss, {"tau": 1.0}),
        (BalancedSoftmaxLoss, {}),
    ],
)
def test_losses_lift_minority_recall_in_skorch_on_gunpoint(
    imbalanced_gunpoint, criterion, params
):
    _, baseline = _fit_recall(imbalanced_gunpoint, torch.nn.CrossEntropyLoss)
    counts = np.bincount(imbalanced_gunpoint[1])
    net, recall = _fit_recall(
        imbalanced_gunpoint, criterion, class_counts=counts, **params
    )
    # same net, seed and epochs: only the criterion differs (measured: 0.22 for
    # cross-entropy, 0.84-0.88 for these losses)
    assert recall > baseline + 0.2
    # set_params with criterion__* rebuilds the criterion
    net.set_params(criterion__class_counts=[10, 10])
    assert list(net.criterion_.class_counts) == [10, 10]
