"""Memory and speed of windowing one long recording (skseq.windows).

A synthetic recording of ``--steps`` time steps x ``--channels`` channels
(float32; default 10 million x 3 = 120 MB) with per-step labels (int64, rare
events) is cut into windows of ``--length`` steps with ``--overlap`` (default
256 steps, 90 % overlap, i.e. a step of 26). Measured, one phase at a time:

- ``make_windows`` with ``label="last"`` and ``label="majority"``: the windows
  are a strided view, so this measures the labels, groups and starts;
- ``materialise all windows``: copying every window once, 4096 at a time,
  through the returned view (what any consumer of the windows pays);
- ``WindowedClassifier.predict`` (per-step labels) and ``predict_proba``
  (per-step probabilities, whose float64 output alone is
  ``steps x classes x 8`` bytes) with a cheap inner estimator: a pipeline that
  flattens every window and applies a logistic regression, fitted beforehand
  on a separate 200k-step recording;
- optionally (``--skseq-steps N``), ``WindowedClassifier.predict`` around a
  small skseq ``CNNClassifier`` on an ``N``-step recording.

Peak extra memory is reported two ways, both relative to the recording's own
size (``X.nbytes``): the peak of Python-traced allocations during the call
(``tracemalloc``, which sees every NumPy buffer; timed separately, since
tracing slows allocation) and the growth of the process's peak resident set
(``VmHWM`` after the call minus ``VmRSS`` before it, with the high-water mark
reset through ``/proc/self/clear_refs`` first; Linux only). The target of
issue 5 is a peak extra memory below 2x the recording. Windows per second =
windows / median wall time.

Results and conclusions: ``docs/benchmarks.rst``. Run from the repository
root::

    python benchmarks/bench_windows.py               # 10M steps, ~1-2 min
    python benchmarks/bench_windows.py --quick       # 1M steps, 1 repeat
    python benchmarks/bench_windows.py --skseq-steps 1000000
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    command_line,
    fmt_range,
    markdown_table,
    page,
    set_torch_threads,
    summarize,
    time_call,
    write_markdown,
)

MB = 1024**2


def make_recording(
    n_steps: int, n_channels: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A noisy recording with rare events, built in chunks (no big temporaries).

    Events (label 1) of 100-400 steps cover about 2 % of the steps; channel 0
    rises by 1 during them.
    """
    rng = np.random.default_rng(seed)
    X = np.empty((n_channels, n_steps), dtype=np.float32)
    chunk = 1 << 20
    for a in range(0, n_steps, chunk):
        b = min(a + chunk, n_steps)
        X[:, a:b] = rng.standard_normal((n_channels, b - a), dtype=np.float32)
    y = np.zeros(n_steps, dtype=np.int64)
    n_events = max(1, n_steps // 12_500)
    for start in rng.integers(0, max(1, n_steps - 400), size=n_events):
        stop = start + int(rng.integers(100, 400))
        y[start:stop] = 1
        X[0, start:stop] += 1.0
    return X, y


def _flatten(W: Any) -> np.ndarray:
    W = np.asarray(W)
    return W.reshape(len(W), -1)


def windowed(inner, fit_steps: int, length: int, step: int, batch: int):
    """``WindowedClassifier(inner)`` fitted on a separate ``fit_steps`` recording."""
    from skseq.windows import WindowedClassifier

    clf = WindowedClassifier(inner, length=length, step=step, label="majority",
                             predict_batch_size=batch)
    return clf.fit(*make_recording(fit_steps, 3, seed=1))


def _linear():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    return make_pipeline(FunctionTransformer(_flatten),
                         LogisticRegression(max_iter=200))


def _cnn():
    from skseq.classifiers import CNNClassifier

    return CNNClassifier(module__n_filters=(8, 8), max_epochs=1, random_state=0,
                         batch_size=256)


def _status_kb(key: str) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def peak_extra(fn: Callable[[], Any]) -> tuple[float, float]:
    """Peak extra bytes of ``fn()``: (tracemalloc peak, peak RSS growth)."""
    gc.collect()
    before = _status_kb("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts over
        reset = True
    except OSError:
        reset = False
    result = fn()
    hwm = _status_kb("VmHWM")
    rss = (hwm - before) * 1024.0 if reset and hwm and before else np.nan
    del result
    gc.collect()
    tracemalloc.start()
    result = fn()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    gc.collect()
    return float(traced), float(rss)


def measure(name: str, fn: Callable[[], Any], n_windows: int, raw: float,
            repeats: int) -> list[Any]:
    traced, rss = peak_extra(fn)
    walls = []
    for _ in range(repeats):
        gc.collect()
        walls.append(time_call(fn).wall)
    wall = summarize(walls)
    print(f"{name}: {wall.median:.3f} s, {n_windows / wall.median:,.0f} windows/s, "
          f"peak extra traced {traced / raw:.2f}x, RSS {rss / raw:.2f}x", flush=True)
    return [name, fmt_range(wall, 3), f"{n_windows / wall.median:,.0f}",
            f"{traced / MB:,.1f} ({traced / raw:.2f}x)",
            "–" if np.isnan(rss) else f"{rss / MB:,.1f} ({rss / raw:.2f}x)"]


def materialise_all(windows: np.ndarray, batch: int) -> float:
    """Copy every window once, ``batch`` at a time; return a checksum."""
    total = 0.0
    for a in range(0, len(windows), batch):
        total += float(np.ascontiguousarray(windows[a : a + batch])[:, 0, 0].sum())
    return total


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10_000_000)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--length", type=int, default=256)
    parser.add_argument("--overlap", type=float, default=0.9)
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skseq-steps", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="1M steps, 1 repeat")
    parser.add_argument("--out", default="benchmarks/results/windows.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.repeats = 1_000_000, 1
    set_torch_threads(1)

    from skseq.windows import make_windows

    step = max(1, int(round(args.length * (1 - args.overlap))))
    X, y = make_recording(args.steps, args.channels)
    raw = float(X.nbytes)
    windows, _, _ = make_windows(X, length=args.length, step=step)
    n_windows = len(windows)
    full = n_windows * args.channels * args.length * 4.0
    header = (
        f"recording: {args.steps:,} steps x {args.channels} channels float32 = "
        f"{raw / MB:,.1f} MB (labels int64: {y.nbytes / MB:,.1f} MB); windows of "
        f"{args.length} steps, step {step} ({args.overlap:.0%} overlap): "
        f"{n_windows:,} windows, {full / MB:,.0f} MB if materialised "
        f"({full / raw:.1f}x)"
    )
    print(header, flush=True)

    def n_predicted(steps: int) -> int:
        # the regular windows plus one aligned to the end if they stop short of it
        n = len(make_windows(X[:, :steps], length=args.length, step=step)[0])
        return n + int((steps - args.length) % step != 0)

    clf = windowed(_linear(), 200_000, args.length, step, args.batch)
    clf.predict(X[:, :100_000])  # warm-up (imports, BLAS threads)
    phases = [
        *[(f"make_windows(label={rule!r})", lambda rule=rule: make_windows(
            X, y, length=args.length, step=step, label=rule), n_windows)
          for rule in ("last", "majority")],
        (f"materialise all windows, {args.batch} at a time",
         lambda: materialise_all(windows, args.batch), n_windows),
        ("WindowedClassifier.predict (flatten + LogisticRegression)",
         lambda: clf.predict(X), n_predicted(args.steps)),
        ("WindowedClassifier.predict_proba (flatten + LogisticRegression; output "
         f"{args.steps * 2 * 8 / MB:,.0f} MB)", lambda: clf.predict_proba(X),
         n_predicted(args.steps))]
    rows = [measure(name, fn, n, raw, args.repeats) for name, fn, n in phases]
    accuracy = np.mean(clf.predict(X) == y)
    notes = [f"per-step accuracy of the linear model: {accuracy:.3f}"]
    if args.skseq_steps:
        Xs, ys = X[:, : args.skseq_steps], y[: args.skseq_steps]
        cnn = windowed(_cnn(), 100_000, args.length, step, args.batch)
        rows.append(measure(
            f"WindowedClassifier.predict (CNNClassifier 8-8 filters, "
            f"{args.skseq_steps:,} steps)", lambda: cnn.predict(Xs),
            n_predicted(args.skseq_steps), float(Xs.nbytes), max(1, args.repeats - 1)))
        notes.append("the CNN row's memory ratios are relative to the recording it "
                     f"predicts ({Xs.nbytes / MB:,.1f} MB); its per-step accuracy "
                     f"{float(np.mean(cnn.predict(Xs) == ys)):.3f}")
    table = markdown_table(
        [
            "phase", "wall s, median [min–max]", "windows/s",
            "peak extra traced MB (x recording)", "peak extra RSS MB (x recording)"],
        rows,
    )
    text = "\n".join(
        [
            *page("Windowing a long recording: memory and speed",
                  command_line("bench_windows.py", argv),
                  ("numpy", "scikit-learn", "torch")),
            f"- {header}",
            *[f"- {note}" for note in notes],
            "",
            table,
            "",
        ]
    )
    if args.out:
        path = write_markdown(args.out, text)
        print(f"written to {path}")
    print(table)
    return text


if __name__ == "__main__":
    main()
