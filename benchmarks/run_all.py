"""Run every benchmark in ``benchmarks/`` and write one summary.

Each ``bench_*.py`` runs in its own process with ``--out <results>/<name>.md``;
``<results>/SUMMARY.md`` then gathers their status and summary sections
(``docs/benchmarks.rst``). ::

    python benchmarks/run_all.py               # everything, ~1.5 h on 2 shared cores
    python benchmarks/run_all.py --quick       # smoke run of every script
    python benchmarks/run_all.py --only speed windows
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

# "## " sections (substrings of the heading) that make a script's summary;
# None: all of them; a script not named: its first table
SUMMARY_SECTIONS = {
    "speed": ("Ratios",),
    "imbalance": ("Each remedy",),
    "quality": ("Failed fits",),
    "windows": None,
    "model_selection": None,
}
# extra arguments per script: (full run, quick run); the resumable ones (hours
# in full) get a time budget
EXTRA_ARGS = {
    "quality": ("--budget 1800", "--budget 300"),
    "automl": (
        "--budget 1800",
        "--datasets ItalyPowerDemand --ratios 10 --seeds 1 --fit-budget 25",
    ),
}


# one script's run; returncode None: timed out
Outcome = namedtuple("Outcome", "name script out returncode status seconds stderr_tail")


def run_one(script: Path, results: Path, quick: bool, timeout, log=print) -> Outcome:
    """Run one script in a fresh interpreter; its table goes to ``results``."""
    name = script.stem.removeprefix("bench_")
    out = results / f"{name}.md"
    cmd = [sys.executable, str(script), *(["--quick"] if quick else [])]
    cmd += ["--out", str(out), *EXTRA_ARGS.get(name, ("", ""))[quick].split()]
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
    status = {None: "timed out", 0: "ok"}.get(code, f"failed (exit {code})")
    seconds = time.perf_counter() - t0
    log(f"[run_all] {name}: {status} in {seconds:.0f} s")
    return Outcome(name, script, out, code, status, seconds, tail)


def summary_of(name: str, markdown: str) -> str:
    """The header lines and the summary sections of one script's table."""
    head, *sections = markdown.split("\n## ")
    parts = ["\n".join(re.findall(r"(?m)^- (?:date|machine|command).*", head))]
    wanted = SUMMARY_SECTIONS.get(name, ())
    for heading, _, body in (s.partition("\n") for s in sections):
        if wanted is None or any(w.lower() in heading.lower() for w in wanted):
            parts.append(f"#### {heading.strip()}\n\n{body.strip()}")
    if len(parts) == 1:  # no section chosen: the first table
        parts += [t.strip() for t in re.findall(r"(?m)(?:^\|.*\n?)+", markdown)[:1]]
    return "\n\n".join(p for p in parts if p)


def write_summary(outcomes: list[Outcome], results: Path, quick: bool) -> Path:
    """``results/SUMMARY.md``: status, time, link and summary of every script."""
    lines = [
        "# Benchmark summary" + (" (quick smoke run)" if quick else ""),
        "",
        f"- written {H.now()} by `python benchmarks/run_all.py"
        f"{' --quick' * quick}`, {os.cpu_count()} logical cores, "
        f"load average at the end {H.load_average()}",
        "- every timing cell is a median [min–max] over interleaved repeats; "
        "read ratios (same run, same machine state), not absolute seconds",
        "",
    ]
    rows = [
        [o.name, o.status, f"{o.seconds:.0f} s"]
        + [f"[{o.out.name}]({o.out.name})" if o.out.exists() else "–"]
        for o in outcomes
    ]
    lines.append(H.markdown_table("benchmark | status | wall time | full table", rows))
    for o in outcomes:
        lines += ["", f"## {o.name} (`{o.script.name}`)", ""]
        if o.returncode != 0:
            error = o.stderr_tail or "(nothing on stderr)"
            lines.append(
                f"Did not finish; end of its error output:\n\n```\n{error}\n```"
            )
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
    scripts = {s.stem.removeprefix("bench_"): s for s in bench_dir.glob("bench_*.py")}
    wanted = {n.removeprefix("bench_").removesuffix(".py") for n in args.only or ()}
    if wanted - set(scripts):
        raise SystemExit(f"No benchmark named {sorted(wanted)}; found {[*scripts]}.")
    scripts = [scripts[n] for n in sorted(wanted or scripts)]
    timeout = args.timeout or (900.0 if args.quick else 3600.0)
    outcomes = [run_one(s, results, args.quick, timeout, log) for s in scripts]
    log(f"[run_all] summary written to {write_summary(outcomes, results, args.quick)}")
    return outcomes


if __name__ == "__main__":
    outcomes = main()
    sys.exit(0 if all(o.returncode == 0 for o in outcomes) else 1)
