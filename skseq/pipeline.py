"""imbalanced-learn's pipeline, reporting to scikit-learn's callbacks.

imbalanced-learn's :class:`~imblearn.pipeline.Pipeline` is the pipeline that
runs samplers (SMOTE and friends) during ``fit`` only, which is why skseq's
guides use it. It inherits ``set_callbacks`` from scikit-learn's pipeline but
its ``fit`` (0.14) does not open a callback task, so a
``GridSearchCV(...).set_callbacks(ProgressBar())`` over it stops at the
pipeline: nothing from the network's training shows. :class:`Pipeline` here is
the same pipeline with that one thing added: its ``fit`` is a task whose
subtask is the final estimator's fit, and callbacks propagated from a
meta-estimator reach the final estimator (a skseq classifier reports every
training epoch). Everything else is imbalanced-learn's.
"""

from __future__ import annotations

from typing import Any

from imblearn import pipeline as _imblearn_pipeline
from sklearn.pipeline import _name_estimators

from .utils._callback_api import CallbackSupportMixin, with_callbacks

__all__ = ["Pipeline", "make_pipeline"]


class Pipeline(_imblearn_pipeline.Pipeline):
    """imbalanced-learn's ``Pipeline`` whose ``fit`` reports to scikit-learn
    callbacks down to the final estimator.

    Takes exactly the parameters of :class:`imblearn.pipeline.Pipeline`
    (``steps``, ``transform_input``, ``memory``, ``verbose``) and behaves like
    it; with scikit-learn >= 1.9 and callbacks set (or propagated from a
    search), ``fit`` is a ``"fit"`` task with one ``"fit-final-estimator"``
    subtask, under which a skseq classifier reports its epochs. The sampler
    and transformer steps are fitted as imbalanced-learn fits them, without
    tasks of their own.

    Parameters
    ----------
    steps : list of (str, estimator) tuples
        The steps, the last one an estimator; samplers and transformers before
        it (see :class:`imblearn.pipeline.Pipeline`).
    transform_input : list of str, default=None
        See :class:`imblearn.pipeline.Pipeline`.
    memory : None, str or joblib.Memory, default=None
        Caching of the fitted transformers.
    verbose : bool, default=False
        Print the time each step took.

    See Also
    --------
    make_pipeline : Build one without naming the steps.

    Examples
    --------
    >>> import pytest
    >>> _ = pytest.importorskip("sklearn.callback")  # scikit-learn >= 1.9
    >>> from imblearn.over_sampling import RandomOverSampler
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skseq.classifiers import LSTMClassifier
    >>> from skseq.datasets import load_dataset
    >>> from skseq.pipeline import make_pipeline
    >>> from skseq.sampling import PanelSampler
    >>> X, y = load_dataset("GunPoint", split="train")
    >>> pipe = make_pipeline(
    ...     PanelSampler(RandomOverSampler(random_state=0)),
    ...     LSTMClassifier(module__hidden_size=4, max_epochs=2, random_state=0),
    ... )
    >>> class CountEpochs:  # a minimal scikit-learn callback
    ...     max_propagation_depth = None  # reach every nested estimator
    ...     epochs = 0
    ...     def setup(self, estimator, context): pass
    ...     def teardown(self, estimator, context): pass
    ...     def on_fit_task_begin(self, estimator, context): pass
    ...     def on_fit_task_end(self, estimator, context):
    ...         CountEpochs.epochs += context.task_name == "epoch"
    >>> search = GridSearchCV(pipe, {"lstmclassifier__lr": [1e-2]}, cv=2)
    >>> search = search.set_callbacks(CountEpochs()).fit(X, y)
    >>> CountEpochs.epochs  # (2 folds + the refit) x 2 epochs
    6
    """

    @with_callbacks
    def fit(self, X: Any, y: Any = None, **params: Any) -> Pipeline:
        """Fit the steps (samplers resample, transformers transform), then the
        final estimator, as :meth:`imblearn.pipeline.Pipeline.fit` does.

        Parameters
        ----------
        X : array-like
            Training data, in what the first step takes.
        y : array-like, default=None
            Targets.
        **params : dict
            Routed to the steps as in imbalanced-learn (``<step>__<param>``
            without metadata routing).

        Returns
        -------
        self : Pipeline
        """
        if CallbackSupportMixin is None:  # scikit-learn < 1.9: nothing to report
            return super().fit(X, y, **params)
        context = self._init_callback_context(max_subtasks=1)
        context.call_on_fit_task_begin(estimator=self, X=X, y=y)
        final = self._final_estimator
        subtask = context.subcontext(task_name="fit-final-estimator")
        if final == "passthrough":
            super().fit(X, y, **params)
            subtask.call_on_fit_task_begin(estimator=self, X=X, y=y)
            subtask.call_on_fit_task_end(estimator=self, X=X, y=y)
        else:
            # imbalanced-learn fits the final estimator in place (never a
            # clone), so propagating to it here reaches the fit it runs; the
            # subtask spans the sampler/transformer steps too
            with subtask.propagate_callback_context(final):
                subtask.call_on_fit_task_begin(estimator=self, X=X, y=y)
                super().fit(X, y, **params)
                subtask.call_on_fit_task_end(estimator=self, X=X, y=y)
        context.call_on_fit_task_end(estimator=self, X=X, y=y)
        return self


def make_pipeline(
    *steps: Any,
    memory: Any = None,
    transform_input: list[str] | None = None,
    verbose: bool = False,
) -> Pipeline:
    """Build a :class:`Pipeline` from estimators, naming the steps after their
    lowercased class names (like :func:`imblearn.pipeline.make_pipeline`).

    Parameters
    ----------
    *steps : estimators
        Samplers and transformers, then the final estimator.
    memory : None, str or joblib.Memory, default=None
        Caching of the fitted transformers.
    transform_input : list of str, default=None
        See :class:`imblearn.pipeline.Pipeline`.
    verbose : bool, default=False
        Print the time each step took.

    Returns
    -------
    pipeline : Pipeline

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skseq.pipeline import make_pipeline
    >>> from skseq.transformers import Normalizer
    >>> make_pipeline(Normalizer(), LogisticRegression())
    Pipeline(steps=[('normalizer', Normalizer()),
                    ('logisticregression', LogisticRegression())])
    """
    return Pipeline(
        _name_estimators(steps),
        memory=memory,
        transform_input=transform_input,
        verbose=verbose,
    )
