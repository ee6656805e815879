"""scikit-learn's callback API (``sklearn.callback``, 1.9+), where it exists.

One place for the version switch: :data:`CALLBACK_BASES` is
``(CallbackSupportMixin,)`` on scikit-learn >= 1.9 and ``()`` before, and
:func:`with_callbacks` is scikit-learn's decorator or the identity. The
classifiers report every epoch (:mod:`skseq.classifiers._sklearn_callbacks`);
estimators whose fit has no inner loop report it as one leaf task with
:func:`leaf_fit`, as scikit-learn's own ``StandardScaler`` does, so a
``Pipeline`` with callbacks set neither warns about them nor loses track.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # older scikit-learn: no callback API, nothing to support
    CallbackSupportMixin = None

    def with_callbacks(method):  # type: ignore[no-redef]
        """Stand-in for ``sklearn.callback.with_callbacks``: the method as is."""
        return method


__all__ = ["CALLBACK_BASES", "leaf_fit", "with_callbacks"]

#: Extra base classes of estimators that support scikit-learn's callbacks:
#: ``(CallbackSupportMixin,)`` where scikit-learn has the API, else ``()``.
CALLBACK_BASES: tuple[type, ...] = (
    (CallbackSupportMixin,) if CallbackSupportMixin is not None else ()
)


def leaf_fit(fit: Callable[..., Any]) -> Callable[..., Any]:
    """Report ``fit`` to scikit-learn callbacks as one task without subtasks.

    ``on_fit_task_begin`` runs once the method is entered and
    ``on_fit_task_end`` after it returns (not when it raises; the callbacks'
    ``teardown`` runs either way). Without ``sklearn.callback`` it is ``fit``
    unchanged.
    """
    if CallbackSupportMixin is None:
        return fit

    @functools.wraps(fit)
    def reported_fit(self, X, y=None, **params):
        context = self._init_callback_context()
        context.call_on_fit_task_begin(estimator=self, X=X, y=y)
        result = fit(self, X, y, **params)
        context.call_on_fit_task_end(estimator=self, X=X, y=y)
        return result

    return with_callbacks(reported_fit)
