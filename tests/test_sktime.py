"""skseq estimators as sktime estimators (skseq.sktime).

sktime's own conformance suite (``check_estimator``) on the adapters, sktime
composition and evaluation with them, and the data they hand to the wrapped
estimator: every channel, unequal lengths as trailing-NaN padding.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import RandomUnderSampler
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import KFold
from sktime.classification.base import BaseClassifier
from sktime.classification.compose import ClassifierPipeline
from sktime.classification.distance_based import KNeighborsTimeSeriesClassifier
from sktime.classification.model_evaluation import evaluate
from sktime.datatypes import check_is_scitype, convert_to
from sktime.transformations.base import BaseTransformer
from sktime.transformations.compose import TransformerPipeline
from sktime.transformations.panel.padder import PaddingTransformer
from sktime.utils.estimator_checks import check_estimator

from skseq.classifiers import FCNClassifier, LSTMClassifier
from skseq.datasets import load_dataset
from skseq.pipeline import make_pipeline
from skseq.sampling import PanelSampler
from skseq.sktime import SktimeClassifier, SktimeTransformer, to_sktime
from skseq.transformers import (
    Interpolator,
    Normalizer,
    Padder,
    RollingFeatures,
    Truncator,
)
from skseq.utils.validation import series_lengths


def _fcn(**params):
    """A tiny, seeded FCN (two epochs unless told otherwise)."""
    params = {
        "max_epochs": 2,
        "lr": 0.03,
        "batch_size": 8,
        "random_state": 0,
        "module__n_filters": (4, 4, 4),
        **params,
    }
    return FCNClassifier(**params)


def _lstm():
    return LSTMClassifier(
        max_epochs=2,
        lr=0.03,
        batch_size=8,
        random_state=0,
        module__hidden_size=4,
        module__bidirectional=False,
    )


def _frames(X):
    """A NaN-padded panel as sktime's df-list: one frame per series, own length."""
    return [
        pd.DataFrame(x[:, :length].T.astype(float))
        for x, length in zip(X, series_lengths(X), strict=True)
    ]


def _check(estimator):
    """Run sktime's whole conformance suite; return the failures."""
    with warnings.catch_warnings():
        # skorch's "did not learn" ConvergenceWarning after two epochs, and
        # sktime's single-class warnings, are expected on its toy data
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, raise_exceptions=False, verbose=False)
    assert len(results) > 100  # the suite ran, not a handful of tests
    return {name: result for name, result in results.items() if result != "PASSED"}


# --------------------------------------------------------- sktime's own checks
# No exclusions: every test of sktime's suite (the object, estimator and
# classifier/transformer suites, including the class's doctest, the
# get_params/set_params round trip, pickling, idempotent fit and the unequal-
# length and multivariate scenarios) passes for every estimator below.
@pytest.mark.parametrize(
    "estimator",
    [_fcn(), _lstm(), make_pipeline(Interpolator(), _fcn())],
    ids=["FCN", "LSTM", "Interpolator+FCN"],
)
def test_classifier_adapter_passes_sktime_check_estimator(estimator):
    assert _check(SktimeClassifier(estimator)) == {}


@pytest.mark.parametrize(
    "estimator",
    [
        Interpolator(),
        Normalizer(),
        Normalizer(scope="channel"),
        Padder(fill_value=0.0),
        Truncator(),
        RollingFeatures(window_sizes=2),
    ],
    ids=lambda est: repr(est),
)
def test_transformer_adapter_passes_sktime_check_estimator(estimator):
    assert _check(SktimeTransformer(estimator)) == {}


# --------------------------------------------------------- composition
@pytest.mark.learning
def test_interpolator_times_fcn_evaluates_to_a_real_score():
    X, y = load_dataset("BasicMotions", split="train")
    pipe = to_sktime(Interpolator()) * to_sktime(_fcn(max_epochs=40))
    assert isinstance(pipe, ClassifierPipeline)
    cv = KFold(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = evaluate(pipe, cv=cv, X=X, y=y, scoring=accuracy_score)
    scores = results["test_accuracy_score"].to_numpy()
    assert len(scores) == 3 and np.isfinite(scores).all()  # no error_score NaN
    assert scores.mean() > 0.5  # 4 balanced classes: chance is 0.25


def test_every_channel_reaches_the_classifier():
    X, y = load_dataset("BasicMotions", split="train")
    assert X.shape[1] == 6
    for transformer in (to_sktime(Interpolator()), PaddingTransformer()):
        pipe = transformer * to_sktime(_fcn())
        assert isinstance(pipe, ClassifierPipeline)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pipe.fit(X, y)
        inner = pipe.classifier_.estimator_
        assert inner.n_channels_in_ == 6 and inner.n_features_in_ == 6
        assert pipe.predict(X[:4]).shape == (4,)


def test_adapted_transformers_compose_with_sktime_estimators():
    X, y = load_dataset("BasicMotions", split="train")
    X, y = X[::2], y[::2]
    chain = to_sktime(Interpolator()) * to_sktime(Normalizer())
    assert isinstance(chain, TransformerPipeline)
    assert chain.fit_transform(X).shape == X.shape  # not tabularised
    pipe = chain * KNeighborsTimeSeriesClassifier(n_neighbors=1)
    assert isinstance(pipe, ClassifierPipeline)
    assert pipe.fit(X, y).predict(X).shape == y.shape


def test_to_sktime_picks_the_sktime_scitype():
    clf, trans = to_sktime(_fcn()), to_sktime(Interpolator())
    assert isinstance(clf, SktimeClassifier) and isinstance(clf, BaseClassifier)
    assert isinstance(trans, SktimeTransformer) and isinstance(trans, BaseTransformer)
    pipeline = to_sktime(make_pipeline(Interpolator(), Normalizer(), _fcn()))
    assert isinstance(pipeline, SktimeClassifier)
    assert isinstance(
        to_sktime(make_pipeline(Interpolator(), Normalizer())), SktimeTransformer
    )
    assert to_sktime(clf) is clf  # already an sktime object


# --------------------------------------------------------- data handed over
def test_unequal_lengths_reach_the_classifier_as_nan_padding():
    X, y = load_dataset("JapaneseVowels", split="train")
    X, y = X[::5], y[::5]  # 54 series, all 9 classes
    frames = _frames(X)
    multiindex = convert_to(frames, to_type="pd-multiindex")
    _, _, meta = check_is_scitype(
        multiindex, scitype="Panel", return_metadata=["is_equal_length"]
    )
    assert not meta["is_equal_length"]  # sktime sees unequal lengths
    adapter = SktimeClassifier(_fcn())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adapter.fit(multiindex, y)
        # the same network fitted on skseq's own NaN-padded panel
        plain = _fcn().fit(X, y)
    assert adapter.estimator_.n_channels_in_ == 12
    for form in (multiindex, frames, X):  # pd-multiindex, df-list, numpy3D
        np.testing.assert_allclose(
            adapter.predict_proba(form), plain.predict_proba(X), rtol=1e-4, atol=1e-5
        )
    np.testing.assert_array_equal(adapter.predict(frames), plain.predict(X))


def test_nan_padding_is_unequal_length_but_inner_nan_is_missing():
    X, y = load_dataset("JapaneseVowels", split="train")
    X, y = X[::5], y[::5]
    assert np.isnan(X).any()  # skseq's NaN-padded form of unequal lengths
    adapter = SktimeClassifier(_fcn())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adapter.fit(X, y)  # read as unequal lengths, not missing values
    assert adapter.predict(X).shape == (len(X),)
    X_missing = X.copy()
    X_missing[0, 0, 1] = np.nan  # inside series 0: a missing value
    with pytest.raises(ValueError, match="missing values"):
        adapter.predict(X_missing)
    pipe = SktimeClassifier(make_pipeline(Interpolator(), _fcn()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert pipe.fit(X_missing, y).predict(X_missing).shape == (len(X),)


def test_transformer_returns_unequal_series_in_the_callers_form():
    rng = np.random.default_rng(0)
    frames = [
        pd.DataFrame(
            rng.normal(size=(n, 2)), columns=["a", "b"], index=pd.RangeIndex(n) + 10
        )
        for n in (5, 7, 4)
    ]
    frames[1].iloc[2, 0] = np.nan  # a missing value inside series 1
    X = convert_to(frames, to_type="pd-multiindex")

    Xt = to_sktime(Interpolator()).fit_transform(X)
    assert isinstance(Xt, pd.DataFrame) and Xt.index.equals(X.index)
    assert not Xt.isna().any().any()
    assert Xt.loc[(1, 12), "a"] == pytest.approx(
        (frames[1].iloc[1, 0] + frames[1].iloc[3, 0]) / 2
    )

    Xt = to_sktime(RollingFeatures(window_sizes=2, statistics="mean")).fit_transform(
        X.fillna(0.0)
    )
    assert list(Xt.columns) == ["a", "b", "a__mean_2", "b__mean_2"]
    assert Xt.index.equals(X.index)

    Xt = to_sktime(Padder(fill_value=0.0)).fit_transform(X)
    assert Xt.groupby(level=0).size().tolist() == [7, 7, 7]
    assert (Xt.loc[2].iloc[4:] == 0.0).all().all()


def test_stateless_transformer_is_fitted_on_the_data_it_transforms():
    X = np.arange(24, dtype=float).reshape(2, 2, 6)
    adapter = to_sktime(Normalizer())
    assert adapter.get_tag("fit_is_empty")
    adapter.fit(X)
    assert not hasattr(adapter, "estimator_")  # nothing to learn
    Xt = adapter.transform(X + 100.0)  # per-series z-scores ignore the shift
    np.testing.assert_allclose(Xt, Normalizer().fit_transform(X), atol=1e-5)


# --------------------------------------------------------- tags and parameters
def test_tags_say_what_the_wrapped_estimator_does():
    clf = to_sktime(_fcn())
    assert clf.get_tag("capability:multivariate")
    assert clf.get_tag("capability:unequal_length")
    assert clf.get_tag("capability:predict_proba")
    assert not clf.get_tag("capability:missing_values")  # NaN only as padding
    assert to_sktime(make_pipeline(Interpolator(), _fcn())).get_tag(
        "capability:missing_values"
    )
    # an Interpolator that leaves long gaps does not make the pipeline NaN-proof
    assert not to_sktime(make_pipeline(Interpolator(max_gap=2), _fcn())).get_tag(
        "capability:missing_values"
    )
    assert clf.get_tag("X_inner_mtype") == ["df-list", "numpy3D"]

    expected = {
        # estimator: (missing values, fit_is_empty, same time index, equal length)
        Interpolator(): (True, True, True, False),
        RollingFeatures(): (False, True, True, False),
        Normalizer(): (True, True, True, False),
        Normalizer(scope="channel"): (True, False, True, False),
        Padder(): (True, False, False, False),
        Padder(fill_value=0.0): (True, False, False, True),
        Truncator(): (True, False, False, False),
    }
    for estimator, (missing, empty, same_index, removes) in expected.items():
        adapter = to_sktime(estimator)
        assert adapter.get_tag("capability:missing_values") is missing, estimator
        assert adapter.get_tag("fit_is_empty") is empty, estimator
        assert adapter.get_tag("transform-returns-same-time-index") is same_index
        assert adapter.get_tag("capability:unequal_length:removes") is removes
        assert adapter.get_tag("capability:multivariate")
        assert adapter.get_tag("capability:unequal_length")
        assert adapter.get_tag("scitype:transform-output") == "Series"


def test_set_params_reaches_the_wrapped_estimator_and_updates_tags():
    adapter = to_sktime(Normalizer())
    adapter.set_params(estimator__scope="channel")
    assert adapter.estimator.scope == "channel"
    assert not adapter.get_tag("fit_is_empty")
    clf = to_sktime(_fcn())
    assert clf.set_params(estimator__max_epochs=3) is clf
    assert clf.estimator.max_epochs == 3
    # skorch's generated callback entries are left out, so a round trip holds
    params = clf.get_params()
    assert "estimator__max_epochs" in params
    assert not any(key.startswith("estimator__callbacks__") for key in params)
    assert clf.set_params(**params).get_params().keys() == params.keys()


def test_fit_clones_the_wrapped_estimator():
    X, y = load_dataset("GunPoint", split="train")
    fcn = _fcn()
    adapter = to_sktime(fcn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adapter.fit(X, y)
    assert adapter.estimator is fcn and adapter.estimator_ is not fcn
    assert not hasattr(fcn, "module_")  # the original stays unfitted
    clone = adapter.clone()  # sktime's clone, which evaluate uses
    assert clone.estimator is not fcn and not clone.is_fitted


# --------------------------------------------------------- refusals
@pytest.mark.parametrize(
    "bad, match",
    [
        ("fcn", "not a scikit-learn estimator"),
        (np.zeros(3), "not a scikit-learn estimator"),
        (FCNClassifier, "instance"),
        (LogisticRegression(), "no skseq part"),
        (PanelSampler(RandomUnderSampler()), "neither a classifier nor a transformer"),
    ],
)
def test_to_sktime_refuses_what_it_cannot_adapt(bad, match):
    with pytest.raises(TypeError, match=match):
        to_sktime(bad)


def test_adapters_refuse_the_other_kind():
    with pytest.raises(TypeError, match="SktimeClassifier"):
        SktimeTransformer(_fcn())
    with pytest.raises(TypeError, match="SktimeTransformer"):
        SktimeClassifier(Interpolator())
