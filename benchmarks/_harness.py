"""The one harness every benchmark script in this folder runs on.

Scripts import it as ``from _harness import ...`` after putting this folder
on ``sys.path`` (they are scripts, not a package)::

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _harness import Rows, markdown_table, page, time_call  # noqa: E402

API (everything a new script such as ``bench_automl.py`` needs):

- **Environment**: ``environment()`` (a dict for JSONL rows: versions, git
  commit, CPU model, torch CPU capability, threads), ``page(title, command,
  packages)`` (the header lines of a Markdown results page: date, versions,
  cores, load average, command), ``command_line(script, argv)``.
- **Threads**: ``set_torch_threads(n)``; ``one_thread()`` pins torch, BLAS
  and numba to one thread inside a ``with`` and restores the caller's
  settings after (two one-thread processes share two cores without slowing
  each other down; a second intra-op thread waiting for a busy core made
  training >10x slower).
- **Timing**: ``time_call(fn)`` -> ``Timing(wall, cpu, result)``;
  ``summarize(values)`` -> ``Summary(median, low, high, values)``;
  ``fmt_range(summary)`` -> ``"median [min–max]"``; ``interleaved(names,
  repeat)`` rotates the contenders' order every repeat.
- **Tables**: ``markdown_table(headers, rows)``; ``write_markdown(path,
  text)`` (atomic: shards may finish together).
- **Resumable rows**: ``Rows(path)``: ``.read()``, ``.append(row)`` (one
  locked ``write`` per JSON line, so shards may share a file; a line cut
  short by a killed run is skipped), ``.todo(jobs, key, done_key)``;
  ``shard(jobs, "i/n")``; ``Budget(seconds)`` (``.spent`` once no new job
  should start). A row is done when its key, e.g. (job, CPU capability,
  defaults fingerprint), is in the file without an ``error``.
- **skseq vs a hand loop**: ``hand_fit(clf, X, y)`` trains ``clf``'s own
  network in a plain PyTorch loop after skseq set it up (see there).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

try:
    import fcntl
except ImportError:  # not on Windows: appends are then unlocked
    fcntl = None

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"


# ---------------------------------------------------------------- environment
def version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _version

    try:
        return _version(package)
    except PackageNotFoundError:
        return None


def load_average() -> str:
    """The load average over 1, 5 and 15 minutes (``"n/a"`` if unknown)."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``; ``platform`` elsewhere)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "cpu model", "hardware")):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def git_commit() -> str | None:
    """Short commit of the repository, ``+dirty`` if ``skseq/`` has changes."""
    try:
        run = [["git", "rev-parse", "--short", "HEAD"],
               ["git", "status", "--porcelain", "--", "skseq"]]
        sha, dirty = (
            subprocess.run(c, cwd=REPO, capture_output=True, text=True, check=True)
            .stdout.strip()
            for c in run
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return sha + ("+dirty" if dirty else "")


@cache
def environment() -> dict[str, Any]:
    """Where this process's fits run (stored in every JSONL row)."""
    import torch

    import skseq

    return {
        "skseq_version": skseq.__version__, "torch_version": torch.__version__,
        "sktime_version": version("sktime"), "commit": git_commit(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "aten_cpu_capability": os.environ.get("ATEN_CPU_CAPABILITY"),
        "cpu_model": cpu_model(), "torch_threads": torch.get_num_threads(),
        "python": platform.python_version()}


def command_line(script: str, argv: Sequence[str] | None) -> str:
    args = argv if argv is not None else sys.argv[1:]
    return " ".join(["python", f"benchmarks/{script}", *args])


def page(
    title: str, command: str | None = None,
    packages: Sequence[str] = ("torch", "skorch", "sktime")) -> list[str]:
    """The head of a results page: title, date, versions, cores, load, command."""
    versions = ", ".join(f"{p} {version(p) or '(not installed)'}" for p in packages)
    return [
        f"# {title}",
        "",
        f"- date: {_dt.datetime.now().isoformat(timespec='seconds')}",
        f"- python {platform.python_version()}, {versions}",
        f"- machine: {platform.machine()}, {os.cpu_count()} logical cores, "
        f"load average (1, 5, 15 min) {load_average()}",
        "- command: " + (command or " ".join(["python", *sys.argv])),
    ]


# -------------------------------------------------------------------- threads
def set_torch_threads(n: int = 1) -> None:
    """Pin torch (and the BLAS of child processes) to ``n`` threads."""
    import torch

    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(n)
    torch.set_num_threads(n)


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """torch, BLAS and numba on one thread; the caller's settings restored after."""
    import torch
    from threadpoolctl import threadpool_limits

    saved_env = {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    saved_threads = torch.get_num_threads()
    set_torch_threads(1)  # OMP_NUM_THREADS=1 is what n_threads=None reads
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(saved_threads)
        for var, value in saved_env.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


# --------------------------------------------------------------------- timing
@dataclass
class Timing:
    """Wall and CPU seconds of one call, and what it returned."""

    wall: float
    cpu: float
    result: Any = None


def time_call(fn: Callable[[], Any]) -> Timing:
    """``fn()`` once: wall (``perf_counter``) and this process's CPU seconds."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = fn()
    return Timing(time.perf_counter() - wall0, time.process_time() - cpu0, result)


@dataclass
class Summary:
    median: float
    low: float
    high: float
    values: list[float] = field(default_factory=list)


def summarize(values: Iterable[float]) -> Summary:
    """Median, min and max of the finite values (NaN when there are none)."""
    vals = [float(v) for v in values if v is not None and math.isfinite(v)]
    if not vals:
        return Summary(math.nan, math.nan, math.nan, [])
    return Summary(statistics.median(vals), min(vals), max(vals), vals)


def fmt_range(s: Summary, digits: int = 3, suffix: str = "") -> str:
    """``median [min–max]`` (the median alone for one value, ``–`` for none)."""
    if not math.isfinite(s.median):
        return "–"
    med = f"{s.median:.{digits}f}{suffix}"
    if len(s.values) <= 1:
        return med
    return f"{med} [{s.low:.{digits}f}–{s.high:.{digits}f}]"


def interleaved(names: Sequence[Any], repeat: int) -> list[Any]:
    """``names`` rotated by ``repeat``: a busy phase hits every contender."""
    k = repeat % max(1, len(names))
    return list(names[k:]) + list(names[:k])


# --------------------------------------------------------------------- tables
def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table (``|`` inside cells escaped)."""

    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_markdown(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (creating folders); the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


# ----------------------------------------------------------------------- rows
def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class Rows:
    """A JSONL file of result rows, appended to as each job finishes."""

    def __init__(self, path: str | os.PathLike, name: str = "rows") -> None:
        self.path, self.name = Path(path), name

    def read(self, log: Callable[..., None] = print) -> list[dict]:
        """Every row (lines that do not parse are skipped, with a note)."""
        if not self.path.exists():
            return []
        rows, bad = [], 0
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    bad += 1
        if bad:
            log(f"[{self.name}] {self.path}: skipped {bad} unreadable line(s) "
                "(a killed run?)")
        return rows

    def append(self, row: dict) -> None:
        """One JSON line: one ``write`` under an exclusive lock, then fsync."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(row, default=_json_default) + "\n").encode()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":  # cut short by a kill
                line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        finally:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def todo(self, jobs: Sequence[Any], key: Callable[[Any], tuple],
             done_key: Callable[[dict], tuple], rows: Sequence[dict]) -> list[Any]:
        """The jobs whose key no successful row of ``rows`` has."""
        done = {done_key(r) for r in rows if not r.get("error")}
        return [j for j in jobs if key(j) not in done]


def parse_shard(text: str | None) -> tuple[int, int]:
    """``"i/n"`` (1 <= i <= n) -> (i - 1, n); None -> (0, 1)."""
    if not text:
        return 0, 1
    m = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise SystemExit(f"--shard takes i/n with 1 <= i <= n; got {text!r}.")
    return int(m[1]) - 1, int(m[2])


def shard(jobs: Sequence[Any], text: str | None) -> list[Any]:
    """Every n-th job of the plan (round-robin), for shard ``"i/n"``."""
    i, n = parse_shard(text)
    return list(jobs[i::n])


class Budget:
    """Start no new job after ``seconds`` (None: no limit)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds, self.start = seconds, time.perf_counter()

    @property
    def spent(self) -> bool:
        return self.seconds is not None and (
            time.perf_counter() - self.start > self.seconds
        )


# ------------------------------------------------------ skseq vs a hand loop
class _Started(Exception):
    """Raised by ``_Capture`` to stop a fit once skseq has set it up."""


def _capture_callback(into: dict):
    import torch
    from skorch.callbacks import Callback

    class Capture(Callback):
        def on_train_begin(self, net, X=None, y=None, **kwargs):
            into.update(dataset=X, rng=torch.get_rng_state())
            raise _Started

    return Capture()


@dataclass
class HandFit:
    """What ``hand_fit`` leaves: the fitted skseq object (for predict),
    per-epoch training losses, (wall, CPU) seconds per epoch and of the whole
    loop (skseq's set-up before it is not counted)."""

    clf: Any
    epoch_losses: list[float]
    epoch_times: list[tuple[float, float]]
    fit_times: tuple[float, float] = (math.nan, math.nan)


def hand_fit(clf, X, y, epochs: int | None = None) -> HandFit:
    """Train ``clf``'s network in the loop a competent PyTorch user writes.

    skseq sets the fit up with its own code (``clf.fit`` stopped at
    ``on_train_begin``): validation, the seeds derived from ``random_state``,
    the initial weights and, per epoch, the batches its iterator draws
    (``clf.get_iterator``: same shuffling and length bucketing, the same
    iterator for every epoch, as in skseq's fit). The loop
    itself is plain PyTorch: AdamW, skseq's warm-up + cosine curve as a
    ``LambdaLR`` stepped per batch, cross-entropy, gradient-norm clipping at
    ``max_grad_norm``, the best training epoch's weights restored, then
    skseq's ``PreciseBatchNorm`` pass. Equal per-epoch losses with skseq's
    ``history_`` show both did the same arithmetic; the time difference is
    then skseq's (skorch's) loop overhead.
    """
    import torch
    import torch.nn.functional as F

    from skseq.callbacks import PreciseBatchNorm, WarmupCosineLR

    start: dict[str, Any] = {}
    clf.set_params(callbacks=[*(clf.callbacks or []),
                              ("hand_start", _capture_callback(start))])
    with contextlib.suppress(_Started):
        clf.fit(X, y)
    epochs = clf.max_epochs if epochs is None else epochs
    net, data = clf.module_, start["dataset"]
    clip = clf.max_grad_norm
    losses, times, best = [], [], (math.inf, None)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    with torch.random.fork_rng(devices=[]):
        torch.set_rng_state(start["rng"])  # what skseq's fit trains with
        optimizer = torch.optim.AdamW(net.parameters(), lr=clf.lr)
        steps = max(1, epochs * math.ceil(len(data) / clf.batch_size))
        curve = WarmupCosineLR().factor
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda k: curve(max(k / steps, 1.0 / steps)))
        batches = clf.get_iterator(data, training=True)  # one for the whole fit
        net.train()
        for _ in range(epochs):
            w0, c0, total = time.perf_counter(), time.process_time(), 0.0
            for xb, yb in batches:
                optimizer.zero_grad()
                loss = F.cross_entropy(net(**clf.network_input(xb)), yb)
                loss.backward()
                if clip is not None:
                    torch.nn.utils.clip_grad_norm_(net.parameters(), float(clip))
                optimizer.step()
                scheduler.step()
                total += loss.item() * len(yb)
            losses.append(total / len(data))
            if losses[-1] < best[0]:
                best = (losses[-1], {k: v.detach().clone()
                                     for k, v in net.state_dict().items()})
            times.append((time.perf_counter() - w0, time.process_time() - c0))
        if best[1] is not None:
            net.load_state_dict(best[1])
        PreciseBatchNorm().on_train_end(clf, X=data)
    net.eval()
    fit = (time.perf_counter() - wall0, time.process_time() - cpu0)
    return HandFit(clf, losses, times, fit)


def same_losses(a: Sequence[float] | None, b: Sequence[float] | None) -> str:
    """``train losses = skseq's (max diff …)`` or ``… differ from …``."""
    if not a or not b or len(a) != len(b):
        return "train losses not compared"
    diff = float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
    same = np.allclose(a, b, rtol=1e-4, atol=1e-6)
    word = "=" if same else "differ from"
    return f"train losses {word} skseq's (max diff {diff:.1e})"
