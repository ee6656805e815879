"""Tests for skseq.callbacks: imbalance-aware scores recorded during training."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score
from skorch import NeuralNetClassifier
from skorch.callbacks import EpochScoring
from skorch.dataset import ValidSplit

from skseq.callbacks import METRICS, PanelScorer, early_stopping, epoch_scoring
from skseq.classifiers import LSTMClassifier


@pytest.fixture(scope="module")
def gunpoint():
    """GunPoint, 30 steps, class '2' cut to 25 of 100 series (string labels)."""
    from sktime.datasets import load_gunpoint

    X, y = load_gunpoint(return_type="numpy3D")
    keep = np.r_[np.flatnonzero(y == "1"), np.flatnonzero(y == "2")[:25]]
    return X[keep][:, :, ::5].astype(np.float32), y[keep]


@pytest.fixture(scope="module")
def basic_motions():
    """BasicMotions, 4 classes (string labels), 25 steps."""
    from sktime.datasets import load_basic_motions

    X, y = load_basic_motions(return_type="numpy3D")
    return X[:, :, ::4].astype(np.float32), y


def _split():
    return ValidSplit(0.3, stratified=True, random_state=0)


def _valid_rows(y):
    """The validation rows _split() picks: it depends only on len(y) and y."""
    _, valid = _split()(np.arange(len(y)), y)
    return np.asarray(valid.indices)


def _expected(metric, y_true, proba, classes, pos_label=None):
    if metric == "f1_macro":
        return f1_score(y_true, classes[proba.argmax(1)], average="macro")
    if metric == "balanced_accuracy":
        return balanced_accuracy_score(y_true, classes[proba.argmax(1)])
    if pos_label is not None:
        k = list(classes).index(pos_label)
        return average_precision_score(y_true == pos_label, proba[:, k])
    return np.mean(
        [
            average_precision_score(y_true == c, proba[:, k])
            for k, c in enumerate(classes)
        ]
    )


def _lstm(**kwargs):
    # constant lr, the last epoch's weights and no batch norm (whose running
    # statistics precise_bn recomputes after training): these tests compare
    # the scores of an epoch with the network's state at that epoch
    kwargs = {
        "lr_schedule": None,
        "restore_best": False,
        "module__feature_norm": False,
        **kwargs,
    }
    return LSTMClassifier(
        module__hidden_size=8, lr=0.02, batch_size=32, random_state=0, **kwargs
    )


@pytest.mark.parametrize("use_caching", [True, False], ids=["cached", "uncached"])
@pytest.mark.parametrize("data", ["gunpoint", "basic_motions"])
def test_scores_are_the_metrics_of_the_validation_split(request, data, use_caching):
    X, y = request.getfixturevalue(data)
    pos = "2" if data == "gunpoint" else "badminton"
    callbacks = [epoch_scoring(m, use_caching=use_caching) for m in METRICS]
    callbacks.append(
        epoch_scoring(
            "average_precision",
            pos_label=pos,
            name="valid_ap_pos",
            use_caching=use_caching,
        )
    )
    clf = _lstm(max_epochs=3, train_split=_split(), callbacks=callbacks).fit(X, y)
    rows = _valid_rows(y)
    proba = clf.predict_proba(X[rows])
    for metric in METRICS:
        expected = _expected(metric, y[rows], proba, clf.classes_)
        assert clf.history[-1, f"valid_{metric}"] == pytest.approx(expected, abs=1e-9)
    expected = _expected("average_precision", y[rows], proba, clf.classes_, pos)
    assert clf.history[-1, "valid_ap_pos"] == pytest.approx(expected, abs=1e-9)
    # the scores moved during training: they are not computed once
    assert len(set(clf.history[:, "valid_average_precision"])) > 1


def test_scores_with_a_plain_skorch_net(gunpoint):
    X, y = gunpoint
    y_int = (y == "2").astype(np.int64)
    torch.manual_seed(0)
    net = NeuralNetClassifier(
        torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(30, 2)),
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=4,
        lr=0.05,
        train_split=_split(),
        callbacks=[epoch_scoring(m) for m in METRICS]
        + [epoch_scoring("f1_macro", name="nc", use_caching=False)],
        verbose=0,
    ).fit(X, y_int)
    rows = _valid_rows(y_int)
    proba = net.predict_proba(X[rows])
    for metric in METRICS:
        expected = _expected(metric, y_int[rows], proba, np.array([0, 1]))
        assert net.history[-1, f"valid_{metric}"] == pytest.approx(expected)
    assert net.history[-1, "nc"] == net.history[-1, "valid_f1_macro"]


def test_on_train_scores_the_training_data(gunpoint):
    X, y = gunpoint
    clf = _lstm(
        max_epochs=2,
        callbacks=[epoch_scoring("balanced_accuracy", on_train=True)],
    ).fit(X, y)
    assert "train_balanced_accuracy" in clf.history[-1]
    assert 0.0 <= clf.history[-1, "train_balanced_accuracy"] <= 1.0


@pytest.mark.learning
def test_early_stopping_maximises_the_score_and_restores_the_best(gunpoint):
    X, y = gunpoint
    clf = _lstm(
        max_epochs=60,
        train_split=_split(),
        class_weight="balanced",
        callbacks=[
            epoch_scoring("balanced_accuracy"),
            early_stopping("balanced_accuracy", patience=5),
        ],
    ).set_params(lr=0.05)
    clf.fit(X, y)
    scores = np.array(clf.history[:, "valid_balanced_accuracy"])
    assert len(scores) < 60  # it stopped
    # the last 5 epochs did not beat the best one, which came before them
    assert scores[-5:].max() <= scores[:-5].max()
    # the restored weights are those of the best (highest) epoch
    rows = _valid_rows(y)
    restored = balanced_accuracy_score(y[rows], clf.predict(X[rows]))
    assert restored == pytest.approx(scores.max())
    assert scores.max() > scores.min()  # the test could tell max from min


def test_early_stopping_without_its_score_says_what_to_do(gunpoint):
    X, y = gunpoint
    with pytest.raises(ValueError, match="epoch_scoring"):
        _lstm(max_epochs=2, train_split=_split(), callbacks=[early_stopping()]).fit(
            X, y
        )
    # no validation split: nothing is scored on it
    with pytest.raises(ValueError, match="validation"):
        _lstm(max_epochs=2, callbacks=[epoch_scoring(), early_stopping()]).fit(X, y)


def test_bad_metric_and_labels():
    with pytest.raises(ValueError, match="metric must be one of"):
        epoch_scoring("roc_auc")
    with pytest.raises(ValueError, match="metric must be one of"):
        early_stopping("accuracy")


def test_direct_call_with_labels(gunpoint):
    X, y = gunpoint
    clf = _lstm(max_epochs=2).fit(X, y)
    proba = clf.predict_proba(X)
    for metric in METRICS:
        expected = _expected(metric, y, proba, clf.classes_)
        assert PanelScorer(metric)(clf, X, y) == pytest.approx(expected)
    with pytest.raises(ValueError, match="not among the net's classes_"):
        PanelScorer("average_precision", pos_label="3")(clf, X, y)
    with pytest.raises(ValueError, match="needs the true labels"):
        PanelScorer()(clf, X)


def test_callbacks_clone_and_pickle(gunpoint):
    X, y = gunpoint
    clf = _lstm(
        max_epochs=2,
        train_split=_split(),
        callbacks=[epoch_scoring("f1_macro"), early_stopping("f1_macro")],
    )
    fitted = clone(clf).fit(X, y)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict(X), fitted.predict(X))
    cb = again.callbacks[0]
    assert isinstance(cb, EpochScoring) and not cb.lower_is_better
    assert repr(cb.scoring) == "PanelScorer('f1_macro')"


def test_progress_bar_counts_the_batches_the_epoch_runs():
    import numpy as np

    from skseq.callbacks import ProgressBar
    from skseq.classifiers import FCNClassifier

    X = np.random.default_rng(0).normal(size=(300, 1, 12)).astype(np.float32)
    y = np.arange(300) % 2
    clf = FCNClassifier(
        max_epochs=1, n_filters=(2, 2, 2), early_stopping=True, random_state=0
    ).fit(X, y)
    train, valid = clf.get_split_datasets(clf._prepare_fit_data(X, y, reset=False))
    counted = ProgressBar()._get_batches_per_epoch(clf, train, valid)
    batches = clf.history_[-1, "batches"]
    assert counted == len(batches)  # skorch's own bar counts 4x the valid ones
    clf.set_params(iterator_valid__batch_size=7)
    assert ProgressBar()._get_batches_per_epoch(clf, train, valid) == len(
        list(clf.get_iterator(train, training=True))
    ) + -(-len(valid) // 7)
