"""Run every benchmark in ``benchmarks/`` and write one summary.

Each ``bench_*.py`` script runs in its own Python process (one after the
other, never side by side: they time things), with ``--out`` pointing at
``<results>/<name>.md``; ``--quick`` is passed on for a smoke run, whose tables
go to ``benchmarks/results/quick/`` so they never overwrite the real ones.
Then ``<results>/SUMMARY.md`` collects, per script: whether it ran, how long
it took, a link to its full table, the run's environment lines and its
summary tables (medians and min–max over the repeats, as every script
reports them). A script that fails or times out is listed with the end of its
error output; the others still run. ``bench_quality.py`` (hours, resumable)
gets a time budget (``EXTRA_ARGS``): each call advances it by ~30 min and its
table shows how far it got.

Run from the repository root::

    python benchmarks/run_all.py               # everything, ~1.5 h on 2 shared cores
    python benchmarks/run_all.py --quick       # smoke run of every script
    python benchmarks/run_all.py --only speed windows
    python benchmarks/run_all.py --summarize-only   # SUMMARY.md from the tables there
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import HERE, load_average  # noqa: E402

# Which "## " sections of a script's table make its summary (substrings of the
# heading, case-insensitive); None = every section. A script not listed here
# contributes its first table.
SUMMARY_SECTIONS: dict[str, Sequence[str] | None] = {
    "speed": ("Ratios", "bucketing", "memory", "Serving"), "windows": None,
    "imbalance": ("Best remedy", "Each remedy"), "model_selection": None,
    "quality": ("Targets", "Per data set", "Demo")}

# Extra arguments per script (full run, quick run). bench_quality.py takes
# hours but resumes: each run_all call advances it by a time budget that
# leaves room for the fit running when the budget ends.
EXTRA_ARGS: dict[str, tuple[Sequence[str], Sequence[str]]] = {
    "quality": (("--budget", "1800"), ("--budget", "300")),
}


@dataclass
class Outcome:
    name: str
    script: Path
    out: Path
    returncode: int | None  # None: timed out
    seconds: float  # NaN: not run now (--summarize-only)
    stderr_tail: str = ""


def discover(bench_dir: Path, only: Sequence[str] | None = None) -> list[Path]:
    """The ``bench_*.py`` scripts in ``bench_dir`` (optionally some of them)."""
    scripts = sorted(bench_dir.glob("bench_*.py"))
    if only:
        wanted = {n.removeprefix("bench_").removesuffix(".py") for n in only}
        unknown = wanted - {_name(p) for p in scripts}
        if unknown:
            raise SystemExit(
                f"No benchmark named {sorted(unknown)}; found "
                f"{[_name(p) for p in scripts]}."
            )
        scripts = [p for p in scripts if _name(p) in wanted]
    return scripts


def _name(script: Path) -> str:
    return script.stem.removeprefix("bench_")


def run_one(
    script: Path, results: Path, quick: bool, timeout: float | None,
    extra: Sequence[str] = (), log=print) -> Outcome:
    """Run one script in a fresh interpreter; its table goes to ``results``."""
    out = results / f"{_name(script)}.md"
    cmd = [sys.executable, str(script), "--out", str(out), *extra]
    if quick:
        cmd.insert(2, "--quick")
    log(f"[run_all] {' '.join(cmd)}")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            timeout=timeout, env=env, cwd=Path.cwd())
        code, err = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code = None
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr
    seconds = time.perf_counter() - t0
    tail = "\n".join((err or "").strip().splitlines()[-15:]) if code != 0 else ""
    status = "ok" if code == 0 else ("timed out" if code is None else f"exit {code}")
    log(f"[run_all] {_name(script)}: {status} in {seconds:.0f} s")
    return Outcome(_name(script), script, out, code, seconds, tail)


def split_sections(markdown: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The bullet lines before the first ``## `` heading, and (heading, body)
    for every ``## `` section (body without the heading line)."""
    head, sections = [], []
    current: tuple[str, list[str]] | None = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            if current:
                sections.append((current[0], "\n".join(current[1]).strip()))
            current = (line[3:].strip(), [])
        elif current is None:
            if line.startswith("- "):
                head.append(line)
        else:
            current[1].append(line)
    if current:
        sections.append((current[0], "\n".join(current[1]).strip()))
    return head, sections


def first_table(text: str) -> str:
    """The first Markdown table in ``text`` ('' if none)."""
    lines, table = text.splitlines(), []
    for line in lines:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    return "\n".join(table)


def summary_of(name: str, markdown: str) -> str:
    """The summary part of one script's table (see ``SUMMARY_SECTIONS``)."""
    head, sections = split_sections(markdown)
    keep = [ln for ln in head if re.match(r"- (date|machine|command)", ln)]
    parts = ["\n".join(keep)] if keep else []
    wanted = SUMMARY_SECTIONS.get(name, ())
    chosen = [
        (h, body)
        for h, body in sections
        if wanted is None or any(w.lower() in h.lower() for w in wanted)
    ]
    if chosen:
        for h, body in chosen:
            parts.append(f"#### {h}\n\n{body}")
    else:
        table = first_table(markdown)
        if table:
            parts.append(table)
    return "\n\n".join(parts)


def write_summary(outcomes: Sequence[Outcome], results: Path, quick: bool) -> Path:
    """``results/SUMMARY.md``: status, time, link and summary of every script."""
    load = load_average()
    collected = bool(outcomes) and all(o.seconds != o.seconds for o in outcomes)
    lines = [
        "# Benchmark summary" + (" (quick smoke run)" if quick else ""),
        "",
        f"- written {_dt.datetime.now().isoformat(timespec='seconds')} by "
        f"`python benchmarks/run_all.py{' --quick' if quick else ''}"
        f"{' --summarize-only' if collected else ''}`"
        f"{' (tables collected from their runs, dates below)' if collected else ''}, "
        f"{os.cpu_count()} logical cores, load average at the end {load}",
        "- every timing cell is a median [min–max] over interleaved repeats; "
        "read ratios (same run, same machine state), not absolute seconds",
        "",
        "| benchmark | status | wall time | full table |",
        "|---|---|---|---|",
    ]
    for o in outcomes:
        status = (
            "ok"
            if o.returncode == 0
            else (
                "timed out" if o.returncode is None else f"failed (exit {o.returncode})"
            )
        )
        took = f"{o.seconds:.0f} s"
        if o.seconds != o.seconds:  # NaN: an existing table, not re-run
            status = "existing table" if o.out.exists() else "no table yet"
            took = "not re-run"
        link = f"[{o.out.name}]({o.out.name})" if o.out.exists() else "–"
        lines.append(f"| {o.name} | {status} | {took} | {link} |")
    own = {o.out.name for o in outcomes} | {"SUMMARY.md"}
    others = sorted(p.name for p in results.glob("*.md") if p.name not in own)
    if others:
        # extra runs kept beside the scripts' own tables (other settings, profiles)
        lines += ["", "Other tables here: " + ", ".join(f"[{n}]({n})" for n in others)]
    for o in outcomes:
        lines += ["", f"## {o.name} (`{o.script.name}`)", ""]
        if o.returncode != 0:
            lines += ["Did not finish; end of its error output:", "", "```"]
            lines += [o.stderr_tail or "(nothing on stderr)", "```"]
            continue
        if not o.out.exists():
            lines.append("No table written.")
            continue
        lines.append(summary_of(o.name, o.out.read_text(encoding="utf-8")))
    path = results / "SUMMARY.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run of every script")
    p.add_argument("--only", nargs="+", default=None, help="e.g. speed windows")
    p.add_argument(
        "--results", default=None,
        help="folder for the tables (benchmarks/results, or .../quick with --quick)")
    p.add_argument(
        "--timeout", type=float, default=None,
        help="seconds per script (default 3600; 900 with --quick)")
    p.add_argument(
        "--summarize-only", action="store_true",
        help="run nothing; write SUMMARY.md from the tables already in --results")
    p.add_argument("--bench-dir", default=str(HERE), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None, log=print) -> list[Outcome]:
    args = parse_args(argv)
    bench_dir = Path(args.bench_dir)
    results = Path(
        args.results
        or (bench_dir / "results" / "quick" if args.quick else bench_dir / "results")
    )
    timeout = args.timeout or (900.0 if args.quick else 3600.0)
    results.mkdir(parents=True, exist_ok=True)
    if args.summarize_only:
        outcomes = [
            Outcome(_name(p), p, results / f"{_name(p)}.md", 0, float("nan"))
            for p in discover(bench_dir, args.only)
        ]
    else:
        outcomes = [
            run_one(
                script, results, args.quick, timeout,
                extra=EXTRA_ARGS.get(_name(script), ((), ()))[args.quick], log=log)
            for script in discover(bench_dir, args.only)
        ]
    path = write_summary(outcomes, results, args.quick)
    log(f"[run_all] summary written to {path}")
    return outcomes


if __name__ == "__main__":
    outcomes = main()
    sys.exit(0 if all(o.returncode == 0 for o in outcomes) else 1)
