"""TransformerClassifier (skseq.classifiers._transformer) on real data."""

import pickle

import numpy as np
import pytest
from _classifiers import (
    JapaneseVowelsChecks,
    check_learns_narrow_univariate,
    check_same_seed_same_predictions,
)

from skseq.classifiers._transformer import TransformerClassifier
from skseq.nn import AttentionLSTMNetwork, TransformerNetwork


class TestJapaneseVowels(JapaneseVowelsChecks):
    fitted_fixture = "fitted_transformer"


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
    check_learns_narrow_univariate(TransformerClassifier, width)


def test_same_seed_same_predictions(vowels):
    check_same_seed_same_predictions(TransformerClassifier, vowels)
