"""Leak-free validation: no resampled copy of a training series may land in the
internal validation split that early stopping watches."""

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline
from skorch.callbacks import Callback
from skorch.utils import data_from_dataset

from skseq.classifiers import LSTMClassifier
from skseq.datasets import make_imbalanced
from skseq.sampling import PanelSampler


class RecordSplit(Callback):
    """Keep the panels skorch trains and validates on in the first epoch."""

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kw):
        if not hasattr(self, "train_"):
            self.train_ = data_from_dataset(dataset_train)[0]
            self.valid_ = (
                None if dataset_valid is None else data_from_dataset(dataset_valid)[0]
            )


def _shared_rows(train, valid):
    rows = {np.nan_to_num(r).tobytes() for r in train}
    return sum(np.nan_to_num(r).tobytes() in rows for r in valid)


@pytest.fixture(scope="module")
def rare(italy_train, italy_test):
    X, y = italy_train
    X = np.concatenate([X, italy_test[0][:200]])
    y = np.concatenate([y, italy_test[1][:200]])
    return make_imbalanced(X, y, minority="2", ratio=10, random_state=0)


def _net(**kw):
    return LSTMClassifier(
        module__hidden_size=4,
        max_epochs=1,
        random_state=0,
        callbacks=[("record", RecordSplit())],
        **kw,
    )


def test_oversampler_before_early_stopping_leaks(rare):
    # what the trap looks like: the split is taken after oversampling
    X, y = rare
    pipe = make_pipeline(
        PanelSampler(RandomOverSampler(random_state=0)), _net(early_stopping=True)
    ).fit(X, y)
    rec = dict(pipe[-1].callbacks)["record"]
    assert _shared_rows(rec.train_, rec.valid_) > 0


@pytest.mark.parametrize("sampler", [RandomOverSampler(), SMOTE(k_neighbors=3)])
def test_resampler_runs_after_the_split(rare, sampler):
    X, y = rare
    clf = _net(early_stopping=True, resampler=sampler).fit(X, y)
    rec = dict(clf.callbacks)["record"]
    assert _shared_rows(rec.train_, rec.valid_) == 0
    # every validation row is an original series, and the training part is
    # balanced by the sampler
    assert _shared_rows(X, rec.valid_) == len(rec.valid_)
    assert clf.n_resampled_ == len(rec.train_) > len(X) - len(rec.valid_)


def test_default_holds_nothing_out(rare):
    X, y = rare
    pipe = make_pipeline(PanelSampler(RandomOverSampler(random_state=0)), _net())
    pipe.fit(X, y)
    rec = dict(pipe[-1].callbacks)["record"]
    assert rec.valid_ is None
    assert "valid_loss" not in pipe[-1].history[-1]
