"""scikit-learn's callback API (``sklearn.callback``, 1.9+) on skseq classifiers.

scikit-learn 1.9 lets an estimator report its fit as a tree of tasks to
callbacks set with ``set_callbacks`` (progress bars, score monitors, early
stopping). Meta-estimators (``GridSearchCV``, ``Pipeline``) hang the task tree
of every sub-estimator they fit under their own, so one
``ProgressBar(max_propagation_depth=None)`` on a search shows the candidates,
the pipeline steps and, through the pieces here, skseq's training epochs.

A skseq fit is one ``"fit"`` task with one ``"epoch"`` subtask per training
epoch. The epochs are driven by :class:`SklearnCallbackBridge`, a skorch
callback that every classifier carries by default; the root task by
:func:`fit_task`, which ``fit`` and ``partial_fit`` enter around skorch's
training loop.

On scikit-learn without ``sklearn.callback`` the mixin is absent
(:data:`CALLBACK_BASES` is empty), :func:`with_callbacks` returns the method
unchanged and both pieces do nothing.
"""

from __future__ import annotations

import contextlib
import copy
import numbers
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from skorch.callbacks import Callback
from torch.nn.modules.batchnorm import _BatchNorm

from ..callbacks import PreciseBatchNorm
from ..utils._callback_api import CALLBACK_BASES, with_callbacks

__all__ = [
    "CALLBACK_BASES",
    "SklearnCallbackBridge",
    "fit_task",
    "with_callbacks",
]

# where the state of the running fit lives on the net; removed when fit returns
_STATE = "_sklearn_fit_task"


@dataclass
class _FitTask:
    """The callback state of one running ``fit``/``partial_fit`` call."""

    context: Any  # sklearn.callback.CallbackContext of the root "fit" task
    X: Any
    y: Any
    epoch: Any = None  # context of the epoch that is running, if any


@contextlib.contextmanager
def fit_task(net: Any, X: Any, y: Any) -> Iterator[None]:
    """Run skorch's training loop as the root ``"fit"`` task of ``net``.

    Initialises the net's callback context (one subtask per epoch, at most
    ``max_epochs``), calls ``on_fit_task_begin`` before and
    ``on_fit_task_end`` after the body. Must run inside a method decorated
    with :func:`with_callbacks`, which tears the callbacks down whatever
    happens. A no-op for a net without ``sklearn.callback`` support.

    Parameters
    ----------
    net : BaseSequenceClassifier
        The classifier being fitted, already initialised.
    X, y : array-like
        The training data as given to ``fit`` (passed on to the callbacks).

    Yields
    ------
    None
    """
    if not hasattr(net, "_init_callback_context"):
        yield
        return
    epochs = net.max_epochs
    # None: "not known in advance" (skorch itself rejects a bad max_epochs later)
    known = isinstance(epochs, numbers.Integral) and epochs >= 0
    context = net._init_callback_context(max_subtasks=int(epochs) if known else None)
    context.call_on_fit_task_begin(estimator=net, X=X, y=y)
    setattr(net, _STATE, _FitTask(context, X, y))
    try:
        yield
    finally:
        vars(net).pop(_STATE, None)
    # skorch pickles the torch parts on copy.copy, so the copy scikit-learn
    # builds from {} is independent of further training; it is only built
    # when a callback's hook asks for ``fitted_estimator``
    context.call_on_fit_task_end(estimator=net, X=X, y=y, reconstruction_attributes={})


class SklearnCallbackBridge(Callback):
    """Report every training epoch to scikit-learn callbacks as a subtask.

    Every skseq classifier carries this skorch callback first in its list (as
    ``callbacks__sklearn_callbacks``). While a fit runs with callbacks set
    through ``set_callbacks`` (or propagated from a meta-estimator), each
    epoch is an ``"epoch"`` subtask of the fit task; without such callbacks
    it does nothing.

    An epoch's task ends when the next epoch begins (or training ends), so
    the scikit-learn hooks see the epoch exactly as every skorch callback
    left it: scores recorded in ``history_``, checkpoints taken. When an
    ``on_fit_task_end`` hook asks to stop, training ends there the way
    skorch's own ``EarlyStopping`` ends it (skorch catches the
    ``KeyboardInterrupt`` and runs every ``on_train_end``), and ``history_``
    holds exactly the epochs trained.

    Examples
    --------
    A scikit-learn callback that stops training after two epochs:

    >>> import pytest
    >>> _ = pytest.importorskip("sklearn.callback")  # scikit-learn >= 1.9
    >>> from skseq.classifiers import LSTMClassifier
    >>> from skseq.datasets import load_dataset
    >>> X, y = load_dataset("GunPoint", split="train")
    >>> class StopAfter:
    ...     def __init__(self, n_epochs):
    ...         self.n_epochs = n_epochs
    ...     def setup(self, estimator, context): pass
    ...     def teardown(self, estimator, context): pass
    ...     def on_fit_task_begin(self, estimator, context): pass
    ...     def on_fit_task_end(self, estimator, context):
    ...         return (context.task_name == "epoch"
    ...                 and context.task_id + 1 >= self.n_epochs)
    >>> clf = LSTMClassifier(module__hidden_size=4, max_epochs=10, random_state=0)
    >>> clf = clf.set_callbacks(StopAfter(2)).fit(X, y)
    >>> len(clf.history_)
    2
    """

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        task = _running_task(net)
        if task is None:
            return
        if task.epoch is not None:
            # only the net itself has seen the new epoch (this callback runs
            # first): hide the history row it opened while the previous epoch
            # ends, and drop it if training stops there
            history = net.history
            row = history.pop() if isinstance(history, list) else None
            if _end_epoch(net, task):
                raise KeyboardInterrupt
            if row is not None:
                history.append(row)
        task.epoch = task.context.subcontext(task_name="epoch")
        task.epoch.call_on_fit_task_begin(
            estimator=net,
            X=task.X,
            y=task.y,
            reconstruction_attributes=_snapshot(net, task.X),
        )

    def on_train_end(self, net, X=None, y=None, **kwargs):
        task = _running_task(net)
        if task is not None:
            _end_epoch(net, task)  # the last epoch; nothing left to stop


def _running_task(net: Any) -> _FitTask | None:
    """The running fit task of ``net`` if it has scikit-learn callbacks."""
    if not getattr(net, "_skl_callbacks", None):
        return None  # without callbacks: no subtasks, no cost
    return getattr(net, _STATE, None)


def _end_epoch(net: Any, task: _FitTask) -> bool:
    """End the running epoch's task, if any; True if a callback asks to stop."""
    epoch, task.epoch = task.epoch, None
    if epoch is None:
        return False
    return bool(
        epoch.call_on_fit_task_end(
            estimator=net,
            X=task.X,
            y=task.y,
            reconstruction_attributes=_snapshot(net, task.X),
        )
    )


def _snapshot(net: Any, X: Any):
    """``reconstruction_attributes`` for the ``fitted_estimator`` of an epoch.

    scikit-learn calls it only for a hook that asks for ``fitted_estimator``
    and sets what it returns on ``copy.copy(net)``, which for a skorch net
    already holds its own copy of the network (skorch pickles the torch parts
    on copy). What fit would still do if it ended now is done on a copy too:
    recompute batch norm statistics (precise BN) when the net does so; without
    that, a batch-norm network mid-training predicts with lagging statistics.
    """

    def attributes() -> dict[str, Any]:
        precise_bn = [
            cb
            for _, cb in getattr(net, "callbacks_", [])
            if isinstance(cb, PreciseBatchNorm)
        ]
        has_bn = any(isinstance(m, _BatchNorm) for m in net.module_.modules())
        if not (precise_bn and has_bn):
            return {}
        snapshot = copy.copy(net)
        for cb in precise_bn:
            cb.on_train_end(snapshot, X=X)
        return {"module_": snapshot.module_}

    return attributes
