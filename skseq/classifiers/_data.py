"""In-memory panel dataset and the fast batch iterator behind every classifier.

The whole panel lives in one tensor; a batch is one advanced-indexing slice of
it, trimmed to the longest series in the batch. Nothing is gathered item by
item through ``__getitem__`` and a collate function.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import Dataset, Subset

__all__ = ["PanelDataset", "PanelBatchIterator"]


class PanelDataset(Dataset):
    """A validated panel held as tensors.

    ``X`` and ``y`` keep the caller's view (the NaN-padded float32 panel and
    the original labels) so skorch's scoring callbacks, which read
    ``dataset.X``/``dataset.y``, see what a user would pass to ``predict``.

    Parameters
    ----------
    X : ndarray of shape (n, channels, time), float32
        Validated panel with trailing NaN padding.
    lengths : ndarray of shape (n,)
        Observed length of every series.
    y : ndarray of shape (n,) or None
        Original labels (for scoring callbacks).
    y_encoded : ndarray of shape (n,) or None
        Labels encoded as ``0..n_classes-1`` (for the loss).
    """

    def __init__(
        self,
        X: np.ndarray,
        lengths: np.ndarray,
        y: np.ndarray | None = None,
        y_encoded: np.ndarray | None = None,
    ) -> None:
        self.X = X
        self.y = y
        self.lengths = torch.as_tensor(lengths, dtype=torch.long)
        # padding becomes 0 for the networks; the lengths say where it starts.
        # A panel without NaN is used as it is: batches are gathered copies,
        # so nothing writes into it, and a long recording's windows are not
        # held twice.
        if np.isnan(X).any() or not X.flags.writeable:
            X0 = np.nan_to_num(X, nan=0.0, copy=True)
        else:
            X0 = X
        self.data = torch.from_numpy(X0)
        self.target = (
            None if y_encoded is None else torch.as_tensor(y_encoded, dtype=torch.long)
        )

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, i):  # kept for generic torch tooling; batches don't use it
        x = {"x": self.data[i, :, : self.lengths[i]], "lengths": self.lengths[i]}
        return x, (self.target[i] if self.target is not None else torch.tensor(0))

    def batch(self, idx: torch.Tensor) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        """One batch: the rows ``idx`` trimmed to their longest series."""
        lengths = self.lengths[idx]
        max_len = int(lengths.max())
        x = self.data[idx, :, :max_len]
        y = self.target[idx] if self.target is not None else torch.zeros_like(idx)
        return {"x": x, "lengths": lengths}, y


def _unwrap(dataset: Dataset) -> tuple[PanelDataset, torch.Tensor]:
    """The underlying PanelDataset and the row indices a (nested) Subset selects."""
    if isinstance(dataset, Subset):
        base, idx = _unwrap(dataset.dataset)
        return base, idx[torch.as_tensor(np.asarray(dataset.indices), dtype=torch.long)]
    if isinstance(dataset, PanelDataset):
        return dataset, torch.arange(len(dataset))
    raise TypeError(
        f"Expected a PanelDataset (or a Subset of one); got {type(dataset).__name__}."
    )


class PanelBatchIterator:
    """Iterate over a :class:`PanelDataset` in mini-batches.

    Parameters
    ----------
    dataset : PanelDataset or torch.utils.data.Subset of one
        The data.
    batch_size : int, default=32
        Rows per batch; ``-1`` for the whole dataset in one batch.
    shuffle : bool, default=False
        Draw a new random order every epoch.
    sample_weights : ndarray of shape (n,) or None, default=None
        If given, every epoch draws ``n`` rows *with replacement* with these
        probabilities (the ``WeightedRandomSampler`` recipe behind balanced
        mini-batches).
    bucket_by_length : bool, default=False
        Group rows of similar length into the same batch (then shuffle the
        batches), so a batch pays only for its own longest series.
    seed : int or None, default=None
        Seed of the iterator's own generator; the global RNG is never used.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 32,
        shuffle: bool = False,
        sample_weights: np.ndarray | None = None,
        bucket_by_length: bool = False,
        seed: int | None = None,
    ) -> None:
        self.base, self.indices = _unwrap(dataset)
        self.dataset = dataset
        n = len(self.indices)
        self.batch_size = n if batch_size == -1 else int(batch_size)
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1 or -1; got {batch_size}.")
        self.shuffle = shuffle
        self.sample_weights = sample_weights
        self.bucket_by_length = bucket_by_length
        self.generator = torch.Generator()
        self.generator.manual_seed(
            int(seed) if seed is not None else int(torch.seed() % (2**63))
        )

    def __len__(self) -> int:
        return max(1, math.ceil(len(self.indices) / self.batch_size))

    def _order(self) -> torch.Tensor:
        n = len(self.indices)
        if self.sample_weights is not None:
            w = torch.as_tensor(self.sample_weights, dtype=torch.double)
            pos = torch.multinomial(w, n, replacement=True, generator=self.generator)
        elif self.shuffle:
            pos = torch.randperm(n, generator=self.generator)
        else:
            pos = torch.arange(n)
        return self.indices[pos]

    def _batches(self, order: torch.Tensor) -> list[torch.Tensor]:
        if not self.bucket_by_length:
            return list(torch.split(order, self.batch_size))
        # stable sort by length keeps the random order within equal lengths
        lengths = self.base.lengths[order]
        order = order[torch.sort(lengths, stable=True).indices]
        batches = list(torch.split(order, self.batch_size))
        if self.shuffle or self.sample_weights is not None:
            perm = torch.randperm(len(batches), generator=self.generator)
            batches = [batches[i] for i in perm]
        return batches

    def __iter__(self) -> Iterator[tuple[dict[str, torch.Tensor], torch.Tensor]]:
        for idx in self._batches(self._order()):
            yield self.base.batch(idx)
