"""benchmarks/bench_automl.py runs, resumes and writes its table (smoke run)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("optuna")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_automl.py"


def _run(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout


def test_smoke_run_resumes_and_tabulates(tmp_path):
    out = tmp_path / "automl.jsonl"
    common = [
        "--quick",
        "--datasets",
        "ItalyPowerDemand",
        "--ratios",
        "10",
        "--seeds",
        "1",
        "--fit-budget",
        "40",
        "--out",
        str(out),
    ]
    log = _run(*common)
    assert "3 fits to do" in log
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["contender"] for r in rows} == {"minirocket", "fcn", "auto"}
    assert [r["error"] for r in rows] == [None, None, None]
    auto = next(r for r in rows if r["contender"] == "auto")
    assert auto["fit_seconds"] <= 1.1 * 40 + 5  # budget + data loading/predict
    assert 0 <= auto["macro_f1"] <= 1 and auto["chosen"]
    assert all(r["n_minority"] < r["n_train"] / 5 for r in rows)
    # a rerun finds nothing to do; the table names every contender
    assert "0 fits to do" in _run(*common)
    table = out.with_suffix(".md").read_text()
    assert "| ItalyPowerDemand | 10:1 |" in table
    assert "Mean gain of auto over MiniRocket" in table
