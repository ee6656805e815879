"""The one base every skseq classifier shares.

A thin layer over skorch's :class:`~skorch.NeuralNetClassifier` that makes a
sequence network a well-behaved scikit-learn classifier: it validates panels
(the data contract in :mod:`skseq.utils.validation`), encodes any labels,
infers the network's input and output sizes, handles unequal lengths, class
weights, seeding, threads, early stopping, and feeds batches straight from one
in-memory tensor.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import os
import warnings
from collections.abc import Iterator, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import _check_sample_weight as _sk_check_sample_weight
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetClassifier
from skorch.callbacks import EpochScoring, LRScheduler
from skorch.dataset import ValidSplit
from skorch.utils import to_numpy, to_tensor
from torch.utils.data import Subset

from ..callbacks import (
    METRICS,
    ChanceLevelCheck,
    FiniteLossCheck,
    InterruptionCheck,
    PreciseBatchNorm,
    ProgressBar,
    RestoreBestTrainLoss,
    WarmupCosineLR,
    _GraceEarlyStopping,
    epoch_scoring,
)
from ..nn._scaling import SeriesScaling, resolve_input_scaling
from ..utils._memory import release_freed_memory
from ..utils.validation import check_panel_y, validate_panel
from ._data import (
    PanelBatchIterator,
    PanelDataset,
    _unwrap,
    batch_to,
    length_sorted,
)
from ._sklearn_callbacks import (
    CALLBACK_BASES,
    SklearnCallbackBridge,
    fit_task,
    with_callbacks,
)

__all__ = ["BaseSequenceClassifier"]


# appended to scikit-learn's message where the fix is not obvious from it
_PARAM_HINTS = {
    "optimizer": "Pass the class, e.g. optimizer=torch.optim.Adam, and its "
    "settings as optimizer__weight_decay=... .",
    "criterion": "Pass the class, e.g. criterion=skseq.losses.FocalLoss, and its "
    "settings as criterion__gamma=... .",
    "module": "Pass a torch.nn.Module class (e.g. skseq.nn.LSTMNetwork) and its "
    "settings as module__hidden_size=... .",
    "lr_schedule": "For another schedule pass lr_schedule=None and a "
    "skorch.callbacks.LRScheduler in callbacks.",
    "resampler": "Pass an imbalanced-learn sampler, e.g. "
    "skseq.sampling.PanelSampler(SMOTE()).",
}


def _default_n_threads() -> int:
    """Threads for torch when ``n_threads=None``.

    ``OMP_NUM_THREADS`` wins (joblib's loky workers set it to their share of
    the cores). Otherwise half the cores: on a small shared machine a second
    intra-op thread that has to wait for a busy core made training >10x
    slower, while tiny recurrent networks gain little from it anyway.
    """
    env = os.environ.get("OMP_NUM_THREADS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    return max(1, (os.cpu_count() or 1) // 2)


# CALLBACK_BASES: scikit-learn's CallbackSupportMixin where sklearn.callback exists
class BaseSequenceClassifier(*CALLBACK_BASES, NeuralNetClassifier):
    """Base class of skseq's sequence classifiers (not used directly).

    Subclasses only choose a default ``module`` (a network from
    :mod:`skseq.nn`) and sensible training defaults. Everything else is
    skorch: ``module__*``, ``optimizer__*``, ``criterion__*``, ``callbacks``,
    ``max_epochs``, ``lr``, ``batch_size``, ``device``, ``warm_start`` …

    Every parameter below is checked at the start of ``fit`` and
    ``partial_fit`` (scikit-learn's ``_parameter_constraints``): a bad value
    raises ``InvalidParameterError`` (a ``ValueError``) that names it, before
    anything is built or trained.

    Parameters
    ----------
    module : torch.nn.Module class or instance
        The network. A class is built with ``n_channels`` and ``n_classes``
        inferred from the training data (override with ``module__n_channels``
        if you must) plus every ``module__*`` parameter.
    criterion : torch criterion class, default=torch.nn.CrossEntropyLoss
        Loss on logits. Criteria whose constructor has ``weight`` receive the
        class weights; criteria with ``class_counts`` receive the per-class
        training counts (see :mod:`skseq.losses`).
    optimizer : torch optimizer class, default=torch.optim.AdamW
        Optimizer; its parameters via ``optimizer__*``.
    lr : float, default=1e-3
        Peak learning rate of the schedule (``lr_schedule``); each classifier
        sets its own measured default (3e-3 for the recurrent, attention,
        transformer, CNN, FCN and LSTM-FCN networks, 1e-3 for ResNet,
        InceptionTime and CNN-LSTM).
    max_epochs : int, default=100
        Training epochs (the most, with early stopping).
    batch_size : int, default=16
        Mini-batch size; ``-1`` for full batch. Small data sets of a few dozen
        series still get a few hundred optimizer steps in 100 epochs.
    class_weight : None, "balanced" or dict, default=None
        Per-class loss weights, computed from the training labels in ``fit``
        like scikit-learn's ``class_weight``; a dict maps labels (as given) to
        weights.
    balanced_batches : bool, default=False
        Draw every training epoch with class-balanced probabilities (each class
        equally likely per draw, with replacement): the ``WeightedRandomSampler``
        recipe, reproducible under ``random_state``.
    bucket_by_length : bool or "auto", default="auto"
        Batch series of similar length together (training batches are still
        shuffled every epoch; prediction runs sorted by length and returns the
        caller's order) so padding costs less on unequal-length data. Padding
        never changes what the network computes for a series, so this changes
        speed and the composition of training batches, not predictions for
        given weights. ``"auto"`` turns it on when padding would be more than
        30% of the time steps of the training panel.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified) and
        stop when ``monitor`` has not improved for ``patience`` epochs,
        restoring the best weights. It never stops during the learning-rate
        warm-up (the first 10% of ``max_epochs`` with ``lr_schedule``). Off
        by default so nothing is held out and no resampled copy can land in a
        validation split.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.
    patience : int, default=10
        Epochs without improvement before stopping.
    monitor : str, default="valid_loss"
        History key early stopping watches: ``"valid_loss"``, one of
        ``"valid_f1_macro"``, ``"valid_balanced_accuracy"``,
        ``"valid_average_precision"`` (recorded automatically, higher is
        better), or any key a callback of yours records.
    progress_bar : bool, default=False
        Show a tqdm progress bar over the batches of every epoch
        (:class:`skseq.callbacks.ProgressBar`: tqdm's widget bar in notebooks
        with ipywidgets, its text bar elsewhere).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, shuffling and the validation
        split. The same seed and data give the same predictions on CPU. The
        global torch RNG is left as it was.
    n_threads : int or None, default=None
        Torch intra-op threads while fitting and predicting (restored after).
        ``None``: ``OMP_NUM_THREADS`` if set (joblib workers set it to their
        share of the cores), otherwise half of the cores.
    max_grad_norm : float or None, default=1.0
        Clip the gradient norm to this value before every optimizer step
        (recurrent networks on long series are unstable without it); ``None``
        disables clipping.
    lr_schedule : {"warmup_cosine"} or None, default="warmup_cosine"
        ``"warmup_cosine"``: the learning rate rises linearly to ``lr`` over
        the first 10% of the batches, then decays along a cosine to 1% of
        ``lr`` at the end of ``max_epochs``
        (:class:`skseq.callbacks.WarmupCosineLR`). ``None`` keeps ``lr``
        constant. Skipped when ``callbacks`` holds a skorch ``LRScheduler``.
    restore_best : bool, default=True
        When training ends, load the weights of the epoch with the lowest
        training loss (:class:`skseq.callbacks.RestoreBestTrainLoss`), a guard
        against late divergence that needs no held-out data. Ignored with
        ``early_stopping=True``, which restores the best validation weights.
    input_scaling : {"auto", "series"} or None, default="auto"
        ``"series"``: every series is z-normalised per channel over its
        observed steps and its scale kept as two extra channels per channel
        (``log std`` and ``asinh(mean / s)``, standardised with the training
        panel's statistics; :class:`skseq.nn.SeriesScaling`), ahead of the
        network and inside exported graphs. ``"auto"`` decides once, at
        ``fit``, from the training panel: ``"series"`` when its series live
        on very different scales (for some channel, the std of all values
        over 10x the median series std) or far from unit scale (median
        series std outside [1e-3, 1e3]), else None. The decision is
        ``input_scaling_``. Why: every default network failed on PLAID's raw
        current traces (series std 0.000-96, median 0.11; test accuracy
        0.28-0.74 where MiniRocket reaches 0.955); the quality benchmark's
        other data sets (z-normalised, or on similar scales) resolve to None
        and train exactly as without it. None never scales: use it when the
        input is already scaled, e.g. by :class:`skseq.transformers.Normalizer`.
    resampler : imblearn sampler or None, default=None
        Resample the *training part* of every fit after the internal
        validation split is taken (any imbalanced-learn sampler, wrapped in
        :class:`skseq.sampling.PanelSampler` when it does not take panels, or
        a skseq time-series oversampler). This is the leak-free way to combine
        oversampling with ``early_stopping``: a sampler placed before the
        classifier in a pipeline runs before the split, so synthetic copies of
        training series land in the validation set and flatter early stopping.
    train_split : callable or None, default=None
        skorch's internal split. ``None`` (no split) unless you ask for one;
        ``early_stopping=True`` provides its own.
    verbose : int, default=0
        skorch's per-epoch log when > 0.
    **kwargs
        Any other skorch parameter (``module__*``, ``optimizer__*``,
        ``iterator_train__*``, ``callbacks``, ``device``, ``warm_start``…).

    Notes
    -----
    ``compile=True`` (skorch's parameter; ``compile__*`` go to
    :func:`torch.compile`) runs the network compiled. It is off by default: on
    a CPU it made only ResNet and LSTM-FCN faster (about 1.15x per epoch,
    after 5-35 s of compiling) and the small networks slower (see
    ``benchmarks/README.md``). Compilation never costs a fit: when running a
    compiled module raises, the classifier warns (``RuntimeWarning``), keeps
    the message in ``compile_error_`` and goes on with the eager module, which
    shares the compiled one's weights.
    """

    # skorch sets these in __init__; scikit-learn's conventions want nothing but
    # parameters there, so they live on the class until fit sets them.
    initialized_ = False
    history_ = None
    virtual_params_: Mapping[str, Any] = {}

    # scikit-learn's parameter validation, run at the start of every fit
    # (messages name the skseq parameter: "The 'lr' parameter of
    # LSTMClassifier must be a float in the range (0.0, inf). Got 0 instead.")
    _parameter_constraints: dict = {
        "module": [callable],
        "criterion": [callable],
        "optimizer": [callable],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), Options(int, {-1})],
        "class_weight": [None, StrOptions({"balanced"}), dict],
        "balanced_batches": ["boolean"],
        "bucket_by_length": ["boolean", StrOptions({"auto"})],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "monitor": [str],
        "progress_bar": ["boolean"],
        "random_state": ["random_state"],
        "n_threads": [None, Interval(Integral, 1, None, closed="left")],
        "max_grad_norm": [None, Interval(Real, 0, None, closed="neither")],
        "lr_schedule": [None, StrOptions({"warmup_cosine"})],
        "restore_best": ["boolean"],
        "input_scaling": [None, StrOptions({"auto", "series"})],
        "resampler": [None, HasMethods(["fit_resample"])],
        "train_split": [None, callable],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        module: Any,
        *,
        criterion: Any = torch.nn.CrossEntropyLoss,
        optimizer: Any = torch.optim.AdamW,
        lr: float = 1e-3,
        max_epochs: int = 100,
        batch_size: int = 16,
        class_weight: None | str | dict = None,
        balanced_batches: bool = False,
        bucket_by_length: bool | str = "auto",
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        patience: int = 10,
        monitor: str = "valid_loss",
        progress_bar: bool = False,
        random_state: int | np.random.RandomState | None = None,
        n_threads: int | None = None,
        max_grad_norm: float | None = 1.0,
        lr_schedule: str | None = "warmup_cosine",
        restore_best: bool = True,
        input_scaling: str | None = "auto",
        resampler: Any = None,
        train_split: Any = None,
        verbose: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            module,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            verbose=verbose,
            **kwargs,
        )
        self.class_weight = class_weight
        self.balanced_batches = balanced_batches
        self.bucket_by_length = bucket_by_length
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.monitor = monitor
        self.progress_bar = progress_bar
        self.random_state = random_state
        self.n_threads = n_threads
        self.max_grad_norm = max_grad_norm
        self.lr_schedule = lr_schedule
        self.restore_best = restore_best
        self.input_scaling = input_scaling
        self.resampler = resampler
        for name in ("history_", "initialized_", "virtual_params_"):
            vars(self).pop(name, None)

    # ------------------------------------------------------------------ params
    def _get_param_names(self) -> list[str]:
        # skorch lists every non-fitted attribute; private bookkeeping
        # (_params_to_validate, _fit_input_2d, …) is not a parameter.
        return [
            k for k in self.__dict__ if not k.endswith("_") and not k.startswith("_")
        ]

    def _validate_params(self) -> None:
        """Check every declared parameter (``_parameter_constraints``); an
        ``InvalidParameterError`` (a ``ValueError`` and ``TypeError``) names
        the parameter as the user wrote it."""
        params = {
            k: v for k, v in vars(self).items() if k in self._parameter_constraints
        }
        try:
            validate_parameter_constraints(
                self._parameter_constraints, params, caller_name=type(self).__name__
            )
        except InvalidParameterError as exc:
            hint = next(
                (
                    h
                    for name, h in _PARAM_HINTS.items()
                    if f"'{name}' param" in str(exc)
                ),
                None,
            )
            if hint is None:
                raise
            raise InvalidParameterError(f"{exc} {hint}") from None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_class = True
        tags.non_deterministic = self.random_state is None
        return tags

    def _more_expected_failed_checks(self) -> dict[str, str]:
        """Checks of sklearn's suite this estimator cannot pass, with reasons."""
        reasons = {
            "check_methods_sample_order_invariance": (
                "float32 networks: a batch of another composition runs other "
                "matmul blockings, so probabilities differ in the last float32 "
                "bit (~1e-7 absolute), above the check's float64-level rtol=1e-7"
            ),
            "check_methods_subset_invariance": (
                "float32 networks: same last-bit (~1e-7) differences between "
                "batch compositions as in check_methods_sample_order_invariance"
            ),
            "check_sample_weight_equivalence_on_dense_data": (
                "mini-batch training: a series repeated k times is drawn into "
                "other batches than one series of weight k, so the two fits "
                "follow other gradient paths (the loss is the same in "
                "expectation; weight 0 and equal weights are exact)"
            ),
        }
        if any("__" in key for key in vars(self)):
            reasons["check_no_attributes_set_in_init"] = (
                "skorch's dunder parameters (module__*, optimizer__*) are stored "
                "as attributes by design: get_params/set_params/clone round-trip "
                "them, but they cannot appear in the __init__ signature"
            )
        return reasons

    # -------------------------------------------------------------- callbacks
    @property
    def _default_callbacks(self) -> list[tuple[str, Any]]:
        # first, so an epoch's scikit-learn task ends after every skorch callback
        # has handled it (see SklearnCallbackBridge)
        callbacks = [("sklearn_callbacks", SklearnCallbackBridge())]
        # before any callback acts on a batch whose loss is NaN, and before
        # early stopping ends an epoch with KeyboardInterrupt
        callbacks.append(("finite_loss", FiniteLossCheck()))
        callbacks.append(("interruption", InterruptionCheck()))
        callbacks += super()._default_callbacks
        if not self.verbose:
            # formatting a log table nobody sees costs ~6% of a small fit
            callbacks = [(n, cb) for n, cb in callbacks if n != "print_log"]
        if self.early_stopping:
            lower = self.monitor.endswith("loss")
            metric = self.monitor.removeprefix("valid_")
            user_names = {
                cb[0] if isinstance(cb, tuple) else getattr(cb, "name", None)
                for cb in (self.callbacks or [])
            }
            if metric in METRICS and self.monitor not in user_names:
                # default callbacks run before user ones: record the monitored
                # score here so early stopping finds it in this epoch's history
                callbacks.append((self.monitor, epoch_scoring(metric)))
            # no stop while the learning rate still warms up (10% of epochs)
            grace = math.ceil(0.1 * self.max_epochs) if self.lr_schedule else 0
            callbacks.append(
                (
                    "early_stopping",
                    _GraceEarlyStopping(
                        monitor=self.monitor,
                        patience=self.patience,
                        lower_is_better=lower,
                        load_best=True,
                        sink=_silent,
                        grace_epochs=grace,
                    ),
                )
            )
        if self.progress_bar:
            callbacks.append(("progress_bar", ProgressBar()))
        user_schedulers = any(
            isinstance(cb[1] if isinstance(cb, tuple) else cb, LRScheduler)
            for cb in (self.callbacks or [])
        )
        if self.lr_schedule is not None and not user_schedulers:
            if self.lr_schedule != "warmup_cosine":
                raise ValueError(
                    "lr_schedule must be 'warmup_cosine' or None; got "
                    f"{self.lr_schedule!r}. For another schedule pass "
                    "lr_schedule=None and a skorch.callbacks.LRScheduler in "
                    "callbacks."
                )
            callbacks.append(("lr_schedule", WarmupCosineLR()))
        if self.restore_best and not self.early_stopping:
            callbacks.append(("restore_best", RestoreBestTrainLoss()))
        # after early stopping / restore_best, so it sees the restored weights
        callbacks.append(("precise_bn", PreciseBatchNorm()))
        callbacks.append(("chance_check", ChanceLevelCheck()))
        return callbacks

    # -------------------------------------------------------- initialisation
    def initialize_callbacks(self):
        super().initialize_callbacks()
        for _, cb in self.callbacks_:
            # batches carry encoded targets; scorers must see the labels as given
            if isinstance(cb, EpochScoring) and cb.target_extractor is to_numpy:
                cb.target_extractor = self._decode_target
        return self

    def set_params(self, **params: Any) -> BaseSequenceClassifier:
        """Set parameters, as skorch does; see ``get_params`` for the names.

        On a fitted classifier, skorch re-initialises the component a prefixed
        parameter belongs to, and raises for prefixes with nothing to
        re-initialise. Iterator and dataset parameters (``iterator_train__*``,
        ``iterator_valid__*``, ``dataset__*``) are read afresh at every
        ``fit``/``predict``, so here they are simply set, keeping the trained
        network (e.g. a larger ``iterator_valid__batch_size`` for prediction).

        Parameters
        ----------
        **params : dict
            Parameter names and values.

        Returns
        -------
        self : BaseSequenceClassifier
        """
        passive = ("iterator_train__", "iterator_valid__", "dataset__")
        if self.initialized_ and any(key.startswith(passive) for key in params):
            for key in [key for key in params if key.startswith(passive)]:
                setattr(self, key, params.pop(key))
            if not params:
                return self
        return super().set_params(**params)

    def _network_channels(self) -> int:
        """Channels the network gets: the panel's, or 3x with input scaling."""
        scaler = getattr(self, "input_scaler_", None)
        return int(self.n_channels_in_ if scaler is None else scaler.n_channels_out)

    def _fit_input_scaling(self, dataset: PanelDataset) -> None:
        """Resolve ``input_scaling`` on the training panel (a static choice,
        made here in the data layer) and fit the scaler it asks for."""
        self.input_scaling_ = resolve_input_scaling(self.input_scaling, dataset.X)
        if self.input_scaling_ == "series":
            scaler = SeriesScaling(dataset.X.shape[1]).fit(
                dataset.data, dataset.lengths
            )
            # a skorch module: moved with device=, saved with save_params
            with self._current_init_context("module"):
                self.input_scaler_ = scaler
        else:
            if "input_scaler" in self._modules:  # scaled in an earlier fit
                self._unregister_attribute("input_scaler_")
            self.input_scaler_ = None

    def network_input(self, x: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """A batch's network inputs (``x``, ``lengths`` when padded) with the
        fitted input scaling applied; ``sample_weight`` left out."""
        x = {k: v for k, v in x.items() if k != "sample_weight"}
        scaler = getattr(self, "input_scaler_", None)
        if scaler is not None:
            x["x"] = scaler.to(x["x"].device)(x["x"], x.get("lengths"))
        return x

    def _decode_target(self, y: Any) -> np.ndarray:
        """Encoded batch targets back to labels; labels from a dataset pass."""
        if isinstance(y, torch.Tensor):
            return self.classes_[y.cpu().numpy()]
        return np.asarray(y)

    def initialize_module(self):
        kwargs = self.get_params_for("module")
        if not isinstance(self.module, torch.nn.Module):
            # sizes come from the data seen in fit, never from the user
            kwargs.setdefault("n_channels", self._network_channels())
            kwargs.setdefault("n_classes", len(self.classes_))
            if "n_timepoints" in _init_parameters(self.module):
                # networks that scale with series length (InceptionTime kernels)
                kwargs.setdefault("n_timepoints", int(self.n_timepoints_))
        try:
            self.module_ = self.initialized_instance(self.module, kwargs)
        except (TypeError, ValueError) as exc:
            raise _named_module_error(exc, self.module, "module") from exc
        return self

    def initialize_criterion(self):
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
            accepted = _init_parameters(criterion)
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

    # ------------------------------------------------------------------ data
    def get_dataset(self, X, y=None):
        if isinstance(X, PanelDataset | Subset):
            return X
        Xp, lengths = validate_panel(self, X, reset=False, return_lengths=True)
        return PanelDataset(Xp, lengths)

    def get_split_datasets(self, X, y=None, **fit_params):
        dataset = self.get_dataset(X, y)
        split = self.train_split
        if split is None and self.early_stopping:
            split = ValidSplit(
                self.validation_fraction,
                stratified=True,
                random_state=self._seed_ % (2**32),
            )
        if split is None:
            train, valid = dataset, None
        elif split is not self.train_split:  # ours: name our parameters
            labels, counts = np.unique(np.asarray(dataset.y), return_counts=True)
            if counts.min() < 2:
                rare = labels[counts < 2].tolist()
                raise ValueError(
                    f"early_stopping=True holds out a stratified "
                    f"validation_fraction={self.validation_fraction} of every "
                    f"class, but class(es) {rare[:5]} have a single series. "
                    "Use early_stopping=False, or your own split, e.g. "
                    "train_split=skorch.dataset.ValidSplit(0.2, stratified=False)."
                )
            try:
                train, valid = split(dataset, dataset.y, **fit_params)
            except ValueError as exc:
                raise ValueError(
                    f"early_stopping=True could not hold out "
                    f"validation_fraction={self.validation_fraction} of the "
                    f"{len(dataset)} training series stratified by class "
                    f"({exc}). Change validation_fraction, or use "
                    "early_stopping=False."
                ) from exc
        else:
            train, valid = split(dataset, dataset.y, **fit_params)
        if self.resampler is not None:
            train = self._resample(train)
        return train, valid

    def _resample(self, dataset) -> PanelDataset:
        """Resample a training (sub)set with ``resampler``, after any split."""
        from sklearn.base import clone

        from ..sampling import PanelSampler

        base, idx = _unwrap(dataset)
        idx = idx.numpy()
        sampler = clone(self.resampler)
        if not type(sampler).__module__.startswith("skseq."):
            sampler = PanelSampler(sampler)
        inner = getattr(sampler, "sampler", sampler)
        if "random_state" in inner.get_params() and inner.random_state is None:
            inner.set_params(random_state=self._seed_ % (2**32))
        X_res, y_res = sampler.fit_resample(base.X[idx], base.y[idx])
        X_res, lengths = validate_panel(self, X_res, reset=False, return_lengths=True)
        self.n_resampled_ = len(y_res)
        return PanelDataset(
            X_res,
            lengths,
            y=np.asarray(y_res),
            y_encoded=self._label_encoder.transform(y_res),
        )

    def get_iterator(self, dataset, training: bool = False):
        if hasattr(self, "accelerator") and not getattr(self, "_skseq_accelerate", 0):
            # skorch's mixin alone skips max_grad_norm, leaves batches on the
            # CPU and unsplit, and returns predictions once per process
            raise TypeError(
                "skorch.hf.AccelerateMixin does not work with skseq classifiers "
                "on its own; use skseq.classifiers.accelerated(<classifier "
                "class>) instead of subclassing the mixin."
            )
        prefix = "iterator_train" if training else "iterator_valid"
        kwargs = self.get_params_for(prefix)
        default = self.batch_size if training else self._inference_batch_size()
        batch_size = kwargs.pop("batch_size", default)
        base, idx = _unwrap(dataset)
        weights = None
        if training and self.balanced_batches:
            # each class equally likely per draw (the WeightedRandomSampler recipe)
            y = base.target[idx].numpy()
            counts = np.bincount(y, minlength=len(self.classes_)).astype(float)
            weights = 1.0 / counts[y]
        if training:
            self._n_iterators_ += 1
        return PanelBatchIterator(
            dataset,
            batch_size=batch_size,
            shuffle=training and kwargs.pop("shuffle", True),
            sample_weights=weights,
            bucket_by_length=training and self._bucketing(),
            seed=(self._seed_ + 7919 * self._n_iterators_) % (2**63) if training else 0,
        )

    def _bucketing(self) -> bool:
        if self.bucket_by_length == "auto":
            return bool(getattr(self, "padding_fraction_", 0.0) > 0.3)
        if not isinstance(self.bucket_by_length, bool | np.bool_):
            raise ValueError(
                "bucket_by_length must be True, False or 'auto'; got "
                f"{self.bucket_by_length!r}."
            )
        return bool(self.bucket_by_length)

    def inference_order(self, dataset):
        """``dataset`` sorted by series length when the net buckets by length
        (what prediction and the precise batch-norm pass iterate over), else
        ``dataset`` itself."""
        if not self._bucketing():
            return dataset
        return length_sorted(dataset)[0]

    def infer(self, x, **fit_params):
        try:
            return self._infer(x, **fit_params)
        except Exception as exc:
            # compile=True may only cost time, never a crash: an error raised
            # through a compiled module is retried once without compilation
            if not self._drop_compilation(exc):
                raise
            return self._infer(x, **fit_params)

    def _drop_compilation(self, exc: Exception) -> bool:
        """Unwrap every ``torch.compile``-d module and criterion after ``exc``;
        False (nothing changed) when none was compiled."""
        names = [
            name
            for name in self._modules + self._criteria
            if _is_compiled(getattr(self, name + "_", None))
        ]
        if not names:
            return False
        for name in names:
            setattr(self, name + "_", getattr(self, name + "_")._orig_mod)
        first_line = (str(exc).strip().splitlines() or [""])[0][:300]
        self.compile_error_ = f"{type(exc).__name__}: {first_line}"
        warnings.warn(
            f"torch.compile failed for {type(self).__name__} "
            f"({self.compile_error_}); continuing without compilation. "
            "Set compile=False to skip the attempt.",
            RuntimeWarning,
            stacklevel=2,
        )
        return True

    def _infer(self, x, **fit_params):
        if isinstance(x, dict):
            # batches are already tensors: skip skorch's recursive to_tensor;
            # sample weights are for get_loss, not the network
            x = self.network_input(batch_to(x, self.device))
            return self.module_(**x, **fit_params)
        return super().infer(x, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
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
            else "reduction" in _init_parameters(criterion)
        )
        if not reduces and not np.all(w == w[0]):
            name = getattr(criterion, "__name__", type(criterion).__name__)
            raise ValueError(
                "sample_weight needs a criterion with a 'reduction' parameter "
                f"(per-sample losses); {name} has none. Use a torch loss or one "
                "from skseq.losses."
            )
        return None if np.all(w == w[0]) else w

    def _set_training(self, training: bool = True) -> None:
        # skorch flips every module's mode on every batch; only flip on change
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)

    def _inference_batch_size(self) -> int:
        """Batch size for prediction and validation: ``iterator_valid__batch_size``
        if given, else 4x the training batch (at least 128) — no gradients are
        kept, so larger batches cost little memory and save per-batch overhead."""
        given = self.get_params_for("iterator_valid").get("batch_size")
        if given is not None:
            return given
        return -1 if self.batch_size == -1 else max(4 * self.batch_size, 128)

    def train_step_single(self, batch, **fit_params):
        step = super().train_step_single(batch, **fit_params)
        if self.max_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_(
                self.module_.parameters(), float(self.max_grad_norm)
            )
        return step

    def check_data(self, X, y):  # validation happens in fit; labels are ours
        pass

    # ------------------------------------------------------------------- fit
    def _prepare_fit_data(
        self, X, y, *, reset: bool, sample_weight=None
    ) -> PanelDataset:
        Xp, lengths = validate_panel(self, X, reset=reset, return_lengths=True)
        if reset:
            y = check_panel_y(y, len(Xp))
            self._label_encoder = LabelEncoder()
            if self.classes is not None and len(self.classes):
                self._label_encoder.fit(np.asarray(self.classes))
            else:
                self._label_encoder.fit(y)
            self.classes_inferred_ = self._label_encoder.classes_
            self.n_classes_ = len(self.classes_inferred_)
            self.n_timepoints_ = int(lengths.max())
        else:
            y = check_panel_y(y, len(Xp), min_classes=1)
        unseen = np.setdiff1d(np.unique(y), self._label_encoder.classes_)
        if len(unseen):
            raise ValueError(
                f"y contains labels {unseen.tolist()[:5]} not seen in the first fit "
                f"(classes: {self._label_encoder.classes_.tolist()}); pass "
                "classes=[...] to the constructor to declare every label up front."
            )
        y_enc = self._label_encoder.transform(y)
        weights = self._check_sample_weight(sample_weight, len(Xp))
        if weights is not None:
            # a series of weight 0 contributes nothing: train as without it
            keep = weights > 0
            if not keep.all():
                Xp, lengths, y, y_enc = Xp[keep], lengths[keep], y[keep], y_enc[keep]
                weights = weights[keep]
        if reset:
            self.class_counts_ = np.bincount(y_enc, minlength=self.n_classes_)
            # share of padded steps in the training panel (drives bucketing)
            self.padding_fraction_ = float(1.0 - lengths.mean() / Xp.shape[2])
            self.class_weight_ = self._compute_class_weight(self.class_counts_)
        return PanelDataset(
            Xp, lengths, y=np.asarray(y), y_encoded=y_enc, sample_weight=weights
        )

    @with_callbacks
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Validate the panel, encode labels, build the network and train it.

        With scikit-learn >= 1.9, callbacks set with ``set_callbacks`` (or
        propagated from a meta-estimator) see the fit as a ``"fit"`` task with
        one ``"epoch"`` subtask per training epoch.

        Parameters
        ----------
        X : array-like of shape (n_instances, n_channels, n_timepoints) or \
(n_instances, n_timepoints), list of arrays, or sktime pandas panel
            Training series; unequal lengths as trailing NaN or a list.
        y : array-like of shape (n_instances,)
            Labels of any type.
        sample_weight : array-like of shape (n_instances,), default=None
            Per-series weights of the loss (>= 0), multiplied with the class
            weight as in scikit-learn; the mean over a batch divides by the
            sum of those products. Series of weight 0 are left out of
            training; equal weights change nothing. Routed by scikit-learn's
            metadata routing (``set_fit_request(sample_weight=True)``).
        **fit_params : dict
            Passed on to skorch (and the module's ``forward``).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        if self.warm_start and self.initialized_:
            return self.partial_fit(X, y, sample_weight=sample_weight, **fit_params)
        self._validate_params()
        seed = check_random_state(self.random_state).randint(0, 2**31 - 1)
        with self._runtime(seed):
            dataset = self._prepare_fit_data(
                X, y, reset=True, sample_weight=sample_weight
            )
            self._fit_input_scaling(dataset)
            self._seed_ = int(seed)
            self._n_iterators_ = 0
            self.initialize()
            with fit_task(self, X, y):
                super().partial_fit(dataset, None, **fit_params)
        return self

    @with_callbacks
    def partial_fit(self, X, y, classes=None, sample_weight=None, **fit_params):
        """Train for ``max_epochs`` more epochs, keeping the current weights.

        Each call is one ``"fit"`` task for scikit-learn callbacks, with one
        ``"epoch"`` subtask per epoch, like ``fit``.

        Parameters
        ----------
        X : array-like or list of arrays
            Training series.
        y : array-like of shape (n_instances,)
            Labels; all must have been seen in the first fit (or declared with
            ``classes`` in the constructor).
        classes : ignored
            For scikit-learn's ``partial_fit`` signature.
        sample_weight : array-like of shape (n_instances,), default=None
            Per-series loss weights, as in :meth:`fit`.
        **fit_params : dict
            Passed on to skorch.

        Returns
        -------
        self : object
        """
        if not self.initialized_:
            return self.fit(X, y, sample_weight=sample_weight, **fit_params)
        self._validate_params()
        seed = (self._seed_ + 104729 * (self._n_iterators_ + 1)) % (2**31 - 1)
        with self._runtime(seed):
            dataset = self._prepare_fit_data(
                X, y, reset=False, sample_weight=sample_weight
            )
            with fit_task(self, X, y):
                super().partial_fit(dataset, None, **fit_params)
        return self

    @contextlib.contextmanager
    def _runtime(self, seed: int | None = None) -> Iterator[None]:
        """Threads capped and, for training, torch's RNG forked and seeded."""
        n_threads = self.n_threads or _default_n_threads()
        previous = torch.get_num_threads()
        torch.set_num_threads(n_threads)
        try:
            if seed is None:
                yield
            else:
                with torch.random.fork_rng(devices=_devices(self.device)):
                    torch.manual_seed(int(seed))
                    yield
        finally:
            torch.set_num_threads(previous)

    # --------------------------------------------------------------- predict
    def forward_iter(self, X, training: bool = False, device: str = "cpu"):
        """Outputs batch by batch, in bounded memory.

        Every batch's activations are freed, and the freed heap given back to
        the OS (:func:`skseq.utils._memory.release_freed_memory`), before the
        next batch runs, so the peak extra memory of ``predict_proba`` does
        not grow with the number of series. With length bucketing, the
        batches run sorted by length and each batch's outputs are written
        into one preallocated tensor at the caller's rows.
        """
        check_is_fitted(self, "module_")
        dataset = self.get_dataset(X)
        context = torch.inference_mode() if not training else contextlib.nullcontext()
        if training or not self._bucketing():
            iterator = self.get_iterator(dataset, training=training)
            with context:
                for batch in iterator:
                    yp = self.evaluation_step(batch, training=training).to(device)
                    del batch
                    release_freed_memory()
                    yield yp
            return
        # sorted by length so every batch pays only for its own longest series,
        # written back at the caller's rows as it goes
        ordered, perm = length_sorted(dataset)
        iterator = PanelBatchIterator(
            ordered,
            batch_size=self._inference_batch_size(),
            seed=0,
        )
        result = None
        start = 0
        with context:
            for batch in iterator:
                out = self.evaluation_step(batch, training=False)
                if result is None:
                    result = out.new_empty((len(perm), *out.shape[1:]))
                stop = start + len(out)
                result[perm[start:stop]] = out  # sorted row k is the caller's perm[k]
                start = stop
                del batch, out
                release_freed_memory()
        yield result.to(device)

    def _get_predict_nonlinearity(self):
        if self.predict_nonlinearity == "auto":
            # every skseq network returns logits, whatever the criterion
            return lambda logits: torch.softmax(logits, dim=-1)
        return super()._get_predict_nonlinearity()

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like or list of arrays
            Series to classify.

        Returns
        -------
        proba : ndarray of shape (n_instances, n_classes)
        """
        check_is_fitted(self, "module_")
        with self._runtime():
            proba = super().predict_proba(X).astype(np.float64)
        if self.predict_nonlinearity == "auto":
            # float32 softmax rows miss 1 by ~1e-7; scorers such as log-loss warn
            proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict(self, X) -> np.ndarray:
        """Most probable class of every series, as the labels given in fit.

        Parameters
        ----------
        X : array-like or list of arrays
            Series to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_instances,)
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]


def _named_module_error(exc: Exception, component: Any, prefix: str) -> Exception:
    """The error of building a network (or criterion) from ``prefix__*``
    parameters, in the parameter names the user wrote."""
    name = getattr(component, "__name__", type(component).__name__)
    message = str(exc)
    accepted = _accepted_parameters(component) if isinstance(component, type) else []
    if "unexpected keyword argument" in message and accepted:
        bad = message.rsplit("argument", 1)[-1].strip(" '\"")
        user = [p for p in accepted if p not in ("n_channels", "n_classes")]
        return TypeError(
            f"{prefix}__{bad} is not a parameter of {name}; its parameters are "
            f"{', '.join(f'{prefix}__{p}' for p in user)}."
        )
    return type(exc)(
        f"{name} could not be built from the {prefix}__* parameters: {message} "
        f"(the parameter names above are {name}'s, set as {prefix}__<name>)."
    )


def _is_compiled(module: Any) -> bool:
    """Whether ``module`` is a ``torch.compile`` wrapper (duck-typed, so that
    importing skseq does not import torch._dynamo)."""
    return type(module).__name__ == "OptimizedModule" and hasattr(module, "_orig_mod")


def _silent(*args: Any) -> None:
    """A picklable sink that prints nothing."""


def _devices(device: Any) -> list[int]:
    is_cuda = isinstance(device, str) and device.startswith("cuda")
    if is_cuda and torch.cuda.is_available():
        return [torch.device(device).index or 0]
    return []


def _accepted_parameters(cls: type) -> list[str]:
    """Named ``__init__`` parameters of ``cls``, following ``**kwargs`` up
    the class hierarchy (``LSTMNetwork(n_channels, n_classes, **kwargs)``
    passes them on to ``RNNNetwork``)."""
    names: list[str] = []
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or klass is object:
            continue
        try:
            params = inspect.signature(klass.__init__).parameters.values()
        except (TypeError, ValueError):
            break
        named = [
            p.name
            for p in params
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        names += [n for n in named if n not in names]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return names


def _init_parameters(component: Any) -> set[str]:
    try:
        return set(inspect.signature(component).parameters)
    except (TypeError, ValueError):
        return set()
