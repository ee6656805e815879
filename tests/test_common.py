"""scikit-learn's (and imbalanced-learn's) own conformance suites over every
public skseq estimator, with the fast settings each class publishes in
``_get_test_params`` and the checks it declares it cannot pass (with reasons)
in ``_more_expected_failed_checks``."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skseq.utils.discovery import all_estimators


def _instance(cls):
    params = cls._get_test_params() if hasattr(cls, "_get_test_params") else {}
    return cls(**params)


def _expected_failed_checks(estimator):
    if hasattr(estimator, "_more_expected_failed_checks"):
        return estimator._more_expected_failed_checks()
    return {}


def _is_sampler(cls):
    return hasattr(cls, "fit_resample")


ESTIMATORS = [_instance(cls) for _, cls in all_estimators()]
SAMPLERS = [est for est in ESTIMATORS if _is_sampler(type(est))]


def test_discovery_finds_the_foundation():
    names = {type(est).__name__ for est in ESTIMATORS}
    assert {"LSTMClassifier", "GRUClassifier"} <= names


@parametrize_with_checks(
    [est for est in ESTIMATORS if not _is_sampler(type(est))],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


if SAMPLERS:
    from imblearn.utils.estimator_checks import (
        parametrize_with_checks as imblearn_parametrize_with_checks,
    )

    @imblearn_parametrize_with_checks(SAMPLERS)
    def test_imblearn_compatible_sampler(estimator, check):
        check(estimator)

    @parametrize_with_checks(SAMPLERS, expected_failed_checks=_expected_failed_checks)
    def test_sklearn_compatible_sampler(estimator, check):
        check(estimator)
else:  # pragma: no cover - samplers land with the imbalance toolkit

    def test_imblearn_compatible_sampler():
        pytest.skip("no sampler yet")
