"""AttentionLSTMClassifier (skseq.classifiers._attention) on real data."""

import pickle

import numpy as np
import pytest
import torch
from _classifiers import (
    JapaneseVowelsChecks,
    check_learns_narrow_univariate,
    check_same_seed_same_predictions,
)
from sklearn.exceptions import NotFittedError

from skseq.classifiers._attention import AttentionLSTMClassifier
from skseq.nn import LSTMNetwork


class TestJapaneseVowels(JapaneseVowelsChecks):
    fitted_fixture = "fitted_attention"


@pytest.mark.learning
def test_attention_weights_are_distributions_over_observed_steps(
    fitted_attention, vowels
):
    X_test, _, lengths = vowels[3:]
    weights = fitted_attention.attention_weights(X_test)
    assert weights.shape == (X_test.shape[0], X_test.shape[2])
    observed = np.arange(X_test.shape[2])[None, :] < lengths[:, None]
    assert np.all(weights[~observed] == 0.0)  # exactly zero on padding
    assert np.all(weights[observed] > 0.0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)
    # the map is not trivially uniform after training
    uniform = observed / lengths[:, None]
    assert np.abs(weights - uniform).max() > 0.05


def test_attention_weights_alone_equal_batched(fitted_attention, vowels):
    X_test, _, lengths = vowels[3:]
    weights = fitted_attention.attention_weights(X_test)  # several batches
    for i in np.flatnonzero(lengths < lengths.max())[:5]:
        alone = fitted_attention.attention_weights([X_test[i, :, : lengths[i]]])
        assert alone.shape == (1, lengths[i])
        np.testing.assert_allclose(
            alone[0], weights[i, : lengths[i]], atol=1e-6, rtol=1e-5
        )


def test_attention_weights_in_eval_mode(fitted_attention, vowels):
    # The fixture's network has dropout: weights computed in training mode
    # would differ from call to call.
    X_test = vowels[3][:40]
    fitted_attention.module_.train()
    first = fitted_attention.attention_weights(X_test)
    second = fitted_attention.attention_weights(X_test)
    assert fitted_attention.module_.training  # mode restored
    fitted_attention.module_.eval()
    np.testing.assert_array_equal(first, second)
    X_net = torch.from_numpy(np.nan_to_num(X_test))
    lengths = torch.as_tensor(vowels[5][:40])
    with torch.no_grad():
        direct = fitted_attention.module_.attention(X_net, lengths).numpy()
    np.testing.assert_allclose(first[:, : direct.shape[1]], direct, atol=1e-6)


def test_attention_weights_errors():
    with pytest.raises(NotFittedError):
        AttentionLSTMClassifier().attention_weights(np.zeros((2, 5)))
    X = np.random.default_rng(0).normal(size=(20, 6)).astype(np.float32)
    y = np.repeat([0, 1], 10)
    clf = AttentionLSTMClassifier(
        module=LSTMNetwork, module__hidden_size=4, max_epochs=1, random_state=0
    ).fit(X, y)
    with pytest.raises(TypeError, match="attention"):
        clf.attention_weights(X)


def test_pickle_round_trip_predicts_identically(fitted_attention, vowels):
    fitted = fitted_attention
    X_test = vowels[3]
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), fitted.predict_proba(X_test)
    )
    np.testing.assert_array_equal(
        restored.attention_weights(X_test), fitted.attention_weights(X_test)
    )


@pytest.mark.learning
@pytest.mark.parametrize("width", [1, 2])
def test_univariate_series_of_one_or_two_steps(width):
    clf, X = check_learns_narrow_univariate(AttentionLSTMClassifier, width)
    weights = clf.attention_weights(X)
    assert weights.shape == (30, width)
    np.testing.assert_allclose(weights.sum(1), 1.0, rtol=1e-6)


def test_same_seed_same_predictions(vowels):
    check_same_seed_same_predictions(AttentionLSTMClassifier, vowels)
