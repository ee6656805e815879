"""A real GridSearchCV over a skseq pipeline on a local Dask cluster.

Two worker processes with one thread each (Dask's nanny sets
``OMP_NUM_THREADS=1`` in them, so every fit uses one torch thread, as this
test process does); the search must give exactly the scores of the same
search run here.
"""

import joblib
import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skseq.classifiers import LSTMClassifier
from skseq.datasets import make_imbalanced
from skseq.model_selection import MulticlassThresholdClassifierCV, cluster_backend
from skseq.sampling import PanelSampler
from skseq.transformers import Interpolator

distributed = pytest.importorskip("distributed")


def _pipe():
    return make_pipeline(
        Interpolator(),
        PanelSampler(SMOTE(k_neighbors=3, random_state=0)),
        LSTMClassifier(module__hidden_size=4, max_epochs=8, random_state=0),
    )


@pytest.fixture(scope="module")
def italy(italy_train):
    X, y = italy_train
    return make_imbalanced(X, y, minority="2", ratio=3, random_state=0)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,  # logging.ERROR
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def test_grid_search_on_dask_equals_the_local_run(italy, client):
    X, y = italy
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    grid = {"lstmclassifier__module__hidden_size": [2, 4]}

    def search():
        return GridSearchCV(_pipe(), grid, scoring="f1_macro", cv=cv, n_jobs=-1)

    local = search().fit(X, y)
    with distributed.get_task_stream(client) as tasks, cluster_backend("dask"):
        remote = search().fit(X, y)
    # the fits really ran on the cluster's workers
    workers = {task["worker"] for task in tasks.data}
    assert workers and workers <= set(client.scheduler_info()["workers"])
    for key in ("split0_test_score", "split1_test_score", "split2_test_score"):
        np.testing.assert_array_equal(local.cv_results_[key], remote.cv_results_[key])
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))


def test_threshold_tuner_folds_on_dask(italy, client):
    X, y = italy
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    local = MulticlassThresholdClassifierCV(_pipe(), cv=cv).fit(X, y)
    with cluster_backend("dask"):
        remote = MulticlassThresholdClassifierCV(_pipe(), cv=cv, n_jobs=-1).fit(X, y)
    assert remote.threshold_ == local.threshold_
    assert remote.best_score_ == local.best_score_


def test_grid_search_on_ray_equals_the_local_run(italy):
    """The same search on a local Ray cluster (skipped without ``ray``, which
    is an optional extra and not in the test extra)."""
    ray = pytest.importorskip("ray")
    X, y = italy
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    grid = {"lstmclassifier__module__hidden_size": [2, 4]}

    def search():
        return GridSearchCV(_pipe(), grid, scoring="f1_macro", cv=cv, n_jobs=2)

    local = search().fit(X, y)
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"OMP_NUM_THREADS": "1"}},
    )
    try:
        with cluster_backend("ray"):
            # joblib hands the folds to Ray's pool (ray.util.joblib)
            backend, _ = joblib.parallel.get_active_backend()
            assert type(backend).__name__ == "RayBackend"
            remote = search().fit(X, y)
    finally:
        ray.shutdown()
    for key in ("split0_test_score", "split1_test_score", "split2_test_score"):
        np.testing.assert_array_equal(local.cv_results_[key], remote.cv_results_[key])
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
