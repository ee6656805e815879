"""Where a classifier's torch work runs: threads and the torch RNG.

Fitting and predicting run inside :func:`torch_runtime`, which caps torch's
intra-op threads for the call and, for training, forks torch's RNG and seeds
it, so the same ``random_state`` gives the same network while the caller's
global RNG is left as it was. Plain functions: the classifier decides the
numbers, this module only scopes them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any

import torch

__all__ = ["cuda_devices", "default_n_threads", "torch_runtime"]


def default_n_threads() -> int:
    """Threads for torch when ``n_threads=None``.

    ``OMP_NUM_THREADS`` wins (joblib's loky workers set it to their share of
    the cores). Otherwise half the cores: on a small shared machine a second
    intra-op thread that has to wait for a busy core made training >10x
    slower, while tiny recurrent networks gain little from it anyway.
    """
    env = os.environ.get("OMP_NUM_THREADS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    return max(1, (os.cpu_count() or 1) // 2)


def cuda_devices(device: Any) -> list[int]:
    """The CUDA device indices whose RNG training on ``device`` uses."""
    is_cuda = isinstance(device, str) and device.startswith("cuda")
    if is_cuda and torch.cuda.is_available():
        return [torch.device(device).index or 0]
    return []


@contextlib.contextmanager
def torch_runtime(
    n_threads: int | None, seed: int | None = None, devices: Sequence[int] = ()
) -> Iterator[None]:
    """Run the body with torch's threads capped and, given a seed, a seeded RNG.

    Parameters
    ----------
    n_threads : int or None
        Intra-op threads for the body (restored after); None:
        :func:`default_n_threads`.
    seed : int or None, default=None
        If given, torch's RNG (CPU and ``devices``) is forked, seeded with
        ``seed`` for the body and restored after it.
    devices : sequence of int, default=()
        CUDA devices whose RNG is forked with the CPU's.

    Yields
    ------
    None
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(n_threads or default_n_threads())
    try:
        if seed is None:
            yield
        else:
            with torch.random.fork_rng(devices=list(devices)):
                torch.manual_seed(int(seed))
                yield
    finally:
        torch.set_num_threads(previous)
