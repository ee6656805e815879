"""Plots a practitioner looks at when training sequence classifiers.

Every plot is a display object in scikit-learn's style: a classmethod
(``from_estimator``, or ``from_predictions``/``from_weights``/
``from_history``/``from_result`` for outputs already computed) computes what
is drawn and stores it as attributes, then :meth:`plot` draws it on ``ax``
(or a new figure) and keeps the artists (``ax_``, ``figure_``, ``lines_``,
…), so a figure can be redrawn or restyled without recomputing.

- :class:`HistoryDisplay` / :func:`plot_history`: loss and monitored scores
  per epoch, training vs validation, with the epoch early stopping restored.
- :class:`ConfusionDisplay` / :func:`plot_confusion`: confusion matrix
  (scikit-learn's :class:`~sklearn.metrics.ConfusionMatrixDisplay`) titled
  with macro-F1 and balanced accuracy.
- :class:`AttentionDisplay` / :func:`plot_attention`: attention weights over
  time behind the series they were computed on
  (``AttentionLSTMClassifier.attention_weights``).
- :class:`RecordingDisplay` / :func:`plot_recording`: a long recording with
  its true and predicted events and the per-step probability
  (``WindowedClassifier`` outputs).
- :class:`PrecisionRecallDisplay` / :func:`plot_precision_recall`:
  precision-recall curve of one class with the operating points of chosen
  thresholds or decisions marked.
- :class:`ImportanceDisplay` / :func:`plot_importance`: permutation
  importances per channel or time segment
  (:func:`skseq.inspection.permutation_importance`), sorted.

The ``plot_*`` functions draw a display in one call and return what it drew
on (its ``ax_``; :func:`plot_history` its ``axes_``), so figures are composed
with :func:`matplotlib.pyplot.subplots`. matplotlib is imported when
something is drawn.
"""

from ._attention import AttentionDisplay, plot_attention
from ._confusion import ConfusionDisplay, plot_confusion
from ._history import HistoryDisplay, plot_history
from ._importance import ImportanceDisplay, plot_importance
from ._precision_recall import (
    OperatingPoint,
    PrecisionRecallDisplay,
    plot_precision_recall,
)
from ._recording import RecordingDisplay, plot_recording

__all__ = [
    "AttentionDisplay",
    "ConfusionDisplay",
    "HistoryDisplay",
    "ImportanceDisplay",
    "OperatingPoint",
    "PrecisionRecallDisplay",
    "RecordingDisplay",
    "plot_attention",
    "plot_confusion",
    "plot_history",
    "plot_importance",
    "plot_precision_recall",
    "plot_recording",
]
