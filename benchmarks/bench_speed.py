"""Speed on a small CPU: skseq vs a hand-written loop vs sktime, and more.

Sections (``--sections``; all by default), one torch thread throughout:

- ``zoo``: seconds per epoch and per fit of every skseq classifier, the
  hand-written loop of ``_harness.hand_fit`` around the same network (its
  losses must equal skseq's) and sktime's torch classifier of the same
  architecture (``AdamW``, no scheduler, zero-padded input);
- ``bucketing``: PLAID with ``bucket_by_length`` True, False and zero-padded;
- ``memory``: the peak resident rise during ``predict_proba`` (each case in a
  fresh process: this script with ``--probe``);
- ``serving``: series per second of ``predict_proba`` and its ONNX export.

Targets, method and results: ``docs/benchmarks.rst``. ::

    python benchmarks/bench_speed.py                      # ~15 min on 2 cores
    python benchmarks/bench_speed.py --quick              # smoke run
    python benchmarks/bench_speed.py --sections zoo --models LSTM GRU \\
        --datasets GunPoint ItalyPowerDemand JapaneseVowels --epochs 20
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import subprocess
import sys
import tempfile
import time
import warnings
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

SECTIONS = ("zoo", "bucketing", "memory", "serving")
TARGET_HAND, TARGET_HAND_FIT, TARGET_SKTIME, TARGET_BUCKET = 1.10, 1.05, 0.5, 0.5
_DL = "sktime.classification.deep_learning"


@dataclass(frozen=True)
class Spec:
    """A skseq classifier, its network settings here and its sktime peer."""

    classifier: str
    module: dict[str, Any] = field(default_factory=dict)
    sktime: str | None = None  # class path in sktime
    sktime_params: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def _peer(name: str, path: str, note: str, **params) -> Spec:
    """A classifier with skseq's defaults and an sktime peer."""
    return Spec(f"{name}Classifier", {}, f"{_DL}.{path}", params, note)


MODELS: dict[str, Spec] = {
    # sktime's CNN is Zhao et al.'s (6 and 12 filters of width 7, average
    # pooling by 3, no batch norm): skseq's set to the same sizes
    "CNN": Spec(
        "CNNClassifier",
        {"n_filters": (6, 12), "kernel_size": 7, "pool_size": 3, "batch_norm": False}
        | {"head_hidden_sizes": (), "head_dropout": 0.0},
        f"{_DL}.cnn.CNNClassifierTorch",
        {},
        "CNNClassifierTorch (Zhao's sizes; sigmoid, avg-pool and flatten where "
        "skseq uses ReLU, max-pool and masking)",
    ),
    "FCN": _peer(
        "FCN",
        "fcn.FCNClassifierTorch",
        "FCNClassifierTorch (128-256-128 filters, widths 8-5-3, as skseq)",
    ),
    "ResNet": _peer(
        "ResNet",
        "resnet.ResNetClassifierTorch",
        "ResNetClassifierTorch (64-128-128 filters, as skseq)",
    ),
    "InceptionTime": _peer(
        "InceptionTime",
        "inceptiontime.InceptionTimeClassifierTorch",
        "InceptionTimeClassifierTorch (depth 6, 32 filters, as skseq)",
    ),
    "LSTM-FCN": _peer(
        "LSTMFCN",
        "lstmfcn.LSTMFCNClassifierTorch",
        "LSTMFCNClassifierTorch (8 LSTM units, FCN 128-256-128)",
    ),
    "CNN-LSTM": Spec("CNNLSTMClassifier", note="n/a: sktime 1.2 has no CNN-then-LSTM"),
    "AttentionLSTM": Spec(
        "AttentionLSTMClassifier",
        note="n/a: sktime 1.2 has no attention-LSTM classifier",
    ),
    # MVTS embeds every step and adds a sinusoidal encoding: skseq set alike
    "Transformer": Spec(
        "TransformerClassifier",
        {"stem": "linear", "patch_size": 1, "positional_encoding": "sinusoidal"},
        f"{_DL}.mvts_transformer.MVTSTransformerClassifier",
        {"d_model": 64, "n_heads": 4, "num_layers": 2, "dim_feedforward": 128}
        | {"dropout": 0.1},
        "MVTSTransformerClassifier (d_model 64, 4 heads, 2 layers)",
    ),
    "LSTM": Spec("LSTMClassifier", note="n/a: sktime 1.2 has no torch LSTM classifier"),
    # its default batch_first=False would run the recurrence over the batch axis
    "GRU": _peer(
        "GRU",
        "gru.GRUClassifier",
        "GRUClassifier (torch; 64 units, bidirectional)",
        hidden_dim=64,
        n_layers=1,
        bidirectional=True,
        batch_first=True,
    ),
}


@dataclass
class Settings:
    models: tuple[str, ...] = tuple(MODELS)
    datasets: tuple[str, ...] = tuple(
        "GunPoint ArrowHead BasicMotions JapaneseVowels PLAID".split()
    )
    epochs: int = 2
    repeats: int = 3
    batch_size: int = 16
    lr: float = 1e-3
    seed: int = 0
    plaid_size: int = 32  # series per PLAID split in ``zoo`` (0: all)
    bucket_models: tuple[str, ...] = ("FCN", "LSTM")
    bucket_plaid_size: int = 0  # FCN; recurrent models get 128
    memory_models: tuple[str, ...] = ("FCN", "LSTM")
    memory_sizes: tuple[int, ...] = (2_000, 20_000)
    serving_models: tuple[str, ...] = ("FCN", "LSTM", "Transformer", "InceptionTime")
    serving_singles: int = 100


# ----------------------------------------------------------------------- data
load = H.load


def _subset(X, y, n: int):
    idx = np.arange(len(y))[:: max(1, len(y) // n)]
    return X[idx], y[idx]


def _accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


# -------------------------------------------------------------- contenders
class EpochClock:
    """(wall, CPU) seconds of every training epoch a contender runs."""

    times: list[tuple[float, float]] = []

    @classmethod
    def begin(cls) -> None:
        cls._t = (time.perf_counter(), time.process_time())

    @classmethod
    def end(cls) -> None:
        wall, cpu = cls._t
        cls.times.append((time.perf_counter() - wall, time.process_time() - cpu))

    @classmethod
    def take(cls) -> list[tuple[float, float]]:
        out, cls.times = cls.times, []
        return out


# (wall, CPU) per epoch and of the whole fit, predict, training losses
Fit = namedtuple("Fit", "epochs fit predict losses", defaults=[None])


def skseq_classifier(model: str, s: Settings, epochs: int, seed: int, **params):
    import skseq.classifiers as skc

    module = {f"module__{k}": v for k, v in MODELS[model].module.items()}
    return getattr(skc, MODELS[model].classifier)(
        max_epochs=epochs,
        batch_size=s.batch_size,
        lr=s.lr,
        random_state=seed,
        n_threads=1,
        input_scaling=None,
        **{**module, **params},
    )


def fit_skseq(model, s, X, y, epochs, seed, **params) -> Fit:
    from skorch.callbacks import Callback

    class Clock(Callback):
        def on_epoch_begin(self, net, **kwargs):
            EpochClock.begin()

        def on_epoch_end(self, net, **kwargs):
            EpochClock.end()

    params["callbacks"] = [("epoch_clock", Clock())]
    clf = skseq_classifier(model, s, epochs, seed, **params)
    EpochClock.take()
    t = H.time_call(lambda: clf.fit(X, y))
    losses = [float(v) for v in clf.history_[:, "train_loss"]]
    return Fit(EpochClock.take(), (t.wall, t.cpu), clf.predict, losses)


def fit_hand(model, s, X, y, epochs, seed) -> Fit:
    h = H.hand_fit(skseq_classifier(model, s, epochs, seed), X, y)
    return Fit(h.epoch_times, h.fit_times, h.clf.predict, h.epoch_losses)


_TIMED: dict[type, type] = {}


def fit_sktime(model, s, X, y, epochs, seed, X_test=None) -> Fit | str:
    spec = MODELS[model]
    if spec.sktime is None:
        return spec.note
    module, _, name = spec.sktime.rpartition(".")
    cls = getattr(__import__(module, fromlist=[name]), name)
    if cls not in _TIMED:  # its per-epoch method clocked, nothing else changed

        def _run_epoch(self, epoch, dataloader, cls=cls):
            EpochClock.begin()
            cls._run_epoch(self, epoch, dataloader)
            EpochClock.end()

        _TIMED[cls] = type(name, (cls,), {"_run_epoch": _run_epoch})
    params = {"num_epochs": epochs, "batch_size": s.batch_size, "lr": s.lr}
    params |= {"optimizer": "AdamW", "verbose": False, "random_state": seed}
    if "callbacks" in inspect.signature(cls).parameters:
        params["callbacks"] = None  # no lr scheduler
    clf = _TIMED[cls](**params, **spec.sktime_params)
    EpochClock.take()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = H.time_call(lambda: clf.fit(X, y))
    except Exception as exc:  # a peer's failure is a result
        return f"fails: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    return Fit(EpochClock.take(), (t.wall, t.cpu), lambda _X: clf.predict(X_test))


# --------------------------------------------------------------------- zoo
CONTENDERS = ("skseq", "hand loop", "sktime")


@dataclass
class Cell:
    dataset: str
    model: str
    contender: str
    epoch_cpu: list[float] = field(default_factory=list)
    epoch_wall: list[float] = field(default_factory=list)
    fit_cpu: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    note: str = ""


def run_model(data: H.Data, model: str, s: Settings, log=print) -> dict[str, Cell]:
    """Interleaved, seeded rounds of the three contenders on one model."""
    padded = data.padded()
    fits = {
        "skseq": lambda X, y, e, r: fit_skseq(model, s, X, y, e, r),
        "hand loop": lambda X, y, e, r: fit_hand(model, s, X, y, e, r),
        "sktime": lambda X, y, e, r: fit_sktime(model, s, X, y, e, r, padded[1]),
    }
    inputs = {c: (padded[0] if c == "sktime" else data.X_train) for c in CONTENDERS}
    cells = {c: Cell(data.name, model, c) for c in CONTENDERS}
    live = list(CONTENDERS)
    for c in CONTENDERS:  # warm-up; a contender failing here is reported
        out = fits[c](*_subset(inputs[c], data.y_train, 2 * s.batch_size), 1, s.seed)
        if isinstance(out, str):
            cells[c].note = out
            live.remove(c)
    for r in range(s.repeats):
        for c in H.interleaved(live, r):
            out, cell = fits[c](inputs[c], data.y_train, s.epochs, s.seed + r), cells[c]
            if isinstance(out, str):
                cell.note = out
                continue
            ep = np.asarray(out.epochs).reshape(-1, 2).mean(axis=0)
            cell.epoch_wall.append(float(ep[0]))
            cell.epoch_cpu.append(float(ep[1]))
            cell.fit_cpu.append(out.fit[1] / s.epochs)
            cell.accuracy.append(_accuracy(data.y_test, out.predict(data.X_test)))
            cell.losses += out.losses or []
            log(
                f"  {data.name} {model} {c} seed {s.seed + r}: epoch "
                f"{cell.epoch_cpu[-1]:.4f} s CPU, fit/epochs {cell.fit_cpu[-1]:.4f} s"
            )
    if cells["skseq"].losses and cells["hand loop"].losses:
        losses = cells["skseq"].losses, cells["hand loop"].losses
        cells["hand loop"].note = H.same_losses(*losses)
    if "sktime" in live and not cells["sktime"].note:
        cells["sktime"].note = MODELS[model].note
    return cells


def _paired(num: Cell, den: Cell, attr: str) -> H.Summary:
    pairs = zip(getattr(num, attr), getattr(den, attr))
    return H.summarize(a / b for a, b in pairs if b)


def _verdict(x: float, target: float) -> str:
    return "–" if not np.isfinite(x) else ("yes" if x <= target else "NO")


def section_zoo(s: Settings, log=print) -> tuple[str, list[dict]]:
    sizes = {"PLAID": s.plaid_size}
    datasets = [load(d, sizes.get(d, 0), s.seed) for d in s.datasets]
    results = [run_model(d, m, s, log) for d in datasets for m in s.models]
    rows, ratio_rows, records = [], [], []
    for cells in results:
        for name, c in cells.items():
            stats = [
                (c.epoch_cpu, 4),
                (c.epoch_wall, 4),
                (c.fit_cpu, 4),
                (c.accuracy, 3),
            ]
            ranges = [H.fmt_range(H.summarize(v), n) for v, n in stats]
            rows.append([c.dataset, c.model, name, *ranges, c.note])
        sk, h, k = cells["skseq"], cells["hand loop"], cells["sktime"]
        he, hf = _paired(sk, h, "epoch_cpu"), _paired(sk, h, "fit_cpu")
        ke = _paired(sk, k, "epoch_cpu")
        peer = [H.fmt_range(ke, 2, "×"), _verdict(ke.median, TARGET_SKTIME)]
        ratio_rows.append(
            [sk.dataset, sk.model, H.fmt_range(he, 2, "×")]
            + [_verdict(he.median, TARGET_HAND), H.fmt_range(hf, 2, "×")]
            + [_verdict(hf.median, TARGET_HAND_FIT)]
            + (peer if k.epoch_cpu else ["n/a", "n/a"])
        )
        records.append(
            {"dataset": sk.dataset, "model": sk.model}
            | {"skseq_over_hand_epoch_cpu": he.median}
            | {"skseq_over_hand_fit_cpu": hf.median}
            | {"skseq_over_sktime_epoch_cpu": ke.median}
        )
    text = "\n".join(
        [
            "## Seconds per epoch: skseq vs the hand loop vs sktime",
            "",
            f"{s.epochs} epoch(s) per fit, {s.repeats} rounds (random_state "
            f"{s.seed}.., order rotated), batch size {s.batch_size}, AdamW lr "
            f"{s.lr}, 1 torch thread. Epoch = mean training epoch (set-up and "
            "one-off passes excluded); fit / epochs = the whole fit over the epochs "
            "(the hand loop's without the set-up skseq did for it); CPU seconds, "
            "median [min–max]; test accuracy of these short fits.",
            *[f"- data: {d.describe()}" for d in datasets],
            "",
            H.markdown_table(
                "data set | model | contender | epoch s (CPU) | epoch s (wall) | "
                "fit / epochs s (CPU) | test acc | note",
                rows,
            ),
            "",
            "## Ratios",
            "",
            "Per round, skseq's CPU time / the other's in the same round, median "
            f"[min–max]. Targets: ≤ {TARGET_HAND}× the hand loop per epoch, ≤ "
            f"{TARGET_HAND_FIT}× per fit, ≤ {TARGET_SKTIME}× sktime per epoch.",
            "",
            H.markdown_table(
                f"data set | model | skseq / hand, epoch | ≤ {TARGET_HAND}× | "
                f"skseq / hand, fit | ≤ {TARGET_HAND_FIT}× | skseq / sktime, epoch"
                f" | ≤ {TARGET_SKTIME}×",
                ratio_rows,
            ),
        ]
    )
    return text, records


# --------------------------------------------------------------- bucketing
VARIANTS = {
    "bucketed": "bucket_by_length=True",
    "trimmed": "bucket_by_length=False (each batch cut to its longest)",
    "padded": "zero-padded to the longest (plain skorch's baseline)",
}


def section_bucketing(s: Settings, log=print) -> tuple[str, dict]:
    rows, records = [], {}
    for model in s.bucket_models:
        rnn = "LSTM" in model or "GRU" in model  # a recurrent PLAID epoch: ~25 s
        size = 128 if rnn and not s.bucket_plaid_size else s.bucket_plaid_size
        data = load("PLAID", size, s.seed)
        raw = (data.X_train, data.X_test)
        inputs = {"bucketed": raw, "trimmed": raw, "padded": data.padded()}
        res = {v: {"epoch": [], "fit": [], "predict": [], "acc": []} for v in VARIANTS}
        for v in VARIANTS:  # warm-up
            X, y = _subset(inputs[v][0], data.y_train, 32)
            fit_skseq(model, s, X, y, 1, s.seed, bucket_by_length=v == "bucketed")
        for r in range(s.repeats):
            for v in H.interleaved(list(VARIANTS), r):
                bucket = {"bucket_by_length": v == "bucketed"}
                X, y = inputs[v][0], data.y_train
                out = fit_skseq(model, s, X, y, s.epochs, s.seed + r, **bucket)
                p = H.time_call(lambda out=out, v=v: out.predict(inputs[v][1]))
                res[v]["epoch"].append(float(np.mean([c for _, c in out.epochs])))
                res[v]["fit"].append(out.fit[1] / s.epochs)
                res[v]["predict"].append(p.cpu)
                res[v]["acc"].append(_accuracy(data.y_test, p.result))
                log(
                    f"  bucketing {model} {v} seed {s.seed + r}: "
                    f"epoch {res[v]['epoch'][-1]:.3f} s CPU"
                )
        for v, label in VARIANTS.items():
            pairs = zip(res["bucketed"]["epoch"], res[v]["epoch"])
            ratio = H.summarize(a / b for a, b in pairs)
            records[f"{model}/{v}"] = ratio.median
            meets = "meets" if ratio.median <= TARGET_BUCKET else "MISSES"
            verdict = f"{H.fmt_range(ratio, 2, '×')}: {meets} ≤ {TARGET_BUCKET}×"
            ranges = [H.fmt_range(H.summarize(x), 3) for x in res[v].values()]
            rows.append([model, data.name, label, *ranges])
            rows[-1].append("–" if v == "bucketed" else verdict)
    return "\n".join(
        [
            "## Length bucketing on PLAID",
            "",
            f"{s.epochs} epoch(s) per fit, batch size {s.batch_size}, {s.repeats} "
            "rounds (variants rotated), 1 torch thread, CPU seconds; predict = the "
            "whole test split.",
            "",
            H.markdown_table(
                "model | data | input / setting | epoch s (CPU) | fit / epochs s (CPU)"
                " | predict s (CPU) | test acc | bucketed / this, epoch CPU",
                rows,
            ),
        ]
    ), records


# ------------------------------------------------------------------ memory
def probe(model: str, n: int, mode: str) -> dict[str, Any]:
    """Peak resident rise of one prediction of n 3 x 500 series (this process)."""
    import torch

    from skseq import classifiers

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((n, 3, 500)), rng.integers(0, 2, n)
    cls = getattr(classifiers, MODELS[model].classifier)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = cls(max_epochs=1, random_state=0, n_threads=1).fit(X[:64], y[:64])

    def predict():
        if mode == "skseq":
            return clf.predict_proba(X)
        net, out = clf.module_.eval(), []  # the same network, a no_grad loop
        with torch.no_grad():
            for i in range(0, n, 128):
                batch = torch.from_numpy(X[i : i + 128].astype(np.float32))
                out.append(torch.softmax(net(batch), -1))
        return torch.cat(out).numpy()

    t0 = time.perf_counter()
    proba, rise = H.rss_rise(predict)
    assert proba.shape == (n, 2)
    seconds = time.perf_counter() - t0
    mb = {"input_f32_mb": X.size * 4 / 2**20, "rise_mb": rise / 2**20}
    return mb | {"seconds": seconds}


def _probe(model: str, n: int, mode: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--probe", model, str(n), mode]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def section_memory(s: Settings, log=print) -> tuple[str, dict]:
    rows, records = [], {}
    for model in s.memory_models:
        one_batch = _probe(model, 128, "skseq")["rise_mb"]
        for n in s.memory_sizes:
            sk, hand = _probe(model, n, "skseq"), _probe(model, n, "hand")
            f32, rise = sk["input_f32_mb"], sk["rise_mb"]
            bound = 2 * f32 + one_batch
            record = {"skseq_rise_mb": rise, "bound_mb": bound}
            records[f"{model}/{n}"] = record | {"hand_rise_mb": hand["rise_mb"]}
            log(f"  memory {model} n={n}: {records[f'{model}/{n}']}")
            sizes = [f32, one_batch, rise, hand["rise_mb"]]
            meets = "meets" if rise <= bound else "MISSES"
            rows.append([model, f"{n:,}", *[f"{x:,.0f}" for x in sizes]])
            rows[-1].append(f"{meets} ≤ {bound:,.0f} MB")
    return "\n".join(
        [
            "## Prediction memory: peak rise during predict_proba (MB)",
            "",
            "Random 3 x 500 float64 series, fitted on 64 for 1 epoch, 1 thread; each "
            "case in a fresh process, VmHWM reset just before the call; 'one batch' "
            "= skseq's rise on 128 series.",
            "",
            H.markdown_table(
                "model | n | panel float32 MB | one batch MB | skseq rise MB | "
                "hand loop rise MB | target",
                rows,
            ),
        ]
    ), records


# ----------------------------------------------------------------- serving
def section_serving(s: Settings, log=print) -> tuple[str, dict]:
    from skseq.export import OnnxClassifier, to_onnx

    data, folder = load("GunPoint"), Path(tempfile.mkdtemp())
    X = np.asarray(data.X_test, dtype=np.float32)
    big = np.concatenate([X] * (-(-256 // len(X))))[:256]
    rows, records = [], {}
    for model in s.serving_models:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = skseq_classifier(model, s, 2, s.seed).fit(data.X_train, data.y_train)
        onnx = OnnxClassifier(to_onnx(clf, folder / f"{model}.onnx"), n_threads=1)
        runs = {
            "batch 1": lambda est: [
                est.predict_proba(x[None]) for x in X[: s.serving_singles]
            ],
            "batch 256": lambda est: est.predict_proba(big),
        }
        sizes = {"batch 1": min(len(X), s.serving_singles), "batch 256": len(big)}
        rate = {(c, b): [] for c in ("torch", "onnx") for b in runs}
        for r in range(s.repeats):
            for c, est in H.interleaved([("torch", clf), ("onnx", onnx)], r):
                for b, run in runs.items():
                    cpu = H.time_call(lambda: run(est)).cpu
                    rate[c, b].append(sizes[b] / cpu)
        for b in runs:
            t = H.summarize(rate["torch", b]).median
            o = H.summarize(rate["onnx", b]).median
            records[f"{model}/{b}"] = o / t
            rows.append([model, b, f"{t:,.0f}", f"{o:,.0f}", f"{o / t:.2f}×"])
    return "\n".join(
        [
            "## Serving: torch vs the ONNX export (series per second)",
            "",
            f"GunPoint test series, CPU time, 1 thread, {s.repeats} rounds; batch 1 = "
            f"{s.serving_singles} calls of one series; networks fitted 2 epochs.",
            "",
            H.markdown_table(
                "model | batch | torch series/s | onnxruntime series/s | onnx / torch",
                rows,
            ),
        ]
    ), records


# -------------------------------------------------------------------- main
RUNNERS = {
    "zoo": section_zoo,
    "bucketing": section_bucketing,
    "memory": section_memory,
    "serving": section_serving,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sections", nargs="+", default=list(SECTIONS), choices=SECTIONS)
    p.add_argument("--models", nargs="+", choices=list(MODELS))
    p.add_argument("--datasets", nargs="+")
    p.add_argument("--epochs", type=int, help="(2)")
    p.add_argument("--repeats", type=int, help="rounds (3)")
    p.add_argument("--plaid-size", type=int, help="zoo's PLAID (32)")
    p.add_argument("--lr", type=float, help="(1e-3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quick", action="store_true", help="a smoke run (small data)")
    p.add_argument("--out", default="benchmarks/results/speed.md", help="'' to skip")
    p.add_argument("--probe", nargs=3, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    s = Settings(seed=args.seed)
    if args.quick:
        s.models, s.datasets, s.epochs, s.repeats = ("CNN", "GRU"), ("GunPoint",), 1, 1
        s.plaid_size = s.bucket_plaid_size = 24
        s.bucket_models, s.memory_models, s.memory_sizes = ("CNN",), ("FCN",), (512,)
        s.serving_models, s.serving_singles = ("CNN",), 5
    for name in ("models", "datasets", "epochs", "repeats", "plaid_size", "lr"):
        if (value := getattr(args, name)) is not None:
            setattr(s, name, tuple(value) if isinstance(value, list) else value)
    return s


def main(argv: list[str] | None = None, log=print) -> dict[str, Any]:
    """Run the chosen sections; their Markdown and numbers."""
    args = parse_args(argv)
    if args.probe:
        model, n, mode = args.probe
        print(json.dumps(probe(model, int(n), mode)))
        return {}
    s = settings_from(args)
    H.set_torch_threads(1)
    with contextlib.suppress(ImportError):  # seconds to import: not fit time
        import sktime.classification.deep_learning  # noqa: F401
    command = H.command_line("bench_speed.py", argv)
    parts = [*H.page("Speed on a small CPU", command), ""]
    records: dict[str, Any] = {}
    for name in args.sections:
        t0 = time.perf_counter()
        text, records[name] = RUNNERS[name](s, log=log)
        parts += [text, "", f"({name}: {time.perf_counter() - t0:.0f} s wall)", ""]
    parts.append(f"Load average at the end (1, 5, 15 min): {H.load_average()}")
    markdown = H.finish("\n".join(parts) + "\n", args.out, log)
    return {"records": records, "markdown": markdown}


if __name__ == "__main__":
    main()
