"""Hugging Face Accelerate for skseq classifiers: mixed precision, several GPUs.

:func:`accelerated` turns any skseq classifier class into one that trains
through an :class:`accelerate.Accelerator`, on top of skorch's
:class:`skorch.hf.AccelerateMixin`. skorch's mixin alone does not fit skseq's
classifiers: it hands skseq's in-memory batch iterator to
``accelerator.prepare``, which leaves anything but a ``DataLoader`` alone (so
batches would be neither placed on the device nor split across processes),
gathers evaluation outputs across processes (so unsplit predictions would
come back once per process), unwraps the network before the callbacks'
``on_train_end`` and zeroes gradients where accumulation needs them. The
mixin here closes those gaps; gradient clipping needs nothing of it (the
classifier's :class:`~skseq.callbacks.ClipGradNorm` callback clips through
the accelerator).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import torch
from skorch.hf import AccelerateMixin

from ._base import BaseSequenceClassifier
from ._data import PanelBatchIterator, batch_to

__all__ = ["accelerated"]


class _SequenceAccelerateMixin(AccelerateMixin):
    """skorch's AccelerateMixin adapted to skseq's classifier base.

    - training batches split across processes (every process keeps every
      ``num_processes``-th batch of one global, identically seeded order), and
      every batch placed on ``accelerator.device``;
    - evaluation (validation, ``predict``) is not split: every process runs
      all rows, so nothing is gathered and no process sees duplicates;
    - one seed for all processes (broadcast from the main process) so their
      shuffles, validation splits and resamplers agree even with
      ``random_state=None``;
    - the network is unwrapped after *all* ``on_train_end`` callbacks ran, so
      early stopping restores its checkpoint into the module it was taken from;
    - gradients are zeroed after each optimizer step, not at the start of
      every batch as in skorch, so ``gradient_accumulation_steps`` accumulates;
    - criteria without trainable parameters are moved to the device, not
      wrapped (accelerate's multi-CPU path would wrap them in DDP, which fails);
    - ``partial_fit`` after an unwrapping fit wraps the network again;
    - ``callbacks__print_log__sink="auto"`` is resolved at fit time without
      overwriting the parameter;
    - instances pickle like any skseq classifier (see :func:`accelerated`).

    Gradient clipping (``max_grad_norm``) is the classifier's
    :class:`~skseq.callbacks.ClipGradNorm` callback, which clips through
    ``accelerator.clip_grad_norm_`` (it unscales fp16 gradients first) on the
    steps where the optimizer steps.
    """

    # Marks the classes BaseSequenceClassifier accepts an accelerator on.
    _skseq_accelerate = True
    # skorch sets this in __init__; sklearn wants only parameters there.
    _wrapped_with_accelerator = False
    # The accelerator that prepared the optimizers (set_params may swap it).
    _optimizer_accelerator: Any = None

    def __init__(
        self,
        *args: Any,
        accelerator: Any,
        device: Any = None,
        unwrap_after_train: bool = True,
        callbacks__print_log__sink: Any = "auto",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            *args,
            accelerator=accelerator,
            device=device,
            unwrap_after_train=unwrap_after_train,
            callbacks__print_log__sink=callbacks__print_log__sink,
            **kwargs,
        )
        vars(self).pop("_wrapped_with_accelerator", None)

    # -------------------------------------------------------------- set-up
    def initialize(self):
        if self.accelerator.num_processes > 1 and hasattr(self, "_seed_"):
            from accelerate.utils import broadcast_object_list

            # fit draws the seed per process; with random_state=None they differ
            self._seed_ = int(broadcast_object_list([self._seed_])[0])
        return super().initialize()

    def _initialize_accelerator(self):
        # skorch's, except (1) a criterion without trainable parameters (every
        # skseq loss) is only moved to the device: accelerate's multi-CPU path
        # wraps any module in DistributedDataParallel, which refuses those;
        # (2) it can run again (see on_train_begin) and then prepares only what
        # is not prepared yet, or was prepared by another accelerator
        from accelerate.optimizer import AcceleratedOptimizer
        from accelerate.state import is_initialized

        if not is_initialized():
            raise RuntimeError(
                "The accelerator of this classifier is not set up in this "
                "process (an unpickled Accelerator is a copy of one from another "
                "process). Pass a new one before training: "
                "clf.set_params(accelerator=Accelerator(...))."
            )
        if not self._wrapped_with_accelerator:
            device = self._placement()
            with self._current_init_context("criterion"):
                for name in self._criteria:
                    criterion = getattr(self, name + "_")
                    if not isinstance(criterion, torch.nn.Module):
                        continue
                    if any(p.requires_grad for p in criterion.parameters()):
                        criterion = self.accelerator.prepare(criterion)
                    elif device is not None:
                        criterion = criterion.to(device)
                    setattr(self, name + "_", criterion)
            with self._current_init_context("module"):
                for name in self._modules:
                    module = getattr(self, name + "_")
                    if isinstance(module, torch.nn.Module):
                        setattr(self, name + "_", self.accelerator.prepare(module))
            self._wrapped_with_accelerator = True
        with self._current_init_context("optimizer"):
            for name in self._optimizers:
                optimizer = getattr(self, name + "_")
                if not isinstance(optimizer, torch.optim.Optimizer):
                    continue
                if (
                    isinstance(optimizer, AcceleratedOptimizer)
                    and self._optimizer_accelerator is self.accelerator
                ):
                    continue
                while isinstance(optimizer, AcceleratedOptimizer):
                    optimizer = optimizer.optimizer
                setattr(self, name + "_", self.accelerator.prepare(optimizer))
        self._optimizer_accelerator = self.accelerator
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        # partial_fit (or warm_start) after a fit that unwrapped the network:
        # wrap it again, or the processes would train without syncing gradients
        self._initialize_accelerator()
        for name in self._modules:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module):
                module.zero_grad(set_to_none=True)
        return super().on_train_begin(net, X=X, y=y, **kwargs)

    def _initialize_callbacks(self):
        # skorch's mixin resolves "auto" by storing accelerator.print in the
        # parameter itself; resolve it here for the call and keep the parameter
        sink = self.callbacks__print_log__sink
        if isinstance(sink, str) and sink == "auto":
            self.callbacks__print_log__sink = getattr(self.accelerator, "print", print)
        try:
            super()._initialize_callbacks()
        finally:
            self.callbacks__print_log__sink = sink
        return self

    @contextlib.contextmanager
    def _runtime(self, seed: int | None = None) -> Iterator[None]:
        # the base forks the RNG of ``device``, which is None here
        device = torch.device(self.accelerator.device)
        devices = [device.index or 0] if device.type == "cuda" else []
        enabled = seed is not None and bool(devices)
        with torch.random.fork_rng(devices=devices, enabled=enabled):
            with super()._runtime(seed):
                yield

    # ------------------------------------------------------------ batches
    def _placement(self) -> torch.device | None:
        if not self.accelerator.device_placement:
            return None
        return torch.device(self.accelerator.device)

    def get_iterator(self, dataset, training: bool = False):
        # skorch's mixin hands the iterator to accelerator.prepare, which knows
        # DataLoaders only and returns a PanelBatchIterator as it is: the
        # batches are split across processes and placed on the device here
        iterator = super().get_iterator(dataset, training=training)
        if isinstance(iterator, PanelBatchIterator):
            iterator.device = self._placement()
            if training:
                iterator.num_shards = self.accelerator.num_processes
                iterator.shard_index = self.accelerator.process_index
        return iterator

    def infer(self, x, **fit_params):
        device = self._placement()
        if isinstance(x, dict) and device is not None:
            # prediction's length-sorted batches do not come from get_iterator
            x = batch_to(x, device)
        return super().infer(x, **fit_params)

    # ------------------------------------------------------------ training
    def _zero_grad_optimizer(self, set_to_none=None):
        # skorch zeroes at the start of every step, and accelerate's zero_grad
        # acts on the steps that sync: with gradient accumulation that wiped
        # the gradients gathered so far just before they were used. They are
        # zeroed after each optimizer step instead (and on_train_begin).
        pass

    def _step_optimizer(self, step_fn):
        step_fn()  # GradScaler takes no closure
        for name in self._optimizers:
            optimizer = getattr(self, name + "_")
            optimizer.step()  # both are no-ops on accumulating steps
            optimizer.zero_grad()

    def evaluation_step(self, batch, training: bool = False):
        # the one bypass of skorch's mixin: it gathers every evaluation output
        # across processes, but evaluation here is not split (every process
        # runs all rows, so validation losses and early stopping agree), so
        # the gather would return every row once per process; and a collective
        # would hang a predict run on the main process alone. Upstream fix:
        # gather only inside a prepared DataLoader
        # (accelerator.gradient_state.in_dataloader).
        return super(AccelerateMixin, self).evaluation_step(batch, training=training)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        # replaces skorch's mixin's hook (NeuralNet's is a no-op), which
        # unwraps the network before the callbacks' on_train_end: early
        # stopping would restore a wrapped checkpoint into the bare module.
        # Unwrapping waits until every callback ran (see notify).
        self.accelerator.wait_for_everyone()

    def notify(self, method_name: str, **cb_kwargs: Any) -> None:
        super().notify(method_name, **cb_kwargs)
        if method_name == "on_train_end" and self.unwrap_after_train:
            self._unwrap_accelerator()

    # ------------------------------------------------------------ pickling
    def __setstate__(self, state):
        device = state.get("device")
        # skorch would map the weights to the CPU and set device="cpu" (with a
        # warning), which _validate_params then rejects on the next fit
        super().__setstate__({**state, "device": "cpu" if device is None else device})
        self.device = device
        target = self._placement()
        if target is None or target.type == "cpu":
            return
        if target.type == "cuda" and not torch.cuda.is_available():
            warnings.warn(
                f"This classifier was pickled with an accelerator on {target}, "
                "which this machine lacks; its network stays on the CPU. Call "
                "set_params(accelerator=Accelerator(cpu=True)) before using it.",
                UserWarning,
                stacklevel=2,
            )
            return
        for name in self._modules + self._criteria:
            component = getattr(self, name + "_", None)
            if isinstance(component, torch.nn.Module):
                setattr(self, name + "_", component.to(target))


def accelerated(classifier: type) -> type:
    """A skseq classifier class that trains through Hugging Face Accelerate.

    ``accelerated(LSTMClassifier)`` is ``LSTMClassifier`` with one more
    parameter, ``accelerator`` (an :class:`accelerate.Accelerator`), for
    mixed precision and data-parallel training on several GPUs (or
    processes), built on skorch's :class:`skorch.hf.AccelerateMixin`. Every
    other parameter, ``fit``, ``predict``, cloning, grid search and pickling
    work as for the wrapped class. Start a multi-GPU script with
    ``accelerate launch script.py``.

    What happens with ``N`` processes: the network and optimizer are
    prepared by the accelerator (DistributedDataParallel for ``N > 1``);
    every process builds the same global order of training batches and keeps
    every ``N``-th of them, so one optimizer step of all processes together
    covers ``N`` consecutive batches, as a single process with ``N`` times
    the ``batch_size`` would (when the batches do not divide evenly, the
    global list is padded with batches from its start, so some series count
    twice in that epoch). Gradients are clipped to ``max_grad_norm`` with
    ``accelerator.clip_grad_norm_``. Validation and prediction are not split:
    every process computes them on all rows. An accelerator with
    ``gradient_accumulation_steps=k`` steps the optimizer every ``k``
    batches, as one batch ``k`` times larger would (the count runs on across
    epochs when ``k`` does not divide the batches of one).

    Parameters
    ----------
    classifier : type
        A subclass of :class:`~skseq.classifiers.BaseSequenceClassifier`.

    Returns
    -------
    cls : type
        The class ``Accelerated<Name>``, a subclass of ``classifier`` whose
        constructor takes ``accelerator`` (required), ``device=None`` (leave
        placement to the accelerator), ``unwrap_after_train=True`` (restore
        the plain network after training; needed for
        :meth:`~skseq.classifiers.AttentionLSTMClassifier.attention_weights`
        and plain ``state_dict`` keys) and
        ``callbacks__print_log__sink="auto"`` (print on the main process
        only). The same class is returned for the same ``classifier``.

    Raises
    ------
    TypeError
        If ``classifier`` is not a skseq classifier class.

    See Also
    --------
    skorch.hf.AccelerateMixin : the skorch mixin this builds on.

    Notes
    -----
    With one process (``Accelerator(cpu=True)``, or one GPU without mixed
    precision) training computes exactly what the wrapped class computes: the
    test suite checks that weights and probabilities are bit-identical under
    the same ``random_state``. ``Accelerator(mixed_precision="bf16")`` runs
    the forward pass under bfloat16 autocast (on CPU, too); ``"fp16"`` needs
    a GPU (accelerate does not autocast fp16 on CPU).

    The class is made once per ``classifier`` and kept on it: its qualified
    name is ``<classifier>._accelerated_class`` in the classifier's module,
    an attribute every skseq classifier class has, so pickle, joblib and
    ``clone`` find it by name like any class (it is made on first access in
    a fresh process).

    A pickled classifier carries its accelerator along. It predicts at once
    after loading in another process, but an unpickled ``Accelerator`` is not
    set up there: before training again, pass a new one with
    ``set_params(accelerator=Accelerator(...))``.

    Examples
    --------
    >>> from accelerate import Accelerator
    >>> from sktime.datasets import load_gunpoint
    >>> from skseq.classifiers import LSTMClassifier, accelerated
    >>> X, y = load_gunpoint(split="train", return_X_y=True, return_type="numpy3D")
    >>> AcceleratedLSTM = accelerated(LSTMClassifier)
    >>> AcceleratedLSTM.__name__
    'AcceleratedLSTMClassifier'
    >>> clf = AcceleratedLSTM(accelerator=Accelerator(cpu=True),
    ...                       module__hidden_size=4, max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    """
    is_class = isinstance(classifier, type)
    if not (is_class and issubclass(classifier, BaseSequenceClassifier)):
        raise TypeError(
            "accelerated() takes a skseq classifier class such as "
            f"skseq.classifiers.LSTMClassifier; got {classifier!r}."
        )
    if issubclass(classifier, _SequenceAccelerateMixin):
        return classifier
    # kept in the class's own namespace: a subclass gets its own
    cls = vars(classifier).get("_skseq_accelerated_class")
    if cls is None:
        name = f"Accelerated{classifier.__name__}"
        doc = (
            f":class:`{classifier.__module__}.{classifier.__name__}` trained "
            "through Hugging Face Accelerate; made by "
            ":func:`skseq.classifiers.accelerated`, whose documentation lists "
            "the extra parameters."
        )
        cls = type(
            name,
            (_SequenceAccelerateMixin, classifier),
            {
                # importable as <module>.<Classifier>._accelerated_class
                "__module__": classifier.__module__,
                "__qualname__": f"{classifier.__qualname__}._accelerated_class",
                "__doc__": doc,
            },
        )
        classifier._skseq_accelerated_class = cls
    return cls


def _new_accelerated(classifier: type) -> Any:
    """Load pickles written before accelerated classes pickled by name: an
    empty instance of ``accelerated(classifier)``."""
    cls = accelerated(classifier)
    return cls.__new__(cls)
