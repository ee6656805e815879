"""LSTMClassifier and GRUClassifier (skseq.classifiers._rnn) on bundled real data.

What every classifier inherits from the base (labels, weights, batching,
seeding, skorch parameters) is tested in test_classifiers_base.py.
"""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from skseq.utils.validation import series_lengths


@pytest.fixture(scope="module")
def vowels(vowels_train, vowels_test):
    return (*vowels_train, *vowels_test)


@pytest.mark.learning
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_demo_learns_gunpoint_on_every_seed(seed, tmp_path, capsys):
    """``python -m skseq.demo --random-state S`` (the LSTM defaults) learns
    GunPoint on every seed: before the feature batch norm and the warm-up +
    cosine schedule, 3 of seeds 0-4 stayed at chance on an AMD CPU (and 2 on
    this kind of machine under ATEN_CPU_CAPABILITY=default). The ten-seed
    figure is in benchmarks/results/quality.md."""
    from skseq.demo import run_demo

    scores = run_demo(random_state=seed, output=str(tmp_path / "demo.png"))
    capsys.readouterr()
    assert scores["accuracy"] >= 0.95


@pytest.mark.learning
def test_multivariate_unequal_length_learns(fitted_vowels, vowels):
    _, _, Xt, yt = vowels
    assert fitted_vowels.n_channels_in_ == 12
    assert fitted_vowels.module_.rnn.input_size == 12  # inferred, never typed
    assert accuracy_score(yt, fitted_vowels.predict(Xt)) > 0.5  # 9 classes


def test_padding_never_changes_a_prediction(fitted_vowels, vowels):
    _, _, Xt, _ = vowels
    lengths = series_lengths(Xt)
    short = int(np.argmin(lengths))
    longest = np.argsort(lengths)[-7:]
    alone = fitted_vowels.predict_proba([Xt[short, :, : lengths[short]]])
    batch = np.concatenate([Xt[longest], Xt[short : short + 1]])  # padded to 29
    assert lengths[short] < batch.shape[-1]
    with_longer = fitted_vowels.predict_proba(batch)[-1:]
    np.testing.assert_allclose(alone, with_longer, rtol=1e-5, atol=1e-6)
    # and padding width itself is irrelevant
    wide = np.full((1, 12, 80), np.nan, dtype=np.float32)
    wide[0, :, : lengths[short]] = Xt[short, :, : lengths[short]]
    np.testing.assert_allclose(
        alone, fitted_vowels.predict_proba(wide), rtol=1e-5, atol=1e-6
    )
