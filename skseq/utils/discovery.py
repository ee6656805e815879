"""Find skseq's public estimators (for the common tests and the docs)."""

from __future__ import annotations

import importlib

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]

_PUBLIC_MODULES = (
    "skseq.classifiers",
    "skseq.transformers",
    "skseq.sampling",
    "skseq.windows",
    "skseq.model_selection",
)


def all_estimators() -> list[tuple[str, type]]:
    """Public estimator classes of skseq, sorted by name.

    Walks the ``__all__`` of every public subpackage that exists and keeps the
    :class:`~sklearn.base.BaseEstimator` subclasses, except abstract bases
    (names starting with ``Base``).

    Returns
    -------
    estimators : list of (name, class) tuples

    Examples
    --------
    >>> from skseq.utils.discovery import all_estimators
    >>> "LSTMClassifier" in dict(all_estimators())
    True
    """
    found: dict[str, type] = {}
    for module_name in _PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (
                isinstance(obj, type)
                and issubclass(obj, BaseEstimator)
                and not name.startswith("Base")
            ):
                found[name] = obj
    return sorted(found.items())
