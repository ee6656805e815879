import functools
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

from skseq.datasets import load_dataset

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


# --- bundled data sets ---------------------------------------------------------
# Loaded once a session; every fixture below hands out its own copies, so a test
# that writes into its arrays changes nothing outside its module.


@functools.cache
def _bundled(name: str, split: str | None) -> tuple[np.ndarray, np.ndarray]:
    X, y = load_dataset(name, split=split)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def bundled(name: str, split: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``load_dataset(name, split)`` from the session cache, as fresh copies."""
    X, y = _bundled(name, split)
    return X.copy(), y.copy()


@pytest.fixture(scope="session")
def load_bundled():
    """:func:`bundled` for session-scoped fixtures and tests that load by name."""
    return bundled


@pytest.fixture(scope="module")
def gunpoint_train():
    """GunPoint train split (X float32 (50, 1, 150), y str), one copy a module."""
    return bundled("GunPoint", "train")


@pytest.fixture(scope="module")
def gunpoint_test():
    """GunPoint test split (X float32 (150, 1, 150), y str), one copy a module."""
    return bundled("GunPoint", "test")


@pytest.fixture(scope="module")
def vowels_train():
    """JapaneseVowels train split: 12 channels, 9 speakers, padded to 26 steps
    (NaN-padded), one copy a module."""
    return bundled("JapaneseVowels", "train")


@pytest.fixture(scope="module")
def vowels_test():
    """JapaneseVowels test split (lengths 7-29, NaN-padded), one copy a module."""
    return bundled("JapaneseVowels", "test")


@pytest.fixture(scope="module")
def italy_train():
    """ItalyPowerDemand train split (67 series of 24 steps), one copy a module."""
    return bundled("ItalyPowerDemand", "train")


@pytest.fixture(scope="module")
def italy_test():
    """ItalyPowerDemand test split (1029 series), one copy a module."""
    return bundled("ItalyPowerDemand", "test")


# --- fitted classifiers shared by several files ------------------------------
# Session-scoped: tests only predict with them, pickle or clone them (one
# toggles a module to training mode and back).


def _fit_on_vowels(cls, **params):
    """``cls(**params)`` fitted on the JapaneseVowels train split."""
    X, y = bundled("JapaneseVowels", "train")
    return cls(**params).fit(X, y)


@pytest.fixture(scope="session", params=["LSTMClassifier", "GRUClassifier"])
def fitted_vowels(request):
    """LSTM and GRU classifiers fitted on JapaneseVowels (5 epochs, width 16)."""
    from skseq import classifiers

    cls = getattr(classifiers, request.param)
    return _fit_on_vowels(cls, module__hidden_size=16, max_epochs=5, random_state=0)


FAST = {"max_epochs": 12, "lr": 3e-3, "random_state": 0, "n_threads": 1}


@pytest.fixture(scope="session")
def fitted_attention():
    """AttentionLSTMClassifier fitted on JapaneseVowels (12 epochs)."""
    from skseq.classifiers import AttentionLSTMClassifier

    # dense_dropout > 0 so that a forward pass in training mode would differ
    return _fit_on_vowels(
        AttentionLSTMClassifier,
        module__hidden_size=16,
        module__attention_size=16,
        module__dense_dropout=0.3,
        # lr 1e-2: in 12 epochs at 3e-3 the pooling weights moved as little
        # as 0.012 from uniform on one CPU (0.057 on another); 0.22 at 1e-2
        **{**FAST, "lr": 1e-2},
    )


@pytest.fixture(scope="session")
def fitted_transformer():
    """TransformerClassifier fitted on JapaneseVowels (12 epochs, d_model 32)."""
    from skseq.classifiers import TransformerClassifier

    return _fit_on_vowels(
        TransformerClassifier,
        module__d_model=32,
        module__dim_feedforward=64,
        module__patch_size=2,
        **FAST,
    )


@pytest.fixture(scope="module")
def vowels(vowels_train, vowels_test):
    """JapaneseVowels with series lengths: ``(X_train, y_train, lengths_train,
    X_test, y_test, lengths_test)``; 12 channels, 9 speakers, lengths 7-29
    (NaN-padded). A test file's own ``vowels`` fixture takes precedence."""
    from skseq.utils.validation import series_lengths

    X_train, y_train = vowels_train
    X_test, y_test = vowels_test
    return (
        X_train,
        y_train,
        series_lengths(X_train),
        X_test,
        y_test,
        series_lengths(X_test),
    )
