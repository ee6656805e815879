"""AutoML tools around skseq estimators, and the transformers' ``set_output``.

- optuna-integration's ``OptunaSearchCV`` drives a skseq classifier unchanged
  over ``search_space(..., kind="optuna")``, and gives the trials
  ``optuna_objective`` gives;
- FLAML needs 2-D data: the recipe of ``docs/guide/automl_tools.rst`` (a
  flattened panel, a FLAML learner that restores the 3-D panel) is run here;
- TPOT 1.1 takes a skseq classifier in an ``EstimatorNode`` with
  ``preprocessing=False`` (skipped where TPOT is not installed);
- the panel transformers refuse ``set_output(transform="pandas")`` with a
  clear error and warn under ``set_config(transform_output="pandas")``.

Tiny FCNs (4 filters, two epochs) on 40 GunPoint series (one channel, 150
steps) and 45 JapaneseVowels series (12 channels, unequal lengths).
"""

import warnings

import numpy as np
import pytest
import sklearn
from _instances import search_subspace
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (
    check_set_output_transform,
    check_transformer_preserve_dtypes,
)

from skseq.classifiers import FCNClassifier
from skseq.datasets import load_dataset
from skseq.model_selection import optuna_objective
from skseq.transformers import (
    Interpolator,
    Normalizer,
    Padder,
    RollingFeatures,
    Truncator,
)

TRANSFORMERS = [Interpolator, Normalizer, Padder, RollingFeatures, Truncator]
SPACE_KEYS = ("lr", "module__pooling", "module__kernel_sizes")


def _fcn(**kwargs):
    return FCNClassifier(
        module__n_filters=(4, 4, 4), max_epochs=2, random_state=0, **kwargs
    )


@pytest.fixture(scope="module")
def gunpoint(gunpoint_train):
    X, y = gunpoint_train
    return X[:40], y[:40]


@pytest.fixture(scope="module")
def vowels(vowels_train):
    """Three speakers, 12 channels, unequal lengths (NaN-padded)."""
    X, y = vowels_train
    keep = np.flatnonzero(np.isin(y, ["1", "2", "3"]))[::2]
    return X[keep], y[keep]


# ---------------------------------------------------------------- set_output
@pytest.mark.parametrize("cls", TRANSFORMERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("container", ["pandas", "polars"])
def test_set_output_dataframe_raises_a_clear_error(cls, container):
    with pytest.raises(ValueError) as info:
        cls().set_output(transform=container)
    message = str(info.value)
    assert f"{cls.__name__}.set_output(transform={container!r})" in message
    assert "3-D panel" in message and "no DataFrame form" in message
    assert "set_output(transform='default')" in message  # what to do instead
    assert "skseq.sktime.to_sktime" in message


@pytest.mark.parametrize("cls", TRANSFORMERS, ids=lambda c: c.__name__)
def test_set_output_default_keeps_the_numpy_panel(cls):
    X = np.random.default_rng(0).normal(size=(4, 2, 8))
    transformer = cls()
    assert transformer.set_output(transform=None) is transformer
    assert not hasattr(transformer, "_sklearn_output_config")  # None: unchanged
    assert transformer.set_output(transform="default") is transformer
    Xt = transformer.fit_transform(X)
    assert isinstance(Xt, np.ndarray) and Xt.ndim == 3 and Xt.dtype == np.float32
    np.testing.assert_array_equal(Xt, cls().fit_transform(X))
    # clone keeps the setting, as for scikit-learn's transformers
    assert clone(transformer)._sklearn_output_config == {"transform": "default"}


def test_set_output_rejects_unknown_containers():
    with pytest.raises(ValueError, match="'default' or None"):
        Normalizer().set_output(transform="numpy")


@pytest.mark.parametrize("cls", TRANSFORMERS, ids=lambda c: c.__name__)
def test_sklearn_set_output_checks(cls):
    # not in parametrize_with_checks (scikit-learn runs them on its own
    # transformers only); those of them that apply to a numpy-only transformer
    check_set_output_transform(cls.__name__, cls())
    check_transformer_preserve_dtypes(cls.__name__, cls())


@pytest.mark.parametrize("container", ["pandas", "polars"])
def test_global_dataframe_output_warns_and_returns_the_panel(container):
    if container == "polars":
        pytest.importorskip("polars")
    X = np.random.default_rng(0).normal(size=(4, 2, 8))
    with sklearn.config_context(transform_output=container):
        with pytest.warns(UserWarning, match="does not apply to Normalizer") as rec:
            Xt = Normalizer().fit_transform(X)
    assert len(rec) == 1  # once per transform (fit_transform goes through it)
    assert isinstance(Xt, np.ndarray) and Xt.shape == X.shape
    # the warning points at the caller, not at skseq or scikit-learn
    assert rec[0].filename != Normalizer.transform.__code__.co_filename


def test_local_default_output_silences_the_global_setting():
    X = np.random.default_rng(0).normal(size=(4, 2, 8))
    with sklearn.config_context(transform_output="pandas"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            Normalizer().set_output(transform="default").fit_transform(X)
            # through a pipeline, and through clone (as in a search)
            pipe = make_pipeline(Interpolator(), Normalizer())
            pipe.set_output(transform="default")
            clone(pipe).fit_transform(X)


def test_default_config_does_not_warn():
    X = np.random.default_rng(0).normal(size=(4, 2, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Normalizer().fit_transform(X)


def test_pipeline_set_output_pandas_names_the_transformer():
    pipe = make_pipeline(Interpolator(), Normalizer())
    with pytest.raises(ValueError, match=r"Interpolator.set_output.*no DataFrame"):
        pipe.set_output(transform="pandas")


def test_the_documented_pandas_route_gives_a_pandas_panel():
    from sktime.datatypes import convert_to

    from skseq.sktime import to_sktime

    X = np.random.default_rng(0).normal(size=(3, 2, 5))
    frame = convert_to(X, to_type="pd-multiindex")
    out = to_sktime(Normalizer()).fit_transform(frame)
    assert out.shape == frame.shape and list(out.index.names) == [
        "instances",
        "timepoints",
    ]
    np.testing.assert_allclose(
        convert_to(out, to_type="numpy3D"), Normalizer().fit_transform(X), atol=1e-6
    )


# ---------------------------------------------------------- OptunaSearchCV
def test_optuna_search_cv_over_the_published_space(gunpoint):
    pytest.importorskip("optuna")
    OptunaSearchCV = pytest.importorskip("optuna_integration").OptunaSearchCV
    X, y = gunpoint
    clf = _fcn()
    space = search_subspace(clf, SPACE_KEYS, kind="optuna")
    search = OptunaSearchCV(
        clf, space, n_trials=2, cv=2, scoring="f1_macro", random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # optuna.terminator
        search.fit(X, y)
    assert len(search.trials_) == 2
    assert set(search.best_params_) == set(SPACE_KEYS)
    for key, value in search.best_params_.items():
        dist = space[key]
        assert dist._contains(dist.to_internal_repr(value)), (key, value)
    assert isinstance(search.best_estimator_, FCNClassifier)
    assert search.best_estimator_.max_epochs == 2  # fixed parameters kept
    pred = search.predict(X[:5])
    assert set(pred) <= set(y)
    assert search.predict_proba(X[:5]).shape == (5, 2)


def test_optuna_search_cv_is_the_estimator_form_of_optuna_objective(gunpoint):
    optuna = pytest.importorskip("optuna")
    OptunaSearchCV = pytest.importorskip("optuna_integration").OptunaSearchCV
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = gunpoint
    clf = _fcn()
    space = search_subspace(clf, SPACE_KEYS, kind="optuna")
    cv = StratifiedKFold(2)

    def study():
        return optuna.create_study(
            direction="maximize", sampler=optuna.samplers.TPESampler(seed=0)
        )

    search = OptunaSearchCV(
        clf, space, n_trials=2, cv=cv, scoring="f1_macro", study=study(), refit=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # optuna.terminator
        search.fit(X, y)
    own = study()
    own.optimize(
        optuna_objective(clf, X, y, distributions=space, scoring="f1_macro", cv=cv),
        n_trials=2,
    )
    assert [t.params for t in search.trials_] == [t.params for t in own.trials]
    np.testing.assert_allclose(
        [t.value for t in search.trials_], [t.value for t in own.trials]
    )


# -------------------------------------------------------------------- FLAML
def _flaml_learner(n_channels):
    """The learner of docs/guide/automl_tools.rst, for ``n_channels``."""
    pytest.importorskip("flaml")
    pytest.importorskip("flaml.automl.automl")  # flaml[automl]: lightgbm, xgboost
    from flaml import tune
    from flaml.automl.model import SKLearnEstimator

    class FCNLearner(SKLearnEstimator):
        architectures = {"small": (4, 4, 4), "large": (8, 8, 8)}
        n_channels = 1

        def __init__(self, task="binary", n_jobs=None, **config):
            super().__init__(task, **config)
            self.estimator_class = FCNClassifier

        def config2params(self, config):
            params = super().config2params(config)
            if "module__n_filters" in params:
                params["module__n_filters"] = self.architectures[
                    params["module__n_filters"]
                ]
            return params

        def _preprocess(self, X):
            X = np.asarray(X, dtype=np.float32)
            return X.reshape(len(X), self.n_channels, -1)

        @classmethod
        def search_space(cls, data_size, task):
            return {
                "lr": {"domain": tune.loguniform(1e-3, 3e-2), "init_value": 1e-2},
                "module__n_filters": {
                    "domain": tune.choice(list(cls.architectures)),
                    "init_value": "small",
                },
                "module__pooling": {"domain": tune.choice(["meanmax", "mean", "max"])},
            }

    FCNLearner.n_channels = n_channels
    return FCNLearner


def _run_flaml(X, y, max_iter=3):
    from flaml import AutoML

    automl = AutoML()
    automl.add_learner("fcn", _flaml_learner(X.shape[1]))
    automl.fit(
        X.reshape(len(X), -1),
        y,
        task="classification",
        estimator_list=["fcn"],
        metric="macro_f1",
        max_iter=max_iter,
        time_budget=60,
        custom_hp={"fcn": {"max_epochs": {"domain": 2}, "random_state": {"domain": 0}}},
        seed=0,
        verbose=0,
    )
    return automl


def test_flaml_refuses_a_3d_panel(gunpoint):
    pytest.importorskip("flaml")
    pytest.importorskip("flaml.automl.automl")
    from flaml import AutoML

    X, y = gunpoint
    automl = AutoML()
    automl.add_learner("fcn", _flaml_learner(1))
    # why the recipe exists: FLAML reads X.shape as (rows, columns)
    with pytest.raises(ValueError, match="too many values to unpack"):
        automl.fit(
            X, y, task="classification", estimator_list=["fcn"], max_iter=1, verbose=0
        )


def test_flaml_recipe_on_a_univariate_panel(gunpoint):
    X, y = gunpoint
    automl = _run_flaml(X, y)
    assert 1 <= len(automl.config_history) <= 3
    assert set(automl.best_config) >= {"lr", "module__n_filters", "module__pooling"}
    assert automl.best_config["module__n_filters"] in ("small", "large")
    model = automl.model.estimator
    assert isinstance(model, FCNClassifier) and model.max_epochs == 2
    assert model.n_channels_in_ == 1  # the network saw the 3-D panel
    pred = automl.predict(X[:5].reshape(5, -1))
    assert set(pred) <= set(y)
    assert automl.predict_proba(X[:5].reshape(5, -1)).shape == (5, 2)


def test_flaml_recipe_on_an_unequal_length_multichannel_panel(vowels):
    X, y = vowels
    assert np.isnan(X).any()  # NaN padding travels through the flat view
    automl = _run_flaml(X, y, max_iter=2)
    model = automl.model.estimator
    assert model.n_channels_in_ == 12
    # new series: cut and pad to the training width, then flatten
    X_test, _ = load_dataset("JapaneseVowels", split="test")
    width = X.shape[2]
    X_test = make_pipeline(Truncator(width), Padder(width)).fit_transform(X_test[:6])
    pred = automl.predict(X_test.reshape(len(X_test), -1))
    assert set(pred) <= set(y)


# --------------------------------------------------------------------- TPOT
def test_tpot_takes_a_skseq_classifier_on_3d_panels(vowels):
    pytest.importorskip("tpot")
    from ConfigSpace import Categorical, ConfigurationSpace, Float
    from tpot import TPOTEstimator
    from tpot.search_spaces.nodes import EstimatorNode

    X, y = vowels
    space = ConfigurationSpace(
        space={
            "lr": Float("lr", (1e-3, 3e-2), log=True),
            "module__pooling": Categorical("module__pooling", ["mean", "max"]),
        }
    )
    fixed = {"module__n_filters": (4, 4, 4), "max_epochs": 2, "random_state": 0}
    node = EstimatorNode(
        FCNClassifier, space=space, hyperparameter_parser=lambda p: {**p, **fixed}
    )
    tpot = TPOTEstimator(
        search_space=node,
        scorers=["f1_macro"],
        scorers_weights=[1],
        classification=True,
        cv=2,
        generations=1,
        population_size=2,
        preprocessing=False,  # its imputer would flatten the panel
        n_jobs=1,
        processes=False,
        max_eval_time_mins=2,
        random_state=0,
        verbose=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # label encoding, dask, convergence
        tpot.fit(X, y)
    assert isinstance(tpot.fitted_pipeline_, FCNClassifier)
    assert tpot.fitted_pipeline_.n_channels_in_ == 12
    assert set(tpot.predict(X[:5])) <= set(y)
