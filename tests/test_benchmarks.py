"""Smoke tests of the benchmark scripts (benchmarks/), each in quick mode.

Every script's ``main`` runs in-process on its smallest setting and the
tables' rows and numbers are checked. Never asserts on speed: wall-clock
times on a shared machine are not test material.
"""

from __future__ import annotations

import argparse
import math
import os

import pytest
import torch


def _quiet(*args, **kwargs):
    pass


@pytest.fixture
def keep_threads():
    """main() pins threads, also through the environment: restore them after."""
    threads = torch.get_num_threads()
    with pytest.MonkeyPatch.context() as mp:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            mp.setenv(var, os.environ.get(var, ""))
            if not os.environ[var]:
                mp.delenv(var)
        yield
    torch.set_num_threads(threads)


# ------------------------------------------------------------- _harness.py
def test_hand_loop_does_skseq_arithmetic_on_bucketed_data(load_benchmark):
    # JapaneseVowels (lengths 7-29) is where skseq's default buckets by
    # length; the hand loop trains on the batches skseq's iterator draws, from
    # skseq's initial weights, and must reach the same losses and predictions
    harness = load_benchmark("_harness")
    from skseq.classifiers import GRUClassifier
    from skseq.datasets import load_dataset

    X, y = load_dataset("JapaneseVowels", split="train")
    X, y = X[::3], y[::3]
    params = {
        "max_epochs": 2,
        "batch_size": 16,
        "random_state": 3,
        "n_threads": 1,
        "module__hidden_size": 4,
    }
    clf = GRUClassifier(**params).fit(X, y)
    assert clf._bucketing()
    hand = harness.hand_fit(GRUClassifier(**params), X, y)
    losses = [float(v) for v in clf.history_[:, "train_loss"]]
    assert hand.epoch_losses == pytest.approx(losses, rel=1e-5)
    assert harness.same_losses(losses, hand.epoch_losses).startswith(
        "train losses = skseq's"
    )
    assert (hand.clf.predict(X) == clf.predict(X)).all()
    assert len(hand.epoch_times) == 2 and hand.fit_times[1] > 0


def test_harness_rows_shards_budget_and_tables(load_benchmark, tmp_path):
    harness = load_benchmark("_harness")
    rows = harness.Rows(tmp_path / "r.jsonl")
    rows.path.write_text('{"k": 0}\n{"k": 1, "tr')  # a line cut short by a kill
    rows.append({"k": 2, "error": None})
    rows.append({"k": 3, "error": "boom"})
    notes = []
    got = rows.read(log=notes.append)
    assert [r["k"] for r in got] == [0, 2, 3] and "1 unreadable" in notes[0]
    # Rows.run: the shard's jobs without a successful row, within the budget
    keys, run = (lambda j: (j,), lambda r: (r["k"],)), lambda j: {"k": j}
    args = argparse.Namespace(shard=None, budget=-1)  # spent before the first
    assert rows.run([0, 1, 2, 3], *keys, run, args, log=notes.append) == []
    args.budget = None
    new = rows.run([0, 1, 2, 3], *keys, run, args, log=notes.append)
    assert [r["k"] for r in new] == [1, 3]  # an error row is retried
    assert [r["k"] for r in rows.read()] == [0, 2, 3, 1, 3]
    args.shard = "2/3"
    assert [r["k"] for r in rows.run(range(4, 11), *keys, run, args)] == [5, 8]
    assert harness.shard(list(range(7)), "2/3") == [1, 4]
    with pytest.raises(SystemExit):
        harness.shard([], "3/2")
    s = harness.summarize([3.0, 1.0, float("nan"), 2.0])
    assert harness.fmt_range(s, 1, "×") == "2.0× [1.0–3.0]"
    assert harness.interleaved("abc", 1) == ["b", "c", "a"]
    text = harness.markdown_table(["a", "b"], [[1, "x|y"]])
    assert text.splitlines() == ["| a | b |", "|---|---|", "| 1 | x\\|y |"]
    head = harness.page("T", "python x.py")
    assert head[0] == "# T" and head[-1] == "- command: python x.py"
    env = harness.environment()
    assert env["cpu_capability"] == torch.backends.cpu.get_cpu_capability()


# ----------------------------------------------------------- bench_speed.py
def test_speed_contenders_ratios_and_same_arithmetic(
    load_benchmark, tmp_path, keep_threads
):
    # GunPoint (equal lengths) and a 12+12 PLAID subset (unequal: bucketed by
    # skseq, zero-padded for sktime); CNN has an sktime torch peer, CNN-LSTM none
    bench = load_benchmark("bench_speed")
    out = tmp_path / "speed.md"
    argv = [
        "--quick",
        "--datasets",
        "GunPoint",
        "PLAID",
        "--plaid-size",
        "12",
        "--models",
        "CNN",
        "CNN-LSTM",
        "--out",
        str(out),
    ]
    records = bench.main(argv, log=_quiet)["records"]
    assert [(r["dataset"], r["model"]) for r in records] == [
        ("GunPoint", "CNN"),
        ("GunPoint", "CNN-LSTM"),
        ("PLAID (12+12 subset)", "CNN"),
        ("PLAID (12+12 subset)", "CNN-LSTM"),
    ]
    for r in records:
        assert r["skseq_over_hand_epoch_cpu"] > 0 and r["skseq_over_hand_fit_cpu"] > 0
    by = {(r["dataset"], r["model"]): r for r in records}
    assert by[("PLAID (12+12 subset)", "CNN")]["skseq_over_sktime_epoch_cpu"] > 0
    assert math.isnan(by[("GunPoint", "CNN-LSTM")]["skseq_over_sktime_epoch_cpu"])
    text = out.read_text()
    assert "## Ratios" in text and "| GunPoint | CNN | sktime |" in text
    # the hand loop did skseq's arithmetic (same losses) on every row
    hand = [ln for ln in text.splitlines() if "| hand loop |" in ln]
    assert len(hand) == 4 and all("train losses = skseq's" in ln for ln in hand)
    assert "n/a: sktime 1.2 has no such classifier" in text


# --------------------------------------------------------------- run_all.py
def test_run_all_runs_each_script_and_summarises(load_benchmark, tmp_path):
    run_all = load_benchmark("run_all")
    table = (
        "# T\n\n- date: x\n- other\n\n## Seconds\n\n| a |\n|---|\n| 1 |\n\n"
        "## Ratios\n\n| r |\n|---|\n| 0.9× [0.8–1.0] |\n"
    )
    good = (
        "import sys\n"
        "out = sys.argv[sys.argv.index('--out') + 1]\n"
        "assert '--quick' in sys.argv\n"
        f"open(out, 'w', encoding='utf-8').write({table!r})\n"
    )
    (tmp_path / "bench_good.py").write_text(good)
    (tmp_path / "bench_bad.py").write_text("raise RuntimeError('boom')\n")
    (tmp_path / "helper.py").write_text("raise SystemExit('not a benchmark')\n")
    results = tmp_path / "res"
    argv = ["--quick", "--bench-dir", str(tmp_path), "--results", str(results)]
    outcomes = run_all.main(argv, log=lambda *a, **k: None)
    assert [(o.name, o.returncode) for o in outcomes] == [("bad", 1), ("good", 0)]
    summary = (results / "SUMMARY.md").read_text()
    assert "| good | ok |" in summary and "| bad | failed (exit 1) |" in summary
    assert "RuntimeError: boom" in summary
    assert "[good.md](good.md)" in summary and "- date: x" in summary
    # a script not in SUMMARY_SECTIONS contributes its first table
    assert "| a |" in summary and "0.9× [0.8–1.0]" not in summary
    run_all.SUMMARY_SECTIONS["good"] = ("Ratios",)
    try:
        run_all.write_summary(outcomes, results, quick=True)
    finally:
        del run_all.SUMMARY_SECTIONS["good"]
    summary = (results / "SUMMARY.md").read_text()
    assert "#### Ratios" in summary and "0.9× [0.8–1.0]" in summary
    assert "| a |" not in summary


# ----------------------------------------------------------- bench_quality.py
@pytest.fixture(scope="module")
def bench_quality(load_benchmark):
    return load_benchmark("bench_quality")


def test_quality_quick_rows_resume_and_shards(bench_quality, tmp_path):
    import json

    out = tmp_path / "quality.jsonl"
    argv = ["--quick", "--models", "LSTM", "--datasets", "ItalyPowerDemand"]
    argv += ["--out", str(out)]
    threads = torch.get_num_threads()
    # seeds 0 and 1 are jobs 1 and 2 of the plan: shard 2/2 fits seed 1 only
    result = bench_quality.main([*argv, "--seeds", "2", "--shard", "2/2"], log=_quiet)
    assert torch.get_num_threads() == threads  # one thread while fitting, restored
    assert [r["seed"] for r in result["rows"]] == [1]
    result = bench_quality.main(argv, log=_quiet)  # quick: one seed, 0
    assert [r["seed"] for r in result["rows"]] == [0]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["model"], r["dataset"], r["seed"]) for r in rows] == [
        ("LSTMClassifier", "ItalyPowerDemand", 1),
        ("LSTMClassifier", "ItalyPowerDemand", 0),
    ]
    for r in rows:
        assert r["quick"] and r["error"] is None and r["epochs"] == 2
        assert 0 <= r["train_accuracy"] <= 1 and 0 <= r["test_accuracy"] <= 1
        assert 0 <= r["test_macro_f1"] <= 1 and r["fit_seconds"] > 0
        assert r["test_majority_rate"] == pytest.approx(0.5015, abs=1e-4)
        assert math.isfinite(r["final_train_loss"]) and r["min_train_loss"] > 0
        assert r["failed"] == bench_quality.is_failed(
            r["train_accuracy"], r["test_accuracy"], r["test_majority_rate"]
        )
        assert r["cpu_capability"] == torch.backends.cpu.get_cpu_capability()
        assert r["aten_cpu_capability"] == os.environ.get("ATEN_CPU_CAPABILITY")
        assert r["torch_threads"] == 1 and r["cpu_model"] and r["torch_version"]
        assert r["skseq_version"] and len(r["defaults"]) == 12
    # resume: both seeds are done, nothing is fitted again
    again = bench_quality.main([*argv, "--seeds", "2"], log=_quiet)
    assert again["rows"] == [] and len(out.read_text().splitlines()) == 2
    table = out.with_suffix(".md").read_text()
    assert "| ItalyPowerDemand | LSTMClassifier | 2/2 |" in table
    assert "(quick smoke run)" in table
    # quick rows and real rows never share a file
    with pytest.raises(SystemExit, match="quick"):
        bench_quality.main(argv[1:], log=_quiet)


def test_quality_failed_rule(bench_quality):
    failed = bench_quality.is_failed
    assert failed(0.79, 0.99, 0.5)  # never fitted the training set
    assert failed(1.0, 0.6, 0.5)  # within 0.1 of the majority rate (boundary)
    assert failed(1.0, 0.3, 0.5)  # below it
    assert not failed(1.0, 0.61, 0.5) and not failed(None, 0.9, 0.5)
    assert failed(None, None, 0.5)


def _row(model, dataset, seed, acc, train=1.0, **extra):
    return {
        "model": model,
        "dataset": dataset,
        "seed": seed,
        "train_accuracy": train,
        "test_accuracy": acc,
        "test_macro_f1": acc - 0.01,
        "test_majority_rate": 0.5,
        "fit_seconds": 2.0,
        "epochs": 100,
        "failed": train is not None and train < 0.8 or acc <= 0.6,
        "error": None,
        "cpu_capability": "AVX2",
        "defaults": "d1",
        "date": "2026-01-01T00:00:00",
        **extra,
    }


def test_quality_table_failed_fits_and_superseded_rows(bench_quality):
    # a row of earlier defaults (rows are appended: older rows come first)
    rows = [_row("FCNClassifier", "ArrowHead", 0, 0.2, defaults="old")]
    for s in range(5):
        lstm = 0.5 if s == 1 else 0.98  # seed 1 collapsed onto one class
        rows.append(_row("LSTMClassifier", "GunPoint", s, lstm, 0.52 if s == 1 else 1))
        rows.append(_row("FCNClassifier", "GunPoint", s, 1.0))
        rows.append(_row("FCNClassifier", "ArrowHead", s, 0.85))
    # rows of the MiniRocket reference and the demo (removed in issue 17) stay
    # in old files: not tabled
    rows += [_row("MiniRocket", "GunPoint", 0, 0.99, epochs=None)]
    rows += [_row("demo", "GunPoint", 0, 0.98, None)]
    models = ["LSTMClassifier", "GRUClassifier", "FCNClassifier"]
    text = bench_quality.render(rows, "x.jsonl", ["GunPoint", "ArrowHead"], models)
    # 1 of the 15 current fits failed; 2 data sets x 3 models x 5 seeds planned
    assert "1 of 15 fits failed (30 planned): LSTMClassifier on GunPoint: 1/5" in text
    cells = "5/5 | 0.500 | 0.884 | 0.490 | 0.874 | 2.0 | 100 | 1 |"
    assert f"| GunPoint | LSTMClassifier | {cells}" in text
    assert "| ArrowHead | GRUClassifier | 0/5 | – |" in text
    # the row of earlier defaults is left out, and the table says so
    assert "| ArrowHead | FCNClassifier | 5/5 | 0.850 |" in text
    assert "1 row(s) fitted under earlier defaults ignored (FCNClassifier)" in text
    assert "| MiniRocket |" not in text and "| demo |" not in text
    # rows of another CPU capability get their own sections
    other = [_row("FCNClassifier", "GunPoint", 0, 1.0, cpu_capability="DEFAULT")]
    text = bench_quality.render(rows + other, "x.jsonl", ["GunPoint"], models)
    assert "## [AVX2] Failed fits" in text and "## [DEFAULT] Failed fits" in text
    assert "| GunPoint | FCNClassifier | 1/5 | 1.000 |" in text


# ------------------------------------------- bench_model_selection.py, windows
def test_model_selection_quick_run(load_benchmark, tmp_path, keep_threads):
    bench = load_benchmark("bench_model_selection")
    out = tmp_path / "ms.md"
    result = bench.main(["--quick", "--out", str(out)], log=_quiet)
    assert [(r.model, r.seed) for r in result["rows"]] == [
        ("GRU", 0),
        ("LogisticRegression", 0),
    ]
    for r in result["rows"]:
        for key in ("argmax", "balanced", "prior", "weights"):
            assert 0 <= getattr(r, key) <= 1
    text = out.read_text()
    assert "## Multi-class threshold gain" in text
    assert text.count("| 0 | ") == 2  # the rows of seed 0
    assert "| **GRU mean** |" in text and "| **LogisticRegression mean** |" in text


def test_windows_quick_run_reports_every_phase(load_benchmark, tmp_path, keep_threads):
    bench = load_benchmark("bench_windows")
    out = tmp_path / "w.md"
    text = bench.main(["--steps", "200000", "--repeats", "1", "--out", str(out)])
    assert out.read_text().rstrip() == text.rstrip()
    for phase in (
        "make_windows(label='last')",
        "materialise all windows",
        "WindowedClassifier.predict_proba",
    ):
        assert f"| {phase}" in text
