"""scikit-learn's own model-selection tools around a full skseq pipeline.

Every test fits ``Interpolator -> PanelSampler(SMOTE) -> LSTMClassifier`` (an
imbalanced-learn pipeline) for real, with tiny networks and few epochs, on
bundled data made imbalanced: ItalyPowerDemand (binary, 24 steps) and a
four-speaker subset of JapaneseVowels (12 channels, unequal lengths).
"""

import numpy as np
import pytest
from _instances import search_subspace
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import (
    FixedThresholdClassifier,
    GridSearchCV,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    StratifiedGroupKFold,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    cross_validate,
)

from skseq.classifiers import LSTMClassifier
from skseq.datasets import make_imbalanced
from skseq.model_selection import MulticlassThresholdClassifierCV
from skseq.sampling import PanelSampler
from skseq.transformers import Interpolator

F1_RARE = make_scorer(f1_score, pos_label="2")  # ItalyPowerDemand's rare class


def _pipe(hidden_size=8, max_epochs=10, **kwargs):
    return make_pipeline(
        Interpolator(),
        PanelSampler(SMOTE(k_neighbors=3, random_state=0)),
        LSTMClassifier(
            module__hidden_size=hidden_size,
            max_epochs=max_epochs,
            random_state=0,
            **kwargs,
        ),
    )


@pytest.fixture(scope="module")
def italy(italy_train, italy_test):
    """Binary, class "2" three times rarer (34 vs 11 series)."""
    X, y = italy_train
    X, y = make_imbalanced(X, y, minority="2", ratio=3, random_state=0)
    X_test, y_test = italy_test
    return X, y, X_test[:200], y_test[:200]


@pytest.fixture(scope="module")
def vowels(vowels_train):
    """Four speakers (30 series each), speaker "4" made 3x rarer; NaN-padded."""
    X, y = vowels_train
    keep = np.isin(y, ["1", "2", "3", "4"])
    return make_imbalanced(X[keep], y[keep], minority="4", ratio=3, random_state=0)


CV3 = StratifiedKFold(3, shuffle=True, random_state=0)


def test_grid_search(italy):
    X, y, X_test, _ = italy
    grid = {
        "lstmclassifier__module__hidden_size": [4, 8],
        "panelsampler__sampler__k_neighbors": [2, 3],
    }
    search = GridSearchCV(_pipe(), grid, scoring="f1_macro", cv=CV3).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 4 and np.isfinite(scores).all()
    assert len(set(np.round(scores, 10))) > 1  # the parameters reach the fits
    best = search.best_estimator_
    hidden = search.best_params_["lstmclassifier__module__hidden_size"]
    assert best[-1].module_.rnn.hidden_size == hidden
    k = search.best_params_["panelsampler__sampler__k_neighbors"]
    assert best[1].sampler_.k_neighbors == k
    # the sampler ran in fit only: one prediction per test series
    assert search.predict(X_test).shape == (len(X_test),)


def test_randomized_search_over_the_published_space(italy):
    X, y, _, _ = italy
    pipe = _pipe(max_epochs=6)
    keys = (
        "lstmclassifier__lr",
        "lstmclassifier__module__hidden_size",
        "lstmclassifier__module__pooling",
        "panelsampler__sampler__k_neighbors",
    )
    space = search_subspace(pipe, keys)
    space["lstmclassifier__module__hidden_size"] = [4, 8]  # keep it tiny

    def run():
        return RandomizedSearchCV(
            pipe, space, n_iter=3, scoring="f1_macro", cv=CV3, random_state=0
        ).fit(X, y)

    first, second = run(), run()
    assert first.cv_results_["params"] == second.cv_results_["params"]
    # same seeds, same data: the same scores
    np.testing.assert_array_equal(
        first.cv_results_["mean_test_score"], second.cv_results_["mean_test_score"]
    )
    lrs = [p["lstmclassifier__lr"] for p in first.cv_results_["params"]]
    assert len(set(lrs)) == 3 and all(1e-4 <= lr <= 3e-2 for lr in lrs)


def _halving(search_cls, params, min_resources, max_resources, **kwargs):
    """A successive-halving search (factor 2, macro-F1, ``CV3``) of
    :func:`_pipe` over ``params``, with ``max_epochs`` as its resource."""
    return search_cls(
        _pipe(),
        params,
        resource="lstmclassifier__max_epochs",
        min_resources=min_resources,
        max_resources=max_resources,
        factor=2,
        scoring="f1_macro",
        cv=CV3,
        **kwargs,
    )


def test_halving_grid_search_with_max_epochs_as_resource(italy):
    X, y, _, _ = italy
    search = _halving(
        HalvingGridSearchCV,
        {"lstmclassifier__module__hidden_size": [2, 4, 8, 16]},
        min_resources=3,
        max_resources=12,
    ).fit(X, y)
    assert search.n_resources_ == [3, 6, 12]
    assert search.n_candidates_ == [4, 2, 1]
    epochs = search.cv_results_["param_lstmclassifier__max_epochs"]
    assert sorted(set(epochs)) == [3, 6, 12]
    # the refit best model trained for the largest budget
    best = search.best_estimator_[-1]
    assert best.max_epochs == 12 and len(best.history_) == 12


def test_halving_random_search(italy):
    X, y, _, _ = italy
    search = _halving(
        HalvingRandomSearchCV,
        {
            "lstmclassifier__module__hidden_size": [2, 4, 8],
            "lstmclassifier__lr": [0.003, 0.01, 0.03],
        },
        min_resources=4,
        max_resources=8,
        n_candidates=4,
        random_state=0,
    ).fit(X, y)
    assert search.n_resources_ == [4, 8]
    assert len(search.best_estimator_[-1].history_) == 8


def test_tuned_threshold_classifier(italy):
    X, y, X_test, _ = italy
    tuned = TunedThresholdClassifierCV(
        _pipe(), scoring=F1_RARE, cv=CV3, thresholds=50
    ).fit(X, y)
    assert 0.0 < tuned.best_threshold_ < 1.0
    proba = tuned.estimator_.predict_proba(X_test)[:, 1]
    expected = np.where(proba >= tuned.best_threshold_, "2", "1")
    np.testing.assert_array_equal(tuned.predict(X_test), expected)


def test_fixed_threshold_classifier(italy):
    X, y, X_test, _ = italy
    fixed = FixedThresholdClassifier(_pipe(), threshold=0.2, pos_label="2").fit(X, y)
    proba = fixed.estimator_.predict_proba(X_test)[:, 1]
    pred = fixed.predict(X_test)
    np.testing.assert_array_equal(pred, np.where(proba >= 0.2, "2", "1"))
    argmax = fixed.estimator_.predict(X_test)
    # a lower threshold predicts the rare class at least as often
    assert (pred == "2").sum() >= (argmax == "2").sum()


def test_calibrated_classifier(vowels):
    X, y = vowels
    calibrated = CalibratedClassifierCV(_pipe(), method="sigmoid", cv=CV3).fit(X, y)
    assert len(calibrated.calibrated_classifiers_) == 3
    proba = calibrated.predict_proba(X)
    assert proba.shape == (len(y), 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(calibrated.classes_) == ["1", "2", "3", "4"]
    raw = calibrated.calibrated_classifiers_[0].estimator.predict_proba(X)
    assert not np.allclose(raw, proba)


def test_cross_validate_with_several_scorers(vowels):
    X, y = vowels
    scoring = ["f1_macro", "balanced_accuracy", "roc_auc_ovr", "neg_log_loss"]
    result = cross_validate(_pipe(), X, y, cv=CV3, scoring=scoring, return_indices=True)
    for name in scoring:
        assert np.isfinite(result[f"test_{name}"]).all()
    # the per-fold macro-F1 is what fitting the fold by hand gives
    for fold, (train, test) in enumerate(
        zip(result["indices"]["train"], result["indices"]["test"])
    ):
        model = clone(_pipe()).fit(X[train], y[train])
        by_hand = f1_score(y[test], model.predict(X[test]), average="macro")
        assert result["test_f1_macro"][fold] == pytest.approx(by_hand)


def test_stratified_group_kfold(vowels):
    X, y = vowels
    # three consecutive recordings of a speaker form one session (group)
    groups = np.empty(len(y), dtype=int)
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        groups[idx] = 1000 * int(label) + np.arange(len(idx)) // 3
    cv = StratifiedGroupKFold(3, shuffle=True, random_state=0)
    result = cross_validate(
        _pipe(), X, y, groups=groups, cv=cv, scoring="f1_macro", return_indices=True
    )
    for train, test in zip(result["indices"]["train"], result["indices"]["test"]):
        assert not set(groups[train]) & set(groups[test])
        assert set(y[test]) == {"1", "2", "3", "4"}  # stratified: rare one included
    # the same splitter drives skseq's threshold tuner (and any search's cv)
    thresholds = MulticlassThresholdClassifierCV(_pipe(), cv=cv).fit(
        X, y, groups=groups
    )
    assert thresholds.best_score_ >= thresholds.argmax_score_
