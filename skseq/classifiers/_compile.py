"""``compile=True`` may only cost time, never a fit.

skorch compiles the network with :func:`torch.compile` when ``compile=True``;
a backend can still fail at the first call. :func:`drop_compilation` turns
such a net back into its eager modules, which share the compiled ones'
weights, and records why (``compile_error_``).
"""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["drop_compilation", "is_compiled"]


def is_compiled(module: Any) -> bool:
    """Whether ``module`` is a ``torch.compile`` wrapper (duck-typed, so that
    importing skseq does not import torch._dynamo)."""
    return type(module).__name__ == "OptimizedModule" and hasattr(module, "_orig_mod")


def drop_compilation(net: Any, exc: Exception) -> bool:
    """Unwrap every compiled module and criterion of ``net`` after ``exc``.

    Sets ``net.compile_error_`` and warns (``RuntimeWarning``, attributed to
    the caller, the net method that ran the module).

    Parameters
    ----------
    net : skorch.NeuralNet
        The net whose compiled module raised.
    exc : Exception
        What it raised.

    Returns
    -------
    dropped : bool
        False (nothing changed) when nothing was compiled.
    """
    names = [
        name
        for name in net._modules + net._criteria
        if is_compiled(getattr(net, name + "_", None))
    ]
    if not names:
        return False
    for name in names:
        setattr(net, name + "_", getattr(net, name + "_")._orig_mod)
    first_line = (str(exc).strip().splitlines() or [""])[0][:300]
    net.compile_error_ = f"{type(exc).__name__}: {first_line}"
    warnings.warn(
        f"torch.compile failed for {type(net).__name__} "
        f"({net.compile_error_}); continuing without compilation. "
        "Set compile=False to skip the attempt.",
        RuntimeWarning,
        stacklevel=2,
    )
    return True
