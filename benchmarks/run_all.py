"""Run every benchmark in ``benchmarks/`` and write one summary.

Each ``bench_*.py`` runs in its own process, one after the other, with
``--out <results>/<name>.md`` (``--quick`` passed on; quick tables go to
``results/quick/``). ``<results>/SUMMARY.md`` then lists per script its
status, wall time, table and summary sections (``SUMMARY_SECTIONS``; the
first table of any other script), or the end of its error output. The
resumable scripts get a time budget (``EXTRA_ARGS``). ::

    python benchmarks/run_all.py               # everything, ~1.5 h on 2 shared cores
    python benchmarks/run_all.py --quick       # smoke run of every script
    python benchmarks/run_all.py --only speed windows
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

# "## " sections (substrings of the heading) that make a script's summary;
# None: all of them
SUMMARY_SECTIONS = {
    "speed": ("Ratios",),
    "imbalance": ("Each remedy",),
    "quality": ("Failed fits",),
    "windows": None,
    "model_selection": None,
}
# extra arguments per script: (full run, quick run)
EXTRA_ARGS = {
    "quality": (("--budget", "1800"), ("--budget", "300")),
    # hours in full (36 searches of 5 min): a budget, like quality's
    "automl": (
        ("--budget", "1800"),
        tuple(
            "--datasets ItalyPowerDemand --ratios 10 --seeds 1 --fit-budget 25".split()
        ),
    ),
}


@dataclass
class Outcome:
    name: str
    script: Path
    out: Path
    returncode: int | None  # None: timed out
    seconds: float
    stderr_tail: str = ""

    @property
    def status(self) -> str:
        if self.returncode is None:
            return "timed out"
        return "ok" if self.returncode == 0 else f"failed (exit {self.returncode})"


def _name(script: Path) -> str:
    return script.stem.removeprefix("bench_")


def run_one(script: Path, results: Path, quick: bool, timeout, log=print) -> Outcome:
    """Run one script in a fresh interpreter; its table goes to ``results``."""
    out = results / f"{_name(script)}.md"
    extra = EXTRA_ARGS.get(_name(script), ((), ()))[quick]
    cmd = [sys.executable, str(script), *(["--quick"] if quick else [])]
    cmd += ["--out", str(out), *extra]
    log(f"[run_all] {' '.join(cmd)}")
    t0, env = time.perf_counter(), {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        pipes = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
        proc = subprocess.run(cmd, text=True, timeout=timeout, env=env, **pipes)
        code, err = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code = None
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr
    tail = "\n".join((err or "").strip().splitlines()[-15:]) if code != 0 else ""
    o = Outcome(_name(script), script, out, code, time.perf_counter() - t0, tail)
    log(f"[run_all] {o.name}: {o.status} in {o.seconds:.0f} s")
    return o


def summary_of(name: str, markdown: str) -> str:
    """The header lines and the summary sections of one script's table."""
    head, *sections = markdown.split("\n## ")
    head = [ln for ln in head.splitlines() if re.match(r"- (date|machine|command)", ln)]
    wanted = SUMMARY_SECTIONS.get(name, ())
    parts = ["\n".join(head)] if head else []
    for h, body, *_ in (s.split("\n", 1) + [""] for s in sections):
        if wanted is None or any(w.lower() in h.lower() for w in wanted):
            parts.append(f"#### {h.strip()}\n\n{body.strip()}")
    if len(parts) == len(head[:1]):  # no section chosen: the first table
        table = re.search(r"(?m)(^\|.*\n?)+", markdown)
        parts += [table.group(0).strip()] if table else []
    return "\n\n".join(parts)


def write_summary(outcomes: list[Outcome], results: Path, quick: bool) -> Path:
    """``results/SUMMARY.md``: status, time, link and summary of every script."""
    flags = " --quick" if quick else ""
    lines = [
        "# Benchmark summary" + (" (quick smoke run)" if quick else ""),
        "",
        f"- written {_dt.datetime.now().isoformat(timespec='seconds')} by "
        f"`python benchmarks/run_all.py{flags}`, {os.cpu_count()} logical cores, "
        f"load average at the end {H.load_average()}",
        "- every timing cell is a median [min–max] over interleaved repeats; "
        "read ratios (same run, same machine state), not absolute seconds",
        "",
    ]
    rows = []
    for o in outcomes:
        link = f"[{o.out.name}]({o.out.name})" if o.out.exists() else "–"
        rows.append([o.name, o.status, f"{o.seconds:.0f} s", link])
    lines.append(H.markdown_table("benchmark | status | wall time | full table", rows))
    for o in outcomes:
        lines += ["", f"## {o.name} (`{o.script.name}`)", ""]
        if o.returncode != 0:
            error = o.stderr_tail or "(nothing on stderr)"
            lines += [
                "Did not finish; end of its error output:",
                "",
                "```",
                error,
                "```",
            ]
        elif not o.out.exists():
            lines.append("No table written.")
        else:
            lines.append(summary_of(o.name, o.out.read_text(encoding="utf-8")))
    return H.write_markdown(results / "SUMMARY.md", "\n".join(lines))


def main(argv: list[str] | None = None, log=print) -> list[Outcome]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run of every script")
    p.add_argument("--only", nargs="+", help="e.g. speed windows")
    p.add_argument("--results", help="(benchmarks/results, .../quick with --quick)")
    p.add_argument("--timeout", type=float, help="s per script (3600; 900 --quick)")
    p.add_argument("--bench-dir", default=str(H.HERE), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    bench_dir = Path(args.bench_dir)
    results = Path(args.results or bench_dir / "results" / ("quick" * args.quick))
    results.mkdir(parents=True, exist_ok=True)
    scripts = sorted(bench_dir.glob("bench_*.py"))
    wanted = {n.removeprefix("bench_").removesuffix(".py") for n in args.only or ()}
    if wanted - {_name(s) for s in scripts}:
        names = [_name(s) for s in scripts]
        raise SystemExit(f"No benchmark named {sorted(wanted)}; found {names}.")
    scripts = [s for s in scripts if not wanted or _name(s) in wanted]
    timeout = args.timeout or (900.0 if args.quick else 3600.0)
    outcomes = [run_one(s, results, args.quick, timeout, log) for s in scripts]
    log(f"[run_all] summary written to {write_summary(outcomes, results, args.quick)}")
    return outcomes


if __name__ == "__main__":
    outcomes = main()
    sys.exit(0 if all(o.returncode == 0 for o in outcomes) else 1)
