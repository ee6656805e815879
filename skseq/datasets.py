"""Loaders for the small real data sets that ship inside sktime.

Every loader reads files installed with sktime; nothing is downloaded.
"""

from __future__ import annotations

import numbers
import os

import numpy as np
import pandas as pd

from .utils.validation import check_panel

__all__ = ["DATASETS", "load_dataset", "load_mitdb", "make_imbalanced"]

# name -> sktime loader; all ship with sktime, no download
DATASETS = {
    "ACSF1": "load_acsf1",
    "ArrowHead": "load_arrow_head",
    "BasicMotions": "load_basic_motions",
    "GunPoint": "load_gunpoint",
    "ItalyPowerDemand": "load_italy_power_demand",
    "JapaneseVowels": "load_japanese_vowels",
    "OSULeaf": "load_osuleaf",
    "PLAID": "load_plaid",
}


def load_dataset(name: str, split: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Load a bundled sktime data set as a float32 panel and its labels.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`: ``"ACSF1"``, ``"ArrowHead"``,
        ``"BasicMotions"``, ``"GunPoint"``, ``"ItalyPowerDemand"``,
        ``"JapaneseVowels"`` (unequal length), ``"OSULeaf"``, ``"PLAID"``
        (unequal length).
    split : {"train", "test"} or None, default=None
        Which split; ``None`` for both concatenated.

    Returns
    -------
    X : ndarray of shape (n_instances, n_channels, n_timepoints), float32
        Unequal lengths padded with trailing NaN (the skseq data contract).
    y : ndarray of shape (n_instances,)
        String labels, as sktime gives them.

    Examples
    --------
    >>> from skseq.datasets import load_dataset
    >>> X, y = load_dataset("JapaneseVowels", split="train")
    >>> X.shape, X.dtype
    ((270, 12, 26), dtype('float32'))
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a data set name (str), one of {sorted(DATASETS)}; got "
            f"{name!r}."
        )
    if name not in DATASETS:
        raise ValueError(
            f"Unknown data set {name!r}; choose one of {sorted(DATASETS)}."
        )
    if split not in (None, "train", "test"):
        raise ValueError(f"split must be 'train', 'test' or None; got {split!r}.")
    import sktime.datasets as sk_datasets

    loader = getattr(sk_datasets, DATASETS[name])
    X, y = loader(split=split, return_X_y=True)
    return check_panel(X), np.asarray(y)


def load_mitdb() -> tuple[np.ndarray, np.ndarray]:
    """The MIT-BIH ECG excerpt bundled with sktime, with per-time-step labels.

    One recording of 7,500 samples; label 1 marks the samples of abnormal
    beats (the rare class), 0 the rest.

    Returns
    -------
    recording : ndarray of shape (1, n_timepoints), float32
        The ECG as a one-channel recording.
    labels : ndarray of shape (n_timepoints,), int64
        Per-time-step labels.

    Examples
    --------
    >>> from skseq.datasets import load_mitdb
    >>> recording, labels = load_mitdb()
    >>> recording.shape, labels.shape
    ((1, 7500), (7500,))
    """
    import sktime.datasets

    path = os.path.join(
        os.path.dirname(sktime.datasets.__file__), "data", "mitdb", "mitdb.csv"
    )
    frame = pd.read_csv(path)
    recording = frame["data"].to_numpy(dtype=np.float32)[None, :]
    return recording, frame["label"].to_numpy(dtype=np.int64)


def make_imbalanced(
    X: np.ndarray,
    y: np.ndarray,
    *,
    minority: object,
    ratio: float = 10.0,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Subsample one class so that it is ``ratio`` times rarer than the others.

    Parameters
    ----------
    X : ndarray of shape (n_instances, ...)
        Panel.
    y : ndarray of shape (n_instances,)
        Labels.
    minority : label
        The class to make rare.
    ratio : float, default=10.0
        The minority class keeps ``round(mean size of the other classes /
        ratio)`` instances (at least 2).
    random_state : int or None, default=None
        Seed of the subsampling.

    Returns
    -------
    X, y : the subsampled panel and labels (order preserved).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.datasets import make_imbalanced
    >>> y = np.array([0] * 50 + [1] * 50)
    >>> X = np.zeros((100, 1, 5))
    >>> Xi, yi = make_imbalanced(X, y, minority=1, ratio=10, random_state=0)
    >>> int((yi == 1).sum()), int((yi == 0).sum())
    (5, 50)
    """
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real):
        raise TypeError(f"ratio must be a positive number (e.g. 10.0); got {ratio!r}.")
    if not (np.isfinite(ratio) and ratio > 0):
        raise ValueError(
            f"ratio={ratio!r} must be a finite number > 0: the minority class keeps "
            "mean size of the other classes / ratio instances."
        )
    rng = np.random.default_rng(random_state)
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"y must hold one label per instance of X: X has {len(X)} instances "
            f"but y has shape {y.shape}."
        )
    is_min = y == minority
    if not is_min.any():
        raise ValueError(f"Class {minority!r} is not in y.")
    others = [c for c in np.unique(y) if c != minority]
    if not others:
        raise ValueError(
            f"y holds only class {minority!r}; make_imbalanced needs at least one "
            "other class to compare the minority with."
        )
    mean_other = np.mean([(y == c).sum() for c in others])
    keep_n = max(2, int(round(mean_other / ratio)))
    min_idx = np.flatnonzero(is_min)
    keep = rng.choice(min_idx, size=min(keep_n, len(min_idx)), replace=False)
    mask = ~is_min
    mask[keep] = True
    return X[mask], y[mask]
