"""skseq classifiers trained through Hugging Face Accelerate (on CPU).

What a CPU can check: one process (``Accelerator(cpu=True)``) must compute
exactly what the plain classifier computes; bf16 autocast runs on CPU (where
the CPU has oneDNN's bf16 LSTM: skipped with the reason elsewhere); and
accelerate's ``debug_launcher`` starts real data-parallel training on two CPU
processes (gloo), which checks the batch split, gradient syncing, the shared
seed and early stopping under DistributedDataParallel. GPU placement and fp16
are not exercised here.
"""

import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Callback
from skorch.exceptions import DeviceWarning
from skorch.hf import AccelerateMixin

from skseq.classifiers import (
    AttentionLSTMClassifier,
    FCNClassifier,
    LSTMClassifier,
    accelerated,
)
from skseq.classifiers._data import PanelBatchIterator, PanelDataset
from skseq.datasets import load_dataset

accelerate = pytest.importorskip("accelerate")
from _instances import test_params  # noqa: E402
from accelerate import Accelerator  # noqa: E402
from accelerate.state import AcceleratorState, GradientState  # noqa: E402

# max_grad_norm small enough that clipping acts on (nearly) every step
# The equivalence tests compare update arithmetic (accumulation, processes,
# clipping), so they train with a constant learning rate, keep the last epoch
# and leave out the feature batch norm (whose statistics depend on the batch
# each process sees).
PLAIN_RECIPE = {
    "lr_schedule": None,
    "restore_best": False,
    "module__feature_norm": False,
}
LSTM_KW = {
    "module__hidden_size": 4,
    "max_epochs": 3,
    "lr": 0.01,
    "random_state": 0,
    "max_grad_norm": 0.05,
    **PLAIN_RECIPE,
}


def _reset_accelerate():
    # accelerate keeps one process-wide state; a new mixed precision setting
    # needs a fresh one (what accelerate's own test cases do between tests)
    AcceleratorState._reset_state(reset_partial_state=True)
    GradientState._reset_state()


@pytest.fixture
def cpu_accelerator():
    _reset_accelerate()
    yield Accelerator(cpu=True)
    _reset_accelerate()


@pytest.fixture(scope="module")
def gunpoint(gunpoint_train):
    return gunpoint_train


def _weights(net):
    return {k: v.detach().clone() for k, v in net.module_.state_dict().items()}


def _assert_same_weights(a, b):
    wa, wb = _weights(a), _weights(b)
    assert wa.keys() == wb.keys()
    for key in wa:
        assert torch.equal(wa[key], wb[key]), key


# ------------------------------------------------------------- one process
@pytest.mark.parametrize(
    "cls, params",
    [
        (LSTMClassifier, LSTM_KW),
        # batch norm + precise BN, class weights, early stopping with restore
        (
            FCNClassifier,
            {
                **test_params(FCNClassifier),
                "max_epochs": 4,
                "early_stopping": True,
                "patience": 1,
                "class_weight": "balanced",
                "max_grad_norm": 0.05,
            },
        ),
    ],
    ids=["LSTM", "FCN"],
)
def test_one_process_is_bit_identical_to_the_plain_classifier(
    cpu_accelerator, gunpoint, cls, params
):
    X, y = gunpoint
    plain = cls(**params).fit(X, y)
    acc = accelerated(cls)(accelerator=cpu_accelerator, **params).fit(X, y)
    _assert_same_weights(acc, plain)
    np.testing.assert_array_equal(acc.predict_proba(X), plain.predict_proba(X))
    # and so is further training
    plain.partial_fit(X, y)
    acc.partial_fit(X, y)
    _assert_same_weights(acc, plain)


class _Snapshot(Callback):
    """Keeps the weights as they were when training started."""

    def on_train_begin(self, net, **kwargs):
        net.initial_weights_ = [p.detach().clone() for p in net.module_.parameters()]


def _update_norm(net):
    now = [p.detach() for p in net.module_.parameters()]
    return float(
        torch.sqrt(sum(((a - b) ** 2).sum() for a, b in zip(now, net.initial_weights_)))
    )


def test_gradients_are_clipped_through_the_accelerator(cpu_accelerator, gunpoint):
    X, y = gunpoint
    # one full-batch plain SGD step: the update is lr * (clipped) gradient
    params = {
        "module__hidden_size": 4,
        "max_epochs": 1,
        "batch_size": -1,
        "optimizer": torch.optim.SGD,
        "lr": 1.0,
        "random_state": 0,
        "callbacks": [("snapshot", _Snapshot())],
        **PLAIN_RECIPE,
    }
    cls = accelerated(LSTMClassifier)
    clipped = cls(accelerator=cpu_accelerator, max_grad_norm=1e-4, **params).fit(X, y)
    free = cls(accelerator=cpu_accelerator, max_grad_norm=None, **params).fit(X, y)
    assert _update_norm(clipped) == pytest.approx(1e-4, rel=1e-3)
    assert _update_norm(free) > 100 * 1e-4


def test_gradient_accumulation_trains_like_a_larger_batch(gunpoint):
    X, y = gunpoint
    _reset_accelerate()
    try:
        accelerator = Accelerator(cpu=True, gradient_accumulation_steps=2)
        cls = accelerated(LSTMClassifier)
        acc = cls(accelerator=accelerator, batch_size=5, **LSTM_KW).fit(X, y)
    finally:
        _reset_accelerate()
    # 2 accumulated batches of 5 = one batch of 10, up to float32 rounding
    ten = _weights(LSTMClassifier(batch_size=10, **LSTM_KW).fit(X, y))
    five = _weights(LSTMClassifier(batch_size=5, **LSTM_KW).fit(X, y))
    for key, value in _weights(acc).items():
        torch.testing.assert_close(value, ten[key], rtol=0, atol=1e-5)
    assert not torch.allclose(_weights(acc)["head.1.weight"], five["head.1.weight"])


class _AutocastProbe(Callback):
    """Records the dtype the network's output layer computes in."""

    def on_train_begin(self, net, **kwargs):
        net.dtypes_ = []
        linear = [m for m in net.module_.modules() if isinstance(m, torch.nn.Linear)]
        linear[-1].register_forward_hook(
            lambda module, args, out: net.dtypes_.append(out.dtype)
        )


def test_bf16_mixed_precision_runs_on_cpu(gunpoint, needs_bf16_lstm):
    X, y = gunpoint
    _reset_accelerate()
    try:
        accelerator = Accelerator(cpu=True, mixed_precision="bf16")
        clf = accelerated(LSTMClassifier)(
            accelerator=accelerator, callbacks=[("probe", _AutocastProbe())], **LSTM_KW
        ).fit(X, y)
        assert set(clf.dtypes_) == {torch.bfloat16}  # autocast while training
        assert all(p.dtype == torch.float32 for p in clf.module_.parameters())
        clf.dtypes_.clear()
        proba = clf.predict_proba(X)
        # unwrapped after training: predictions run in float32
        assert set(clf.dtypes_) == {torch.float32}
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    finally:
        _reset_accelerate()


# ------------------------------------------------------ splitting batches
def _panel(n=50, length=12):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 1, length)).astype(np.float32)
    lengths = rng.integers(3, length + 1, size=n)
    for i, n_obs in enumerate(lengths):
        X[i, :, n_obs:] = np.nan
    return PanelDataset(X, lengths, y=np.arange(n), y_encoded=np.arange(n))


def _rows(iterator):
    return [batch[1].tolist() for batch in iterator]


@pytest.mark.parametrize(
    "options",
    [
        {"shuffle": True},
        {"shuffle": True, "bucket_by_length": True},
        {"sample_weights": np.linspace(1.0, 2.0, 50)},
    ],
    ids=["shuffle", "bucketed", "weighted"],
)
@pytest.mark.parametrize("batch_size, n_shards", [(5, 2), (5, 3), (7, 2), (20, 4)])
def test_shards_interleave_one_global_order(options, batch_size, n_shards):
    dataset = _panel()
    whole = _rows(PanelBatchIterator(dataset, batch_size, seed=3, **options))
    shards = [
        PanelBatchIterator(
            dataset, batch_size, seed=3, num_shards=n_shards, shard_index=r, **options
        )
        for r in range(n_shards)
    ]
    per_shard = [_rows(it) for it in shards]
    steps = -(-len(whole) // n_shards)
    # every process runs the same number of steps, and len() says how many
    assert all(len(rows) == steps == len(it) for rows, it in zip(per_shard, shards))
    for t in range(steps):
        for r in range(n_shards):
            # step t of process r is global batch t * n_shards + r, wrapping
            # around to the first batches when the list does not divide evenly
            assert per_shard[r][t] == whole[(t * n_shards + r) % len(whole)]
    # one epoch of all processes covers every row of the global epoch
    covered = sorted(i for rows in per_shard for batch in rows for i in batch)
    expected = sorted(i for batch in whole for i in batch)
    assert set(covered) == set(expected)
    if len(whole) % n_shards == 0:
        assert covered == expected  # no row twice


def test_one_shard_is_the_unsharded_iterator():
    dataset = _panel()
    a = PanelBatchIterator(dataset, 8, shuffle=True, seed=1)
    b = PanelBatchIterator(dataset, 8, shuffle=True, seed=1, num_shards=1)
    for (xa, ya), (xb, yb) in zip(a, b, strict=True):
        assert torch.equal(xa["x"], xb["x"]) and torch.equal(ya, yb)


def test_accelerate_prepare_leaves_the_panel_iterator_as_it_is(cpu_accelerator):
    # get_iterator goes through skorch's mixin, which hands the iterator to
    # accelerator.prepare; skseq splits and places the batches itself
    iterator = PanelBatchIterator(_panel(), 8)
    assert cpu_accelerator.prepare(iterator) is iterator


def test_iterator_places_batches_on_its_device():
    # the meta device stands in for a GPU on a CPU-only machine
    it = PanelBatchIterator(_panel(), 16, device="meta")
    x, y = next(iter(it))
    assert x["x"].is_meta and x["lengths"].is_meta and y.is_meta


def test_bad_shard_index_is_rejected():
    with pytest.raises(ValueError, match="shard_index"):
        PanelBatchIterator(_panel(), 8, num_shards=2, shard_index=2)


class _FakeAccelerator:
    """What get_iterator reads from an accelerator, for 4 processes."""

    num_processes = 4
    process_index = 3
    device_placement = True
    device = torch.device("meta")

    @staticmethod
    def prepare(obj):
        # accelerate's prepare returns what it does not know as it is
        return obj


def test_training_batches_are_split_by_process_and_evaluation_is_not(
    cpu_accelerator, gunpoint
):
    X, y = gunpoint
    clf = accelerated(LSTMClassifier)(accelerator=cpu_accelerator, **LSTM_KW)
    clf.fit(X, y)
    clf.set_params(accelerator=_FakeAccelerator())
    dataset = clf.get_dataset(X)
    train = clf.get_iterator(dataset, training=True)
    valid = clf.get_iterator(dataset, training=False)
    assert (train.num_shards, train.shard_index) == (4, 3)
    assert (valid.num_shards, valid.shard_index) == (1, 0)
    assert train.device == valid.device == torch.device("meta")


def test_skseq_predicts_outside_prepared_dataloaders(cpu_accelerator, gunpoint):
    # The premise of tools/upstream/skorch-evaluation-step.patch (skorch#944):
    # skorch's evaluation_step (prediction; validation goes through
    # validation_step) would gather only inside a DataLoader that accelerate
    # prepared. skseq's prediction batches never come from one, so with the
    # patch skorch's method would leave them alone and _accelerate.py's one
    # super(AccelerateMixin, self) bypass could go.
    X, y = gunpoint
    cls = accelerated(LSTMClassifier)
    clf = cls(accelerator=cpu_accelerator, **LSTM_KW).fit(X, y)
    states = []

    def spy(batch, training=False):
        states.append(clf.accelerator.gradient_state.in_dataloader)
        return cls.evaluation_step(clf, batch, training=training)

    clf.evaluation_step = spy  # on the instance only
    clf.predict_proba(X)
    assert len(states) > 0 and not any(states)


# ------------------------------------------------------ several processes
def _train_in_each_process(outdir, X, y):
    # forked from the test process, whose single-process state must not leak
    _reset_accelerate()
    torch.set_num_threads(1)
    accelerator = Accelerator()
    rank = accelerator.process_index
    cls = accelerated(LSTMClassifier)
    lstm = cls(accelerator=accelerator, batch_size=5, **LSTM_KW).fit(X, y)
    fitted = {k: v.numpy() for k, v in _weights(lstm).items()}
    lstm.partial_fit(X, y)
    # launched processes draw different seeds for random_state=None; forked
    # ones share the parent's numpy state, so make them differ
    np.random.seed(1000 + rank)
    unseeded = cls(accelerator=accelerator, **{**LSTM_KW, "random_state": None})
    unseeded.fit(X, y)
    fcn = accelerated(FCNClassifier)(
        accelerator=accelerator,
        **{**test_params(FCNClassifier), "max_epochs": 4},
        early_stopping=True,
        patience=1,
    ).fit(X, y)
    np.savez(
        os.path.join(outdir, f"rank{rank}.npz"),
        n_processes=accelerator.num_processes,
        module_type=type(lstm.module_).__name__,
        lstm_proba=lstm.predict_proba(X),
        unseeded_seed=unseeded._seed_,
        unseeded_proba=unseeded.predict_proba(X),
        fcn_proba=fcn.predict_proba(X),
        fcn_best=fcn.history[:, "valid_loss_best"],
        **{"fit/" + k: v for k, v in fitted.items()},
        **{"partial/" + k: v.numpy() for k, v in _weights(lstm).items()},
    )


def test_two_processes_train_like_one_with_twice_the_batch(tmp_path, gunpoint):
    from accelerate import debug_launcher

    X, y = gunpoint
    debug_launcher(_train_in_each_process, args=(str(tmp_path), X, y), num_processes=2)
    ranks = [dict(np.load(tmp_path / f"rank{r}.npz")) for r in range(2)]
    assert int(ranks[0]["n_processes"]) == 2
    # unwrapped from DistributedDataParallel after training
    assert str(ranks[0]["module_type"]) == "LSTMNetwork"

    # 2 processes x 5 series per step = one process with batches of 10, up to
    # float32 rounding (gradients are averaged across processes)
    single = LSTMClassifier(batch_size=10, **LSTM_KW).fit(X, y)
    fitted = _weights(single)
    single.partial_fit(X, y)
    for key, value in _weights(single).items():
        for rank in ranks:
            np.testing.assert_allclose(rank["fit/" + key], fitted[key], atol=1e-5)
            # partial_fit trains through DistributedDataParallel again
            np.testing.assert_allclose(rank["partial/" + key], value, atol=1e-5)
            assert np.array_equal(rank["partial/" + key], ranks[0]["partial/" + key])
    # ... and differs from one process with batches of 5
    five = LSTMClassifier(batch_size=5, **LSTM_KW).fit(X, y)
    assert not np.allclose(
        ranks[0]["fit/head.1.weight"], _weights(five)["head.1.weight"], atol=1e-3
    )
    # predictions are not split: every process returns all rows
    for name in ("lstm_proba", "unseeded_proba", "fcn_proba"):
        assert ranks[0][name].shape == (len(X), 2)
        np.testing.assert_array_equal(ranks[0][name], ranks[1][name])
    # random_state=None: one seed for both processes
    assert ranks[0]["unseeded_seed"] == ranks[1]["unseeded_seed"]
    # early stopping restored an earlier epoch into the wrapped network
    assert not ranks[0]["fcn_best"][-1]


# ------------------------------------------------- sklearn and skorch API
def test_params_clone_and_grid_search(cpu_accelerator):
    X, y = load_dataset("ItalyPowerDemand", split="train")
    cls = accelerated(LSTMClassifier)
    clf = cls(accelerator=cpu_accelerator, **{**LSTM_KW, "max_epochs": 2})
    params = clf.get_params(deep=False)
    assert params["accelerator"] is cpu_accelerator
    assert params["unwrap_after_train"] is True
    assert params["callbacks__print_log__sink"] == "auto"
    assert params["device"] is None
    twin = clone(clf)
    assert type(twin) is cls and twin.get_params()["accelerator"] is cpu_accelerator
    clf.fit(X, y)
    # fit changes no parameter (skorch's mixin stores accelerator.print in
    # callbacks__print_log__sink)
    assert clf.get_params(deep=False) == params
    search = GridSearchCV(
        clone(twin), {"module__hidden_size": [2, 4]}, cv=2, scoring="accuracy"
    ).fit(X, y)
    assert type(search.best_estimator_) is cls
    assert search.best_params_["module__hidden_size"] in (2, 4)


def test_pickle_round_trip_in_a_fresh_process(cpu_accelerator, gunpoint, tmp_path):
    X, y = gunpoint
    clf = accelerated(LSTMClassifier)(accelerator=cpu_accelerator, **LSTM_KW)
    proba = clf.fit(X, y).predict_proba(X[:5])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeviceWarning)
        copy = pickle.loads(pickle.dumps(clf))
    assert type(copy) is type(clf) and copy.device is None
    np.testing.assert_array_equal(copy.predict_proba(X[:5]), proba)
    # a class made by accelerated() is not importable: it is rebuilt on load
    (tmp_path / "clf.pkl").write_bytes(pickle.dumps(clf))
    np.save(tmp_path / "X.npy", X[:5])
    code = (
        "import pickle, sys, warnings, numpy as np\n"
        "from skorch.exceptions import DeviceWarning\n"
        "warnings.simplefilter('error', DeviceWarning)\n"
        "clf = pickle.load(open(sys.argv[1], 'rb'))\n"
        "print(type(clf).__name__)\n"
        "X = np.load(sys.argv[2])\n"
        "np.save(sys.argv[3], clf.predict_proba(X))\n"
        "y = clf.classes_[[0, 1, 0, 1, 0]]\n"
        "try:\n"
        "    clf.partial_fit(X, y)\n"
        "except RuntimeError as exc:\n"
        "    print('set_params(accelerator=' in str(exc))\n"
        "from accelerate import Accelerator\n"
        "clf.set_params(accelerator=Accelerator(cpu=True)).partial_fit(X, y)\n"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            tmp_path / "clf.pkl",
            tmp_path / "X.npy",
            tmp_path / "p.npy",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    # predicts at once; trains again once given an accelerator of its process
    assert out.stdout.split() == ["AcceleratedLSTMClassifier", "True"]
    np.testing.assert_array_equal(np.load(tmp_path / "p.npy"), proba)


def test_attention_weights_after_accelerated_training(cpu_accelerator, gunpoint):
    X, y = gunpoint
    params = {**test_params(AttentionLSTMClassifier), "max_epochs": 2}
    acc = accelerated(AttentionLSTMClassifier)(accelerator=cpu_accelerator, **params)
    plain = AttentionLSTMClassifier(**params)
    np.testing.assert_array_equal(
        acc.fit(X, y).attention_weights(X[:4]), plain.fit(X, y).attention_weights(X[:4])
    )


def test_accelerated_makes_one_class_per_classifier():
    cls = accelerated(LSTMClassifier)
    assert cls is accelerated(LSTMClassifier) is accelerated(cls)
    assert cls.__name__ == "AcceleratedLSTMClassifier"
    assert issubclass(cls, LSTMClassifier) and issubclass(cls, AccelerateMixin)
    with pytest.raises(TypeError, match="skseq classifier class"):
        accelerated(LSTMClassifier())
    with pytest.raises(TypeError, match="skseq classifier class"):
        accelerated(torch.nn.LSTM)


def test_skorch_mixin_alone_is_rejected_with_the_way_out(cpu_accelerator, gunpoint):
    X, y = gunpoint

    class Plain(AccelerateMixin, LSTMClassifier):
        pass

    with pytest.raises(TypeError, match=r"skseq.classifiers.accelerated"):
        Plain(accelerator=cpu_accelerator, **LSTM_KW).fit(X, y)


def test_device_must_be_left_to_the_accelerator(cpu_accelerator, gunpoint):
    X, y = gunpoint
    clf = accelerated(LSTMClassifier)(
        accelerator=cpu_accelerator, device="cpu", **LSTM_KW
    )
    with pytest.raises(ValueError, match="device=None"):
        clf.fit(X, y)
