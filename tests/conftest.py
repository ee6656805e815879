import importlib.util
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib
import numpy as np
import pytest
import torch
from _cpu import bf16_lstm_problem

matplotlib.use("Agg")
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seed():
    """Seed the global generators so tests never depend on their order."""
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture
def needs_bf16_lstm():
    """Skip the test where this CPU cannot train an LSTM under bf16 autocast."""
    problem = bf16_lstm_problem()
    if problem is not None:
        pytest.skip(problem)


@pytest.fixture(scope="session")
def load_benchmark():
    """Import a script of ``benchmarks/`` by name (they are not a package)."""
    bench_dir = Path(__file__).resolve().parents[1] / "benchmarks"

    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, bench_dir / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up by name
        spec.loader.exec_module(module)
        return module

    return load
