"""Plots a practitioner looks at when training sequence classifiers.

- :func:`plot_history`: loss and monitored scores per epoch, training vs
  validation, with the epoch early stopping restored.
- :func:`plot_confusion`: confusion matrix (scikit-learn's
  :class:`~sklearn.metrics.ConfusionMatrixDisplay`) titled with macro-F1 and
  balanced accuracy.
- :func:`plot_attention`: attention weights over time behind the series they
  were computed on (``AttentionLSTMClassifier.attention_weights``).
- :func:`plot_recording`: a long recording with its true and predicted
  events and the per-step probability (``WindowedClassifier`` outputs).
- :func:`plot_precision_recall`: precision-recall curve of one class with
  the operating points of chosen thresholds or decisions marked.
- :func:`plot_importance`: permutation importances per channel or time
  segment (:func:`skseq.inspection.permutation_importance`), sorted.

Every function draws on ``ax`` when given (else on a new figure) and returns
what it drew on, so figures are composed with :func:`matplotlib.pyplot.subplots`.
matplotlib is imported when a function is called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .utils.validation import check_panel

__all__ = [
    "plot_attention",
    "plot_confusion",
    "plot_history",
    "plot_importance",
    "plot_precision_recall",
    "plot_recording",
]

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


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


# ----------------------------------------------------------------- history
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


def plot_history(
    net: Any,
    ax: Any = None,
    metrics: str | Sequence[str] | None = None,
) -> np.ndarray:
    """Loss and scores per epoch, training vs validation.

    Training curves are solid, validation curves dashed, one colour per
    quantity. When early stopping restored the weights of its best epoch, or
    the fit restored its lowest-training-loss epoch (``restore_best``) and
    that was not the last, a dotted vertical line marks that epoch.

    Parameters
    ----------
    net : fitted skseq classifier, skorch net, pipeline, search or History
        Anything that ends in a fitted net: a classifier, a
        :class:`~sklearn.pipeline.Pipeline` whose last step is one, a fitted
        search (its ``best_estimator_``), a meta-estimator with an
        ``estimator_``, or a skorch ``History`` (a list of per-epoch dicts).
    ax : matplotlib Axes, pair of Axes or None, default=None
        ``None``: a new figure with a loss panel and, when there are scores,
        a score panel beside it. One Axes: losses on it, scores on a twin
        y-axis. Two Axes: losses on the first, scores on the second.
    metrics : str, list of str or None, default=None
        Scores to draw besides the losses: history keys
        (``"valid_f1_macro"``) or names that stand for both their ``train_``
        and ``valid_`` keys (``"f1_macro"``, ``"acc"``). ``None`` draws every
        recorded score (``valid_acc``, ``valid_f1_macro``, …). ``[]`` draws
        losses only.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        The Axes drawn on: ``[loss_ax]`` or ``[loss_ax, score_ax]``.

    Raises
    ------
    ValueError
        An unfitted net, or a metric the history does not hold (the message
        lists the keys it does hold).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
    plt = _pyplot()
    rows, found = _history_rows(net)
    if not rows:
        raise ValueError("The history is empty: the net has not trained an epoch.")
    epochs = _column(rows, "epoch")
    if np.isnan(epochs).any():
        epochs = np.arange(1, len(rows) + 1, dtype=float)
    keys = _curve_keys(rows)
    losses = [k for k in keys if k.endswith("loss")]
    if metrics is None:
        scores = [k for k in keys if k not in losses]
    else:
        wanted = [metrics] if isinstance(metrics, str) else list(metrics)
        scores = []
        for name in wanted:
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
        scores = list(dict.fromkeys(scores))

    twin = False
    if ax is None:
        n_panels = 2 if scores else 1
        fig, made = plt.subplots(
            1, n_panels, figsize=(5.2 * n_panels, 3.6), layout="constrained"
        )
        axes = list(np.atleast_1d(made))
    elif isinstance(ax, Sequence | np.ndarray):
        axes = list(np.ravel(ax))
        if len(axes) != 2:
            raise ValueError(f"ax must be one Axes or two; got {len(axes)}.")
    else:
        axes = [ax, ax.twinx()] if scores else [ax]
        twin = bool(scores)

    colours: dict[str, str] = {}

    def draw(target, key):
        base = key.split("_", 1)[1] if key.startswith(("train_", "valid_")) else key
        colour = colours.setdefault(base, f"C{len(colours) % 10}")
        style = "--" if key.startswith("valid_") else "-"
        target.plot(epochs, _column(rows, key), style, color=colour, label=key)

    for key in losses:
        draw(axes[0], key)
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("loss")
    if scores:
        for key in scores:
            draw(axes[1], key)
        axes[1].set_ylabel("score")
        axes[1].set_xlabel("epoch")
    best = _best_epoch(found, rows)
    if best is not None:
        monitor, epoch = best
        for k, a in enumerate(dict.fromkeys(axes)):
            a.axvline(
                epoch,
                color="0.4",
                linestyle=":",
                linewidth=1,
                label=f"best {monitor} (restored)" if k == 0 else "_nolegend_",
            )
    if twin:  # one legend for both y-axes
        handles = axes[0].get_legend_handles_labels()
        more = axes[1].get_legend_handles_labels()
        axes[0].legend(handles[0] + more[0], handles[1] + more[1], fontsize="small")
    else:
        for a in axes:
            if a.get_lines():
                a.legend(fontsize="small")
    name = type(found).__name__ if found is not None else "net"
    axes[0].set_title(f"Training history of {name}")
    return np.array(axes, dtype=object)


# --------------------------------------------------------------- confusion
def plot_confusion(
    y_true: Any,
    y_pred: Any,
    ax: Any = None,
    normalize: str | None = None,
    *,
    labels: Any = None,
    title: str | None = None,
    cmap: str = "Blues",
) -> Any:
    """Confusion matrix, titled with macro-F1 and balanced accuracy.

    A thin layer over scikit-learn's
    :meth:`ConfusionMatrixDisplay.from_predictions
    <sklearn.metrics.ConfusionMatrixDisplay.from_predictions>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    ax : matplotlib Axes or None, default=None
        Where to draw; a new figure when ``None``.
    normalize : {"true", "pred", "all"} or None, default=None
        Normalise counts over the true labels (rows: per-class recall on the
        diagonal), the predictions (columns: precision) or everything.
    labels : array-like or None, default=None
        Order of the classes; those in ``y_true`` or ``y_pred`` when ``None``.
    title : str or None, default=None
        Title; by default the macro-F1 and balanced accuracy of the
        predictions.
    cmap : str, default="Blues"
        Colour map.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skseq.plotting import plot_confusion
    >>> ax = plot_confusion(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    >>> ax.get_title()
    'macro-F1 0.733, balanced accuracy 0.750'
    """
    from sklearn.metrics import (
        ConfusionMatrixDisplay,
        balanced_accuracy_score,
        f1_score,
    )

    plt = _pyplot()
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if ax is None:
        n = len(np.union1d(y_true, y_pred)) if labels is None else len(labels)
        side = min(3.0 + 0.45 * n, 10.0)
        _, ax = plt.subplots(figsize=(side + 0.8, side), layout="constrained")
    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        normalize=normalize,
        ax=ax,
        cmap=cmap,
        colorbar=False,
        values_format=".2f" if normalize else "d",
    )
    if title is None:
        f1 = f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0)
        bacc = balanced_accuracy_score(y_true, y_pred)
        title = f"macro-F1 {f1:.3f}, balanced accuracy {bacc:.3f}"
    ax.set_title(title)
    names = [str(label) for label in display.display_labels]
    if sum(len(n) for n in names) > 40:  # long names would overlap
        ax.tick_params(axis="x", labelrotation=45)
    return ax


# --------------------------------------------------------------- attention
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

    Every selected series gets a horizontal band: its background is coloured
    by the attention weight of each time step, its channels are drawn on top
    (scaled together to the band). Weights are shown relative to uniform
    attention: ``weight * length``, so 1 means "an average step" for series of
    any length and colours compare across series. Padding is left blank.

    Parameters
    ----------
    X : panel
        The series the weights were computed on, in any form
        :func:`skseq.utils.check_panel` accepts (unequal lengths included).
    weights : array-like of shape (n_instances, n_timepoints)
        Attention weights, e.g. from
        :meth:`skseq.classifiers.AttentionLSTMClassifier.attention_weights`;
        ``n_timepoints`` is the width of the validated panel (the longest
        series). Weights beyond a series' length are ignored.
    ax : matplotlib Axes or None, default=None
        Where to draw; a new figure when ``None``.
    n_instances : int, default=5
        How many series to show (the first ones) when ``instances`` is
        ``None``.
    instances : sequence of int or None, default=None
        Indices of the series to show, top to bottom.
    labels : array-like of shape (n_instances,) or None, default=None
        A label per series of ``X`` (e.g. true or predicted class), shown
        next to its band.
    channels : sequence of int or None, default=None
        Channels to draw (all when ``None``).
    cmap : str, default="YlOrRd"
        Colour map of the weights.

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    ValueError
        When ``weights`` does not have one row per series and one column per
        time step of the panel, or an index is out of range.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
    plt = _pyplot()
    Xp, lengths = check_panel(X, allow_missing=True, return_lengths=True)
    n, n_channels, width = Xp.shape
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[0] != n or weights.shape[1] < lengths.max():
        raise ValueError(
            f"weights has shape {weights.shape} but X holds {n} series of up to "
            f"{int(lengths.max())} steps; pass one row of weights per series and "
            "one column per time step (attention_weights(X) of the same X)."
        )
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
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape[0] != n:
            raise ValueError(
                f"labels has {labels.shape[0]} entries but X holds {n} series."
            )
    steps = max(int(lengths[instances].max()), 1)
    relative = np.full((len(instances), steps), np.nan)
    for row, i in enumerate(instances):
        length = int(lengths[i])
        relative[row, :length] = weights[i, :length] * length
    if ax is None:
        _, ax = plt.subplots(
            figsize=(8.0, 0.9 + 0.8 * len(instances)), layout="constrained"
        )
    image = ax.imshow(
        np.ma.masked_invalid(relative),
        aspect="auto",
        cmap=cmap,
        interpolation="nearest",
        extent=(-0.5, steps - 0.5, len(instances), 0),
        vmin=0.0,
    )
    for row, i in enumerate(instances):
        length = int(lengths[i])
        values = Xp[i][chans, :length].astype(np.float64)
        lo, hi = np.nanmin(values), np.nanmax(values)
        span = hi - lo if hi > lo else 1.0
        # top of the band is row, bottom row + 1 (the image's y axis points down)
        scaled = row + 0.9 - 0.8 * (values - lo) / span
        for line in scaled:
            ax.plot(np.arange(length), line, color="black", linewidth=0.7, alpha=0.6)
    ax.set_ylim(len(instances), 0)
    ax.set_xlim(-0.5, steps - 0.5)
    ax.set_yticks(np.arange(len(instances)) + 0.5)
    ax.set_yticklabels(
        [f"#{i}" + ("" if labels is None else f" ({labels[i]})") for i in instances]
    )
    ax.set_xlabel("time step")
    ax.set_title("Attention over time (series drawn on top)")
    colorbar = ax.figure.colorbar(image, ax=ax, pad=0.01)
    colorbar.set_label("attention × length (1 = uniform)")
    return ax


# --------------------------------------------------------------- recording
def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of every run of True."""
    padded = np.concatenate(([False], mask, [False]))
    change = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(change[0::2].tolist(), change[1::2].tolist(), strict=True))


def _step_labels(values: Any, n_steps: int, name: str) -> np.ndarray | None:
    if values is None:
        return None
    values = np.asarray(values).ravel()
    if values.shape[0] != n_steps:
        raise ValueError(
            f"{name} has {values.shape[0]} entries but the recording has "
            f"{n_steps} time steps; pass one label per time step."
        )
    return values


def plot_recording(
    recording: Any,
    y_true: Any = None,
    y_pred: Any = None,
    proba: Any = None,
    ax: Any = None,
    *,
    background: Any = None,
    classes: Any = None,
    threshold: float | None = None,
    time: Any = None,
) -> Any:
    """A long recording with its true events, predicted events and probabilities.

    True events (time steps whose label is not ``background``) are shaded
    behind the signal; predicted events are bars along the bottom edge; the
    per-step probabilities go on a second y-axis on the right. Made for the
    per-step outputs of :class:`skseq.windows.WindowedClassifier`.

    Parameters
    ----------
    recording : array-like of shape (n_timepoints,) or (n_channels, n_timepoints)
        The signal, channels before time (skseq's convention).
    y_true : array-like of shape (n_timepoints,) or None, default=None
        True label of every step.
    y_pred : array-like of shape (n_timepoints,) or None, default=None
        Predicted label of every step.
    proba : array-like of shape (n_timepoints,) or (n_timepoints, n_classes), \
or None, default=None
        Per-step probabilities: one column (the event's), or one per class
        in the order of ``classes``; with two columns only the second is
        drawn, with more every column but the background's.
    ax : matplotlib Axes or None, default=None
        Where to draw the signal; a new figure when ``None``.
    background : label or None, default=None
        The "nothing happening" label, never drawn as an event; the most
        frequent label of ``y_true`` (else of ``y_pred``) when ``None``.
    classes : array-like or None, default=None
        Labels of the columns of ``proba``; the sorted labels of ``y_true``
        and ``y_pred`` when ``None``.
    threshold : float or None, default=None
        Drawn as a horizontal line on the probability axis (the decision
        threshold of the predicted events).
    time : array-like of shape (n_timepoints,) or None, default=None
        x values of the steps (seconds, timestamps); step indices when
        ``None``.

    Returns
    -------
    ax : matplotlib Axes
        The signal's Axes (the probability axis is its twin).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skseq.plotting import plot_recording
    >>> signal = np.sin(np.arange(200) / 5.0)
    >>> y_true = np.zeros(200, dtype=int)
    >>> y_true[50:80] = 1
    >>> y_pred = np.zeros(200, dtype=int)
    >>> y_pred[55:85] = 1
    >>> ax = plot_recording(signal, y_true, y_pred, proba=y_pred * 0.9, threshold=0.5)
    >>> sorted(ax.get_legend_handles_labels()[1])
    ['channel 0', 'predicted 1', 'true 1']
    """
    plt = _pyplot()
    rec = np.asarray(recording, dtype=np.float64)
    if rec.ndim == 1:
        rec = rec[None, :]
    if rec.ndim != 2:
        raise ValueError(
            f"recording must be 1-D (n_timepoints,) or 2-D (n_channels, "
            f"n_timepoints); got shape {rec.shape}."
        )
    n_steps = rec.shape[1]
    y_true = _step_labels(y_true, n_steps, "y_true")
    y_pred = _step_labels(y_pred, n_steps, "y_pred")
    x = np.arange(n_steps) if time is None else np.asarray(time)
    if x.shape != (n_steps,):
        raise ValueError(f"time must hold {n_steps} values; got shape {x.shape}.")
    seen = [v for v in (y_true, y_pred) if v is not None]
    if background is None and seen:
        values, counts = np.unique(seen[0], return_counts=True)
        background = values[np.argmax(counts)]
    if classes is None and seen:
        classes = np.unique(np.concatenate(seen))
    event_classes = [] if classes is None else [c for c in classes if c != background]
    colour = {c: f"C{(k + 1) % 10}" for k, c in enumerate(event_classes)}

    if ax is None:
        _, ax = plt.subplots(figsize=(12.0, 3.2), layout="constrained")
    for c in range(rec.shape[0]):
        ax.plot(
            x,
            rec[c],
            color="0.25" if rec.shape[0] == 1 else f"C{c % 10}",
            linewidth=0.7,
            label=f"channel {c}",
        )
    # half a step on each side so a one-step event is visible
    half = 0.5 * (x[1] - x[0]) if n_steps > 1 else 0.5
    for labels, kind in ((y_true, "true"), (y_pred, "predicted")):
        if labels is None:
            continue
        for c in event_classes:
            for k, (a, b) in enumerate(_runs(labels == c)):
                span = {"color": colour[c], "label": f"{kind} {c}" if k == 0 else None}
                if kind == "true":
                    ax.axvspan(x[a] - half, x[b - 1] + half, alpha=0.2, **span)
                else:  # a bar along the bottom edge, clear of the shading
                    ax.axvspan(
                        x[a] - half,
                        x[b - 1] + half,
                        ymin=0.0,
                        ymax=0.06,
                        alpha=0.9,
                        **span,
                    )
    handles, names = ax.get_legend_handles_labels()
    if proba is not None:
        proba = np.asarray(proba, dtype=np.float64)
        if proba.shape[0] != n_steps or proba.ndim not in (1, 2):
            raise ValueError(
                f"proba has shape {proba.shape} but the recording has {n_steps} "
                "steps; pass (n_timepoints,) or (n_timepoints, n_classes)."
            )
        twin = ax.twinx()
        if proba.ndim == 1:
            columns = {"P(event)": proba}
        else:
            names_ = (
                list(classes)
                if classes is not None and len(classes) == proba.shape[1]
                else list(range(proba.shape[1]))
            )
            keep = [k for k, c in enumerate(names_) if c != background]
            if proba.shape[1] == 2:
                keep = [1]
            columns = {f"P({names_[k]})": proba[:, k] for k in keep}
        for k, (name, values) in enumerate(columns.items()):
            twin.plot(
                x,
                values,
                color=f"C{(k + 4) % 10}",
                linewidth=1.0,
                alpha=0.9,
                linestyle="-",
                label=name,
                zorder=1,
            )
        if threshold is not None:
            twin.axhline(
                threshold,
                color="0.3",
                linestyle="--",
                linewidth=0.8,
                label=f"threshold {threshold:.2f}",
            )
        # 0 sits just above the prediction bars; headroom keeps the curve off
        # the legend
        twin.set_ylim(-0.1, 1.3)
        twin.set_ylabel("probability")
        more = twin.get_legend_handles_labels()
        handles, names = handles + more[0], names + more[1]
    if handles:
        ax.legend(handles, names, loc="upper left", fontsize="small", ncol=4)
    # room for the legend above the signal and the prediction bars below it
    lo, hi = np.nanmin(rec), np.nanmax(rec)
    span = hi - lo if hi > lo else 1.0
    ax.set_ylim(lo - 0.12 * span, hi + 0.35 * span)
    ax.set_xlim(x[0] - half, x[-1] + half)
    ax.set_xlabel("time step" if time is None else "time")
    ax.set_ylabel("signal")
    return ax


# -------------------------------------------------------- precision-recall
def _precision_recall_at(
    y_bin: np.ndarray, positive: np.ndarray
) -> tuple[float, float]:
    tp = float(np.sum(positive & y_bin))
    predicted = float(np.sum(positive))
    precision = tp / predicted if predicted else 0.0
    recall = tp / float(np.sum(y_bin)) if np.any(y_bin) else 0.0
    return precision, recall


def plot_precision_recall(
    y_true: Any,
    proba: Any,
    threshold: float | None = None,
    ax: Any = None,
    *,
    pos_label: Any = None,
    y_pred: Any = None,
    default_threshold: float | None = 0.5,
    name: str | None = None,
) -> Any:
    """Precision-recall curve of one class, with operating points marked.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels (any number of classes: the curve is ``pos_label`` vs the
        rest).
    proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores of ``pos_label`` (higher means more likely), or
        ``predict_proba`` output whose columns follow the sorted labels of
        ``y_true`` (a classifier's ``classes_``).
    threshold : float or None, default=None
        A decision threshold on the score (e.g. ``best_threshold_`` of
        :class:`~sklearn.model_selection.TunedThresholdClassifierCV`); its
        point (``score >= threshold``, scikit-learn's rule) is marked and
        labelled with its precision and recall.
    ax : matplotlib Axes or None, default=None
        Where to draw; a new figure when ``None``.
    pos_label : label or None, default=None
        The class of interest; by default the last of the sorted labels when
        there are two, required with more.
    y_pred : array-like, dict of array-like, or None, default=None
        Predicted labels of any decision rule (the argmax, a multi-class
        threshold tuner, a cascade): its precision and recall for
        ``pos_label`` are marked. A dict ``{name: y_pred}`` marks several.
    default_threshold : float or None, default=0.5
        Also mark this threshold on the score, for comparison (``None`` to
        leave it out).
    name : str or None, default=None
        Name of the curve in the legend.

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    ValueError
        Shapes that do not match, or a missing or unknown ``pos_label``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skseq.plotting import plot_precision_recall
    >>> y = np.array(["no", "no", "no", "yes", "yes", "no"])
    >>> scores = np.array([0.1, 0.3, 0.6, 0.4, 0.9, 0.2])
    >>> ax = plot_precision_recall(y, scores, threshold=0.35)
    >>> [label for label in ax.get_legend_handles_labels()[1] if "threshold" in label]
    ['threshold 0.35: P=0.67, R=1.00', 'threshold 0.50: P=0.50, R=0.50']
    """
    from sklearn.metrics import PrecisionRecallDisplay

    plt = _pyplot()
    y_true = np.asarray(y_true).ravel()
    proba = np.asarray(proba, dtype=np.float64)
    classes = np.unique(y_true)
    if proba.shape[0] != y_true.shape[0] or proba.ndim not in (1, 2):
        raise ValueError(
            f"proba has shape {proba.shape} but y_true has {y_true.shape[0]} "
            "labels; pass one score (or one row of probabilities) per sample."
        )
    if pos_label is None:
        if len(classes) != 2:
            raise ValueError(
                f"y_true has {len(classes)} classes {classes.tolist()}; pass "
                "pos_label=<the class of interest>."
            )
        pos_label = classes[1]
    elif pos_label not in set(classes.tolist()):
        raise ValueError(
            f"pos_label={pos_label!r} is not in y_true (classes: {classes.tolist()})."
        )
    if proba.ndim == 2:
        if proba.shape[1] == 1:
            proba = proba[:, 0]
        elif proba.shape[1] == len(classes):
            proba = proba[:, int(np.searchsorted(classes, pos_label))]
        else:
            raise ValueError(
                f"proba has {proba.shape[1]} columns but y_true has "
                f"{len(classes)} classes; pass the scores of pos_label as a 1-D "
                "array."
            )
    y_bin = y_true == pos_label
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 4.4), layout="constrained")
    PrecisionRecallDisplay.from_predictions(
        y_bin.astype(int),
        proba,
        pos_label=1,
        name=name,
        ax=ax,
        plot_chance_level=True,
    )
    marks = []
    if threshold is not None:
        marks.append((f"threshold {threshold:.2f}", proba >= threshold, "o", "C3"))
    if default_threshold is not None and default_threshold != threshold:
        marks.append(
            (
                f"threshold {default_threshold:.2f}",
                proba >= default_threshold,
                "s",
                "0.45",
            )
        )
    if y_pred is not None:
        decisions = y_pred if isinstance(y_pred, Mapping) else {"predictions": y_pred}
        for k, (label, pred) in enumerate(decisions.items()):
            pred = np.asarray(pred).ravel()
            if pred.shape != y_true.shape:
                raise ValueError(
                    f"y_pred {label!r} has {pred.shape[0]} labels but y_true has "
                    f"{y_true.shape[0]}."
                )
            marks.append(
                (str(label), pred == pos_label, "D^v<>p"[k % 6], f"C{(k + 4) % 10}")
            )
    for label, positive, marker, colour in marks:
        precision, recall = _precision_recall_at(y_bin, positive)
        ax.plot(
            recall,
            precision,
            marker=marker,
            color=colour,
            markersize=8,
            linestyle="none",
            label=f"{label}: P={precision:.2f}, R={recall:.2f}",
        )
    ax.legend(fontsize="small", loc="lower left")
    ax.set_xlabel(f"Recall of class {pos_label!s}")
    ax.set_ylabel(f"Precision of class {pos_label!s}")
    ax.set_title(f"Precision-recall for class {pos_label!s}")
    return ax


# -------------------------------------------------------------- importance
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

    One horizontal box (``kind="box"``: the spread of the repeats, the mean
    marked by a diamond) or bar (``kind="bar"``: the mean, with a standard
    deviation error bar) per feature, sorted by mean importance. A dashed
    line marks 0: a feature whose box straddles it made no difference.

    Parameters
    ----------
    result : Bunch or dict of Bunch
        What :func:`skseq.inspection.permutation_importance` (or
        :func:`sklearn.inspection.permutation_importance`) returns: a Bunch
        with ``importances`` of shape (n_features, n_repeats) and, when
        there, ``feature_names``; or a dict of them (several metrics, pick
        one with ``metric``).
    ax : matplotlib Axes or None, default=None
        Where to draw; a new figure when ``None``.
    kind : {"box", "bar"}, default="box"
        Box plot of the repeats, or bars of their mean with error bars.
    metric : str or None, default=None
        With a dict of results: the metric to draw (may be left out when
        there is one); also names the x-axis.
    top : int or None, default=None
        Draw only the ``top`` most important features.
    sort : bool, default=True
        Sort by mean importance, the largest on top; ``False`` keeps the
        order of the result, the first feature on top (time order for
        segments; with ``top``, the first ``top`` features).
    title : str or None, default=None
        Title; by default "Permutation importance (N repeats)".
    color : str, default="C0"
        Colour of the boxes or bars.

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    ValueError
        A result that is not a permutation-importance Bunch, an unknown
        ``kind`` or ``metric``, or ``top`` below 1.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
    import inspect

    plt = _pyplot()
    if kind not in ("box", "bar"):
        raise ValueError(f"kind must be 'box' or 'bar'; got {kind!r}.")
    bunch, metric = _importance_bunch(result, metric)
    importances = np.asarray(bunch["importances"], dtype=np.float64)
    if importances.ndim != 2 or importances.size == 0:
        raise ValueError(
            "result['importances'] must be a non-empty 2-D array (n_features, "
            f"n_repeats); got shape {importances.shape}."
        )
    n_features, n_repeats = importances.shape
    names = bunch.get("feature_names")
    if names is None or len(names) != n_features:
        names = [f"feature {k}" for k in range(n_features)]
    names = [str(name) for name in names]
    if top is not None and (isinstance(top, bool) or int(top) != top or top < 1):
        raise ValueError(f"top must be a positive integer; got {top!r}.")
    mean = importances.mean(axis=1)
    order = np.argsort(-mean, kind="stable") if sort else np.arange(n_features)
    order = order[: None if top is None else int(top)]
    shown = len(order)
    ys = np.arange(shown)[::-1]  # the most important on top
    if ax is None:
        _, ax = plt.subplots(
            figsize=(6.0, min(1.2 + 0.35 * shown, 12.0)), layout="constrained"
        )
    if kind == "box":
        horizontal = (
            {"orientation": "horizontal"}
            if "orientation" in inspect.signature(ax.boxplot).parameters
            else {"vert": False}
        )
        ax.boxplot(
            [importances[k] for k in order],
            positions=ys,
            widths=0.6,
            patch_artist=True,
            boxprops={"facecolor": color, "alpha": 0.5},
            medianprops={"color": "black"},
            **horizontal,
        )
        ax.plot(
            mean[order],
            ys,
            "D",
            color="black",
            markersize=4,
            linestyle="none",
            label="mean",
        )
    else:
        ax.barh(
            ys,
            mean[order],
            xerr=importances.std(axis=1)[order],
            color=color,
            alpha=0.8,
            capsize=3,
            height=0.6,
        )
    ax.axvline(0.0, color="0.4", linestyle="--", linewidth=0.8)
    ax.set_yticks(np.arange(shown))  # bottom to top
    ax.set_yticklabels([names[k] for k in order[::-1]])
    ax.set_ylim(-0.7, shown - 0.3)
    ax.set_xlabel(
        "decrease in score" + (f" ({metric})" if metric else "") + " when permuted"
    )
    ax.set_title(
        title
        if title is not None
        else f"Permutation importance ({n_repeats} repeat{'s' * (n_repeats > 1)})"
    )
    return ax
