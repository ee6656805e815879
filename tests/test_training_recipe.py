"""The default training recipe (issue 12): warm-up + cosine learning rate, the
best training epoch restored, a warning at chance level, and the feature batch
norm of the recurrent networks."""

import math
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback, LRScheduler

from skseq.callbacks import ChanceLevelCheck, WarmupCosineLR, chance_loss
from skseq.classifiers import FCNClassifier, LSTMClassifier
from skseq.nn import FeatureBatchNorm, LSTMNetwork


@pytest.fixture(scope="module")
def italy(italy_train):
    return italy_train


class _RecordLR(Callback):
    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            self.lrs.append(net.optimizer_.param_groups[0]["lr"])

    def on_train_begin(self, net, **kwargs):
        self.lrs = []


def _tiny(**kwargs):
    params = {"module__hidden_size": 4, "max_epochs": 4, "random_state": 0}
    params.update(kwargs)
    return LSTMClassifier(**params)


def test_warmup_cosine_factor_is_the_documented_curve():
    sched = WarmupCosineLR(warmup=0.2, final_factor=0.1).initialize()
    assert sched.factor(0.0) == 0.0
    assert sched.factor(0.1) == pytest.approx(0.5)
    assert sched.factor(0.2) == pytest.approx(1.0)
    assert sched.factor(0.6) == pytest.approx(0.1 + 0.9 * 0.5)
    assert sched.factor(1.0) == pytest.approx(0.1)
    values = [sched.factor(p) for p in np.linspace(0.2, 1.0, 50)]
    assert all(a >= b for a, b in zip(values, values[1:]))  # decays monotonically


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"warmup": 1.0}, "warmup must be in"),
        ({"warmup": -0.1}, "warmup must be in"),
        ({"final_factor": 2.0}, "final_factor must be in"),
    ],
)
def test_warmup_cosine_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WarmupCosineLR(**kwargs).initialize()


def test_every_batch_runs_on_the_schedule(italy):
    X, y = italy  # 67 series, batch 16: 5 batches per epoch
    record = _RecordLR()
    clf = _tiny(lr=0.01, max_epochs=10, callbacks=[("record", record)]).fit(X, y)
    lrs = np.array(record.lrs)
    n = len(lrs)
    assert n == 10 * math.ceil(len(X) / 16)
    sched = WarmupCosineLR()
    expected = [0.01 * sched.factor(max(k / n, 1 / n)) for k in range(n)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)
    assert lrs.argmax() == n // 10  # the peak ends the 10% warm-up
    # skorch's own setting is left as configured for a later partial_fit
    assert clf.optimizer_.param_groups[0]["lr"] == 0.01


def test_no_schedule_and_user_schedulers_keep_their_lr(italy):
    X, y = italy
    record = _RecordLR()
    _tiny(lr=0.01, lr_schedule=None, callbacks=[("r", record)]).fit(X, y)
    assert set(record.lrs) == {0.01}
    # a skorch LRScheduler of the user's replaces ours
    record = _RecordLR()
    user = LRScheduler(policy=torch.optim.lr_scheduler.StepLR, step_size=1, gamma=0.5)
    clf = _tiny(lr=0.01, callbacks=[("user", user), ("r", record)]).fit(X, y)
    assert "lr_schedule" not in dict(clf.callbacks_)
    assert sorted(set(record.lrs), reverse=True) == [0.01, 0.005, 0.0025, 0.00125]


def test_bad_lr_schedule_names_the_choices(italy):
    X, y = italy
    with pytest.raises(
        ValueError, match="'lr_schedule' parameter.*'warmup_cosine'.*LRScheduler"
    ):
        _tiny(lr_schedule="cosine").fit(X, y)


class _Diverge(Callback):
    """Blow the output layer up before the last epoch, as a divergence would
    (batch norm would undo a scaling of the layers before it)."""

    def on_epoch_begin(self, net, **kwargs):
        if len(net.history) == net.max_epochs:
            last = [m for m in net.module_.modules() if isinstance(m, torch.nn.Linear)]
            with torch.no_grad():
                last[-1].weight.add_(torch.randn_like(last[-1].weight) * 50)


def test_restore_best_loads_the_lowest_training_loss_epoch(italy):
    X, y = italy
    clf = FCNClassifier(
        module__n_filters=(8, 8, 8),
        max_epochs=6,
        random_state=0,
        callbacks=[("diverge", _Diverge())],
    ).fit(X, y)
    losses = clf.history[:, "train_loss"]
    best = int(np.argmin(losses)) + 1
    assert best < 6 and losses[-1] > min(losses)
    assert clf.best_train_epoch_ == best
    assert clf.history[-1, "restored_epoch"] == best
    # the same run without the guard keeps the diverged weights
    plain = FCNClassifier(
        module__n_filters=(8, 8, 8),
        max_epochs=6,
        random_state=0,
        restore_best=False,
        callbacks=[("diverge", _Diverge())],
    ).fit(X, y)
    assert "restored_epoch" not in plain.history[-1]
    assert np.array_equal(plain.history[:, "train_loss"], losses)
    assert (clf.predict(X) == y).mean() > (plain.predict(X) == y).mean()


def test_restore_best_is_off_with_early_stopping(italy):
    X, y = italy
    clf = _tiny(early_stopping=True, max_epochs=3).fit(X, y)
    names = dict(clf.callbacks_)
    assert "restore_best" not in names and "early_stopping" in names


def test_early_stopping_waits_for_the_warmup(italy):
    X, y = italy
    # patience 1 would stop at epoch 2 if the validation loss rose once; the
    # grace covers the warm-up (10% of 30 epochs = 3)
    clf = _tiny(early_stopping=True, patience=1, max_epochs=30, lr=1e-5)
    clf.fit(X, y)
    assert (
        clf.callbacks_[[n for n, _ in clf.callbacks_].index("early_stopping")][
            1
        ].grace_epochs
        == 3
    )
    assert len(clf.history) >= 3


def test_chance_loss_is_the_loss_of_the_class_frequencies(italy):
    X, y = italy
    clf = _tiny(max_epochs=1).fit(X, y)
    p = clf.class_counts_ / clf.class_counts_.sum()
    assert clf.chance_loss_ == pytest.approx(-(p * np.log(p)).sum(), rel=1e-5)
    assert chance_loss(clf) == pytest.approx(clf.chance_loss_)
    # balanced class weights: uniform probabilities are the better constant
    weighted = _tiny(max_epochs=1, class_weight="balanced").fit(X[:40], y[:40])
    assert weighted.chance_loss_ == pytest.approx(np.log(2), rel=1e-5)


def test_a_fit_at_chance_warns_and_says_so(italy):
    X, y = italy
    with pytest.warns(ConvergenceWarning, match="no better than always predicting"):
        clf = _tiny(lr=1e-9, max_epochs=2).fit(X, y)
    assert clf.fit_at_chance_
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        good = FCNClassifier(
            module__n_filters=(8, 8, 8), max_epochs=20, random_state=0
        ).fit(X, y)
    assert not good.fit_at_chance_
    assert good.history[-1, "train_loss"] < 0.95 * good.chance_loss_
    # the check can be switched off like any default callback
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        _tiny(lr=1e-9, max_epochs=2, callbacks__chance_check=None).fit(X, y)


def test_chance_check_tolerance():
    assert ChanceLevelCheck().tol == 0.95


def test_feature_batch_norm_accepts_a_single_series_in_training():
    norm = FeatureBatchNorm(3).train()
    before = norm.running_mean.clone()
    out = norm(torch.ones(1, 3) * 4)
    # normalised with the running statistics (0 mean, unit variance), unchanged
    torch.testing.assert_close(out, torch.ones(1, 3) * 4 / math.sqrt(1 + norm.eps))
    assert torch.equal(norm.running_mean, before)
    batch = norm(torch.randn(8, 3))
    torch.testing.assert_close(batch.mean(0), torch.zeros(3), atol=1e-5, rtol=0)


def test_recurrent_networks_normalise_pooled_features_by_default():
    net = LSTMNetwork(n_channels=1, n_classes=2, hidden_size=4)
    assert isinstance(net.head[0], FeatureBatchNorm)
    plain = LSTMNetwork(n_channels=1, n_classes=2, hidden_size=4, feature_norm=False)
    assert not any(isinstance(m, FeatureBatchNorm) for m in plain.modules())


def test_a_training_set_whose_last_batch_holds_one_series_fits(italy):
    X, y = italy  # 67 = 4 * 16 + 3; 65 = 4 * 16 + 1
    clf = _tiny(max_epochs=2).fit(X[:65], y[:65])
    assert clf.predict(X[:3]).shape == (3,)


# ------------------------------------------------------ divergence, Ctrl-C
def test_a_diverging_finite_loss_stops_fit_like_nan(italy):
    X, y = italy
    # lr=1e6 reaches losses of 1e10+ within an epoch, finite all the way
    with pytest.raises(FloatingPointError, match="diverged to .*chance level"):
        _tiny(lr=1e6, max_epochs=3).fit(X, y)


class _CtrlC(Callback):
    """Ctrl-C in the middle of epoch 2."""

    def on_batch_end(self, net, training=False, **kwargs):
        if training and len(net.history) == 2:
            raise KeyboardInterrupt


def test_an_interrupted_fit_says_so_and_still_predicts(italy):
    X, y = italy
    clf = _tiny(max_epochs=5, callbacks=[("ctrl_c", _CtrlC())])
    with pytest.warns(UserWarning, match="interrupted during epoch 2 of 5"):
        clf.fit(X, y)
    assert clf.fit_interrupted_ is True
    assert set(clf.predict(X)) <= set(clf.classes_)
    # training on clears the flag
    clf.set_params(callbacks=None).partial_fit(X, y)
    assert clf.fit_interrupted_ is False


def test_early_stopping_is_not_an_interruption(italy, recwarn):
    X, y = italy
    clf = _tiny(max_epochs=40, early_stopping=True, patience=1).fit(X, y)
    assert len(clf.history_) < 40  # it did stop early, by KeyboardInterrupt
    assert clf.fit_interrupted_ is False
    assert not [w for w in recwarn if "interrupted" in str(w.message)]
