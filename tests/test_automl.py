"""skseq.automl.AutoSequenceClassifier: a budgeted search over skseq's networks
and a MiniRocket baseline.

Real data, short budgets: GunPoint made imbalanced (24 against 6 series, one
channel, 150 steps), and four speakers of JapaneseVowels (12 channels,
unequal lengths, string labels). Every fit must end within its budget plus
10%, and never score below the baseline in cross-validation.
"""

import pickle
import re
import time

import numpy as np
import pandas as pd
import pytest
from _instances import expected_failed_checks, instance
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

import skseq.automl as automl
from skseq.automl import AutoSequenceClassifier
from skseq.datasets import load_dataset, make_imbalanced

pytest.importorskip("optuna")

COLUMNS = [
    "candidate",
    "params",
    "mean_test_score",
    "std_test_score",
    "fit_seconds",
    "finished_at",
    "epochs",
    "status",
    "note",
    "selected",
]


@pytest.fixture(scope="module")
def gunpoint():
    X, y = load_dataset("GunPoint", split="train")
    return make_imbalanced(X, y, minority="2", ratio=4, random_state=0)


@pytest.fixture(scope="module")
def vowels():
    """Four speakers (one made 5x rarer), 12 channels, 7-26 steps, NaN-padded."""
    X, y = load_dataset("JapaneseVowels", split="train")
    keep = np.isin(y, ["1", "2", "3", "4"])
    return make_imbalanced(X[keep], y[keep], minority="2", ratio=5, random_state=0)


def _timed_fit(clf, X, y):
    start = time.perf_counter()
    clf.fit(X, y)
    return time.perf_counter() - start


def _baseline(leaderboard):
    row = leaderboard.iloc[0]
    assert row["candidate"] == "MiniRocket" and row["status"] == "ok"
    return float(row["mean_test_score"])


def _two_fcn_trials(**params):
    """A 30 s search of two FCN trials of 4 epochs each, without pruning."""
    return AutoSequenceClassifier(
        time_budget=30,
        models=["FCN"],
        max_trials=2,
        max_epochs=4,
        pruner=None,
        random_state=0,
        **params,
    )


def _check_probabilities_and_pickle(clf, X):
    """Probabilities of two classes that sum to one, and a pickled copy that
    predicts as ``clf`` does."""
    proba = clf.predict_proba(X[:5])
    assert proba.shape == (5, 2) and np.allclose(proba.sum(1), 1)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(clf)).predict(X), clf.predict(X)
    )


# -------------------------------------------------------------- the search
@pytest.fixture(scope="module")
def searched(gunpoint):
    """The default search (FCN, ResNet, InceptionTime, LSTM) for 20 s."""
    X, y = gunpoint
    clf = AutoSequenceClassifier(time_budget=20, random_state=0)
    return clf, _timed_fit(clf, X, y)


def test_short_budget_fit_within_budget_and_never_below_baseline(searched, gunpoint):
    clf, seconds = searched
    X, y = gunpoint
    assert seconds <= 1.1 * 20, clf.leaderboard_
    assert clf.fit_seconds_ <= 1.1 * 20
    board = clf.leaderboard_
    assert isinstance(board, pd.DataFrame) and list(board.columns) == COLUMNS
    baseline = _baseline(board)
    # never below the baseline in CV, but for the anchor's standard error
    anchor = board[board["candidate"] == "ensemble of FCN#0, MiniRocket"]
    se = anchor["std_test_score"].max() / np.sqrt(clf.n_splits_ - 1)
    assert clf.best_score_ >= baseline - (se if len(anchor) else 0.0) - 1e-12
    # networks were tried, with Optuna's pruning in play
    trials = board[~board["candidate"].str.match("MiniRocket|ensemble")]
    assert len(trials) >= 2 and clf.n_trials_ >= 2
    assert set(board["status"]) <= {"ok", "pruned", "failed", "budget"}
    assert set(trials["candidate"].str.split(" ").str[0]) <= {
        "FCN",
        "ResNet",
        "InceptionTime",
        "LSTM",
    }
    # the search starts from the first network's defaults with class weights
    first = trials.iloc[0]["params"]
    assert {k: v for k, v in first.items() if k != "max_epochs"} == {
        "model": "FCN",
        "imbalance": "class_weight",
        "normalize": False,
    }
    assert board["selected"].sum() == 1
    picked = board[board["selected"]].iloc[0]
    assert picked["mean_test_score"] == pytest.approx(clf.best_score_)
    assert set(clf.best_params_) >= {"model"}
    tuned = board[board["candidate"].str.endswith("+ threshold")]
    assert len(tuned) <= 1
    assert set(tuned["note"]) <= {"kept", "no gain: not kept"}
    # fitted attributes and predictions
    assert list(clf.classes_) == ["1", "2"]
    assert clf.n_features_in_ == 1 and clf.n_splits_ == 3
    X_test, y_test = load_dataset("GunPoint", split="test")
    pred = clf.predict(X_test)
    assert pred.shape == (150,) and set(pred) <= {"1", "2"}
    assert np.mean(pred == y_test) > 0.7
    if hasattr(clf, "predict_proba"):
        proba = clf.predict_proba(X_test[:5])
        assert proba.shape == (5, 2) and np.allclose(proba.sum(1), 1)
    assert hasattr(clf, "predict_proba") or hasattr(clf, "decision_function")


def test_clone_and_pickle(searched, gunpoint):
    clf, _ = searched
    X, _ = gunpoint
    fresh = clone(clf)
    assert fresh.get_params() == clf.get_params()
    assert not hasattr(fresh, "best_estimator_")
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    pd.testing.assert_frame_equal(loaded.leaderboard_, clf.leaderboard_)
    # the search's deadlines do not stay in the result: a clone refits freely
    from skseq.automl import _TimeBudget

    nets = [
        step
        for step in clone(clf.best_estimator_).get_params().values()
        if hasattr(step, "callbacks")
    ]
    for net in nets:
        assert not any(
            isinstance(cb[1] if isinstance(cb, tuple) else cb, _TimeBudget)
            for cb in (net.callbacks or [])
        )


def test_an_int_random_state_seeds_the_baseline_itself(gunpoint):
    X, y = gunpoint
    clf = AutoSequenceClassifier(
        time_budget=30, random_state=3, models=[], tune_threshold=False
    ).fit(X, y)
    alone = automl._baseline_pipeline(False, 3).fit(X, y)
    X_test, _ = load_dataset("GunPoint", split="test")
    np.testing.assert_array_equal(
        clf.decision_function(X_test), alone.decision_function(X_test)
    )


def test_reproducible_under_random_state(gunpoint):
    """Trials, scores and predictions repeat when max_trials and max_epochs
    bind before the (generous) budget: with n_jobs=1 everything is seeded.
    Only a budget that cuts training short makes epochs depend on the clock,
    which the leaderboard's note reports."""
    X, y = gunpoint

    def search(**params):
        return AutoSequenceClassifier(time_budget=60, models=["LSTM", "FCN"], **params)

    def fit():
        clf = search(max_trials=4, max_epochs=3, n_jobs=1, random_state=0)
        seconds = _timed_fit(clf, X, y)
        assert seconds < 60
        return clf

    first, second = fit(), fit()
    if first.leaderboard_["note"].str.contains("cut").any():
        pytest.skip("this machine was too slow for 3 epochs within the trial time")
    a, b = first.leaderboard_, second.leaderboard_
    assert a["candidate"].tolist() == b["candidate"].tolist()
    assert a["params"].tolist() == b["params"].tolist()
    assert a["status"].tolist() == b["status"].tolist()
    np.testing.assert_allclose(
        a["mean_test_score"].astype(float), b["mean_test_score"].astype(float)
    )
    assert first.best_params_ == second.best_params_
    np.testing.assert_array_equal(first.predict(X), second.predict(X))
    # and another seed proposes other trials
    other = search(max_trials=2, max_epochs=1, random_state=1).fit(X, y)
    assert other.leaderboard_["params"].iloc[1] != a["params"].iloc[1]


def test_too_small_budget_names_the_smallest_useful_one(gunpoint):
    X, y = gunpoint
    with pytest.raises(ValueError, match="too small") as info:
        AutoSequenceClassifier(time_budget=0.05).fit(X, y)
    message = str(info.value)
    assert "time_budget=0.05" in message and "MiniRocket baseline" in message
    smallest = int(re.search(r"time_budget >= (\d+)", message).group(1))
    assert smallest >= 1
    # the budget it names is enough for the baseline (cross-validation, refit)
    clf = AutoSequenceClassifier(time_budget=smallest, models=[], random_state=0)
    # (+2.5 s: the smallest budget is itself an estimate, from a subsample,
    # and a few seconds are at the mercy of the machine's load: 3.4 s for a
    # 2 s budget with the full suite on both cores)
    assert _timed_fit(clf, X, y) <= 1.1 * smallest + 2.5
    assert clf.leaderboard_["candidate"].iloc[0] == "MiniRocket"


@pytest.mark.parametrize(
    "params, match",
    [
        ({"time_budget": 0}, "time_budget"),
        ({"time_budget": -5.0}, "time_budget"),
        ({"time_budget": float("inf")}, "time_budget"),
        ({"models": ["FCN", "XGBoost"]}, "unknown model 'XGBoost'"),
        ({"scoring": "f1_macroo"}, "not a scikit-learn scorer name"),
        ({"imbalance": ["focal", "undersample"]}, "imbalance"),
        ({"pruner": "median"}, "pruner"),
        ({"models": [], "include_baseline": False}, "Nothing to search"),
        ({"max_epochs": 0}, "max_epochs"),
        ({"cv": 1}, "cv"),
    ],
)
def test_bad_parameters_raise_clear_errors(gunpoint, params, match):
    X, y = gunpoint
    with pytest.raises(ValueError, match=match):
        AutoSequenceClassifier(**params).fit(X, y)


def test_bad_time_budget_is_an_invalid_parameter_error(gunpoint):
    X, y = gunpoint
    with pytest.raises(InvalidParameterError, match="'time_budget' parameter"):
        AutoSequenceClassifier(time_budget="60").fit(X, y)


# ------------------------------------------------------- data of all kinds
def test_unequal_length_multivariate_string_labels(vowels):
    X, y = vowels
    assert np.isnan(X[:, :, -1]).any()  # NaN-padded
    clf = AutoSequenceClassifier(time_budget=15, models=["LSTM", "FCN"], random_state=0)
    seconds = _timed_fit(clf, X, y)
    assert seconds <= 1.1 * 15, clf.leaderboard_
    assert clf.best_score_ >= _baseline(clf.leaderboard_)
    assert list(clf.classes_) == ["1", "2", "3", "4"] and clf.n_features_in_ == 12
    X_test, y_test = load_dataset("JapaneseVowels", split="test")
    keep = np.isin(y_test, clf.classes_)
    # test series of other lengths than the longest training one
    pred = clf.predict(X_test[keep][:, :, :20])
    assert set(pred) <= set(clf.classes_)
    assert np.mean(clf.predict(X_test[keep]) == y_test[keep]) > 0.8


def test_string_labels_and_a_list_of_series(gunpoint):
    X, y = gunpoint
    labels = np.where(y == "1", "gun", "no gun").astype(object)
    series = [x[:, : 150 - (i % 7)] for i, x in enumerate(X)]  # unequal lengths
    clf = AutoSequenceClassifier(
        time_budget=20, models=["LSTM"], max_trials=2, max_epochs=3, random_state=0
    ).fit(series, labels)
    assert sorted(clf.classes_) == ["gun", "no gun"]
    assert set(clf.predict(series[:6])) <= {"gun", "no gun"}
    assert clf.leaderboard_["candidate"].tolist()[:2] == ["MiniRocket", "LSTM"]


def test_missing_values_are_interpolated_without_baseline(gunpoint):
    X, y = gunpoint
    X = X.copy()
    X[0, 0, 10:14] = np.nan
    X[3, 0, 50] = np.nan
    clf = AutoSequenceClassifier(
        time_budget=20,
        models=["LSTM"],
        include_baseline=False,
        imbalance=["class_weight", "focal"],
        max_trials=2,
        max_epochs=3,
        random_state=0,
    ).fit(X, y)
    board = clf.leaderboard_
    assert not (board["candidate"] == "MiniRocket").any()
    assert board["params"].iloc[0]["imbalance"] in ("class_weight", "focal")
    pipe = clf.best_estimator_
    pipe = getattr(pipe, "estimator_", pipe)
    assert type(pipe.steps[0][1]).__name__ == "Interpolator"
    assert clf.predict(X[:4]).shape == (4,)
    assert clf.predict_proba(X[:4]).shape == (4, 2)
    # the refitted network keeps no deadline of the search
    net = pipe.steps[-1][1]
    assert net.callbacks is None
    budgets = [cb for _, cb in net.callbacks_ if isinstance(cb, automl._TimeBudget)]
    assert all(cb.deadline is None and cb.limit_ is None for cb in budgets)


def test_a_tuned_threshold_is_kept_only_when_it_scores_higher(gunpoint, monkeypatch):
    X, y = gunpoint
    clf = AutoSequenceClassifier(time_budget=20, models=[], random_state=0)
    clf.fit(X, y)
    board = clf.leaderboard_
    assert board["candidate"].tolist() == ["MiniRocket", "MiniRocket + threshold"]
    if board["note"].iloc[1] != "kept":  # no gain: the plain ridge, refitted
        assert type(clf.best_estimator_).__name__ == "Pipeline"
        assert "threshold" not in clf.best_params_
    # a tuner that scores higher is kept: TunedThresholdClassifierCV (binary)
    tune = automl._Search._tune

    def better(self, pipe):
        tuner, score, default = tune(self, pipe)
        return tuner, score + 0.5, default

    monkeypatch.setattr(automl._Search, "_tune", better)
    clf = clone(clf).fit(X, y)
    board = clf.leaderboard_
    assert board["note"].iloc[1] == "kept" and board["selected"].tolist() == [
        False,
        True,
    ]
    assert type(clf.best_estimator_).__name__ == "TunedThresholdClassifierCV"
    assert isinstance(clf.best_params_["threshold"], float)
    assert clf.best_score_ == pytest.approx(board["mean_test_score"].iloc[1])
    assert clf.decision_function(X[:3]).shape == (3,)
    assert not hasattr(clf, "predict_proba")  # the ridge has none
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(clf)).predict(X), clf.predict(X)
    )


def test_numpy_minirocket_without_numba(gunpoint, monkeypatch):
    """Without numba (not a dependency of skseq) the baseline runs a numpy
    port of MiniRocket, as accurate on GunPoint."""
    monkeypatch.setattr(automl, "_has_numba", lambda: False)
    X, y = gunpoint
    clf = AutoSequenceClassifier(time_budget=20, models=[], random_state=0).fit(X, y)
    assert clf.leaderboard_["params"].iloc[0]["implementation"] == "numpy"
    features = clf.best_estimator_.named_steps["minirocket"]
    assert features.backend_ == "numpy"
    assert features.transform(X[:3]).shape == (3, 9996)
    X_test, y_test = load_dataset("GunPoint", split="test")
    assert np.mean(clf.predict(X_test) == y_test) > 0.9


def test_a_slow_epoch_stops_at_the_first_batch_past_the_deadline(gunpoint):
    """The time budget's overshoot is one batch, not one epoch: an epoch
    slower than planned (a busy machine) stops mid-way."""
    from skorch.callbacks import Callback

    from skseq.classifiers import FCNClassifier

    class Slow(Callback):
        def on_batch_end(self, net, **kwargs):
            time.sleep(0.1)

    X, y = gunpoint  # 30 series: 15 batches of 2 per epoch, >= 1.5 s each
    budget = automl._TimeBudget(deadline=time.perf_counter() + 0.5)
    clf = FCNClassifier(
        module__n_filters=(4, 4, 4),
        max_epochs=3,
        batch_size=2,
        random_state=0,
        callbacks=[("slow", Slow()), ("automl_budget", budget)],
    )
    clf.fit(X, y)
    # stopped inside the first epoch (the epoch-level plan alone would have
    # let it run to its end: a plan is made only after a whole epoch)
    assert budget.stopped_ and len(clf.history_) == 1
    assert len(clf.history_[-1]["batches"]) < 15
    assert clf.predict(X[:3]).shape == (3,)


def test_scikit_learn_callbacks_see_every_candidate_and_can_stop(gunpoint):
    """sklearn.callback (1.9+): the fit is one task with one "candidate"
    subtask per leaderboard row, its row as metadata; a hook that returns
    True ends the search (the winner is still refitted)."""
    pytest.importorskip("sklearn.callback")

    class Record:
        def __init__(self, stop_after=None):
            self.stop_after = stop_after
            self.seen = []

        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context):
            pass

        def on_fit_task_end(self, estimator, context, *, metadata):
            self.seen.append((context.task_name, context.task_id, metadata))
            return (
                self.stop_after is not None
                and context.task_name == "candidate"
                and context.task_id + 1 >= self.stop_after
            )

    X, y = gunpoint
    params = {
        "time_budget": 30,
        "models": ["FCN"],
        "max_trials": 3,
        "max_epochs": 3,
        "random_state": 0,
    }
    rec = Record()
    clf = AutoSequenceClassifier(**params).set_callbacks(rec).fit(X, y)
    board = clf.leaderboard_
    candidates = [(i, m) for name, i, m in rec.seen if name == "candidate"]
    assert [i for i, _ in candidates] == list(range(len(board)))
    assert [m["candidate"] for _, m in candidates] == board["candidate"].tolist()
    assert rec.seen[-1][0] == "fit"  # the root task ends last
    # stop after the baseline: no network is tried, the baseline is refitted
    stop = Record(stop_after=1)
    clf = AutoSequenceClassifier(**params).set_callbacks(stop).fit(X, y)
    assert clf.n_trials_ == 0
    assert not clf.leaderboard_["candidate"].str.startswith("FCN").any()
    assert clf.predict(X[:3]).shape == (3,)


# --------------------------------------------------------------- ensembles
def _stand_in_search(y, splits, ensemble_size=5):
    from sklearn.metrics import get_scorer

    owner = AutoSequenceClassifier(ensemble_size=ensemble_size)
    owner.classes_ = np.unique(y)
    return automl._Search(
        owner=owner,
        X=np.zeros((len(y), 1, 5)),
        y=y,
        splits=splits,
        scorer=get_scorer("accuracy"),
        models=[],
        interpolate=False,
        t0=0.0,
        end=1e9,
        rng=None,
    )


def test_the_anchor_averages_the_baseline_and_the_defaults_trial():
    """The anchor is the baseline's and the defaults trial's out-of-fold
    probabilities averaged, scored per fold with its standard error; other
    trials and unfinished rows take no part."""
    y = np.repeat(["a", "b"], 10)
    splits = [
        (np.setdiff1d(np.arange(20), te), te)
        for te in (np.r_[0:5, 10:15], np.r_[5:10, 15:20])
    ]
    search = _stand_in_search(y, splits)
    truth = (y == "b").astype(int)
    # the baseline is sure and right except on series 0-2 and 10, where it
    # is sure and wrong; the defaults trial is unsure, right everywhere
    sure = np.where(truth[:, None] == np.arange(2), 0.9, 0.1)
    sure[[0, 1, 2, 10]] = sure[[0, 1, 2, 10], ::-1]
    unsure = np.where(truth[:, None] == np.arange(2), 0.6, 0.4)
    rows = [
        ("MiniRocket", None, False, "ok", sure),
        ("FCN", 0, True, "ok", unsure),
        ("ResNet", 1, False, "ok", unsure[:, ::-1]),
    ]
    for name, trial, defaults, status, proba in rows:
        search.rows.append(
            {
                "candidate": name,
                "model": name,
                "trial": trial,
                "defaults": defaults,
                "status": status,
                "mean_test_score": 0.5,
                "oof": [proba[te] for _, te in splits],
            }
        )
    found = search._anchor()
    assert [m["candidate"] for m in found["members"]] == ["FCN", "MiniRocket"]
    # averaged: wrong where the baseline is sure and wrong (4 of 20)
    scores = search._oof_scores(found["oof"])
    assert scores == pytest.approx([0.6, 1.0])
    assert found["score"] == pytest.approx(0.8)
    assert found["std"] == pytest.approx(np.std(scores))
    # the paired bootstrap error: none against itself, some against another
    assert search._paired_se(found["oof"], found["oof"]) == 0.0
    other = search.rows[2]["oof"]  # wrong everywhere: the anchor's own error
    se = search._paired_se(found["oof"], other)
    assert se == pytest.approx(np.sqrt(0.8 * 0.2 / 20), rel=0.25)
    assert search._paired_se(None, other) == np.inf
    # the baseline's ridge scores become probabilities that keep their order
    p = automl._scores_to_proba(np.array([-2.0, 0.0, 0.5]))
    assert np.allclose(p.sum(1), 1) and np.all(np.diff(p[:, 1]) > 0)
    assert p[1] == pytest.approx([0.5, 0.5])
    # no anchor without a finished defaults trial, or without ensembling
    search.rows[1]["status"] = "pruned"
    assert search._anchor() is None
    search.rows[1]["status"] = "ok"
    search.owner.ensemble_size = 1
    assert search._anchor() is None


def test_the_winners_curse_grows_with_the_number_of_scored_candidates():
    """The best of N equally good candidates beats the anchor by about the
    expected maximum of N standard normal draws, in standard errors: that
    many are asked of a challenger; pruned and failed rows do not count."""
    y = np.repeat(["a", "b"], 4)
    search = _stand_in_search(y, [(np.arange(4), np.arange(4, 8))])
    assert search._winners_curse() == 1.0  # nothing scored yet
    for status, score in [("ok", 0.5), ("pruned", 0.9), ("failed", np.nan)]:
        search.rows.append({"status": status, "mean_test_score": score})
    assert search._winners_curse() == 1.0  # one scored candidate
    search.rows += [{"status": "ok", "mean_test_score": 0.5}] * 99
    # the best of 100 standard normal draws, simulated
    draws = np.random.default_rng(0).standard_normal((4000, 100)).max(axis=1)
    assert search._winners_curse() == pytest.approx(draws.mean(), abs=0.05)
    search.rows = search.rows[:4]  # two scored: 0.56 expected, 1 at least
    assert search._winners_curse() == 1.0


def test_one_rare_series_is_the_smallest_difference_the_data_can_show():
    """With 2 rare series of 20, flipping one moves accuracy by 1/20 and
    macro-F1 by far more: no challenger wins by less."""
    from sklearn.metrics import f1_score, get_scorer

    y = np.array(["a"] * 18 + ["b"] * 2)
    splits = [(np.r_[1:10, 11:20], np.r_[0, 10]), (np.r_[0, 10], np.r_[1:10, 11:20])]
    search = _stand_in_search(y, splits)
    right = np.where((y == "b")[:, None] == np.arange(2), 0.8, 0.2)
    oof = [right[te] for _, te in splits]
    assert search._resolution(oof) == pytest.approx(1 / 20)
    search.scorer = get_scorer("f1_macro")
    one_missed = np.where(np.arange(20) == 19, "a", y)
    expected = 1 - f1_score(y, one_missed, average="macro")  # 0.18
    assert search._resolution(oof) == pytest.approx(expected)


@pytest.mark.parametrize("case", ["kept", "below the baseline", "no time to refit"])
def test_the_anchor_stays_unless_beaten_by_more_than_its_standard_error(
    gunpoint, monkeypatch, case
):
    """With an infinite paired standard error nothing beats the anchor: the
    baseline + defaults soft vote is refitted and predicts; with a score
    below the baseline's it is listed as not kept and the baseline is the
    default choice (the result never scores below the baseline in CV), as
    it is when no time is left to refit the anchor's two members."""
    X, y = gunpoint
    anchor = automl._Search._anchor
    ensemble = automl._Search._ensemble

    def rigged(self):
        found = anchor(self)
        assert found is not None  # the baseline and FCN#0 both finished
        if case == "below the baseline":
            found["score"] = -1.0
        return found

    def no_time(self, found, deadline, tune=True, not_kept=None):
        if not_kept is None and len(found["members"]) == 2:
            not_kept = "no time left to refit its members (rigged)"
        return ensemble(self, found, deadline, tune, not_kept)

    monkeypatch.setattr(automl._Search, "_anchor", rigged)
    error = 0.0 if case == "below the baseline" else np.inf
    monkeypatch.setattr(automl._Search, "_paired_se", lambda self, a, b: error)
    if case == "no time to refit":
        monkeypatch.setattr(automl._Search, "_ensemble", no_time)
    clf = _two_fcn_trials(tune_threshold=False).fit(X, y)
    board = clf.leaderboard_
    row = board[board["candidate"] == "ensemble of FCN#0, MiniRocket"].iloc[0]
    chosen = board[board["selected"]].iloc[0]
    if case == "kept":
        assert row["selected"]
        assert clf.best_params_["model"] == "ensemble"
        voting = clf.best_estimator_
        assert type(voting).__name__ == "VotingClassifier"
        assert type(voting.estimators_[1]).__name__ == "_ScoresAsProba"
        _check_probabilities_and_pickle(clf, X)
    elif case == "below the baseline":
        assert not row["selected"]
        assert row["note"].startswith("not kept: below the baseline alone")
        assert clf.best_params_["model"] != "ensemble"
        assert clf.best_score_ >= _baseline(board)
        assert chosen["candidate"].startswith("MiniRocket") or (
            clf.best_score_ > _baseline(board)
        )
    else:
        # whatever scored best, the baseline is refitted, not a challenger
        assert not row["selected"] and row["note"].startswith("no time left")
        assert chosen["candidate"] == "MiniRocket"
        assert clf.best_score_ == _baseline(board)


def _search_state(monkeypatch):
    """Patch the search's final stage to keep its state for inspection."""
    seen = {}
    finish = automl._Search.finish

    def keep(self):
        seen["search"] = self
        return finish(self)

    monkeypatch.setattr(automl._Search, "finish", keep)
    return seen


def test_out_of_fold_probabilities_reproduce_every_trial_score(gunpoint, monkeypatch):
    """Ensembling needs no refits: the stored test-fold probabilities of each
    trial give back its cross-validated score exactly."""
    seen = _search_state(monkeypatch)
    X, y = gunpoint
    clf = _two_fcn_trials(tune_threshold=False).fit(X, y)
    search = seen["search"]
    trials = [r for r in search.rows if r.get("trial") is not None]
    assert trials and all(r["status"] == "ok" and r.get("oof") for r in trials)
    for row in trials:
        assert [len(p) for p in row["oof"]] == [len(te) for _, te in search.splits]
        assert search._oof_score(row["oof"]) == pytest.approx(row["mean_test_score"])
    assert "finished_at" in clf.leaderboard_
    assert clf.leaderboard_["finished_at"].is_monotonic_increasing
    # ensemble_size=0: nothing kept, no ensemble row
    clf = clone(clf).set_params(ensemble_size=0).fit(X, y)
    assert not any(r.get("oof") for r in seen["search"].rows)
    assert not clf.leaderboard_["candidate"].str.startswith("ensemble").any()


def test_greedy_selection_adds_complementary_candidates():
    """Three candidates, each wrong on a different third of the series: each
    scores 2/3, their average is right everywhere; the greedy selection finds
    it and stops adding when nothing improves."""
    y = np.repeat(["a", "b"], 15)
    splits = [
        (np.setdiff1d(np.arange(30), te), te) for te in np.split(np.arange(30), 3)
    ]
    search = _stand_in_search(y, splits)
    owner = search.owner
    truth = (y == "b").astype(int)
    thirds = np.arange(30) // 10
    for k, score in zip(range(3), [0.7, 0.68, 0.66]):
        right = np.where(thirds == k, 1 - truth, truth)  # wrong on third k
        proba = np.where(right[:, None] == np.arange(2), 0.9, 0.1)
        proba[thirds == k] = np.where(
            right[thirds == k, None] == np.arange(2), 0.6, 0.4
        )
        search.rows.append(
            {
                "status": "ok",
                "mean_test_score": score,
                "candidate": f"c{k}",
                "trial": k,
                "oof": [proba[te] for _, te in splits],
            }
        )
    for row in search.rows:  # the stand-in scores each third right but one
        assert search._oof_score(row["oof"]) == pytest.approx(2 / 3)
    found = search._greedy()
    assert found is not None
    assert found["score"] == pytest.approx(1.0)
    assert len(found["members"]) >= 2 and sum(found["weights"]) <= 5
    owner.ensemble_size = 1
    assert search._greedy() is None


def test_an_ensemble_that_scores_higher_replaces_the_winner(gunpoint, monkeypatch):
    X, y = gunpoint
    greedy = automl._Search._greedy

    def better(self):
        found = greedy(self)
        if found is None:  # force the two best networks into one
            pool = sorted(
                (r for r in self.rows if r["status"] == "ok" and r.get("oof")),
                key=lambda r: -r["mean_test_score"],
            )[:2]
            assert len(pool) == 2
            found = {
                "members": pool,
                "weights": [1, 1],
                "oof": [(a + b) / 2 for a, b in zip(pool[0]["oof"], pool[1]["oof"])],
            }
        found["score"] = 2.0  # above any real score
        return found

    monkeypatch.setattr(automl._Search, "_greedy", better)
    clf = _two_fcn_trials()
    seconds = _timed_fit(clf, X, y)
    assert seconds <= 1.1 * 30
    board = clf.leaderboard_
    picked = board[board["selected"]].iloc[0]
    assert picked["candidate"].startswith("ensemble of ")
    assert clf.best_params_["model"] == "ensemble"
    assert len(clf.best_params_["members"]) == 2
    final = clf.best_estimator_
    voting = getattr(final, "estimator", final)
    assert type(voting).__name__ == "VotingClassifier" and voting.voting == "soft"
    _check_probabilities_and_pickle(clf, X)
    # the search's deadlines are gone from the refitted members
    for member in voting.estimators_:
        cbs = member.steps[-1][1].callbacks or []
        assert not any(isinstance(c[1], automl._TimeBudget) for c in cbs)


# ---------------------------------------------------- scikit-learn's checks
@parametrize_with_checks(
    [instance(AutoSequenceClassifier)],
    expected_failed_checks=expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
