"""The run-time CPU probe of tests/_cpu.py that bf16 tests skip on."""

import os

import pytest
from _cpu import _cpu_flags, bf16_lstm_problem


def test_bf16_probe_answers_with_none_or_a_reason():
    problem = bf16_lstm_problem()
    assert problem is None or problem.startswith("bf16 autocast of an LSTM fails")


def test_a_cpu_with_native_bf16_is_never_skipped():
    # a broken probe would skip the bf16 tests silently on the very CPUs that
    # can run them; .ci/run's second pass limits oneDNN to AVX2 on purpose
    flags = _cpu_flags()
    if flags is None or "avx512_bf16" not in flags:
        pytest.skip("this CPU has no avx512_bf16 flag")
    if os.environ.get("ONEDNN_MAX_CPU_ISA") or os.environ.get("DNNL_MAX_CPU_ISA"):
        pytest.skip("oneDNN's instruction set is limited by the environment")
    assert bf16_lstm_problem() is None
