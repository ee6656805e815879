"""Attention weights behind the series (:class:`AttentionDisplay`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..utils.validation import check_panel
from ._base import _axes_and_figure, _display_docs, _fill_docs, _one_call_docs

_DOCS = _display_docs(
    **_one_call_docs("AttentionDisplay", "plot_attention", "weights"),
    X_weights="""\
X : panel
    The series the weights were computed on, in any form
    :func:`skseq.utils.check_panel` accepts (unequal lengths included).
weights : array-like of shape (n_instances, n_timepoints)
    Attention weights, e.g. from
    :meth:`skseq.classifiers.AttentionLSTMClassifier.attention_weights`;
    ``n_timepoints`` is the width of the validated panel (the longest
    series). Weights beyond a series' length are ignored.""",
    selection="""\
n_instances : int, default=5
    How many series to show (the first ones) when ``instances`` is
    ``None``.
instances : sequence of int or None, default=None
    Indices of the series to show, top to bottom.
labels : array-like of shape (n_instances,) or None, default=None
    A label per series of ``X`` (e.g. true or predicted class), shown
    next to its band.
channels : sequence of int or None, default=None
    Channels to draw (all when ``None``).""",
    cmap="""\
cmap : str, default="YlOrRd"
    Colour map of the weights.""",
    raises="""\
Raises
------
ValueError
    When ``weights`` does not have one row per series and one column per
    time step of the panel, or an index is out of range.""",
)


def _check_weights(weights: Any, n: int, lengths: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[0] != n or weights.shape[1] < lengths.max():
        raise ValueError(
            f"weights has shape {weights.shape} but X holds {n} series of up to "
            f"{int(lengths.max())} steps; pass one row of weights per series and "
            "one column per time step (attention_weights(X) of the same X)."
        )
    return weights


def _check_selection(
    n: int,
    n_channels: int,
    n_instances: int,
    instances: Sequence[int] | None,
    channels: Sequence[int] | None,
) -> tuple[list[int], list[int]]:
    """The indices of the series and of the channels to draw."""
    if instances is None:
        if int(n_instances) < 1:
            raise ValueError(f"n_instances must be at least 1; got {n_instances}.")
        instances = list(range(min(int(n_instances), n)))
    instances = [int(i) for i in instances]
    if any(i < 0 or i >= n for i in instances) or not instances:
        raise ValueError(
            f"instances must be a non-empty list of indices in [0, {n}); "
            f"got {instances}."
        )
    chans = list(range(n_channels)) if channels is None else [int(c) for c in channels]
    if any(c < 0 or c >= n_channels for c in chans) or not chans:
        raise ValueError(
            f"channels must be indices in [0, {n_channels}); got {list(channels)}."
        )
    return instances, chans


def _tick_labels(instances: list[int], labels: Any, n: int) -> list[str]:
    if labels is None:
        return [f"#{i}" for i in instances]
    labels = np.asarray(labels)
    if labels.shape[0] != n:
        raise ValueError(
            f"labels has {labels.shape[0]} entries but X holds {n} series."
        )
    return [f"#{i} ({labels[i]})" for i in instances]


@_fill_docs(_DOCS)
class AttentionDisplay:
    """Attention weights over time drawn behind the series, one band per series.

    Every selected series gets a horizontal band: its background is coloured
    by the attention weight of each time step, its channels are drawn on top
    (scaled together to the band). Weights are shown relative to uniform
    attention: ``weight * length``, so 1 means "an average step" for series of
    any length and colours compare across series. Padding is left blank.

    Make one with :meth:`from_estimator` (an attention classifier) or
    :meth:`from_weights` (weights already computed); all parameters are
    stored as attributes.

    Parameters
    ----------
    relative_weights : ndarray of shape (n_shown, n_timepoints)
        ``weight * length`` of every step of every shown series, NaN beyond
        its length.
    series : list of ndarray of shape (n_channels_shown, length)
        The channels of every shown series over its observed steps.
    tick_labels : list of str
        The name of every band, top to bottom.

    Attributes
    ----------
    {drawn_on}
    image_ : matplotlib AxesImage
        The weights.
    lines_ : list of matplotlib Line2D
        The channels of the series, band after band.
    colorbar_ : matplotlib Colorbar
        The weights' colour bar.

    {see_plot}

    {examples}
    >>> import numpy as np
    >>> from skseq.plotting import AttentionDisplay
    >>> X = [np.sin(np.arange(4.0)), np.cos(np.arange(2.0))]
    >>> weights = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.5, 0.0, 0.0]])
    >>> display = AttentionDisplay.from_weights(X, weights)
    >>> display.relative_weights
    array([[0.4, 0.8, 1.2, 1.6],
           [1. , 1. , nan, nan]])
    >>> display.tick_labels, len(display.lines_)
    (['#0', '#1'], 2)
    """

    def __init__(
        self,
        relative_weights: np.ndarray,
        series: list[np.ndarray],
        tick_labels: list[str],
    ) -> None:
        self.relative_weights = relative_weights
        self.series = series
        self.tick_labels = tick_labels

    @classmethod
    def from_weights(
        cls,
        X: Any,
        weights: Any,
        *,
        n_instances: int = 5,
        instances: Sequence[int] | None = None,
        labels: Any = None,
        channels: Sequence[int] | None = None,
        ax: Any = None,
        cmap: str = "YlOrRd",
    ) -> AttentionDisplay:
        """Draw attention weights computed on ``X``.

        Parameters
        ----------
        {X_weights}
        {selection}
        {ax}
        {cmap}

        {returns_display}

        {raises}
        """
        Xp, lengths = check_panel(X, allow_missing=True, return_lengths=True)
        n, n_channels, _ = Xp.shape
        weights = _check_weights(weights, n, lengths)
        instances, chans = _check_selection(
            n, n_channels, n_instances, instances, channels
        )
        tick_labels = _tick_labels(instances, labels, n)
        relative = np.full(
            (len(instances), max(int(lengths[instances].max()), 1)), np.nan
        )
        series = []
        for row, i in enumerate(instances):
            length = int(lengths[i])
            relative[row, :length] = weights[i, :length] * length
            series.append(Xp[i][chans, :length].astype(np.float64))
        return cls(relative, series, tick_labels).plot(ax=ax, cmap=cmap)

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        *,
        n_instances: int = 5,
        instances: Sequence[int] | None = None,
        labels: Any = None,
        channels: Sequence[int] | None = None,
        ax: Any = None,
        cmap: str = "YlOrRd",
    ) -> AttentionDisplay:
        """Draw the attention a fitted classifier pays to the steps of ``X``.

        Parameters
        ----------
        estimator : fitted classifier with ``attention_weights``, or pipeline
            E.g. :class:`skseq.classifiers.AttentionLSTMClassifier`, or a
            :class:`~sklearn.pipeline.Pipeline` ending in one; then the
            series drawn are ``X`` as the pipeline's transformers leave it,
            the series the weights were computed on.
        X : panel
            The series.
        {selection}
        {ax}
        {cmap}

        {returns_display}

        {raises}
        """
        final = estimator[-1] if hasattr(estimator, "steps") else estimator
        if not hasattr(final, "attention_weights"):
            raise TypeError(
                f"{type(final).__name__} has no attention_weights; pass an "
                "attention classifier (AttentionLSTMClassifier) or a pipeline "
                "ending in one, or use AttentionDisplay.from_weights."
            )
        if final is not estimator:
            X = estimator[:-1].transform(X)
        return cls.from_weights(
            X,
            final.attention_weights(X),
            n_instances=n_instances,
            instances=instances,
            labels=labels,
            channels=channels,
            ax=ax,
            cmap=cmap,
        )

    def plot(self, ax: Any = None, *, cmap: str = "YlOrRd") -> AttentionDisplay:
        """Draw the bands.

        Parameters
        ----------
        {ax}
        {cmap}

        Returns
        -------
        display : AttentionDisplay
            ``self``, with ``ax_``, ``figure_``, ``image_``, ``lines_`` and
            ``colorbar_`` set.
        """
        n_shown, steps = self.relative_weights.shape
        ax, fig = _axes_and_figure(
            ax, (8.0, 0.9 + 0.8 * n_shown), "AttentionDisplay.plot"
        )
        self.image_ = ax.imshow(
            np.ma.masked_invalid(self.relative_weights),
            aspect="auto",
            cmap=cmap,
            interpolation="nearest",
            extent=(-0.5, steps - 0.5, n_shown, 0),
            vmin=0.0,
        )
        self.lines_ = []
        for row, values in enumerate(self.series):
            lo, hi = np.nanmin(values), np.nanmax(values)
            height = hi - lo if hi > lo else 1.0
            # top of the band is row, bottom row + 1 (the image's y axis points down)
            scaled = row + 0.9 - 0.8 * (values - lo) / height
            for line in scaled:
                self.lines_ += ax.plot(
                    np.arange(values.shape[1]),
                    line,
                    color="black",
                    linewidth=0.7,
                    alpha=0.6,
                )
        ax.set_ylim(n_shown, 0)
        ax.set_xlim(-0.5, steps - 0.5)
        ax.set_yticks(np.arange(n_shown) + 0.5)
        ax.set_yticklabels(self.tick_labels)
        ax.set_xlabel("time step")
        ax.set_title("Attention over time (series drawn on top)")
        self.colorbar_ = fig.colorbar(self.image_, ax=ax, pad=0.01)
        self.colorbar_.set_label("attention × length (1 = uniform)")
        self.ax_, self.figure_ = ax, fig
        return self


@_DOCS
def plot_attention(
    X: Any,
    weights: Any,
    ax: Any = None,
    n_instances: int = 5,
    *,
    instances: Sequence[int] | None = None,
    labels: Any = None,
    channels: Sequence[int] | None = None,
    cmap: str = "YlOrRd",
) -> Any:
    """Attention weights over time drawn behind the series, one band per series.

    {draws}

    Parameters
    ----------
    {X_weights}
    {ax}
    {selection}
    {cmap}

    {returns_ax}

    {raises}

    {see_display}

    {examples}
    >>> import numpy as np
    >>> from skseq.plotting import plot_attention
    >>> X = [np.sin(np.arange(20.0)), np.cos(np.arange(12.0))]  # unequal lengths
    >>> weights = np.zeros((2, 20))
    >>> weights[0, :] = 1 / 20
    >>> weights[1, :12] = np.linspace(0, 1, 12) / np.linspace(0, 1, 12).sum()
    >>> ax = plot_attention(X, weights, labels=["sine", "cosine"])
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['#0 (sine)', '#1 (cosine)']
    """
    return AttentionDisplay.from_weights(
        X,
        weights,
        n_instances=n_instances,
        instances=instances,
        labels=labels,
        channels=channels,
        ax=ax,
        cmap=cmap,
    ).ax_
