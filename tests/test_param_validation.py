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
