"""Memory and speed of windowing one long recording (skseq.windows).

Method and results: ``docs/benchmarks.rst``. ::

    python benchmarks/bench_windows.py               # 10M steps, ~1-2 min
    python benchmarks/bench_windows.py --quick       # 1M steps, 1 repeat
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

MB = 1024**2
CHANNELS = 3


def make_recording(n_steps: int, seed: int = 0):
    """Noise with events (label 1, 100-400 steps, ~2 % of the steps) during
    which channel 0 rises by 1; built in chunks (no big temporaries)."""
    rng = np.random.default_rng(seed)
    X = np.empty((CHANNELS, n_steps), dtype=np.float32)
    for a in range(0, n_steps, chunk := 1 << 20):
        b = min(a + chunk, n_steps)
        X[:, a:b] = rng.standard_normal((CHANNELS, b - a), dtype=np.float32)
    y = np.zeros(n_steps, dtype=np.int64)
    n_events = max(1, n_steps // 12_500)
    for start in rng.integers(0, max(1, n_steps - 400), size=n_events):
        stop = start + int(rng.integers(100, 400))
        y[start:stop] = 1
        X[0, start:stop] += 1.0
    return X, y


def windowed(fit_steps: int, length: int, step: int, batch: int):
    """``WindowedClassifier`` around a flatten + logistic regression pipeline,
    fitted on a separate ``fit_steps`` recording."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skseq.windows import WindowedClassifier

    inner = make_pipeline(
        FunctionTransformer(H.flatten), LogisticRegression(max_iter=200)
    )
    clf = WindowedClassifier(
        inner, length=length, step=step, label="majority", predict_batch_size=batch
    )
    return clf.fit(*make_recording(fit_steps, seed=1))


def measure(name: str, fn, n_windows: int, raw: float, repeats: int) -> list:
    """Peak extra bytes of ``fn()`` (rise of the peak RSS, then tracemalloc's
    peak, apart from the timing) and its wall time over ``repeats`` calls."""
    rss = float(H.rss_rise(fn)[1])
    gc.collect()
    tracemalloc.start()
    result = fn()
    traced = float(tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
    del result
    walls = []
    for _ in range(repeats):
        gc.collect()
        walls.append(H.time_call(fn).wall)
    wall = H.summarize(walls)
    rate = n_windows / wall.median
    print(
        f"{name}: {wall.median:.3f} s, {rate:,.0f} windows/s, peak extra traced "
        f"{traced / raw:.2f}x, RSS {rss / raw:.2f}x",
        flush=True,
    )
    rss_cell = "–" if np.isnan(rss) else f"{rss / MB:,.1f} ({rss / raw:.2f}x)"
    traced_cell = f"{traced / MB:,.1f} ({traced / raw:.2f}x)"
    return [name, H.fmt_range(wall, 3), f"{rate:,.0f}", traced_cell, rss_cell]


def materialise_all(windows: np.ndarray, batch: int) -> float:
    """Copy every window once, ``batch`` at a time; return a checksum."""
    total = 0.0
    for a in range(0, len(windows), batch):
        total += float(np.ascontiguousarray(windows[a : a + batch])[:, 0, 0].sum())
    return total


def main(argv: list[str] | None = None) -> str:
    p = H.parser(__doc__, "windows.md")
    p.add_argument("--steps", type=int, default=10_000_000)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)
    if args.quick:
        args.steps, args.repeats = 1_000_000, 1
    H.set_torch_threads(1)

    from skseq.windows import make_windows

    length, step, batch = 256, 26, 4096  # 90 % overlap
    X, y = make_recording(args.steps)
    raw = float(X.nbytes)
    windows, _, _ = make_windows(X, length=length, step=step)
    n_windows = len(windows)
    full = n_windows * CHANNELS * length * 4.0
    header = (
        f"recording: {args.steps:,} steps x {CHANNELS} channels float32 = "
        f"{raw / MB:,.1f} MB (labels int64: {y.nbytes / MB:,.1f} MB); windows of "
        f"{length} steps, step {step} ({1 - step / length:.0%} overlap): "
        f"{n_windows:,} windows, {full / MB:,.0f} MB if materialised "
        f"({full / raw:.1f}x)"
    )
    print(header, flush=True)

    # the regular windows plus one aligned to the end if they stop short of it
    predicted = n_windows + int((args.steps - length) % step != 0)
    clf = windowed(200_000, length, step, batch)
    clf.predict(X[:, :100_000])  # warm-up (imports, BLAS threads)
    linear = "flatten + LogisticRegression"
    out_mb = args.steps * 2 * 8 / MB  # predict_proba's float64 output
    phases = {
        f"make_windows(label={rule!r})": (
            partial(make_windows, X, y, length=length, step=step, label=rule),
            n_windows,
        )
        for rule in ("last", "majority")
    }
    phases[f"materialise all windows, {batch} at a time"] = (
        partial(materialise_all, windows, batch),
        n_windows,
    )
    phases[f"WindowedClassifier.predict ({linear})"] = (
        partial(clf.predict, X),
        predicted,
    )
    phases[f"WindowedClassifier.predict_proba ({linear}; output {out_mb:,.0f} MB)"] = (
        partial(clf.predict_proba, X),
        predicted,
    )
    rows = [measure(k, fn, n, raw, args.repeats) for k, (fn, n) in phases.items()]
    accuracy = np.mean(clf.predict(X) == y)
    table = H.markdown_table(
        "phase | wall s, median [min–max] | windows/s | "
        "peak extra traced MB (x recording) | peak extra RSS MB (x recording)",
        rows,
    )
    packages = ("numpy", "scikit-learn", "torch")
    command = H.command_line("bench_windows.py", argv)
    text = H.page("Windowing a long recording: memory and speed", command, packages)
    note = f"- per-step accuracy of the linear model: {accuracy:.3f}"
    text = "\n".join([*text, f"- {header}", note, "", table, ""])
    return H.finish(text, args.out)


if __name__ == "__main__":
    main()
