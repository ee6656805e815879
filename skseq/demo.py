"""End-to-end demo: train a skseq classifier on bundled real data and report.

Run it with ``python -m skseq.demo`` (``--help`` for the options). It trains a
classifier on a data set that ships with sktime, prints a classification
report (per-class precision/recall/F1, macro-F1, balanced accuracy) on the
test split, and saves a figure with the training curve and the confusion
matrix.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np

__all__ = ["main", "run_demo"]

MODELS = {
    "lstm": "LSTMClassifier",
    "gru": "GRUClassifier",
}


def run_demo(
    dataset: str = "GunPoint",
    model: str = "lstm",
    max_epochs: int = 100,
    imbalance: float | None = None,
    output: str = "skseq_demo.png",
    random_state: int = 0,
) -> dict[str, float]:
    """Train, evaluate, print a report and save a figure.

    Parameters
    ----------
    dataset : str, default="GunPoint"
        A data set from :data:`skseq.datasets.DATASETS`.
    model : str, default="lstm"
        Key of :data:`MODELS`.
    max_epochs : int, default=100
        Training epochs.
    imbalance : float or None, default=None
        If given, the last class of the training split is subsampled to be
        this many times rarer than the others, and the classifier uses
        ``class_weight="balanced"``.
    output : str, default="skseq_demo.png"
        Where the figure goes.
    random_state : int, default=0
        Seed.

    Returns
    -------
    scores : dict
        ``accuracy``, ``macro_f1``, ``balanced_accuracy`` and ``fit_seconds``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import (
        ConfusionMatrixDisplay,
        accuracy_score,
        balanced_accuracy_score,
        classification_report,
        f1_score,
    )

    from . import classifiers
    from .datasets import load_dataset, make_imbalanced

    if model not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}; got {model!r}.")
    X, y = load_dataset(dataset, split="train")
    Xt, yt = load_dataset(dataset, split="test")
    extra = {}
    if imbalance:
        rare = np.unique(y)[-1]
        X, y = make_imbalanced(
            X, y, minority=rare, ratio=imbalance, random_state=random_state
        )
        extra["class_weight"] = "balanced"
    counts = dict(zip(*np.unique(y, return_counts=True)))
    print(
        f"{dataset}: {len(X)} training series ({X.shape[1]} channel(s), up to "
        f"{X.shape[2]} steps), {len(Xt)} test series; training classes: "
        + ", ".join(f"{k}={v}" for k, v in counts.items())
    )

    cls = getattr(classifiers, MODELS[model])
    clf = cls(max_epochs=max_epochs, random_state=random_state, **extra)
    start = time.perf_counter()
    clf.fit(X, y)
    fit_seconds = time.perf_counter() - start
    y_pred = clf.predict(Xt)

    scores = {
        "accuracy": accuracy_score(yt, y_pred),
        "macro_f1": f1_score(yt, y_pred, average="macro"),
        "balanced_accuracy": balanced_accuracy_score(yt, y_pred),
        "fit_seconds": fit_seconds,
    }
    print(f"\n{type(clf).__name__} trained {max_epochs} epochs in {fit_seconds:.1f} s")
    print("\nClassification report (test split)\n")
    print(classification_report(yt, y_pred, digits=3, zero_division=0))
    print(f"macro-F1          {scores['macro_f1']:.3f}")
    print(f"balanced accuracy {scores['balanced_accuracy']:.3f}")

    fig, (ax_curve, ax_cm) = plt.subplots(1, 2, figsize=(11, 4.2))
    epochs = clf.history[:, "epoch"]
    ax_curve.plot(epochs, clf.history[:, "train_loss"], label="train loss")
    if "valid_loss" in clf.history[-1]:
        ax_curve.plot(epochs, clf.history[:, "valid_loss"], label="validation loss")
    ax_curve.set_xlabel("epoch")
    ax_curve.set_ylabel("loss")
    ax_curve.set_title(f"Training curve: {type(clf).__name__} on {dataset}")
    ax_curve.legend()
    ConfusionMatrixDisplay.from_predictions(yt, y_pred, ax=ax_cm, colorbar=False)
    ax_cm.set_title(
        f"Test confusion matrix (macro-F1 {scores['macro_f1']:.2f}, "
        f"bal. acc. {scores['balanced_accuracy']:.2f})"
    )
    fig.tight_layout()
    fig.savefig(output, dpi=110)
    plt.close(fig)
    print(f"\nFigure (training curve and confusion matrix) saved to {output}")
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point of ``python -m skseq.demo``."""
    from .datasets import DATASETS

    parser = argparse.ArgumentParser(
        prog="python -m skseq.demo",
        description="Train a skseq classifier on a bundled real data set.",
    )
    parser.add_argument("--dataset", default="GunPoint", choices=sorted(DATASETS))
    parser.add_argument("--model", default="lstm", choices=sorted(MODELS))
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument(
        "--imbalance",
        type=float,
        default=None,
        help="make the last class this many times rarer in training "
        "(and use class_weight='balanced')",
    )
    parser.add_argument("--output", default="skseq_demo.png")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    run_demo(
        dataset=args.dataset,
        model=args.model,
        max_epochs=args.max_epochs,
        imbalance=args.imbalance,
        output=args.output,
        random_state=args.random_state,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
