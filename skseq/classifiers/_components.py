"""Building a classifier's torch components from ``prefix__*`` parameters.

Small introspection helpers shared by the classifier base and its mixins:
which constructor parameters a network or criterion accepts, and the error of
building one, in the parameter names the user wrote.
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["accepted_parameters", "init_parameters", "named_module_error"]


def named_module_error(exc: Exception, component: Any, prefix: str) -> Exception:
    """The error of building a network (or criterion) from ``prefix__*``
    parameters, in the parameter names the user wrote."""
    name = getattr(component, "__name__", type(component).__name__)
    message = str(exc)
    accepted = accepted_parameters(component) if isinstance(component, type) else []
    if "unexpected keyword argument" in message and accepted:
        bad = message.rsplit("argument", 1)[-1].strip(" '\"")
        user = [p for p in accepted if p not in ("n_channels", "n_classes")]
        return TypeError(
            f"{prefix}__{bad} is not a parameter of {name}; its parameters are "
            f"{', '.join(f'{prefix}__{p}' for p in user)}."
        )
    return type(exc)(
        f"{name} could not be built from the {prefix}__* parameters: {message} "
        f"(the parameter names above are {name}'s, set as {prefix}__<name>)."
    )


def accepted_parameters(cls: type) -> list[str]:
    """Named ``__init__`` parameters of ``cls``, following ``**kwargs`` up
    the class hierarchy (``LSTMNetwork(n_channels, n_classes, **kwargs)``
    passes them on to ``RNNNetwork``)."""
    names: list[str] = []
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or klass is object:
            continue
        try:
            params = inspect.signature(klass.__init__).parameters.values()
        except (TypeError, ValueError):
            break
        named = [
            p.name
            for p in params
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        names += [n for n in named if n not in names]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return names


def init_parameters(component: Any) -> set[str]:
    """Parameter names of calling ``component`` (empty if not introspectable)."""
    try:
        return set(inspect.signature(component).parameters)
    except (TypeError, ValueError):
        return set()
