"""Precision-recall of one class, operating points marked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from sklearn.metrics import PrecisionRecallDisplay as _SklearnPRDisplay

from ._base import _axes_and_figure, _display_docs, _fill_docs, _one_call_docs

_DOCS = _display_docs(
    **_one_call_docs(
        "PrecisionRecallDisplay", "plot_precision_recall", "scores", kept="points"
    ),
    threshold="""\
threshold : float or None, default=None
    A decision threshold on the score (e.g. ``best_threshold_`` of
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV`); its
    point (``score >= threshold``, scikit-learn's rule) is marked and
    labelled with its precision and recall.""",
    pos_label="""\
pos_label : label or None, default=None
    The class of interest; by default the last of the sorted labels when
    there are two, required with more.""",
    decisions="""\
y_pred : array-like, dict of array-like, or None, default=None
    Predicted labels of any decision rule (the argmax, a multi-class
    threshold tuner, a cascade): its precision and recall for
    ``pos_label`` are marked. A dict ``{name: y_pred}`` marks several.""",
    default_threshold="""\
default_threshold : float or None, default=0.5
    Also mark this threshold on the score, for comparison (``None`` to
    leave it out).""",
    name="""\
name : str or None, default=None
    Name of the curve in the legend.""",
    raises="""\
Raises
------
ValueError
    Shapes that do not match, or a missing or unknown ``pos_label``.""",
)

# marker and colour of each kind of operating point; decisions cycle
_THRESHOLD_STYLE = {"threshold": ("o", "C3"), "default": ("s", "0.45")}


class OperatingPoint(NamedTuple):
    """Precision and recall of one decision rule, marked on the curve."""

    label: str
    precision: float
    recall: float
    kind: str  # "threshold", "default" (the default threshold) or "decision"


def _precision_recall_at(
    y_bin: np.ndarray, positive: np.ndarray
) -> tuple[float, float]:
    tp = float(np.sum(positive & y_bin))
    predicted = float(np.sum(positive))
    precision = tp / predicted if predicted else 0.0
    recall = tp / float(np.sum(y_bin)) if np.any(y_bin) else 0.0
    return precision, recall


def _check_pos_label(classes: np.ndarray, pos_label: Any) -> Any:
    if pos_label is None:
        if len(classes) != 2:
            raise ValueError(
                f"y_true has {len(classes)} classes {classes.tolist()}; pass "
                "pos_label=<the class of interest>."
            )
        return classes[1]
    if pos_label not in set(classes.tolist()):
        raise ValueError(
            f"pos_label={pos_label!r} is not in y_true (classes: {classes.tolist()})."
        )
    return pos_label


def _positive_scores(
    y_true: np.ndarray, proba: Any, pos_label: Any
) -> tuple[np.ndarray, Any]:
    """The score of ``pos_label`` for every sample, and ``pos_label``."""
    proba = np.asarray(proba, dtype=np.float64)
    classes = np.unique(y_true)
    if proba.shape[0] != y_true.shape[0] or proba.ndim not in (1, 2):
        raise ValueError(
            f"proba has shape {proba.shape} but y_true has {y_true.shape[0]} "
            "labels; pass one score (or one row of probabilities) per sample."
        )
    pos_label = _check_pos_label(classes, pos_label)
    if proba.ndim == 1:
        return proba, pos_label
    if proba.shape[1] == 1:
        return proba[:, 0], pos_label
    if proba.shape[1] == len(classes):
        return proba[:, int(np.searchsorted(classes, pos_label))], pos_label
    raise ValueError(
        f"proba has {proba.shape[1]} columns but y_true has {len(classes)} "
        "classes; pass the scores of pos_label as a 1-D array."
    )


def _operating_points(
    y_true: np.ndarray,
    scores: np.ndarray,
    pos_label: Any,
    threshold: float | None,
    default_threshold: float | None,
    decisions: Any,
) -> list[OperatingPoint]:
    y_bin = y_true == pos_label
    rules = []
    if threshold is not None:
        rules.append((f"threshold {threshold:.2f}", scores >= threshold, "threshold"))
    if default_threshold is not None and default_threshold != threshold:
        rules.append(
            (
                f"threshold {default_threshold:.2f}",
                scores >= default_threshold,
                "default",
            )
        )
    if decisions is not None:
        named = (
            decisions if isinstance(decisions, Mapping) else {"predictions": decisions}
        )
        for label, pred in named.items():
            pred = np.asarray(pred).ravel()
            if pred.shape != y_true.shape:
                raise ValueError(
                    f"y_pred {label!r} has {pred.shape[0]} labels but y_true has "
                    f"{y_true.shape[0]}."
                )
            rules.append((str(label), pred == pos_label, "decision"))
    return [
        OperatingPoint(label, *_precision_recall_at(y_bin, positive), kind)
        for label, positive, kind in rules
    ]


@_fill_docs(_DOCS)
class PrecisionRecallDisplay(_SklearnPRDisplay):
    """Precision-recall curve of one class, with operating points marked.

    scikit-learn's :class:`sklearn.metrics.PrecisionRecallDisplay` (curve,
    average precision and chance level, its attributes and ``plot`` options
    kept) for one class of any number against the rest, plus the
    precision and recall of chosen thresholds and decision rules as
    points on the curve, each labelled ``"name: P=…, R=…"``.

    Parameters
    ----------
    precision : ndarray
        Precision values of the curve.
    recall : ndarray
        Recall values of the curve.
    average_precision : float or None, default=None
        Average precision, shown in the legend.
    name : str or None, default=None
        Name of the curve in the legend.
    pos_label : label or None, default=None
        The class of interest.
    prevalence_pos_label : float or None, default=None
        Share of ``pos_label``, the chance level.
    operating_points : list of OperatingPoint, default=()
        ``(label, precision, recall, kind)`` of every point to mark; kind
        ``"threshold"`` (red circle), ``"default"`` (grey square) or
        ``"decision"`` (diamonds, triangles … in turn).

    Attributes
    ----------
    line_ : matplotlib Line2D
        The curve.
    chance_level_ : matplotlib Line2D or None
        The chance level.
    points_ : list of matplotlib Line2D
        The marker of every operating point, in order.
    {drawn_on}

    {see_plot}

    {examples}
    >>> import numpy as np
    >>> from skseq.plotting import PrecisionRecallDisplay
    >>> y = np.array(["no", "no", "no", "yes", "yes", "no"])
    >>> scores = np.array([0.1, 0.3, 0.6, 0.4, 0.9, 0.2])
    >>> display = PrecisionRecallDisplay.from_predictions(y, scores, threshold=0.35)
    >>> [(p.label, round(p.precision, 2), p.recall) for p in display.operating_points]
    [('threshold 0.35', 0.67, 1.0), ('threshold 0.50', 0.5, 0.5)]
    """

    def __init__(
        self,
        precision: np.ndarray,
        recall: np.ndarray,
        *,
        average_precision: float | None = None,
        name: str | None = None,
        pos_label: Any = None,
        prevalence_pos_label: float | None = None,
        operating_points: Sequence[OperatingPoint] = (),
    ) -> None:
        super().__init__(
            precision,
            recall,
            average_precision=average_precision,
            name=name,
            pos_label=pos_label,
            prevalence_pos_label=prevalence_pos_label,
        )
        self.operating_points = operating_points

    @classmethod
    def from_predictions(  # type: ignore[override]
        cls,
        y_true: Any,
        y_score: Any,
        *,
        pos_label: Any = None,
        threshold: float | None = None,
        y_pred: Any = None,
        default_threshold: float | None = 0.5,
        name: str | None = None,
        ax: Any = None,
    ) -> PrecisionRecallDisplay:
        """Draw the curve of scores or probabilities, and their operating points.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels (any number of classes: the curve is ``pos_label``
            vs the rest).
        y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
            Scores of ``pos_label`` (higher means more likely), or
            ``predict_proba`` output whose columns follow the sorted labels
            of ``y_true`` (a classifier's ``classes_``).
        {pos_label}
        {threshold}
        {decisions}
        {default_threshold}
        {name}
        {ax}

        {returns_display}

        {raises}
        """
        from sklearn.metrics import average_precision_score, precision_recall_curve

        y_true = np.asarray(y_true).ravel()
        scores, pos_label = _positive_scores(y_true, y_score, pos_label)
        y_bin = (y_true == pos_label).astype(int)
        precision, recall, _ = precision_recall_curve(
            y_bin, scores, pos_label=1, drop_intermediate=False
        )
        display = cls(
            precision,
            recall,
            average_precision=average_precision_score(y_bin, scores, pos_label=1),
            name="Classifier" if name is None else name,  # scikit-learn's default
            pos_label=pos_label,
            prevalence_pos_label=y_bin.sum() / len(y_bin),
            operating_points=_operating_points(
                y_true, scores, pos_label, threshold, default_threshold, y_pred
            ),
        )
        return display.plot(ax=ax)

    @classmethod
    def from_estimator(  # type: ignore[override]
        cls,
        estimator: Any,
        X: Any,
        y: Any,
        *,
        pos_label: Any = None,
        threshold: float | None = None,
        y_pred: Any = None,
        default_threshold: float | None = 0.5,
        name: str | None = None,
        ax: Any = None,
    ) -> PrecisionRecallDisplay:
        """Draw the curve of a fitted classifier's probabilities on ``X``.

        Parameters
        ----------
        estimator : fitted classifier with ``predict_proba``
            Its probability of ``pos_label`` is the score.
        X : panel
            Series to score.
        y : array-like of shape (n_samples,)
            True labels.
        {pos_label}
        {threshold}
        {decisions}
        {default_threshold}
        name : str or None, default=None
            Name of the curve in the legend; the estimator's class name when
            ``None``.
        {ax}

        {returns_display}

        {raises}
        """
        classes = np.asarray(estimator.classes_)
        pos_label = _check_pos_label(classes, pos_label)
        column = int(np.flatnonzero(classes == pos_label)[0])
        return cls.from_predictions(
            y,
            estimator.predict_proba(X)[:, column],
            pos_label=pos_label,
            threshold=threshold,
            y_pred=y_pred,
            default_threshold=default_threshold,
            name=type(estimator).__name__ if name is None else name,
            ax=ax,
        )

    def plot(  # type: ignore[override]
        self,
        ax: Any = None,
        *,
        name: str | None = None,
        plot_chance_level: bool = True,
        **kwargs: Any,
    ) -> PrecisionRecallDisplay:
        """Draw the curve and the operating points.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw; a new figure when ``None``.
        name : str or None, default=None
            Name of the curve in the legend; ``self.name`` when ``None``.
        plot_chance_level : bool, default=True
            Draw the chance level (the share of ``pos_label``).
        **kwargs : dict
            Passed on to :meth:`sklearn.metrics.PrecisionRecallDisplay.plot`.

        Returns
        -------
        display : PrecisionRecallDisplay
            ``self``, with ``ax_``, ``figure_``, ``line_``,
            ``chance_level_`` and ``points_`` set.
        """
        ax, _ = _axes_and_figure(ax, (5.0, 4.4), "PrecisionRecallDisplay.plot")
        super().plot(ax=ax, name=name, plot_chance_level=plot_chance_level, **kwargs)
        self.points_ = []
        n_decisions = 0
        for point in self.operating_points:
            if point.kind == "decision":
                marker, colour = "D^v<>p"[n_decisions % 6], f"C{(n_decisions + 4) % 10}"
                n_decisions += 1
            else:
                marker, colour = _THRESHOLD_STYLE[point.kind]
            self.points_ += ax.plot(
                point.recall,
                point.precision,
                marker=marker,
                color=colour,
                markersize=8,
                linestyle="none",
                label=f"{point.label}: P={point.precision:.2f}, R={point.recall:.2f}",
            )
        ax.legend(fontsize="small", loc="lower left")
        ax.set_xlabel(f"Recall of class {self.pos_label!s}")
        ax.set_ylabel(f"Precision of class {self.pos_label!s}")
        ax.set_title(f"Precision-recall for class {self.pos_label!s}")
        return self


@_DOCS
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

    {draws}

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels (any number of classes: the curve is ``pos_label`` vs the
        rest).
    proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores of ``pos_label`` (higher means more likely), or
        ``predict_proba`` output whose columns follow the sorted labels of
        ``y_true`` (a classifier's ``classes_``).
    {threshold}
    {ax}
    {pos_label}
    {decisions}
    {default_threshold}
    {name}

    {returns_ax}

    {raises}

    {see_display}

    {examples}
    >>> import numpy as np
    >>> from skseq.plotting import plot_precision_recall
    >>> y = np.array(["no", "no", "no", "yes", "yes", "no"])
    >>> scores = np.array([0.1, 0.3, 0.6, 0.4, 0.9, 0.2])
    >>> ax = plot_precision_recall(y, scores, threshold=0.35)
    >>> [label for label in ax.get_legend_handles_labels()[1] if "threshold" in label]
    ['threshold 0.35: P=0.67, R=1.00', 'threshold 0.50: P=0.50, R=0.50']
    """
    return PrecisionRecallDisplay.from_predictions(
        y_true,
        proba,
        pos_label=pos_label,
        threshold=threshold,
        y_pred=y_pred,
        default_threshold=default_threshold,
        name=name,
        ax=ax,
    ).ax_
