"""Tests for skseq.inspection: channel and segment permutation importance."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from joblib import parallel_backend
from matplotlib.container import BarContainer
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, make_scorer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skseq.classifiers import FCNClassifier
from skseq.datasets import load_dataset
from skseq.inspection import _resample, permutation_importance
from skseq.plotting import plot_importance
from skseq.transformers import Normalizer
from skseq.utils.validation import check_panel, series_lengths

KEYS = {"importances_mean", "importances_std", "importances", "feature_names"}
TINY_FCN = {
    "module__n_filters": (8, 8, 8),
    "random_state": 0,
    "n_threads": 1,
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class MeanSignClassifier(ClassifierMixin, BaseEstimator):
    """Class 1 when the mean of ``X[:, channel, start:stop]`` is above 0.

    A model whose ground truth is known: it reads nothing else.
    """

    def __init__(self, channel=1, start=0, stop=None):
        self.channel = channel
        self.start = start
        self.stop = stop

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def predict(self, X):
        window = np.asarray(X)[:, self.channel, self.start : self.stop]
        return (np.nanmean(window, axis=1) > 0).astype(int)


class SpyClassifier(ClassifierMixin, BaseEstimator):
    """Records every panel it is asked to predict; refuses interior NaN."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.seen_ = []
        return self

    def predict(self, X):
        check_panel(X)  # interior NaN (a cut or torn series) raises here
        self.seen_.append(np.array(X, copy=True))
        return np.resize(self.classes_, len(X))


def _first_step(X):
    return np.asarray(X, dtype=np.float64)[:, :, 0]


def _only_channel(X):
    return np.asarray(X, dtype=np.float64)[:, 0, :]


def _flatten(X):
    return np.asarray(X, dtype=np.float64).reshape(len(X), -1)


@pytest.fixture(scope="module")
def basic_motions():
    X, y = load_dataset("BasicMotions", split="train")
    X_test, y_test = load_dataset("BasicMotions", split="test")
    clf = FCNClassifier(max_epochs=10, **TINY_FCN).fit(X, y)
    return clf, X_test, y_test


@pytest.fixture(scope="module")
def vowels(vowels_train):
    X, y = vowels_train
    return X, y


def _assert_bunch_equal(a, b):
    assert set(a) == set(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


# ------------------------------------------------------------ ground truth
def test_only_the_channel_read_matters():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 4, 15))
    y = (X[:, 2].mean(axis=1) > 0).astype(int)
    model = MeanSignClassifier(channel=2).fit(X, y)
    result = permutation_importance(model, X, y, n_repeats=8, random_state=0)
    assert set(result) == KEYS
    assert result.importances.shape == (4, 8)
    np.testing.assert_array_equal(result.importances[[0, 1, 3]], 0.0)
    assert result.importances_mean[2] > 0.3  # chance is 0.5 accuracy
    assert result.feature_names.tolist() == [f"channel {c}" for c in range(4)]


@pytest.mark.learning
def test_a_trained_fcn_ranks_the_informative_channel_first():
    rng = np.random.default_rng(1)
    n, t = 160, 24
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 3, t)).astype(np.float32)
    X[:, 1] += 2.0 * np.where(y == 1, 1.0, -1.0)[:, None] * np.sin(np.arange(t) / 3.0)
    clf = FCNClassifier(max_epochs=15, lr=1e-2, **TINY_FCN).fit(X[:100], y[:100])
    assert clf.score(X[100:], y[100:]) > 0.9
    result = permutation_importance(clf, X[100:], y[100:], n_repeats=5, random_state=0)
    mean = result.importances_mean
    assert np.argmax(mean) == 1
    assert mean[1] > 0.3
    assert np.abs(mean[[0, 2]]).max() < 0.1


def test_only_the_segment_read_matters():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2, 50))
    y = (X[:, 0, 20:25].mean(axis=1) > 0).astype(int)
    model = MeanSignClassifier(channel=0, start=20, stop=25).fit(X, y)
    result = permutation_importance(
        model, X, y, by="segment", n_repeats=4, random_state=0
    )
    assert result.importances.shape == (10, 4)
    assert result.feature_names[4] == "steps 20–24"
    others = np.delete(np.arange(10), 4)
    np.testing.assert_array_equal(result.importances[others], 0.0)
    assert result.importances_mean[4] > 0.3


def test_a_linear_model_ranks_the_informative_segment_first():
    rng = np.random.default_rng(2)
    n, t = 300, 40
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 2, t))
    X[:, :, 30:35] += np.where(y == 1, 1.0, -1.0)[:, None, None]
    model = make_pipeline(FunctionTransformer(_flatten), LogisticRegression())
    model.fit(X[:200], y[:200])
    result = permutation_importance(
        model, X[200:], y[200:], by="segment", segment_length=5, random_state=0
    )
    assert result.feature_names[6] == "steps 30–34"
    mean = result.importances_mean
    assert np.argmax(mean) == 6
    assert mean[6] > 0.3
    assert np.abs(np.delete(mean, 6)).max() < 0.1


# ------------------------------------------------ scikit-learn's semantics
@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    # float32-exact values: skseq validates panels to float32
    X2 = rng.normal(size=(80, 4)).astype(np.float32).astype(np.float64)
    y = (X2[:, 0] + 0.6 * X2[:, 2] + 0.5 * rng.normal(size=80) > 0).astype(int)
    weights = rng.uniform(0.5, 2.0, 80)
    return X2, y, weights


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"max_samples": 0.5},
        {"max_samples": 30, "scoring": "roc_auc"},
        {"sample_weight": "weights", "scoring": "balanced_accuracy"},
    ],
    ids=["default", "max_samples", "int_max_samples", "sample_weight"],
)
def test_channels_of_one_step_are_sklearn_features(table, kwargs):
    """A panel of one time step is a table: same numbers as scikit-learn."""
    X2, y, weights = table
    if kwargs.get("sample_weight") == "weights":
        kwargs = {**kwargs, "sample_weight": weights}
    pipe = make_pipeline(FunctionTransformer(_first_step), LogisticRegression())
    pipe.fit(X2[:, :, None], y)
    ours = permutation_importance(
        pipe, X2[:, :, None], y, n_repeats=7, random_state=3, **kwargs
    )
    theirs = sk_permutation_importance(
        pipe[-1], X2, y, n_repeats=7, random_state=3, **kwargs
    )
    for key in ("importances", "importances_mean", "importances_std"):
        np.testing.assert_array_equal(ours[key], theirs[key])
    assert ours.importances[0].mean() > 0.1  # a real, non-trivial comparison


def test_time_steps_as_segments_are_sklearn_features(table):
    X2, y, _ = table
    pipe = make_pipeline(FunctionTransformer(_only_channel), LogisticRegression())
    pipe.fit(X2[:, None, :], y)
    ours = permutation_importance(
        pipe,
        X2[:, None, :],
        y,
        by="segment",
        segment_length=1,
        n_repeats=6,
        random_state=np.random.RandomState(5),
    )
    theirs = sk_permutation_importance(
        pipe[-1], X2, y, n_repeats=6, random_state=np.random.RandomState(5)
    )
    np.testing.assert_array_equal(ours.importances, theirs.importances)
    assert ours.feature_names.tolist() == [f"step {t}" for t in range(4)]


def test_multi_metric_matches_sklearn(table):
    X2, y, _ = table
    pipe = make_pipeline(FunctionTransformer(_first_step), LogisticRegression())
    pipe.fit(X2[:, :, None], y)
    scoring = ["accuracy", "roc_auc"]
    ours = permutation_importance(
        pipe, X2[:, :, None], y, scoring=scoring, n_repeats=4, random_state=0
    )
    theirs = sk_permutation_importance(
        pipe[-1], X2, y, scoring=scoring, n_repeats=4, random_state=0
    )
    assert set(ours) == set(theirs) == set(scoring)
    for name in scoring:
        assert set(ours[name]) == KEYS
        np.testing.assert_array_equal(ours[name].importances, theirs[name].importances)


# --------------------------------------------------------- BasicMotions
def test_basic_motions_shapes_and_reproducibility(basic_motions):
    clf, X, y = basic_motions
    result = permutation_importance(clf, X, y, n_repeats=3, random_state=0)
    assert set(result) == KEYS
    assert result.importances.shape == (6, 3)
    assert result.importances_mean.shape == result.importances_std.shape == (6,)
    np.testing.assert_allclose(result.importances_mean, result.importances.mean(axis=1))
    np.testing.assert_allclose(result.importances_std, result.importances.std(axis=1))
    assert result.feature_names.tolist() == [f"channel {c}" for c in range(6)]
    assert np.isfinite(result.importances).all()
    # the drop is baseline - permuted: permuted accuracies are plausible
    baseline = clf.score(X, y)
    permuted = baseline - result.importances
    assert ((permuted >= 0) & (permuted <= 1)).all()

    again = permutation_importance(clf, X, y, n_repeats=3, random_state=0)
    _assert_bunch_equal(result, again)
    other = permutation_importance(clf, X, y, n_repeats=3, random_state=1)
    assert not np.array_equal(result.importances, other.importances)
    with parallel_backend("threading"):
        threaded = permutation_importance(
            clf, X, y, n_repeats=3, random_state=0, n_jobs=2
        )
    _assert_bunch_equal(result, threaded)


def test_basic_motions_multi_metric_and_segments(basic_motions):
    clf, X, y = basic_motions
    single = permutation_importance(
        clf, X, y, scoring="f1_macro", n_repeats=2, random_state=0
    )
    multi = permutation_importance(
        clf, X, y, scoring=("accuracy", "f1_macro"), n_repeats=2, random_state=0
    )
    assert set(multi) == {"accuracy", "f1_macro"}
    _assert_bunch_equal(multi["f1_macro"], single)

    def both(estimator, X, y):
        pred = estimator.predict(X)
        return {
            "acc": accuracy_score(y, pred),
            "f1": f1_score(y, pred, average="macro"),
        }

    as_callable = permutation_importance(clf, X, y, scoring=both, n_repeats=2)
    assert set(as_callable) == {"acc", "f1"}
    as_dict = permutation_importance(
        clf,
        X,
        y,
        scoring={"f1": make_scorer(f1_score, average="macro"), "acc": "accuracy"},
        n_repeats=2,
        random_state=0,
    )
    np.testing.assert_array_equal(as_dict["f1"].importances, single.importances)

    segments = permutation_importance(
        clf, X, y, by="segment", n_segments=4, n_repeats=2, random_state=0
    )
    assert segments.importances.shape == (4, 2)
    assert segments.feature_names.tolist() == [
        "steps 0–24",
        "steps 25–49",
        "steps 50–74",
        "steps 75–99",
    ]


# ------------------------------------------------------------ input forms
def test_lists_and_pandas_panels_give_the_array_result():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3, 8))
    y = (X[:, 1].mean(axis=1) > 0).astype(int)
    model = MeanSignClassifier().fit(X, y)
    expected = permutation_importance(model, X, y, random_state=0)
    from_list = permutation_importance(model, list(X), y, random_state=0)
    _assert_bunch_equal(expected, from_list)

    index = pd.MultiIndex.from_product([range(30), range(8)])
    frame = pd.DataFrame(
        X.transpose(0, 2, 1).reshape(-1, 3), index=index, columns=["ax", "ay", "az"]
    )
    from_frame = permutation_importance(model, frame, y, random_state=0)
    np.testing.assert_array_equal(expected.importances, from_frame.importances)
    assert from_frame.feature_names.tolist() == ["ax", "ay", "az"]

    model.feature_names_in_ = np.array(["x", "y", "z"], dtype=object)
    named = permutation_importance(model, X, y, random_state=0)
    assert named.feature_names.tolist() == ["x", "y", "z"]


# -------------------------------------------------------- unequal lengths
def test_resample_stretches_with_ends_aligned():
    values = np.array([[0.0, 1.0, 2.0]])
    np.testing.assert_array_equal(_resample(values, 3), values)
    np.testing.assert_allclose(_resample(values, 5), [[0.0, 0.5, 1.0, 1.5, 2.0]])
    np.testing.assert_allclose(_resample(values, 2), [[0.0, 2.0]])
    np.testing.assert_allclose(_resample(values, 1), [[1.0]])
    np.testing.assert_allclose(_resample(np.array([[4.0]]), 3), [[4.0, 4.0, 4.0]])


@pytest.mark.parametrize("mode", ["resample", "group"])
def test_unequal_channels_keep_every_length(vowels, mode):
    X, y = vowels
    X = X[:80]
    y = y[:80]
    lengths = series_lengths(X)
    assert len(np.unique(lengths)) > 3
    spy = SpyClassifier().fit(X, y)
    permutation_importance(spy, X, y, n_repeats=2, random_state=0, unequal_lengths=mode)
    assert len(spy.seen_) == 1 + 12 * 2
    moved = 0
    for k, seen in enumerate(spy.seen_[1:]):
        c = k // 2
        # same lengths and padding, no interior NaN (SpyClassifier checked)
        np.testing.assert_array_equal(np.isnan(seen), np.isnan(X))
        others = np.delete(np.arange(12), c)
        np.testing.assert_array_equal(seen[:, others], X[:, others])
        # the permuted channel stays within the channel's range
        lo, hi = np.nanmin(X[:, c]), np.nanmax(X[:, c])
        assert np.nanmin(seen[:, c]) >= lo and np.nanmax(seen[:, c]) <= hi
        for i in range(0, 80, 7):
            same = np.flatnonzero(lengths == lengths[i])
            exact = [
                j
                for j in (same if mode == "group" else range(80))
                if np.array_equal(seen[i, c], X[j, c], equal_nan=True)
            ]
            if mode == "group":
                assert exact, "a group permutation moves values untouched"
            moved += not np.array_equal(seen[i, c], X[i, c], equal_nan=True)
    assert moved > 0


def test_unequal_segments_sit_at_relative_positions(vowels):
    X, y = vowels
    X, y = X[:60], y[:60]
    lengths = series_lengths(X)
    spy = SpyClassifier().fit(X, y)
    result = permutation_importance(
        spy, X, y, by="segment", n_segments=5, n_repeats=1, random_state=0
    )
    assert result.feature_names.tolist() == [
        "0–20% of length",
        "20–40% of length",
        "40–60% of length",
        "60–80% of length",
        "80–100% of length",
    ]
    for k, seen in enumerate(spy.seen_[1:]):
        np.testing.assert_array_equal(np.isnan(seen), np.isnan(X))
        for i in range(60):
            a, b = k * lengths[i] // 5, (k + 1) * lengths[i] // 5
            outside = np.r_[0:a, b : lengths[i]]
            np.testing.assert_array_equal(seen[i][:, outside], X[i][:, outside])


def test_default_segments_fit_the_shortest_series(vowels):
    X, y = vowels
    spy = SpyClassifier().fit(X, y)
    result = permutation_importance(spy, X, y, by="segment", n_repeats=1)
    assert len(result.feature_names) == min(10, series_lengths(X).min())


@pytest.mark.learning
def test_skseq_pipeline_on_japanese_vowels(vowels):
    X, y = vowels
    clf = make_pipeline(Normalizer(), FCNClassifier(max_epochs=4, **TINY_FCN))
    clf.fit(X, y)
    result = permutation_importance(clf, X, y, n_repeats=2, random_state=0)
    assert result.importances.shape == (12, 2)
    assert np.isfinite(result.importances).all()
    assert result.importances_mean.max() > 0
    grouped = permutation_importance(
        clf, X, y, n_repeats=2, random_state=0, unequal_lengths="group"
    )
    assert grouped.importances.shape == (12, 2)
    as_list = [s[:, :n] for s, n in zip(X, series_lengths(X), strict=True)]
    from_list = permutation_importance(clf, as_list, y, n_repeats=2, random_state=0)
    np.testing.assert_array_equal(from_list.importances, result.importances)


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"by": "time"}, "by must be"),
        ({"n_repeats": 0}, "n_repeats must be"),
        ({"n_repeats": 2.5}, "n_repeats must be"),
        ({"by": "segment", "n_segments": 0}, "n_segments must be"),
        ({"by": "segment", "n_segments": 11}, "n_segments=11 is more than"),
        ({"by": "segment", "segment_length": 11}, "segment_length=11 is longer"),
        ({"by": "segment", "n_segments": 2, "segment_length": 2}, "not both"),
        ({"n_segments": 2}, "only apply to by='segment'"),
        ({"unequal_lengths": "pad"}, "unequal_lengths must be"),
        ({"max_samples": 0}, "max_samples"),
        ({"max_samples": 21}, "max_samples must be <= n_samples"),
        ({"max_samples": 1.5}, "max_samples"),
        ({"max_samples": 0.01}, "draws no series"),
        ({"sample_weight": np.ones(3)}, "sample_weight has 3"),
        ({"scoring": "no_such_metric"}, "no_such_metric"),
    ],
)
def test_bad_parameters(kwargs, match):
    X = np.random.default_rng(0).normal(size=(20, 2, 10))
    y = np.arange(20) % 2
    model = MeanSignClassifier(channel=0).fit(X, y)
    with pytest.raises(ValueError, match=match):
        permutation_importance(model, X, y, **kwargs)


def test_bad_inputs(vowels):
    X, y = vowels
    model = MeanSignClassifier(channel=0).fit(X, y)
    with pytest.raises(ValueError, match="y has 5 entries"):
        permutation_importance(model, X, y[:5])
    with pytest.raises(ValueError, match="unequal_lengths='raise'"):
        permutation_importance(model, X, y, unequal_lengths="raise")
    with pytest.raises(ValueError, match="segment_length cuts every series"):
        permutation_importance(model, X, y, by="segment", segment_length=2)
    with pytest.raises(ValueError, match="the shortest series has"):
        permutation_importance(model, X, y, by="segment", n_segments=8)
    with pytest.raises(ValueError, match="Expected 2D array"):
        permutation_importance(model, np.zeros(5), y)


# ------------------------------------------------------------------- plot
@pytest.fixture(scope="module")
def three_channels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3, 10))
    y = (X[:, 1].mean(axis=1) > 0).astype(int)
    model = MeanSignClassifier().fit(X, y)
    return permutation_importance(
        model, X, y, scoring=["accuracy", "f1"], n_repeats=5, random_state=0
    )


def test_plot_box_sorted_with_the_largest_on_top(three_channels):
    result = three_channels["accuracy"]
    ax = plot_importance(result)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    order = np.argsort(-result.importances_mean, kind="stable")
    assert labels[::-1] == result.feature_names[order].tolist()
    assert labels[-1] == "channel 1"
    (means,) = [ln for ln in ax.get_lines() if ln.get_label() == "mean"]
    np.testing.assert_allclose(means.get_xdata(), result.importances_mean[order])
    assert ax.get_title() == "Permutation importance (5 repeats)"


def test_plot_bar_with_error_bars_on_a_given_axes(three_channels):
    fig, axes = plt.subplots(1, 2)
    ax = plot_importance(three_channels, axes[1], kind="bar", metric="f1", top=2)
    assert ax is axes[1]
    result = three_channels["f1"]
    widths = sorted((p.get_width() for p in ax.patches), reverse=True)
    expected = np.sort(result.importances_mean)[::-1][:2]
    np.testing.assert_allclose(widths, expected)
    assert len(ax.get_yticklabels()) == 2
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    (ranges,) = bars.errorbar.lines[2]
    half_widths = [abs(b[0] - a[0]) / 2 for a, b in ranges.get_segments()]
    order = np.argsort(-result.importances_mean, kind="stable")[:2]
    np.testing.assert_allclose(half_widths, result.importances_std[order])
    assert "f1" in ax.get_xlabel()


def test_plot_takes_sklearn_results_and_refuses_bad_input(three_channels):
    from sklearn.utils import Bunch

    plain = Bunch(importances=np.array([[0.1, 0.2], [0.0, 0.0]]))
    ax = plot_importance(plain, title="mine")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["feature 1", "feature 0"]
    assert ax.get_title() == "mine"
    rising = Bunch(importances=np.array([[0.0, 0.0], [0.1, 0.2]]))
    labels = [t.get_text() for t in plot_importance(rising).get_yticklabels()]
    assert labels == ["feature 0", "feature 1"]  # sorted: the largest on top
    unsorted = plot_importance(rising, sort=False)
    labels = [t.get_text() for t in unsorted.get_yticklabels()]
    assert labels == ["feature 1", "feature 0"]  # the first on top
    with pytest.raises(ValueError, match="several metrics"):
        plot_importance(three_channels)
    with pytest.raises(ValueError, match="'roc_auc' is not in result"):
        plot_importance(three_channels, metric="roc_auc")
    with pytest.raises(ValueError, match="kind must be"):
        plot_importance(plain, kind="violin")
    with pytest.raises(ValueError, match="top must be"):
        plot_importance(plain, top=0)
    with pytest.raises(ValueError, match="must be what"):
        plot_importance(np.zeros((2, 3)))
