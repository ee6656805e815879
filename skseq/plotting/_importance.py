"""Permutation importances per channel or segment (:class:`ImportanceDisplay`)."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._base import _axes_and_figure, _display_docs, _fill_docs, _one_call_docs

_DOCS = _display_docs(
    **_one_call_docs(
        "ImportanceDisplay", "plot_importance", "a permutation-importance result"
    ),
    style="""\
kind : {"box", "bar"}, default="box"
    Box plot of the repeats, or bars of their mean with error bars.""",
    metric="""\
metric : str or None, default=None
    With a dict of results: the metric to draw (may be left out when
    there is one); also names the x-axis.""",
    selection="""\
top : int or None, default=None
    Draw only the ``top`` most important features.
sort : bool, default=True
    Sort by mean importance, the largest on top; ``False`` keeps the
    order of the result, the first feature on top (time order for
    segments; with ``top``, the first ``top`` features).
title : str or None, default=None
    Title; by default "Permutation importance (N repeats)".
color : str, default="C0"
    Colour of the boxes or bars.""",
    result="""\
result : Bunch or dict of Bunch
    What :func:`skseq.inspection.permutation_importance` (or
    :func:`sklearn.inspection.permutation_importance`) returns: a Bunch
    with ``importances`` of shape (n_features, n_repeats) and, when
    there, ``feature_names``; or a dict of them (several metrics, pick
    one with ``metric``).""",
    raises="""\
Raises
------
ValueError
    A result that is not a permutation-importance Bunch, an unknown
    ``kind`` or ``metric``, or ``top`` below 1.""",
)


def _importance_bunch(result: Any, metric: str | None) -> tuple[Any, str | None]:
    """The Bunch to draw and the metric's name, from one Bunch or a dict."""
    if isinstance(result, Mapping) and "importances" in result:
        return result, metric
    if isinstance(result, Mapping) and result:
        names = list(result)
        if metric is None:
            if len(names) > 1:
                raise ValueError(
                    f"result holds several metrics {names}; pick one with "
                    "metric=<name>."
                )
            metric = names[0]
        if metric not in result:
            raise ValueError(f"metric {metric!r} is not in result; it holds {names}.")
        return result[metric], metric
    raise ValueError(
        "result must be what skseq.inspection.permutation_importance (or "
        "sklearn.inspection.permutation_importance) returns: a Bunch with "
        f"'importances', or a dict of them; got {type(result).__name__}."
    )


def _check_plot_args(kind: str, top: int | None) -> None:
    if kind not in ("box", "bar"):
        raise ValueError(f"kind must be 'box' or 'bar'; got {kind!r}.")
    if top is not None and (isinstance(top, bool) or int(top) != top or top < 1):
        raise ValueError(f"top must be a positive integer; got {top!r}.")


@_fill_docs(_DOCS)
class ImportanceDisplay:
    """Permutation importances per channel or segment, most important on top.

    One horizontal box (``kind="box"``: the spread of the repeats, the mean
    marked by a diamond) or bar (``kind="bar"``: the mean, with a standard
    deviation error bar) per feature, sorted by mean importance. A dashed
    line marks 0: a feature whose box straddles it made no difference.

    Make one with :meth:`from_estimator` (runs
    :func:`skseq.inspection.permutation_importance`) or :meth:`from_result`
    (its result); all parameters are stored as attributes.

    Parameters
    ----------
    importances : ndarray of shape (n_features, n_repeats)
        Decrease in score of every repeat when a feature is permuted.
    feature_names : list of str
        Name of every feature.
    metric : str or None, default=None
        The score's name, for the x-axis.

    Attributes
    ----------
    {drawn_on}
    order_ : ndarray of int
        The features drawn, top to bottom.
    boxes_ : dict or None
        What :meth:`matplotlib.axes.Axes.boxplot` returned (``kind="box"``).
    bars_ : matplotlib BarContainer or None
        The bars (``kind="bar"``).
    mean_line_ : matplotlib Line2D or None
        The diamonds at the means (``kind="box"``).

    {see_plot}
    skseq.inspection.permutation_importance : Compute the importances.

    {examples}
    >>> import numpy as np
    >>> from sklearn.utils import Bunch
    >>> from skseq.plotting import ImportanceDisplay
    >>> result = Bunch(importances=np.array([[0.0, 0.02], [0.3, 0.4]]),
    ...                feature_names=np.array(["acc x", "acc y"], dtype=object))
    >>> display = ImportanceDisplay.from_result(result, kind="bar")
    >>> display.order_, display.feature_names
    (array([1, 0]), ['acc x', 'acc y'])
    """

    def __init__(
        self,
        importances: np.ndarray,
        feature_names: list[str],
        *,
        metric: str | None = None,
    ) -> None:
        self.importances = importances
        self.feature_names = feature_names
        self.metric = metric

    @classmethod
    def from_result(
        cls,
        result: Any,
        *,
        metric: str | None = None,
        ax: Any = None,
        kind: str = "box",
        top: int | None = None,
        sort: bool = True,
        title: str | None = None,
        color: str = "C0",
    ) -> ImportanceDisplay:
        """Draw the result of a permutation importance.

        Parameters
        ----------
        {result}
        {metric}
        {ax}
        {style}
        {selection}

        {returns_display}

        {raises}
        """
        _check_plot_args(kind, top)
        bunch, metric = _importance_bunch(result, metric)
        importances = np.asarray(bunch["importances"], dtype=np.float64)
        if importances.ndim != 2 or importances.size == 0:
            raise ValueError(
                "result['importances'] must be a non-empty 2-D array (n_features, "
                f"n_repeats); got shape {importances.shape}."
            )
        names = bunch.get("feature_names")
        if names is None or len(names) != importances.shape[0]:
            names = [f"feature {k}" for k in range(importances.shape[0])]
        display = cls(importances, [str(name) for name in names], metric=metric)
        return display.plot(
            ax=ax, kind=kind, top=top, sort=sort, title=title, color=color
        )

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: Any,
        *,
        scoring: str | None = None,
        ax: Any = None,
        kind: str = "box",
        top: int | None = None,
        sort: bool = True,
        title: str | None = None,
        color: str = "C0",
        **importance_params: Any,
    ) -> ImportanceDisplay:
        """Compute permutation importances of a fitted estimator and draw them.

        Parameters
        ----------
        estimator : fitted estimator
            The model to inspect.
        X : panel
            Series to score (held-out data, usually).
        y : array-like of shape (n_samples,)
            Their labels.
        scoring : str or None, default=None
            One scorer name (it names the x-axis), or ``None`` for the
            estimator's ``score``.
        {ax}
        {style}
        {selection}
        **importance_params : dict
            Passed on to :func:`skseq.inspection.permutation_importance`
            (``by``, ``n_segments``, ``n_repeats``, ``random_state``, …).

        {returns_display}
        """
        from ..inspection import permutation_importance

        result = permutation_importance(
            estimator, X, y, scoring=scoring, **importance_params
        )
        return cls.from_result(
            result,
            metric=scoring if isinstance(scoring, str) else None,
            ax=ax,
            kind=kind,
            top=top,
            sort=sort,
            title=title,
            color=color,
        )

    def plot(
        self,
        ax: Any = None,
        *,
        kind: str = "box",
        top: int | None = None,
        sort: bool = True,
        title: str | None = None,
        color: str = "C0",
    ) -> ImportanceDisplay:
        """Draw the importances.

        Parameters
        ----------
        {ax}
        {style}
        {selection}

        Returns
        -------
        display : ImportanceDisplay
            ``self``, with ``ax_``, ``figure_``, ``order_`` and the artists set.
        """
        _check_plot_args(kind, top)
        n_features, n_repeats = self.importances.shape
        mean = self.importances.mean(axis=1)
        order = np.argsort(-mean, kind="stable") if sort else np.arange(n_features)
        self.order_ = order[: None if top is None else int(top)]
        shown = len(self.order_)
        ax, self.figure_ = _axes_and_figure(
            ax, (6.0, min(1.2 + 0.35 * shown, 12.0)), "ImportanceDisplay.plot"
        )
        ys = np.arange(shown)[::-1]  # the most important on top
        self.boxes_, self.bars_, self.mean_line_ = None, None, None
        if kind == "box":
            self._draw_boxes(ax, ys, mean, color)
        else:
            self.bars_ = ax.barh(
                ys,
                mean[self.order_],
                xerr=self.importances.std(axis=1)[self.order_],
                color=color,
                alpha=0.8,
                capsize=3,
                height=0.6,
            )
        ax.axvline(0.0, color="0.4", linestyle="--", linewidth=0.8)
        ax.set_yticks(np.arange(shown))  # bottom to top
        ax.set_yticklabels([self.feature_names[k] for k in self.order_[::-1]])
        ax.set_ylim(-0.7, shown - 0.3)
        metric = f" ({self.metric})" if self.metric else ""
        ax.set_xlabel(f"decrease in score{metric} when permuted")
        if title is None:
            title = (
                f"Permutation importance ({n_repeats} repeat{'s' * (n_repeats > 1)})"
            )
        ax.set_title(title)
        self.ax_ = ax
        return self

    def _draw_boxes(
        self, ax: Any, ys: np.ndarray, mean: np.ndarray, color: str
    ) -> None:
        # matplotlib 3.10 renamed vert=False to orientation="horizontal"
        horizontal = (
            {"orientation": "horizontal"}
            if "orientation" in inspect.signature(ax.boxplot).parameters
            else {"vert": False}
        )
        self.boxes_ = ax.boxplot(
            [self.importances[k] for k in self.order_],
            positions=ys,
            widths=0.6,
            patch_artist=True,
            boxprops={"facecolor": color, "alpha": 0.5},
            medianprops={"color": "black"},
            **horizontal,
        )
        (self.mean_line_,) = ax.plot(
            mean[self.order_],
            ys,
            "D",
            color="black",
            markersize=4,
            linestyle="none",
            label="mean",
        )


@_DOCS
def plot_importance(
    result: Any,
    ax: Any = None,
    *,
    kind: str = "box",
    metric: str | None = None,
    top: int | None = None,
    sort: bool = True,
    title: str | None = None,
    color: str = "C0",
) -> Any:
    """Permutation importances per channel or segment, most important on top.

    {draws}

    Parameters
    ----------
    {result}
    {ax}
    {style}
    {metric}
    {selection}

    {returns_ax}

    {raises}

    {see_display}

    {examples}
    >>> import numpy as np
    >>> from sklearn.utils import Bunch
    >>> from skseq.plotting import plot_importance
    >>> result = Bunch(
    ...     importances=np.array([[0.0, 0.02], [0.3, 0.4], [0.1, 0.1]]),
    ...     feature_names=np.array(["acc x", "acc y", "gyro z"], dtype=object),
    ... )
    >>> ax = plot_importance(result, kind="bar")
    >>> [t.get_text() for t in ax.get_yticklabels()]  # bottom to top
    ['acc x', 'gyro z', 'acc y']
    """
    return ImportanceDisplay.from_result(
        result,
        metric=metric,
        ax=ax,
        kind=kind,
        top=top,
        sort=sort,
        title=title,
        color=color,
    ).ax_
