"""The shared classifier base (skseq.classifiers._base and its mixins
_labels, _weights, _panel_data, _runtime, _compile; the batching of _data),
exercised through LSTMClassifier and GRUClassifier on bundled real data."""

import pickle

import joblib
import numpy as np
import pytest
import torch
from _instances import macro_f1_stopped_lstm
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
)
from skorch.callbacks import Callback

from skseq.classifiers import GRUClassifier, LSTMClassifier
from skseq.classifiers._data import PanelBatchIterator, PanelDataset
from skseq.utils.validation import series_lengths

TINY = {"module__hidden_size": 8, "max_epochs": 3, "random_state": 0}


@pytest.fixture(scope="module")
def vowels(vowels_train, vowels_test):
    return (*vowels_train, *vowels_test)


@pytest.fixture(scope="module")
def italy(italy_train, italy_test):
    return (*italy_train, *italy_test)


def test_labels_come_back_as_given(italy):
    X, y, Xt, _ = italy
    labels = np.where(y == "1", "normal", "rare event")
    clf = GRUClassifier(**TINY).fit(X, labels)
    assert clf.classes_.tolist() == ["normal", "rare event"]
    assert set(clf.predict(Xt)) <= {"normal", "rare event"}
    proba = clf.predict_proba(Xt)
    assert proba.shape == (len(Xt), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    int_clf = GRUClassifier(**TINY).fit(X, (y == "2").astype(int) * 7)
    assert int_clf.classes_.tolist() == [0, 7]


def test_same_seed_same_predictions_and_global_rng_untouched(italy):
    X, y, Xt, _ = italy
    torch.manual_seed(123)
    np.random.seed(123)
    torch_state = torch.get_rng_state()
    np_state = np.random.get_state()[1].copy()
    a = LSTMClassifier(**TINY).fit(X, y).predict_proba(Xt)
    b = LSTMClassifier(**TINY).fit(X, y).predict_proba(Xt)
    np.testing.assert_array_equal(a, b)
    assert torch.equal(torch.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    c = LSTMClassifier(**{**TINY, "random_state": 1}).fit(X, y).predict_proba(Xt)
    assert not np.array_equal(a, c)


def test_class_weight_reaches_the_loss(italy):
    X, y, _, _ = italy
    yi = np.concatenate([y[y == "1"], y[y == "2"][:10]])
    Xi = np.concatenate([X[y == "1"], X[y == "2"][:10]])
    clf = LSTMClassifier(**TINY, class_weight="balanced").fit(Xi, yi)
    n1, n2 = (yi == "1").sum(), (yi == "2").sum()
    expected = [len(yi) / (2 * n1), len(yi) / (2 * n2)]
    np.testing.assert_allclose(clf.criterion_.weight.numpy(), expected, rtol=1e-6)
    clf = LSTMClassifier(**TINY, class_weight={"2": 5.0}).fit(Xi, yi)
    np.testing.assert_allclose(clf.criterion_.weight.numpy(), [1.0, 5.0])
    with pytest.raises(ValueError, match="keys '3' that are not labels of y"):
        LSTMClassifier(**TINY, class_weight={"3": 2.0}).fit(Xi, yi)
    with pytest.raises(ValueError, match="'class_weight' parameter.*'balanced'"):
        LSTMClassifier(**TINY, class_weight="balance").fit(Xi, yi)


@pytest.mark.learning
def test_grid_search_over_module_params(italy):
    X, y, Xt, yt = italy
    search = GridSearchCV(
        LSTMClassifier(max_epochs=3, random_state=0),
        {"module__hidden_size": [4, 8], "module__pooling": ["mean", "last"]},
        cv=StratifiedKFold(2),
        scoring="f1_macro",
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    assert best.module_.rnn.hidden_size == search.best_params_["module__hidden_size"]
    assert search.score(Xt, yt) > 0.5


def test_tuned_threshold_classifier(italy):
    X, y, Xt, yt = italy
    f1_rare = make_scorer(f1_score, pos_label="2")
    tuned = TunedThresholdClassifierCV(
        GRUClassifier(**TINY), scoring=f1_rare, cv=2
    ).fit(X, y)
    assert 0.0 < tuned.best_threshold_ < 1.0
    assert set(tuned.predict(Xt)) <= {"1", "2"}


def test_clone_pickle_joblib_round_trip(fitted_vowels, vowels, tmp_path):
    _, _, Xt, _ = vowels
    expected = fitted_vowels.predict_proba(Xt)
    restored = pickle.loads(pickle.dumps(fitted_vowels))
    np.testing.assert_array_equal(restored.predict_proba(Xt), expected)
    joblib.dump(fitted_vowels, tmp_path / "model.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "model.joblib").predict_proba(Xt), expected
    )
    fresh = clone(fitted_vowels)
    assert not hasattr(fresh, "module_")
    assert fresh.get_params()["module__hidden_size"] == 16
    with pytest.raises(NotFittedError):
        fresh.predict(Xt)


@pytest.mark.learning
def test_early_stopping_and_progress_bar(italy, capsys):
    X, y, _, _ = italy
    clf = LSTMClassifier(
        module__hidden_size=8,
        max_epochs=300,
        early_stopping=True,
        patience=3,
        progress_bar=True,
        random_state=0,
    ).fit(X, y)
    assert "valid_loss" in clf.history[-1]
    assert len(clf.history) < 300
    assert "it/s" in capsys.readouterr().err or len(clf.history) > 0


def test_no_validation_split_by_default(italy):
    X, y, _, _ = italy
    clf = LSTMClassifier(**TINY).fit(X, y)
    assert "valid_loss" not in clf.history[-1]
    assert clf.history[-1, "train_batch_count"] == int(np.ceil(len(X) / 16))


def test_skorch_parameters_keep_working(italy):
    X, y, _, _ = italy
    seen = []

    class Record(Callback):
        def on_epoch_end(self, net, **kwargs):
            seen.append(torch.get_num_threads())

    before = torch.get_num_threads()
    clf = GRUClassifier(
        module__hidden_size=6,
        module__num_layers=2,
        module__dropout=0.1,
        module__head_hidden_sizes=(5,),
        optimizer=torch.optim.SGD,
        optimizer__momentum=0.9,
        lr=0.05,
        max_epochs=2,
        batch_size=64,
        callbacks=[("record", Record())],
        n_threads=1,
        random_state=0,
    ).fit(X, y)
    assert isinstance(clf.optimizer_, torch.optim.SGD)
    assert clf.optimizer_.param_groups[0]["momentum"] == 0.9
    assert clf.module_.rnn.num_layers == 2
    assert seen == [1, 1]
    assert torch.get_num_threads() == before
    clf.set_params(module__hidden_size=3).fit(X, y)
    assert clf.module_.rnn.hidden_size == 3


def test_partial_fit_continues_training(italy):
    X, y, _, _ = italy
    clf = LSTMClassifier(**TINY).fit(X, y)
    clf.partial_fit(X, y)
    assert len(clf.history) == 6
    with pytest.raises(ValueError, match="not seen in the first fit"):
        clf.partial_fit(X[:4], ["x", "1", "2", "1"])


def test_bad_input_errors(italy, vowels):
    X, y, _, _ = italy
    clf = LSTMClassifier(**TINY)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    with pytest.raises(ValueError, match="1 class"):
        clf.fit(X[:5], ["a"] * 5)
    X_nan = X.copy()
    X_nan[3, 0, 5] = np.nan
    with pytest.raises(ValueError, match="Interpolator"):
        clf.fit(X_nan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.fit(X, y[:-1])
    clf.fit(X, y)
    Xv, _, _, _ = vowels
    with pytest.raises(ValueError, match="expecting 1 channels"):
        clf.predict(Xv)
    with pytest.raises(ValueError, match="0 sample"):
        clf.predict(X[:0])


def test_batches_are_slices_trimmed_to_the_longest(vowels):
    X, y, _, _ = vowels
    lengths = series_lengths(X)
    ds = PanelDataset(X, lengths, y=y, y_encoded=np.zeros(len(y), dtype=int))
    it = PanelBatchIterator(ds, batch_size=32, shuffle=True, seed=0)
    seen = []
    for xb, yb in it:
        assert xb["x"].shape[-1] == int(xb["lengths"].max())
        assert not torch.isnan(xb["x"]).any()
        seen.append(len(yb))
    assert sum(seen) == len(X) and len(it) == len(seen)


def test_dataset_copies_only_what_it_must_change(vowels):
    # NaN padding is replaced by zeros in a copy; the caller's panel keeps it
    X, y, _, _ = vowels
    ds = PanelDataset(X, series_lengths(X))
    assert np.isnan(X).any() and not np.shares_memory(ds.data.numpy(), X)
    assert not torch.isnan(ds.data).any()
    # a panel without NaN is used as it is (no second copy of long windows)
    full = np.ascontiguousarray(np.nan_to_num(X, nan=1.5))
    ds = PanelDataset(full, series_lengths(full))
    assert np.shares_memory(ds.data.numpy(), full)
    # read-only input is copied rather than handed to torch as writeable
    full.setflags(write=False)
    ds = PanelDataset(full, series_lengths(full))
    assert not np.shares_memory(ds.data.numpy(), full)


def test_bucketing_groups_similar_lengths_and_keeps_all_rows(vowels):
    X, y, _, _ = vowels
    lengths = series_lengths(X)
    ds = PanelDataset(X, lengths, y=y, y_encoded=np.zeros(len(y), dtype=int))
    plain = PanelBatchIterator(ds, batch_size=16, shuffle=True, seed=0)
    bucket = PanelBatchIterator(
        ds, batch_size=16, shuffle=True, bucket_by_length=True, seed=0
    )
    cost_plain = sum(b[0]["x"].shape[-1] * len(b[1]) for b in plain)
    cost_bucket = sum(b[0]["x"].shape[-1] * len(b[1]) for b in bucket)
    assert cost_bucket < cost_plain
    assert sum(len(b[1]) for b in bucket) == len(X)


def test_balanced_batches_draw_classes_equally(italy):
    X, y, _, _ = italy
    yi = np.concatenate([y[y == "1"], y[y == "2"][:6]])
    Xi = np.concatenate([X[y == "1"], X[y == "2"][:6]])
    clf = LSTMClassifier(**{**TINY, "balanced_batches": True}).fit(Xi, yi)
    ds = clf.get_dataset(Xi)
    ds.target = torch.as_tensor((yi == "2").astype(int))
    it = clf.get_iterator(ds, training=True)
    drawn = torch.cat([b[1] for _ in range(20) for b in it]).numpy()
    assert abs(drawn.mean() - 0.5) < 0.05  # the raw share is 6/40
    # reproducible under random_state and clone-safe
    a = clone(clf).fit(Xi, yi).predict_proba(Xi)
    np.testing.assert_array_equal(a, clf.predict_proba(Xi))


def test_bucketed_prediction_returns_callers_order(vowels):
    X, y, Xt, _ = vowels
    kw = {"module__hidden_size": 8, "max_epochs": 2, "random_state": 0}
    plain = LSTMClassifier(**kw).fit(X, y)
    bucket = LSTMClassifier(**kw, bucket_by_length=True, batch_size=8).fit(X, y)
    # same weights, different batching: copy them and compare predictions
    bucket.module_.load_state_dict(plain.module_.state_dict())
    rng = np.random.default_rng(0)
    shuffled = rng.permutation(len(Xt))
    np.testing.assert_allclose(
        bucket.predict_proba(Xt[shuffled]),
        plain.predict_proba(Xt[shuffled]),
        rtol=1e-5,
        atol=1e-6,
    )


def test_bucketed_training_sees_every_row_once_per_epoch(vowels):
    X, y, _, _ = vowels
    clf = LSTMClassifier(
        module__hidden_size=4, max_epochs=1, bucket_by_length=True, random_state=0
    ).fit(X, y)
    ds = clf._prepare_fit_data(X, y, reset=False)
    ds.target = torch.arange(len(X))  # tag rows to count them
    it = clf.get_iterator(ds, training=True)
    seen = torch.cat([b[1] for b in it]).sort().values
    assert torch.equal(seen, torch.arange(len(X)))


@pytest.mark.learning
def test_early_stopping_on_macro_f1(italy):
    X, y, _, _ = italy
    clf = macro_f1_stopped_lstm(max_epochs=40, patience=2).fit(X, y)
    scores = clf.history[:, "valid_f1_macro"]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len(scores) < 40


def test_probabilities_sum_to_one_in_float64(fitted_vowels, vowels):
    _, _, Xt, _ = vowels
    proba = fitted_vowels.predict_proba(Xt)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def test_set_class_weight_on_a_fitted_net(italy):
    X, y, _, _ = italy
    clf = LSTMClassifier(**TINY).fit(X, y)
    assert clf.criterion_.weight is None
    clf.set_params(class_weight={"2": 3.0}, module__hidden_size=5)
    np.testing.assert_allclose(clf.criterion_.weight.numpy(), [1.0, 3.0])
    clf.fit(X, y)
    np.testing.assert_allclose(clf.criterion_.weight.numpy(), [1.0, 3.0])
    assert clf.module_.rnn.hidden_size == 5


def test_iterator_params_on_a_fitted_classifier_keep_the_network(italy):
    """skorch 1.4 raises on set_params(iterator_valid__...) once fitted; the
    base sets iterator/dataset parameters without re-initialising anything."""
    X, y, Xte, _ = italy
    clf = LSTMClassifier(module__hidden_size=4, max_epochs=2, random_state=0)
    clf.fit(X, y)
    before = clf.predict_proba(Xte)
    weights = [p.detach().clone() for p in clf.module_.parameters()]
    sizes = []
    hook = clf.module_.register_forward_pre_hook(
        lambda module, args, kw: sizes.append(len(kw["x"])), with_kwargs=True
    )
    clf.set_params(iterator_valid__batch_size=7, iterator_train__shuffle=True)
    assert clf.get_params()["iterator_valid__batch_size"] == 7
    after = clf.predict_proba(Xte)
    hook.remove()
    assert max(sizes) == 7 and len(sizes) == -(-len(Xte) // 7)
    # other batch sizes run other float32 matmul blockings; the feature batch
    # norm divides by the features' spread, which scales those last bits up
    np.testing.assert_allclose(after, before, rtol=0, atol=1e-5)
    assert all(torch.equal(a, b) for a, b in zip(weights, clf.module_.parameters()))
    # mixed with a parameter that does re-initialise: skorch's usual path
    clf.set_params(iterator_valid__batch_size=5, module__hidden_size=3)
    assert clf.module_.rnn.hidden_size == 3
    assert clone(clf).get_params()["iterator_valid__batch_size"] == 5


def test_nll_loss_on_logits_is_cross_entropy(italy):
    """skorch logs y_pred for NLLLoss (assuming probabilities), which gave NaN
    on skseq's logits; the base applies log_softmax instead."""
    X, y, _, _ = italy
    params = {"module__hidden_size": 4, "max_epochs": 2, "random_state": 0}
    nll = LSTMClassifier(criterion=torch.nn.NLLLoss, **params).fit(X, y)
    ce = LSTMClassifier(**params).fit(X, y)
    np.testing.assert_allclose(
        nll.history_[:, "train_loss"], ce.history_[:, "train_loss"], rtol=1e-6
    )


def test_non_finite_training_loss_stops_fit_with_advice(italy):
    X, y, _, _ = italy

    class BrokenLoss(torch.nn.Module):
        def forward(self, logits, target):
            return logits.sum() * float("nan")

    clf = LSTMClassifier(criterion=BrokenLoss, module__hidden_size=4, max_epochs=3)
    with pytest.raises(FloatingPointError, match="epoch 1, batch 1.*learning rate"):
        clf.fit(X, y)
