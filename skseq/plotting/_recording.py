"""A long recording with its events and probabilities (:class:`RecordingDisplay`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._base import (
    Span,
    _axes_and_figure,
    _display_docs,
    _fill_docs,
    _one_call_docs,
    _runs,
)

_DOCS = _display_docs(
    **_one_call_docs(
        "RecordingDisplay", "plot_recording", "per-step outputs", kept="events"
    ),
    recording="""\
recording : array-like of shape (n_timepoints,) or (n_channels, n_timepoints)
    The signal, channels before time (skseq's convention).""",
    y_true="""\
y_true : array-like of shape (n_timepoints,) or None, default=None
    True label of every step.""",
    y_pred="""\
y_pred : array-like of shape (n_timepoints,) or None, default=None
    Predicted label of every step.""",
    proba="""\
proba : array-like of shape (n_timepoints,) or (n_timepoints, n_classes), \\
or None, default=None
    Per-step probabilities: one column (the event's), or one per class
    in the order of ``classes``; with two columns only the second is
    drawn, with more every column but the background's.""",
    ax="""\
ax : matplotlib Axes or None, default=None
    Where to draw the signal; a new figure when ``None``.""",
    background="""\
background : label or None, default=None
    The "nothing happening" label, never drawn as an event; the most
    frequent label of ``y_true`` (else of ``y_pred``) when ``None``.""",
    classes="""\
classes : array-like or None, default=None
    Labels of the columns of ``proba``; the sorted labels of ``y_true``
    and ``y_pred`` when ``None``.""",
    threshold="""\
threshold : float or None, default=None
    Drawn as a horizontal line on the probability axis (the decision
    threshold of the predicted events).""",
    time="""\
time : array-like of shape (n_timepoints,) or None, default=None
    x values of the steps (seconds, timestamps); step indices when
    ``None``.""",
)


def _check_recording(recording: Any) -> np.ndarray:
    rec = np.asarray(recording, dtype=np.float64)
    if rec.ndim == 1:
        rec = rec[None, :]
    if rec.ndim != 2:
        raise ValueError(
            f"recording must be 1-D (n_timepoints,) or 2-D (n_channels, "
            f"n_timepoints); got shape {rec.shape}."
        )
    return rec


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


def _check_time(time: Any, n_steps: int) -> np.ndarray | None:
    if time is None:
        return None
    x = np.asarray(time)
    if x.shape != (n_steps,):
        raise ValueError(f"time must hold {n_steps} values; got shape {x.shape}.")
    return x


def _proba_columns(
    proba: Any, n_steps: int, classes: Any, background: Any
) -> dict[str, np.ndarray] | None:
    """The probability curves to draw, by legend label."""
    if proba is None:
        return None
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape[0] != n_steps or proba.ndim not in (1, 2):
        raise ValueError(
            f"proba has shape {proba.shape} but the recording has {n_steps} "
            "steps; pass (n_timepoints,) or (n_timepoints, n_classes)."
        )
    if proba.ndim == 1:
        return {"P(event)": proba}
    names = (
        list(classes)
        if classes is not None and len(classes) == proba.shape[1]
        else list(range(proba.shape[1]))
    )
    keep = [k for k, c in enumerate(names) if c != background]
    if proba.shape[1] == 2:
        keep = [1]
    return {f"P({names[k]})": proba[:, k] for k in keep}


def _event_spans(
    labels: np.ndarray | None, classes: list
) -> dict[Any, list[Span]] | None:
    if labels is None:
        return None
    return {c: _runs(labels == c) for c in classes}


@_fill_docs(_DOCS)
class RecordingDisplay:
    """A long recording with its true events, predicted events and probabilities.

    True events (time steps whose label is not the background) are shaded
    behind the signal; predicted events are bars along the bottom edge; the
    per-step probabilities go on a second y-axis on the right. Made for the
    per-step outputs of :class:`skseq.windows.WindowedClassifier`.

    Make one with :meth:`from_estimator` (a fitted windowed classifier) or
    :meth:`from_predictions` (per-step labels and probabilities); all
    parameters are stored as attributes.

    Parameters
    ----------
    recording : ndarray of shape (n_channels, n_timepoints)
        The signal.
    time : ndarray of shape (n_timepoints,) or None, default=None
        x values of the steps; step indices when ``None``.
    true_spans : dict of label to list of (int, int), or None, default=None
        The true events of every event class: ``(start, stop)`` runs of
        steps, half-open (``y_true[start:stop]``), in time order.
    predicted_spans : dict of label to list of (int, int) or None, default=None
        The predicted events, in the same form.
    proba : dict of str to ndarray of shape (n_timepoints,) or None, default=None
        The probability curves, by legend label (``"P(walk)"``).
    threshold : float or None, default=None
        The decision threshold, a horizontal line on the probability axis.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The signal's Axes.
    proba_ax_ : matplotlib Axes or None
        Its twin holding the probabilities (``None`` without ``proba``).
    figure_ : matplotlib Figure
        Figure holding them.
    lines_ : list of matplotlib Line2D
        The signal, one line per channel.
    true_patches_, predicted_patches_ : dict of label to list of Polygon
        The shading of every true event and the bar of every predicted one.
    proba_lines_ : dict of str to matplotlib Line2D
        The probability curves.
    threshold_line_ : matplotlib Line2D or None
        The threshold.

    {see_plot}

    {examples}
    >>> import numpy as np
    >>> from skseq.plotting import RecordingDisplay
    >>> y_true = np.array([0, 0, 1, 1, 0, 0, 1, 0])
    >>> y_pred = np.array([0, 0, 0, 1, 1, 0, 0, 0])
    >>> display = RecordingDisplay.from_predictions(np.arange(8.0), y_true, y_pred)
    >>> list(display.true_spans.values()), list(display.predicted_spans.values())
    ([[(2, 4), (6, 7)]], [[(3, 5)]])
    >>> len(display.true_patches_[1]), display.proba_ax_ is None
    (2, True)
    """

    def __init__(
        self,
        recording: np.ndarray,
        *,
        time: np.ndarray | None = None,
        true_spans: Mapping[Any, list[Span]] | None = None,
        predicted_spans: Mapping[Any, list[Span]] | None = None,
        proba: Mapping[str, np.ndarray] | None = None,
        threshold: float | None = None,
    ) -> None:
        self.recording = recording
        self.time = time
        self.true_spans = true_spans
        self.predicted_spans = predicted_spans
        self.proba = proba
        self.threshold = threshold

    @classmethod
    def from_predictions(
        cls,
        recording: Any,
        y_true: Any = None,
        y_pred: Any = None,
        proba: Any = None,
        *,
        background: Any = None,
        classes: Any = None,
        threshold: float | None = None,
        time: Any = None,
        ax: Any = None,
    ) -> RecordingDisplay:
        """Draw a recording with per-step labels and probabilities.

        Parameters
        ----------
        {recording}
        {y_true}
        {y_pred}
        {proba}
        {background}
        {classes}
        {threshold}
        {time}
        {ax}

        {returns_display}

        Raises
        ------
        ValueError
            An input whose length is not the recording's.
        """
        rec = _check_recording(recording)
        n_steps = rec.shape[1]
        y_true = _step_labels(y_true, n_steps, "y_true")
        y_pred = _step_labels(y_pred, n_steps, "y_pred")
        time = _check_time(time, n_steps)
        seen = [v for v in (y_true, y_pred) if v is not None]
        if background is None and seen:
            values, counts = np.unique(seen[0], return_counts=True)
            background = values[np.argmax(counts)]
        if classes is None and seen:
            classes = np.unique(np.concatenate(seen))
        events = [] if classes is None else [c for c in classes if c != background]
        return cls(
            rec,
            time=time,
            true_spans=_event_spans(y_true, events),
            predicted_spans=_event_spans(y_pred, events),
            proba=_proba_columns(proba, n_steps, classes, background),
            threshold=threshold,
        ).plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        recording: Any,
        y_true: Any = None,
        *,
        background: Any = None,
        threshold: float | None = None,
        time: Any = None,
        ax: Any = None,
    ) -> RecordingDisplay:
        """Draw what a fitted per-step classifier makes of one recording.

        Parameters
        ----------
        estimator : fitted classifier
            Predicts one label per time step of a recording, e.g.
            :class:`skseq.windows.WindowedClassifier`; its ``predict_proba``,
            when it has one, gives the probabilities (columns in the order
            of ``classes_``).
        {recording}
        {y_true}
        {background}
        {threshold}
        {time}
        {ax}

        {returns_display}
        """
        proba = None
        if hasattr(estimator, "predict_proba"):
            proba = estimator.predict_proba(recording)
        return cls.from_predictions(
            recording,
            y_true,
            estimator.predict(recording),
            proba,
            background=background,
            classes=getattr(estimator, "classes_", None),
            threshold=threshold,
            time=time,
            ax=ax,
        )

    def plot(self, ax: Any = None) -> RecordingDisplay:
        """Draw the signal, the events and the probabilities.

        Parameters
        ----------
        {ax}

        Returns
        -------
        display : RecordingDisplay
            ``self``, with ``ax_``, ``proba_ax_``, ``figure_`` and the
            artists set.
        """
        ax, self.figure_ = _axes_and_figure(ax, (12.0, 3.2), "RecordingDisplay.plot")
        n_channels, n_steps = self.recording.shape
        x = np.arange(n_steps) if self.time is None else self.time
        self.lines_ = [
            ax.plot(
                x,
                self.recording[c],
                color="0.25" if n_channels == 1 else f"C{c % 10}",
                linewidth=0.7,
                label=f"channel {c}",
            )[0]
            for c in range(n_channels)
        ]
        self.true_patches_ = self._draw_spans(ax, x, self.true_spans, "true")
        self.predicted_patches_ = self._draw_spans(
            ax, x, self.predicted_spans, "predicted"
        )
        handles, names = ax.get_legend_handles_labels()
        self.proba_ax_, self.proba_lines_, self.threshold_line_ = None, {}, None
        if self.proba is not None:
            more = self._draw_proba(ax.twinx(), x)
            handles, names = handles + more[0], names + more[1]
        if handles:
            ax.legend(handles, names, loc="upper left", fontsize="small", ncol=4)
        # room for the legend above the signal and the prediction bars below it
        lo, hi = np.nanmin(self.recording), np.nanmax(self.recording)
        height = hi - lo if hi > lo else 1.0
        ax.set_ylim(lo - 0.12 * height, hi + 0.35 * height)
        half = _half_step(x)
        ax.set_xlim(x[0] - half, x[-1] + half)
        ax.set_xlabel("time step" if self.time is None else "time")
        ax.set_ylabel("signal")
        self.ax_ = ax
        return self

    def _event_classes(self) -> list:
        """Event classes in colour order (the keys of the spans)."""
        spans = [s for s in (self.true_spans, self.predicted_spans) if s is not None]
        return list(dict.fromkeys(c for s in spans for c in s))

    def _draw_spans(
        self, ax: Any, x: np.ndarray, spans: Mapping[Any, list[Span]] | None, kind: str
    ) -> dict[Any, list[Any]]:
        """Shade true events behind the signal, or bar predicted ones below it."""
        if spans is None:
            return {}
        colour = {c: f"C{(k + 1) % 10}" for k, c in enumerate(self._event_classes())}
        # a bar along the bottom edge, clear of the shading
        where = {"alpha": 0.2} if kind == "true" else {"ymax": 0.06, "alpha": 0.9}
        half = _half_step(x)
        patches: dict[Any, list[Any]] = {}
        for c, runs in spans.items():
            patches[c] = [
                ax.axvspan(
                    x[start] - half,
                    x[stop - 1] + half,
                    color=colour[c],
                    label=f"{kind} {c}" if k == 0 else None,
                    **where,
                )
                for k, (start, stop) in enumerate(runs)
            ]
        return patches

    def _draw_proba(self, twin: Any, x: np.ndarray) -> tuple[list, list]:
        """The probability curves on the twin axis; its legend entries."""
        for k, (name, values) in enumerate(self.proba.items()):
            (self.proba_lines_[name],) = twin.plot(
                x,
                values,
                color=f"C{(k + 4) % 10}",
                linewidth=1.0,
                alpha=0.9,
                linestyle="-",
                label=name,
                zorder=1,
            )
        if self.threshold is not None:
            self.threshold_line_ = twin.axhline(
                self.threshold,
                color="0.3",
                linestyle="--",
                linewidth=0.8,
                label=f"threshold {self.threshold:.2f}",
            )
        # 0 sits just above the prediction bars; headroom keeps the curve off
        # the legend
        twin.set_ylim(-0.1, 1.3)
        twin.set_ylabel("probability")
        self.proba_ax_ = twin
        return twin.get_legend_handles_labels()


def _half_step(x: np.ndarray) -> float:
    """Half a step, added on each side of a run so a one-step event shows."""
    return 0.5 * (x[1] - x[0]) if len(x) > 1 else 0.5


@_DOCS
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

    {draws}

    Parameters
    ----------
    {recording}
    {y_true}
    {y_pred}
    {proba}
    {ax}
    {background}
    {classes}
    {threshold}
    {time}

    Returns
    -------
    ax : matplotlib Axes
        The signal's Axes (the probability axis is its twin).

    {see_display}

    {examples}
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
    return RecordingDisplay.from_predictions(
        recording,
        y_true,
        y_pred,
        proba,
        background=background,
        classes=classes,
        threshold=threshold,
        time=time,
        ax=ax,
    ).ax_
