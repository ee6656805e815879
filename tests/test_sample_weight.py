"""sample_weight in fit/partial_fit and through metadata routing (issue 15)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn
import torch
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skseq.classifiers import FCNClassifier, LSTMClassifier
from skseq.datasets import load_dataset
from skseq.transformers import Normalizer

KW = {"max_epochs": 3, "random_state": 0, "n_filters": (8, 8, 8)}


@pytest.fixture(scope="module")
def gunpoint(gunpoint_train):
    X, y = gunpoint_train
    return X[:60], y[:60]


def _proba(X, y, **fit_kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return FCNClassifier(**KW).fit(X, y, **fit_kw).predict_proba(X)


def test_equal_weights_change_nothing(gunpoint):
    X, y = gunpoint
    expected = _proba(X, y)
    np.testing.assert_array_equal(
        _proba(X, y, sample_weight=np.full(len(y), 3.0)), expected
    )
    np.testing.assert_array_equal(_proba(X, y, sample_weight=[1] * len(y)), expected)


def test_weight_zero_is_leaving_the_series_out(gunpoint):
    X, y = gunpoint
    w = np.ones(len(y))
    w[::7] = 0
    np.testing.assert_array_equal(
        _proba(X, y, sample_weight=w), _proba_on(X[w > 0], y[w > 0], X)
    )


def _proba_on(X_fit, y_fit, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return FCNClassifier(**KW).fit(X_fit, y_fit).predict_proba(X)


def test_per_class_weights_equal_class_weight(gunpoint):
    # sample_weight w[y_i] and class_weight {c: w_c} are the same loss
    X, y = gunpoint
    cw = {"1": 4.0, "2": 1.0}
    by_sample = _proba(X, y, sample_weight=np.vectorize(cw.get)(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_class = FCNClassifier(**KW, class_weight=cw).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(by_sample, by_class, rtol=1e-5, atol=1e-6)
    # and they move the predictions toward the up-weighted class
    assert by_sample[:, 0].mean() > _proba(X, y)[:, 0].mean()


def test_sample_and_class_weights_multiply(gunpoint):
    X, y = gunpoint
    rng = np.random.default_rng(0)
    w = rng.uniform(0.5, 2.0, len(y))
    cw = {"1": 3.0, "2": 1.0}
    both = _proba_cw(X, y, cw, sample_weight=w)
    product = _proba(X, y, sample_weight=w * np.vectorize(cw.get)(y))
    # the same loss, computed in two orders: float32 rounding differs in the
    # last bits and three epochs carry that into the weights (3e-4 apart on
    # an AVX2 CPU, 1e-6 on an AVX-512 one), far below what the class weight
    # itself moves
    np.testing.assert_allclose(both, product, atol=2e-3)
    moved = np.abs(product - _proba(X, y, sample_weight=w)).max()
    assert moved > 10 * 2e-3, moved


def _proba_cw(X, y, cw, **fit_kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = FCNClassifier(**KW, class_weight=cw)
        return clf.fit(X, y, **fit_kw).predict_proba(X)


def test_weighted_loss_is_the_weighted_mean_of_per_sample_losses():
    clf = FCNClassifier(**KW)
    X = np.random.default_rng(0).normal(size=(6, 1, 10)).astype(np.float32)
    y = np.array([0, 1] * 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.set_params(max_epochs=1).fit(X, y)
    logits = torch.randn(6, 2)
    target = torch.tensor([0, 1, 0, 1, 1, 0])
    w = torch.tensor([1.0, 2.0, 0.5, 0.0, 3.0, 1.0])
    got = clf.get_loss(logits, target, X={"x": None, "sample_weight": w})
    per = torch.nn.functional.cross_entropy(logits, target, reduction="none")
    torch.testing.assert_close(got, (w * per).sum() / w.sum())
    assert clf.criterion_.reduction == "mean"  # restored


def test_partial_fit_takes_sample_weight(gunpoint):
    X, y = gunpoint
    w = np.ones(len(y))
    w[:5] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = FCNClassifier(**KW).fit(X, y)
        a.partial_fit(X, y, sample_weight=w)
        b = FCNClassifier(**KW).fit(X, y)
        b.partial_fit(X[5:], y[5:])
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


@pytest.mark.parametrize(
    "weights, message",
    [
        ([1.0, -1.0], "sample_weight"),
        ([1.0] * 5, "sample_weight"),
        ([np.nan] * 10, "sample_weight"),
        ([0.0] * 10, "non-zero"),
        ([[1.0]] * 10, "sample_weight"),
    ],
)
def test_bad_sample_weight_is_refused(gunpoint, weights, message):
    X, y = gunpoint
    X, y = X[:10], y[:10]
    if len(weights) == 2:
        weights = weights * 5
    with pytest.raises(ValueError, match=message):
        FCNClassifier(**KW).fit(X, y, sample_weight=weights)


def test_sample_weight_with_resampler_is_refused(gunpoint):
    from imblearn.over_sampling import RandomOverSampler

    X, y = gunpoint
    clf = FCNClassifier(**KW, resampler=RandomOverSampler())
    with pytest.raises(ValueError, match="resampler"):
        clf.fit(X, y, sample_weight=np.arange(len(y)) % 3 + 1.0)


def test_sample_weight_needs_a_criterion_with_reduction(gunpoint):
    class Plain(torch.nn.Module):
        def forward(self, logits, target):
            return torch.nn.functional.cross_entropy(logits, target)

    X, y = gunpoint
    with pytest.raises(ValueError, match="reduction"):
        FCNClassifier(**KW, criterion=Plain).fit(
            X, y, sample_weight=np.arange(len(y)) % 3 + 1.0
        )


def test_weights_are_routed_through_a_pipeline_into_a_search(gunpoint):
    # metadata routing: the search splits sample_weight with the folds and the
    # pipeline hands it to the classifier, which it changes
    X, y = gunpoint
    w = np.where(y == "1", 4.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = Pipeline(
            [
                ("norm", Normalizer()),
                ("clf", FCNClassifier(**KW).set_fit_request(sample_weight=True)),
            ]
        )
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        search = GridSearchCV(pipe, {"clf__lr": [3e-3, 1e-2]}, cv=2, scoring=scorer)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search.fit(X, y, sample_weight=w)
            direct = FCNClassifier(**KW, lr=search.best_params_["clf__lr"])
            direct.fit(Normalizer().fit_transform(X), y, sample_weight=w)
            unweighted = FCNClassifier(**KW, lr=search.best_params_["clf__lr"])
            unweighted.fit(Normalizer().fit_transform(X), y)
    routed = search.best_estimator_.predict_proba(X)
    np.testing.assert_allclose(
        routed,
        direct.predict_proba(Normalizer().fit_transform(X)),
        rtol=1e-6,
        atol=1e-7,
    )
    assert not np.allclose(
        routed, unweighted.predict_proba(Normalizer().fit_transform(X))
    )


def test_recurrent_net_with_padding_takes_weights():
    X, y = load_dataset("JapaneseVowels", split="train")
    X, y = X[:60], y[:60]
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = LSTMClassifier(max_epochs=2, random_state=0, hidden_size=8)
        clf.fit(X, y, sample_weight=w)
    assert np.isfinite(clf.history_[-1, "train_loss"])
    assert clf.predict(X).shape == (60,)
