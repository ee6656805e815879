"""input_scaling: per-series scaling that keeps the scale (issue 12, PLAID)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import torch

from skseq.classifiers import FCNClassifier, LSTMClassifier
from skseq.datasets import load_dataset
from skseq.nn import SeriesScaling
from skseq.nn._scaling import resolve_input_scaling, scale_spread
from skseq.transformers import Normalizer


@pytest.mark.parametrize(
    "name, expected",
    [
        ("GunPoint", None),
        ("JapaneseVowels", None),
        ("BasicMotions", None),
        ("PLAID", "series"),
    ],
)
def test_auto_scales_only_the_panels_on_mixed_scales(name, expected):
    X, _ = load_dataset(name, split="train")
    assert resolve_input_scaling("auto", X) == expected
    assert resolve_input_scaling(None, X) is None
    assert resolve_input_scaling("series", X) == "series"


def test_auto_scales_panels_far_from_unit_scale():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2, 30))
    assert resolve_input_scaling("auto", X) is None
    assert resolve_input_scaling("auto", X * 1e4) == "series"
    assert resolve_input_scaling("auto", X * 1e-4) == "series"
    mixed = X * np.geomspace(0.01, 100, 20)[:, None, None]
    ratio, _ = scale_spread(mixed)
    assert ratio.max() > 10 and resolve_input_scaling("auto", mixed) == "series"
    constant = np.ones((5, 1, 10))  # no spread at all: nothing to scale
    assert resolve_input_scaling("auto", constant) is None


def _padded(rng, lengths, channels=2, scale=None):
    t = max(lengths)
    x = torch.zeros(len(lengths), channels, t)
    for i, n in enumerate(lengths):
        s = 1.0 if scale is None else scale[i]
        x[i, :, :n] = torch.from_numpy(rng.normal(3.0, 2.0, (channels, n))) * s
    return x, torch.tensor(lengths)


def test_series_scaling_z_normalises_and_keeps_the_scale():
    rng = np.random.default_rng(0)
    x, lengths = _padded(rng, [12, 7, 12, 3])
    scaling = SeriesScaling(2).fit(x, lengths)
    out = scaling(x, lengths)
    assert out.shape == (4, 6, 12)
    # the z channels equal the Normalizer's per-series z-score
    panel = x.numpy().copy()
    for i, n in enumerate(lengths.tolist()):
        panel[i, :, n:] = np.nan
    expected = np.nan_to_num(Normalizer().fit_transform(panel), nan=0.0)
    np.testing.assert_allclose(out[:, :2].numpy(), expected, atol=1e-5)
    # padding stays zero in every channel
    assert torch.all(out[1, :, 7:] == 0) and torch.all(out[3, :, 3:] == 0)
    # a series times 100 has the same z channels but other scale channels
    big = x.clone()
    big[0] *= 100
    out_big = scaling(big, lengths)
    torch.testing.assert_close(out_big[0, :2], out[0, :2], atol=1e-5, rtol=1e-5)
    assert not torch.allclose(out_big[0, 2:4, :12], out[0, 2:4, :12])


def test_series_scaling_ignores_padding_and_traces():
    rng = np.random.default_rng(1)
    x, lengths = _padded(rng, [9, 5, 9])
    scaling = SeriesScaling(2).fit(x, lengths)
    alone = scaling(x[1:2, :, :5], lengths[1:2])
    torch.testing.assert_close(scaling(x, lengths)[1:2, :, :5], alone)
    traced = torch.jit.trace(scaling, (x, lengths))
    x2, lengths2 = _padded(rng, [4, 11])
    torch.testing.assert_close(traced(x2, lengths2), scaling(x2, lengths2))
    # a constant series: z channels zero, finite scale channels
    flat = torch.full((1, 2, 6), 5.0)
    assert torch.all(torch.isfinite(scaling(flat, None)))
    assert torch.all(scaling(flat, None)[:, :2] == 0)


def _amplitude_task(n=48, seed=0):
    # one shape for every series; the class is whether the amplitude is above
    # 1, and amplitudes span four orders of magnitude: z-scores alone carry
    # nothing, the scale channels everything
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 4 * np.pi, 40)
    amp = np.geomspace(0.01, 100, n)[rng.permutation(n)]
    y = (amp > 1).astype(int)
    X = np.sin(t)[None, None, :] * amp[:, None, None]
    X = X + 0.05 * amp[:, None, None] * rng.normal(size=(n, 1, 40))
    return X.astype(np.float32), y


def test_classifier_resolves_scaling_at_fit_and_learns_amplitude():
    X, y = _amplitude_task()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = FCNClassifier(
            max_epochs=30, random_state=0, n_filters=(8, 8, 8), lr=1e-2
        ).fit(X, y)
    assert clf.input_scaling_ == "series" and clf._network_channels() == 3
    assert "input_scaler" in clf._modules
    # within each amplitude band the class is the scale: z-scores alone lose it
    assert (clf.predict(X) == y).mean() >= 0.9


def test_auto_resolving_to_none_trains_exactly_as_none():
    X, y = load_dataset("GunPoint", split="train")
    kw = {"max_epochs": 2, "random_state": 0, "n_filters": (8, 8, 8)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = FCNClassifier(**kw).fit(X[:40], y[:40])
        none = FCNClassifier(**kw, input_scaling=None).fit(X[:40], y[:40])
    assert auto.input_scaling_ is None and auto.input_scaler_ is None
    np.testing.assert_array_equal(auto.predict_proba(X), none.predict_proba(X))


def test_scaled_classifier_refits_pickles_and_ignores_padding():
    X, y = load_dataset("JapaneseVowels", split="train")
    X, y = X[:60], y[:60]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = LSTMClassifier(
            max_epochs=2, random_state=0, hidden_size=8, input_scaling="series"
        ).fit(X, y)
        proba = clf.predict_proba(X)
        again = pickle.loads(pickle.dumps(clf))
        np.testing.assert_allclose(again.predict_proba(X), proba, rtol=1e-6)
        # one series alone (no padding) == the same series in the padded panel
        np.testing.assert_allclose(
            clf.predict_proba(X[5:6, :, : int(np.isfinite(X[5, 0]).sum())]),
            proba[5:6],
            rtol=1e-5,
            atol=1e-6,
        )
        # refit without scaling: the scaler is gone, the network sees 12 channels
        clf.set_params(input_scaling=None).fit(X, y)
    assert clf.input_scaler_ is None and "input_scaler" not in clf._modules
    assert clf.predict_proba(X).shape == proba.shape


def test_bad_input_scaling_is_refused():
    X, y = load_dataset("GunPoint", split="train")
    with pytest.raises(ValueError, match="input_scaling"):
        FCNClassifier(input_scaling="zscore").fit(X, y)


def test_scaled_classifier_exports_to_onnx():
    pytest.importorskip("onnxruntime")
    from skseq.export import OnnxClassifier, to_onnx

    X, y = _amplitude_task()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = FCNClassifier(max_epochs=2, random_state=0, n_filters=(4, 4, 4))
        clf.fit(X, y)
    assert clf.input_scaling_ == "series"
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        served = OnnxClassifier(to_onnx(clf, Path(tmp) / "m.onnx"))
        np.testing.assert_allclose(
            served.predict_proba(X), clf.predict_proba(X), atol=1e-5
        )
