"""Prediction streams in batches and frees each batch (issue 13, item 5).

Peak memory itself was measured in ``benchmarks/results/memory_issue13.md``
(RSS is machine-dependent); these tests assert the mechanism: one
release of freed memory per batch, outputs written into one preallocated
tensor, and results equal to predicting each batch separately.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import skseq.classifiers._base as base
from skseq.classifiers import FCNClassifier, LSTMClassifier
from skseq.utils._memory import release_freed_memory


def _panel(n=37, lengths=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2, 20)).astype(np.float32)
    if lengths is not None:
        for i, length in enumerate(lengths):
            X[i, :, length:] = np.nan
    y = np.arange(n) % 2
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = _panel()
    fcn = FCNClassifier(max_epochs=1, random_state=0, n_filters=(4, 4, 4))
    fcn.fit(X, y)
    ragged = np.r_[np.full(20, 20), np.arange(5, 22)[:17]].clip(max=20)
    Xr, yr = _panel(lengths=ragged, seed=1)
    lstm = LSTMClassifier(
        max_epochs=1, random_state=0, hidden_size=4, bucket_by_length=True
    )
    lstm.fit(Xr, yr)
    return fcn, X, lstm, Xr


def test_release_freed_memory_reports_whether_it_can():
    # glibc Linux: True; elsewhere a no-op that says so
    assert release_freed_memory() in (True, False)


@pytest.mark.parametrize("which", ["dense", "bucketed"])
def test_prediction_releases_memory_once_per_batch(fitted, monkeypatch, which):
    fcn, X, lstm, Xr = fitted
    net, data = (fcn, X) if which == "dense" else (lstm, Xr)
    expected = net.predict_proba(data)
    calls = []
    monkeypatch.setattr(base, "release_freed_memory", lambda: calls.append(1))
    net.set_params(iterator_valid__batch_size=8)
    try:
        got = net.predict_proba(data)
    finally:
        net.set_params(iterator_valid__batch_size=None)
        del net.iterator_valid__batch_size
    assert len(calls) == -(-len(data) // 8)  # one per batch of 8
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_bucketed_outputs_go_into_one_preallocated_tensor(fitted, monkeypatch):
    # the sorted batches' outputs are written at the caller's rows as they come,
    # never concatenated: forward_iter yields once, a tensor of all rows
    _, _, lstm, Xr = fitted
    cat = torch.cat

    def no_row_cat(tensors, dim=0, **kwargs):
        # the networks concatenate features (dim -1); rows are never stacked
        if dim == 0:
            pytest.fail("outputs were concatenated along the batch")
        return cat(tensors, dim=dim, **kwargs)

    monkeypatch.setattr(torch, "cat", no_row_cat)
    chunks = list(lstm.forward_iter(Xr))
    assert len(chunks) == 1 and chunks[0].shape == (len(Xr), 2)
    # row i is series i: equal to predicting series i on its own
    for i in (0, 20, 36):
        alone = lstm.predict_proba(Xr[i : i + 1])
        np.testing.assert_allclose(
            torch.softmax(chunks[0][i : i + 1], -1).numpy(),
            alone,
            rtol=1e-5,
            atol=1e-6,
        )
