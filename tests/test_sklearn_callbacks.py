"""scikit-learn's callback API (``sklearn.callback``) on skseq classifiers.

Real fits of tiny networks on GunPoint: a fit is a ``"fit"`` task with one
``"epoch"`` subtask per epoch, a callback can stop training, meta-estimators
propagate their callbacks down to the epochs, and nothing changes where
scikit-learn has no callback API.
"""

import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sktime.datasets import load_gunpoint

import skseq.classifiers as classifiers
from skseq.classifiers import BaseSequenceClassifier, FCNClassifier, LSTMClassifier
from skseq.transformers import Normalizer

callback = pytest.importorskip(
    "sklearn.callback", reason="scikit-learn < 1.9 has no callback API"
)
from _instances import test_params  # noqa: E402
from sklearn.callback._callback_context import get_context_path  # noqa: E402

TINY = {"module__hidden_size": 4, "max_epochs": 3, "batch_size": 25, "random_state": 0}
# A snapshot after epoch k equals a fit of k epochs only with a constant
# learning rate (the cosine schedule spans max_epochs) and the last epoch kept
PLAIN = {"lr_schedule": None, "restore_best": False}
# skseq's transformers support callbacks: scikit-learn's Pipeline would warn
# "The estimator ... does not support callbacks" otherwise
all_steps_support_callbacks = pytest.mark.filterwarnings(
    "error:The estimator .* does not support callbacks:UserWarning"
)


@pytest.fixture(scope="module")
def gunpoint():
    return load_gunpoint(split="train", return_type="numpy3D")


class Recorder:
    """A FitCallback that records every hook call with its task path."""

    def __init__(self, stop_after_epoch=None, snapshots=False):
        self.stop_after_epoch = stop_after_epoch
        self.snapshots = snapshots
        self.events = []
        self.fitted = []

    def setup(self, estimator, context):
        self.events.append(("setup", _path(context)))

    def teardown(self, estimator, context):
        self.events.append(("teardown", _path(context)))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        self.events.append(("begin", _path(context)))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        history = getattr(estimator, "history_", None)  # a skseq net's, or None
        self.events.append(("end", _path(context), history and len(history)))
        if self.snapshots and fitted_estimator is not None:
            self.fitted.append(fitted_estimator)
        return (
            context.task_name == "epoch"
            and context.task_id + 1 == self.stop_after_epoch
        )


class PropagatedRecorder(Recorder):
    """The same, auto-propagated by meta-estimators to every depth."""

    max_propagation_depth = None


def _path(context):
    return tuple(
        (ctx.estimator_name, ctx.task_name, ctx.task_id)
        for ctx in get_context_path(context)
    )


def _check_nesting(events):
    """Every begun task ends, after all its subtasks ended; returns end paths."""
    open_tasks, ended = [], []
    for event in events:
        if event[0] == "begin":
            open_tasks.append(event[1])
        elif event[0] == "end":
            path = event[1]
            assert not any(p[: len(path)] == path and p != path for p in open_tasks)
            if path in open_tasks:
                open_tasks.remove(path)
            ended.append(path)
    assert open_tasks == []
    return ended


def _epochs(paths):
    return [p for p in paths if p[-1][1] == "epoch"]


CLASSIFIERS = sorted(
    name
    for name, cls in vars(classifiers).items()
    if isinstance(cls, type)
    and issubclass(cls, BaseSequenceClassifier)
    and cls is not BaseSequenceClassifier
)


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_every_classifier_reports_fit_and_epochs(name, gunpoint):
    cls = getattr(classifiers, name)
    X, y = gunpoint
    rec = Recorder()
    clf = cls(**{**test_params(cls), "max_epochs": 2}).set_callbacks(rec)
    clf.fit(X, y)

    assert rec.events[0] == ("setup", ((name, "fit", 0),))
    assert rec.events[1] == ("begin", ((name, "fit", 0),))
    assert rec.events[-1] == ("teardown", ((name, "fit", 0),))
    ended = _check_nesting(rec.events)
    assert _epochs(ended) == [
        ((name, "fit", 0), (name, "epoch", 0)),
        ((name, "fit", 0), (name, "epoch", 1)),
    ]
    assert ended[-1] == ((name, "fit", 0),)
    # an epoch's task ends with that epoch complete in the history
    assert [e[2] for e in rec.events if e[0] == "end"] == [1, 2, 2]


def test_stop_request_ends_training_after_that_epoch(gunpoint):
    X, y = gunpoint
    rec = Recorder(stop_after_epoch=2)
    clf = LSTMClassifier(**{**TINY, **PLAIN, "max_epochs": 5}).set_callbacks(rec)
    clf.fit(X, y)

    assert len(clf.history_) == 2
    assert clf.history_[-1, "epoch"] == 2
    assert "train_loss" in clf.history_[-1]  # the last row is a complete epoch
    assert len(_epochs(_check_nesting(rec.events))) == 2
    assert rec.events[-2][1] == (("LSTMClassifier", "fit", 0),)
    assert not hasattr(clf, "_callback_fit_ctx")
    # the stopped model is the model of a 2-epoch fit
    reference = LSTMClassifier(**{**TINY, **PLAIN, "max_epochs": 2}).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X))
    assert set(clf.predict(X)) <= set(clf.classes_)


def test_stop_request_then_partial_fit_trains_again(gunpoint):
    X, y = gunpoint
    rec = Recorder(stop_after_epoch=1)
    clf = LSTMClassifier(**TINY).set_callbacks(rec).fit(X, y)
    assert len(clf.history_) == 1
    clf.set_callbacks(Recorder()).partial_fit(X, y)
    assert len(clf.history_) == 1 + TINY["max_epochs"]


def test_skorch_early_stopping_still_closes_every_epoch(gunpoint):
    X, y = gunpoint
    rec = Recorder()
    # lr=1e-12: the validation loss never improves by skorch's threshold, so
    # skorch stops after 2 epochs (lr=0 is refused at fit)
    clf = LSTMClassifier(
        **{**TINY, "max_epochs": 6, "lr": 1e-12},
        early_stopping=True,
        patience=1,
        validation_fraction=0.2,
    ).set_callbacks(rec)
    clf.fit(X, y)
    assert len(clf.history_) == 2
    assert len(_epochs(_check_nesting(rec.events))) == 2


def test_fitted_estimator_snapshots_are_independent(gunpoint):
    X, y = gunpoint
    rec = Recorder(snapshots=True)
    clf = LSTMClassifier(**{**TINY, **PLAIN, "lr": 0.05}).set_callbacks(rec)
    clf.fit(X, y)
    assert len(rec.fitted) == TINY["max_epochs"] + 1  # each epoch, then the fit
    for snapshot in rec.fitted:
        assert snapshot is not clf and snapshot.module_ is not clf.module_
    after_1 = rec.fitted[0].predict_proba(X)
    assert not np.allclose(after_1, clf.predict_proba(X))
    np.testing.assert_allclose(rec.fitted[-1].predict_proba(X), clf.predict_proba(X))
    # the same weights as a 1-epoch fit: later epochs did not touch the snapshot
    one = LSTMClassifier(**{**TINY, **PLAIN, "lr": 0.05, "max_epochs": 1}).fit(X, y)
    np.testing.assert_allclose(after_1, one.predict_proba(X))
    # building the snapshots changed nothing in training
    plain = LSTMClassifier(**{**TINY, **PLAIN, "lr": 0.05}).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), plain.predict_proba(X))


def test_batch_norm_snapshots_are_as_if_training_ended_there(gunpoint):
    # precise BN, which fit runs at the end, is run on every epoch's snapshot
    X, y = gunpoint
    params = {**test_params(FCNClassifier), **PLAIN, "max_epochs": 3}
    rec = Recorder(snapshots=True)
    clf = FCNClassifier(**params).set_callbacks(rec).fit(X, y)
    last_epoch, fitted = rec.fitted[-2], rec.fitted[-1]
    np.testing.assert_allclose(last_epoch.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_allclose(fitted.predict_proba(X), clf.predict_proba(X))
    one = FCNClassifier(**{**params, "max_epochs": 1}).fit(X, y)
    np.testing.assert_allclose(rec.fitted[0].predict_proba(X), one.predict_proba(X))
    plain = FCNClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))


def test_partial_fit_and_warm_start_are_one_task_per_call(gunpoint):
    X, y = gunpoint
    rec = Recorder()
    clf = LSTMClassifier(**TINY).set_callbacks(rec)
    clf.partial_fit(X, y)  # first call: a fit
    clf.partial_fit(X, y)
    clf.set_params(warm_start=True).fit(X, y)  # warm start continues
    assert len(clf.history_) == 3 * TINY["max_epochs"]
    assert [e[0] for e in rec.events].count("setup") == 3
    assert [e[0] for e in rec.events].count("teardown") == 3
    ended = _check_nesting(rec.events)
    roots = [p for p in ended if len(p) == 1]
    assert roots == [(("LSTMClassifier", "fit", 0),)] * 3
    assert len(_epochs(ended)) == 3 * TINY["max_epochs"]


@all_steps_support_callbacks
def test_grid_search_propagates_down_to_the_epochs(gunpoint):
    X, y = gunpoint
    rec = PropagatedRecorder()
    pipe = make_pipeline(Normalizer(), LSTMClassifier(**{**TINY, "max_epochs": 2}))
    search = GridSearchCV(pipe, {"lstmclassifier__lr": [1e-3, 1e-2]}, cv=2)
    search.set_callbacks(rec).fit(X, y)

    ended = _check_nesting(rec.events)
    epochs = _epochs(ended)
    # 2 candidates x 2 folds, then the refit; 2 epochs each
    assert len(epochs) == (2 * 2 + 1) * 2
    first = epochs[0]
    assert [(est, task) for est, task, _ in first] == [
        ("GridSearchCV", "fit"),
        ("GridSearchCV", "search"),
        ("Pipeline", "fit"),
        ("LSTMClassifier", "fit"),
        ("LSTMClassifier", "epoch"),
    ]
    # the transformer step is one leaf task of its own
    normalizer = [p for p in ended if p[-1][0] == "Normalizer"]
    assert len(normalizer) == 2 * 2 + 1
    assert [(est, task) for est, task, _ in normalizer[0]] == [
        ("GridSearchCV", "fit"),
        ("GridSearchCV", "search"),
        ("Pipeline", "fit"),
        ("Normalizer", "fit"),
    ]
    refit = [p for p in epochs if p[1][1] == "fit"]  # no "search" level
    assert len(refit) == 2
    # set up and torn down once, by the outermost estimator only
    assert [e for e in rec.events if e[0] in ("setup", "teardown")] == [
        ("setup", (("GridSearchCV", "fit", 0),)),
        ("teardown", (("GridSearchCV", "fit", 0),)),
    ]
    # the propagated callback is gone from the fitted sub-estimators again
    final = search.best_estimator_[-1]
    assert not hasattr(final, "_skl_callbacks")
    assert not hasattr(final, "_parent_callback_ctx")


@all_steps_support_callbacks
def test_progress_bar_on_a_grid_search_and_on_a_classifier(gunpoint, capsys):
    pytest.importorskip("rich")
    X, y = gunpoint
    pipe = make_pipeline(Normalizer(), LSTMClassifier(**{**TINY, "max_epochs": 2}))
    search = GridSearchCV(pipe, {"lstmclassifier__lr": [1e-3]}, cv=2)
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=None)).fit(X, y)
    out = capsys.readouterr().out
    assert "GridSearchCV - fit" in out
    assert "Pipeline - fit-final-estimator | LSTMClassifier - fit" in out
    assert out.count("LSTMClassifier - fit") == 2 + 1  # folds, then the refit

    clf = LSTMClassifier(**TINY).set_callbacks(callback.ProgressBar()).fit(X, y)
    out = capsys.readouterr().out
    assert "LSTMClassifier - fit" in out and "100%" in out
    assert len(clf.history_) == TINY["max_epochs"]


def test_scoring_monitor_scores_every_epoch(gunpoint):
    pytest.importorskip("pandas")
    X, y = gunpoint
    monitor = callback.ScoringMonitor(scoring="balanced_accuracy")
    LSTMClassifier(**TINY).set_callbacks(monitor).fit(X, y)
    log = monitor.get_logs().data_as_pandas
    assert log["task_name"].tolist() == ["fit"] + ["epoch"] * TINY["max_epochs"]
    assert log["balanced_accuracy"].between(0, 1).all()


def test_clone_pickle_and_params_like_scikit_learn(gunpoint):
    X, y = gunpoint
    rec = Recorder()
    clf = LSTMClassifier(**TINY).set_callbacks(rec)
    ref = LogisticRegression().set_callbacks(rec)
    assert clf.get_params(deep=False) == LSTMClassifier(**TINY).get_params(deep=False)
    assert not any("skl_callbacks" in key for key in clf.get_params(deep=True))

    # clone keeps the callback instances, by reference, as for sklearn's own
    assert clone(ref)._skl_callbacks == [rec]
    assert clone(clf)._skl_callbacks == [rec]
    assert clone(clf)._skl_callbacks[0] is rec

    clf.fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert type(restored._skl_callbacks[0]) is Recorder
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    assert not hasattr(restored, "_callback_fit_ctx")

    # set_callbacks() without arguments removes them
    assert not hasattr(clf.set_callbacks(), "_skl_callbacks")
    with pytest.raises(TypeError, match="FitCallback"):
        clf.set_callbacks(object())


def test_without_sklearn_callback_nothing_changes():
    # a fresh interpreter in which ``sklearn.callback`` cannot be imported, as
    # on scikit-learn < 1.9 (sklearn's own modules are imported first: on 1.9
    # they need it themselves)
    code = textwrap.dedent(
        """
        import sys
        import sklearn.model_selection, sklearn.pipeline  # noqa: F401
        sys.modules["sklearn.callback"] = None
        import pickle
        from sklearn.base import clone
        from sklearn.model_selection import GridSearchCV
        from sktime.datasets import load_gunpoint
        from skseq.classifiers import LSTMClassifier
        from skseq.classifiers._sklearn_callbacks import CALLBACK_BASES
        X, y = load_gunpoint(split="train", return_type="numpy3D")
        assert CALLBACK_BASES == ()
        clf = LSTMClassifier(module__hidden_size=4, max_epochs=2, random_state=0)
        assert not hasattr(clf, "set_callbacks")
        search = GridSearchCV(clf, {"lr": [1e-3]}, cv=2).fit(X, y)
        best = pickle.loads(pickle.dumps(clone(search.best_estimator_).fit(X, y)))
        best.partial_fit(X, y)
        print(len(search.best_estimator_.history_), len(best.history_))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "4"]


@all_steps_support_callbacks
@pytest.mark.parametrize(
    "transformer",
    ["Interpolator", "Padder", "Truncator", "Normalizer", "RollingFeatures"],
)
def test_transformers_report_their_fit_as_one_task(transformer, gunpoint):
    import skseq.transformers

    X, y = gunpoint
    rec = Recorder()
    est = getattr(skseq.transformers, transformer)().set_callbacks(rec)
    Xt = est.fit_transform(X[:10])
    assert len(Xt) == 10
    assert rec.events == [
        ("setup", ((transformer, "fit", 0),)),
        ("begin", ((transformer, "fit", 0),)),
        ("end", ((transformer, "fit", 0),), None),
        ("teardown", ((transformer, "fit", 0),)),
    ]


def test_skseq_pipeline_propagates_through_samplers_to_the_epochs(gunpoint):
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.pipeline import make_pipeline as imblearn_pipeline

    from skseq.pipeline import Pipeline, make_pipeline
    from skseq.sampling import PanelSampler

    X, y = gunpoint
    keep = np.r_[np.flatnonzero(y == "1"), np.flatnonzero(y == "2")[:8]]
    X, y = X[keep], y[keep]  # class "2" rare: the sampler has work to do

    def steps():
        return (
            Normalizer(),
            PanelSampler(RandomOverSampler(random_state=0)),
            LSTMClassifier(**{**TINY, "max_epochs": 2}),
        )

    rec = PropagatedRecorder()
    pipe = make_pipeline(*steps())
    assert isinstance(pipe, Pipeline)
    search = GridSearchCV(pipe, {"lstmclassifier__lr": [1e-2]}, cv=2)
    search.set_callbacks(rec).fit(X, y)
    epochs = _epochs(_check_nesting(rec.events))
    assert len(epochs) == (2 + 1) * 2  # 2 folds + the refit, 2 epochs each
    assert [(est, task) for est, task, _ in epochs[0]] == [
        ("GridSearchCV", "fit"),
        ("GridSearchCV", "search"),
        ("Pipeline", "fit"),
        ("LSTMClassifier", "fit"),  # merged with "fit-final-estimator"
        ("LSTMClassifier", "epoch"),
    ]
    # the sampler still resampled before the network saw the data
    counts = search.best_estimator_[-1].class_counts_
    assert counts[0] == counts[1]

    # imbalanced-learn's own pipeline (0.14) stops at the pipeline; once this
    # fails, imbalanced-learn reports by itself and skseq.pipeline can go
    rec_imb = PropagatedRecorder()
    GridSearchCV(
        imblearn_pipeline(*steps()), {"lstmclassifier__lr": [1e-2]}, cv=2
    ).set_callbacks(rec_imb).fit(X, y)
    assert _epochs(_check_nesting(rec_imb.events)) == []

    # without callbacks it is imbalanced-learn's pipeline: same model
    ours = make_pipeline(*steps()).fit(X, y)
    theirs = imblearn_pipeline(*steps()).fit(X, y)
    np.testing.assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    assert clone(ours).get_params().keys() == theirs.get_params().keys()
