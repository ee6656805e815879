"""Scores for imbalanced data during training: monitor and early-stop on them.

skorch records the validation loss and accuracy every epoch; on imbalanced
data both reward predicting the majority class. The factories here return
ready skorch callbacks that score every epoch with macro-F1, balanced
accuracy or average precision (higher is better) and stop training when the
score stops improving::

    from skorch.dataset import ValidSplit
    from skseq.callbacks import early_stopping, epoch_scoring

    clf = LSTMClassifier(
        train_split=ValidSplit(0.2, stratified=True, random_state=0),
        callbacks=[epoch_scoring("f1_macro"), early_stopping("f1_macro")],
    )

The scores are computed on skorch's validation split (``on_train=True``: on
the training data), from the same forward pass that gives ``valid_loss``,
with labels of any type (strings included): predictions and targets are
compared as indices into the net's ``classes_``.

skorch takes its validation split inside the classifier's ``fit``, that is
*after* any sampler of an imblearn pipeline: behind an over-sampler the split
holds synthetic copies of training series and these scores are optimistic.
Score on data no sampler has touched (see the leak-free options of
:class:`skseq.classifiers.BaseSequenceClassifier`).
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Hashable
from typing import Any, Literal

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score
from skorch.callbacks import Callback, EarlyStopping, EpochScoring
from skorch.callbacks import ProgressBar as SkorchProgressBar
from skorch.dataset import unpack_data
from skorch.utils import to_numpy
from torch.nn.modules.batchnorm import _BatchNorm

__all__ = [
    "METRICS",
    "ChanceLevelCheck",
    "ClipGradNorm",
    "FiniteLossCheck",
    "InterruptionCheck",
    "PanelScorer",
    "PreciseBatchNorm",
    "ProgressBar",
    "RestoreBestTrainLoss",
    "WarmupCosineLR",
    "chance_loss",
    "early_stopping",
    "epoch_scoring",
]

METRICS = ("f1_macro", "balanced_accuracy", "average_precision")

Metric = Literal["f1_macro", "balanced_accuracy", "average_precision"]


def _check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise ValueError(
            f"metric must be one of {list(METRICS)}; got {metric!r}. For another "
            "score pass your own function to skorch.callbacks.EpochScoring."
        )
    return metric


def _label_indices(net: Any, y: Any) -> np.ndarray:
    """Positions of the labels ``y`` in ``net.classes_``."""
    classes = np.asarray(net.classes_)
    y = np.asarray(to_numpy(y) if isinstance(y, torch.Tensor) else y).ravel()
    lookup = {label: i for i, label in enumerate(classes.tolist())}
    try:
        return np.array([lookup[label] for label in y.tolist()], dtype=np.int64)
    except KeyError as exc:
        raise ValueError(
            f"y contains the label {exc.args[0]!r}, which is not among the net's "
            f"classes_ {classes.tolist()}."
        ) from None


def _outputs_and_targets(net: Any, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and target class indices, paired row by row.

    skorch calls a scorer in three ways. With caching (the default) ``X`` is
    the validation dataset, ``y`` the labels of the batches the loss saw and
    ``net.forward`` replays that pass's outputs. Without caching ``X`` is the
    dataset and ``y`` None (skseq's panels), or the dataset's data and labels
    (skorch's own datasets). Called by hand, ``X`` is data and ``y`` labels.
    Labels are mapped to output columns through ``net.classes_``.
    """
    nonlinearity = net._get_predict_nonlinearity()
    if y is not None:
        targets = _label_indices(net, y)
        outputs = net.forward(X, training=False)
    elif isinstance(X, torch.utils.data.Dataset):
        # run the validation iterator ourselves so outputs and targets come
        # from the same batches, whatever order it uses; batch targets are
        # what the loss sees, i.e. output columns
        outputs, batches = [], []
        for batch in net.get_iterator(X, training=False):
            _, yi = unpack_data(batch)
            outputs.append(net.evaluation_step(batch, training=False))
            batches.append(to_numpy(yi))
        outputs = torch.cat(outputs)
        targets = np.concatenate(batches).astype(np.int64).ravel()
    else:
        raise ValueError(
            "PanelScorer needs the true labels y to score the predictions."
        )
    proba = to_numpy(nonlinearity(outputs))
    return np.asarray(proba, dtype=np.float64), targets


class PanelScorer:
    """A skorch scoring function for imbalanced data: ``scorer(net, X, y)``.

    Use it as ``EpochScoring(PanelScorer("f1_macro"), lower_is_better=False)``
    or through :func:`epoch_scoring`. It works with the cached forward pass of
    skorch's scoring callbacks and with labels of any type.

    Parameters
    ----------
    metric : {"f1_macro", "balanced_accuracy", "average_precision"}, \
default="f1_macro"
        ``"f1_macro"``: unweighted mean of the per-class F1 scores (classes in
        the targets or the predictions). ``"balanced_accuracy"``: mean recall
        over the classes of the targets. ``"average_precision"``: area under
        the precision-recall curve of ``pos_label``'s probability, or, with
        ``pos_label=None``, the mean of the one-vs-rest average precisions of
        the classes present in the targets.
    pos_label : label, optional
        The class of interest for ``"average_precision"`` (usually the
        minority class). Ignored by the other metrics.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from skseq.callbacks import PanelScorer
    >>> X = np.random.RandomState(0).randn(40, 3).astype(np.float32)
    >>> y = (X[:, 0] > 1).astype(np.int64)
    >>> net = NeuralNetClassifier(torch.nn.Linear, module__in_features=3,
    ...                           module__out_features=2,
    ...                           criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=1, train_split=None, verbose=0)
    >>> net = net.fit(X, y)
    >>> 0.0 <= PanelScorer("balanced_accuracy")(net, X, y) <= 1.0
    True
    """

    def __init__(self, metric: Metric = "f1_macro", pos_label: Hashable = None):
        self.metric = metric
        self.pos_label = pos_label

    def __call__(self, net: Any, X: Any, y: Any = None) -> float:
        """Score ``net`` on ``X`` against ``y`` (see the class docstring)."""
        metric = _check_metric(self.metric)
        proba, targets = _outputs_and_targets(net, X, y)
        with warnings.catch_warnings():
            # classes missing from a small validation split are expected
            warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
            if metric == "f1_macro":
                return float(
                    f1_score(
                        targets, proba.argmax(1), average="macro", zero_division=0.0
                    )
                )
            if metric == "balanced_accuracy":
                return float(balanced_accuracy_score(targets, proba.argmax(1)))
        if self.pos_label is not None:
            k = int(_label_indices(net, [self.pos_label])[0])
            return float(average_precision_score(targets == k, proba[:, k]))
        present = np.unique(targets)
        return float(
            np.mean(
                [average_precision_score(targets == k, proba[:, k]) for k in present]
            )
        )

    def __repr__(self) -> str:
        pos = "" if self.pos_label is None else f", pos_label={self.pos_label!r}"
        return f"PanelScorer({self.metric!r}{pos})"


def epoch_scoring(
    metric: Metric = "f1_macro",
    *,
    pos_label: Hashable = None,
    on_train: bool = False,
    name: str | None = None,
    use_caching: bool = True,
) -> EpochScoring:
    """A skorch callback that records an imbalance-aware score every epoch.

    Parameters
    ----------
    metric : {"f1_macro", "balanced_accuracy", "average_precision"}, \
default="f1_macro"
        The score (see :class:`PanelScorer`); higher is better.
    pos_label : label, optional
        Class of interest for ``"average_precision"``.
    on_train : bool, default=False
        Score the training data instead of the validation split.
    name : str, optional
        History key; default ``"valid_<metric>"`` (``"train_<metric>"`` with
        ``on_train=True``).
    use_caching : bool, default=True
        Reuse the outputs of the pass that computed the loss instead of a
        second forward pass.

    Returns
    -------
    callback : skorch.callbacks.EpochScoring
        With ``lower_is_better=False``; put it in the net's ``callbacks``.

    Raises
    ------
    ValueError
        Unknown ``metric``.

    See Also
    --------
    early_stopping : stop training when the score stops improving.

    Examples
    --------
    >>> from skseq.callbacks import epoch_scoring
    >>> cb = epoch_scoring("balanced_accuracy")
    >>> cb.name, cb.lower_is_better
    ('valid_balanced_accuracy', False)
    """
    metric = _check_metric(metric)
    if name is None:
        name = f"{'train' if on_train else 'valid'}_{metric}"
    return EpochScoring(
        PanelScorer(metric, pos_label=pos_label),
        lower_is_better=False,
        on_train=on_train,
        name=name,
        use_caching=use_caching,
    )


class _GraceEarlyStopping(EarlyStopping):
    """skorch's EarlyStopping that cannot stop during the first
    ``grace_epochs`` epochs (the learning-rate warm-up): the best score is
    tracked from the start, misses are counted only after the grace."""

    def __init__(self, *args: Any, grace_epochs: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grace_epochs = grace_epochs

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        super().on_epoch_end(net, **kwargs)
        if len(net.history) <= self.grace_epochs:
            self.misses_ = 0


class _ScoreEarlyStopping(EarlyStopping):
    """skorch's EarlyStopping with a clear error when its score is not recorded."""

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        if self.monitor not in net.history[-1]:
            raise ValueError(
                f"early stopping monitors {self.monitor!r}, which no callback "
                "recorded in this epoch. Put epoch_scoring(...) with the same "
                "metric before it in callbacks, and give the net a validation "
                "split (e.g. train_split=skorch.dataset.ValidSplit(0.2, "
                "stratified=True))."
            )
        super().on_epoch_end(net, **kwargs)


def early_stopping(
    metric: Metric = "f1_macro",
    *,
    patience: int = 5,
    threshold: float = 1e-4,
    threshold_mode: Literal["rel", "abs"] = "rel",
    load_best: bool = True,
    monitor: str | None = None,
) -> EarlyStopping:
    """A skorch callback that stops training when a score stops improving.

    Parameters
    ----------
    metric : {"f1_macro", "balanced_accuracy", "average_precision"}, \
default="f1_macro"
        The score to watch; it must be recorded by an :func:`epoch_scoring`
        callback listed before this one.
    patience : int, default=5
        Epochs without improvement before stopping.
    threshold : float, default=1e-4
        Smallest improvement that counts (relative or absolute).
    threshold_mode : {"rel", "abs"}, default="rel"
        How ``threshold`` is applied.
    load_best : bool, default=True
        Restore the weights of the best epoch when training stops.
    monitor : str, optional
        History key to watch; default ``"valid_<metric>"``.

    Returns
    -------
    callback : skorch.callbacks.EarlyStopping
        With ``lower_is_better=False``. It raises a ``ValueError`` naming the
        fix if the monitored score is missing from the history.

    See Also
    --------
    epoch_scoring : record the score this callback watches.

    Examples
    --------
    >>> from skseq.callbacks import early_stopping, epoch_scoring
    >>> callbacks = [epoch_scoring("f1_macro"), early_stopping("f1_macro")]
    >>> callbacks[1].monitor, callbacks[1].lower_is_better
    ('valid_f1_macro', False)
    """
    metric = _check_metric(metric)
    return _ScoreEarlyStopping(
        monitor=monitor or f"valid_{metric}",
        patience=patience,
        threshold=threshold,
        threshold_mode=threshold_mode,
        lower_is_better=False,
        load_best=load_best,
    )


class PreciseBatchNorm(Callback):
    """Recompute batch norm's running statistics once training ends.

    During training, batch norm keeps an exponential average of batch
    statistics that lags behind the weights. On the small data sets of
    time-series classification (a handful of batches per epoch, a few dozen
    epochs) the lag can wreck a fitted network at predict time: a small
    InceptionTime after 20 epochs on GunPoint scored 0.70 on its training data
    and 0.53 on the test split with the running statistics, and 1.00 and 0.99
    after recomputing them. This callback makes one pass over the training
    data with the final weights, batch norm layers in training mode and
    everything else (dropout) in eval mode, and sets the running statistics to
    the average of the batch statistics ("precise BN"). It is one of the
    default callbacks of every skseq classifier (a no-op for networks without
    batch norm), named ``precise_bn``; turn it
    off with ``callbacks__precise_bn=None``.

    References
    ----------
    .. [1] Y. Wu and J. Johnson, "Rethinking 'Batch' in BatchNorm",
       arXiv:2105.07576, 2021.
    """

    def on_train_end(self, net, X=None, y=None, **kwargs) -> None:
        layers = [
            m
            for m in net.module_.modules()
            if isinstance(m, _BatchNorm) and m.track_running_stats
        ]
        if not layers or X is None:
            return
        was_training = net.module_.training
        momenta = [m.momentum for m in layers]
        net.module_.eval()
        for m in layers:
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the pass
            m.train()
        dataset = net.get_dataset(X)
        # batches of similar length where the net buckets, as in prediction:
        # each pays only for its own longest series (PLAID: the pass took
        # longer than an epoch). Asked of the net, so that this module needs
        # nothing from skseq.classifiers (which imports it).
        by_length = getattr(net, "inference_order", None)
        if by_length is not None:
            dataset = by_length(dataset)
        try:
            with torch.no_grad():
                for Xi, _ in net.get_iterator(dataset, training=False):
                    net.infer(Xi)
        finally:
            for m, momentum in zip(layers, momenta):
                m.momentum = momentum
            net.module_.train(was_training)


# ---------------------------------------------------------------------------
# The training recipe every skseq classifier uses by default (issue 12): a
# warm-up + cosine learning-rate schedule, the weights of the best training
# epoch at the end, and a warning when a fit ends no better than chance.


class WarmupCosineLR(Callback):
    """Linear warm-up, then cosine decay of the learning rate, every batch.

    The learning rate rises linearly from ``lr / n`` to ``lr`` over the first
    ``warmup`` share of training, then follows half a cosine down to
    ``final_factor * lr`` at the last batch of the last epoch (``max_epochs``).
    Progress is counted in epochs plus the share of the current epoch's
    batches, so the schedule ends on time whatever the batch count.

    Why it is a default: with a constant rate, fits that had learned
    collapsed late in training (GRU on GunPoint, seed 1: train loss 0.03, then
    1.24 and predictions onto one class); the decay lets every fit settle, the
    warm-up keeps the first steps of Adam (whose moment estimates are still
    noisy) from throwing freshly initialised networks off.

    Each ``fit``/``partial_fit`` call runs the whole schedule over its
    ``max_epochs``. skseq classifiers skip this callback when you pass a
    :class:`skorch.callbacks.LRScheduler` of your own, or ``lr_schedule=None``.

    Parameters
    ----------
    warmup : float, default=0.1
        Share of training spent warming up (0 for none).
    final_factor : float, default=0.01
        Learning rate at the end, as a share of ``lr``.

    Examples
    --------
    >>> from skseq.callbacks import WarmupCosineLR
    >>> sched = WarmupCosineLR(warmup=0.1, final_factor=0.01)
    >>> [round(sched.factor(p), 3) for p in (0.0, 0.05, 0.1, 0.55, 1.0)]
    [0.0, 0.5, 1.0, 0.505, 0.01]
    """

    def __init__(self, warmup: float = 0.1, final_factor: float = 0.01) -> None:
        self.warmup = warmup
        self.final_factor = final_factor

    def factor(self, progress: float) -> float:
        """Share of ``lr`` at ``progress`` (0 at the start, 1 at the end)."""
        if progress < self.warmup:
            return progress / self.warmup
        span = max(1.0 - self.warmup, 1e-12)
        done = min(1.0, (progress - self.warmup) / span)
        cosine = 0.5 * (1.0 + math.cos(math.pi * done))
        return self.final_factor + (1.0 - self.final_factor) * cosine

    def initialize(self) -> WarmupCosineLR:
        if not 0.0 <= self.warmup < 1.0:
            raise ValueError(f"warmup must be in [0, 1); got {self.warmup!r}.")
        if not 0.0 <= self.final_factor <= 1.0:
            raise ValueError(
                f"final_factor must be in [0, 1]; got {self.final_factor!r}."
            )
        return self

    def on_train_begin(self, net, **kwargs) -> None:
        self.base_lrs_ = [group["lr"] for group in net.optimizer_.param_groups]
        self.epochs_done_ = 0
        self.max_epochs_ = max(1, int(net.max_epochs))

    def on_epoch_begin(self, net, dataset_train=None, **kwargs) -> None:
        batch_size = net.get_params_for("iterator_train").get(
            "batch_size", net.batch_size
        )
        n = len(dataset_train) if dataset_train is not None else 1
        if batch_size in (None, -1):
            batch_size = n
        self.batches_per_epoch_ = max(1, math.ceil(n / max(1, int(batch_size))))
        self.batch_ = 0
        self._apply(net)

    def on_batch_end(self, net, training: bool = False, **kwargs) -> None:
        if training:
            self.batch_ += 1
            self._apply(net)

    def on_epoch_end(self, net, **kwargs) -> None:
        self.epochs_done_ += 1

    def _apply(self, net) -> None:
        within = min(1.0, self.batch_ / self.batches_per_epoch_)
        progress = (self.epochs_done_ + within) / self.max_epochs_
        # the first step runs at 1/n of the warm-up, never at exactly 0
        step = 1.0 / (self.batches_per_epoch_ * self.max_epochs_)
        f = self.factor(max(progress, step))
        for group, base in zip(net.optimizer_.param_groups, self.base_lrs_):
            group["lr"] = base * f

    def on_train_end(self, net, **kwargs) -> None:
        # leave the optimizer as skorch configured it (warm starts, set_params)
        for group, base in zip(net.optimizer_.param_groups, self.base_lrs_):
            group["lr"] = base


class RestoreBestTrainLoss(Callback):
    """At the end of training, restore the weights of the epoch with the
    lowest training loss.

    A guard against late divergence that needs no held-out data: the weights
    after each epoch whose ``train_loss`` is the lowest so far are kept (a
    copy in memory, the size of the network) and loaded back when training
    ends on a worse epoch. The epoch restored is recorded in the history
    (``"restored_epoch"`` on the last row) and ``net.best_train_epoch_``.
    skseq classifiers use it unless ``restore_best=False`` or
    ``early_stopping=True`` (which restores the best validation weights).

    Examples
    --------
    >>> from skseq.callbacks import RestoreBestTrainLoss
    >>> from skseq.classifiers import FCNClassifier
    >>> from skseq.datasets import load_dataset
    >>> X, y = load_dataset("ItalyPowerDemand", split="train")
    >>> clf = FCNClassifier(module__n_filters=(8, 8, 8), max_epochs=3,
    ...                     random_state=0).fit(X, y)
    >>> clf.best_train_epoch_ in (1, 2, 3)
    True
    """

    def on_train_begin(self, net, **kwargs) -> None:
        self.best_loss_ = math.inf
        self.best_epoch_ = None
        self.best_state_ = None

    def on_epoch_end(self, net, **kwargs) -> None:
        loss = net.history[-1].get("train_loss")
        if loss is not None and math.isfinite(loss) and loss < self.best_loss_:
            self.best_loss_ = loss
            self.best_epoch_ = net.history[-1, "epoch"]
            self.best_state_ = copy.deepcopy(net.module_.state_dict())

    def on_train_end(self, net, **kwargs) -> None:
        if self.best_state_ is None:
            return
        net.best_train_epoch_ = self.best_epoch_
        if net.history[-1, "epoch"] != self.best_epoch_:
            net.module_.load_state_dict(self.best_state_)
            net.history.record("restored_epoch", self.best_epoch_)
        self.best_state_ = None  # not kept in the fitted (pickled) estimator


def chance_loss(net: Any) -> float:
    """Training loss of the best constant prediction: the class frequencies or
    uniform probabilities, whichever the criterion scores lower.

    Evaluated with the net's own criterion (class weights, focal loss…) on
    the training class counts ``net.class_counts_``.

    Parameters
    ----------
    net : BaseSequenceClassifier
        A net whose training has begun (``class_counts_`` set).

    Returns
    -------
    float
        The lower of the two constant predictions' losses.

    Examples
    --------
    >>> from sktime.datasets import load_gunpoint
    >>> from skseq.callbacks import chance_loss
    >>> from skseq.classifiers import FCNClassifier
    >>> X, y = load_gunpoint(split="train", return_X_y=True, return_type="numpy3D")
    >>> clf = FCNClassifier(module__n_filters=(4, 4, 4), max_epochs=1).fit(X, y)
    >>> round(chance_loss(clf), 4)  # 24 and 26 series of the two classes
    0.6923
    """
    counts = torch.as_tensor(np.asarray(net.class_counts_), dtype=torch.long)
    counts_f = counts.to(torch.float32)
    y_true = torch.repeat_interleave(torch.arange(len(counts)), counts)
    prior = (counts_f / counts_f.sum()).clamp_min(1e-12)
    losses = []
    with torch.no_grad():
        for probs in (prior, torch.full_like(prior, 1.0 / len(prior))):
            logits = probs.log().expand(len(y_true), -1).to(net.device)
            loss = net.get_loss(logits, y_true.to(net.device), training=False)
            losses.append(float(loss))
    return min(losses)


class FiniteLossCheck(Callback):
    """Stop training at the first non-finite or diverged training loss.

    By the time a batch's loss is NaN or infinite the optimizer has stepped
    on it and every weight is garbage, so ``fit`` raises a
    ``FloatingPointError`` naming the epoch and batch and the usual causes,
    instead of training on. A finite loss more than ``diverged_factor`` times
    the chance-level loss (:func:`chance_loss`, e.g. 0.69 for two balanced
    classes) counts the same: a learning rate of 1e6 reaches losses of 1e10
    long before it reaches infinity. One of the default callbacks of every
    skseq classifier (first, before any other acts on the batch).

    Parameters
    ----------
    diverged_factor : float, default=1e4
        A training loss above ``diverged_factor * chance_loss`` stops the
        fit; ``None`` checks finiteness only.

    Examples
    --------
    >>> from skseq.callbacks import FiniteLossCheck
    >>> FiniteLossCheck(diverged_factor=1e3).initialize().diverged_factor
    1000.0
    """

    def __init__(self, diverged_factor: float | None = 1e4) -> None:
        self.diverged_factor = diverged_factor

    def initialize(self) -> FiniteLossCheck:
        if self.diverged_factor is not None and not self.diverged_factor > 1:
            raise ValueError(
                f"diverged_factor must be > 1 or None; got {self.diverged_factor!r}."
            )
        return self

    def on_train_begin(self, net, **kwargs) -> None:
        self.limit_ = None
        if self.diverged_factor is not None and hasattr(net, "class_counts_"):
            try:
                chance = chance_loss(net)
            except Exception:  # a criterion that cannot score a constant guess
                chance = float("nan")
            if math.isfinite(chance) and chance > 0:
                self.limit_ = float(self.diverged_factor) * chance

    def on_epoch_begin(self, net, **kwargs) -> None:
        self.batch_ = 0

    def on_batch_end(self, net, training: bool = False, loss=None, **kwargs) -> None:
        if not training or loss is None:
            return
        self.batch_ = getattr(self, "batch_", 0) + 1
        value = float(loss.item()) if hasattr(loss, "item") else float(loss)
        limit = getattr(self, "limit_", None)
        if math.isfinite(value) and (limit is None or value <= limit):
            return
        if math.isfinite(value):
            chance = limit / float(self.diverged_factor)
            what = f"diverged to {value:.3g} (chance level: {chance:.3g})"
        else:
            what = f"is {value}"
        raise FloatingPointError(
            f"The training loss {what} at epoch {len(net.history)}, "
            f"batch {self.batch_}; the network's weights are no longer "
            f"usable. Usual causes: a learning rate too high (lr={net.lr}), "
            "unscaled input (try skseq.transformers.Normalizer), or a "
            "custom criterion that expects probabilities (skseq networks "
            "return logits)."
        )


class ClipGradNorm(Callback):
    """Clip the network's gradient norm to the net's ``max_grad_norm``.

    Runs after every backward pass (``on_grad_computed``), before the
    optimizer steps: recurrent networks on long series are unstable without
    it. The limit is read from ``net.max_grad_norm`` at every step (``None``
    clips nothing), so ``set_params(max_grad_norm=...)`` takes effect at once.
    On a net that trains through Hugging Face Accelerate (it has an
    ``accelerator``), it clips with ``accelerator.clip_grad_norm_``, which
    unscales fp16 gradients first, and only on the steps where the optimizer
    steps (gradient accumulation). One of the default callbacks of every
    skseq classifier.

    Examples
    --------
    >>> from skseq.callbacks import ClipGradNorm
    >>> ClipGradNorm().initialize()
    <skseq.callbacks.ClipGradNorm object at ...>
    """

    def on_grad_computed(self, net, named_parameters, **kwargs) -> None:
        max_norm = getattr(net, "max_grad_norm", None)
        if max_norm is None:
            return
        accelerator = getattr(net, "accelerator", None)
        if accelerator is None:
            torch.nn.utils.clip_grad_norm_(net.module_.parameters(), float(max_norm))
        elif accelerator.sync_gradients:
            accelerator.clip_grad_norm_(net.module_.parameters(), float(max_norm))


class InterruptionCheck(Callback):
    """Make a fit cut short by Ctrl-C visible.

    skorch catches ``KeyboardInterrupt`` and ends training normally, so an
    interrupted ``fit`` returns as if it had finished. This callback notes
    an epoch that began and never ended; at the end of training it sets
    ``net.fit_interrupted_`` (False otherwise) and warns. The model is usable
    (the end-of-training callbacks, such as the best-epoch restore, have run).
    Early stopping, which also ends training with ``KeyboardInterrupt``, does
    so after its epoch ended and is not an interruption. One of the default
    callbacks of every skseq classifier.

    Examples
    --------
    >>> from skseq.callbacks import InterruptionCheck
    >>> InterruptionCheck().initialize()
    <skseq.callbacks.InterruptionCheck object at ...>
    """

    def on_train_begin(self, net, **kwargs) -> None:
        self.open_epoch_ = None
        net.fit_interrupted_ = False

    def on_epoch_begin(self, net, **kwargs) -> None:
        self.open_epoch_ = len(net.history)

    def on_epoch_end(self, net, **kwargs) -> None:
        self.open_epoch_ = None

    def on_train_end(self, net, **kwargs) -> None:
        epoch = getattr(self, "open_epoch_", None)
        net.fit_interrupted_ = epoch is not None
        if epoch is not None:
            warnings.warn(
                f"{type(net).__name__}'s training was interrupted during epoch "
                f"{epoch} of {net.max_epochs} (fit_interrupted_ is True); the "
                "end-of-training steps (best-epoch restore, batch-norm "
                "statistics) ran as usual. Call partial_fit to train on.",
                UserWarning,
                stacklevel=2,
            )


class ChanceLevelCheck(Callback):
    """Warn when a fit ends with a training loss no better than chance.

    Compares the final training loss (after :class:`RestoreBestTrainLoss`, if
    it runs) with :func:`chance_loss`, the loss of always predicting the
    class frequencies (or uniform probabilities). When the fit's loss is not
    below ``tol`` times that, the network has learned nothing usable: the
    classifier warns with a :class:`~sklearn.exceptions.ConvergenceWarning`
    naming the usual fixes, and sets ``net.fit_at_chance_ = True`` (else
    False) and ``net.chance_loss_``. One of the default callbacks of every
    skseq classifier, named ``chance_check``; ``callbacks__chance_check=None``
    turns it off.

    Parameters
    ----------
    tol : float, default=0.95
        A final training loss at or above ``tol * chance_loss`` counts as
        chance level.
    """

    def __init__(self, tol: float = 0.95) -> None:
        self.tol = tol

    def on_train_end(self, net, **kwargs) -> None:
        if getattr(net, "class_counts_", None) is None or not len(net.history):
            return
        losses = [
            row["train_loss"]
            for row in net.history
            if row.get("train_loss") is not None
        ]
        if not losses:
            return
        restored = net.history[-1].get("restored_epoch")
        final = losses[restored - 1] if restored else losses[-1]
        net.chance_loss_ = chance_loss(net)
        net.fit_at_chance_ = bool(final >= self.tol * net.chance_loss_)
        if net.fit_at_chance_:
            warnings.warn(
                f"{type(net).__name__}'s training loss ended at {final:.4g}, no "
                "better than always predicting the class frequencies "
                f"({net.chance_loss_:.4g}): the network did not learn. Try more "
                f"epochs than max_epochs={net.max_epochs}, another learning rate "
                f"than lr={net.lr}, {_scaling_hint(net)}or another model "
                "(FCNClassifier learns most data sets). fit_at_chance_ is set "
                "to True.",
                ConvergenceWarning,
                stacklevel=2,
            )


def _scaling_hint(net: Any) -> str:
    """The input-scaling advice of the chance-level warning."""
    if getattr(net, "input_scaling_", None) == "series":
        return ""  # already scaled per series
    return (
        "input_scaling='series' (or skseq.transformers.Normalizer) if the "
        "input is not scaled, "
    )


class ProgressBar(SkorchProgressBar):
    """skorch's per-epoch batch bar, made safe for notebooks.

    skorch draws tqdm's widget bar whenever it runs in a Jupyter kernel, and
    that bar raises ``ImportError: IProgress not found`` where ipywidgets is
    not installed, so ``progress_bar=True`` crashed the fit. This bar uses
    the widget bar only where ipywidgets can be imported and falls back to
    tqdm's text bar (which notebooks print as text) elsewhere. It also counts
    the validation batches with the classifier's own inference batch size
    (``iterator_valid__batch_size``, else ``max(4 x batch_size, 128)``), so
    the bar's total is the number of batches the epoch really runs.

    Classifiers add it with ``progress_bar=True``; the ``progress`` extra
    (``pip install skseq[progress]``) installs ipywidgets and rich.

    Examples
    --------
    >>> from skseq.callbacks import ProgressBar
    >>> bar = ProgressBar()
    >>> bar._use_notebook()  # not in a notebook here
    False
    """

    @staticmethod
    def widgets_available() -> bool:
        """Whether tqdm's notebook bar can draw (ipywidgets imports)."""
        try:
            import ipywidgets  # noqa: F401
        except ImportError:
            return False
        return True

    def _use_notebook(self) -> bool:
        return bool(super()._use_notebook() and self.widgets_available())

    def _get_batches_per_epoch_phase(self, net, dataset, training):
        if dataset is None:
            return 0
        size = net.batch_size if training else None
        given = net.get_params_for("iterator_train" if training else "iterator_valid")
        size = given.get("batch_size", size)
        if size is None and hasattr(net, "_inference_batch_size"):
            size = net._inference_batch_size()
        if size is None:
            size = net.batch_size
        n = len(dataset)
        return 1 if size == -1 else int(math.ceil(n / size))
