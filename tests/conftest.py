import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seed():
    """Seed the global generators so tests never depend on their order."""
    np.random.seed(0)
    torch.manual_seed(0)
    yield
