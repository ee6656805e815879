"""The one base every skseq classifier shares.

A thin layer over skorch's :class:`~skorch.NeuralNetClassifier` that makes a
sequence network a well-behaved scikit-learn classifier: it validates panels
(the data contract in :mod:`skseq.utils.validation`), encodes any labels,
infers the network's input and output sizes, handles unequal lengths, class
weights, seeding, threads, early stopping, and feeds batches straight from one
in-memory tensor.

It extends skorch through skorch's extension points, one concern per piece:

- scikit-learn's conventions (parameters only in ``__init__``, their
  validation, tags): :class:`~skseq.classifiers._conventions.SklearnConventionsMixin`;
- labels of any type: :class:`~skseq.classifiers._labels.LabelEncodingMixin`;
- class and sample weights in the loss:
  :class:`~skseq.classifiers._weights.WeightedLossMixin`;
- datasets, the early-stopping split, resampling and batches:
  :class:`~skseq.classifiers._panel_data.PanelDataMixin`;
- threads and the torch RNG: :func:`~skseq.classifiers._runtime.torch_runtime`;
- the ``compile=True`` fallback: :mod:`skseq.classifiers._compile`;
- per-batch checks, gradient clipping, schedules and restores: the callbacks
  of :mod:`skseq.callbacks`, listed in ``_default_callbacks``.

Every skorch method this module still overrides says why in one line.
"""

from __future__ import annotations

import contextlib
import math
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetClassifier
from skorch.callbacks import LRScheduler

from .._docstrings import fill_doc
from ..callbacks import (
    METRICS,
    ChanceLevelCheck,
    ClipGradNorm,
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
from ..utils.validation import validate_panel
from ._compile import drop_compilation
from ._components import init_parameters, named_module_error
from ._conventions import SklearnConventionsMixin
from ._data import PanelBatchIterator, PanelDataset, batch_to, length_sorted
from ._labels import LabelEncodingMixin
from ._panel_data import PanelDataMixin
from ._runtime import cuda_devices, torch_runtime
from ._runtime import default_n_threads as _default_n_threads  # noqa: F401
from ._sklearn_callbacks import (
    CALLBACK_BASES,
    SklearnCallbackBridge,
    fit_task,
    with_callbacks,
)
from ._weights import WeightedLossMixin

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


class _AcceleratedClass:
    """``Classifier._accelerated_class`` is ``accelerated(Classifier)``.

    The name under which pickle finds a class made by
    :func:`skseq.classifiers.accelerated` (its ``__qualname__``), so that such
    classes pickle by reference like any other; made on first access.
    """

    def __get__(self, instance: Any, owner: type) -> type:
        from ._accelerate import accelerated  # it subclasses this module's base

        return accelerated(owner)


# CALLBACK_BASES: scikit-learn's CallbackSupportMixin where sklearn.callback exists
class BaseSequenceClassifier(
    SklearnConventionsMixin,
    *CALLBACK_BASES,
    LabelEncodingMixin,
    WeightedLossMixin,
    PanelDataMixin,
    NeuralNetClassifier,
):
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
    ``docs/benchmarks.rst``). Compilation never costs a fit: when running a
    compiled module raises, the classifier warns (``RuntimeWarning``), keeps
    the message in ``compile_error_`` and goes on with the eager module, which
    shares the compiled one's weights.
    """

    # accelerated(cls), by a name pickle can look up (see _AcceleratedClass)
    _accelerated_class = _AcceleratedClass()

    # appended to scikit-learn's message where the fix is not obvious from it
    _parameter_hints = _PARAM_HINTS

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

    # -------------------------------------------------------------- callbacks
    @property
    def _default_callbacks(self) -> list[tuple[str, Any]]:
        # override: skorch's extension point for the callbacks every fit runs.
        # The bridge first, so an epoch's scikit-learn task ends after every
        # skorch callback has handled it (see SklearnCallbackBridge)
        callbacks = [("sklearn_callbacks", SklearnCallbackBridge())]
        # before any callback acts on a batch whose loss is NaN, and before
        # early stopping ends an epoch with KeyboardInterrupt
        callbacks.append(("finite_loss", FiniteLossCheck()))
        callbacks.append(("interruption", InterruptionCheck()))
        # max_grad_norm, after every backward pass and before the step
        callbacks.append(("clip_grad_norm", ClipGradNorm()))
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
        # override: skorch re-initialises (or rejects) every prefixed parameter
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

    def initialize_module(self):
        # override: n_channels / n_classes / n_timepoints come from the data
        kwargs = self.get_params_for("module")
        if not isinstance(self.module, torch.nn.Module):
            # sizes come from the data seen in fit, never from the user
            kwargs.setdefault("n_channels", self._network_channels())
            kwargs.setdefault("n_classes", len(self.classes_))
            if "n_timepoints" in init_parameters(self.module):
                # networks that scale with series length (InceptionTime kernels)
                kwargs.setdefault("n_timepoints", int(self.n_timepoints_))
        try:
            self.module_ = self.initialized_instance(self.module, kwargs)
        except (TypeError, ValueError) as exc:
            raise named_module_error(exc, self.module, "module") from exc
        return self

    # ------------------------------------------------------------- batches
    def infer(self, x, **fit_params):
        # override: tensor batches skip skorch's to_tensor and get the input
        # scaling; compile=True may only cost time, never a crash: an error
        # raised through a compiled module is retried once without compilation
        try:
            return self._infer(x, **fit_params)
        except Exception as exc:
            if not drop_compilation(self, exc):
                raise
            return self._infer(x, **fit_params)

    def _infer(self, x, **fit_params):
        if isinstance(x, dict):
            # batches are already tensors: skip skorch's recursive to_tensor;
            # sample weights are for get_loss, not the network
            x = self.network_input(batch_to(x, self.device))
            return self.module_(**x, **fit_params)
        return super().infer(x, **fit_params)

    def _set_training(self, training: bool = True) -> None:
        # override: skorch flips every module's mode on every batch; only flip
        # on change
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)

    # ------------------------------------------------------------------- fit
    def _prepare_fit_data(
        self, X, y, *, reset: bool, sample_weight=None
    ) -> PanelDataset:
        Xp, lengths = validate_panel(self, X, reset=reset, return_lengths=True)
        y, y_enc = self._encode_labels(y, len(Xp), reset=reset)
        if reset:
            self.n_timepoints_ = int(lengths.max())
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
        # override: scikit-learn's fit validates, encodes and seeds first;
        # with warm_start a fitted net trains on as in partial_fit
        reset = not (self.warm_start and self.initialized_)
        return self._train(X, y, sample_weight, fit_params, reset=reset)

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
        # override: validates and encodes the new data; the first call fits
        return self._train(X, y, sample_weight, fit_params, reset=not self.initialized_)

    def _train(self, X, y, sample_weight, fit_params: dict, *, reset: bool):
        """The one training path of ``fit`` and ``partial_fit``.

        ``reset``: validate the panel as a new one, fit the labels and input
        scaling, draw the seed from ``random_state`` and build the network;
        otherwise check the data against the fitted net and derive this call's
        seed from the first one. Then run skorch's training loop once.
        """
        self._validate_params()
        if reset:
            seed = check_random_state(self.random_state).randint(0, 2**31 - 1)
        else:
            seed = (self._seed_ + 104729 * (self._n_iterators_ + 1)) % (2**31 - 1)
        with self._runtime(seed):
            dataset = self._prepare_fit_data(
                X, y, reset=reset, sample_weight=sample_weight
            )
            if reset:
                self._fit_input_scaling(dataset)
                self._seed_ = int(seed)
                self._n_iterators_ = 0
                self.initialize()
            with fit_task(self, X, y):
                super().partial_fit(dataset, None, **fit_params)
        return self

    def _runtime(self, seed: int | None = None) -> contextlib.AbstractContextManager:
        """Threads capped and, for training (``seed``), torch's RNG forked and
        seeded (:func:`~skseq.classifiers._runtime.torch_runtime`)."""
        devices = cuda_devices(self.device) if seed is not None else []
        return torch_runtime(self.n_threads, seed, devices)

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
        # override: bounded memory, and length-sorted batches with bucketing
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
        # override: skorch's "auto" is the identity for criteria other than
        # cross-entropy (FocalLoss...), but every skseq network returns logits
        if self.predict_nonlinearity == "auto":
            return lambda logits: torch.softmax(logits, dim=-1)
        return super()._get_predict_nonlinearity()

    @fill_doc
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        {predict_parameters}

        Returns
        -------
        proba : ndarray of shape (n_instances, n_classes)
        """
        # override: threads capped, float64 rows that sum to 1
        check_is_fitted(self, "module_")
        with self._runtime():
            proba = super().predict_proba(X).astype(np.float64)
        if self.predict_nonlinearity == "auto":
            # float32 softmax rows miss 1 by ~1e-7; scorers such as log-loss warn
            proba /= proba.sum(axis=1, keepdims=True)
        return proba


def _silent(*args: Any) -> None:
    """A picklable sink that prints nothing."""
