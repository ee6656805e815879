"""Smoke test of the imbalance benchmark (benchmarks/bench_imbalance.py).

Runs the benchmark's ``main`` in-process on its ``--quick`` setting (one data
set, one seed, two epochs, a tiny FCN) at three imbalance ratios and checks
that every remedy produced a row with finite scores in [0, 1], and that a
ratio whose subsample repeats an earlier one's is reported once. Never asserts
that a remedy helps: two epochs are not evidence, only the full run is.
"""

from __future__ import annotations

import math

import pytest


@pytest.fixture(scope="module")
def bench(load_benchmark):
    return load_benchmark("bench_imbalance")


@pytest.fixture(scope="module")
def quick_run(bench, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "imbalance.md"
    # ItalyPowerDemand keeps round(33 / ratio) minority series, at least 2:
    # 3 at 10x, 2 at 20x and 2 at 50x (the same 2 for the same seed)
    argv = ["--quick", "--ratios", "10", "20", "50", "--out", str(out)]
    result = bench.main(argv, log=lambda *a, **k: None)
    return result, out


def test_every_remedy_has_a_row_per_setting(bench, quick_run):
    result, out = quick_run
    keys = [(r.dataset, r.ratio, r.method) for r in result["records"]]
    expected = {
        ("ItalyPowerDemand", ratio, method)
        for ratio in (10.0, 20.0, 50.0)
        for method in bench.METHODS
    } | {("ItalyPowerDemand", None, bench.REFERENCE)}
    assert len(keys) == len(expected) and set(keys) == expected
    text = out.read_text()
    for ratio in ("10×", "20× = 50×"):
        for method in bench.METHODS:
            assert f"| ItalyPowerDemand | {ratio} | " in text
            # the detailed table has one row per (setting, remedy)
            rows = [
                line
                for line in text.splitlines()
                if line.startswith(f"| ItalyPowerDemand | {ratio} | ")
                and f" | {method} | " in line
            ]
            assert rows, (ratio, method)
        # one remedy per setting has the best macro-F1, in bold
        best = [
            line
            for line in text.splitlines()
            if line.startswith(f"| ItalyPowerDemand | {ratio} | ") and "| **" in line
        ]
        assert len(best) == 1, ratio
    assert f"| {bench.REFERENCE} |" in text
    for section in ("## Each remedy over all settings", "## Per setting"):
        assert section in text


def test_scores_are_finite_and_in_unit_interval(quick_run):
    result, _ = quick_run
    assert result["records"]
    for r in result["records"]:
        for value in (r.macro_f1, r.balanced_accuracy, r.minority_recall):
            assert math.isfinite(value) and 0.0 <= value <= 1.0, r
        assert r.fit_seconds > 0


def test_subsampling_makes_the_minority_rare(quick_run):
    # ItalyPowerDemand's train split has 34 series of class "1" and 33 of "2":
    # 10x keeps round(33 / 10) = 3, 20x and 50x the floor of 2; the reference
    # keeps all
    result, _ = quick_run
    by_ratio = {r.ratio: (r.n_minority, r.n_train) for r in result["records"]}
    assert by_ratio[10.0] == (3, 36)
    assert by_ratio[20.0] == by_ratio[50.0] == (2, 35)
    assert by_ratio[None] == (34, 67)


def test_identical_subsample_is_fitted_and_reported_once(quick_run):
    result, out = quick_run
    records = result["records"]
    at = {(r.ratio, r.method): r for r in records}
    for r in records:
        if r.ratio == 50.0:
            # same training series as at 20x: copied, not refitted
            assert r.same_as == 20.0
            twin = at[(20.0, r.method)]
            assert (r.macro_f1, r.fit_seconds) == (twin.macro_f1, twin.fit_seconds)
        else:
            assert r.same_as is None
    text = out.read_text()
    assert "| ItalyPowerDemand | 50× |" not in text
    assert "| ItalyPowerDemand | 20× = 50× |" in text


def test_remedies_are_built_as_described(bench, quick_run):
    result, _ = quick_run
    cfg = result["config"]
    # SMOTE needs k_neighbors < n_min: with 2 minority series only 1 neighbour
    for n_min, k in ((2, 1), (3, 2), (10, 3)):
        pipe = bench.make_estimator("SMOTE", n_min, 0, cfg)
        assert pipe.steps[0][1].sampler.k_neighbors == k
    focal = bench.make_estimator("focal", 2, 0, cfg)
    assert focal.criterion.__name__ == "FocalLoss"
    assert focal.criterion__alpha == "balanced"
    assert bench.make_estimator("balanced batches", 2, 0, cfg).balanced_batches
    with pytest.raises(ValueError, match="Unknown method"):
        bench.make_estimator("no-such-remedy", 2, 0, cfg)
