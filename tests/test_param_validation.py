"""Every classifier checks its parameters at the start of ``fit`` (issue 13):
scikit-learn's ``_parameter_constraints`` mechanism, messages that name the
parameter as the user wrote it, and nothing trained on nonsense."""

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

from skseq.classifiers import (
    BaseSequenceClassifier,
    CNNClassifier,
    FCNClassifier,
    LSTMClassifier,
)
from skseq.utils.discovery import all_estimators

CLASSIFIERS = [
    cls for _, cls in all_estimators() if issubclass(cls, BaseSequenceClassifier)
]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 2, 16)).astype(np.float32)
    y = np.array(["a", "b"] * 6)
    return X, y


# (parameters, exception type, message fragment): each was accepted silently
# or failed with a message naming something the user did not write
BAD = [
    ({"max_epochs": 0}, InvalidParameterError, "'max_epochs' parameter"),
    ({"max_epochs": -1}, InvalidParameterError, "'max_epochs' parameter"),
    ({"max_epochs": 2.5}, InvalidParameterError, "'max_epochs' parameter"),
    ({"lr": 0}, InvalidParameterError, "'lr' parameter .* range \\(0.0, inf\\)"),
    ({"lr": -1e-3}, InvalidParameterError, "'lr' parameter"),
    ({"lr": "fast"}, InvalidParameterError, "'lr' parameter"),
    ({"batch_size": 0}, InvalidParameterError, "'batch_size' parameter"),
    ({"batch_size": -2}, InvalidParameterError, "'batch_size' parameter"),
    ({"max_grad_norm": -1}, InvalidParameterError, "'max_grad_norm' parameter"),
    ({"max_grad_norm": 0}, InvalidParameterError, "'max_grad_norm' parameter"),
    ({"patience": -1, "early_stopping": True}, InvalidParameterError, "'patience'"),
    ({"patience": 0}, InvalidParameterError, "'patience' parameter"),
    ({"validation_fraction": 1.5}, InvalidParameterError, "'validation_fraction'"),
    ({"validation_fraction": 0.0}, InvalidParameterError, "'validation_fraction'"),
    ({"n_threads": -1}, InvalidParameterError, "'n_threads' parameter"),
    ({"n_threads": 0}, InvalidParameterError, "'n_threads' parameter"),
    ({"optimizer": "adam"}, InvalidParameterError, "optimizer=torch.optim.Adam"),
    ({"criterion": "focal"}, InvalidParameterError, "criterion=skseq.losses"),
    ({"module": "lstm"}, InvalidParameterError, "torch.nn.Module class"),
    ({"lr_schedule": "cosine"}, InvalidParameterError, "'lr_schedule' parameter"),
    ({"restore_best": "yes"}, InvalidParameterError, "'restore_best' parameter"),
    ({"early_stopping": "yes"}, InvalidParameterError, "'early_stopping'"),
    ({"balanced_batches": 1.0}, InvalidParameterError, "'balanced_batches'"),
    ({"bucket_by_length": "on"}, InvalidParameterError, "'bucket_by_length'"),
    ({"progress_bar": "tqdm"}, InvalidParameterError, "'progress_bar' parameter"),
    ({"random_state": "zero"}, InvalidParameterError, "'random_state' parameter"),
    ({"monitor": 3}, InvalidParameterError, "'monitor' parameter"),
    ({"resampler": "smote"}, InvalidParameterError, "imbalanced-learn sampler"),
    ({"train_split": 0.2}, InvalidParameterError, "'train_split' parameter"),
    ({"verbose": -1}, InvalidParameterError, "'verbose' parameter"),
    ({"class_weight": "balance"}, InvalidParameterError, "'class_weight'"),
    ({"class_weight": [1.0, 2.0]}, InvalidParameterError, "'class_weight'"),
    ({"class_weight": {"a": -5.0}}, ValueError, "finite and >= 0"),
    ({"class_weight": {"a": float("nan")}}, ValueError, "finite and >= 0"),
    ({"class_weight": {"a": 0, "b": 0.0}}, ValueError, "every class weight 0"),
    ({"class_weight": {"a": "high"}}, TypeError, "values must be numbers"),
    ({"class_weight": {1: 5.0}}, ValueError, "keys 1 that are not labels.*str"),
    ({"class_weight": {"c": 5.0}}, ValueError, "keys 'c' that are not labels"),
]


@pytest.mark.parametrize("params, error, match", BAD, ids=[repr(p) for p, _, _ in BAD])
def test_bad_parameter_is_named_before_training(data, params, error, match):
    X, y = data
    clf = LSTMClassifier(**{"module__hidden_size": 4, "max_epochs": 1, **params})
    with pytest.raises(error, match=match):
        clf.fit(X, y)
    assert not clf.initialized_  # nothing was built, let alone trained


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=lambda c: c.__name__)
def test_every_classifier_validates_at_fit_and_partial_fit(cls, data):
    X, y = data
    with pytest.raises(
        InvalidParameterError, match=f"'lr' parameter of {cls.__name__}"
    ):
        cls(lr=0.0).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'max_epochs' parameter"):
        cls(max_epochs=0).partial_fit(X, y)  # the first partial_fit is a fit


def test_set_params_then_refit_is_validated(data):
    X, y = data
    clf = CNNClassifier(module__n_filters=(4,), max_epochs=1, random_state=0)
    clf.fit(X, y)
    clf.set_params(lr=-1.0)
    with pytest.raises(InvalidParameterError, match="'lr' parameter"):
        clf.partial_fit(X, y)
    with pytest.raises(InvalidParameterError, match="'lr' parameter"):
        clf.fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {"batch_size": -1},  # full batch
        {"class_weight": {"a": 0.0, "b": 2.0}},  # one class ignored: legitimate
        {"class_weight": "balanced", "n_threads": 1, "max_grad_norm": None},
        {"lr_schedule": None, "restore_best": False, "bucket_by_length": True},
        {"optimizer": torch.optim.SGD, "lr": 0.1, "random_state": np.int64(3)},
        {"random_state": np.random.RandomState(0), "verbose": 0},
    ],
    ids=lambda p: ",".join(sorted(p)),  # stable across xdist workers
)
def test_edge_values_that_make_sense_are_accepted(data, params):
    X, y = data
    clf = FCNClassifier(module__n_filters=(4, 4, 4), max_epochs=1, **params)
    assert clf.fit(X, y).predict(X).shape == (len(X),)


@pytest.mark.parametrize(
    "cls, params, error, match",
    [
        (LSTMClassifier, {"module__dropout": 1.5}, ValueError, "module__.*dropout"),
        (LSTMClassifier, {"module__head_dropout": -0.1}, ValueError, "head_dropout"),
        (LSTMClassifier, {"module__pooling": "avg"}, ValueError, "'meanmax'"),
        (
            LSTMClassifier,
            {"module__hiden_size": 4},
            TypeError,
            "module__hiden_size is not a parameter of LSTMNetwork; .*"
            "module__hidden_size",
        ),
        (
            FCNClassifier,
            {"module__filters": (4,)},
            TypeError,
            "module__filters is not a parameter of FCNNetwork; .*module__n_filters",
        ),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else None,
)
def test_module_parameters_fail_in_the_users_names(data, cls, params, error, match):
    X, y = data
    with pytest.raises(error, match=match):
        cls(max_epochs=1, **params).fit(X, y)


def test_recurrent_dropout_with_one_layer_is_said_not_dropped(data):
    X, y = data
    with pytest.warns(UserWarning, match="dropout=0.3 acts between stacked"):
        LSTMClassifier(module__hidden_size=4, module__dropout=0.3, max_epochs=1).fit(
            X, y
        )


def test_early_stopping_with_a_single_series_class_names_our_parameters():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 1, 10))
    y = np.array(["a"] * 10 + ["b"] * 9 + ["c"])
    with pytest.raises(ValueError, match=r"early_stopping=True .* \['c'\] have a"):
        LSTMClassifier(early_stopping=True, max_epochs=1).fit(X, y)
    y = np.array(["a"] * 10 + ["b"] * 10)
    with pytest.raises(ValueError, match="validation_fraction=0.01 of the 20"):
        LSTMClassifier(early_stopping=True, validation_fraction=0.01, max_epochs=1).fit(
            X, y
        )


def test_other_misuse_gets_a_message_that_names_the_fix():
    from skseq.model_selection import search_space
    from skseq.transformers import RollingFeatures

    with pytest.raises(TypeError, match="search_space.LSTMClassifier."):
        search_space("LSTM")
    with pytest.raises(ValueError, match=r"repeats \[5\]"):
        RollingFeatures(window_sizes=[5, 5]).fit(np.zeros((2, 1, 20)))
    with pytest.raises(ValueError, match=r"repeats \['mean'\]"):
        RollingFeatures(statistics=("mean", "mean")).fit(np.zeros((2, 1, 20)))


def test_windows_refuse_gaps_and_complex_recordings():
    from skseq.transformers import Interpolator
    from skseq.windows import make_windows

    rec = np.arange(20.0)
    rec[7] = np.nan
    with pytest.raises(ValueError, match="Recording 0 has NaN .* time step 7"):
        make_windows(rec, length=5)
    with pytest.raises(ValueError, match="Recording 1 has NaN"):
        make_windows([np.arange(20.0), rec], length=5)
    # the fix the message names works
    filled = Interpolator().fit_transform(rec[None])[0]
    windows, _, _ = make_windows(filled, length=5)
    assert windows.shape == (4, 1, 5) and not np.isnan(windows).any()
    with pytest.raises(TypeError, match="complex.*np.vstack"):
        make_windows(np.arange(20.0) * (1 + 1j), length=5)


def test_smote_on_a_tiny_class_and_binary_criteria_name_the_fix():
    from imblearn.over_sampling import SMOTE

    from skseq.sampling import PanelSampler

    rng = np.random.default_rng(0)
    X = rng.standard_normal((13, 1, 10))
    with pytest.raises(ValueError, match="class, 1, has 3 series.*at most 2"):
        PanelSampler(SMOTE()).fit_resample(X, np.array([0] * 10 + [1] * 3))
    with pytest.raises(ValueError, match="one series has no neighbour"):
        PanelSampler(SMOTE()).fit_resample(X[:11], np.array([0] * 10 + [1]))
    y = np.array([0, 1] * 6 + [0])
    for criterion in (torch.nn.BCEWithLogitsLoss, torch.nn.BCELoss):
        with pytest.raises(ValueError, match="one logit per class"):
            LSTMClassifier(criterion=criterion, max_epochs=1).fit(X, y)
