"""Helpers shared by the displays: lazy matplotlib, new axes, runs of steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .._docstrings import Substitution

T = TypeVar("T", bound=type)

# A run of time steps: ``(start, stop)``, half-open step indices, so a run
# covers ``labels[start:stop]``. Every "span" in skseq.plotting is one of these.
Span = tuple[int, int]


def _pyplot(caller: str) -> Any:
    """``matplotlib.pyplot``, imported when a display draws (not at import)."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # matplotlib is an optional dependency
        raise ImportError(
            f"{caller} needs matplotlib; install it with `pip install matplotlib`."
        ) from exc
    return plt


def _axes_and_figure(
    ax: Any, figsize: tuple[float, float], caller: str
) -> tuple[Any, Any]:
    """``ax`` and its figure, or a new constrained-layout figure of ``figsize``."""
    if ax is None:
        _, ax = _pyplot(caller).subplots(figsize=figsize, layout="constrained")
    return ax, ax.figure


def _runs(mask: np.ndarray) -> list[Span]:
    """The :data:`Span` of every run of True in ``mask``."""
    padded = np.concatenate(([False], mask, [False]))
    change = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(change[0::2].tolist(), change[1::2].tolist(), strict=True))


# docstring blocks of every display module; a module may replace one
_SHARED_DOCS = {
    "ax": """\
ax : matplotlib Axes or None, default=None
    Where to draw; a new figure when ``None``.""",
    "drawn_on": """\
ax_ : matplotlib Axes
    Axes drawn on.
figure_ : matplotlib Figure
    Figure holding ``ax_``.""",
}


def _display_docs(**blocks: str) -> Substitution:
    """A module's docstring blocks, with the displays' shared ones
    (``{ax}``, ``{drawn_on}``) unless it gives its own."""
    return Substitution(**{**_SHARED_DOCS, **blocks})


def _fill_docs(docs: Substitution) -> Callable[[T], T]:
    """Class decorator: fill the shared blocks of a class's docstring and of
    its own methods' (``Substitution`` alone fills the class's only)."""

    def decorate(cls: T) -> T:
        docs(cls)
        for member in vars(cls).values():
            func = getattr(member, "__func__", member)  # classmethods
            if callable(func) and func.__doc__:
                docs(func)
        return cls

    return decorate
