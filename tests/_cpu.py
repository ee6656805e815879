"""What this machine's CPU can compute, found out at run time.

Tests that need a CPU feature ask here and skip with the reason where it is
missing, so the suite is green on any CPU, not just the one CI runs on.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import torch

# the CPU flags (as /proc/cpuinfo spells them) that bf16 on the CPU rests on
_BF16_FLAGS = ("avx512f", "avx512bw", "avx512vl", "avx512_bf16", "amx_bf16")


def _cpu_flags() -> set[str] | None:
    """The flags of the first CPU in /proc/cpuinfo; None where unreadable."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return None


def _cpu_features() -> str:
    """The bf16-relevant features of this CPU, for a skip reason."""
    parts = [f"torch CPU capability {torch.backends.cpu.get_cpu_capability()}"]
    flags = _cpu_flags()
    if flags is not None:
        missing = [flag for flag in _BF16_FLAGS if flag not in flags]
        if missing:
            parts.append("CPU flags lack " + ", ".join(missing))
        else:
            parts.append("CPU flags have " + ", ".join(_BF16_FLAGS))
    for var in ("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"):
        if os.environ.get(var):
            parts.append(f"{var}={os.environ[var]}")
    return "; ".join(parts)


@functools.cache
def bf16_lstm_problem() -> str | None:
    """Why an LSTM cannot train under bf16 autocast on this CPU; None if it can.

    Tries it: a tiny LSTM forward and backward under
    ``torch.autocast("cpu", dtype=torch.bfloat16)``. oneDNN runs that LSTM
    only where it has bf16 kernels (AVX-512 and up); on an AVX2-only CPU (an
    AMD EPYC before Zen 4, say) it raises "could not create a primitive
    descriptor for the LSTM forward propagation primitive". Trying beats
    reading CPU flags: it also sees ``ONEDNN_MAX_CPU_ISA`` and future kernels.
    """
    with torch.random.fork_rng(devices=[]):  # leave the tests' seeding alone
        torch.manual_seed(0)
        lstm = torch.nn.LSTM(2, 4, batch_first=True)
        x = torch.randn(3, 5, 2)
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out, _ = lstm(x)
        out.float().sum().backward()
    except RuntimeError as exc:
        first = str(exc).strip().split(". ")[0]
        return (
            f"bf16 autocast of an LSTM fails on this CPU ({_cpu_features()}): {first}"
        )
    return None
