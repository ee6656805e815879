"""skseq.model_selection: multi-class thresholds, the cascade, search spaces,
the Optuna helpers and the cluster backend's error messages."""

import inspect
import sys
import warnings

import numpy as np
import pytest
import torch
from _instances import search_subspace
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from scipy import stats
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    fbeta_score,
    make_scorer,
    precision_score,
    recall_score,
)
from sklearn.model_selection import (
    FixedThresholdClassifier,
    GridSearchCV,
    ParameterSampler,
    StratifiedKFold,
    cross_val_predict,
    cross_val_score,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import LinearSVC

import skseq.classifiers as classifiers
from skseq.classifiers import GRUClassifier, LSTMClassifier
from skseq.datasets import load_dataset, make_imbalanced
from skseq.losses import ClassBalancedLoss, FocalLoss
from skseq.model_selection import (
    CascadeClassifier,
    MulticlassThresholdClassifierCV,
    cluster_backend,
    optuna_objective,
    search_space,
    suggest_params,
)
from skseq.model_selection._threshold import _fast_metric
from skseq.sampling import AugmentationOverSampler, PanelSampler
from skseq.transformers import Interpolator, Padder, Truncator


def _flatten(X):
    return X.reshape(len(X), -1)


def _linear_pipeline():
    """Logistic regression on fixed-length flattened JapaneseVowels series."""
    return make_pipeline(
        Padder(length=30, fill_value=0.0),
        Truncator(length=30),
        FunctionTransformer(_flatten),
        StandardScaler(),
        LogisticRegression(max_iter=300, C=0.1),
    )


@pytest.fixture(scope="module")
def vowels(vowels_train, vowels_test):
    X_train, y_train = vowels_train
    X_test, y_test = vowels_test
    return X_train, y_train, X_test, y_test


def _rare(X, y, seed, n_rare=3, ratio=8):
    """Make ``n_rare`` classes (drawn with ``seed``) ``ratio`` times rarer."""
    rng = np.random.default_rng(seed)
    for label in rng.choice(np.unique(y), n_rare, replace=False):
        X, y = make_imbalanced(X, y, minority=label, ratio=ratio, random_state=seed)
    return X, y


@pytest.fixture(scope="module")
def italy_imbalanced(italy_train):
    X, y = italy_train
    return make_imbalanced(X, y, minority="2", ratio=4, random_state=0)


# ------------------------------------------------------------------ metrics
@pytest.mark.parametrize(
    "name, reference",
    [
        ("accuracy", accuracy_score),
        ("balanced_accuracy", balanced_accuracy_score),
        ("f1_macro", lambda y, p, **kw: f1_score(y, p, average="macro", **kw)),
        ("f1_weighted", lambda y, p, **kw: f1_score(y, p, average="weighted", **kw)),
        (
            "precision_macro",
            lambda y, p, **kw: precision_score(y, p, average="macro", **kw),
        ),
        ("recall_macro", lambda y, p, **kw: recall_score(y, p, average="macro", **kw)),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_fast_metrics_equal_sklearn(name, reference, weighted):
    rng = np.random.default_rng(0)
    metric_kwargs = {} if "accuracy" in name else {"zero_division": 0}
    for trial in range(30):
        n_classes = 4
        y = rng.integers(0, 3, size=40)  # class 3 never true
        pred = rng.integers(0, n_classes - (trial % 2), size=40)  # sometimes never
        pred[: trial % 5] = y[: trial % 5]
        w = rng.uniform(0, 2, size=40) if weighted else None
        fast = _fast_metric(name, n_classes, w)(y, pred)
        with warnings.catch_warnings():
            # balanced_accuracy warns about the never-true class 3
            warnings.simplefilter("ignore")
            expected = reference(y, pred, sample_weight=w, **metric_kwargs)
        assert fast == pytest.approx(expected, abs=1e-12), (name, trial)


# --------------------------------------------------- multi-class thresholds
@pytest.mark.learning
@pytest.mark.parametrize(
    "method, min_mean_gain",
    [("prior", 0.03), ("weights", 0.02)],  # measured: +0.046 and +0.031
)
def test_threshold_raises_macro_f1_over_argmax_on_rare_vowels(
    vowels, method, min_mean_gain
):
    """Three of nine speakers made 8x rarer; test macro-F1 on the real test set."""
    X_train, y_train, X_test, y_test = vowels
    gains = []
    for seed in range(3):
        X, y = _rare(X_train, y_train, seed)
        clf = MulticlassThresholdClassifierCV(_linear_pipeline(), cv=3, method=method)
        clf.fit(X, y)
        argmax = f1_score(y_test, clf.estimator_.predict(X_test), average="macro")
        tuned = f1_score(y_test, clf.predict(X_test), average="macro")
        gains.append(tuned - argmax)
        assert clf.best_score_ >= clf.argmax_score_
    assert np.mean(gains) > min_mean_gain, gains
    assert min(gains) > -0.01, gains


def test_prior_method_is_a_power_of_the_class_frequencies(vowels):
    X_train, y_train, _, _ = vowels
    X, y = _rare(X_train, y_train, 0)
    clf = MulticlassThresholdClassifierCV(_linear_pipeline(), cv=3).fit(X, y)
    assert clf.method == "prior"
    counts = np.array([(y == c).sum() for c in clf.classes_])
    np.testing.assert_allclose(clf.class_prior_, counts / len(y))
    assert 0.0 < clf.tau_ <= 2.0
    expected = clf.class_prior_**-clf.tau_
    np.testing.assert_allclose(clf.weights_, expected / np.exp(np.log(expected).mean()))
    # the rare speakers get the largest weights
    rare = counts < counts.max()
    assert clf.weights_[rare].min() > clf.weights_[~rare].max()


def test_threshold_contract_with_string_labels(vowels):
    X_train, y_train, X_test, _ = vowels
    X, y = _rare(X_train, y_train, 0)
    y = np.array(["speaker-" + label for label in y], dtype=object)
    clf = MulticlassThresholdClassifierCV(_linear_pipeline(), cv=3, method="weights")
    clf.fit(X, y)
    assert list(clf.classes_) == sorted(set(y))
    pred = clf.predict(X_test)
    assert set(pred) <= set(clf.classes_)
    proba = clf.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # the tuned decision is the argmax of the re-weighted probabilities
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], pred)
    raw = clf.estimator_.predict_proba(X_test)
    expected = raw * clf.weights_ / (raw * clf.weights_).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, expected)
    assert np.exp(np.mean(np.log(clf.weights_))) == pytest.approx(1.0)
    assert not hasattr(clf, "offsets_")
    assert clf.n_features_in_ == 12
    with pytest.raises(AttributeError, match="binary"):
        clf.threshold_


def test_threshold_offsets_method(vowels):
    X_train, y_train, X_test, _ = vowels
    X, y = _rare(X_train, y_train, 1)
    clf = MulticlassThresholdClassifierCV(
        _linear_pipeline(), cv=3, method="offsets"
    ).fit(X, y)
    assert clf.offsets_.mean() == pytest.approx(0.0, abs=1e-12)
    assert not hasattr(clf, "weights_")
    raw = clf.estimator_.predict_proba(X_test)
    expected = clf.classes_[(raw + clf.offsets_).argmax(axis=1)]
    np.testing.assert_array_equal(clf.predict(X_test), expected)
    assert clf.best_score_ >= clf.argmax_score_


def test_binary_path_is_an_exact_threshold_search(italy_imbalanced):
    """With two classes the weights reduce to one threshold, and the search over
    every decision change finds the best threshold on the out-of-fold
    probabilities."""
    X, y = italy_imbalanced
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    lr = LogisticRegression(C=0.1)
    clf = MulticlassThresholdClassifierCV(
        lr, cv=cv, scoring="f1_macro", method="weights", n_thresholds=1000
    ).fit(X[:, 0], y)
    oof = cross_val_predict(lr, X[:, 0], y, cv=cv, method="predict_proba")[:, 1]
    grid = np.unique(np.r_[oof, np.linspace(0, 1, 501)])
    best_on_grid = max(
        f1_score(y, np.where(oof > t, "2", "1"), average="macro") for t in grid
    )
    assert clf.best_score_ == pytest.approx(best_on_grid)
    at_threshold = np.where(oof > clf.threshold_, "2", "1")
    assert f1_score(y, at_threshold, average="macro") == pytest.approx(clf.best_score_)
    # predict is the threshold rule on the refit model
    p1 = clf.estimator_.predict_proba(X[:, 0])[:, 1]
    clear = np.abs(p1 - clf.threshold_) > 1e-9
    np.testing.assert_array_equal(
        clf.predict(X[:, 0])[clear], np.where(p1 > clf.threshold_, "2", "1")[clear]
    )
    assert clf.threshold_ != pytest.approx(0.5)


def test_binary_offsets_threshold(italy_imbalanced):
    X, y = italy_imbalanced
    clf = MulticlassThresholdClassifierCV(
        LogisticRegression(C=0.1), cv=4, method="offsets"
    ).fit(X[:, 0], y)
    p1 = clf.estimator_.predict_proba(X[:, 0])[:, 1]
    clear = np.abs(p1 - clf.threshold_) > 1e-9
    np.testing.assert_array_equal(
        clf.predict(X[:, 0])[clear], np.where(p1 > clf.threshold_, "2", "1")[clear]
    )


def test_user_scorer_matches_the_fast_path(vowels):
    X_train, y_train, _, _ = vowels
    X, y = _rare(X_train, y_train, 2)
    # a scorer costs ~1 ms per candidate decision: few candidates keep it quick
    few = {"cv": 3, "method": "weights", "n_thresholds": 10, "max_iter": 2}
    fast = MulticlassThresholdClassifierCV(_linear_pipeline(), **few).fit(X, y)
    scorer = make_scorer(f1_score, average="macro")
    slow = MulticlassThresholdClassifierCV(
        _linear_pipeline(), scoring=scorer, **few
    ).fit(X, y)
    np.testing.assert_allclose(slow.weights_, fast.weights_)
    assert slow.best_score_ == pytest.approx(fast.best_score_)
    f2 = make_scorer(fbeta_score, beta=2, average="macro")
    other = MulticlassThresholdClassifierCV(_linear_pipeline(), scoring=f2, **few)
    other.fit(X, y)
    assert other.best_score_ >= other.argmax_score_


def test_threshold_sample_weight_is_sliced_and_scored(vowels):
    X_train, y_train, _, _ = vowels
    X, y = _rare(X_train, y_train, 0)
    w = np.where(np.isin(y, ["1", "2"]), 3.0, 1.0)
    clf = MulticlassThresholdClassifierCV(_linear_pipeline(), cv=3, method="weights")
    clf.fit(X, y, logisticregression__sample_weight=w)
    unweighted = clone(clf).fit(X, y)
    assert not np.allclose(clf.weights_, unweighted.weights_)


def test_threshold_refit_false_keeps_the_split_model(italy_imbalanced):
    X, y = italy_imbalanced
    clf = MulticlassThresholdClassifierCV(
        KNeighborsClassifier(5), cv=0.25, refit=False, random_state=0
    ).fit(X[:, 0], y)
    assert clf.estimator_.n_samples_fit_ == len(y) - int(np.ceil(0.25 * len(y)))
    refit = MulticlassThresholdClassifierCV(
        KNeighborsClassifier(5), cv=0.25, random_state=0
    ).fit(X[:, 0], y)
    assert refit.estimator_.n_samples_fit_ == len(y)
    with pytest.raises(ValueError, match="single train/test split"):
        MulticlassThresholdClassifierCV(LogisticRegression(), refit=False).fit(
            X[:, 0], y
        )


def test_threshold_in_grid_search_and_clone(italy_imbalanced):
    X, y = italy_imbalanced
    clf = MulticlassThresholdClassifierCV(LogisticRegression(), cv=3)
    assert clone(clf).get_params()["estimator"] is not clf.estimator
    search = GridSearchCV(
        clf,
        {"method": ["prior", "weights", "offsets"], "estimator__C": [0.1, 1.0]},
        scoring="f1_macro",
        cv=3,
    ).fit(X[:, 0], y)
    assert set(search.best_params_) == {"method", "estimator__C"}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_threshold_errors(italy_imbalanced):
    X, y = italy_imbalanced
    with pytest.raises(TypeError, match="predict_proba"):
        MulticlassThresholdClassifierCV(LinearSVC()).fit(X[:, 0], y)
    with pytest.raises(ValueError, match="method"):
        MulticlassThresholdClassifierCV(LogisticRegression(), method="shift").fit(
            X[:, 0], y
        )
    with pytest.raises(ValueError, match="n_thresholds"):
        MulticlassThresholdClassifierCV(LogisticRegression(), n_thresholds=0).fit(
            X[:, 0], y
        )
    with pytest.raises(ValueError, match="predicted labels"):
        MulticlassThresholdClassifierCV(
            LogisticRegression(), cv=3, scoring="roc_auc"
        ).fit(X[:, 0], y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        MulticlassThresholdClassifierCV(LogisticRegression(), cv=3).fit(
            X[:, 0], np.full(len(y), "1")
        )
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        MulticlassThresholdClassifierCV(LogisticRegression(), cv=1.5).fit(X[:, 0], y)


def test_threshold_around_a_skseq_classifier(italy_imbalanced):
    X, y = italy_imbalanced
    gru = GRUClassifier(module__hidden_size=8, max_epochs=8, random_state=0)
    clf = MulticlassThresholdClassifierCV(gru, cv=3).fit(X, y)
    assert clf.estimator_.classes_.tolist() == ["1", "2"]
    assert 0.0 < clf.threshold_ < 1.0
    assert clf.predict(X).shape == y.shape


# ------------------------------------------------------------------ cascade
@pytest.fixture(scope="module")
def arrow():
    X, y = load_dataset("ArrowHead")
    # class "0" dominant: the other two 3x rarer
    X, y = make_imbalanced(X, y, minority="1", ratio=3, random_state=0)
    X, y = make_imbalanced(X, y, minority="2", ratio=3, random_state=0)
    return X[:, 0], y


def _lr():
    return LogisticRegression(max_iter=1000, C=0.1)


def test_cascade_stages(arrow):
    X, y = arrow
    cascade = CascadeClassifier(_lr(), _lr()).fit(X, y)
    values, counts = np.unique(y, return_counts=True)
    assert cascade.majority_classes_.tolist() == [values[counts.argmax()]] == ["0"]
    assert cascade.rest_classes_.tolist() == ["1", "2"]
    assert cascade.first_.classes_.tolist() == [0, 1]  # 0: "0", 1: rest
    assert cascade.second_.classes_.tolist() == ["1", "2"]
    # stage two saw the rest only
    assert cascade.second_.n_features_in_ == X.shape[1]
    rest = np.isin(y, ["1", "2"])
    direct = _lr().fit(X[rest], y[rest])
    np.testing.assert_allclose(cascade.second_.coef_, direct.coef_)

    first = cascade.first_.predict(X)
    pred = cascade.predict(X)
    np.testing.assert_array_equal(pred[first == 0], "0")
    np.testing.assert_array_equal(
        pred[first == 1], cascade.second_.predict(X[first == 1])
    )
    proba = cascade.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    p1 = cascade.first_.predict_proba(X)
    p2 = cascade.second_.predict_proba(X)
    np.testing.assert_allclose(proba[:, 0], p1[:, 0])
    np.testing.assert_allclose(proba[:, 1:], p1[:, [1]] * p2)


def test_cascade_thresholded_first_stage_routes(arrow):
    X, y = arrow
    everything_rest = CascadeClassifier(
        FixedThresholdClassifier(_lr(), threshold=0.0), _lr()
    ).fit(X, y)
    assert "0" not in set(everything_rest.predict(X))
    nothing_rest = CascadeClassifier(
        FixedThresholdClassifier(_lr(), threshold=1.0), _lr()
    ).fit(X, y)
    assert set(nothing_rest.predict(X)) == {"0"}


def test_cascade_majority_classes_and_errors(arrow):
    X, y = arrow
    two = CascadeClassifier(_lr(), _lr(), majority_classes=["2", "0"]).fit(X, y)
    assert two.majority_classes_.tolist() == ["0", "2"]
    assert two.second_ is None and two.rest_classes_.tolist() == ["1"]
    assert set(two.predict(X)) <= {"0", "1", "2"}
    np.testing.assert_allclose(two.predict_proba(X).sum(axis=1), 1.0, rtol=1e-6)
    one = CascadeClassifier(_lr(), _lr(), majority_classes="1").fit(X, y)
    assert one.majority_classes_.tolist() == ["1"]
    with pytest.raises(ValueError, match="not in y"):
        CascadeClassifier(_lr(), _lr(), majority_classes="7").fit(X, y)
    with pytest.raises(ValueError, match="at least one class"):
        CascadeClassifier(_lr(), _lr(), majority_classes=["0", "1", "2"]).fit(X, y)
    with pytest.raises(ValueError, match="first__"):
        CascadeClassifier(_lr(), _lr()).fit(X, y, sample_weight=np.ones(len(y)))


def test_cascade_grid_search_and_fit_params(arrow):
    X, y = arrow
    search = GridSearchCV(
        CascadeClassifier(_lr(), _lr()),
        {"first__C": [0.01, 1.0], "second__C": [0.1, 1.0]},
        scoring="f1_macro",
        cv=3,
    ).fit(X, y)
    assert set(search.best_params_) == {"first__C", "second__C"}
    w = np.ones(len(y))
    w[y == "1"] = 5.0
    weighted = CascadeClassifier(_lr(), _lr()).fit(X, y, second__sample_weight=w)
    plain = CascadeClassifier(_lr(), _lr()).fit(X, y)
    assert not np.allclose(weighted.second_.coef_, plain.second_.coef_)
    np.testing.assert_allclose(weighted.first_.coef_, plain.first_.coef_)


def test_cascade_of_skseq_classifiers_on_panels(italy_imbalanced):
    X, y = italy_imbalanced
    tiny = {"module__hidden_size": 8, "max_epochs": 5, "random_state": 0}
    X3 = np.concatenate([X, X[:, :, ::-1]], axis=0)
    y3 = np.concatenate([y, np.where(y == "2", "3", "4")])
    y3[: len(y)] = "1"  # dominant class "1", rest {"3", "4"}
    cascade = CascadeClassifier(LSTMClassifier(**tiny), GRUClassifier(**tiny))
    cascade.fit(list(X3), y3)  # a list of series: rows are selected as a list
    assert cascade.majority_classes_.tolist() == ["1"]
    assert cascade.second_.classes_.tolist() == ["3", "4"]
    assert cascade.predict_proba(X3).shape == (len(y3), 3)


# ------------------------------------------------------------ search spaces
SKSEQ_CLASSIFIERS = [
    getattr(classifiers, name)
    for name in classifiers.__all__
    if isinstance(getattr(classifiers, name), type) and not name.startswith("Base")
]


@pytest.mark.parametrize("cls", SKSEQ_CLASSIFIERS, ids=lambda c: c.__name__)
def test_every_classifier_has_a_space_its_network_accepts(cls):
    space = search_space(cls)
    network = inspect.signature(cls).parameters["module"].default
    accepted = set()
    for klass in network.__mro__:  # GRUNetwork(**kwargs) -> RNNNetwork's names
        if "__init__" in vars(klass):
            accepted |= set(inspect.signature(klass.__init__).parameters)
    module_keys = {k[len("module__") :] for k in space if k.startswith("module__")}
    assert module_keys, cls
    assert module_keys <= accepted, module_keys - accepted
    assert {"lr", "batch_size", "optimizer__weight_decay", "class_weight"} <= set(space)
    # every draw builds a network that runs on padded input
    for params in ParameterSampler(space, n_iter=6, random_state=0):
        kwargs = {
            k[len("module__") :]: v
            for k, v in params.items()
            if k.startswith("module__")
        }
        net = network(n_channels=2, n_classes=3, **kwargs)
        x = torch.zeros(2, 2, 48)
        x[1, :, 30:] = 0.0
        assert net(x, lengths=torch.tensor([48, 30])).shape == (2, 3)
        cls().set_params(**params)
    optuna_space = search_space(cls, kind="optuna")
    assert set(optuna_space) == set(space)


def test_space_of_an_imblearn_pipeline_with_loss_and_sampler():
    pipe = make_imb_pipeline(
        Interpolator(),
        PanelSampler(SMOTE(k_neighbors=3)),
        LSTMClassifier(criterion=FocalLoss),
    )
    space = search_space(pipe)
    assert isinstance(space["lstmclassifier__lr"], type(stats.loguniform(1e-4, 1e-2)))
    assert "lstmclassifier__criterion__gamma" in space
    assert "panelsampler__sampler__k_neighbors" in space
    assert not any(k.startswith("interpolator__") for k in space)
    for params in ParameterSampler(space, n_iter=5, random_state=1):
        clone(pipe).set_params(**params)
    prefixed = search_space(pipe, prefix="estimator__")
    assert set(prefixed) == {f"estimator__{k}" for k in space}


def test_space_follows_criterion_sampler_and_meta_estimators():
    cb = search_space(GRUClassifier(criterion=ClassBalancedLoss))
    assert {"criterion__beta", "criterion__loss", "criterion__gamma"} <= set(cb)
    assert not any(k.startswith("criterion__") for k in search_space(GRUClassifier))
    resampled = search_space(LSTMClassifier(resampler=RandomOverSampler()))
    assert "resampler__shrinkage" in resampled
    aug = search_space(make_imb_pipeline(AugmentationOverSampler(), GRUClassifier()))
    assert "augmentationoversampler__warp_sigma" in aug
    meta = search_space(MulticlassThresholdClassifierCV(GRUClassifier()))
    assert "estimator__module__hidden_size" in meta
    cascade = search_space(CascadeClassifier(LSTMClassifier(), _lr()))
    assert "first__module__hidden_size" in cascade
    assert not any(k.startswith("second__") for k in cascade)


def test_space_errors():
    with pytest.raises(ValueError, match="no table for LogisticRegression"):
        search_space(LogisticRegression())
    with pytest.raises(ValueError, match="no table for Pipeline"):
        search_space(make_pipeline(StandardScaler(), LogisticRegression()))

    class MyNet(torch.nn.Module):
        pass

    with pytest.raises(ValueError, match="MyNet"):
        search_space(LSTMClassifier(module=MyNet))
    with pytest.raises(ValueError, match="kind"):
        search_space(LSTMClassifier, kind="grid")
    optuna = pytest.importorskip("optuna")
    study = optuna.create_study()
    with pytest.raises(TypeError, match="optuna distribution"):
        suggest_params(study.ask(), {"lr": stats.uniform(0, 1)})


def test_optuna_bayesian_search_on_a_skseq_pipeline():
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = load_dataset("ItalyPowerDemand", split="train")
    # rare enough to matter, frequent enough for SMOTE's k_neighbors <= 5 in
    # every training fold
    X, y = make_imbalanced(X, y, minority="2", ratio=2, random_state=0)
    pipe = make_imb_pipeline(
        Interpolator(),
        PanelSampler(SMOTE(random_state=0)),
        GRUClassifier(criterion=FocalLoss, max_epochs=4, random_state=0),
    )
    keep = (
        "gruclassifier__lr",
        "gruclassifier__module__hidden_size",
        "gruclassifier__criterion__gamma",
        "panelsampler__sampler__k_neighbors",
    )
    space = search_subspace(pipe, keep, kind="optuna")
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    objective = optuna_objective(
        pipe, X, y, distributions=space, scoring="f1_macro", cv=cv
    )
    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=0)
    )
    study.optimize(objective, n_trials=3)
    assert len(study.trials) == 3
    assert all(t.state.name == "COMPLETE" for t in study.trials)
    assert set(study.best_params) == set(keep)
    # the objective is the cross-validated score of those parameters
    again = cross_val_score(
        clone(pipe).set_params(**study.best_params), X, y, scoring="f1_macro", cv=cv
    )
    assert study.best_value == pytest.approx(again.mean())
    assert "std_test_score" in study.best_trial.user_attrs


# ---------------------------------------------------------- cluster backend
def test_cluster_backend_errors(monkeypatch):
    with pytest.raises(ValueError, match="engine"):
        cluster_backend("spark")
    pytest.importorskip("distributed")
    with pytest.raises(ValueError, match="no running Dask client"):
        cluster_backend("dask")
    # Ray is an optional extra: without it the message says how to install it
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.util", None)
    monkeypatch.setitem(sys.modules, "ray.util.joblib", None)
    with pytest.raises(ImportError, match=r"pip install 'skseq\[ray\]'"):
        cluster_backend("ray")


def test_meta_estimators_take_sktime_multiindex_panels():
    """pd-multiindex frames have one row per time step: rows must not be split."""
    from sktime.datasets import load_italy_power_demand

    X, y = load_italy_power_demand(
        split="train", return_X_y=True, return_type="pd-multiindex"
    )
    assert len(X) == 24 * len(y)
    tiny = {"module__hidden_size": 4, "max_epochs": 2, "random_state": 0}
    thresholds = MulticlassThresholdClassifierCV(LSTMClassifier(**tiny), cv=3)
    assert thresholds.fit(X, y).predict(X).shape == y.shape
    cascade = CascadeClassifier(LSTMClassifier(**tiny), LSTMClassifier(**tiny))
    assert cascade.fit(X, y).predict_proba(X).shape == (len(y), 2)
