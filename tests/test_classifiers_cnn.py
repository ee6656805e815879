"""Convolutional and hybrid classifiers on the bundled real data sets."""

import pickle

import numpy as np
import pytest
import torch
from sktime.datasets import load_basic_motions, load_gunpoint, load_japanese_vowels

from skseq.callbacks import PreciseBatchNorm
from skseq.classifiers import (
    CNNClassifier,
    CNNLSTMClassifier,
    FCNClassifier,
    InceptionTimeClassifier,
    LSTMFCNClassifier,
    ResNetClassifier,
)
from skseq.nn import (
    CNNLSTMNetwork,
    CNNNetwork,
    FCNNetwork,
    InceptionTimeNetwork,
    LSTMFCNNetwork,
    ResNetNetwork,
)
from skseq.utils.validation import check_panel, series_lengths

# slim networks (the architectures' shapes, fewer filters) keep the file fast
SMALL = {
    CNNClassifier: {
        "module__n_filters": (16, 32),
        "module__head_hidden_sizes": (),
        "module__head_dropout": 0.0,
    },
    FCNClassifier: {"module__n_filters": (16, 32, 16)},
    ResNetClassifier: {"module__n_filters": (16, 16)},
    InceptionTimeClassifier: {
        "module__n_filters": 8,
        "module__bottleneck_size": 8,
        "module__depth": 3,
    },
    LSTMFCNClassifier: {"module__n_filters": (32, 64, 32)},
    CNNLSTMClassifier: {"module__n_filters": (16,), "module__hidden_size": 16},
}
NETWORK = {
    CNNClassifier: CNNNetwork,
    FCNClassifier: FCNNetwork,
    ResNetClassifier: ResNetNetwork,
    InceptionTimeClassifier: InceptionTimeNetwork,
    LSTMFCNClassifier: LSTMFCNNetwork,
    CNNLSTMClassifier: CNNLSTMNetwork,
}
CLASSES = list(SMALL)
IDS = [cls.__name__ for cls in CLASSES]


def _make(cls, **params):
    kwargs = {"lr": 0.003, "batch_size": 10, "random_state": 0, **SMALL[cls]}
    return cls(**{**kwargs, **params})


@pytest.fixture(scope="module")
def gunpoint():
    Xtr, ytr = load_gunpoint(split="train", return_X_y=True, return_type="numpy3D")
    Xte, yte = load_gunpoint(split="test", return_X_y=True, return_type="numpy3D")
    names = {"1": "gun", "2": "point"}  # string labels must come back as given
    return (
        Xtr,
        np.array([names[v] for v in ytr]),
        Xte,
        np.array([names[v] for v in yte]),
    )


@pytest.fixture(scope="module", params=CLASSES, ids=IDS)
def fitted(request, gunpoint):
    Xtr, ytr, _, _ = gunpoint
    torch.manual_seed(0)
    return _make(request.param, max_epochs=20).fit(Xtr, ytr)


@pytest.fixture(scope="module")
def vowels():
    """JapaneseVowels: 12 channels, 9 classes, lengths 7..29 (NaN padded)."""
    Xtr, ytr = load_japanese_vowels(split="train", return_X_y=True)
    Xte, _ = load_japanese_vowels(split="test", return_X_y=True)
    return check_panel(Xtr), ytr, check_panel(Xte)


@pytest.fixture(scope="module", params=CLASSES, ids=IDS)
def fitted_vowels(request, vowels):
    Xtr, ytr, _ = vowels
    torch.manual_seed(0)
    return _make(request.param, max_epochs=2, batch_size=32).fit(Xtr, ytr)


@pytest.mark.learning
def test_learns_gunpoint(fitted, gunpoint):
    _, _, Xte, yte = gunpoint
    assert isinstance(fitted.module_, NETWORK[type(fitted)])
    assert np.mean(fitted.predict(Xte) == yte) > 0.7  # chance is 0.5


def test_string_labels_round_trip(fitted, gunpoint):
    _, _, Xte, _ = gunpoint
    assert fitted.classes_.tolist() == ["gun", "point"]
    pred = fitted.predict(Xte[:20])
    assert pred.dtype.kind == "U" and set(pred) <= {"gun", "point"}
    proba = fitted.predict_proba(Xte[:20])
    assert proba.shape == (20, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(pred, fitted.classes_[proba.argmax(axis=1)])


def test_pickle_gives_identical_predictions(fitted, gunpoint):
    _, _, Xte, _ = gunpoint
    clone = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(clone.predict_proba(Xte), fitted.predict_proba(Xte))


def test_padding_invariance_through_predict_proba(fitted_vowels, vowels):
    _, _, Xte = vowels
    lengths = series_lengths(Xte)
    order = np.argsort(lengths, kind="stable")
    shortest = order[:5]
    longest = order[-4:]
    assert lengths[shortest].max() < lengths[longest].min()
    for i in shortest:
        alone = fitted_vowels.predict_proba(Xte[[i], :, : lengths[i]])
        # the short series padded with NaN up to the longest of its batch
        batch = fitted_vowels.predict_proba(Xte[np.r_[longest[:2], i, longest[2:]]])
        assert np.isfinite(batch).all()  # NaN == NaN would pass the comparison
        np.testing.assert_allclose(alone[0], batch[2], atol=1e-5, rtol=1e-4)
    # a list of unequal-length arrays is the same panel
    as_list = [Xte[i, :, : lengths[i]] for i in np.r_[shortest, longest]]
    np.testing.assert_allclose(
        fitted_vowels.predict_proba(as_list),
        fitted_vowels.predict_proba(Xte[np.r_[shortest, longest]]),
        atol=1e-5,
        rtol=1e-4,
    )


def test_unequal_length_training_sizes(fitted_vowels, vowels):
    Xtr, ytr, Xte = vowels
    assert fitted_vowels.n_channels_in_ == 12
    assert len(fitted_vowels.classes_) == 9
    assert fitted_vowels.predict_proba(Xte[:7]).shape == (7, 9)
    assert np.isfinite(fitted_vowels.history_[-1]["train_loss"])
    if isinstance(fitted_vowels, InceptionTimeClassifier):
        longest = int(series_lengths(Xtr).max())
        assert fitted_vowels.n_timepoints_ == longest < 40
        assert fitted_vowels.module_.effective_kernel_sizes[0] == longest


@pytest.mark.learning
@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_multivariate_basic_motions(cls):
    Xtr, ytr = load_basic_motions(split="train", return_X_y=True, return_type="numpy3D")
    Xte, yte = load_basic_motions(split="test", return_X_y=True, return_type="numpy3D")
    clf = _make(cls, max_epochs=10).fit(Xtr, ytr)
    assert clf.n_channels_in_ == 6
    assert clf.predict_proba(Xte).shape == (len(Xte), 4)
    assert np.mean(clf.predict(Xte) == yte) > 0.5  # chance is 0.25


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
@pytest.mark.parametrize("width", [1, 2])
def test_very_short_series_and_determinism(cls, width, gunpoint):
    Xtr, ytr, _, _ = gunpoint
    X = Xtr[:, 0, 60 : 60 + width]  # 2-D: univariate series of that length
    first = _make(cls, max_epochs=2).fit(X, ytr).predict_proba(X)
    second = _make(cls, max_epochs=2).fit(X, ytr).predict_proba(X)
    assert first.shape == (len(X), 2) and np.isfinite(first).all()
    np.testing.assert_array_equal(first, second)


def test_module_parameters_reach_the_network(gunpoint):
    Xtr, ytr, _, _ = gunpoint
    clf = FCNClassifier(module__n_filters=(4, 6, 5), max_epochs=1, random_state=0)
    clf.fit(Xtr, ytr)
    widths = [b.conv.out_channels for b in clf.module_.features.blocks]
    assert widths == [4, 6, 5]
    clf.set_params(module__n_filters=(3, 3), module__kernel_sizes=(7, 2))
    clf.fit(Xtr, ytr)
    convs = [b.conv for b in clf.module_.features.blocks]
    assert [(c.out_channels, c.kernel_size[0]) for c in convs] == [(3, 7), (3, 2)]
    inception = InceptionTimeClassifier(
        module__n_filters=2, module__depth=1, module__n_timepoints=20, max_epochs=1
    ).fit(Xtr, ytr)
    assert inception.module_.effective_kernel_sizes == (20, 10, 5)


def test_precise_batch_norm_sets_population_statistics(gunpoint):
    Xtr, ytr, _, _ = gunpoint
    # one batch holds the whole training set, so the recomputed running mean
    # is the mean of the first convolution's output over every training step
    clf = FCNClassifier(
        module__n_filters=(4, 4, 4), max_epochs=3, batch_size=64, random_state=0
    ).fit(Xtr, ytr)
    assert any(isinstance(cb, PreciseBatchNorm) for _, cb in clf.callbacks_)
    block = clf.module_.features.blocks[0]
    with torch.no_grad():
        h = block.conv(torch.from_numpy(Xtr).float())
    torch.testing.assert_close(block.bn.running_mean, h.mean(dim=(0, 2)))
    torch.testing.assert_close(
        block.bn.running_var, h.var(dim=(0, 2)), rtol=1e-4, atol=1e-6
    )
    # switched off, the running statistics are the lagging moving average
    off = FCNClassifier(
        module__n_filters=(4, 4, 4),
        max_epochs=3,
        batch_size=64,
        random_state=0,
        callbacks__precise_bn=None,
    ).fit(Xtr, ytr)
    assert not torch.allclose(
        off.module_.features.blocks[0].bn.running_mean, h.mean(dim=(0, 2))
    )


def test_precise_batch_norm_runs_length_sorted_batches_when_bucketing():
    """With bucketing on, the recomputation pass batches series of similar
    length (each batch cut to its own longest) instead of the caller's order."""
    X, y = load_japanese_vowels(return_X_y=True)
    Xp = check_panel(X)[:96]
    y = np.asarray(y)[:96]
    widths = []

    class Spy(PreciseBatchNorm):
        def on_train_end(self, net, X=None, y=None, **kwargs):
            hook = net.module_.register_forward_pre_hook(
                lambda module, args, kw: widths.append(kw["x"].shape[-1]),
                with_kwargs=True,
            )
            try:
                super().on_train_end(net, X=X, y=y, **kwargs)
            finally:
                hook.remove()

    def fit(bucket):
        widths.clear()
        FCNClassifier(
            module__n_filters=(4, 4),
            module__kernel_sizes=(3, 3),
            max_epochs=1,
            batch_size=8,
            iterator_valid__batch_size=16,
            bucket_by_length=bucket,
            callbacks__precise_bn=Spy(),
            random_state=0,
        ).fit(Xp, y)
        return list(widths)

    lengths = series_lengths(Xp)
    sorted_widths = fit(True)
    expected = [int(chunk.max()) for chunk in np.array_split(np.sort(lengths), 6)]
    assert sorted_widths == expected
    caller_order = fit(False)
    assert caller_order == [int(c.max()) for c in np.array_split(lengths, 6)]
    assert sum(sorted_widths) < sum(caller_order)
