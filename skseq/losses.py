"""Imbalance-aware classification criteria for skorch's ``criterion=``.

Every loss here is a :class:`torch.nn.Module` called as
``loss(logits, target)`` with ``logits`` of shape ``(N, C)`` (one logit per
class, ``C >= 2``; skseq's classifiers output two logits for a binary problem)
and ``target`` of shape ``(N,)`` holding class indices ``0..C-1``. Pass the
class to a skseq classifier or any skorch net and set its parameters with
``criterion__*``::

    LSTMClassifier(criterion=FocalLoss, criterion__gamma=2.0)

All losses work on ``log_softmax`` of the logits, so they stay finite for
logits of any magnitude.

Common parameters
-----------------
``weight`` is a per-class rescaling with exactly the semantics of
:func:`torch.nn.functional.cross_entropy`'s ``weight`` (the ``class_weight``
of scikit-learn): every sample's loss is multiplied by ``weight[y_i]``, and
``reduction="mean"`` divides by the sum of those weights rather than by ``N``.
The method-specific factors (focal ``alpha``, class-balanced weights) multiply
the loss and are *not* part of that normalisation, as in the papers.

``reduction="none"`` returns one loss per sample. That is the way to use
per-sample weights with skorch: override ``get_loss`` of the net and
multiply (see :class:`FocalLoss`'s Notes).

Losses that need the label distribution (``FocalLoss(alpha="balanced")``,
:class:`ClassBalancedLoss`, :class:`LogitAdjustedLoss`,
:class:`BalancedSoftmaxLoss`) take ``class_counts``: the number of training
samples of each class, in the order of the classifier's ``classes_``. skseq's
classifiers pass ``criterion__class_counts`` at fit time to every criterion
whose constructor has a ``class_counts`` argument; with a plain skorch net,
pass it yourself (``criterion__class_counts=np.bincount(y)``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ._docstrings import Substitution

__all__ = [
    "BalancedSoftmaxLoss",
    "ClassBalancedLoss",
    "FocalLoss",
    "LogitAdjustedLoss",
]

Reduction = Literal["mean", "sum", "none"]
_REDUCTIONS = ("mean", "sum", "none")


#: Docstring entries shared by the losses that need ``class_counts`` (a
#: ``{name}`` line of a docstring decorated with it is replaced by the block).
_DOCS = Substitution(
    reduction_and_counts="""\
reduction : {"mean", "sum", "none"}, default="mean"
    As in torch.
class_counts : sequence of int
    Training samples per class (order of ``classes_``). Required; skseq
    classifiers pass it in ``fit``.""",
)


def _class_vector(values: Sequence[float] | np.ndarray | Tensor, name: str) -> Tensor:
    """A 1-D float32 tensor of finite, non-negative per-class values."""
    if isinstance(values, Tensor):
        values = values.detach().cpu().numpy()
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be a sequence of numbers, one per class; got {values!r}."
        ) from exc
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(
            f"{name} must be a 1-D sequence with one entry per class (at least 2); "
            f"got shape {arr.shape}."
        )
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(f"{name} must be finite and non-negative; got {arr.tolist()}.")
    return torch.as_tensor(arr, dtype=torch.float32)


def _checked_counts(class_counts: object, owner: str, why: str) -> Tensor:
    """Validate ``class_counts``; every class must have been seen at least once."""
    if class_counts is None:
        raise ValueError(
            f"{owner}{why} needs the training label distribution: pass "
            "class_counts (number of training samples per class, in the order of "
            "the classifier's classes_). skseq classifiers set "
            "criterion__class_counts automatically in fit; with a plain skorch net "
            "pass criterion__class_counts=np.bincount(y)."
        )
    counts = _class_vector(class_counts, "class_counts")  # type: ignore[arg-type]
    if (counts <= 0).any():
        missing = torch.nonzero(counts <= 0).flatten().tolist()
        raise ValueError(
            f"class_counts must be positive for every class; classes {missing} have "
            "no training samples. Remove those classes from the labels, or use a "
            "loss that does not depend on class frequencies."
        )
    return counts


def _real(value: object, name: str, expected: str) -> float:
    """``value`` as a float, or a ``TypeError`` naming the parameter."""
    if isinstance(value, Tensor | np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}; got {value!r}.")
    return float(value)


def _check_gamma(gamma: float) -> float:
    gamma = _real(gamma, "gamma", "a finite number >= 0 (e.g. gamma=2.0)")
    if not np.isfinite(gamma) or gamma < 0:
        raise ValueError(f"gamma must be a finite number >= 0; got {gamma}.")
    return gamma


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}; got {reduction!r}.")
    return reduction


def _check_inputs(
    logits: Tensor, target: Tensor, n_classes: int | None, owner: str
) -> tuple[Tensor, Tensor]:
    """Shapes and dtypes the losses rely on, with errors that say what to do."""
    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError(
            f"{owner} expects logits of shape (N, C) with C >= 2 (one logit per "
            f"class; use 2 logits for a binary problem); got shape "
            f"{tuple(logits.shape)}."
        )
    if target.ndim != 1 or target.shape[0] != logits.shape[0]:
        raise ValueError(
            f"{owner} expects target of shape (N,) = ({logits.shape[0]},) holding "
            f"class indices; got shape {tuple(target.shape)}."
        )
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool:
        raise TypeError(
            f"{owner} expects integer class indices as target; got dtype "
            f"{target.dtype}. Encode labels as 0..C-1 (skseq classifiers do)."
        )
    if n_classes is not None and logits.shape[1] != n_classes:
        raise ValueError(
            f"{owner} was configured for {n_classes} classes (length of its "
            f"per-class parameters) but got logits for {logits.shape[1]} classes."
        )
    # losses are computed in float32 at least, so half-precision logits from
    # autocast cannot overflow in exp/log
    if logits.dtype in (torch.float16, torch.bfloat16):
        logits = logits.float()
    return logits, target.long()


class _ClassWeightedLoss(nn.Module):
    """Shared parts: ``weight`` and ``reduction`` with torch's semantics."""

    weight: Tensor | None

    def __init__(
        self,
        weight: Sequence[float] | np.ndarray | Tensor | None,
        reduction: Reduction,
    ) -> None:
        super().__init__()
        self.reduction = _check_reduction(reduction)
        self.register_buffer(
            "weight", None if weight is None else _class_vector(weight, "weight")
        )

    def _n_classes(self) -> int | None:
        return None if self.weight is None else len(self.weight)

    def _set_class_counts(self, class_counts: object) -> Tensor:
        """Store ``class_counts``; return them checked, in float64.

        For losses that need the counts: ``weight`` must then have one entry
        per counted class.
        """
        self.class_counts = class_counts
        owner = type(self).__name__
        counts = _checked_counts(class_counts, owner, "").double()
        if self.weight is not None and len(self.weight) != len(counts):
            raise ValueError(
                f"{owner}: weight has {len(self.weight)} entries but class_counts "
                f"has {len(counts)}; give one entry per class."
            )
        return counts

    def _nll(self, scaled_log_probs: Tensor, target: Tensor) -> Tensor:
        # nll_loss gives cross_entropy's exact weighted-mean semantics
        weight = None if self.weight is None else self.weight.to(scaled_log_probs)
        return F.nll_loss(
            scaled_log_probs, target, weight=weight, reduction=self.reduction
        )


def _focal_log_probs(log_probs: Tensor, gamma: float) -> Tensor:
    """``(1 - p) ** gamma * log p`` element-wise, finite for any logits."""
    if gamma == 0:
        return log_probs
    # -expm1(log p) is 1 - p without cancellation near p = 1; the clamp keeps
    # the derivative of x ** gamma finite (gamma < 1) where p rounds to 1
    one_minus_p = (-torch.expm1(log_probs)).clamp_min(torch.finfo(log_probs.dtype).tiny)
    return one_minus_p.pow(gamma) * log_probs


class FocalLoss(_ClassWeightedLoss):
    r"""Focal loss on logits, binary and multi-class (Lin et al. 2017).

    .. math::

        \ell_i = -\,w_{y_i}\,\alpha_{y_i}\,(1 - p_{i,y_i})^{\gamma}\,
        \log p_{i,y_i}, \qquad p_i = \operatorname{softmax}(z_i)

    The factor :math:`(1-p)^\gamma` down-weights well-classified samples so
    training concentrates on the hard (often minority) ones. With
    ``gamma=0`` and ``alpha=None`` it is exactly
    :func:`torch.nn.functional.cross_entropy`.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter, ``>= 0``.
    alpha : None, float, sequence of float or "balanced", default=None
        Per-class factor :math:`\alpha_c`. A float ``a`` (binary problems
        only) weights the positive class (index 1) by ``a`` and the other by
        ``1 - a``, as in the paper (which uses ``a=0.25``). A sequence gives
        one factor per class. ``"balanced"`` uses ``n / (C * n_c)`` from
        ``class_counts`` (scikit-learn's balanced class weights).
    weight : sequence of float, optional
        Per-class weights with the semantics of ``cross_entropy``'s
        ``weight`` (see the module docstring).
    reduction : {"mean", "sum", "none"}, default="mean"
        As in torch; ``"none"`` returns the ``(N,)`` per-sample losses.
    class_counts : sequence of int, optional
        Training samples per class (order of ``classes_``); required only for
        ``alpha="balanced"``. skseq classifiers pass it in ``fit``.

    Raises
    ------
    ValueError
        Negative ``gamma``, a scalar ``alpha`` outside [0, 1] or with more than
        two classes, ``alpha="balanced"`` without ``class_counts``, or
        per-class parameters whose lengths disagree.

    See Also
    --------
    ClassBalancedLoss : focal or cross-entropy loss weighted by the effective
        number of samples of each class.
    LogitAdjustedLoss : cross-entropy with the class prior added to the logits.

    Notes
    -----
    Per-sample weights: with ``reduction="none"`` the criterion returns one
    loss per sample; a skorch net can weight them in ``get_loss``, e.g.
    ``(criterion(y_pred, y_true) * sample_weight).mean()``.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal Loss
       for Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> import torch
    >>> from skseq.losses import FocalLoss
    >>> logits = torch.tensor([[2.0, -1.0], [0.5, 0.3], [-3.0, 3.0]])
    >>> target = torch.tensor([0, 1, 1])
    >>> loss = FocalLoss(gamma=2.0)(logits, target)
    >>> round(loss.item(), 4)
    0.0805
    >>> ce = torch.nn.functional.cross_entropy(logits, target)
    >>> bool(FocalLoss(gamma=0.0)(logits, target) == ce)
    True
    >>> FocalLoss(alpha="balanced", class_counts=[90, 10])(logits, target).shape
    torch.Size([])
    """

    def __init__(
        self,
        gamma: float = 2.0,
        alpha: float | Sequence[float] | Literal["balanced"] | None = None,
        weight: Sequence[float] | np.ndarray | Tensor | None = None,
        reduction: Reduction = "mean",
        class_counts: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        super().__init__(weight, reduction)
        self.gamma = _check_gamma(gamma)
        self.alpha = alpha
        self.class_counts = class_counts
        self.register_buffer("alpha_", self._alpha_vector(alpha, class_counts))
        sizes = {len(t) for t in (self.weight, self.alpha_) if t is not None}
        if len(sizes) > 1:
            raise ValueError(
                f"FocalLoss: weight and alpha have different numbers of classes "
                f"({sorted(sizes)}); give one entry per class to each."
            )

    @staticmethod
    def _alpha_vector(alpha: object, class_counts: object) -> Tensor | None:
        if alpha is None:
            return None
        if isinstance(alpha, str):
            if alpha != "balanced":
                raise ValueError(
                    f"alpha must be None, a float, a sequence or 'balanced'; got "
                    f"{alpha!r}."
                )
            why = ' with alpha="balanced"'
            counts = _checked_counts(class_counts, "FocalLoss", why)
            return counts.sum() / (len(counts) * counts)
        if np.ndim(alpha) == 0:
            a = _real(
                alpha, "alpha", "None, a float in [0, 1], a sequence or 'balanced'"
            )
            if not 0.0 <= a <= 1.0:
                raise ValueError(
                    f"A scalar alpha weights the positive class of a binary problem "
                    f"and must lie in [0, 1]; got {a}."
                )
            return torch.tensor([1.0 - a, a], dtype=torch.float32)
        return _class_vector(alpha, "alpha")  # type: ignore[arg-type]

    def _n_classes(self) -> int | None:
        if self.alpha_ is not None:
            return len(self.alpha_)
        return super()._n_classes()

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        """Focal loss of ``logits`` (N, C) against class indices ``target`` (N,)."""
        n_classes = self._n_classes()
        scalar_alpha = self.alpha is not None and not isinstance(self.alpha, str)
        scalar_alpha = scalar_alpha and np.ndim(self.alpha) == 0
        if scalar_alpha and logits.ndim == 2 and logits.shape[1] != 2:
            raise ValueError(
                "A scalar alpha is only defined for binary problems (2 logits); "
                f"got {logits.shape[1]} classes. Pass one alpha per class instead."
            )
        logits, target = _check_inputs(logits, target, n_classes, "FocalLoss")
        scaled = _focal_log_probs(F.log_softmax(logits, dim=1), self.gamma)
        if self.alpha_ is not None:
            scaled = scaled * self.alpha_.to(scaled)
        return self._nll(scaled, target)

    def extra_repr(self) -> str:
        return f"gamma={self.gamma}, alpha={self.alpha!r}, reduction={self.reduction!r}"


@_DOCS
class ClassBalancedLoss(_ClassWeightedLoss):
    r"""Class-balanced loss by effective number of samples (Cui et al. 2019).

    Each class is weighted by the inverse of its *effective number of
    samples* :math:`E_c = (1 - \beta^{n_c}) / (1 - \beta)`, normalised so the
    weights sum to the number of classes:

    .. math::

        \ell_i = -\,w_{y_i}\,\frac{C\,b_{y_i}}{\sum_c b_c}\,
        L(z_i, y_i), \qquad b_c = \frac{1 - \beta}{1 - \beta^{n_c}}

    where :math:`L` is cross-entropy or the focal loss. ``beta=0`` gives equal
    weights; ``beta -> 1`` approaches inverse class frequency.

    Parameters
    ----------
    beta : float, default=0.999
        Hyper-parameter in [0, 1); the paper searches 0.9, 0.99, 0.999, 0.9999.
    loss : {"cross_entropy", "focal"}, default="cross_entropy"
        The base loss :math:`L` (softmax-based in both cases).
    gamma : float, default=2.0
        Focusing parameter of the focal base loss (ignored for
        ``"cross_entropy"``).
    weight : sequence of float, optional
        Extra per-class weights with ``cross_entropy``'s semantics.
    {reduction_and_counts}

    Raises
    ------
    ValueError
        ``class_counts`` missing or not positive, ``beta`` outside [0, 1),
        unknown ``loss``.

    See Also
    --------
    FocalLoss : the focal base loss alone.

    References
    ----------
    .. [1] Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie, "Class-Balanced
       Loss Based on Effective Number of Samples", CVPR 2019.

    Examples
    --------
    >>> import torch
    >>> from skseq.losses import ClassBalancedLoss
    >>> criterion = ClassBalancedLoss(beta=0.99, class_counts=[900, 100])
    >>> criterion.class_weights_
    tensor([0.7760, 1.2240])
    >>> logits = torch.tensor([[2.0, -1.0], [-3.0, 3.0]])
    >>> round(criterion(logits, torch.tensor([0, 1])).item(), 4)
    0.0204
    """

    def __init__(
        self,
        beta: float = 0.999,
        loss: Literal["cross_entropy", "focal"] = "cross_entropy",
        gamma: float = 2.0,
        weight: Sequence[float] | np.ndarray | Tensor | None = None,
        reduction: Reduction = "mean",
        class_counts: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        super().__init__(weight, reduction)
        beta = _real(beta, "beta", "a number in [0, 1) (e.g. beta=0.999)")
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"beta must lie in [0, 1); got {beta}.")
        if loss not in ("cross_entropy", "focal"):
            raise ValueError(f"loss must be 'cross_entropy' or 'focal'; got {loss!r}.")
        self.beta, self.loss, self.gamma = beta, loss, _check_gamma(gamma)
        counts = self._set_class_counts(class_counts)
        # in float64: 1 - beta**n loses all digits in float32 for beta near 1
        inv_effective = (1.0 - beta) / (1.0 - torch.pow(beta, counts))
        weights = inv_effective * len(counts) / inv_effective.sum()
        self.register_buffer("class_weights_", weights.float())

    def _n_classes(self) -> int | None:
        return len(self.class_weights_)

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        """Class-balanced loss of ``logits`` (N, C) against ``target`` (N,)."""
        logits, target = _check_inputs(
            logits, target, self._n_classes(), "ClassBalancedLoss"
        )
        log_probs = F.log_softmax(logits, dim=1)
        gamma = self.gamma if self.loss == "focal" else 0.0
        scaled = _focal_log_probs(log_probs, gamma) * self.class_weights_.to(log_probs)
        return self._nll(scaled, target)

    def extra_repr(self) -> str:
        return (
            f"beta={self.beta}, loss={self.loss!r}, gamma={self.gamma}, "
            f"reduction={self.reduction!r}"
        )


@_DOCS
class LogitAdjustedLoss(_ClassWeightedLoss):
    r"""Logit-adjusted cross-entropy (Menon et al. 2021).

    Adds :math:`\tau \log \pi_c`, the scaled log prior of each class, to the
    logits before the softmax cross-entropy:

    .. math::

        \ell_i = -\,w_{y_i} \log \frac{e^{z_{i,y_i} + \tau\log\pi_{y_i}}}
        {\sum_c e^{z_{i,c} + \tau \log \pi_c}}

    The network is trained to fit the adjusted logits, so its *raw* logits,
    which the classifier uses at predict time, estimate the balanced
    (prior-free) posterior: predictions are Fisher-consistent for the
    balanced error. Only the criterion changes; prediction needs nothing.

    Parameters
    ----------
    tau : float, default=1.0
        Strength of the adjustment; 1 is the paper's default, 0 gives plain
        cross-entropy.
    weight : sequence of float, optional
        Per-class weights with ``cross_entropy``'s semantics.
    {reduction_and_counts}

    See Also
    --------
    BalancedSoftmaxLoss : the same adjustment with ``tau=1``.

    References
    ----------
    .. [1] A. K. Menon, S. Jayasumana, A. S. Rawat, H. Jain, A. Veit and
       S. Kumar, "Long-tail learning via logit adjustment", ICLR 2021.

    Examples
    --------
    >>> import torch
    >>> from skseq.losses import LogitAdjustedLoss
    >>> criterion = LogitAdjustedLoss(tau=1.0, class_counts=[90, 10])
    >>> logits = torch.tensor([[0.0, 0.0]])
    >>> round(criterion(logits, torch.tensor([1])).item(), 4)  # -log(0.1)
    2.3026
    """

    def __init__(
        self,
        tau: float = 1.0,
        weight: Sequence[float] | np.ndarray | Tensor | None = None,
        reduction: Reduction = "mean",
        class_counts: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        super().__init__(weight, reduction)
        tau = _real(tau, "tau", "a finite number (e.g. tau=1.0)")
        if not np.isfinite(tau):
            raise ValueError(f"tau must be a finite number; got {tau}.")
        self.tau = tau
        counts = self._set_class_counts(class_counts)
        self.register_buffer("log_prior_", torch.log(counts / counts.sum()).float())

    def _n_classes(self) -> int | None:
        return len(self.log_prior_)

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        """Logit-adjusted loss of ``logits`` (N, C) against ``target`` (N,)."""
        logits, target = _check_inputs(
            logits, target, self._n_classes(), type(self).__name__
        )
        adjusted = logits + self.tau * self.log_prior_.to(logits)
        return self._nll(F.log_softmax(adjusted, dim=1), target)

    def extra_repr(self) -> str:
        return f"tau={self.tau}, reduction={self.reduction!r}"


@_DOCS
class BalancedSoftmaxLoss(LogitAdjustedLoss):
    r"""Balanced softmax cross-entropy (Ren et al. 2020).

    Cross-entropy of the softmax re-weighted by the class counts,
    :math:`p_c \propto n_c\, e^{z_c}`: the logit adjustment of
    :class:`LogitAdjustedLoss` with ``tau=1`` (``log n_c`` and
    ``log pi_c`` differ by a constant, which the softmax ignores).

    Parameters
    ----------
    weight : sequence of float, optional
        Per-class weights with ``cross_entropy``'s semantics.
    {reduction_and_counts}

    References
    ----------
    .. [1] J. Ren, C. Yu, S. Sheng, X. Ma, H. Zhao, S. Yi and H. Li,
       "Balanced Meta-Softmax for Long-Tailed Visual Recognition",
       NeurIPS 2020.

    Examples
    --------
    >>> import torch
    >>> from skseq.losses import BalancedSoftmaxLoss
    >>> criterion = BalancedSoftmaxLoss(class_counts=[90, 10])
    >>> round(criterion(torch.tensor([[0.0, 0.0]]), torch.tensor([1])).item(), 4)
    2.3026
    """

    def __init__(
        self,
        weight: Sequence[float] | np.ndarray | Tensor | None = None,
        reduction: Reduction = "mean",
        class_counts: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        super().__init__(
            tau=1.0, weight=weight, reduction=reduction, class_counts=class_counts
        )

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"
