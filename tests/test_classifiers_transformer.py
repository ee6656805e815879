"""TransformerClassifier (skseq.classifiers._transformer) on real data."""

import pickle

import numpy as np
import pytest
import torch
from _instances import test_params

from skseq.classifiers._transformer import TransformerClassifier
from skseq.nn import AttentionLSTMNetwork, TransformerNetwork
from skseq.utils.validation import series_lengths


@pytest.fixture(scope="module")
def vowels(vowels_train, vowels_test):
    """JapaneseVowels: 12 channels, 9 speakers, lengths 7-29 (NaN-padded)."""
    X_train, y_train = vowels_train
    X_test, y_test = vowels_test
    return (
        X_train,
        y_train,
        series_lengths(X_train),
        X_test,
        y_test,
        series_lengths(X_test),
    )


@pytest.mark.learning
def test_learns_japanese_vowels(fitted_transformer, vowels):
    fitted = fitted_transformer
    X_test, y_test = vowels[3:5]
    assert list(fitted.classes_) == [str(c) for c in range(1, 10)]
    assert fitted.n_channels_in_ == 12
    proba = fitted.predict_proba(X_test)
    assert proba.shape == (len(X_test), 9)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-5)
    accuracy = (fitted.predict(X_test) == y_test).mean()
    assert accuracy > 0.8  # chance is ~0.11; 12 epochs on one core


def test_padding_invariance_through_predict_proba(fitted_transformer, vowels):
    fitted = fitted_transformer
    X_test, _, lengths = vowels[3:]
    # short series alone (trimmed to its own length) vs in a batch that also
    # holds the longest series, so the batch is padded far beyond them
    short = np.flatnonzero(lengths <= 10)[:5]
    longest = int(np.argmax(lengths))
    batch = np.concatenate([short, [longest]])
    batched = fitted.predict_proba(X_test[batch])
    for row, i in enumerate(short):
        alone = fitted.predict_proba([X_test[i, :, : lengths[i]]])
        torch.testing.assert_close(
            alone[0], batched[row], atol=1e-5, rtol=1e-4, check_dtype=False
        )


def test_pickle_round_trip_predicts_identically(vowels):
    cls = TransformerClassifier
    X, y = vowels[:2]
    fitted = cls(
        module__d_model=16, module__n_heads=2, max_epochs=2, random_state=0
    ).fit(X, y)
    X_test = vowels[3]
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), fitted.predict_proba(X_test)
    )


# one test over both classifiers' fitted fixtures (conftest.py)
def test_module_parameters_route_to_the_network(fitted_attention, fitted_transformer):
    net = fitted_attention.module_
    assert isinstance(net, AttentionLSTMNetwork)
    assert net.rnn.hidden_size == 16 and net.rnn.input_size == 32
    assert net.head[-1].out_features == 9
    net = fitted_transformer.module_
    assert isinstance(net, TransformerNetwork)
    assert net.patch_size == 2
    assert net.stem[0].in_channels == 12 and net.stem[0].out_channels == 32


@pytest.mark.learning
@pytest.mark.parametrize("width", [1, 2])
def test_univariate_series_of_one_or_two_steps(width):
    # scikit-learn's checks feed 2-D arrays this narrow as univariate series
    cls = TransformerClassifier
    rng = np.random.default_rng(0)
    y = np.repeat(["neg", "pos"], 15)
    X = rng.normal(size=(30, width)) + 3.0 * (y == "pos")[:, None]
    clf = cls(**test_params(cls)).fit(X, y)
    assert (clf.predict(X) == y).mean() > 0.9


def test_same_seed_same_predictions(vowels):
    cls = TransformerClassifier
    X, y = vowels[0][:60], vowels[1][:60]
    params = {**test_params(cls), "max_epochs": 2}
    a = cls(**params).fit(X, y).predict_proba(X)
    b = cls(**params).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
