"""Tests of the row-preserving panel transformers (skseq.transformers)."""

import numpy as np
import pandas as pd
import pytest
from _instances import expected_failed_checks
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from skseq.transformers import (
    Interpolator,
    Normalizer,
    Padder,
    RollingFeatures,
    Truncator,
)
from skseq.utils import check_panel, series_lengths

ALL = [Interpolator, Normalizer, Padder, RollingFeatures, Truncator]


# ----------------------------------------------------------------- data


@pytest.fixture(scope="module")
def gunpoint():
    from sktime.datasets import load_gunpoint

    X, y = load_gunpoint(split="train", return_type="numpy3D")
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def basic_motions():
    from sktime.datasets import load_basic_motions

    X, _ = load_basic_motions(split="train", return_type="numpy3D")
    return X


@pytest.fixture(scope="module")
def japanese_vowels():
    """Unequal lengths (7 to 26 steps), 12 channels, as a NaN-padded panel."""
    from sktime.datasets import load_japanese_vowels

    X, y = load_japanese_vowels(split="train")
    return check_panel(X, return_lengths=True)


def _with_nan_bursts(X, rng, n_bursts=3, max_len=6):
    """Copy of ``X`` with NaN bursts inside every series (never at the end)."""
    X = X.copy()
    for i in range(X.shape[0]):
        for _ in range(n_bursts):
            size = rng.integers(1, max_len + 1)
            start = rng.integers(1, X.shape[2] - size - 1)
            X[i, rng.integers(X.shape[1]), start : start + size] = np.nan
    return X


# --------------------------------------------------- sklearn conformance


def _expected_failed(estimator):
    return expected_failed_checks(estimator)


# the tests/_instances.py instances run in tests/test_common.py; here the defaults
@parametrize_with_checks(
    [cls() for cls in ALL],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("cls", ALL)
def test_panel_in_panel_out_in_a_plain_pipeline(cls, gunpoint):
    X, y = gunpoint
    pipe = make_pipeline(
        cls(),
        FunctionTransformer(np.nan_to_num),
        FunctionTransformer(np.reshape, kw_args={"shape": (len(X), -1)}),
    )
    Xt = cls().fit_transform(X)
    assert Xt.ndim == 3 and Xt.shape[0] == X.shape[0] and Xt.dtype == np.float32
    assert pipe.fit_transform(X).shape[0] == X.shape[0]


# ------------------------------------------------------------ Interpolator


def test_interpolator_methods_on_known_values():
    x = np.array([0.0, np.nan, 2.0, np.nan, np.nan, 8.0, np.nan, 6.0])
    X = x[None, None, :]
    out = {
        m: Interpolator(m).fit_transform(X)[0, 0]
        for m in ("linear", "nearest", "ffill", "bfill")
    }
    np.testing.assert_array_equal(out["linear"], [0, 1, 2, 4, 6, 8, 7, 6])
    np.testing.assert_array_equal(out["nearest"], [0, 0, 2, 2, 8, 8, 8, 6])
    np.testing.assert_array_equal(out["ffill"], [0, 0, 2, 2, 2, 8, 8, 6])
    np.testing.assert_array_equal(out["bfill"], [0, 2, 2, 8, 8, 8, 6, 6])


def test_spline_is_exact_on_a_cubic_and_pchip_does_not_overshoot():
    t = np.arange(20.0)
    cubic = 0.01 * t**3 - 0.2 * t**2 + t - 3
    X = cubic.copy()
    X[[3, 4, 9, 10, 11, 15]] = np.nan
    filled = Interpolator("spline").fit_transform(X[None, :])[0, 0]
    np.testing.assert_allclose(filled, cubic, rtol=1e-5, atol=1e-4)
    step = np.array([0.0, 0.0, 0.0, 1.0, np.nan, np.nan, 1.0, 1.0, 1.0])
    pchip = Interpolator("pchip").fit_transform(step[None, :])[0, 0]
    spline = Interpolator("spline").fit_transform(step[None, :])[0, 0]
    assert pchip.min() >= 0.0 and pchip.max() <= 1.0
    assert spline.min() < 0.0 or spline.max() > 1.0  # the spline rings


def test_interpolator_max_gap_and_reporting():
    x = np.array([1.0, np.nan, 3.0, np.nan, np.nan, np.nan, 7.0, 8.0])
    X = x[None, None, :]
    out = Interpolator(max_gap=2).fit_transform(X)[0, 0]
    np.testing.assert_array_equal(out[:3], [1, 2, 3])
    assert np.isnan(out[3:6]).all()  # a too-long gap is left whole, not half
    with pytest.warns(UserWarning, match="gap of 3 missing steps starting at step 3"):
        Interpolator(max_gap=2, on_long_gap="warn").fit_transform(X)
    with pytest.raises(ValueError, match="Series 0, channel 0 has a gap of 3"):
        Interpolator(max_gap=2, on_long_gap="raise").fit_transform(X)
    # a channel with nothing observed cannot be filled: reported as well
    Y = np.stack([np.arange(4.0), np.full(4, np.nan)])[None]
    with pytest.raises(ValueError, match="channel 1 has a gap of 4"):
        Interpolator(on_long_gap="raise").fit_transform(Y)


def test_interpolator_edges():
    Y = np.array(
        [
            [np.nan, np.nan, 2.0, 3.0, np.nan, 5.0],
            [np.nan, 1.0, 2.0, 3.0, np.nan, np.nan],  # channel 1 stops early
        ]
    )[None]
    near = Interpolator(edges="nearest").fit_transform(Y)[0]
    np.testing.assert_array_equal(near[0], [2, 2, 2, 3, 4, 5])
    np.testing.assert_array_equal(near[1], [1, 1, 2, 3, 3, 3])
    extra = Interpolator(edges="extrapolate").fit_transform(Y)[0]
    np.testing.assert_array_equal(extra[0], [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(extra[1], [0, 1, 2, 3, 4, 5])
    leave = Interpolator(edges="leave").fit_transform(Y)[0]
    assert np.isnan(leave[0, :2]).all() and leave[0, 4] == 4
    assert np.isnan(leave[1, [0, 4, 5]]).all()


def test_interpolator_leaves_padding_and_converts_zero_padding(japanese_vowels):
    X, lengths = japanese_vowels
    rng = np.random.default_rng(1)
    holes = X.copy()
    for i in range(len(X)):
        t = rng.integers(1, lengths[i] - 1)
        holes[i, rng.integers(X.shape[1]), t] = np.nan
    out = Interpolator().fit_transform(holes)
    np.testing.assert_array_equal(series_lengths(out), lengths)
    inside = np.arange(X.shape[2])[None, None, :] < lengths[:, None, None]
    assert not np.isnan(out[np.broadcast_to(inside, out.shape)]).any()
    assert np.isnan(out[~np.broadcast_to(inside, out.shape)]).all()
    # zero padding (a common export format) becomes NaN padding again
    zero_padded = np.nan_to_num(X, nan=0.0)
    back = Interpolator(padding_value=0.0).fit_transform(zero_padded)
    np.testing.assert_array_equal(series_lengths(back), lengths)
    np.testing.assert_array_equal(np.isnan(back), np.isnan(X))
    assert series_lengths(Interpolator().fit_transform(zero_padded)).min() == 26


def test_interpolator_sentinel_and_no_mutation():
    X = np.array([[1.0, -999.0, 3.0, 4.0], [2.0, 2.0, -999.0, 2.0]], np.float32)
    before = X.copy()
    out = Interpolator(missing_values=-999.0).fit_transform(X)
    np.testing.assert_array_equal(out[:, 0], [[1, 2, 3, 4], [2, 2, 2, 2]])
    np.testing.assert_array_equal(X, before)


@pytest.mark.learning
def test_interpolator_on_gunpoint_recovers_bursts(gunpoint):
    X, y = gunpoint
    holes = _with_nan_bursts(X, np.random.default_rng(0))
    missing = np.isnan(holes)
    # filling with each series' mean errs by ~0.96 (GunPoint is z-normalised)
    mean_fill = np.broadcast_to(np.nanmean(holes, axis=2, keepdims=True), X.shape)
    baseline = np.abs(mean_fill[missing] - X[missing]).mean()
    for method in ("linear", "pchip", "spline"):
        out = Interpolator(method).fit_transform(holes)
        np.testing.assert_array_equal(out[~missing], X[~missing])
        # GunPoint is smooth: filled bursts stay close to the truth
        assert np.abs(out[missing] - X[missing]).mean() < baseline / 20, method
    # the pipeline reaches the accuracy the complete data gives
    clf = make_pipeline(
        Interpolator(),
        Normalizer(),
        FunctionTransformer(np.reshape, kw_args={"shape": (-1, X.shape[2])}),
        LogisticRegression(max_iter=500),
    )
    assert clf.fit(holes, y).score(holes, y) > 0.9


def test_interpolator_bad_parameters():
    X = np.ones((2, 5))
    for params, match in [
        ({"method": "cubic"}, "method='cubic' is not supported"),
        ({"max_gap": 0}, "max_gap=0 must be a positive integer"),
        ({"edges": "wrap"}, "edges='wrap'"),
        ({"on_long_gap": "ignore"}, "on_long_gap='ignore'"),
    ]:
        with pytest.raises(ValueError, match=match):
            Interpolator(**params).fit(X)
    with pytest.raises(ValueError, match="infinity"):
        Interpolator().fit(np.array([[1.0, np.inf, 2.0]]))


@st.composite
def _series_with_gaps(draw):
    n_steps = draw(st.integers(2, 40))
    values = draw(
        hnp.arrays(
            np.float32,
            (2, n_steps),
            elements=st.floats(-1e3, 1e3, width=32, allow_nan=False),
        )
    )
    missing = draw(hnp.arrays(bool, (2, n_steps)))
    missing[0, -1] = False  # keep the series length: the last step is observed
    return np.where(missing, np.nan, values).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(
    X=_series_with_gaps(),
    method=st.sampled_from(["linear", "spline", "pchip", "nearest", "ffill", "bfill"]),
    max_gap=st.one_of(st.none(), st.integers(1, 5)),
    edges=st.sampled_from(["nearest", "extrapolate", "leave"]),
)
def test_interpolation_properties(X, method, max_gap, edges):
    out = Interpolator(method, max_gap=max_gap, edges=edges).fit_transform(X[None])[0]
    observed = ~np.isnan(X)
    # observed values never change
    np.testing.assert_array_equal(out[observed], X[observed])
    for c in range(X.shape[0]):
        seen = np.flatnonzero(observed[c])
        if seen.size == 0:
            assert np.isnan(out[c]).all()
            continue
        padded = np.concatenate(([False], ~observed[c], [False]))
        change = np.flatnonzero(padded[1:] != padded[:-1])
        for a, b in zip(change[0::2], change[1::2], strict=True):
            is_edge = a < seen[0] or a > seen[-1]
            fillable = max_gap is None or b - a <= max_gap
            if fillable and not (is_edge and edges == "leave"):
                assert np.isfinite(out[c, a:b]).all()  # no NaN left within max_gap
            else:
                assert np.isnan(out[c, a:b]).all()  # left whole, never half


# ----------------------------------------------------------- Padder/Truncator


def test_padder_lengths_sides_and_values(japanese_vowels):
    X, lengths = japanese_vowels
    out = Padder(fill_value=0.0).fit_transform(X)
    assert out.shape == X.shape and not np.isnan(out).any()
    for i in (0, 5, 100):
        np.testing.assert_array_equal(out[i, :, : lengths[i]], X[i, :, : lengths[i]])
        assert (out[i, :, lengths[i] :] == 0).all()
    pre = Padder(length=30, side="pre", fill_value=-1.0).fit(X).transform(X)
    assert pre.shape == (len(X), 12, 30)
    for i in (0, 5):
        np.testing.assert_array_equal(
            pre[i, :, 30 - lengths[i] :], X[i, :, : lengths[i]]
        )
        assert (pre[i, :, : 30 - lengths[i]] == -1).all()
    padder = Padder(length=0.5).fit(X)
    assert padder.length_ == int(np.quantile(lengths, 0.5, method="higher"))
    with pytest.raises(ValueError, match="put Truncator"):
        padder.transform(X)
    with pytest.raises(ValueError, match="NaN before each series"):
        Padder(side="pre").fit(X)


def test_truncator_then_padder_gives_equal_lengths(japanese_vowels):
    X, lengths = japanese_vowels
    pipe = make_pipeline(Truncator(length=0.5), Padder(fill_value=0.0))
    out = pipe.fit_transform(X)
    target = int(np.quantile(lengths, 0.5, method="higher"))
    assert out.shape == (len(X), 12, target) and not np.isnan(out).any()
    pre = Truncator(length=10, side="pre").fit_transform(X)
    for i in range(len(X)):
        kept = min(lengths[i], 10)
        start = lengths[i] - kept
        np.testing.assert_array_equal(pre[i, :, :kept], X[i, :, start : lengths[i]])
        assert np.isnan(pre[i, :, kept:]).all()
    assert Truncator().fit(X).length_ == lengths.min()


def test_length_parameters_are_checked():
    X = np.ones((3, 6))
    with pytest.raises(ValueError, match="must lie in"):
        Truncator(length=1.5).fit(X)
    with pytest.raises(ValueError, match="'min'"):
        Padder(length="min").fit(X)
    with pytest.raises(ValueError, match="side='middle'"):
        Truncator(side="middle").fit(X)


# ------------------------------------------------------------- Normalizer


def test_normalizer_instance_scope(basic_motions, japanese_vowels):
    out = Normalizer().fit_transform(basic_motions).astype(np.float64)
    np.testing.assert_allclose(out.mean(axis=2), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=2), 1.0, atol=1e-4)
    X, lengths = japanese_vowels  # NaN padding is ignored and stays padding
    out = Normalizer().fit_transform(X)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(X))
    np.testing.assert_allclose(np.nanmean(out, axis=2), 0.0, atol=1e-5)
    mm = Normalizer(method="minmax").fit_transform(X)
    np.testing.assert_allclose(np.nanmin(mm, axis=2), 0.0)
    np.testing.assert_allclose(np.nanmax(mm, axis=2), 1.0)


def test_normalizer_channel_scope_uses_fit_statistics(basic_motions):
    train, test = basic_motions[:20], basic_motions[20:]
    norm = Normalizer(scope="channel").fit(train)
    as_seen = train.astype(np.float32).astype(np.float64)  # the panel contract
    np.testing.assert_allclose(norm.loc_, as_seen.mean(axis=(0, 2)), rtol=1e-10)
    np.testing.assert_allclose(norm.scale_, as_seen.std(axis=(0, 2)), rtol=1e-10)
    expected = (test - norm.loc_[None, :, None]) / norm.scale_[None, :, None]
    np.testing.assert_allclose(norm.transform(test), expected, rtol=1e-5, atol=1e-5)
    # per-channel scaling keeps amplitude differences between series
    amp = np.abs(norm.transform(test)).max(axis=(1, 2))
    assert amp.max() / amp.min() > 2


def test_normalizer_constant_series_become_zero():
    X = np.array([[[3.0, 3.0, 3.0]], [[1.0, 2.0, np.nan]], [[0.0, 0.0, 0.0]]])
    for method in ("zscore", "minmax"):
        out = Normalizer(method=method).fit_transform(X)
        np.testing.assert_array_equal(out[[0, 2]], 0.0)
        assert np.isnan(out[1, 0, 2])
    # a signal of tiny amplitude is a signal, not a constant
    small = 1e-7 * np.array([[[0.0, 1.0, 2.0, 3.0]]])
    out = Normalizer(method="minmax").fit_transform(small)
    np.testing.assert_allclose(out[0, 0], [0, 1 / 3, 2 / 3, 1], rtol=1e-5)


# -------------------------------------------------------- RollingFeatures


def _pandas_reference(x, stat, w):
    s = pd.Series(x.astype(np.float64))
    if stat == "diff":
        return (s - s.shift(w).fillna(s.iloc[0])).to_numpy()
    roll = s.rolling(w, min_periods=1)
    return (roll.std(ddof=0) if stat == "std" else getattr(roll, stat)()).to_numpy()


def test_rolling_features_match_pandas(basic_motions):
    X = basic_motions[:5]
    stats = ("mean", "std", "min", "max", "diff")
    rf = RollingFeatures(window_sizes=(1, 4, 7), statistics=stats)
    out = rf.fit_transform(X)
    names = rf.get_channel_names_out()
    assert out.shape == (5, 6 * 16, 100) and len(names) == out.shape[1]
    np.testing.assert_allclose(out[:, :6], X, rtol=1e-6)
    for k, name in enumerate(names[6:], start=6):
        channel, spec = name.split("__")
        stat, w = spec.split("_")
        c = int(channel[1:])
        for i in range(5):
            ref = _pandas_reference(X[i, c], stat, int(w))
            np.testing.assert_allclose(out[i, k], ref, rtol=1e-4, atol=1e-4)


def test_rolling_features_keep_padding_and_are_causal(japanese_vowels):
    X, lengths = japanese_vowels
    rf = RollingFeatures(
        window_sizes=3, statistics=("mean", "max"), include_original=False
    )
    out = rf.fit_transform(X[:20])
    assert out.shape == (20, 24, X.shape[2])
    np.testing.assert_array_equal(series_lengths(out), lengths[:20])
    for i in range(20):
        alone = rf.transform(X[i : i + 1, :, : lengths[i]])
        np.testing.assert_array_equal(out[i, :, : lengths[i]], alone[0])
        assert np.isnan(out[i, :, lengths[i] :]).all()
    # causal: changing the future leaves the past alone
    Y = X[:1, :, : lengths[0]].copy()
    Z = Y.copy()
    Z[..., -1] += 100
    np.testing.assert_array_equal(rf.transform(Y)[..., :-1], rf.transform(Z)[..., :-1])


def test_rolling_features_reject_missing_values_and_bad_params():
    X = np.array([[1.0, np.nan, 3.0, 4.0]])
    with pytest.raises(ValueError, match="Interpolator"):
        RollingFeatures().fit(X)
    with pytest.raises(ValueError, match="unknown statistic"):
        RollingFeatures(statistics="median").fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="window_sizes"):
        RollingFeatures(window_sizes=0).fit(np.ones((2, 3)))
    rf = RollingFeatures(window_sizes=2, statistics="diff").fit(np.ones((2, 2, 3)))
    assert rf.get_channel_names_out(["x", "y"]).tolist() == [
        "x",
        "y",
        "x__diff_2",
        "y__diff_2",
    ]
    with pytest.raises(ValueError, match="fitted on 2 channels"):
        rf.get_channel_names_out(["x"])
