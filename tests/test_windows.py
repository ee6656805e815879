"""Tests of windowing long recordings with per-step labels (skseq.windows)."""

import os
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    balanced_accuracy_score,
    f1_score,
    make_scorer,
    roc_auc_score,
)
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skseq.windows import (
    WindowedClassifier,
    WindowedPanel,
    make_windows,
    step_scorer,
    unwindow,
)
from skseq.windows._arithmetic import _step_sums


def _flatten(X):
    """Windows (n, channels, length) as rows for a scikit-learn classifier."""
    X = np.asarray(X)
    return np.nan_to_num(X.reshape(len(X), -1))


def _linear(**kwargs):
    return make_pipeline(
        FunctionTransformer(_flatten), LogisticRegression(max_iter=500, **kwargs)
    )


# ----------------------------------------------------------------- data


@pytest.fixture(scope="module")
def mitdb():
    """The bundled mitdb ECG, cut into 3 recordings for recording-level CV.

    The series holds one abnormal episode (steps 6935-7286); the cut at 7110
    splits it, so every training fold of KFold(3) sees both classes.
    """
    import sktime

    path = os.path.join(
        os.path.dirname(sktime.__file__), "datasets", "data", "mitdb", "mitdb.csv"
    )
    frame = pd.read_csv(path)
    cuts = [0, 3000, 7110, len(frame)]
    parts = [frame.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    return [p[["data"]].to_numpy().T for p in parts], [
        p["label"].to_numpy() for p in parts
    ]


def _event_recordings(n_recordings=6, seed=0, n_channels=2):
    """Recordings with square events (label 1) of known position.

    Channel 0 carries the event (+1 during it) under noise; the others are
    noise. Lengths differ between recordings.
    """
    rng = np.random.default_rng(seed)
    X, y = [], []
    for _ in range(n_recordings):
        n = int(rng.integers(300, 500))
        lab = np.zeros(n, dtype=int)
        for start in rng.choice(np.arange(20, n - 60), size=3, replace=False):
            lab[start : start + int(rng.integers(20, 40))] = 1
        rec = 0.3 * rng.standard_normal((n_channels, n))
        rec[0] += lab
        X.append(rec)
        y.append(lab)
    return X, y


# ---------------------------------------------------------- make_windows


def test_single_recording_windows_are_a_zero_copy_view():
    X = np.arange(30.0).reshape(3, 10)
    y = np.array([0, 0, 1, 1, 1, 0, 0, 2, 2, 0])
    windows, labels, groups, starts = make_windows(
        X, y, length=4, step=3, return_starts=True
    )
    assert isinstance(windows, np.ndarray) and np.shares_memory(windows, X)
    assert windows.shape == (3, 3, 4)
    for w, s in zip(windows, starts, strict=True):
        np.testing.assert_array_equal(w, X[:, s : s + 4])
    np.testing.assert_array_equal(starts, [0, 3, 6])
    np.testing.assert_array_equal(groups, [0, 0, 0])
    np.testing.assert_array_equal(labels, [1, 0, 0])  # last step: 3, 6, 9


@pytest.mark.parametrize(
    "rule, expected",
    [
        ("last", [1, 0, 0]),
        ("center", [1, 0, 2]),  # position length // 2 = 2: steps 2, 5, 8
        ("majority", [0, 0, 0]),  # all ties (e.g. 0, 0, 1, 1): the first label
        ("any", [1, 1, 2]),  # background 0 (most frequent over y)
        (lambda w: int(w.max()), [1, 1, 2]),
    ],
)
def test_window_label_rules(rule, expected):
    y = np.array([0, 0, 1, 1, 1, 0, 0, 2, 2, 0])
    _, labels, _ = make_windows(np.zeros(10), y, length=4, step=3, label=rule)
    np.testing.assert_array_equal(labels, expected)


def test_string_labels_and_majority():
    y = np.array(["walk"] * 5 + ["play"] * 4 + ["walk"] * 3)
    _, labels, _ = make_windows(np.zeros(12), y, length=4, step=4, label="majority")
    np.testing.assert_array_equal(labels, ["walk", "play", "walk"])
    _, labels, _ = make_windows(np.zeros(12), y, length=4, step=4, label="any")
    np.testing.assert_array_equal(labels, ["walk", "play", "play"])


@settings(max_examples=40, deadline=None)
@given(
    labels=st.lists(
        st.lists(st.integers(-3, 3), min_size=6, max_size=30), min_size=1, max_size=3
    ),
    rule=st.sampled_from(["majority", "any", "last", "center"]),
)
def test_integer_labels_match_the_generic_path(labels, rule):
    # integer labels take a lookup-table path; an order-preserving map to
    # strings takes the sorting path: both must label every window alike
    y = [np.array(lab) for lab in labels]
    as_text = [np.array([f"{v + 10:02d}" for v in lab]) for lab in labels]
    X = [np.zeros(len(lab)) for lab in labels]
    _, a, _ = make_windows(X, y, length=4, step=2, label=rule)
    _, b, _ = make_windows(X, as_text, length=4, step=2, label=rule)
    np.testing.assert_array_equal([f"{v + 10:02d}" for v in a], b)


def test_several_recordings_give_a_lazy_panel_without_copies():
    X = [
        np.random.default_rng(i).standard_normal((2, n))
        for i, n in enumerate((50, 37, 80))
    ]
    y = [np.arange(r.shape[1]) % 2 for r in X]
    windows, labels, groups, starts = make_windows(
        X, y, length=10, overlap=0.5, return_starts=True
    )
    assert isinstance(windows, WindowedPanel)
    assert all(
        np.shares_memory(v, x) for v, x in zip(windows.recordings, X, strict=True)
    )
    expected = np.concatenate(
        [np.stack([x[:, s : s + 10] for s in range(0, x.shape[1] - 9, 5)]) for x in X]
    )
    assert windows.shape == expected.shape == (len(labels), 2, 10)
    np.testing.assert_array_equal(np.asarray(windows), expected)
    np.testing.assert_array_equal(windows[3], expected[3])
    np.testing.assert_array_equal(windows[-1], expected[-1])
    np.testing.assert_array_equal(windows[2:9:3], expected[2:9:3])
    mask = groups == 1
    np.testing.assert_array_equal(windows[mask], expected[mask])
    np.testing.assert_array_equal(windows[[5, 0, 5]], expected[[5, 0, 5]])
    np.testing.assert_array_equal(windows[[1, 2], 1], expected[[1, 2], 1])
    np.testing.assert_array_equal(windows[..., :3], expected[..., :3])
    np.testing.assert_array_equal(list(windows)[7], expected[7])
    np.testing.assert_array_equal(groups, np.repeat([0, 1, 2], [9, 6, 15]))
    np.testing.assert_array_equal(labels, (starts + 9) % 2)
    with pytest.raises(IndexError):
        windows[len(labels)]
    with pytest.raises(ValueError, match="without copying"):
        np.asarray(windows, copy=False)


@pytest.mark.learning
def test_windowed_panel_in_group_cross_validation():
    X, y = _event_recordings(4)
    windows, labels, groups = make_windows(X, y, length=16, step=8, label="majority")
    scores = cross_val_score(
        _linear(), windows, labels, groups=groups, cv=GroupKFold(n_splits=2)
    )
    assert scores.shape == (2,) and scores.min() > 0.8


def test_make_windows_memory_stays_linear_in_recording_length():
    # 3 recordings of 2 x 100k float64 steps (4.8 MB); 64-step windows every
    # 4 steps would be 16x that (77 MB) if materialised
    X = [np.zeros((2, 100_000 + k)) for k in range(3)]
    y = [np.zeros(r.shape[1], dtype=np.int64) for r in X]
    raw = sum(r.nbytes for r in X)
    tracemalloc.start()
    windows, labels, groups = make_windows(X, y, length=64, step=4, label="majority")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    materialised = windows.shape[0] * 2 * 64 * 8
    assert materialised > 15 * raw
    # O(windows) integers (a label, a group and a start per window are 3/8 of
    # the raw size here, plus temporaries while counting classes) and O(one
    # recording): a tenth of the materialised windows
    assert peak < 1.5 * raw


def test_padding_and_short_recordings():
    X = [np.arange(10.0), np.arange(3.0)]
    with pytest.raises(ValueError, match="Recording 1 has 3 time steps, fewer than"):
        make_windows(X, length=4)
    windows, labels, groups, starts = make_windows(
        X,
        [np.zeros(10), np.array([0, 1, 1])],
        length=4,
        step=3,
        pad=True,
        label="last",
        return_starts=True,
    )
    np.testing.assert_array_equal(starts, [0, 3, 6, 0])
    np.testing.assert_array_equal(windows[2, 0], [6, 7, 8, 9])
    np.testing.assert_array_equal(windows[3, 0], [0, 1, 2, np.nan])
    np.testing.assert_array_equal(labels, [0, 0, 0, 1])  # last *real* step
    single, _, _ = make_windows(np.arange(5.0), length=4, step=3, pad=True)
    np.testing.assert_array_equal(single[1, 0], [3, 4, np.nan, np.nan])


def test_time_axis_zero_reads_tables(mitdb):
    recs, labels = mitdb
    table = pd.DataFrame({"data": recs[2][0]})
    a, la, _ = make_windows(table, labels[2], length=32, step=8, time_axis=0)
    b, lb, _ = make_windows(recs[2], labels[2], length=32, step=8)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    with pytest.raises(ValueError, match="reshape"):
        make_windows(recs[2][0], length=32, time_axis=0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"length": 0}, ValueError, "length=0 must be at least 1"),
        ({"length": 4, "step": 2, "overlap": 0.5}, ValueError, "not both"),
        ({"length": 4, "overlap": 1.0}, ValueError, r"must lie in \[0, 1\)"),
        ({"length": 4, "label": "mode"}, ValueError, "label='mode'"),
        ({"length": 4, "time_axis": 2}, ValueError, "time_axis=2"),
        ({"length": 2.5}, TypeError, "positive int"),
    ],
)
def test_make_windows_parameter_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_windows(np.zeros(10), np.zeros(10), **kwargs)


def test_make_windows_input_errors():
    with pytest.raises(ValueError, match="Recording 1 has 9 time steps but y"):
        make_windows([np.zeros(8), np.zeros(9)], [np.zeros(8), np.zeros(8)], length=2)
    with pytest.raises(ValueError, match="2 recordings but y holds 1"):
        make_windows([np.zeros(8), np.zeros(9)], [np.zeros(8)], length=2)
    with pytest.raises(ValueError, match="Inconsistent channel counts"):
        make_windows([np.zeros((2, 8)), np.zeros((3, 8))], length=2)
    with pytest.raises(TypeError, match="could not be converted to float"):
        make_windows([np.array(["a", "b"]), np.zeros(3)], length=2)


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 60), min_size=1, max_size=4),
    length=st.integers(1, 20),
    data=st.data(),
)
def test_padded_windows_cover_every_step(lengths, length, data):
    step = data.draw(st.integers(1, length))
    X = [np.arange(n, dtype=float) + 1000 * i for i, n in enumerate(lengths)]
    windows, _, groups, starts = make_windows(
        X, length=length, step=step, pad=True, return_starts=True
    )
    windows = np.asarray(windows)
    for i, n in enumerate(lengths):
        covered = np.zeros(n, dtype=bool)
        for w, s in zip(windows[groups == i], starts[groups == i], strict=True):
            covered[s : s + length] = True
            kept = min(length, n - s)
            np.testing.assert_array_equal(w[0, :kept], X[i][s : s + kept])
            assert np.isnan(w[0, kept:]).all()
        assert covered.all()


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 80),
    length=st.integers(1, 25),
    data=st.data(),
)
def test_unwindow_of_a_constant_is_that_constant(n, length, data):
    step = data.draw(st.integers(1, length))
    value = data.draw(
        st.lists(st.floats(0, 1, allow_nan=False), min_size=3, max_size=3)
    )
    _, _, _, starts = make_windows(
        np.zeros(n), length=length, step=step, pad=True, return_starts=True
    )
    per_window = np.tile(value, (starts.size, 1))
    out = unwindow(per_window, starts, length, n)
    assert out.shape == (n, 3)
    np.testing.assert_allclose(out, np.tile(value, (n, 1)), rtol=1e-12, atol=1e-12)


def test_unwindow_averages_overlaps_and_marks_gaps():
    out = unwindow([1.0, 3.0, 5.0], starts=[0, 2, 6], length=3, n_timepoints=10)
    np.testing.assert_array_equal(out[:9], [1, 1, 2, 3, 3, np.nan, 5, 5, 5])
    assert np.isnan(out[9])
    parts = unwindow(
        np.array([[1.0], [2.0], [4.0]]), [0, 1, 0], 2, [3, 2], groups=[0, 0, 1]
    )
    np.testing.assert_array_equal(parts[0][:, 0], [1, 1.5, 2])
    np.testing.assert_array_equal(parts[1][:, 0], [4, 4])


@pytest.mark.parametrize("batch_size", [None, 1, 2, 5, 100])
def test_step_sums_streams_the_sums_of_every_covered_step(batch_size):
    # the one window-to-step averaging behind unwindow and predict (issue 17)
    rng = np.random.RandomState(0)
    starts = np.array([0, 2, 3, 3, 9, 14])  # steps 7 and 8: no window
    values = rng.rand(starts.size, 2)
    expected = np.zeros((16, 3))
    for s, v in zip(starts, values, strict=True):
        expected[s : s + 4] += [*v, 1.0]  # the window at 14 is clipped at 16
    sums, end = np.zeros((16, 3)), 0
    for lo, part in _step_sums(starts, 4, 16, values.__getitem__, batch_size):
        assert lo >= end  # in step order, each step once
        sums[lo : lo + len(part)], end = part, lo + len(part)
    assert end == 16
    np.testing.assert_allclose(sums, expected, rtol=0, atol=1e-12)
    if batch_size is None:  # one batch: exactly what unwindow divides
        covered = expected[:, 2] > 0
        np.testing.assert_array_equal(
            unwindow(values, starts, 4, 16)[covered],
            (sums[:, :2] / sums[:, 2:])[covered],
        )


# --------------------------------------------------- WindowedClassifier


# sklearn's checks on WindowedClassifier run in tests/test_common.py


@pytest.mark.learning
def test_known_events_are_found_at_the_right_steps():
    X, y = _event_recordings(6)
    clf = WindowedClassifier(_linear(), length=16, step=4, label="center")
    clf.fit(X[:4], y[:4])
    pred = clf.predict(X[4:])
    assert isinstance(pred, list) and [p.shape for p in pred] == [
        lab.shape for lab in y[4:]
    ]
    truth, flat = np.concatenate(y[4:]), np.concatenate(pred)
    # a shift of the un-windowed predictions by even a quarter window would
    # cost several steps at each of the six event edges
    assert f1_score(truth, flat) > 0.9
    proba = clf.predict_proba(X[4])
    assert proba.shape == (len(y[4]), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], pred[0])
    # one recording in, one array out; a 3-D array in, a 2-D array out
    assert clf.predict(X[4]).shape == y[4].shape
    stacked = np.stack([X[4][:, :300], X[5][:, :300]])
    assert clf.predict(stacked).shape == (2, 300)
    assert clf.predict_proba(stacked).shape == (2, 300, 2)
    assert clf.n_features_in_ == 2 and clf.n_windows_ > 0 and clf.step_ == 4


def test_streamed_prediction_equals_unwindowing_all_windows():
    X, y = _event_recordings(3)
    clf = WindowedClassifier(_linear(), length=20, step=7).fit(X[:2], y[:2])
    values, groups, starts = clf.predict_windows(X, method="predict_proba")
    reference = unwindow(values, starts, 20, [x.shape[1] for x in X], groups=groups)
    for batch in (1, 3, 1000):
        clf.set_params(predict_batch_size=batch)
        for got, ref in zip(clf.predict_proba(X), reference, strict=True):
            # float32 windows: batch composition moves the last bits only
            np.testing.assert_allclose(got, ref, rtol=0, atol=1e-6)
            if batch == 1000:  # same batches, same averaging routine: same bits
                np.testing.assert_array_equal(got, ref)
    # the last window always ends at the recording's end: an extra one,
    # aligned to the end, when the regular windows stop short of it
    short = 0
    for i, x in enumerate(X):
        mine, n = starts[groups == i], x.shape[1]
        regular = np.arange(0, n - 20 + 1, 7)
        assert mine[-1] == n - 20
        if regular[-1] != n - 20:
            np.testing.assert_array_equal(mine[:-1], regular)
            short += 1
        else:
            np.testing.assert_array_equal(mine, regular)
    assert short > 0


def test_constant_window_probabilities_give_constant_step_probabilities():
    X, y = _event_recordings(3)
    prior = DummyClassifier(strategy="prior")
    clf = WindowedClassifier(prior, length=16, step=5).fit(X, y)
    window_prior = clf.estimator_.class_prior_
    for proba in clf.predict_proba(X):
        np.testing.assert_allclose(proba, np.tile(window_prior, (len(proba), 1)))


def test_vote_uses_the_inner_decision_rule():
    from sklearn.model_selection import FixedThresholdClassifier

    X, y = _event_recordings(4)
    strict = FixedThresholdClassifier(_linear(), threshold=0.95)
    clf = WindowedClassifier(strict, length=16, step=4, aggregate="vote")
    clf.fit(X[:3], y[:3])
    votes, groups, starts = clf.predict_windows(X[3])
    by_hand = unwindow(np.eye(2)[votes], starts, 16, X[3].shape[1]).argmax(axis=1)
    np.testing.assert_array_equal(clf.predict(X[3]), clf.classes_[by_hand])
    # the threshold is honoured: fewer event steps than with mean probability
    mean_rule = clf.set_params(aggregate="mean_proba").predict(X[3])
    assert clf.set_params(aggregate="vote").predict(X[3]).sum() < mean_rule.sum()


def test_pad_allows_short_recordings():
    X, y = _event_recordings(3)
    X.append(X[0][:, :10])
    y.append(y[0][:10])
    clf = WindowedClassifier(_linear(), length=16, step=8)
    with pytest.raises(ValueError, match="Recording 3 has 10 time steps"):
        clf.fit(X, y)
    clf.set_params(pad=True).fit(X, y)
    assert clf.predict(X[3]).shape == (10,)


def test_string_labels_and_step_scorer():
    X, y = _event_recordings(4)
    names = np.array(["rest", "play"])
    y = [names[lab] for lab in y]
    clf = WindowedClassifier(_linear(), length=16, step=4, label="majority")
    clf.fit(X[:3], y[:3])
    assert set(clf.classes_) == {"play", "rest"}
    pred = clf.predict(X[3:])
    truth = np.concatenate(y[3:])
    assert clf.score(X[3:], y[3:]) == pytest.approx(np.mean(truth == pred[0]))
    bal = step_scorer("balanced_accuracy")(clf, X[3:], y[3:])
    assert bal == pytest.approx(balanced_accuracy_score(truth, pred[0]))
    auc = step_scorer("roc_auc")(clf, X[3:], y[3:])
    proba = clf.predict_proba(X[3])[:, list(clf.classes_).index("rest")]
    assert auc == pytest.approx(roc_auc_score(truth == "rest", proba))


class _RecordingSpy(ClassifierMixin, BaseEstimator):
    """Inner estimator that notes which recordings its training windows are from.

    Channel 1 of every recording holds the recording's id.
    """

    seen: list = []

    def fit(self, X, y):
        X = np.asarray(X)
        type(self).seen.append(frozenset(np.unique(X[:, 1]).astype(int).tolist()))
        self.model_ = LogisticRegression().fit(X[:, 0], y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(np.asarray(X)[:, 0])

    def predict(self, X):
        return self.model_.predict(np.asarray(X)[:, 0])


def test_grid_search_over_recordings_never_leaks_a_window():
    X, y = _event_recordings(6, n_channels=1)
    X = [np.vstack([x, np.full_like(x, i)]) for i, x in enumerate(X)]
    _RecordingSpy.seen = []
    search = GridSearchCV(
        WindowedClassifier(_RecordingSpy(), length=8),
        {"length": [8, 12], "step": [4, 8]},
        cv=KFold(3),
    ).fit(X, y)
    train_sets = [frozenset(tr.tolist()) for tr, _ in KFold(3).split(np.arange(6))]
    *cv_fits, refit = _RecordingSpy.seen
    assert len(cv_fits) == 4 * 3
    assert all(seen in train_sets for seen in cv_fits)
    assert {s: cv_fits.count(s) for s in train_sets} == dict.fromkeys(train_sets, 4)
    assert refit == frozenset(range(6))
    assert search.best_params_["length"] in (8, 12)
    assert len(search.best_estimator_.predict(X)) == 6


def test_grid_search_on_mitdb_tunes_length_step_and_inner_parameters(mitdb):
    X, y = mitdb
    search = GridSearchCV(
        WindowedClassifier(_linear(class_weight="balanced"), length=32),
        {
            "length": [32, 64],
            "step": [8, 16],
            "label": ["majority"],
            "estimator__logisticregression__C": [0.1, 1.0],
        },
        cv=KFold(3),
        # test fold 0 holds no abnormal step: predicting none there scores 1
        scoring=step_scorer(make_scorer(f1_score, zero_division=1.0)),
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    pred = search.best_estimator_.predict(X)
    assert [p.shape for p in pred] == [lab.shape for lab in y]
    # each fold's inner fit saw exactly the windows of its training recordings
    best = search.best_estimator_
    folds = cross_validate(best, X, y, cv=KFold(3), return_estimator=True)
    for (train, _), fitted in zip(KFold(3).split(X), folds["estimator"], strict=True):
        expected = sum(
            len(make_windows(X[i], length=best.length, step=best.step_)[0])
            + ((X[i].shape[1] - best.length) % best.step_ != 0)
            for i in train
        )
        assert fitted.n_windows_ == expected


def test_fit_and_predict_errors():
    X, y = _event_recordings(2)
    clf = WindowedClassifier(_linear(), length=16, step=20)
    with pytest.raises(ValueError, match="step=20 is larger than length=16"):
        clf.fit(X, y)
    clf.set_params(step=8)
    with pytest.raises(ValueError, match="requires y to be passed"):
        clf.fit(X, None)
    with pytest.raises(ValueError, match="but y\\[1\\] has"):
        clf.fit(X, [y[0], y[1][:-1]])
    clf.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but WindowedClassifier"):
        clf.predict([np.zeros((3, 50))])
    with pytest.raises(ValueError, match="aggregate='max'"):
        clf.set_params(aggregate="max").predict(X)
    with pytest.raises(ValueError, match="method='decision_function'"):
        clf.set_params(aggregate="vote").predict_windows(X, method="decision_function")


def test_lstm_pipeline_with_oversampling_per_step_on_mitdb(mitdb):
    """The issue's target: a grid search over window length of an imblearn
    pipeline (Interpolator, PanelSampler, LSTMClassifier) on recordings."""
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.pipeline import make_pipeline as make_imb_pipeline

    from skseq.classifiers import LSTMClassifier
    from skseq.sampling import PanelSampler
    from skseq.transformers import Interpolator

    X, y = mitdb
    pipe = make_imb_pipeline(
        Interpolator(),
        PanelSampler(RandomOverSampler(random_state=0)),
        LSTMClassifier(
            module__hidden_size=4, max_epochs=2, batch_size=32, random_state=0
        ),
    )
    search = GridSearchCV(
        WindowedClassifier(pipe, length=32, step=16),
        {"length": [32, 64]},
        cv=GroupKFold(n_splits=3),
    ).fit(X, y, groups=np.arange(len(X)))
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    # the sampler ran inside the windowed fit: the network saw balanced windows
    _, window_labels, _ = make_windows(X, y, length=best.length, step=16)
    assert np.bincount(window_labels)[1] < np.bincount(window_labels)[0] / 5
    counts = best.estimator_[-1].class_counts_
    assert counts[0] == counts[1] >= np.bincount(window_labels)[0]
    proba = best.predict_proba(X)
    pred = best.predict(X)
    for p, pr, lab in zip(pred, proba, y, strict=True):
        assert p.shape == lab.shape and pr.shape == (len(lab), 2)
        np.testing.assert_allclose(pr.sum(axis=1), 1.0, rtol=1e-5)
        np.testing.assert_array_equal(best.classes_[pr.argmax(axis=1)], p)


@pytest.mark.learning
def test_tables_and_integer_cv():
    X, y = _event_recordings(6)
    clf = WindowedClassifier(_linear(), length=16, step=8)
    # recordings as DataFrames with one row per step give the same model
    frames = [pd.DataFrame(x.T, columns=["a", "b"]) for x in X]
    table_clf = clf.set_params(time_axis=0).fit(frames[:4], y[:4])
    pred_tables = table_clf.predict(frames[4:])
    pred = clf.set_params(time_axis=-1).fit(X[:4], y[:4]).predict(X[4:])
    for a, b in zip(pred_tables, pred, strict=True):
        np.testing.assert_array_equal(a, b)
    # cv=3 splits the list of recordings with KFold (the labels are ragged,
    # so scikit-learn does not stratify): whole recordings per fold
    scores = cross_val_score(clf, X, y, cv=3)
    manual = cross_val_score(clf, X, y, cv=KFold(3))
    np.testing.assert_allclose(scores, manual)
    assert scores.min() > 0.85
