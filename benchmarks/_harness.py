"""The one harness the benchmark scripts of this folder share.

Scripts put this folder on ``sys.path`` and ``import _harness as H`` (they are
scripts, not a package); ``benchmarks/README.md`` lists what it holds.
"""

from __future__ import annotations

import argparse
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
from collections import namedtuple
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

try:
    import fcntl
except ImportError:  # not on Windows: appends are then unlocked
    fcntl = None

HERE = Path(__file__).resolve().parent
REPO, RESULTS = HERE.parent, HERE / "results"


# ---------------------------------------------------------------- environment
def version(package: str) -> str | None:
    with contextlib.suppress(PackageNotFoundError):
        return _version(package)
    return None


def now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


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

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        run.check_returncode()
        return run.stdout.strip()

    try:
        dirty = git("status", "--porcelain", "--", "skseq")
        return git("rev-parse", "--short", "HEAD") + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


@cache
def environment() -> dict[str, Any]:
    """Where this process's fits run (stored in every JSONL row)."""
    import torch

    import skseq

    return {
        "skseq_version": skseq.__version__,
        "torch_version": torch.__version__,
        "sktime_version": version("sktime"),
        "commit": git_commit(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "aten_cpu_capability": os.environ.get("ATEN_CPU_CAPABILITY"),
        "cpu_model": cpu_model(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
    }


def command_line(script: str, argv: list[str] | None) -> str:
    args = argv if argv is not None else sys.argv[1:]
    return " ".join(["python", f"benchmarks/{script}", *args])


def page(title, command=None, packages=("torch", "skorch", "sktime"), facts=None):
    """The head of a results page: title, ``facts`` (by default the date,
    versions, cores and load), the command."""
    versions = ", ".join(f"{p} {version(p) or '(not installed)'}" for p in packages)
    facts = facts or [
        f"date: {now()}",
        f"python {platform.python_version()}, {versions}",
        f"machine: {platform.machine()}, {os.cpu_count()} logical cores, "
        f"load average (1, 5, 15 min) {load_average()}",
    ]
    command = command or " ".join(["python", *sys.argv])
    return [f"# {title}", "", *(f"- {f}" for f in facts), f"- command: {command}"]


def parser(doc: str, out: str | None = None, resumable: bool = False):
    """The options every script takes (``--quick``, ``--out``), and with
    ``resumable`` those of a JSONL rows file (``--table``, ``--shard``,
    ``--budget``)."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a smoke run")
    p.add_argument("--out", default=out and str(RESULTS / out), help="'': no table")
    if resumable:
        p.add_argument("--table", action="store_true", help="only rebuild the table")
        p.add_argument("--shard", metavar="I/N", help="every N-th job")
        p.add_argument("--budget", type=float, help="start no job after this many s")
    return p


# -------------------------------------------------------------------- threads
def set_torch_threads(n: int = 1) -> None:
    """Pin torch (and the BLAS of child processes) to ``n`` threads."""
    import torch

    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(n)
    torch.set_num_threads(n)


@contextlib.contextmanager
def one_thread():
    """torch, BLAS and numba on one thread; the caller's settings restored after
    (two one-thread processes share two cores without slowing each other)."""
    import torch
    from threadpoolctl import threadpool_limits

    threads = torch.get_num_threads()
    try:
        with mock.patch.dict(os.environ), threadpool_limits(1):
            set_torch_threads(1)  # OMP_NUM_THREADS=1 is what n_threads=None reads
            yield
    finally:
        torch.set_num_threads(threads)


# --------------------------------------------------------------------- timing
# wall and CPU seconds of one call, and what it returned
Timing = namedtuple("Timing", "wall cpu result")


def time_call(fn) -> Timing:
    """``fn()`` once: wall (``perf_counter``) and this process's CPU seconds."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = fn()
    return Timing(time.perf_counter() - wall0, time.process_time() - cpu0, result)


Summary = namedtuple("Summary", "median low high values")


def summarize(values) -> Summary:
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


def interleaved(names, repeat: int) -> list:
    """``names`` rotated by ``repeat``: a busy phase hits every contender."""
    k = repeat % max(1, len(names))
    return list(names[k:]) + list(names[:k])


# --------------------------------------------------------------------- tables
def markdown_table(headers, rows) -> str:
    """A GitHub-flavoured Markdown table (``|`` inside cells escaped);
    ``headers`` is a list or one string of ``|``-separated names."""
    if isinstance(headers, str):
        headers = [h.strip() for h in headers.split("|")]

    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_markdown(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (creating folders); the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def finish(markdown: str, out: str | None, log=print) -> str:
    """Log the page and write it to ``out`` (``''``: not written)."""
    log("\n" + markdown)
    if out:
        log(f"written to {write_markdown(out, markdown)}")
    return markdown


# ----------------------------------------------------------------- data, memory
# a bundled data set's train and test split (NaN-padded, as skseq loads it)
Data = namedtuple("Data", "name X_train y_train X_test y_test")


def load(name: str, size: int = 0, seed: int = 0) -> Data:
    """A bundled data set; ``size`` > 0 keeps a stratified subset per split."""
    from sklearn.model_selection import train_test_split

    from skseq.datasets import load_dataset

    parts, label = [], name
    for split in ("train", "test"):
        X, y = load_dataset(name, split=split)
        if 0 < size < len(y):
            label = f"{name} ({size}+{size} subset)"
            X, _, y, _ = train_test_split(
                X, y, train_size=size, stratify=y, random_state=seed
            )
        parts += [X, y]
    return Data(label, *parts)


def flatten(X) -> np.ndarray:
    """A panel as one row per series (for scikit-learn's tabular models)."""
    return np.reshape(X, (len(X), -1))


def _status_kb(key: str) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def rss_rise(fn) -> tuple[Any, float]:
    """``fn()`` and the rise of the peak resident set during it, in bytes
    (``VmHWM`` after minus ``VmRSS`` before, the peak reset first through
    ``/proc/self/clear_refs``; NaN where that fails: not Linux)."""
    import gc

    gc.collect()
    before = _status_kb("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts over
    except OSError:
        before = None
    result = fn()
    hwm = _status_kb("VmHWM")
    return result, (hwm - before) * 1024.0 if hwm and before else math.nan


# ----------------------------------------------------------------------- rows
class Rows:
    """A JSONL file of result rows, appended to as each job finishes."""

    def __init__(self, path, name: str = "rows") -> None:
        self.path, self.name = Path(path), name

    def read(self, log=print) -> list[dict]:
        """Every row (lines that do not parse are skipped, with a note)."""
        if not self.path.exists():
            return []
        rows, bad = [], 0
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                rows += [json.loads(line)] if line.strip() else []
            except json.JSONDecodeError:
                bad += 1
        if bad:
            note = f"skipped {bad} unreadable line(s) (a killed run?)"
            log(f"[{self.name}] {self.path}: {note}")
        return rows

    def append(self, row: dict) -> None:
        """One JSON line: one ``write`` under an exclusive lock, then fsync."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        as_json = json.dumps(row, default=lambda v: v.item())  # numpy scalars
        line = (as_json + "\n").encode()
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

    def run(self, jobs, key, done_key, run, args, show=(), log=print) -> list:
        """Run the jobs of shard ``args.shard`` whose ``key`` no successful row
        has (``done_key``), appending each row as it ends and logging its
        ``show`` values; start none after ``args.budget`` seconds."""
        jobs = shard(jobs, args.shard)
        done = {done_key(r) for r in self.read(log=log) if not r.get("error")}
        todo = [j for j in jobs if key(j) not in done]
        log(
            f"[{self.name}] shard {args.shard or '1/1'}: {len(jobs)} jobs, "
            f"{len(jobs) - len(todo)} already in {self.path}, {len(todo)} fits to do"
        )
        budget = math.inf if args.budget is None else args.budget
        new_rows, end = [], time.perf_counter() + budget
        for k, job in enumerate(todo, 1):
            if time.perf_counter() > end:
                left = len(todo) - k + 1
                log(f"[{self.name}] budget spent; {left} jobs left: rerun to go on")
                break
            new_rows.append(row := run(job))
            self.append(row)
            values = ", ".join(f"{c} {row[c]:.4g}" for c in show if c in row)
            log(f"[{self.name}] {k}/{len(todo)} {job}: {row.get('error') or values}")
        return new_rows


def shard(jobs, text: str | None) -> list:
    """Every n-th job of the plan (round-robin) for shard ``"i/n"`` (None: all)."""
    m = re.fullmatch(r"(\d+)/(\d+)", (text or "1/1").strip())
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise SystemExit(f"--shard takes i/n with 1 <= i <= n; got {text!r}.")
    return list(jobs[int(m[1]) - 1 :: int(m[2])])


# ------------------------------------------------------ skseq vs a hand loop
class _Started(Exception):
    """Raised once skseq has set the fit up, to stop it there."""


# what ``hand_fit`` leaves: the fitted skseq object, per-epoch losses, (wall,
# CPU) seconds per epoch and of the loop (skseq's set-up before it not counted)
HandFit = namedtuple("HandFit", "clf epoch_losses epoch_times fit_times")


def hand_fit(clf, X, y, epochs: int | None = None) -> HandFit:
    """Train ``clf``'s network in the loop a competent PyTorch user writes,
    after skseq's own ``fit`` set it up (``docs/benchmarks.rst``)."""
    import torch
    import torch.nn.functional as F
    from skorch.callbacks import Callback

    from skseq.callbacks import PreciseBatchNorm, WarmupCosineLR

    start: dict[str, Any] = {}

    class Capture(Callback):
        def on_train_begin(self, net, X=None, y=None, **kwargs):
            start.update(dataset=X, rng=torch.get_rng_state())
            raise _Started

    clf.set_params(callbacks=[*(clf.callbacks or []), ("hand_start", Capture())])
    with contextlib.suppress(_Started):
        clf.fit(X, y)
    epochs = clf.max_epochs if epochs is None else epochs
    net, data, clip = clf.module_, start["dataset"], clf.max_grad_norm
    losses, times, best = [], [], (math.inf, None)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    with torch.random.fork_rng(devices=[]):
        torch.set_rng_state(start["rng"])  # what skseq's fit trains with
        optimizer = torch.optim.AdamW(net.parameters(), lr=clf.lr)
        steps = max(1, epochs * math.ceil(len(data) / clf.batch_size))
        curve = WarmupCosineLR().factor
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda k: curve(max(k / steps, 1.0 / steps))
        )
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
                state = {k: v.detach().clone() for k, v in net.state_dict().items()}
                best = (losses[-1], state)
            times.append((time.perf_counter() - w0, time.process_time() - c0))
        if best[1] is not None:
            net.load_state_dict(best[1])
        PreciseBatchNorm().on_train_end(clf, X=data)
    net.eval()
    fit = (time.perf_counter() - wall0, time.process_time() - cpu0)
    return HandFit(clf, losses, times, fit)


def same_losses(a, b) -> str:
    """``train losses = skseq's (max diff …)`` or ``… differ from …``."""
    if not a or not b or len(a) != len(b):
        return "train losses not compared"
    diff = float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
    word = "=" if np.allclose(a, b, rtol=1e-4, atol=1e-6) else "differ from"
    return f"train losses {word} skseq's (max diff {diff:.1e})"
