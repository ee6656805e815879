"""Checks that every sequence classifier's test file runs on its own fitted
model (the attention LSTM and the transformer read the same padded
JapaneseVowels panel): the tests of :class:`JapaneseVowelsChecks`,
:func:`check_learns_narrow_univariate` and
:func:`check_same_seed_same_predictions`."""

import numpy as np
import pytest
import torch
from _instances import test_params


class JapaneseVowelsChecks:
    """Tests on a classifier fitted on JapaneseVowels: a file subclasses it as
    ``Test…``, naming in ``fitted_fixture`` the (conftest) fixture that fits
    its classifier."""

    fitted_fixture: str

    @pytest.fixture
    def fitted(self, request):
        return request.getfixturevalue(self.fitted_fixture)

    @pytest.mark.learning
    def test_learns_japanese_vowels(self, fitted, vowels):
        """Nine speakers, probabilities that sum to one, accuracy far above
        chance."""
        X_test, y_test = vowels[3:5]
        assert list(fitted.classes_) == [str(c) for c in range(1, 10)]
        assert fitted.n_channels_in_ == 12
        proba = fitted.predict_proba(X_test)
        assert proba.shape == (len(X_test), 9)
        np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-5)
        accuracy = (fitted.predict(X_test) == y_test).mean()
        assert accuracy > 0.8  # chance is ~0.11; 12 epochs on one core

    def test_padding_invariance_through_predict_proba(self, fitted, vowels):
        """Short series alone (trimmed to their own length) vs in a batch that also
        holds the longest series, so the batch is padded far beyond them."""
        X_test, _, lengths = vowels[3:]
        short = np.flatnonzero(lengths <= 10)[:5]
        longest = int(np.argmax(lengths))
        batch = np.concatenate([short, [longest]])
        batched = fitted.predict_proba(X_test[batch])
        for row, i in enumerate(short):
            alone = fitted.predict_proba([X_test[i, :, : lengths[i]]])
            torch.testing.assert_close(
                alone[0], batched[row], atol=1e-5, rtol=1e-4, check_dtype=False
            )


def check_learns_narrow_univariate(cls, width):
    """Two separable classes of 2-D input ``width`` steps wide (scikit-learn's
    checks feed arrays this narrow as univariate series); returns the fitted
    classifier and its ``X``."""
    rng = np.random.default_rng(0)
    y = np.repeat(["neg", "pos"], 15)
    X = rng.normal(size=(30, width)) + 3.0 * (y == "pos")[:, None]
    clf = cls(**test_params(cls)).fit(X, y)
    assert (clf.predict(X) == y).mean() > 0.9
    return clf, X


def check_same_seed_same_predictions(cls, vowels):
    """Two fits of ``cls`` (its test parameters, 2 epochs) on the first 60
    JapaneseVowels series predict the same probabilities."""
    X, y = vowels[0][:60], vowels[1][:60]
    params = {**test_params(cls), "max_epochs": 2}
    a = cls(**params).fit(X, y).predict_proba(X)
    b = cls(**params).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
