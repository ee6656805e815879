"""Class weights and sample weights in a classifier's loss.

:class:`WeightedLossMixin` builds the criterion with the class weights
(``class_weight``) or per-class counts a criterion asks for, and computes
the loss of a batch whose series carry ``sample_weight``: per-series losses
times the sample weights, divided by the sum of sample weight times class
weight (torch's weighted mean with the two weights multiplied, as
scikit-learn combines them).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import _check_sample_weight as _sk_check_sample_weight
from skorch.utils import to_tensor

from ._components import init_parameters

__all__ = ["WeightedLossMixin"]


class WeightedLossMixin:
    """Class weights into the criterion, sample weights into the loss.

    A mixin for a skorch ``NeuralNetClassifier`` (placed before it) whose
    estimator has ``class_weight`` and ``resampler`` parameters and the
    fitted ``classes_`` and ``class_counts_``. Batches carry sample weights
    under ``"sample_weight"`` (see :class:`~skseq.classifiers._data.PanelDataset`).
    """

    def initialize_criterion(self):
        # override: class weights / class counts go to the criterion's constructor
        kwargs = self.get_params_for("criterion")
        criterion = self.criterion
        kind = criterion if isinstance(criterion, type) else type(criterion)
        if issubclass(kind, torch.nn.BCELoss | torch.nn.BCEWithLogitsLoss):
            raise ValueError(
                f"criterion={kind.__name__} expects one output per series; skseq "
                "networks return one logit per class, binary included. Use the "
                "default torch.nn.CrossEntropyLoss (the same loss for two "
                "classes) or a loss from skseq.losses."
            )
        if not isinstance(criterion, torch.nn.Module):
            accepted = init_parameters(criterion)
            weights = self._class_weight_tensor()
            if weights is not None and "weight" not in kwargs:
                if "weight" not in accepted:
                    name = getattr(criterion, "__name__", criterion)
                    raise ValueError(
                        f"class_weight={self.class_weight!r} needs a criterion that "
                        f"accepts 'weight'; {name} does not. Use class_weight=None "
                        "or a criterion from skseq.losses."
                    )
                kwargs["weight"] = weights
            if "class_counts" in accepted and "class_counts" not in kwargs:
                kwargs["class_counts"] = self.class_counts_.tolist()
        self.criterion_ = self.initialized_instance(criterion, kwargs)
        return self

    def _class_weight_tensor(self) -> torch.Tensor | None:
        # from the fitted counts, so set_params(class_weight=...) on a fitted
        # net (which re-initialises the criterion at once) sees the new value
        self.class_weight_ = self._compute_class_weight(self.class_counts_)
        if self.class_weight_ is None:
            return None
        return torch.as_tensor(self.class_weight_, dtype=torch.float32)

    def _compute_class_weight(self, counts: np.ndarray) -> np.ndarray | None:
        """Per-class loss weights from per-class training counts."""
        cw = self.class_weight
        if cw is None:
            return None
        n_classes = len(self.classes_)
        if isinstance(cw, str):
            if cw != "balanced":
                raise ValueError(
                    f"class_weight must be None, 'balanced' or a dict; got {cw!r}."
                )
            y_enc = np.repeat(np.arange(n_classes), counts)
            return compute_class_weight(
                "balanced", classes=np.arange(n_classes), y=y_enc
            )
        if isinstance(cw, Mapping):
            labels = self.classes_.tolist()
            unknown = [k for k in cw if k not in labels]
            if unknown:
                kinds = sorted({type(c).__name__ for c in labels})
                raise ValueError(
                    "class_weight has keys "
                    f"{', '.join(repr(k) for k in unknown[:5])} that are not "
                    f"labels of y; the labels are {labels[:10]!r} (of type "
                    f"{' / '.join(kinds)}): use them, with their type, as keys."
                )
            weights = np.array([cw.get(c, 1.0) for c in labels], dtype=object)
            try:
                weights = weights.astype(np.float64)
            except (TypeError, ValueError):
                raise TypeError(
                    "class_weight values must be numbers; got "
                    f"{ {k: type(v).__name__ for k, v in cw.items()} }."
                ) from None
            if not np.all(np.isfinite(weights)) or np.any(weights < 0):
                raise ValueError(
                    "class_weight values must be finite and >= 0 (a negative "
                    f"weight maximises that class's loss); got {dict(cw)!r}."
                )
            if not np.any(weights > 0):
                raise ValueError(
                    "class_weight gives every class weight 0, so there is no "
                    f"loss to train on; got {dict(cw)!r}."
                )
            return weights
        raise ValueError(
            f"class_weight must be None, 'balanced' or a dict; got {type(cw).__name__}."
        )

    def get_loss(self, y_pred, y_true, X=None, training=False):
        # override: batches with sample_weight need per-series losses
        weights = X.get("sample_weight") if isinstance(X, dict) else None
        if weights is None:
            return self._criterion_loss(y_pred, y_true, X, training)
        # per-sample losses times sample_weight; "mean" divides by the sum of
        # sample_weight x class weight, torch's weighted-mean semantics with
        # the two weights multiplied (as sklearn combines them)
        criterion = getattr(self.criterion_, "_orig_mod", self.criterion_)
        reduction = criterion.reduction
        criterion.reduction = "none"
        try:
            losses = self._criterion_loss(y_pred, y_true, X, training)
        finally:
            criterion.reduction = reduction
        weights = weights.to(losses)
        if reduction == "sum":
            return (weights * losses).sum()
        class_weight = getattr(criterion, "weight", None)
        if class_weight is not None:
            target = to_tensor(y_true, device=losses.device).long()
            norm = weights * class_weight.to(losses)[target]
        else:
            norm = weights
        return (weights * losses).sum() / norm.sum().clamp_min(1e-12)

    def _criterion_loss(self, y_pred, y_true, X, training):
        # skseq's networks return logits; skorch's NeuralNetClassifier takes
        # the log of y_pred for NLLLoss (it assumes probabilities), which is
        # NaN for every negative logit
        if isinstance(self.criterion_, torch.nn.NLLLoss):
            y_true = to_tensor(y_true, device=self.device)
            return self.criterion_(torch.log_softmax(y_pred, dim=-1), y_true)
        return super().get_loss(y_pred, y_true, X=X, training=training)

    def _check_sample_weight(self, sample_weight, n: int) -> np.ndarray | None:
        """``sample_weight`` validated by scikit-learn's check (finite, >= 0,
        not all zero, one per series): None when it cannot change the loss
        (None or all equal), else the float64 weights."""
        if sample_weight is None:
            return None
        try:
            w = _sk_check_sample_weight(
                sample_weight,
                np.empty((n, 0)),
                dtype=np.float64,
                ensure_non_negative=True,
            )
        except ValueError as exc:
            raise ValueError(f"sample_weight: {exc}") from None
        if self.resampler is not None and not np.all(w == w[0]):
            raise ValueError(
                "sample_weight cannot be combined with resampler: a resampler "
                "makes and drops series, which have no weights. Use one of the "
                "two (class_weight also combines with sample_weight)."
            )
        criterion = self.criterion
        reduces = (
            hasattr(criterion, "reduction")
            if isinstance(criterion, torch.nn.Module)
            else "reduction" in init_parameters(criterion)
        )
        if not reduces and not np.all(w == w[0]):
            name = getattr(criterion, "__name__", type(criterion).__name__)
            raise ValueError(
                "sample_weight needs a criterion with a 'reduction' parameter "
                f"(per-sample losses); {name} has none. Use a torch loss or one "
                "from skseq.losses."
            )
        return None if np.all(w == w[0]) else w
