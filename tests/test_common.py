"""scikit-learn's (and imbalanced-learn's) own conformance suites over every
public skseq estimator, with the fast settings each class publishes in
``tests/_instances.py`` and the checks listed there as known to fail (each
with its reason)."""

import functools

import pytest
from _instances import CPU_DEPENDENT, expected_failed_checks, instance
from imblearn.utils import estimator_checks as imblearn_checks
from sklearn.utils import estimator_checks as sklearn_checks

from skseq.utils.discovery import all_estimators

# the checks that assert a fitted model scores above a threshold (accuracy
# > 0.83, > 0.87): learning tests, like those marked in the other files
LEARNING_CHECKS = {"check_classifiers_train", "check_class_weight_classifiers"}


def _expected_failed_checks(estimator):
    return expected_failed_checks(estimator)


def _check_name(check):
    while isinstance(check, functools.partial):
        check = check.func
    return check.__name__


def _parametrize(estimators, generator):
    """Like ``parametrize_with_checks``, but with ids that are stable across
    processes (class name + check name), so pytest-xdist workers collect the
    same tests even when a parameter's repr holds a memory address."""
    params = []
    for est in estimators:
        for item in generator(
            est,
            legacy=True,
            expected_failed_checks=_expected_failed_checks(est),
            mark="xfail",
        ):
            values, marks = (
                (item.values, item.marks) if hasattr(item, "values") else (item, ())
            )
            check_name = _check_name(values[1])
            reason = _expected_failed_checks(est).get(check_name)
            if reason is not None:  # strict unless the result is CPU-dependent
                strict = check_name not in CPU_DEPENDENT
                marks = [m for m in marks if m.name != "xfail"]
                marks = (*marks, pytest.mark.xfail(reason=reason, strict=strict))
            if check_name in LEARNING_CHECKS:
                marks = (*marks, pytest.mark.learning)
            test_id = f"{type(values[0]).__name__}-{check_name}"
            params.append(pytest.param(*values, marks=marks, id=test_id))
    return pytest.mark.parametrize("estimator, check", params)


def _is_sampler(est):
    return hasattr(est, "fit_resample")


ESTIMATORS = [instance(cls) for _, cls in all_estimators()]
SAMPLERS = [est for est in ESTIMATORS if _is_sampler(est)]


def test_discovery_finds_the_foundation():
    names = {type(est).__name__ for est in ESTIMATORS}
    assert {"LSTMClassifier", "GRUClassifier"} <= names


@_parametrize(
    [est for est in ESTIMATORS if not _is_sampler(est)],
    sklearn_checks.estimator_checks_generator,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@_parametrize(SAMPLERS, imblearn_checks.estimator_checks_generator)
def test_imblearn_compatible_sampler(estimator, check):
    check(estimator)
