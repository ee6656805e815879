"""Smoke test of the RNN speed benchmark (benchmarks/bench_rnn.py).

Runs the benchmark's ``main`` in-process on the smallest setting (one data set,
one epoch, one repeat) and checks the table's rows and numbers. Never asserts
on speed: wall-clock times on a shared machine are not test material.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
from pathlib import Path

import pytest
import torch

BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench_rnn():
    return _load("bench_rnn")


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
    # bench_rnn._skseq_seeds so the hand loop draws the same weights and batches)
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
    x_list, len_list = bench_rnn._pad(ragged)
    padded, lengths = check_panel(ragged, return_lengths=True)
    x_arr, len_arr = bench_rnn._pad(padded)
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
