"""Give memory freed by torch back to the operating system (glibc only).

Inference allocates one batch's activations after another (FCN on 128
series of 500 steps: ~65 MB per layer). glibc keeps freed blocks of that size
in the heap instead of returning them, and its heap fragments, so the
resident size of a process grows with the number of batches although the
live memory does not: ``FCNClassifier.predict_proba`` on 20,000 x 3 x 500
peaked at +2.7 GB here, and a hand-written ``torch.no_grad`` loop over the
same batches at +3.4 GB. Calling glibc's ``malloc_trim(0)`` after every
batch keeps it at +110 MB, at no measurable cost (one call per batch of
tens of milliseconds of work); see ``benchmarks/results/memory_issue13.md``
(measured by a section of ``bench_speed.py`` that issue 17 removed).
Elsewhere (macOS, Windows, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

__all__ = ["release_freed_memory"]


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only; musl has no malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_freed_memory() -> bool:
    """Return the heap's free memory to the OS; False where unsupported."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
