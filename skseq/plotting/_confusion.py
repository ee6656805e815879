"""Confusion matrix titled with its scores (:class:`ConfusionDisplay`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

from ._base import _axes_and_figure, _display_docs, _fill_docs, _one_call_docs

_DOCS = _display_docs(
    **_one_call_docs("ConfusionDisplay", "plot_confusion", "labels", kept="matrix"),
    labels="""\
labels : array-like or None, default=None
    Order of the classes; those in ``y_true`` or ``y_pred`` when ``None``.""",
    normalize="""\
normalize : {"true", "pred", "all"} or None, default=None
    Normalise counts over the true labels (rows: per-class recall on the
    diagonal), the predictions (columns: precision) or everything.""",
    ax="""\
ax : matplotlib Axes or None, default=None
    Where to draw; a new figure, sized to the number of classes, when
    ``None``.""",
    title="""\
title : str or None, default=None
    Title; by default the macro-F1 and balanced accuracy of the
    predictions.
cmap : str, default="Blues"
    Colour map.""",
)


@_fill_docs(_DOCS)
class ConfusionDisplay(ConfusionMatrixDisplay):
    """Confusion matrix, titled with macro-F1 and balanced accuracy.

    scikit-learn's :class:`~sklearn.metrics.ConfusionMatrixDisplay` (whose
    attributes and ``plot`` options it keeps) plus what a look at an
    imbalanced problem needs: the two scores that do not flatter a majority
    class in the title, counts as integers or normalised values with two
    decimals, a figure sized to the number of classes, no colour bar, and
    slanted class names when they are long.

    Parameters
    ----------
    confusion_matrix : ndarray of shape (n_classes, n_classes)
        Confusion matrix (counts, or normalised).
    display_labels : ndarray of shape (n_classes,) or None, default=None
        Class names; ``0 … n_classes - 1`` when ``None``.
    f1_macro : float or None, default=None
        Macro-F1 of the predictions, for the title.
    balanced_accuracy : float or None, default=None
        Balanced accuracy of the predictions, for the title.

    Attributes
    ----------
    im_ : matplotlib AxesImage
        The matrix.
    text_ : ndarray of matplotlib Text or None
        The value in every cell.
    {drawn_on}

    {see_plot}

    {examples}
    >>> from skseq.plotting import ConfusionDisplay
    >>> display = ConfusionDisplay.from_predictions(["a", "a", "b"], ["a", "b", "b"])
    >>> display.confusion_matrix.tolist(), round(display.f1_macro, 3)
    ([[1, 1], [0, 1]], 0.667)
    >>> display.ax_.get_title()
    'macro-F1 0.667, balanced accuracy 0.750'
    """

    def __init__(
        self,
        confusion_matrix: np.ndarray,
        *,
        display_labels: Any = None,
        f1_macro: float | None = None,
        balanced_accuracy: float | None = None,
    ) -> None:
        super().__init__(confusion_matrix, display_labels=display_labels)
        self.f1_macro = f1_macro
        self.balanced_accuracy = balanced_accuracy

    @classmethod
    def from_predictions(  # type: ignore[override]
        cls,
        y_true: Any,
        y_pred: Any,
        *,
        labels: Any = None,
        normalize: str | None = None,
        ax: Any = None,
        title: str | None = None,
        cmap: str = "Blues",
    ) -> ConfusionDisplay:
        """Draw the confusion matrix of predicted labels.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        y_pred : array-like of shape (n_samples,)
            Predicted labels.
        {labels}
        {normalize}
        {ax}
        {title}

        {returns_display}
        """
        from sklearn.metrics import balanced_accuracy_score, confusion_matrix, f1_score
        from sklearn.utils.multiclass import unique_labels

        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        matrix = confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
        display = cls(
            matrix,
            display_labels=unique_labels(y_true, y_pred) if labels is None else labels,
            f1_macro=f1_score(
                y_true, y_pred, average="macro", labels=labels, zero_division=0
            ),
            balanced_accuracy=balanced_accuracy_score(y_true, y_pred),
        )
        return display.plot(ax=ax, title=title, cmap=cmap)

    @classmethod
    def from_estimator(  # type: ignore[override]
        cls,
        estimator: Any,
        X: Any,
        y: Any,
        *,
        labels: Any = None,
        normalize: str | None = None,
        ax: Any = None,
        title: str | None = None,
        cmap: str = "Blues",
    ) -> ConfusionDisplay:
        """Draw the confusion matrix of a fitted classifier's predictions.

        Parameters
        ----------
        estimator : fitted classifier
            Predicts the labels of ``X``.
        X : panel
            Series to predict.
        y : array-like of shape (n_samples,)
            True labels.
        {labels}
        {normalize}
        {ax}
        {title}

        {returns_display}
        """
        return cls.from_predictions(
            y,
            estimator.predict(X),
            labels=labels,
            normalize=normalize,
            ax=ax,
            title=title,
            cmap=cmap,
        )

    def plot(  # type: ignore[override]
        self,
        *,
        ax: Any = None,
        title: str | None = None,
        cmap: str = "Blues",
        values_format: str | None = None,
        colorbar: bool = False,
        **kwargs: Any,
    ) -> ConfusionDisplay:
        """Draw the matrix.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw; a new figure, sized to the number of classes, when
            ``None``.
        title : str or None, default=None
            Title; by default the macro-F1 and balanced accuracy, when known.
        cmap : str, default="Blues"
            Colour map.
        values_format : str or None, default=None
            Format of the cell values; ``"d"`` for counts, ``".2f"`` for a
            normalised matrix when ``None``.
        colorbar : bool, default=False
            Add a colour bar.
        **kwargs : dict
            Passed on to :meth:`sklearn.metrics.ConfusionMatrixDisplay.plot`
            (``include_values``, ``im_kw``, ``text_kw``, …).

        Returns
        -------
        display : ConfusionDisplay
            ``self``, with ``ax_``, ``figure_``, ``im_`` and ``text_`` set.
        """
        n_classes = self.confusion_matrix.shape[0]
        side = min(3.0 + 0.45 * n_classes, 10.0)
        ax, _ = _axes_and_figure(ax, (side + 0.8, side), "ConfusionDisplay.plot")
        if values_format is None:
            values_format = ".2f" if self.confusion_matrix.dtype.kind == "f" else "d"
        super().plot(
            ax=ax, cmap=cmap, values_format=values_format, colorbar=colorbar, **kwargs
        )
        if title is None and self.f1_macro is not None:
            title = (
                f"macro-F1 {self.f1_macro:.3f}, "
                f"balanced accuracy {self.balanced_accuracy:.3f}"
            )
        if title is not None:
            ax.set_title(title)
        labels = (
            range(n_classes) if self.display_labels is None else self.display_labels
        )
        if sum(len(str(label)) for label in labels) > 40:  # long names would overlap
            ax.tick_params(axis="x", labelrotation=45)
        return self


@_DOCS
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

    Draws a :class:`ConfusionDisplay`, a thin layer over scikit-learn's
    :class:`~sklearn.metrics.ConfusionMatrixDisplay`, and returns its Axes.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    {ax}
    {normalize}
    {labels}
    {title}

    {returns_ax}

    {see_display}

    {examples}
    >>> from skseq.plotting import plot_confusion
    >>> ax = plot_confusion(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    >>> ax.get_title()
    'macro-F1 0.733, balanced accuracy 0.750'
    """
    return ConfusionDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        normalize=normalize,
        ax=ax,
        title=title,
        cmap=cmap,
    ).ax_
