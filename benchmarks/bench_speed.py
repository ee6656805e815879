"""Speed on a small CPU: the five measurements of issue 8, in one run.

1. **Length bucketing on PLAID** (unequal lengths 100-1,344):
   ``FCNClassifier`` on all of PLAID and ``LSTMClassifier`` on a stratified
   subset (``--rnn-plaid-size``; a recurrent epoch over all of PLAID takes
   ~25 s here), each with ``bucket_by_length=True``, with ``False`` (batches
   still cut to their longest series) and on the series zero-padded to the
   longest (the pad-to-longest baseline of issue 8), same batch size and
   seeds, rounds interleaved. Per-epoch time (the training epochs alone), fit
   time / epochs, prediction time on the test split (sorted by length when
   bucketing) and test accuracy / macro-F1 of the timed fits. Target:
   bucketed epoch <= 0.5x padded.
2. **Opt-in compilation**: ``compile=True`` (skorch's ``torch.compile``) vs
   eager, per model family on GunPoint: the first epoch (which compiles),
   the mean of the later epochs, the speed-up of the later epochs, the
   largest difference of the predicted probabilities, and any failure. The
   inductor cache is a fresh folder per run (a user's first run); compiling
   runs gcc in child processes, so CPU time here is this process *plus* its
   children.
3. **Inference**: windows per second of ``WindowedClassifier.predict`` around
   a small ``CNNClassifier`` on a long synthetic recording, next to the same
   fitted network called in a plain ``torch.inference_mode`` loop over the
   same windows (the ceiling), and the inner classifier's ``predict_proba``
   on the materialised windows with skseq's default inference batch
   (``max(4 x batch_size, 128)``) vs skorch's usual (``batch_size``) vs 4096.
4. **Threads**: fit time of ``FCNClassifier`` and ``LSTMClassifier`` on
   GunPoint with ``n_threads=1`` and ``2``, with no extra load and while a
   second process (started and stopped here) spins on one core, interleaved.
   Also records what skseq's default (``n_threads=None``) resolves to.
5. **Loop overhead**: skseq's fit vs the hand-written loop of
   ``bench_zoo.py`` (same network, weights and batches; training losses
   compared) over more epochs than the zoo run, on equal-length data with
   the loop calling the network *without lengths*, so masking that costs
   anything on equal lengths shows (issue 14): LSTM, GRU, FCN, Transformer
   on ItalyPowerDemand and GunPoint, plus the GRU/LSTM epoch ratio. Target:
   fit <= 1.05x.
6. **Serving**: series per second of a fitted classifier's ``predict_proba``
   (torch) and of its ONNX export through ``skseq.export.OnnxClassifier``
   (onnxruntime), batch 1 and batch 256, one thread each.
7. **Prediction memory** (issue 13): the rise of the peak resident size
   during ``predict_proba`` on n = 2,000 and 20,000 random series of 3 x 500
   (float64), FCN and LSTM, each run in a fresh process
   (``_memory_probe.py``), beside the same network in a hand-written
   ``torch.no_grad`` loop, and one batch (128 series) as the measure of one
   batch's activations. Target: rise <= 2 x the panel's float32 size + one
   batch's rise.

Every section pins torch to one thread except (4). The machine's load
average is in the header: on a shared machine read the ratios, and the CPU
columns, which other processes disturb less than wall time.

Run from the repository root::

    python benchmarks/bench_speed.py                # ~10 min on 2 shared cores
    python benchmarks/bench_speed.py --quick        # smoke run
    python benchmarks/bench_speed.py --sections bucketing threads
    python benchmarks/bench_speed.py --sections compile \\
        --compile-models CNN FCN ResNet InceptionTime LSTM-FCN CNN-LSTM \\
        AttentionLSTM Transformer LSTM
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    accuracy_and_macro_f1,
    environment_lines,
    fmt_range,
    load_average,
    load_dataset,
    markdown_table,
    set_torch_threads,
    summarize,
    time_call,
    write_markdown,
)
from bench_zoo import (  # noqa: E402
    CLOCK,
    MODELS,
    Config,
    _clock_callback,
    _subset,
    fit_hand_loop,
    fit_skseq,
    load_plaid,
    skseq_classifier,
)

SECTIONS = (
    "bucketing",
    "compile",
    "inference",
    "threads",
    "overhead",
    "serving",
    "memory",
)
TARGET_BUCKET = 0.5
TARGET_HAND = 1.05


@dataclass
class Settings:
    quick: bool = False
    epochs: int = 1
    repeats: int = 3
    batch_size: int = 16
    seed: int = 0
    plaid_size: int = 0  # FCN bucketing: 0 = all of PLAID
    rnn_plaid_size: int = 128
    bucket_models: tuple[str, ...] = ("FCN", "LSTM")
    # each compilation takes 0.5-3 min on 2 busy cores: two families by default
    compile_models: tuple[str, ...] = ("FCN", "LSTM")
    compile_epochs: int = 3
    recording_steps: int = 200_000
    window_length: int = 128
    window_step: int = 8
    thread_epochs: int = 3
    thread_models: tuple[str, ...] = ("FCN", "LSTM")
    overhead_models: tuple[str, ...] = ("LSTM", "GRU", "FCN", "Transformer")
    overhead_datasets: tuple[str, ...] = ("ItalyPowerDemand", "GunPoint")
    overhead_epochs: int = 10
    serving_models: tuple[str, ...] = ("FCN", "LSTM", "Transformer", "InceptionTime")
    serving_singles: int = 100
    memory_models: tuple[str, ...] = ("FCN", "LSTM")
    memory_sizes: tuple[int, ...] = (2_000, 20_000)


def _cpu_with_children() -> float:
    """CPU seconds of this process and its finished children (gcc, for compile)."""
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


def _epochs(result_times: list[tuple[float, float]]) -> tuple[float, float]:
    arr = np.asarray(result_times).reshape(-1, 2)
    return float(arr[:, 0].mean()), float(arr[:, 1].mean())


def _section(title: str, intro: str, headers: Sequence[str], rows) -> str:
    """One section of the report: its heading, a paragraph, the table."""
    return "\n".join([title, "", intro, "", markdown_table(headers, rows)])


# ------------------------------------------------------- 1. length bucketing
# How each variant is fitted: (label, bucket_by_length, zero-pad everything first)
VARIANTS = (
    ("bucketed", True, False),
    ("trimmed", False, False),
    ("padded", False, True),
)
VARIANT_LABEL = {
    "bucketed": "bucket_by_length=True",
    "trimmed": "bucket_by_length=False (each batch cut to its longest)",
    "padded": "every series zero-padded to the longest (plain skorch's baseline)",
}


@dataclass
class BucketCell:
    model: str
    variant: str
    epoch_cpu: list[float] = field(default_factory=list)
    epoch_wall: list[float] = field(default_factory=list)
    fit_cpu: list[float] = field(default_factory=list)
    predict_cpu: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    macro_f1: list[float] = field(default_factory=list)


def bench_bucketing(s: Settings, log=print) -> tuple[str, dict[str, Any]]:
    from bench_zoo import zero_padded

    # a recurrent epoch over all of PLAID costs ~25 s here: RNNs get a subset
    plans = [
        (
            model,
            load_plaid(
                s.rnn_plaid_size if "LSTM" in model or "GRU" in model else s.plaid_size,
                s.seed,
            ),
        )
        for model in s.bucket_models
    ]
    cfg = Config(epochs=s.epochs, batch_size=s.batch_size, seed=s.seed)
    rows, records = [], {}
    for model, data in plans:
        spec = MODELS[model]
        padded = zero_padded(data)  # no NaN: zeros are data, every series full length
        inputs = {
            name: (padded if pad else (data.X_train, data.X_test))
            for name, _, pad in VARIANTS
        }
        cells = {name: BucketCell(model, name) for name, _, _ in VARIANTS}
        for name, bucket, _ in VARIANTS:  # warm-up on a slice
            fit_skseq(
                spec,
                *_subset(inputs[name][0], data.y_train, 32),
                cfg,
                1,
                s.seed,
                bucket_by_length=bucket,
            )
        for r in range(s.repeats):
            k = r % len(VARIANTS)
            for name, bucket, _ in VARIANTS[k:] + VARIANTS[:k]:
                X_train, X_test = inputs[name]
                clf = skseq_classifier(
                    spec,
                    cfg,
                    cfg.epochs,
                    s.seed + r,
                    callbacks=[("epoch_clock", _clock_callback())],
                    bucket_by_length=bucket,
                )
                CLOCK.take()
                t = time_call(lambda clf=clf, X=X_train: clf.fit(X, data.y_train))
                ew, ec = _epochs(CLOCK.take())
                p = time_call(lambda clf=clf, X=X_test: clf.predict(X))
                cell = cells[name]
                cell.epoch_cpu.append(ec)
                cell.epoch_wall.append(ew)
                cell.fit_cpu.append(t.cpu / cfg.epochs)
                cell.predict_cpu.append(p.cpu)
                acc, f1 = accuracy_and_macro_f1(data.y_test, p.result)
                cell.accuracy.append(acc)
                cell.macro_f1.append(f1)
                log(
                    f"  bucketing {model} {data.name} {name} seed {s.seed + r}: "
                    f"epoch {ec:.3f} s CPU ({ew:.3f} wall), predict {p.cpu:.3f} s, "
                    f"acc {acc:.3f}"
                )
        on = cells["bucketed"]

        def ratio(other: BucketCell, attr: str):
            return summarize(
                a / b for a, b in zip(getattr(on, attr), getattr(other, attr))
            )

        records[model] = {
            "epoch_ratio_cpu": ratio(cells["trimmed"], "epoch_cpu").median,
            "epoch_ratio_wall": ratio(cells["trimmed"], "epoch_wall").median,
            "predict_ratio_cpu": ratio(cells["trimmed"], "predict_cpu").median,
            "epoch_ratio_vs_padded_cpu": ratio(cells["padded"], "epoch_cpu").median,
            "predict_ratio_vs_padded_cpu": ratio(cells["padded"], "predict_cpu").median,
        }
        for name, _, _ in VARIANTS:
            cell = cells[name]
            if name == "bucketed":
                note = "–"
            else:
                e, w = ratio(cell, "epoch_cpu"), ratio(cell, "epoch_wall")
                verdict = "meets" if e.median <= TARGET_BUCKET else "MISSES"
                note = (
                    f"{fmt_range(e, 2, '×')} (wall {w.median:.2f}×), predict "
                    f"{ratio(cell, 'predict_cpu').median:.2f}×: {verdict} "
                    f"≤ {TARGET_BUCKET}×"
                )
            rows.append(
                [
                    model,
                    data.name,
                    VARIANT_LABEL[name],
                    fmt_range(summarize(cell.epoch_cpu), 3),
                    fmt_range(summarize(cell.epoch_wall), 3),
                    fmt_range(summarize(cell.fit_cpu), 3),
                    fmt_range(summarize(cell.predict_cpu), 3),
                    fmt_range(summarize(cell.accuracy), 3),
                    fmt_range(summarize(cell.macro_f1), 3),
                    note,
                ]
            )
    text = _section(
        "## 1. Length bucketing on PLAID",
        f"{s.epochs} epoch(s) per fit, batch size {s.batch_size}, {s.repeats} "
        "interleaved rounds (one seed each, the three variants rotated), 1 "
        "torch thread. Three ways to feed the same network: skseq with "
        "`bucket_by_length=True`; with `False` (every batch is still cut to "
        "its own longest series, which skseq always does); and the series "
        "zero-padded to the longest of the data set and passed as one "
        "equal-length array (what plain skorch, or any loop without lengths, "
        "runs; the zeros are then data, so its accuracy may differ). Epoch = "
        "mean training epoch; predict = `predict` on the whole test split "
        "(sorted by length when bucketing). Accuracy from these short fits.",
        [
            "model",
            "data",
            "input / setting",
            "epoch s (CPU)",
            "epoch s (wall)",
            "fit / epochs s (CPU)",
            "predict s (CPU)",
            "test acc",
            "test macro-F1",
            "bucketed / this, epoch CPU",
        ],
        rows,
    )
    return text, records


# ----------------------------------------------------------- 2. compilation
def bench_compile(s: Settings, log=print) -> tuple[str, dict[str, Any]]:
    data = load_dataset("GunPoint")
    cfg = Config(epochs=s.compile_epochs, batch_size=s.batch_size, seed=s.seed)
    # a fresh inductor cache: what a user's first compiled fit costs
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="skseq_inductor_")
    rows, records = [], {}
    for model in s.compile_models:
        spec = MODELS[model]
        out: dict[bool, dict[str, Any]] = {}
        for compiled in (False, True):
            torch._dynamo.reset()
            clf = skseq_classifier(
                spec,
                cfg,
                cfg.epochs,
                s.seed,
                compile=compiled,
                callbacks=[("epoch_clock", _clock_callback())],
            )
            CLOCK.take()
            wall0, cpu0 = time.perf_counter(), _cpu_with_children()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    clf.fit(data.X_train, data.y_train)
                    proba = clf.predict_proba(data.X_test)
            except Exception as exc:  # a failure is a result
                msg = " ".join(str(exc).split())[:200]
                out[compiled] = {"error": f"{type(exc).__name__}: {msg}"}
                log(f"  compile {model} compile={compiled}: FAILED {msg[:100]}")
                continue
            times = np.asarray(CLOCK.take()).reshape(-1, 2)
            out[compiled] = {
                "fit_wall": time.perf_counter() - wall0,
                "fit_cpu": _cpu_with_children() - cpu0,
                "first_wall": float(times[0, 0]),
                "later_wall": float(times[1:, 0].mean()),
                "later_cpu": float(times[1:, 1].mean()),
                "proba": proba,
            }
            log(
                f"  compile {model} compile={compiled}: first epoch "
                f"{times[0, 0]:.2f} s wall, later {times[1:, 1].mean():.3f} s CPU"
            )
        eager, comp = out[False], out.get(True, {})
        if "error" in eager:
            rows.append([model, "eager fails: " + eager["error"], *[""] * 6])
            continue
        if "error" in comp:
            rows.append(
                [
                    model,
                    f"{eager['later_cpu']:.3f}",
                    "fails",
                    "–",
                    f"{eager['first_wall']:.2f}",
                    "–",
                    "–",
                    comp["error"],
                ]
            )
            records[model] = {"error": comp["error"]}
            continue
        speedup = eager["later_cpu"] / comp["later_cpu"]
        diff = float(np.max(np.abs(eager["proba"] - comp["proba"])))
        records[model] = {
            "speedup_later_epochs": speedup,
            "compile_first_epoch_wall": comp["first_wall"],
            "max_proba_diff": diff,
        }
        rows.append(
            [
                model,
                f"{eager['later_cpu']:.3f}",
                f"{comp['later_cpu']:.3f}",
                f"{speedup:.2f}×",
                f"{eager['first_wall']:.2f}",
                f"{comp['first_wall']:.1f}",
                f"{diff:.1e}",
                f"fit {eager['fit_wall']:.1f} s eager vs {comp['fit_wall']:.1f} s "
                f"compiled (wall; CPU incl. compiler {comp['fit_cpu']:.1f} s)",
            ]
        )
    text = _section(
        "## 2. `compile=True` vs eager, per model family (GunPoint, CPU)",
        f"{s.compile_epochs} epochs, batch size {s.batch_size}, 1 torch thread, "
        "fresh inductor cache, networks as configured in `bench_zoo.MODELS` "
        "(CNN at Zhao's sizes, Transformer with a per-step linear stem). "
        "'later epochs' = mean of epochs 2.. (compiled code running); "
        "speed-up = eager / compiled on those. The first compiled epoch "
        "includes tracing and C++ compilation; GunPoint's last batch is "
        "smaller, so a second (dynamic-shape) graph is compiled too.",
        [
            "model",
            "eager later epochs s (CPU)",
            "compiled later epochs s (CPU)",
            "speed-up",
            "eager first epoch s (wall)",
            "compiled first epoch s (wall)",
            "max |Δ proba|",
            "note",
        ],
        rows,
    )
    return text, records


# -------------------------------------------------------------- 3. inference
def bench_inference(s: Settings, log=print) -> tuple[str, dict[str, Any]]:
    from bench_windows import make_recording

    from skseq.windows import WindowedClassifier, make_windows

    X_fit, y_fit = make_recording(20_000, 3, seed=1)
    X, _ = make_recording(s.recording_steps, 3, seed=2)
    inner_params = {
        "module__n_filters": (8, 8),
        "max_epochs": 1,
        "random_state": 0,
        "batch_size": 64,
        "n_threads": 1,
    }
    from skseq.classifiers import CNNClassifier

    clf = WindowedClassifier(
        CNNClassifier(**inner_params),
        length=s.window_length,
        step=s.window_step,
        label="majority",
    ).fit(X_fit, y_fit)
    windows = make_windows(X, length=s.window_length, step=s.window_step)[0]
    n_windows = len(windows) + int((X.shape[1] - s.window_length) % s.window_step != 0)
    inner = clf.estimator_
    net = inner.module_
    W = np.ascontiguousarray(np.asarray(windows), dtype=np.float32)

    def plain_loop() -> np.ndarray:
        net.eval()
        out = []
        with torch.inference_mode():
            for i in range(0, len(W), 4096):
                out.append(torch.softmax(net(torch.from_numpy(W[i : i + 4096])), -1))
        return torch.cat(out).numpy()

    def inner_proba(batch: int) -> Callable[[], np.ndarray]:
        def run() -> np.ndarray:
            # skseq's default is max(4 x batch_size, 128) when this is unset;
            # setting it explicitly runs the same code path. Set as an
            # attribute: skorch 1.4's set_params(iterator_valid__batch_size=...)
            # on a fitted net raises "Something went wrong"
            inner.iterator_valid__batch_size = batch
            return inner.predict_proba(W)

        return run

    default_batch = max(4 * inner.batch_size, 128)
    phases = [
        (
            f"WindowedClassifier.predict, {s.recording_steps:,}-step recording",
            lambda: clf.predict(X),
            n_windows,
        ),
        ("plain torch loop, same network, 4096 windows a batch", plain_loop, len(W)),
        (
            f"inner predict_proba, skseq default batch ({default_batch})",
            inner_proba(default_batch),
            len(W),
        ),
        (
            f"inner predict_proba, batch = batch_size ({inner.batch_size}, skorch's "
            "usual)",
            inner_proba(inner.batch_size),
            len(W),
        ),
        ("inner predict_proba, batch 4096", inner_proba(4096), len(W)),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in phases}
    for name, fn, _ in phases:
        fn()  # warm-up
    for r in range(s.repeats):
        order = phases if r % 2 == 0 else phases[::-1]
        for name, fn, _ in order:
            times[name].append(time_call(fn).wall)
    # same network: the windowed path and the plain loop agree
    ref = plain_loop()
    agree = float(np.max(np.abs(inner_proba(default_batch)() - ref)))
    rows, records = [], {}
    for name, _, n in phases:
        t = summarize(times[name])
        rows.append([name, f"{n:,}", fmt_range(t, 3), f"{n / t.median:,.0f}"])
        records[name] = n / t.median
    log(f"  inference: {records}")
    text = _section(
        "## 3. Inference: windows per second",
        f"Synthetic 3-channel recording of {s.recording_steps:,} steps, windows "
        f"of {s.window_length} steps every {s.window_step} steps, inner "
        "`CNNClassifier(module__n_filters=(8, 8), batch_size=64)` fitted for "
        f"1 epoch on a 20,000-step recording; {s.repeats} interleaved repeats, "
        "wall seconds, 1 torch thread. The first row includes cutting the "
        "windows and averaging the per-step probabilities; the others run "
        "on the materialised windows. Largest |Δ proba| between skseq's "
        f"predict_proba and the plain loop: {agree:.1e}.",
        ["path", "windows", "s (wall), median [min–max]", "windows/s"],
        rows,
    )
    return text, records


# ---------------------------------------------------------------- 4. threads
def _spin() -> None:  # pragma: no cover - runs in the busy child process
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {0})
    while True:
        pass


@contextlib.contextmanager
def busy_core(active: bool):
    """A second process spinning on one core while the block runs."""
    if not active:
        yield
        return
    proc = multiprocessing.get_context("fork").Process(target=_spin, daemon=True)
    proc.start()
    try:
        time.sleep(0.2)  # let it get going
        yield
    finally:
        proc.terminate()
        proc.join()


def bench_threads(s: Settings, log=print) -> tuple[str, dict[str, Any]]:
    from skseq.classifiers._base import _default_n_threads

    data = load_dataset("GunPoint")
    cfg = Config(epochs=s.thread_epochs, batch_size=s.batch_size, seed=s.seed)
    conditions = [(busy, n) for busy in (False, True) for n in (1, 2)]
    rows, records = [], {}
    for model in s.thread_models:
        spec = MODELS[model]
        walls: dict[tuple[bool, int], list[float]] = {c: [] for c in conditions}
        cpus: dict[tuple[bool, int], list[float]] = {c: [] for c in conditions}
        fit_skseq(spec, *_subset(data.X_train, data.y_train, 32), cfg, 1, s.seed)
        for r in range(s.repeats):
            order = conditions if r % 2 == 0 else conditions[::-1]
            for busy, n in order:
                with busy_core(busy):
                    t = time_call(
                        lambda n=n: skseq_classifier(
                            spec, cfg, cfg.epochs, s.seed + r, n_threads=n
                        ).fit(data.X_train, data.y_train)
                    )
                walls[(busy, n)].append(t.wall)
                cpus[(busy, n)].append(t.cpu)
                log(
                    f"  threads {model} busy={busy} n_threads={n}: "
                    f"{t.wall:.2f} s wall, {t.cpu:.2f} s CPU"
                )
        for busy in (False, True):
            one, two = summarize(walls[(busy, 1)]), summarize(walls[(busy, 2)])
            ratio = summarize(b / a for a, b in zip(walls[(busy, 1)], walls[(busy, 2)]))
            records[f"{model}, busy={busy}"] = ratio.median
            rows.append(
                [
                    model,
                    "one core spinning" if busy else "no extra process",
                    fmt_range(one, 2),
                    fmt_range(summarize(cpus[(busy, 1)]), 2),
                    fmt_range(two, 2),
                    fmt_range(summarize(cpus[(busy, 2)]), 2),
                    fmt_range(ratio, 2, "×"),
                ]
            )
    saved = os.environ.pop("OMP_NUM_THREADS", None)
    try:
        default_unset = _default_n_threads()
    finally:
        if saved is not None:
            os.environ["OMP_NUM_THREADS"] = saved
    text = _section(
        "## 4. Threads: 1 vs 2 torch threads, with and without a busy core",
        f"Fit of {s.thread_epochs} epochs on GunPoint, batch size "
        f"{s.batch_size}, {s.repeats} interleaved rounds; the busy process "
        "is a Python loop pinned to core 0, started before and stopped after "
        "each fit. Wall seconds (what a user waits); the machine's other load "
        "is in the header. skseq's default `n_threads=None` resolves to "
        f"`OMP_NUM_THREADS` if set, else half the cores: {default_unset} "
        f"thread(s) on this {os.cpu_count()}-core machine.",
        [
            "model",
            "condition",
            "1 thread s (wall)",
            "1 thread s (CPU)",
            "2 threads s (wall)",
            "2 threads s (CPU)",
            "2 threads / 1 thread (wall)",
        ],
        rows,
    )
    return text, records


# --------------------------------------------------------------- 5. overhead
def bench_overhead(s: Settings, log=print) -> tuple[str, dict[str, Any]]:
    cfg = Config(epochs=s.overhead_epochs, batch_size=s.batch_size, seed=s.seed)
    rows, records = [], {}
    # equal-length data: the hand loop calls the network without lengths (the
    # dense path), as a user who never pads would; skseq's batches leave the
    # lengths out there too, so masking must cost nothing
    fitters = {
        "skseq": fit_skseq,
        "hand loop": functools.partial(fit_hand_loop, with_lengths=False),
    }
    epoch_cpu: dict[tuple[str, str], float] = {}
    for dataset in s.overhead_datasets:
        data = load_dataset(dataset)
        for model in s.overhead_models:
            spec = MODELS[model]
            for fit in fitters.values():
                fit(spec, *_subset(data.X_train, data.y_train, 32), cfg, 1, s.seed)
            res: dict[str, dict[str, list[float]]] = {
                c: {"fit_cpu": [], "fit_wall": [], "epoch_cpu": []} for c in fitters
            }
            losses: dict[str, list[float]] = {}
            for r in range(s.repeats):
                order = list(fitters) if r % 2 == 0 else list(fitters)[::-1]
                for c in order:
                    t = time_call(
                        lambda c=c: fitters[c](
                            spec,
                            data.X_train,
                            data.y_train,
                            cfg,
                            cfg.epochs,
                            s.seed + r,
                        )
                    )
                    res[c]["fit_cpu"].append(t.cpu)
                    res[c]["fit_wall"].append(t.wall)
                    res[c]["epoch_cpu"].append(_epochs(t.result.epoch_times)[1])
                    if r == 0:
                        losses[c] = t.result.epoch_losses
            ratio = {
                k: summarize(
                    a / b for a, b in zip(res["skseq"][k], res["hand loop"][k])
                )
                for k in ("fit_cpu", "fit_wall", "epoch_cpu")
            }
            same = np.allclose(
                losses["skseq"], losses["hand loop"], rtol=1e-4, atol=1e-6
            )
            epoch_cpu[dataset, model] = summarize(res["skseq"]["epoch_cpu"]).median
            records[f"{dataset}/{model}"] = {k: v.median for k, v in ratio.items()}
            log(f"  overhead {dataset} {model}: {records[f'{dataset}/{model}']}")
            rows.append(
                [
                    dataset,
                    model,
                    fmt_range(summarize(res["skseq"]["fit_cpu"]), 3),
                    fmt_range(summarize(res["hand loop"]["fit_cpu"]), 3),
                    fmt_range(ratio["fit_cpu"], 3, "×"),
                    fmt_range(ratio["fit_wall"], 3, "×"),
                    fmt_range(ratio["epoch_cpu"], 3, "×"),
                    ("meets" if ratio["fit_cpu"].median <= TARGET_HAND else "MISSES")
                    + f" ≤ {TARGET_HAND}×",
                    "yes" if same else "NO",
                ]
            )
    gru_vs_lstm = [
        f"{d}: GRU epoch / LSTM epoch (skseq, CPU, median) = "
        f"{epoch_cpu[d, 'GRU'] / epoch_cpu[d, 'LSTM']:.2f}×"
        for d in s.overhead_datasets
        if (d, "GRU") in epoch_cpu and (d, "LSTM") in epoch_cpu
    ]
    records["gru_vs_lstm"] = gru_vs_lstm
    text = _section(
        "## 5. skseq vs the hand-written loop (fit time)",
        f"{', '.join(s.overhead_datasets)} (equal lengths), {s.overhead_epochs} "
        f"epochs, batch size {s.batch_size}, {s.repeats} interleaved rounds "
        f"(seeds {s.seed}..), 1 torch thread; the hand loop of `bench_zoo.py` "
        "(same network, initial weights, batches, clipping and post-training "
        "batch-norm pass) calling the network **without lengths**, so any cost "
        "of masking on equal lengths shows in the ratio.",
        [
            "data set",
            "model",
            "skseq fit s (CPU)",
            "hand loop fit s (CPU)",
            "skseq / hand, fit (CPU)",
            "fit (wall)",
            "epoch (CPU)",
            "target",
            "same training losses",
        ],
        rows,
    )
    if gru_vs_lstm:
        text += "\n\n" + "\n".join(f"- {line}" for line in gru_vs_lstm)
    return text, records


# ---------------------------------------------------------------- 6. serving
def bench_serving(s: Settings, log=print) -> tuple[str, dict[str, Any]]:
    """Series per second: the torch classifier vs its ONNX export."""
    from skseq.export import OnnxClassifier, to_onnx

    data = load_dataset("GunPoint")
    X = np.asarray(data.X_test, dtype=np.float32)
    big = np.concatenate([X] * (-(-256 // len(X))))[:256]
    cfg = Config(epochs=1, batch_size=s.batch_size, seed=s.seed)
    rows, records = [], {}
    folder = Path(tempfile.mkdtemp())
    for model in s.serving_models:
        clf = skseq_classifier(MODELS[model], cfg, 2, s.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(data.X_train, data.y_train)
        served = OnnxClassifier(to_onnx(clf, folder / f"{model}.onnx"), n_threads=1)
        single = X[: s.serving_singles]
        contenders = {"torch (skseq predict_proba)": clf, "onnxruntime": served}
        rate: dict[str, dict[str, list[float]]] = {
            c: {"batch 1": [], "batch 256": []} for c in contenders
        }
        for r in range(s.repeats):
            order = list(contenders) if r % 2 == 0 else list(contenders)[::-1]
            for c in order:
                est = contenders[c]
                t = time_call(
                    lambda est=est: [est.predict_proba(x[None]) for x in single]
                )
                rate[c]["batch 1"].append(len(single) / t.cpu)
                t = time_call(lambda est=est: est.predict_proba(big))
                rate[c]["batch 256"].append(len(big) / t.cpu)
        for batch in ("batch 1", "batch 256"):
            torch_rate = summarize(rate["torch (skseq predict_proba)"][batch])
            onnx_rate = summarize(rate["onnxruntime"][batch])
            records[f"{model}/{batch}"] = onnx_rate.median / torch_rate.median
            rows.append(
                [
                    model,
                    batch,
                    f"{torch_rate.median:,.0f}",
                    f"{onnx_rate.median:,.0f}",
                    f"{onnx_rate.median / torch_rate.median:.2f}×",
                ]
            )
        log(f"  serving {model}: {rows[-2:]}")
    text = _section(
        "## 6. Serving: torch vs the ONNX export (series per second)",
        f"GunPoint test series (150 steps), CPU time, 1 thread each (torch and "
        f"onnxruntime), {s.repeats} interleaved rounds; batch 1 = "
        f"{s.serving_singles} calls of one series each, batch 256 = one call. "
        "Both include input validation (`OnnxClassifier` validates as the "
        "classifier does); networks of the zoo's sizes, fitted 2 epochs.",
        ["model", "batch", "torch series/s", "onnxruntime series/s", "onnx / torch"],
        rows,
    )
    return text, records


# ----------------------------------------------------------------- 7. memory
def _probe(model: str, n: int, mode: str) -> dict[str, Any]:
    import json
    import subprocess

    probe = Path(__file__).with_name("_memory_probe.py")
    done = subprocess.run(
        [sys.executable, str(probe), model, str(n), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_memory(s: Settings, log=print) -> tuple[str, dict[str, Any]]:
    """Peak extra memory of predict_proba vs n, each case in a fresh process."""
    rows, records = [], {}
    for model in s.memory_models:
        one_batch = _probe(model, 128, "skseq")["rise_mb"]
        for n in s.memory_sizes:
            got = {mode: _probe(model, n, mode) for mode in ("skseq", "hand")}
            f32 = got["skseq"]["input_f32_mb"]
            bound = 2 * f32 + one_batch
            rise = got["skseq"]["rise_mb"]
            records[f"{model}/{n}"] = {
                "skseq_rise_mb": rise,
                "hand_rise_mb": got["hand"]["rise_mb"],
                "bound_mb": bound,
            }
            log(f"  memory {model} n={n}: {records[f'{model}/{n}']}")
            rows.append(
                [
                    model,
                    f"{n:,}",
                    f"{f32:,.0f}",
                    f"{one_batch:,.0f}",
                    f"{rise:,.0f}",
                    f"{got['hand']['rise_mb']:,.0f}",
                    f"{rise / f32:.1f}×",
                    ("meets" if rise <= bound else "MISSES") + f" ≤ {bound:,.0f} MB",
                    f"{got['skseq']['seconds']:.1f} / {got['hand']['seconds']:.1f}",
                ]
            )
    text = _section(
        "## 7. Prediction memory: peak rise during predict_proba (MB)",
        "Random series of 3 channels x 500 steps (float64, as in issue 13), "
        "fitted on 64 of them for 1 epoch, 1 thread; each case in a fresh "
        "process, the peak resident size (VmHWM) reset just before the call. "
        "'hand loop' = the same network in a `torch.no_grad` loop over "
        "batches of 128, outputs concatenated (no memory release). 'one "
        "batch' = skseq's rise on 128 series. Target: rise <= 2 x the "
        "float32 panel + one batch.",
        [
            "model",
            "n",
            "panel float32 MB",
            "one batch MB",
            "skseq rise MB",
            "hand loop rise MB",
            "skseq rise / panel",
            "target",
            "seconds skseq / hand",
        ],
        rows,
    )
    return text, records


# -------------------------------------------------------------------- main
RUNNERS = {
    "bucketing": bench_bucketing,
    "compile": bench_compile,
    "inference": bench_inference,
    "threads": bench_threads,
    "overhead": bench_overhead,
    "serving": bench_serving,
    "memory": bench_memory,
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sections", nargs="+", default=list(SECTIONS), choices=SECTIONS)
    p.add_argument("--quick", action="store_true", help="a smoke run (small data)")
    p.add_argument("--repeats", type=int, default=None, help="rounds (3)")
    p.add_argument("--epochs", type=int, default=None, help="bucketing epochs (1)")
    p.add_argument("--plaid-size", type=int, default=None, help="FCN: 0 = all")
    p.add_argument("--rnn-plaid-size", type=int, default=None, help="LSTM (128)")
    p.add_argument("--compile-models", nargs="+", default=None, choices=list(MODELS))
    p.add_argument("--recording-steps", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="benchmarks/results/speed.md", help="'' to skip")
    return p.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    s = Settings(quick=args.quick, seed=args.seed)
    if args.quick:
        s.epochs, s.repeats = 1, 1
        s.plaid_size, s.rnn_plaid_size = 24, 24
        s.compile_models = ("CNN",)
        s.compile_epochs = 2
        s.recording_steps = 20_000
        s.thread_epochs = 1
        s.overhead_models = ("CNN",)
        s.overhead_datasets = ("ItalyPowerDemand",)
        s.overhead_epochs = 2
        s.serving_models = ("CNN",)
        s.serving_singles = 5
        s.memory_models = ("FCN",)
        s.memory_sizes = (512,)
    for name in ("repeats", "epochs", "plaid_size", "rnn_plaid_size"):
        if getattr(args, name) is not None:
            setattr(s, name, getattr(args, name))
    if args.compile_models:
        s.compile_models = tuple(args.compile_models)
    if args.recording_steps:
        s.recording_steps = args.recording_steps
    return s


def main(argv: Sequence[str] | None = None, log=print) -> dict[str, Any]:
    """Run the chosen sections; returns their Markdown and numbers."""
    args = parse_args(argv)
    s = settings_from(args)
    set_torch_threads(1)
    command = "python benchmarks/bench_speed.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    parts = [
        "# Speed on a small CPU (issue 8)",
        "",
        *[f"- {x}" for x in environment_lines(command.strip())],
        "",
    ]
    records: dict[str, Any] = {}
    for name in args.sections:
        t0 = time.perf_counter()
        text, rec = RUNNERS[name](s, log=log)
        records[name] = rec
        parts += [text, "", f"({name}: {time.perf_counter() - t0:.0f} s wall)", ""]
        set_torch_threads(1)
    parts.append(f"Load average at the end (1, 5, 15 min): {load_average()}")
    markdown = "\n".join(parts) + "\n"
    log("\n" + markdown)
    if args.out:
        log(f"written to {write_markdown(args.out, markdown)}")
    return {"records": records, "markdown": markdown}


if __name__ == "__main__":
    main()
