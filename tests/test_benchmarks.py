"""Smoke test of the RNN speed benchmark (benchmarks/bench_rnn.py).

Runs the benchmark's ``main`` in-process on the smallest setting (one data set,
one epoch, one repeat) and checks the table's rows and numbers. Never asserts
on speed: wall-clock times on a shared machine are not test material.
"""

from __future__ import annotations

import math
import os

import pytest
import torch


@pytest.fixture(scope="module")
def bench_rnn(load_benchmark):
    return load_benchmark("bench_rnn")


@pytest.fixture(scope="module")
def quick_run(bench_rnn, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "rnn.md"
    argv = [
        "--quick",
        "--datasets",
        "ItalyPowerDemand",
        "--epochs",
        "1",
        "--repeats",
        "1",
        "--hidden-size",
        "8",
        "--out",
        str(out),
    ]
    threads = torch.get_num_threads()
    # main() pins threads through the environment too; leave this process as found
    with pytest.MonkeyPatch.context() as mp:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            mp.setenv(var, os.environ.get(var, ""))
            if not os.environ[var]:
                mp.delenv(var)
        result = bench_rnn.main(argv, log=lambda *a, **k: None)
    torch.set_num_threads(threads)
    return result, out


def test_table_has_every_contender_row(quick_run):
    result, out = quick_run
    keys = [
        (c.dataset, c.model, c.contender)
        for cells in result["cells"]
        for c in cells.values()
    ]
    assert sorted(keys) == sorted(
        ("ItalyPowerDemand", m, c)
        for m in ("LSTM", "GRU")
        for c in ("skseq", "hand loop", "sktime")
    )
    text = out.read_text()
    for model in ("LSTM", "GRU"):
        for contender in ("skseq", "hand loop", "sktime"):
            assert f"| ItalyPowerDemand | {model} | {contender} |" in text
    assert "## Ratios" in text and "## Seconds per epoch" in text


def test_times_and_ratios_are_finite_and_positive(quick_run):
    result, _ = quick_run
    for cells in result["cells"]:
        for contender in ("skseq", "hand loop"):
            cell = cells[contender]
            assert len(cell.wall) == 1 and len(cell.cpu) == 1
            assert all(math.isfinite(t) and t > 0 for t in cell.wall)
            assert 0.0 <= cell.accuracy <= 1.0
    gru = next(c for c in result["cells"] if c["skseq"].model == "GRU")
    assert gru["sktime"].wall and gru["sktime"].wall[0] > 0  # sktime has a torch GRU
    lstm = next(c for c in result["cells"] if c["skseq"].model == "LSTM")
    assert not lstm["sktime"].wall and "no torch LSTM" in lstm["sktime"].note
    for rec in result["ratios"]:
        assert math.isfinite(rec["skseq_over_hand_wall"])
        assert rec["skseq_over_hand_wall"] > 0
    ratios = {r["model"]: r for r in result["ratios"]}
    assert math.isfinite(ratios["GRU"]["skseq_over_sktime_wall"])
    assert math.isnan(ratios["LSTM"]["skseq_over_sktime_wall"])


def test_hand_loop_does_the_same_arithmetic_as_skseq(quick_run):
    # the timing comparison is only fair if both loops train identically
    # (if skseq changes how it derives seeds from random_state, update
    # _common.skseq_seeds so the hand loop draws the same weights and batches)
    result, _ = quick_run
    for cells in result["cells"]:
        assert cells["skseq"].epoch_losses == pytest.approx(
            cells["hand loop"].epoch_losses, rel=1e-4
        ), "hand loop no longer mirrors skseq's initial weights / batch order"
        assert cells["hand loop"].note.startswith("train losses = skseq's")


def test_hand_loop_padding_matches_skseq_lengths(bench_rnn):
    # NaN-padded arrays and ragged lists give the same zero-padded tensor
    import numpy as np

    from skseq.utils.validation import check_panel

    ragged = [np.arange(6.0).reshape(2, 3), np.ones((2, 5)), np.full((2, 1), 7.0)]
    x_list, len_list = bench_rnn.pad_zeros(ragged)
    padded, lengths = check_panel(ragged, return_lengths=True)
    x_arr, len_arr = bench_rnn.pad_zeros(padded)
    assert len_list.tolist() == len_arr.tolist() == list(lengths) == [3, 5, 1]
    assert np.array_equal(x_list.numpy(), x_arr.numpy())
    assert not np.isnan(x_arr.numpy()).any()


def test_hand_loop_mirrors_length_bucketing_on_unequal_lengths(bench_rnn):
    # JapaneseVowels (lengths 7-29) is where skseq's default buckets by length;
    # the hand loop must then draw the same batches, and the plain loop must not
    data = bench_rnn.load_dataset("JapaneseVowels")
    assert not data.equal_length and bench_rnn._padding_fraction(data) > 0.3
    cfg = bench_rnn.Config(epochs=2, hidden_size=4)
    skseq = bench_rnn.fit_skseq("GRU", data, cfg, 2).epoch_losses
    hand = bench_rnn.fit_hand_loop("GRU", data, cfg, 2).epoch_losses
    plain = bench_rnn.fit_hand_loop("GRU", data, cfg, 2, bucket=False).epoch_losses
    assert hand == pytest.approx(skseq, rel=1e-4)
    assert plain != pytest.approx(skseq, rel=1e-4)


# --------------------------------------------------------------- bench_zoo.py
@pytest.fixture(scope="module")
def zoo_run(load_benchmark, tmp_path_factory):
    # GunPoint (equal length) and a 12+12 PLAID subset (ragged list, zero-padded
    # for sktime); CNN has an sktime torch peer, CNN-LSTM has none
    bench_zoo = load_benchmark("bench_zoo")
    out = tmp_path_factory.mktemp("bench") / "zoo.md"
    argv = ["--quick", "--datasets", "GunPoint", "PLAID", "--plaid-size", "12"]
    argv += ["--models", "CNN", "CNN-LSTM", "--out", str(out)]
    return bench_zoo, bench_zoo.main(argv, log=lambda *a, **k: None), out


def test_zoo_table_rows_ratios_and_same_arithmetic(zoo_run):
    bench_zoo, result, out = zoo_run
    assert [(c["skseq"].dataset, c["skseq"].model) for c in result["cells"]] == [
        ("GunPoint", "CNN"),
        ("GunPoint", "CNN-LSTM"),
        ("PLAID (12+12 subset)", "CNN"),
        ("PLAID (12+12 subset)", "CNN-LSTM"),
    ]
    for cells in result["cells"]:
        for name in ("skseq", "hand loop"):
            cell = cells[name]
            assert len(cell.cpu) == len(cell.fit_cpu) == len(cell.accuracy) == 1
            assert cell.cpu[0] > 0 and cell.fit_cpu[0] > 0
            assert 0.0 <= cell.accuracy[0] <= 1.0
        # the hand loop trains the same weights on the same batches as skseq
        assert cells["skseq"].losses[0] == pytest.approx(
            cells["hand loop"].losses[0], rel=1e-4
        )
        assert cells["hand loop"].note.startswith("train losses = skseq's")
    cnn_plaid, lstm_plaid = result["cells"][2], result["cells"][3]
    assert cnn_plaid["sktime"].cpu and "zero-padded to" in cnn_plaid["sktime"].note
    assert not lstm_plaid["sktime"].cpu and lstm_plaid["sktime"].note.startswith("n/a")
    by_model = {(r["dataset"], r["model"]): r for r in result["ratios"]}
    assert by_model[("GunPoint", "CNN")]["skseq_over_sktime_epoch_cpu"] > 0
    assert math.isnan(by_model[("GunPoint", "CNN-LSTM")]["skseq_over_sktime_epoch_cpu"])
    assert all(r["skseq_over_hand_fit_cpu"] > 0 for r in result["ratios"])
    text = out.read_text()
    assert "## Ratios" in text and "| GunPoint | CNN | sktime |" in text


def test_zoo_hand_loop_padding_and_plaid_subset(zoo_run):
    import numpy as np

    bench_zoo = zoo_run[0]
    ragged = [np.arange(6.0).reshape(2, 3), np.ones((2, 5))]
    x, lengths = bench_zoo.pad_zeros(ragged)
    assert lengths.tolist() == [3, 5] and x.shape == (2, 2, 5)
    assert float(x[0, :, 3:].abs().sum()) == 0.0
    data = bench_zoo.load_plaid(size=12, seed=0)
    assert len(data.X_train) == len(data.y_train) == 12 and not data.equal_length
    train, test = bench_zoo.zero_padded(data)
    assert train.shape == (12, 1, data.max_length) == (12, *test.shape[1:])
    assert all(
        train[i, 0, : a.shape[1]].tolist() == a[0].tolist()
        for i, a in enumerate(data.X_train)
    )


# ------------------------------------------------------------- bench_speed.py
def test_speed_sections_run_and_report(load_benchmark, tmp_path):
    # every section but compile (torch.compile takes minutes on 2 cores)
    bench_speed = load_benchmark("bench_speed")
    s = bench_speed.Settings(
        epochs=1,
        repeats=1,
        plaid_size=12,
        bucket_models=("CNN",),
        recording_steps=5_000,
        window_length=64,
        window_step=16,
        thread_epochs=1,
        thread_models=("CNN",),
        overhead_models=("CNN",),
        overhead_datasets=("ItalyPowerDemand",),
        overhead_epochs=1,
        serving_models=("CNN",),
        serving_singles=3,
    )
    quiet = lambda *a, **k: None  # noqa: E731
    text, rec = bench_speed.bench_bucketing(s, log=quiet)
    assert rec["CNN"]["epoch_ratio_cpu"] > 0 and "bucket_by_length" in text
    text, rec = bench_speed.bench_inference(s, log=quiet)
    assert all(v > 0 for v in rec.values()) and "windows/s" in text
    text, rec = bench_speed.bench_threads(s, log=quiet)
    assert set(rec) == {"CNN, busy=False", "CNN, busy=True"}
    assert all(v > 0 for v in rec.values())
    text, rec = bench_speed.bench_overhead(s, log=quiet)
    assert rec["ItalyPowerDemand/CNN"]["fit_cpu"] > 0
    assert text.count("| CNN |") == 1
    assert "| yes |" in text  # same training losses as the hand loop
    pytest.importorskip("onnxruntime")
    text, rec = bench_speed.bench_serving(s, log=quiet)
    assert set(rec) == {"CNN/batch 1", "CNN/batch 256"}
    assert all(v > 0 for v in rec.values()) and "onnxruntime series/s" in text


def test_speed_busy_core_starts_and_stops_a_process(load_benchmark):
    import multiprocessing

    bench_speed = load_benchmark("bench_speed")
    before = set(multiprocessing.active_children())
    with bench_speed.busy_core(True):
        spinning = set(multiprocessing.active_children()) - before
        assert len(spinning) == 1 and next(iter(spinning)).is_alive()
    assert not next(iter(spinning)).is_alive()
    with bench_speed.busy_core(False):
        assert set(multiprocessing.active_children()) == before


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
    # --summarize-only runs nothing and collects the tables that are there
    (results / "SUMMARY.md").unlink()
    argv = ["--summarize-only", "--bench-dir", str(tmp_path), "--results", str(results)]
    run_all.main(argv, log=lambda *a, **k: None)
    summary = (results / "SUMMARY.md").read_text()
    assert "| good | existing table | not re-run |" in summary
    assert "| bad | no table yet | not re-run |" in summary


# ----------------------------------------------------------- bench_quality.py
@pytest.fixture(scope="module")
def bench_quality(load_benchmark):
    return load_benchmark("bench_quality")


def _quiet(*args, **kwargs):
    pass


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


def test_quality_skips_minirocket_without_numba_and_runs_demo(
    bench_quality, tmp_path, monkeypatch
):
    monkeypatch.setattr(bench_quality, "_has_numba", lambda: False)
    out = tmp_path / "q.md"  # a .md --out names the table; rows go beside it
    lines = []
    argv = ["--quick", "--models", "MiniRocket", "--datasets", "GunPoint"]
    result = bench_quality.main([*argv, "--out", str(out)], log=lines.append)
    assert result["rows"] == [] and result["path"] == tmp_path / "q.jsonl"
    assert any("MiniRocket skipped" in str(line) for line in lines)
    assert "| GunPoint | MiniRocket | 0/1 |" in out.read_text()
    # the demo as `python -m skseq.demo --random-state 0` runs it (2 epochs)
    result = bench_quality.main(["--quick", "--demo", "--out", str(out)], log=_quiet)
    [row] = result["rows"]
    assert (row["model"], row["dataset"], row["seed"]) == ("demo", "GunPoint", 0)
    assert 0 <= row["test_accuracy"] <= 1 and row["train_accuracy"] is None
    assert "## Demo" in out.read_text()


def test_quality_minirocket_variant_per_data_set(bench_quality):
    import warnings

    import numpy as np

    def split(channels, lengths):
        X = np.full((len(lengths), channels, max(lengths)), np.nan, np.float32)
        for i, n in enumerate(lengths):
            X[i, :, :n] = i
        y = np.arange(len(lengths)) % 2
        return bench_quality.Split(
            "s", X, y, X, y, np.array(lengths), np.array(lengths)
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sktime warns when numba is missing
        uni, _ = bench_quality.minirocket_for(split(1, [20, 20]), seed=3)
        multi, _ = bench_quality.minirocket_for(split(3, [20, 20]), seed=3)
        ragged, as_input = bench_quality.minirocket_for(split(2, [7, 20]), seed=3)
    assert type(uni).__name__ == "MiniRocket" and uni.random_state == 3
    assert type(multi).__name__ == "MiniRocketMultivariate"
    assert type(ragged).__name__ == "MiniRocketMultivariateVariable"
    assert ragged.pad_value_short_series == 0.0
    frames = as_input(split(2, [7, 20]).X_train, [7, 20])
    assert [f.shape for f in frames] == [(7, 2), (20, 2)]  # true lengths, no NaN
    assert not any(f.isna().any().any() for f in frames)


def test_quality_failed_rule_and_rows_file(bench_quality, tmp_path):
    failed = bench_quality.is_failed
    assert failed(0.79, 0.99, 0.5)  # never fitted the training set
    assert failed(1.0, 0.6, 0.5)  # within 0.1 of the majority rate (boundary)
    assert failed(1.0, 0.3, 0.5)  # below it
    assert not failed(1.0, 0.61, 0.5) and not failed(None, 0.9, 0.5)
    assert failed(None, None, 0.5)
    # a line cut short by a killed run: skipped, and the next row starts anew
    path = tmp_path / "rows.jsonl"
    path.write_text('{"model": "A", "dataset": "B", "seed": 0}\n{"model": "A", "da')
    bench_quality.append_row(path, {"model": "A", "dataset": "B", "seed": 1})
    notes = []
    rows = bench_quality.read_rows(path, log=notes.append)
    assert [r["seed"] for r in rows] == [0, 1] and "1 unreadable" in notes[0]


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


def test_quality_table_targets_and_misses(bench_quality):
    # a row of earlier defaults (rows are appended: older rows come first)
    rows = [_row("FCNClassifier", "ArrowHead", 0, 0.2, defaults="old")]
    for s in range(5):
        lstm = 0.5 if s == 1 else 0.98  # seed 1 collapsed onto one class
        rows.append(_row("LSTMClassifier", "GunPoint", s, lstm, 0.52 if s == 1 else 1))
        rows.append(_row("GRUClassifier", "GunPoint", s, 0.97))
        rows.append(_row("FCNClassifier", "GunPoint", s, 1.0))
        rows.append(_row("MiniRocket", "GunPoint", s, 0.99, epochs=None))
        rows.append(_row("FCNClassifier", "ArrowHead", s, 0.85))
        rows.append(_row("MiniRocket", "ArrowHead", s, 0.90, epochs=None))
    rows += [_row("demo", "GunPoint", s, a, None) for s, a in enumerate([1, 0.9, 0.96])]
    models = ["LSTMClassifier", "GRUClassifier", "FCNClassifier", "MiniRocket"]
    text = bench_quality.render(
        rows, "x.jsonl", ["GunPoint", "ArrowHead"], models, demo_seeds=3
    )
    # 1 of 30 skseq fits failed; LSTM mean 0.884 misses 0.95 by 0.066
    assert "| zero failed fits (skseq defaults) | **missed** by 1 failed fit(s)" in text
    assert "LSTMClassifier on GunPoint: 1/5" in text
    assert "| LSTMClassifier mean ≥ 0.95 on GunPoint | **missed** by 0.066 |" in text
    assert "| GRUClassifier mean ≥ 0.95 on GunPoint | met |" in text
    # best default vs MiniRocket: GunPoint +0.010 (met), ArrowHead 0.05 below
    assert "| GunPoint | FCNClassifier | 1.000 | 0.990 | +0.010 | yes |" in text
    assert (
        "| ArrowHead | FCNClassifier | 0.850 | 0.900 | −0.050 | **missed** by 0.030 |"
        in text
    )
    assert "**missed** on 1 of 2 data set(s) (so far: 20 of 30 fits)" in text
    assert "| ArrowHead by 0.030 |" in text
    cells = "5/5 | 0.500 | 0.884 | 0.490 | 0.874 | 2.0 | 100 | 1 | 0.990 |"
    assert f"| GunPoint | LSTMClassifier | {cells}" in text
    assert "| ArrowHead | GRUClassifier | 0/5 | – |" in text
    # the row of earlier defaults is left out, and the table says so
    assert "| ArrowHead | FCNClassifier | 5/5 | 0.850 |" in text
    assert "1 row(s) fitted under earlier defaults ignored (FCNClassifier)" in text
    assert (
        "| demo ≥ 0.95 on every seed | **missed** on 1 seed(s), worst by 0.050 |"
        in text
    )
    assert "| 3/3 | 0.900 | 0.953 |" in text
    # rows of another CPU capability get their own sections
    other = [_row("FCNClassifier", "GunPoint", 0, 1.0, cpu_capability="DEFAULT")]
    text = bench_quality.render(rows + other, "x.jsonl", ["GunPoint"], models)
    assert "## [AVX2] Targets" in text and "## [DEFAULT] Targets" in text
    assert "| GunPoint | FCNClassifier | 1/5 | 1.000 |" in text


@pytest.mark.skipif(
    not os.path.exists("/proc/self/clear_refs"), reason="needs Linux's VmHWM reset"
)
def test_speed_memory_section_runs_and_reports(load_benchmark):
    # three fresh processes (one batch, skseq, hand loop) on 256 series
    bench_speed = load_benchmark("bench_speed")
    s = bench_speed.Settings(memory_models=("FCN",), memory_sizes=(256,))
    text, rec = bench_speed.bench_memory(s, log=lambda *a, **k: None)
    cell = rec["FCN/256"]
    assert cell["skseq_rise_mb"] >= 0 and cell["hand_rise_mb"] >= 0
    assert cell["bound_mb"] > 0 and text.count("| FCN |") == 1
