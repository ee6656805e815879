"""Training history: loss and scores per epoch (:class:`HistoryDisplay`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._base import _display_docs, _fill_docs, _one_call_docs, _pyplot

# history columns that are bookkeeping, not curves
_NOT_CURVES = (
    "epoch",
    "dur",
    "batches",
    "event_",
    "train_batch_count",
    "valid_batch_count",
    "restored_epoch",
)

_DOCS = _display_docs(
    **_one_call_docs("HistoryDisplay", "plot_history", "a fitted net or its history"),
    metrics="""\
metrics : str, list of str or None, default=None
    Scores to draw besides the losses: history keys
    (``"valid_f1_macro"``) or names that stand for both their ``train_``
    and ``valid_`` keys (``"f1_macro"``, ``"acc"``). ``None`` draws every
    recorded score (``valid_acc``, ``valid_f1_macro``, …). ``[]`` draws
    losses only.""",
    ax="""\
ax : matplotlib Axes, pair of Axes or None, default=None
    ``None``: a new figure with a loss panel and, when there are scores,
    a score panel beside it. One Axes: losses on it, scores on a twin
    y-axis. Two Axes: losses on the first, scores on the second.""",
    raises="""\
Raises
------
ValueError
    An unfitted net, an empty history, or a metric the history does not
    hold (the message lists the keys it does hold).""",
)


def _find_net(obj: Any) -> Any:
    """The object holding a skorch history inside searches and pipelines."""
    seen = 0
    while seen < 20:  # meta-estimators nest, but never this deep
        seen += 1
        if getattr(obj, "history_", None) is not None:
            return obj
        for attr in ("best_estimator_", "estimator_"):
            inner = getattr(obj, attr, None)
            if inner is not None:
                obj = inner
                break
        else:
            steps = getattr(obj, "steps", None)
            if steps:
                obj = steps[-1][1]
                continue
            return obj
    return obj


def _history_rows(net: Any) -> tuple[list[dict], Any]:
    """Per-epoch rows of a skorch history, and the net (or None)."""
    if isinstance(net, list):  # skorch.History is a list of dicts
        return list(net), None
    found = _find_net(net)
    history = getattr(found, "history_", None)
    if history is None:
        raise ValueError(
            f"{type(net).__name__} has no training history; pass a fitted skseq "
            "classifier (or skorch net), a pipeline or search ending in one, or "
            "its history_."
        )
    return list(history), found


def _curve_keys(rows: list[dict]) -> list[str]:
    """Numeric per-epoch keys, in first-seen order."""
    keys: dict[str, None] = {}
    for row in rows:
        for key, value in row.items():
            if key.startswith(_NOT_CURVES) or key.endswith("_best"):
                continue
            if isinstance(value, bool) or not isinstance(
                value, int | float | np.number
            ):
                continue
            keys.setdefault(key)
    return list(keys)


def _column(rows: list[dict], key: str) -> np.ndarray:
    return np.array([float(row.get(key, np.nan)) for row in rows])


def _best_epoch(net: Any, rows: list[dict]) -> tuple[str, int] | None:
    """(monitor, epoch) of the weights early stopping or the best-training-
    epoch restore (``restored_epoch``, when not the last) put back, if any."""
    from skorch.callbacks import EarlyStopping

    restored = [row["restored_epoch"] for row in rows if "restored_epoch" in row]
    if restored and int(restored[-1]) != int(rows[-1]["epoch"]):
        return "train_loss", int(restored[-1])
    for _, cb in getattr(net, "callbacks_", None) or []:
        if isinstance(cb, EarlyStopping) and getattr(cb, "load_best", False):
            values = _column(rows, cb.monitor)
            if np.isnan(values).all():
                return None
            pick = np.nanargmin if cb.lower_is_better else np.nanargmax
            return cb.monitor, int(_column(rows, "epoch")[pick(values)])
    return None


def _select_curves(
    keys: list[str], metrics: str | Sequence[str] | None
) -> tuple[list[str], list[str]]:
    """(losses, scores): the history keys to draw on each panel."""
    losses = [k for k in keys if k.endswith("loss")]
    if metrics is None:
        return losses, [k for k in keys if k not in losses]
    scores = []
    for name in [metrics] if isinstance(metrics, str) else list(metrics):
        if name in keys:
            scores.append(name)
            continue
        pair = [f"{p}_{name}" for p in ("train", "valid") if f"{p}_{name}" in keys]
        if not pair:
            raise ValueError(
                f"metric {name!r} is not in the history; it holds {keys}. "
                "Record a score with skseq.callbacks.epoch_scoring (or "
                "early_stopping=True with monitor='valid_f1_macro')."
            )
        scores.extend(pair)
    return losses, list(dict.fromkeys(scores))


def _panels(ax: Any, two: bool) -> tuple[list[Any], bool]:
    """(axes, twin): where losses and scores go, from what ``ax`` holds."""
    if ax is None:
        n_panels = 2 if two else 1
        _, made = _pyplot("HistoryDisplay.plot").subplots(
            1, n_panels, figsize=(5.2 * n_panels, 3.6), layout="constrained"
        )
        return list(np.atleast_1d(made)), False
    if isinstance(ax, Sequence | np.ndarray):
        axes = list(np.ravel(ax))
        if len(axes) != 2:
            raise ValueError(f"ax must be one Axes or two; got {len(axes)}.")
        return axes, False
    return ([ax, ax.twinx()], True) if two else ([ax], False)


@_fill_docs(_DOCS)
class HistoryDisplay:
    """Loss and scores per epoch of a fitted net, training vs validation.

    Training curves are solid, validation curves dashed, one colour per
    quantity. When early stopping restored the weights of its best epoch, or
    the fit restored its lowest-training-loss epoch (``restore_best``) and
    that was not the last, a dotted vertical line marks that epoch.

    Make one with :meth:`from_estimator` (a fitted classifier, pipeline or
    search) or :meth:`from_history` (a skorch ``History``); all parameters
    are stored as attributes.

    Parameters
    ----------
    epochs : ndarray of shape (n_epochs,)
        Epoch numbers (the x values).
    curves : dict of str to ndarray of shape (n_epochs,)
        The per-epoch values to draw, by history key. Keys ending in
        ``loss`` go on the loss panel, the others on the score panel.
    best_epoch : int or None, default=None
        The epoch whose weights were restored, marked by a dotted line.
    best_monitor : str or None, default=None
        What ``best_epoch`` was best at, for the legend.
    name : str or None, default=None
        Name of the net, for the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The loss panel.
    axes_ : ndarray of matplotlib Axes
        ``[loss_ax]`` or ``[loss_ax, score_ax]`` (a twin of ``ax_`` when
        :meth:`plot` was given one Axes).
    figure_ : matplotlib Figure
        The figure holding them.
    lines_ : dict of str to matplotlib Line2D
        The curve of every key of ``curves``.
    best_lines_ : list of matplotlib Line2D
        The dotted lines at ``best_epoch`` (one per panel), or ``[]``.

    {see_plot}

    {examples}
    >>> from skseq.plotting import HistoryDisplay
    >>> rows = [{"epoch": 1, "train_loss": 0.9, "valid_loss": 1.0, "valid_acc": 0.5},
    ...         {"epoch": 2, "train_loss": 0.5, "valid_loss": 0.7, "valid_acc": 0.8}]
    >>> display = HistoryDisplay.from_history(rows)
    >>> sorted(display.lines_)
    ['train_loss', 'valid_acc', 'valid_loss']
    >>> display.lines_["valid_acc"].axes is display.axes_[1]
    True
    """

    def __init__(
        self,
        epochs: np.ndarray,
        curves: Mapping[str, np.ndarray],
        *,
        best_epoch: int | None = None,
        best_monitor: str | None = None,
        name: str | None = None,
    ) -> None:
        self.epochs = epochs
        self.curves = curves
        self.best_epoch = best_epoch
        self.best_monitor = best_monitor
        self.name = name

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        *,
        metrics: str | Sequence[str] | None = None,
        ax: Any = None,
    ) -> HistoryDisplay:
        """Draw the history of a fitted net, or of the net a meta-estimator holds.

        Parameters
        ----------
        estimator : fitted skseq classifier, skorch net, pipeline or search
            Anything that ends in a fitted net: a classifier, a
            :class:`~sklearn.pipeline.Pipeline` whose last step is one, a
            fitted search (its ``best_estimator_``) or a meta-estimator with
            an ``estimator_``.
        {metrics}
        {ax}

        {returns_display}

        {raises}
        """
        if isinstance(estimator, list):
            raise ValueError("Pass a History to HistoryDisplay.from_history.")
        rows, found = _history_rows(estimator)
        return cls._from_rows(rows, found, metrics).plot(ax=ax)

    @classmethod
    def from_history(
        cls,
        history: Sequence[Mapping[str, Any]],
        *,
        metrics: str | Sequence[str] | None = None,
        ax: Any = None,
    ) -> HistoryDisplay:
        """Draw a skorch ``History`` (or any list of per-epoch dicts).

        Parameters
        ----------
        history : skorch History or list of dict
            One dict per epoch, as ``net.history_`` holds.
        {metrics}
        {ax}

        {returns_display}

        {raises}
        """
        return cls._from_rows(list(history), None, metrics).plot(ax=ax)

    @classmethod
    def _from_rows(
        cls, rows: list[dict], net: Any, metrics: str | Sequence[str] | None
    ) -> HistoryDisplay:
        if not rows:
            raise ValueError("The history is empty: the net has not trained an epoch.")
        epochs = _column(rows, "epoch")
        if np.isnan(epochs).any():
            epochs = np.arange(1, len(rows) + 1, dtype=float)
        losses, scores = _select_curves(_curve_keys(rows), metrics)
        best = _best_epoch(net, rows)
        return cls(
            epochs,
            {key: _column(rows, key) for key in losses + scores},
            best_epoch=None if best is None else best[1],
            best_monitor=None if best is None else best[0],
            name=type(net).__name__ if net is not None else "net",
        )

    def plot(self, ax: Any = None) -> HistoryDisplay:
        """Draw the curves.

        Parameters
        ----------
        {ax}

        Returns
        -------
        display : HistoryDisplay
            ``self``, with ``ax_``, ``axes_``, ``figure_``, ``lines_`` and
            ``best_lines_`` set.
        """
        losses = [key for key in self.curves if key.endswith("loss")]
        scores = [key for key in self.curves if key not in losses]
        axes, twin = _panels(ax, bool(scores))
        colours: dict[str, str] = {}
        self.lines_ = {}
        for target, keys in ((axes[0], losses), (axes[-1], scores)):
            for key in keys:
                self.lines_[key] = self._draw_curve(target, key, colours)
        axes[0].set(xlabel="epoch", ylabel="loss")
        if scores:
            axes[1].set(xlabel="epoch", ylabel="score")
        self.best_lines_ = self._mark_best(axes)
        self._legend(axes, twin)
        axes[0].set_title(f"Training history of {self.name or 'net'}")
        self.ax_, self.axes_ = axes[0], np.array(axes, dtype=object)
        self.figure_ = axes[0].figure
        return self

    def _draw_curve(self, target: Any, key: str, colours: dict[str, str]) -> Any:
        base = key.split("_", 1)[1] if key.startswith(("train_", "valid_")) else key
        colour = colours.setdefault(base, f"C{len(colours) % 10}")
        style = "--" if key.startswith("valid_") else "-"
        (line,) = target.plot(
            self.epochs, self.curves[key], style, color=colour, label=key
        )
        return line

    def _mark_best(self, axes: list[Any]) -> list[Any]:
        if self.best_epoch is None:
            return []
        label = f"best {self.best_monitor} (restored)"
        return [
            target.axvline(
                self.best_epoch,
                color="0.4",
                linestyle=":",
                linewidth=1,
                label=label if k == 0 else "_nolegend_",
            )
            for k, target in enumerate(dict.fromkeys(axes))
        ]

    @staticmethod
    def _legend(axes: list[Any], twin: bool) -> None:
        if twin:  # one legend for both y-axes
            handles, labels = axes[0].get_legend_handles_labels()
            more = axes[1].get_legend_handles_labels()
            axes[0].legend(handles + more[0], labels + more[1], fontsize="small")
            return
        for target in axes:
            if target.get_lines():
                target.legend(fontsize="small")


@_DOCS
def plot_history(
    net: Any,
    ax: Any = None,
    metrics: str | Sequence[str] | None = None,
) -> np.ndarray:
    """Loss and scores per epoch, training vs validation.

    {draws}

    Parameters
    ----------
    net : fitted skseq classifier, skorch net, pipeline, search or History
        Anything that ends in a fitted net: a classifier, a
        :class:`~sklearn.pipeline.Pipeline` whose last step is one, a fitted
        search (its ``best_estimator_``), a meta-estimator with an
        ``estimator_``, or a skorch ``History`` (a list of per-epoch dicts).
    {ax}
    {metrics}

    Returns
    -------
    axes : ndarray of matplotlib Axes
        The Axes drawn on: ``[loss_ax]`` or ``[loss_ax, score_ax]``.

    {raises}

    {see_display}

    {examples}
    >>> from skseq.classifiers import LSTMClassifier
    >>> from skseq.datasets import load_dataset
    >>> from skseq.plotting import plot_history
    >>> X, y = load_dataset("ItalyPowerDemand", split="train")
    >>> clf = LSTMClassifier(module__hidden_size=8, max_epochs=3, early_stopping=True,
    ...                      monitor="valid_f1_macro", random_state=0).fit(X, y)
    >>> axes = plot_history(clf)
    >>> [a.get_ylabel() for a in axes]
    ['loss', 'score']
    >>> [line.get_label() for line in axes[1].get_lines()][:2]
    ['valid_acc', 'valid_f1_macro']
    >>> axes[0].get_legend().get_texts()[-1].get_text()
    'best valid_f1_macro (restored)'
    """
    if isinstance(net, list):
        display = HistoryDisplay.from_history(net, metrics=metrics, ax=ax)
    else:
        display = HistoryDisplay.from_estimator(net, metrics=metrics, ax=ax)
    return display.axes_
