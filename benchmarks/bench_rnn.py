"""Seconds per epoch of skseq's LSTM/GRU classifiers, side by side in one run.

For every data set and every recurrent cell, three contenders train the same
kind of network on the same training split, with one torch thread each:

(a) ``skseq``: ``LSTMClassifier`` / ``GRUClassifier`` (skorch underneath);
(b) ``hand loop``: a plain PyTorch loop over the *same* module class
    (``skseq.nn.LSTMNetwork`` / ``GRUNetwork``, same hyper-parameters), same
    initial weights, same shuffled batches, AdamW, gradient-norm clipping at 1.0,
    NaN/ragged padding turned into zeros plus lengths, every batch trimmed to
    its longest series, and length bucketing exactly when skseq's default
    (``bucket_by_length="auto"``) buckets. The per-epoch training losses of (a)
    and (b) are compared: when they agree, the two did exactly the same
    arithmetic and the time difference is pure overhead. On unequal-length
    data a second hand loop with plain shuffled batches (no bucketing) shows
    what the bucketing default is worth;
(c) ``sktime``: sktime's own torch classifier for that cell where sktime has
    one (``sktime.classification.deep_learning.gru.GRUClassifier``; sktime 1.2
    has no torch LSTM classifier), with matched epochs, batch size, hidden
    size, bidirectionality, optimizer and learning rate.

Repeats are interleaved (a, b, c, then b, c, a, …) so slow phases of a shared
machine hit every contender alike; the ratios of paired repeats are what count.
Seconds per epoch = wall time of ``fit`` / epochs (fit includes each
contender's own input validation and set-up). Test accuracy and macro-F1 are
reported for information only.

Run from the repository root::

    python benchmarks/bench_rnn.py                 # full run, ~5-10 min on 2 cores
    python benchmarks/bench_rnn.py --quick         # 2 epochs, 1 repeat
    python benchmarks/bench_rnn.py --profile ItalyPowerDemand:LSTM  # where time goes
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import functools
import io
import math
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from skseq.classifiers import GRUClassifier, LSTMClassifier
from skseq.nn import GRUNetwork, LSTMNetwork

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BestTrainLoss,
    Dataset,
    accuracy_and_macro_f1,
    environment_lines,
    fmt_range,
    load_dataset,
    markdown_table,
    pad_zeros,
    set_torch_threads,
    skseq_seeds,
    summarize,
    time_call,
    train_batches,
    train_epoch,
    warmup_cosine,
    write_markdown,
)

DEFAULT_DATASETS = ("GunPoint", "ItalyPowerDemand", "JapaneseVowels")
MODELS = ("LSTM", "GRU")
# "hand loop, no bucketing" runs only on unequal-length data, where skseq's
# default length bucketing changes the batches (on equal lengths it is the same
# loop as "hand loop")
CONTENDERS = ("skseq", "hand loop", "hand loop, no bucketing", "sktime")
TARGET = 1.10  # issue 2: skseq <= 1.10x the hand-written loop per epoch


@dataclass
class Config:
    epochs: int = 20
    repeats: int = 3
    batch_size: int = 16
    hidden_size: int = 64
    lr: float = 1e-2
    seed: int = 0


# ----------------------------------------------------------------- contenders
@dataclass
class FitResult:
    """What a contender's fit leaves behind for scoring and checking."""

    predict: Callable[[Any], np.ndarray] | None = None
    epoch_losses: list[float] | None = None
    error: str | None = None


def fit_skseq(model: str, data: Dataset, cfg: Config, epochs: int) -> FitResult:
    cls = {"LSTM": LSTMClassifier, "GRU": GRUClassifier}[model]
    clf = cls(
        max_epochs=epochs,
        batch_size=cfg.batch_size,
        lr=cfg.lr,
        module__hidden_size=cfg.hidden_size,
        random_state=cfg.seed,
        n_threads=1,
    )
    clf.fit(data.X_train, data.y_train)
    return FitResult(
        predict=clf.predict,
        epoch_losses=[float(v) for v in clf.history_[:, "train_loss"]],
    )


def fit_hand_loop(
    model: str, data: Dataset, cfg: Config, epochs: int, bucket: bool | None = None
) -> FitResult:
    """The loop a competent PyTorch user writes for the same network.

    ``bucket=None`` batches by length exactly when skseq's default
    (``bucket_by_length="auto"``: more than 30% of the panel is padding) does,
    so both loops see identical batches; ``bucket=False`` shuffles plainly.
    """
    network_cls = {"LSTM": LSTMNetwork, "GRU": GRUNetwork}[model]
    init_seed, shuffle_seed = skseq_seeds(cfg.seed)

    classes, y_enc = np.unique(data.y_train, return_inverse=True)
    x, lengths = pad_zeros(data.X_train)
    y = torch.as_tensor(y_enc, dtype=torch.long)
    n = len(y)
    if bucket is None:
        bucket = bool(1.0 - lengths.double().mean() / x.shape[-1] > 0.3)

    torch.manual_seed(init_seed)
    net = network_cls(x.shape[1], len(classes), hidden_size=cfg.hidden_size)
    optimizer = torch.optim.AdamW(net.parameters(), lr=cfg.lr)
    scheduler = warmup_cosine(optimizer, epochs, math.ceil(n / cfg.batch_size))
    best = BestTrainLoss()
    generator = torch.Generator().manual_seed(shuffle_seed)

    net.train()
    epoch_losses = []
    for _ in range(epochs):
        batches = train_batches(n, lengths, cfg.batch_size, bucket, generator)
        epoch_losses.append(
            train_epoch(net, optimizer, x, lengths, y, batches, scheduler)
        )
        best.update(net, epoch_losses[-1])
    best.restore(net)

    def predict(X):
        xt, lt = pad_zeros(X)
        net.eval()
        with torch.inference_mode():
            logits = torch.cat(
                [
                    net(
                        xt[i : i + 256, :, : int(lt[i : i + 256].max())],
                        lt[i : i + 256],
                    )
                    for i in range(0, len(lt), 256)
                ]
            )
        return classes[logits.argmax(dim=1).numpy()]

    return FitResult(predict=predict, epoch_losses=epoch_losses)


SKTIME_NOTE = {
    "GRU": "sktime.classification.deep_learning.gru.GRUClassifier (torch)",
    "LSTM": (
        "n/a: sktime 1.2 has no torch LSTM classifier (LSTMFCNClassifierTorch is "
        "an LSTM+FCN hybrid, SimpleRNNClassifierTorch a vanilla RNN; "
        "LSTMFCNClassifier/SimpleRNNClassifier need tensorflow)"
    ),
}


def fit_sktime(model: str, data: Dataset, cfg: Config, epochs: int) -> FitResult:
    if model != "GRU":
        return FitResult(error=SKTIME_NOTE[model])
    # imported here: sktime's deep-learning package takes seconds to import, and
    # main() imports it once before any timing
    from sktime.classification.deep_learning.gru import GRUClassifier as SktimeGRU

    clf = SktimeGRU(
        hidden_dim=cfg.hidden_size,
        n_layers=1,
        bidirectional=True,
        # sktime feeds (batch, time, channels); its default batch_first=False
        # would run the recurrence over the batch axis
        batch_first=True,
        num_epochs=epochs,
        batch_size=cfg.batch_size,
        optimizer="AdamW",
        lr=cfg.lr,
        random_state=cfg.seed,
    )
    # equal-length data as sktime's numpy3D; ragged data as its pandas panel
    X, X_test = (
        (data.X_train, data.X_test)
        if data.equal_length
        else (data.X_train_sktime, data.X_test_sktime)
    )
    try:
        clf.fit(X, data.y_train)
    except Exception as exc:  # a peer's failure is a result, not a crash
        msg = " ".join(str(exc).split())
        return FitResult(error=f"fails: {type(exc).__name__}: {msg[:160]}")
    return FitResult(predict=lambda _X: clf.predict(X_test))


PLAIN = "hand loop, no bucketing"
FITTERS: dict[str, Callable[[str, Dataset, Config, int], FitResult]] = {
    "skseq": fit_skseq,
    "hand loop": fit_hand_loop,
    PLAIN: functools.partial(fit_hand_loop, bucket=False),
    "sktime": fit_sktime,
}


# ----------------------------------------------------------------- measuring
@dataclass
class Cell:
    """All measurements of one (data set, model, contender)."""

    dataset: str
    model: str
    contender: str
    wall: list[float] = field(default_factory=list)  # seconds per epoch
    cpu: list[float] = field(default_factory=list)
    accuracy: float = math.nan
    macro_f1: float = math.nan
    note: str = ""
    epoch_losses: list[float] | None = None


def _score(cell: Cell, result: FitResult, data: Dataset) -> None:
    y_pred = np.asarray(result.predict(data.X_test))
    cell.accuracy, cell.macro_f1 = accuracy_and_macro_f1(data.y_test, y_pred)


def run_pair(data: Dataset, model: str, cfg: Config, log=print) -> dict[str, Cell]:
    """Interleaved repeats of every contender on one data set and cell type."""
    names = [c for c in CONTENDERS if not (c == PLAIN and data.equal_length)]
    cells = {c: Cell(data.name, model, c) for c in names}
    available = [c for c in names if not (c == "sktime" and model != "GRU")]
    if "sktime" not in available:
        cells["sktime"].note = SKTIME_NOTE[model]
    # a 1-epoch fit first: one-off costs (allocator, first-call dispatch) are
    # not per-epoch costs; a contender that fails here is reported, not timed
    for c in list(available):
        result = FITTERS[c](model, data, cfg, 1)
        if result.error:
            cells[c].note = result.error
            available.remove(c)
    for r in range(cfg.repeats):
        # rotate the order every repeat so no contender always runs first
        order = available[r % len(available) :] + available[: r % len(available)]
        for c in order:
            t = time_call(lambda c=c: FITTERS[c](model, data, cfg, cfg.epochs))
            result: FitResult = t.result
            if result.error:
                cells[c].note = result.error
                continue
            cells[c].wall.append(t.wall / cfg.epochs)
            cells[c].cpu.append(t.cpu / cfg.epochs)
            if r == 0:
                _score(cells[c], result, data)
                cells[c].epoch_losses = result.epoch_losses
            log(
                f"  {data.name:<17} {model:<4} {c:<23} repeat {r + 1}/{cfg.repeats}: "
                f"{t.wall / cfg.epochs:.4f} s/epoch (cpu {t.cpu / cfg.epochs:.4f})"
            )
    a, b = cells["skseq"].epoch_losses, cells["hand loop"].epoch_losses
    if a is not None and b is not None:
        diff = float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
        same = np.allclose(a, b, rtol=1e-4, atol=1e-6)
        cells["hand loop"].note = (
            f"train losses = skseq's (max diff {diff:.1e})"
            if same
            else f"train losses differ from skseq's (max diff {diff:.1e})"
        )
    if PLAIN in cells:
        cells[PLAIN].note = (
            "plain shuffled batches (skseq buckets by length here: "
            f"{_padding_fraction(data):.0%} of the padded panel is padding)"
        )
    if not cells["sktime"].note and cells["sktime"].wall:
        cells["sktime"].note = (
            SKTIME_NOTE[model] + "; no shuffling, no clipping, last-step readout"
        )
    return cells


def _padding_fraction(data: Dataset) -> float:
    _, lengths = pad_zeros(data.X_train)
    return float(1.0 - lengths.double().mean() / lengths.max())


def _paired_ratios(num: Cell, den: Cell, attr: str) -> list[float]:
    a, b = getattr(num, attr), getattr(den, attr)
    return [x / y for x, y in zip(a, b) if y > 0]


# ------------------------------------------------------------------- output
def render(
    results: list[dict[str, Cell]],
    cfg: Config,
    datasets: Sequence[Dataset],
    command: str | None,
) -> tuple[str, list[dict[str, Any]]]:
    lines = [
        "# RNN classifiers: seconds per epoch, skseq vs a hand-written loop vs sktime",
        "",
    ]
    lines += [f"- {x}" for x in environment_lines(command)]
    lines += [
        f"- settings: {cfg.epochs} epochs, {cfg.repeats} interleaved repeat(s), "
        f"batch size {cfg.batch_size}, bidirectional 1-layer cell with "
        f"{cfg.hidden_size} units per direction, AdamW lr {cfg.lr}, "
        f"random_state {cfg.seed}, 1 torch thread for every contender",
        *[f"- data: {d.describe()}" for d in datasets],
        "",
        "## Seconds per epoch",
        "",
        "Wall time of `fit` / epochs, median [min–max] over the repeats; CPU = this "
        "process's CPU time / epochs (less sensitive to other load). Accuracy and "
        "macro-F1 on the test split, first repeat, for information only.",
        "",
    ]
    rows = []
    for cells in results:
        for c, cell in cells.items():
            rows.append(
                [
                    cell.dataset,
                    cell.model,
                    c,
                    fmt_range(summarize(cell.wall), 4),
                    fmt_range(summarize(cell.cpu), 4),
                    "–" if math.isnan(cell.accuracy) else f"{cell.accuracy:.3f}",
                    "–" if math.isnan(cell.macro_f1) else f"{cell.macro_f1:.3f}",
                    cell.note,
                ]
            )
    lines.append(
        markdown_table(
            [
                "data set",
                "model",
                "contender",
                "s/epoch (wall)",
                "s/epoch (CPU)",
                "test acc",
                "test macro-F1",
                "note",
            ],
            rows,
        )
    )
    lines += [
        "",
        "## Ratios",
        "",
        "Per repeat, skseq's time divided by the other contender's time from the "
        "same interleaved round; median [min–max]. "
        f"Target: skseq / hand loop ≤ {TARGET:.2f}, judged on wall time and on CPU "
        "time (CPU time is the steadier of the two when other processes share the "
        "cores; with one thread, it is what the wall time would be on an idle "
        "machine).",
        "",
    ]

    def verdict(x: float) -> str:
        return "–" if math.isnan(x) else ("yes" if x <= TARGET else "NO")

    ratio_rows, records = [], []
    for cells in results:
        s, h, k = cells["skseq"], cells["hand loop"], cells["sktime"]
        rh_w = summarize(_paired_ratios(s, h, "wall"))
        rh_c = summarize(_paired_ratios(s, h, "cpu"))
        rk_w = summarize(_paired_ratios(s, k, "wall"))
        rk_c = summarize(_paired_ratios(s, k, "cpu"))
        rp_w = (
            summarize(_paired_ratios(s, cells[PLAIN], "wall"))
            if PLAIN in cells
            else None
        )
        ratio_rows.append(
            [
                s.dataset,
                s.model,
                fmt_range(rh_w, 3, "×"),
                fmt_range(rh_c, 3, "×"),
                f"{verdict(rh_w.median)} / {verdict(rh_c.median)}",
                fmt_range(rk_w, 3, "×") if k.wall else "n/a",
                fmt_range(rk_c, 3, "×") if k.wall else "n/a",
                fmt_range(rp_w, 3, "×") if rp_w else "n/a",
            ]
        )
        records.append(
            {
                "dataset": s.dataset,
                "model": s.model,
                "skseq_over_hand_wall": rh_w.median,
                "skseq_over_hand_cpu": rh_c.median,
                "skseq_over_sktime_wall": rk_w.median,
                "skseq_over_sktime_cpu": rk_c.median,
                "skseq_over_plain_hand_wall": rp_w.median if rp_w else math.nan,
            }
        )
    lines.append(
        markdown_table(
            [
                "data set",
                "model",
                "skseq / hand (wall)",
                "skseq / hand (CPU)",
                f"≤ {TARGET:.2f}× (wall / CPU)",
                "skseq / sktime (wall)",
                "skseq / sktime (CPU)",
                "skseq / hand, no bucketing (wall)",
            ],
            ratio_rows,
        )
    )
    return "\n".join(lines) + "\n", records


# ------------------------------------------------------------------ profile
_COMPUTE = ("forward", "loss", "backward", "clip", "zero_grad", "AdamW update")


@contextlib.contextmanager
def _instrumented(acc: collections.Counter):
    """Accumulate CPU time of the calls skseq and the hand loop share.

    Network forward, loss, backward, clipping, zero_grad and the AdamW update
    are the same arithmetic in both loops; what is left of a fit's CPU time is
    the loop's own overhead. skorch's callback hooks are timed per callback
    and event. Everything patched is restored on exit.
    """
    import skorch.history
    import skorch.net
    import torch.optim.adam as adam_module

    import skseq.nn._rnn as rnn_module
    from skseq.classifiers._base import BaseSequenceClassifier
    from skseq.classifiers._data import PanelBatchIterator, PanelDataset

    clock = time.process_time
    patches = []

    def wrap(owner, name, key):
        orig = getattr(owner, name)

        def timed(*args, **kwargs):
            t0 = clock()
            try:
                return orig(*args, **kwargs)
            finally:
                acc[key] += clock() - t0

        patches.append((owner, name, orig))
        setattr(owner, name, timed)

    wrap(rnn_module.RNNNetwork, "forward", "forward")
    wrap(F, "cross_entropy", "loss")
    wrap(torch.Tensor, "backward", "backward")
    wrap(torch.nn.utils, "clip_grad_norm_", "clip")
    wrap(torch.optim.Optimizer, "zero_grad", "zero_grad")
    wrap(adam_module, "adam", "AdamW update")

    net_cls = skorch.net.NeuralNet
    # skseq-only steps (not compute): where the overhead goes
    wrap(BaseSequenceClassifier, "_prepare_fit_data", "skseq: validate panel + labels")
    wrap(net_cls, "initialize", "skorch: initialize()")
    wrap(PanelDataset, "batch", "skseq: PanelDataset.batch (slice + trim)")
    wrap(PanelBatchIterator, "_order", "skseq: iterator order (randperm)")
    wrap(net_cls, "_set_training", "skorch: _set_training (module.train())")
    wrap(skorch.net, "get_len", "skorch: get_len(batch)")
    wrap(skorch.net, "to_tensor", "skorch: to_tensor (infer/get_loss)")
    wrap(skorch.history.History, "record_batch", "skorch: history.record_batch")
    orig_notify = net_cls.notify

    def notify(self, method_name, **kwargs):
        for name, obj in [("net", self), *self.callbacks_]:
            t0 = clock()
            getattr(obj, method_name)(self, **kwargs)
            acc[f"callback {name}.{method_name}"] += clock() - t0

    patches.append((net_cls, "notify", orig_notify))
    net_cls.notify = notify
    try:
        yield
    finally:
        for owner, name, orig in reversed(patches):
            setattr(owner, name, orig)


def profile(spec: str, cfg: Config, top: int = 20) -> str:
    """Where skseq's time goes, compared with the hand loop (``"GunPoint:LSTM"``).

    1. CPU time of every fit split into the compute both loops share and the
       rest ("overhead"), median over ``cfg.repeats`` interleaved fits;
    2. skorch's callback hooks by callback and event (part of the overhead);
    3. cProfile of one skseq fit, by own time (cProfile inflates Python-heavy
       code, so read it for *what* runs, and (1) for how much it costs).
    """
    name, _, model = spec.partition(":")
    model = model or "LSTM"
    data = load_dataset(name)
    for c in ("skseq", "hand loop"):
        FITTERS[c](model, data, cfg, 1)  # warm-up
    per_fit: dict[str, dict[str, list[float]]] = {"skseq": {}, "hand loop": {}}
    for r in range(max(cfg.repeats, 1)):
        for c in ("skseq", "hand loop") if r % 2 == 0 else ("hand loop", "skseq"):
            acc: collections.Counter = collections.Counter()
            with _instrumented(acc):
                t = time_call(lambda c=c: FITTERS[c](model, data, cfg, cfg.epochs))
            compute = sum(acc[k] for k in _COMPUTE)
            acc["compute (sum)"] = compute
            acc["overhead = total - compute"] = t.cpu - compute
            acc["TOTAL"] = t.cpu
            for key, value in acc.items():
                per_fit[c].setdefault(key, []).append(value * 1e3)

    def med(c, key):
        return summarize(per_fit[c].get(key, [0.0])).median

    keys = [*_COMPUTE, "compute (sum)", "overhead = total - compute", "TOTAL"]
    rows = [
        [
            k,
            f"{med('skseq', k):.1f}",
            f"{med('hand loop', k):.1f}",
            f"{med('skseq', k) - med('hand loop', k):+.1f}",
        ]
        for k in keys
    ]
    out = io.StringIO()
    out.write(
        f"## Profile: {name} {model}, {cfg.epochs} epochs, batch size "
        f"{cfg.batch_size}, median of {max(cfg.repeats, 1)} interleaved fits\n\n"
        "CPU ms per fit\n\n"
    )
    out.write(markdown_table(["phase", "skseq", "hand loop", "skseq - hand"], rows))
    items = sorted(
        (k for k in per_fit["skseq"] if k.startswith(("skseq:", "skorch:"))),
        key=lambda k: -med("skseq", k),
    )
    cb = sorted(
        (k for k in per_fit["skseq"] if k.startswith("callback ")),
        key=lambda k: -med("skseq", k),
    )
    callbacks_total = sum(med("skseq", k) for k in cb)
    out.write("\n\nParts of skseq's overhead (CPU ms per fit; timed inclusively)\n\n")
    out.write(
        markdown_table(
            ["step", "ms"],
            [[k, f"{med('skseq', k):.2f}"] for k in items]
            + [["skorch: all callback hooks (below)", f"{callbacks_total:.2f}"]],
        )
    )
    out.write("\n\nskorch callback hooks inside skseq's fit (CPU ms per fit)\n\n")
    out.write(
        markdown_table(
            ["callback.event", "ms"],
            [[k.removeprefix("callback "), f"{med('skseq', k):.2f}"] for k in cb[:10]],
        )
    )
    prof = cProfile.Profile()
    prof.enable()
    FITTERS["skseq"](model, data, cfg, cfg.epochs)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    out.write("\n\ncProfile of one skseq fit, by own time\n\n```\n")
    out.write(buf.getvalue().strip() + "\n```\n")
    return out.getvalue()


# --------------------------------------------------------------------- main
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=None, help="epochs per fit (20)")
    p.add_argument("--repeats", type=int, default=None, help="interleaved repeats (3)")
    p.add_argument("--datasets", nargs="+", default=list(DEFAULT_DATASETS))
    p.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--quick",
        action="store_true",
        help="2 epochs, 1 repeat (a smoke run)",
    )
    p.add_argument(
        "--out",
        default="benchmarks/results/rnn.md",
        help="Markdown table to write ('' to skip)",
    )
    p.add_argument(
        "--profile",
        metavar="DATASET:MODEL",
        default=None,
        help="instead of the table: where skseq's time goes vs the hand loop "
        "(CPU split by phase, callback hooks, cProfile)",
    )
    p.add_argument(
        "--profile-out",
        default="",
        help="Markdown file for the --profile report ('' to only print)",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None, log=print) -> dict[str, Any]:
    """Run the benchmark; returns the cells, the ratio records and the Markdown."""
    args = parse_args(argv)
    cfg = Config(
        epochs=args.epochs or (2 if args.quick else 20),
        repeats=args.repeats or (1 if args.quick else 3),
        batch_size=args.batch_size,
        hidden_size=args.hidden_size,
        lr=args.lr,
        seed=args.seed,
    )
    set_torch_threads(1)
    import sktime.classification.deep_learning.gru  # noqa: F401  (import cost untimed)

    if args.profile:
        text = profile(args.profile, cfg)
        log(text)
        if args.profile_out:
            command = "python benchmarks/bench_rnn.py " + " ".join(
                argv if argv is not None else sys.argv[1:]
            )
            header = "\n".join(f"- {x}" for x in environment_lines(command.strip()))
            path = write_markdown(args.profile_out, f"{header}\n\n{text}")
            log(f"written to {path}")
        return {"profile": text}
    datasets = [load_dataset(name) for name in args.datasets]
    results = []
    for data in datasets:
        log(data.describe())
        for model in args.models:
            results.append(run_pair(data, model, cfg, log=log))
    command = "python benchmarks/bench_rnn.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    markdown, ratios = render(results, cfg, datasets, command.strip())
    log("\n" + markdown)
    if args.out:
        path = write_markdown(args.out, markdown)
        log(f"written to {path}")
    return {"cells": results, "ratios": ratios, "markdown": markdown}


if __name__ == "__main__":
    main()
