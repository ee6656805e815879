"""Property (issue 13, item 4): any finite float panel with trailing NaN
padding, any labels, either fits and predicts, or raises ValueError — never a
torch or numpy error, never a non-finite prediction."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skseq.classifiers import FCNClassifier, LSTMClassifier


@st.composite
def panels(draw):
    n = draw(st.integers(1, 8))
    c = draw(st.integers(1, 3))
    t = draw(st.integers(1, 12))
    big = float(np.float32(1e30))
    values = st.floats(-big, big, allow_nan=False, allow_infinity=False, width=32)
    X = draw(arrays(np.float32, (n, c, t), elements=values))
    lengths = draw(st.lists(st.integers(1, t), min_size=n, max_size=n))
    for i, length in enumerate(lengths):
        X[i, :, length:] = np.nan
    y = np.array(
        draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    )
    return X, y


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(data=panels(), recurrent=st.booleans())
def test_any_finite_padded_panel_fits_or_raises_value_error(data, recurrent):
    X, y = data
    if recurrent:
        clf = LSTMClassifier(max_epochs=1, hidden_size=4, random_state=0)
    else:
        clf = FCNClassifier(max_epochs=1, n_filters=(2, 2, 2), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            clf.fit(X, y)
        except ValueError:
            return
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), len(np.unique(y)))
    assert np.all(np.isfinite(proba))
    assert set(clf.predict(X)) <= set(y)
