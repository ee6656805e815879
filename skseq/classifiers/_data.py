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

__all__ = ["PanelDataset", "PanelBatchIterator", "batch_to"]


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
    sample_weight : ndarray of shape (n,) or None
        Per-series loss weights; batches then carry them under
        ``"sample_weight"`` (the classifier's ``get_loss`` reads them, the
        network never sees them).
    """

    def __init__(
        self,
        X: np.ndarray,
        lengths: np.ndarray,
        y: np.ndarray | None = None,
        y_encoded: np.ndarray | None = None,
        sample_weight: np.ndarray | None = None,
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
        self.sample_weight = (
            None
            if sample_weight is None
            else torch.as_tensor(sample_weight, dtype=torch.float32)
        )

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, i):  # kept for generic torch tooling; batches don't use it
        x = {"x": self.data[i, :, : self.lengths[i]], "lengths": self.lengths[i]}
        return x, (self.target[i] if self.target is not None else torch.tensor(0))

    def batch(self, idx: torch.Tensor) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        """One batch: the rows ``idx`` trimmed to their longest series.

        ``lengths`` is left out (the networks' ``lengths=None``) when every
        series of the batch has the batch's length: the networks then take
        their dense path and pay nothing for masking. This is the one place
        where that is decided (see :mod:`skseq.nn._masking`).
        """
        lengths = self.lengths[idx]
        max_len = int(lengths.max())
        x = self.data[idx, :, :max_len]
        y = self.target[idx] if self.target is not None else torch.zeros_like(idx)
        inputs = {"x": x}
        if int(lengths.min()) < max_len:
            inputs["lengths"] = lengths
        if self.sample_weight is not None:
            inputs["sample_weight"] = self.sample_weight[idx]
        return inputs, y


def batch_to(
    x: dict[str, torch.Tensor], device: str | torch.device
) -> dict[str, torch.Tensor]:
    """A batch's inputs (``x`` and, with padding, ``lengths``; with weights,
    ``sample_weight``) on ``device``."""
    return {k: v.to(device) for k, v in x.items()}


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


def length_sorted(dataset: Dataset) -> tuple[Subset, torch.Tensor]:
    """The rows of ``dataset`` sorted by length (stable), as a Subset of its
    PanelDataset, and the permutation: sorted row ``k`` is the caller's row
    ``perm[k]``. Batches of similar length pay only for their own longest
    series (prediction, the precise batch-norm pass)."""
    base, idx = _unwrap(dataset)
    perm = torch.sort(base.lengths[idx], stable=True).indices
    return Subset(base, idx[perm].tolist()), perm


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
    num_shards : int, default=1
        Number of data-parallel processes sharing every epoch. Each process
        builds the same global list of batches (same ``seed``) and keeps every
        ``num_shards``-th batch, starting at ``shard_index``; when the number
        of batches is not a multiple of ``num_shards``, the list is first
        extended with batches from its start (as
        :class:`~torch.utils.data.distributed.DistributedSampler` pads
        indices) so every process runs the same number of steps.
    shard_index : int, default=0
        This process's shard, ``0 <= shard_index < num_shards``.
    device : str, torch.device or None, default=None
        Move every batch there (``None``: leave it on the CPU).
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 32,
        shuffle: bool = False,
        sample_weights: np.ndarray | None = None,
        bucket_by_length: bool = False,
        seed: int | None = None,
        num_shards: int = 1,
        shard_index: int = 0,
        device: str | torch.device | None = None,
    ) -> None:
        if not 0 <= shard_index < num_shards:
            raise ValueError(
                "shard_index must satisfy 0 <= shard_index < num_shards; got "
                f"shard_index={shard_index}, num_shards={num_shards}."
            )
        self.base, self.indices = _unwrap(dataset)
        self.dataset = dataset
        n = len(self.indices)
        self.batch_size = n if batch_size == -1 else int(batch_size)
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1 or -1; got {batch_size}.")
        self.shuffle = shuffle
        self.sample_weights = sample_weights
        self.bucket_by_length = bucket_by_length
        self.num_shards = int(num_shards)
        self.shard_index = int(shard_index)
        self.device = device
        self.generator = torch.Generator()
        self.generator.manual_seed(
            int(seed) if seed is not None else int(torch.seed() % (2**63))
        )

    def __len__(self) -> int:
        n_batches = max(1, math.ceil(len(self.indices) / self.batch_size))
        return math.ceil(n_batches / self.num_shards)

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

    def _shard(self, batches: list[torch.Tensor]) -> list[torch.Tensor]:
        if self.num_shards == 1:
            return batches
        # every process must step equally often (a data-parallel step is a
        # collective), so pad the global list cyclically to a multiple
        total = math.ceil(len(batches) / self.num_shards) * self.num_shards
        padded = [batches[i % len(batches)] for i in range(total)]
        # interleaved: step t of all processes together covers the global
        # batches t*num_shards ... t*num_shards + num_shards - 1
        return padded[self.shard_index :: self.num_shards]

    def __iter__(self) -> Iterator[tuple[dict[str, torch.Tensor], torch.Tensor]]:
        for idx in self._shard(self._batches(self._order())):
            x, y = self.base.batch(idx)
            if self.device is not None:
                x = batch_to(x, self.device)
                y = y.to(self.device)
            yield x, y
