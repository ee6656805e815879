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
    # the Returns section of a ``plot_*`` function
    "returns_ax": """\
Returns
-------
ax : matplotlib Axes""",
    # the header of every Examples section, and the off-screen backend every
    # example draws with
    "examples": """\
Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")""",
}


def _one_call_docs(
    display: str, function: str, source: str, kept: str = "data"
) -> dict[str, str]:
    """The blocks that link a display and the ``plot_*`` function drawing it
    from ``source`` in one call: the function's opening sentence
    (``{draws}``) and "See Also" (``{see_display}``: the display, which keeps
    its ``kept`` and artists), and the display's "See Also" (``{see_plot}``).
    A docstring asks for those it uses (``plot_confusion`` opens its own way)."""
    article = "an" if display[0] in "AEIOU" else "a"
    return {
        "draws": f"""\
Draws {article} :class:`{display}` (see there for what is drawn) and
returns its Axes.""",
        "see_display": f"""\
See Also
--------
{display} : The same figure, with its {kept} and artists kept.""",
        "see_plot": f"""\
See Also
--------
{function} : Draw it from {source} in one call.""",
    }


def _display_docs(**blocks: str) -> Substitution:
    """A module's docstring blocks, with the displays' shared ones (``{ax}``,
    ``{drawn_on}``, ``{returns_ax}``, ``{examples}``) unless it gives its own."""
    return Substitution(**{**_SHARED_DOCS, **blocks})


def _fill_docs(docs: Substitution) -> Callable[[T], T]:
    """Class decorator: fill the shared blocks of a class's docstring and of
    its own methods' (``Substitution`` alone fills the class's only), plus
    ``{returns_display}``: the Returns section of a ``from_*`` classmethod."""

    def decorate(cls: T) -> T:
        filled = Substitution(
            **docs.blocks,
            returns_display=f"Returns\n-------\ndisplay : {cls.__name__}",
        )
        filled(cls)
        for member in vars(cls).values():
            func = getattr(member, "__func__", member)  # classmethods
            if callable(func) and func.__doc__:
                filled(func)
        return cls

    return decorate
