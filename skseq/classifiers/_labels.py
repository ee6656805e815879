"""Labels of any type on a network that trains on class indices.

:class:`LabelEncodingMixin` is the one place where the labels a user gives
(strings, any hashable) meet the class indices ``0..n_classes-1`` that the
loss and the batches use: labels are encoded once per ``fit``/``partial_fit``,
scoring callbacks see them decoded, and ``predict`` returns them as given.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from skorch.callbacks import EpochScoring
from skorch.utils import to_numpy

from .._docstrings import fill_doc
from ..utils.validation import check_panel_y

__all__ = ["LabelEncodingMixin"]


class LabelEncodingMixin:
    """Encode labels for training and decode them for scoring and ``predict``.

    A mixin for a skorch ``NeuralNetClassifier`` (placed before it). The
    fitted encoder is ``_label_encoder``; ``classes_inferred_`` and
    ``n_classes_`` are set by the first fit. The constructor's ``classes``
    (skorch's parameter) declares every label up front, for ``partial_fit``
    on data that lacks some of them.
    """

    def _encode_labels(self, y: Any, n: int, *, reset: bool) -> tuple[Any, Any]:
        """``y`` validated (``n`` labels) and its class indices.

        With ``reset`` the encoder is fitted (on ``classes`` if given, else on
        ``y``); otherwise every label must be a known one.

        Returns
        -------
        y : ndarray of shape (n,)
            The labels as given.
        y_encoded : ndarray of shape (n,)
            Their class indices.
        """
        if reset:
            y = check_panel_y(y, n)
            self._label_encoder = LabelEncoder()
            if self.classes is not None and len(self.classes):
                self._label_encoder.fit(np.asarray(self.classes))
            else:
                self._label_encoder.fit(y)
            self.classes_inferred_ = self._label_encoder.classes_
            self.n_classes_ = len(self.classes_inferred_)
        else:
            y = check_panel_y(y, n, min_classes=1)
        unseen = np.setdiff1d(np.unique(y), self._label_encoder.classes_)
        if len(unseen):
            raise ValueError(
                f"y contains labels {unseen.tolist()[:5]} not seen in the first fit "
                f"(classes: {self._label_encoder.classes_.tolist()}); pass "
                "classes=[...] to the constructor to declare every label up front."
            )
        return y, self._label_encoder.transform(y)

    def check_data(self, X, y):
        # override: skorch's would re-infer classes_ from this call's labels;
        # labels are validated and encoded in fit (see _encode_labels)
        pass

    def initialize_callbacks(self):
        # override: batches carry class indices; scorers must see the labels
        super().initialize_callbacks()
        for _, cb in self.callbacks_:
            if isinstance(cb, EpochScoring) and cb.target_extractor is to_numpy:
                cb.target_extractor = self._decode_target
        return self

    def _decode_target(self, y: Any) -> np.ndarray:
        """Encoded batch targets back to labels; labels from a dataset pass."""
        if isinstance(y, torch.Tensor):
            return self.classes_[y.cpu().numpy()]
        return np.asarray(y)

    @fill_doc
    def predict(self, X) -> np.ndarray:
        """Most probable class of every series, as the labels given in fit.

        {predict_parameters}

        Returns
        -------
        y_pred : ndarray of shape (n_instances,)
        """
        # override: skorch returns the column index, skseq the label
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]
