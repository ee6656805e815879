"""Tests for skseq.sampling: PanelSampler and AugmentationOverSampler."""

import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from _instances import instance
from imblearn import FunctionSampler
from imblearn.combine import SMOTEENN
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    BorderlineSMOTE,
    RandomOverSampler,
)
from imblearn.pipeline import make_pipeline
from imblearn.under_sampling import NearMiss, RandomUnderSampler, TomekLinks
from imblearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.utils.estimator_checks import (
    parametrize_with_checks as sklearn_parametrize_with_checks,
)

from skseq.sampling import AugmentationOverSampler, PanelSampler
from skseq.sampling._augment import METHODS
from skseq.utils.validation import check_panel, series_lengths


# ------------------------------------------------------------------ data
@pytest.fixture(scope="module")
def gunpoint():
    """GunPoint with class '2' cut to 10 of 100 series (10:1)."""
    from sktime.datasets import load_gunpoint

    X, y = load_gunpoint(return_type="numpy3D")
    keep = np.r_[np.flatnonzero(y == "1"), np.flatnonzero(y == "2")[:10]]
    return X[keep], y[keep]


@pytest.fixture(scope="module")
def basic_motions():
    """BasicMotions (6 channels) cut to 20/20/8/5 series per class."""
    from sktime.datasets import load_basic_motions

    X, y = load_basic_motions(return_type="numpy3D")
    keep = np.r_[
        np.flatnonzero(y == "walking"),
        np.flatnonzero(y == "running"),
        np.flatnonzero(y == "standing")[:8],
        np.flatnonzero(y == "badminton")[:5],
    ]
    return X[keep], y[keep]


@pytest.fixture(scope="module")
def vowels():
    """JapaneseVowels (12 channels, lengths 7-29, NaN-padded), 40/15/6 series."""
    from sktime.datasets import load_japanese_vowels

    X, y = load_japanese_vowels()
    keep = np.r_[
        np.flatnonzero(y == "1")[:40],
        np.flatnonzero(y == "2")[:15],
        np.flatnonzero(y == "3")[:6],
    ]
    Xp = check_panel(X.iloc[keep])
    assert len(np.unique(series_lengths(Xp))) > 5  # really unequal lengths
    return Xp, y[keep]


# ------------------------------------------------------------ conformance
CHECKED = [
    instance(PanelSampler),
    PanelSampler(RandomOverSampler(random_state=0)),
    PanelSampler(RandomUnderSampler(random_state=0)),
    PanelSampler(TomekLinks()),
    PanelSampler(NearMiss()),
    PanelSampler(SMOTEENN(random_state=0)),
    instance(AugmentationOverSampler),
    *[AugmentationOverSampler(m, random_state=0) for m in METHODS],
]


@parametrize_with_checks(CHECKED)
def test_imblearn_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check(estimator)


@sklearn_parametrize_with_checks(CHECKED[:1] + CHECKED[6:7])
def test_sklearn_checks(estimator, check):
    # scikit-learn's own suite: a 2-D array is a univariate panel
    check(estimator)


@pytest.mark.parametrize("estimator", CHECKED[:1] + CHECKED[6:7], ids=repr)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


# ------------------------------------------- PanelSampler vs wrapped sampler
SAMPLERS = {
    "SMOTE": SMOTE(k_neighbors=3, random_state=0),
    "BorderlineSMOTE": BorderlineSMOTE(k_neighbors=3, random_state=0),
    "ADASYN": ADASYN(n_neighbors=3, random_state=0),
    "RandomOverSampler": RandomOverSampler(random_state=0),
    "RandomUnderSampler": RandomUnderSampler(random_state=0),
    "TomekLinks": TomekLinks(),
    "NearMiss": NearMiss(),
    "SMOTEENN": SMOTEENN(smote=SMOTE(k_neighbors=3, random_state=0), random_state=0),
}


@pytest.mark.parametrize("data", ["gunpoint", "basic_motions"])
@pytest.mark.parametrize("name", list(SAMPLERS))
def test_panel_sampler_equals_wrapped_sampler_on_flat_data(request, data, name):
    X, y = request.getfixturevalue(data)
    flat = X.reshape(len(X), -1).astype(np.float32)
    expected = clone(SAMPLERS[name])
    try:
        X_exp, y_exp = expected.fit_resample(flat, y)
    except (ValueError, RuntimeError) as exc:  # then ours fails the same way
        with pytest.raises(type(exc)):
            PanelSampler(SAMPLERS[name]).fit_resample(X, y)
        return
    sampler = PanelSampler(SAMPLERS[name])
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.shape == (len(X_exp), X.shape[1], X.shape[2])
    assert X_res.dtype == np.float32 and X_res.flags.c_contiguous
    np.testing.assert_array_equal(X_res.reshape(len(X_res), -1), X_exp)
    np.testing.assert_array_equal(y_res, y_exp)
    assert sampler.sampling_strategy_ == expected.sampling_strategy_
    assert sampler.sampler_ is not SAMPLERS[name]  # a fitted clone
    if hasattr(expected, "sample_indices_"):
        np.testing.assert_array_equal(sampler.sample_indices_, expected.sample_indices_)
        np.testing.assert_array_equal(
            X_res, X[sampler.sample_indices_].astype(np.float32)
        )
    else:
        assert not hasattr(sampler, "sample_indices_")
    if name in ("SMOTE", "RandomOverSampler", "RandomUnderSampler", "NearMiss"):
        assert X_res.shape[0] != X.shape[0]  # something happened


def test_panel_sampler_balances_real_data(basic_motions):
    X, y = basic_motions
    _, y_res = PanelSampler(SMOTE(k_neighbors=3, random_state=0)).fit_resample(X, y)
    assert set(Counter(y_res).values()) == {20}
    _, y_res = PanelSampler(RandomUnderSampler(random_state=0)).fit_resample(X, y)
    assert set(Counter(y_res).values()) == {5}


def test_panel_sampler_input_containers(gunpoint):
    X, y = gunpoint
    sampler = PanelSampler(RandomOverSampler(random_state=0))
    X3, y3 = sampler.fit_resample(X, y)
    # a 2-D array is a univariate panel and comes back 2-D
    X2, y2 = sampler.fit_resample(X[:, 0, :], y)
    np.testing.assert_array_equal(X2, X3[:, 0, :])
    # DataFrame and Series come back as DataFrame and Series
    df = pd.DataFrame(X[:, 0, :], columns=[f"t{i}" for i in range(X.shape[2])])
    X_df, y_s = sampler.fit_resample(df, pd.Series(y, name="label"))
    assert isinstance(X_df, pd.DataFrame) and list(X_df.columns) == list(df.columns)
    assert isinstance(y_s, pd.Series) and y_s.name == "label"
    np.testing.assert_allclose(X_df.to_numpy(), X2)
    # a list of (channels, length) arrays comes back as a 3-D panel
    Xl, yl = sampler.fit_resample(list(X), list(y))
    np.testing.assert_array_equal(Xl, X3)
    assert list(yl) == list(y3)


def test_panel_sampler_rejects_missing_values_and_bad_sampler(gunpoint):
    X, y = gunpoint
    X = X.copy()
    X[3, 0, 10] = np.nan
    with pytest.raises(ValueError, match="Interpolator"):
        PanelSampler(SMOTE()).fit_resample(X, y)
    with pytest.raises(ValueError, match="'sampler' parameter of PanelSampler"):
        PanelSampler(object()).fit_resample(X, y)


def test_panel_sampler_fit_only_fits_statistics(gunpoint):
    X, y = gunpoint
    sampler = PanelSampler(SMOTE(random_state=0)).fit(X, y)
    assert sampler.sampling_strategy_ == {"2": 90}
    assert sampler._sampling_type == "over-sampling"
    assert PanelSampler(NearMiss())._sampling_type == "under-sampling"


# ------------------------------------------------- unequal lengths (padding)
def test_selected_rows_keep_their_length_and_padding(vowels):
    X, y = vowels
    for inner in (RandomOverSampler(random_state=0), NearMiss(), TomekLinks()):
        sampler = PanelSampler(inner)
        X_res, _ = sampler.fit_resample(X, y)
        np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])


def _nearest_same_class_lengths(X, y, X_res, y_res):
    """Independent reference for the documented rule: brute-force distances."""
    flat = np.nan_to_num(X).reshape(len(X), -1).astype(np.float64)
    flat_res = np.nan_to_num(X_res).reshape(len(X_res), -1).astype(np.float64)
    lengths = series_lengths(X)
    out = []
    for row, label in zip(flat_res, y_res):
        members = np.flatnonzero(y == label)
        d = ((flat[members] - row) ** 2).sum(axis=1)
        ties = members[np.isclose(d, d.min(), rtol=0, atol=1e-9)]
        out.append(lengths[ties].max())
    return np.array(out)


@pytest.mark.parametrize(
    "inner",
    [SMOTE(k_neighbors=3, random_state=0), SMOTEENN(random_state=0)],
    ids=["SMOTE", "SMOTEENN"],
)
def test_synthetic_rows_take_nearest_same_class_length(vowels, inner):
    X, y = vowels
    X_res, y_res = PanelSampler(inner).fit_resample(X, y)
    lengths = series_lengths(X_res)
    np.testing.assert_array_equal(
        lengths, _nearest_same_class_lengths(X, y, X_res, y_res)
    )
    steps = np.arange(X.shape[2])
    inside = steps[None, None, :] < lengths[:, None, None]
    assert not np.isnan(X_res[np.broadcast_to(inside, X_res.shape)]).any()
    assert np.isnan(X_res[np.broadcast_to(~inside, X_res.shape)]).all()
    if isinstance(inner, SMOTE):  # the originals come back bit for bit
        np.testing.assert_array_equal(X_res[: len(X)], X)
        assert (lengths[len(X) :] < X.shape[2]).any()  # padding restored


def test_length_rule_follows_rows_and_breaks_ties_to_the_longest():
    # a sampler without sample_indices_ that reverses the rows
    nan = np.nan
    X = np.array(
        [
            [[1.0, 2.0, 3.0, 4.0]],
            [[1.0, 2.0, nan, nan]],
            [[5.0, 6.0, 0.0, nan]],  # zero-filled, identical to the next one
            [[5.0, 6.0, nan, nan]],
        ]
    )
    y = np.array([0, 0, 1, 1])
    reverse = FunctionSampler(func=lambda X, y: (X[::-1], y[::-1]))
    X_res, y_res = PanelSampler(reverse).fit_resample(X, y)
    np.testing.assert_array_equal(y_res, y[::-1])
    # rows 0-1 are exact; the tie between lengths 3 and 2 goes to 3
    np.testing.assert_array_equal(series_lengths(X_res), [3, 3, 2, 4])
    np.testing.assert_array_equal(X_res[2:], X[[1, 0]])


# --------------------------------------------------- AugmentationOverSampler
def test_augmentation_counts_and_seeds(basic_motions):
    X, y = basic_motions
    sampler = AugmentationOverSampler("jitter", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.shape == (80, 6, 100) and X_res.dtype == np.float32
    assert set(Counter(y_res).values()) == {20}
    np.testing.assert_array_equal(X_res[: len(X)], X.astype(np.float32))
    seeds = sampler.seed_indices_
    np.testing.assert_array_equal(seeds[: len(X)], np.arange(len(X)))
    np.testing.assert_array_equal(y[seeds], y_res)  # same class as the seed
    # the 5 badminton series seed 15 new ones: each exactly 3 times
    badminton = seeds[len(X) :][y_res[len(X) :] == "badminton"]
    assert sorted(Counter(badminton).values()) == [3] * 5
    # the 8 standing series seed 12: each once or twice
    standing = seeds[len(X) :][y_res[len(X) :] == "standing"]
    assert sorted(Counter(standing).values()) == [1, 1, 1, 1, 2, 2, 2, 2]


def test_augmentation_sampling_strategy_and_determinism(gunpoint):
    X, y = gunpoint
    a = AugmentationOverSampler(
        ["time_warp", "magnitude_warp"], sampling_strategy=0.5, random_state=1
    )
    X_a, y_a = a.fit_resample(X, y)
    assert Counter(y_a.tolist()) == {"1": 100, "2": 50}
    X_b, _ = clone(a).fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    X_c, _ = clone(a).set_params(random_state=2).fit_resample(X, y)
    assert not np.array_equal(X_a, X_c)
    X_d, y_d = clone(a).set_params(sampling_strategy={"2": 30}).fit_resample(X, y)
    assert Counter(y_d.tolist()) == {"1": 100, "2": 30}


def _synthetic(sampler, X, y):
    X_res, _ = sampler.fit_resample(X, y)
    n = len(X)
    seeds = np.asarray(X, dtype=np.float64)[sampler.seed_indices_[n:]]
    return X_res[n:].astype(np.float64), seeds


def test_jitter_has_requested_noise_level(basic_motions):
    X, y = basic_motions
    sampler = AugmentationOverSampler(
        "jitter", jitter_sigma=0.05, sampling_strategy={"badminton": 200}
    )
    new, seeds = _synthetic(sampler.set_params(random_state=0), X, y)
    np.testing.assert_allclose(sampler.channel_std_, X.std(axis=(0, 2)), rtol=1e-4)
    noise = (new - seeds) / sampler.channel_std_[None, :, None]
    assert abs(noise.mean()) < 0.002
    np.testing.assert_allclose(noise.std(axis=(0, 2)), 0.05, rtol=0.03)
    # each jittered series is nearest to its own seed: derived from one series
    flat = X.reshape(len(X), -1)
    d = ((new.reshape(len(new), -1)[:, None, :] - flat[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(d.argmin(1), sampler.seed_indices_[len(X) :])


def test_scaling_multiplies_each_channel_by_one_factor(basic_motions):
    X, y = basic_motions
    sampler = AugmentationOverSampler(
        "scaling", scaling_sigma=0.1, sampling_strategy={"badminton": 300}
    )
    new, seeds = _synthetic(sampler.set_params(random_state=0), X, y)
    ok = np.abs(seeds) > 1e-3
    ratio = np.where(ok, new / np.where(ok, seeds, 1), np.nan)
    factor = np.nanmedian(ratio, axis=2)
    expected = np.broadcast_to(factor[:, :, None], ratio.shape)
    np.testing.assert_allclose(ratio[ok], expected[ok], rtol=1e-4)
    assert abs(factor.mean() - 1) < 0.02 and abs(factor.std() - 0.1) < 0.015


def test_magnitude_warp_is_a_smooth_curve_around_one(gunpoint):
    X, y = gunpoint
    sampler = AugmentationOverSampler(
        "magnitude_warp", warp_sigma=0.2, sampling_strategy={"2": 200}
    )
    new, seeds = _synthetic(sampler.set_params(random_state=0), X, y)
    curve = new[:, 0] / seeds[:, 0]  # GunPoint never crosses 0
    assert abs(curve.mean() - 1) < 0.03
    assert 0.1 < curve.std(axis=1).mean() < 0.3  # not a constant scaling
    # smooth: tiny second differences compared with the curve's spread
    assert np.abs(np.diff(curve, 2, axis=1)).max() < 0.02


def test_time_warp_is_a_monotone_retiming_of_its_seed():
    # controlled ground truth: strictly increasing channels reveal the path
    t = np.arange(60, dtype=float)
    seed = np.stack([t, 3 * t + 5])[None]  # (1, 2, 60)
    X = np.concatenate([seed, np.zeros((4, 2, 60)) + np.arange(60)[::-1]])
    y = np.array([1, 0, 0, 0, 0])
    sampler = AugmentationOverSampler("time_warp", warp_sigma=0.3, random_state=0)
    new, _ = _synthetic(sampler, X, y)
    assert len(new) == 3
    for series in new:
        tau0 = series[0]  # channel 0 = the time it came from
        np.testing.assert_allclose((series[1] - 5) / 3, tau0, atol=1e-4)  # shared
        assert (np.diff(tau0) > 0).all()  # strictly monotone
        assert tau0[0] == 0 and tau0[-1] == pytest.approx(59, abs=1e-4)
        assert np.abs(tau0 - t).max() > 0.5  # it really re-timed


def test_time_warp_keeps_range_and_end_points_on_real_data(gunpoint):
    X, y = gunpoint
    sampler = AugmentationOverSampler("time_warp", random_state=0)
    new, seeds = _synthetic(sampler, X, y)
    tol = 1e-4
    assert (new.max(axis=2) <= seeds.max(axis=2) + tol).all()
    assert (new.min(axis=2) >= seeds.min(axis=2) - tol).all()
    np.testing.assert_allclose(new[:, :, [0, -1]], seeds[:, :, [0, -1]], atol=tol)
    assert np.abs(new - seeds).max() > 0.1  # not copies


def test_window_slice_stretches_a_contiguous_window():
    t = np.arange(50, dtype=float)
    X = np.stack([t[None], t[None], -t[None], -t[None], -t[None]])
    y = np.array([1, 1, 0, 0, 0])
    sampler = AugmentationOverSampler("window_slice", slice_ratio=0.8, random_state=3)
    new, _ = _synthetic(sampler, X, y)
    for series in new[:, 0]:
        start = series[0]
        assert start == int(start) and 0 <= start <= 10
        np.testing.assert_allclose(series, np.linspace(start, start + 39, 50))


def test_window_warp_changes_speed_of_one_window_only():
    t = np.arange(100, dtype=float)
    X = np.stack([t[None]] * 2 + [-t[None]] * 6)
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0])
    sampler = AugmentationOverSampler(
        "window_warp", window_ratio=0.2, window_scales=[3.0], random_state=0
    )
    new, _ = _synthetic(sampler, X, y)
    # a 20-step window slowed down 3x spans 60 of 140 steps, resampled to 100:
    # outside it the output advances 139/99 per step, inside 19/59 of that
    fast, slow = 139 / 99, 139 / 99 * 19 / 59
    for series in new[:, 0]:
        speed = np.diff(series)
        assert (speed > 0).all()
        assert series[0] == 0 and series[-1] == pytest.approx(99)
        assert np.isclose(speed, slow).sum() >= 40
        assert np.isclose(speed, fast).sum() >= 54


@pytest.mark.parametrize("method", METHODS)
def test_augmentation_respects_each_seed_length(vowels, method):
    X, y = vowels
    sampler = AugmentationOverSampler(method, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"1": 40, "2": 40, "3": 40}
    lengths = series_lengths(X_res)
    np.testing.assert_array_equal(lengths, series_lengths(X)[sampler.seed_indices_])
    steps = np.arange(X.shape[2])
    inside = np.broadcast_to(steps[None, None, :] < lengths[:, None, None], X_res.shape)
    assert not np.isnan(X_res[inside]).any()
    assert np.isnan(X_res[~inside]).all()
    assert not np.array_equal(X_res[len(X) :], X[sampler.seed_indices_[len(X) :]])


def test_augmentation_2d_input_and_bad_parameters(gunpoint):
    X, y = gunpoint
    X2, y2 = AugmentationOverSampler(random_state=0).fit_resample(X[:, 0, :], y)
    assert X2.shape == (200, 150)
    X3, _ = AugmentationOverSampler(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X2, X3[:, 0, :])
    with pytest.raises(ValueError, match="method must be one of"):
        AugmentationOverSampler(["jitter", "mixup"]).fit_resample(X, y)
    with pytest.raises(ValueError, match="method must be one of"):
        AugmentationOverSampler([]).fit_resample(X, y)
    with pytest.raises(ValueError, match="window_scales"):
        AugmentationOverSampler(window_scales=[0.5, -1]).fit_resample(X, y)
    with pytest.raises(ValueError, match="'slice_ratio' parameter"):
        AugmentationOverSampler(slice_ratio=1.5).fit_resample(X, y)


# ------------------------------------------------------------ in pipelines
def _tiny_lstm(**kwargs):
    from skseq.classifiers import LSTMClassifier

    return LSTMClassifier(
        module__hidden_size=4, max_epochs=2, batch_size=64, random_state=0, **kwargs
    )


@pytest.mark.parametrize(
    "sampler",
    [
        PanelSampler(SMOTE(k_neighbors=3, random_state=0)),
        AugmentationOverSampler(["time_warp", "window_warp"], random_state=0),
    ],
    ids=["PanelSampler", "AugmentationOverSampler"],
)
def test_samplers_resample_only_during_fit_in_imblearn_pipeline(gunpoint, sampler):
    X, y = gunpoint
    X = X[:, :, ::5]  # 30 steps keep the network tiny
    pipe = make_pipeline(sampler, _tiny_lstm()).fit(X, y)
    clf = pipe[-1]
    # the classifier was trained on the balanced panel...
    assert dict(zip(clf.classes_, clf.class_counts_)) == {"1": 100, "2": 100}
    # ...and predicts one label per input series (no resampling at predict)
    assert pipe.predict(X[:7]).shape == (7,)
    assert pipe.predict_proba(X).shape == (len(X), 2)


def test_panel_sampler_under_grid_search(gunpoint):
    X, y = gunpoint
    X = X[:, :, ::5]
    pipe = make_pipeline(PanelSampler(SMOTE(random_state=0)), _tiny_lstm())
    search = GridSearchCV(
        pipe,
        {"panelsampler__sampler__k_neighbors": [2, 3]},
        scoring="f1_macro",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    ).fit(X, y)
    assert search.best_params_["panelsampler__sampler__k_neighbors"] in (2, 3)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_[0].sampler_.k_neighbors in (2, 3)
