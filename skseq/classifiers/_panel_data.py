"""How a classifier turns panels into datasets, splits and batches.

:class:`PanelDataMixin` gives a skorch net skseq's data layer: validated
panels become one in-memory :class:`~skseq.classifiers._data.PanelDataset`,
``early_stopping`` holds out a stratified validation split, ``resampler``
resamples the training part after that split, and batches come from the
fast :class:`~skseq.classifiers._data.PanelBatchIterator` (class-balanced
draws, length buckets, seeded per epoch).
"""

from __future__ import annotations

import numpy as np
from skorch.dataset import ValidSplit
from torch.utils.data import Subset

from ..utils.validation import validate_panel
from ._data import PanelBatchIterator, PanelDataset, _unwrap, length_sorted

__all__ = ["PanelDataMixin"]


class PanelDataMixin:
    """Panels in, seeded batches out: skorch's dataset, split and iterator hooks.

    A mixin for a skorch ``NeuralNetClassifier`` (placed before it) whose
    estimator has the ``batch_size``, ``balanced_batches``,
    ``bucket_by_length``, ``early_stopping``, ``validation_fraction`` and
    ``resampler`` parameters. ``fit`` sets the seed ``_seed_`` (and counts
    training iterators in ``_n_iterators_``), so that every epoch's order,
    the validation split and the resampler follow ``random_state``.
    """

    def get_dataset(self, X, y=None):
        # override: a validated panel becomes one PanelDataset
        if isinstance(X, PanelDataset | Subset):
            return X
        Xp, lengths = validate_panel(self, X, reset=False, return_lengths=True)
        return PanelDataset(Xp, lengths)

    def get_split_datasets(self, X, y=None, **fit_params):
        # override: early_stopping's own split, then resample the training part
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
        # override: batches come from PanelBatchIterator, not a DataLoader
        if hasattr(self, "accelerator") and not getattr(self, "_skseq_accelerate", 0):
            # skorch's mixin alone leaves batches on the CPU and unsplit, and
            # returns predictions once per process
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

    def _inference_batch_size(self) -> int:
        """Batch size for prediction and validation: ``iterator_valid__batch_size``
        if given, else 4x the training batch (at least 128) — no gradients are
        kept, so larger batches cost little memory and save per-batch overhead."""
        given = self.get_params_for("iterator_valid").get("batch_size")
        if given is not None:
            return given
        return -1 if self.batch_size == -1 else max(4 * self.batch_size, 128)
