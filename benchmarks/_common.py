"""Helpers shared by the benchmark scripts in this folder.

Data loading (the bundled sktime data sets, in the formats each contender
takes), timing with interleaved repeats, robust summaries (median and
min–max), test scores, torch thread control, Markdown table output, and the
pieces of the hand-written PyTorch loop that ``bench_rnn.py`` and
``bench_zoo.py`` race against skseq. Nothing here imports skseq, so a
benchmark can compare skseq with anything.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

__all__ = [
    "DATASETS",
    "Dataset",
    "Timing",
    "accuracy_and_macro_f1",
    "environment_lines",
    "fmt_range",
    "load_average",
    "load_dataset",
    "markdown_table",
    "pad_zeros",
    "set_torch_threads",
    "skseq_seeds",
    "summarize",
    "time_call",
    "train_batches",
    "train_epoch",
    "write_markdown",
]

# name -> sktime loader; all ship with sktime, nothing is downloaded
DATASETS: dict[str, str] = {
    "GunPoint": "load_gunpoint",
    "ItalyPowerDemand": "load_italy_power_demand",
    "JapaneseVowels": "load_japanese_vowels",
    "ArrowHead": "load_arrow_head",
    "BasicMotions": "load_basic_motions",
}


@dataclass
class Dataset:
    """One train/test split in the formats the contenders take.

    ``X_train``/``X_test`` are a float 3-D array ``(n, channels, time)`` for
    equal-length data and a list of ``(channels, length_i)`` arrays for
    unequal-length data (what a user holds after reading the files).
    ``X_train_sktime``/``X_test_sktime`` are what sktime's loader returned
    (a pandas panel), for estimators that take sktime's formats.
    """

    name: str
    X_train: np.ndarray | list[np.ndarray]
    y_train: np.ndarray
    X_test: np.ndarray | list[np.ndarray]
    y_test: np.ndarray
    X_train_sktime: Any
    X_test_sktime: Any
    n_channels: int
    min_length: int
    max_length: int
    n_classes: int

    @property
    def equal_length(self) -> bool:
        return self.min_length == self.max_length

    def describe(self) -> str:
        length = (
            str(self.max_length)
            if self.equal_length
            else f"{self.min_length}–{self.max_length}"
        )
        return (
            f"{self.name}: {len(self.y_train)} train / {len(self.y_test)} test, "
            f"{self.n_channels} channel(s), length {length}, "
            f"{self.n_classes} classes"
        )


def _panel_to_list(X) -> list[np.ndarray]:
    """A sktime ``nested_univ`` frame as a list of ``(channels, length_i)``."""
    return [
        np.stack(
            [np.asarray(X.iloc[i, c], dtype=np.float64) for c in range(X.shape[1])]
        )
        for i in range(X.shape[0])
    ]


def load_dataset(name: str) -> Dataset:
    """Load a bundled sktime data set by its UCR/UEA name.

    Parameters
    ----------
    name : str
        One of ``DATASETS``.

    Returns
    -------
    Dataset
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}; choose from {sorted(DATASETS)}.")
    import sktime.datasets

    loader = getattr(sktime.datasets, DATASETS[name])
    X_tr, y_tr = loader(split="train", return_X_y=True)
    X_te, y_te = loader(split="test", return_X_y=True)
    lists = [_panel_to_list(X_tr), _panel_to_list(X_te)]
    lengths = [a.shape[1] for part in lists for a in part]
    equal = min(lengths) == max(lengths)
    # equal-length data as one 3-D array, like sktime's "numpy3D"; ragged stays a list
    X_train, X_test = (
        (np.stack(lists[0]), np.stack(lists[1])) if equal else (lists[0], lists[1])
    )
    return Dataset(
        name=name,
        X_train=X_train,
        y_train=np.asarray(y_tr),
        X_test=X_test,
        y_test=np.asarray(y_te),
        X_train_sktime=X_tr,
        X_test_sktime=X_te,
        n_channels=int(X_tr.shape[1]),
        min_length=int(min(lengths)),
        max_length=int(max(lengths)),
        n_classes=len(np.unique(np.concatenate([y_tr, y_te]))),
    )


def set_torch_threads(n: int = 1) -> None:
    """Pin torch (and the BLAS behind numpy, for child processes) to ``n`` threads.

    On a small shared machine a second intra-op thread waiting for a busy core
    makes training many times slower, and unequal thread counts would make a
    comparison meaningless.
    """
    import torch

    os.environ["OMP_NUM_THREADS"] = str(n)
    os.environ["MKL_NUM_THREADS"] = str(n)
    torch.set_num_threads(n)


@dataclass
class Timing:
    """Wall and CPU seconds of one timed call, plus whatever it returned."""

    wall: float
    cpu: float
    result: Any = None


def time_call(fn: Callable[[], Any]) -> Timing:
    """Run ``fn()`` once; wall time (``perf_counter``) and this process's CPU time.

    CPU time is less sensitive than wall time to other processes taking the
    core away, so both are kept.
    """
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = fn()
    wall1, cpu1 = time.perf_counter(), time.process_time()
    return Timing(wall=wall1 - wall0, cpu=cpu1 - cpu0, result=result)


@dataclass
class Summary:
    """Median and range of repeated measurements."""

    median: float
    low: float
    high: float
    values: list[float] = field(default_factory=list)


def summarize(values: Iterable[float]) -> Summary:
    """Median, min and max of finite values (NaN summary when there are none)."""
    vals = [float(v) for v in values if v is not None and math.isfinite(v)]
    if not vals:
        return Summary(math.nan, math.nan, math.nan, [])
    return Summary(statistics.median(vals), min(vals), max(vals), vals)


def fmt_range(s: Summary, digits: int = 3, suffix: str = "") -> str:
    """``median [min–max]`` (just the median when there is one value)."""
    if not math.isfinite(s.median):
        return "–"
    med = f"{s.median:.{digits}f}{suffix}"
    if len(s.values) <= 1:
        return med
    return f"{med} [{s.low:.{digits}f}–{s.high:.{digits}f}]"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table (``|`` inside cells is escaped)."""

    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def accuracy_and_macro_f1(y_true, y_pred) -> tuple[float, float]:
    """Accuracy and macro-F1 of predicted labels, as floats."""
    from sklearn.metrics import accuracy_score, f1_score

    return (
        float(accuracy_score(y_true, y_pred)),
        float(f1_score(y_true, y_pred, average="macro")),
    )


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes (``"n/a"`` if unknown)."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def environment_lines(
    command: str | None = None,
    packages: Sequence[str] = ("torch", "skorch", "sktime"),
) -> list[str]:
    """Where and with what a benchmark ran: date, Python, packages, cores, load.

    ``command`` is the command line to record (default: this process's argv).
    """
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for pkg in packages:
        try:
            versions.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            versions.append(f"{pkg} (not installed)")
    return [
        f"date: {_dt.datetime.now().isoformat(timespec='seconds')}",
        f"python {platform.python_version()}, {', '.join(versions)}",
        f"machine: {platform.machine()}, {os.cpu_count()} logical cores, "
        f"load average (1, 5, 15 min) {load_average()}",
        "command: " + (command or " ".join(["python", *sys.argv])),
    ]


def write_markdown(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` (creating folders) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------ the hand loop
# What a competent PyTorch user writes around one of skseq's networks, mirrored
# on skseq's defaults so that both loops do the same arithmetic: the same
# initial weights and batches, zero padding plus lengths, every batch trimmed
# to its longest series, gradient-norm clipping at 1.0.


def pad_zeros(X) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-padded float32 tensor ``(n, channels, time)`` and the lengths.

    ``X`` is a NaN-padded 3-D array or a list of ``(channels, length_i)``
    arrays; both give the same tensor.
    """
    import torch

    if isinstance(X, np.ndarray):
        x = torch.as_tensor(X, dtype=torch.float32)
        observed = ~torch.isnan(x).all(dim=1)  # (n, time): any channel observed
        # length = one past the last observed step (trailing NaN is padding)
        steps = torch.arange(1, x.shape[-1] + 1)
        lengths = (observed * steps).amax(dim=1)
        return torch.nan_to_num(x, nan=0.0), lengths
    seqs = [torch.as_tensor(a, dtype=torch.float32).T for a in X]  # (len, channels)
    lengths = torch.tensor([len(s) for s in seqs])
    x = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True)  # zeros after the end
    return x.transpose(1, 2).contiguous(), lengths


def skseq_seeds(random_state: int) -> tuple[int, int]:
    """The (weight-init seed, first shuffle seed) skseq derives from ``random_state``.

    Mirrors ``BaseSequenceClassifier.fit``/``get_iterator`` so the hand loop can
    start from the same weights and draw the same batches. If skseq ever
    changes this derivation, the benchmarks' loss checks say so ("differ"); the
    timings stay valid (same epochs, batch sizes and shapes), only not
    bit-identical.
    """
    seed = int(np.random.RandomState(random_state).randint(0, 2**31 - 1))
    return seed, (seed + 7919) % (2**63)


def train_batches(
    n: int, lengths: torch.Tensor, batch_size: int, bucket: bool, generator
) -> list[torch.Tensor]:
    """One epoch of shuffled batches; with ``bucket``, of similar lengths.

    Bucketing is the usual recipe (and skseq's ``bucket_by_length``): sort the
    shuffled order by length, cut it into batches, shuffle the batches, so each
    batch pays only for its own longest series.
    """
    import torch

    order = torch.randperm(n, generator=generator)
    if not bucket:
        return list(order.split(batch_size))
    order = order[torch.sort(lengths[order], stable=True).indices]
    batches = list(order.split(batch_size))
    return [batches[i] for i in torch.randperm(len(batches), generator=generator)]


def warmup_cosine(
    optimizer: torch.optim.Optimizer,
    epochs: int,
    batches_per_epoch: int,
    warmup: float = 0.1,
    final_factor: float = 0.01,
) -> torch.optim.lr_scheduler.LambdaLR:
    """skseq's default schedule (``lr_schedule="warmup_cosine"``) as the
    ``LambdaLR`` a PyTorch user writes: stepped after every batch, linear
    warm-up over the first ``warmup`` share of the steps (the first step at
    1/n of it, never 0), then half a cosine down to ``final_factor``. The
    curve is skseq's own (``WarmupCosineLR.factor``), not a copy of it.
    """
    import torch

    from skseq.callbacks import WarmupCosineLR

    total = max(1, epochs * batches_per_epoch)
    curve = WarmupCosineLR(warmup=warmup, final_factor=final_factor).factor

    def factor(step: int) -> float:
        return curve(max(step / total, 1.0 / total))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


class BestTrainLoss:
    """skseq's ``restore_best``: keep the weights of the epoch with the lowest
    training loss and load them back when training ends."""

    def __init__(self) -> None:
        self.loss = float("inf")
        self.state: dict | None = None

    def update(self, net: torch.nn.Module, loss: float) -> None:
        if loss < self.loss:
            self.loss = loss
            self.state = {k: v.detach().clone() for k, v in net.state_dict().items()}

    def restore(self, net: torch.nn.Module) -> None:
        if self.state is not None:
            net.load_state_dict(self.state)


def train_epoch(
    net: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    lengths: torch.Tensor,
    target: torch.Tensor,
    batches: Iterable[torch.Tensor],
    scheduler: Any = None,
    with_lengths: bool = True,
) -> float:
    """One training epoch over ``batches`` (index tensors); the mean loss.

    Cross-entropy, each batch trimmed to its longest series, gradient norm
    clipped at 1.0 (skseq's default ``max_grad_norm``), the learning-rate
    ``scheduler`` (if any) stepped after every batch. ``with_lengths=False``
    calls the network without lengths (right for equal lengths only): the
    loop of a user who never pads.
    """
    import torch
    import torch.nn.functional as F

    total = 0.0
    for idx in batches:
        lt = lengths[idx]
        xb = x[idx, :, : int(lt.max())]  # trim to the batch's longest series
        optimizer.zero_grad()
        logits = net(xb, lt) if with_lengths else net(xb)
        loss = F.cross_entropy(logits, target[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total += loss.item() * len(idx)
    return total / len(target)
