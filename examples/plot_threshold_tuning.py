"""
=====================================================
Decision thresholds: binary and multi-class tuning
=====================================================

A classifier trained on imbalanced data can rank the rare class well and
still miss most of it, because ``predict`` takes the class of highest
probability and the rare class rarely wins that vote. Changing the
*decision*, not the model, is the cheapest fix:

- binary: scikit-learn's
  :class:`~sklearn.model_selection.TunedThresholdClassifierCV` picks the
  probability threshold that maximises a metric (here the F1 of the rare
  class) on cross-validated predictions;
- multi-class: :class:`skseq.model_selection.MulticlassThresholdClassifierCV`
  learns one weight per class so that ``argmax(proba * weights)`` maximises
  macro-F1 on out-of-fold probabilities.

Both refit the network on all the training data and keep its
probabilities; only the decision moves. The precision-recall curves show
where the tuned decision lands compared with the default one.

Set ``SKSEQ_EXAMPLES_QUICK=1`` for a fast smoke run and
``SKSEQ_EXAMPLES_OUT`` for the folder the figures go to.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.base import clone
from sklearn.metrics import (
    balanced_accuracy_score,
    classification_report,
    f1_score,
    make_scorer,
)
from sklearn.model_selection import (
    StratifiedKFold,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.pipeline import make_pipeline

from skseq.classifiers import CNNClassifier, LSTMClassifier
from skseq.datasets import load_dataset, make_imbalanced
from skseq.model_selection import MulticlassThresholdClassifierCV
from skseq.plotting import plot_precision_recall
from skseq.transformers import Normalizer

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK") == "1"
OUT = os.environ.get("SKSEQ_EXAMPLES_OUT", ".")
torch.set_num_threads(1)
EPOCHS = 2 if QUICK else 30


def report(name, y_true, y_pred, rare):
    """Print the numbers that matter on imbalanced data."""
    print(f"--- {name}")
    print(classification_report(y_true, y_pred, digits=3, zero_division=0))
    print(
        f"macro-F1 {f1_score(y_true, y_pred, average='macro'):.3f} | balanced "
        f"accuracy {balanced_accuracy_score(y_true, y_pred):.3f} | recall of "
        f"{rare!r} {np.mean(y_pred[y_true == rare] == rare):.3f}"
    )


# %%
# Binary: daily electricity demand, winter days made rare
# -------------------------------------------------------
# ItalyPowerDemand: 24 hourly values per day, class "2" (October-March
# days) cut to a tenth of class "1". The split keeps that prevalence in the
# test set, as deployment would see it.

X, y = load_dataset("ItalyPowerDemand")
X, y = make_imbalanced(X, y, minority="2", ratio=10, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
print(
    "binary training counts:",
    {str(c): int(k) for c, k in zip(*np.unique(y_train, return_counts=True))},
)

lstm = LSTMClassifier(
    module__hidden_size=16, max_epochs=EPOCHS, random_state=0, n_threads=1
)
plain = lstm.fit(X_train, y_train)
proba_plain = plain.predict_proba(X_test)[:, 1]
report("LSTM, argmax (threshold 0.5)", y_test, plain.predict(X_test), "2")

# F1 of the rare class "2"; the threshold applies to P("2") = predict_proba[:, 1]
tuned = TunedThresholdClassifierCV(
    lstm,
    scoring=make_scorer(f1_score, pos_label="2"),
    cv=StratifiedKFold(2 if QUICK else 5, shuffle=True, random_state=0),
    random_state=0,
).fit(X_train, y_train)
print(f"tuned threshold {tuned.best_threshold_:.3f} (CV F1 {tuned.best_score_:.3f})")
report("LSTM, tuned threshold", y_test, tuned.predict(X_test), "2")

# %%
# Multi-class: six leaf species, two of them rare
# -----------------------------------------------
# OSULeaf: leaf outlines as 427-step series, six species. Species "2" and
# "5" are cut to a fifth of the others in training; a 1-D CNN on
# z-normalised series does the classifying.

Xm, ym = load_dataset("OSULeaf", split="train")
Xm_test, ym_test = load_dataset("OSULeaf", split="test")
for species in ("2", "5"):
    Xm, ym = make_imbalanced(Xm, ym, minority=species, ratio=5, random_state=0)
print(
    "multi-class training counts:",
    {str(c): int(k) for c, k in zip(*np.unique(ym, return_counts=True))},
)

net = make_pipeline(
    Normalizer(),
    CNNClassifier(
        module__n_filters=(16, 32, 64),
        max_epochs=2 if QUICK else 40,
        random_state=0,
        n_threads=1,
    ),
)
argmax_model = clone(net).fit(Xm, ym)
pred_argmax = argmax_model.predict(Xm_test)
report("CNN, argmax", ym_test, pred_argmax, "2")

weighted = MulticlassThresholdClassifierCV(
    net,
    scoring="f1_macro",
    cv=StratifiedKFold(2 if QUICK else 3, shuffle=True, random_state=0),
).fit(Xm, ym)
pred_tuned = weighted.predict(Xm_test)
print(
    "class weights:",
    dict(zip(weighted.classes_.tolist(), weighted.weights_.round(2).tolist())),
)
print(
    f"out-of-fold macro-F1: argmax {weighted.argmax_score_:.3f} -> tuned "
    f"{weighted.best_score_:.3f}"
)
report("CNN, tuned class weights", ym_test, pred_tuned, "2")

# %%
# Precision-recall curves with the operating points
# -------------------------------------------------
# Left: the binary model's probability of the rare class, with the tuned
# threshold and the default 0.5 marked. Right: the rare species "2" one vs
# the rest, with the argmax decision and the tuned multi-class decision
# marked (a multi-class decision is not a threshold on one column, so its
# point is placed by its precision and recall).

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained")
plot_precision_recall(
    y_test, proba_plain, threshold=tuned.best_threshold_, ax=left, name="LSTM"
)
left.set_title("Binary: rare class '2' (ItalyPowerDemand)")
plot_precision_recall(
    ym_test,
    weighted.predict_proba(Xm_test),
    ax=right,
    pos_label="2",
    y_pred={"argmax": pred_argmax, "tuned weights": pred_tuned},
    default_threshold=None,
    name="CNN",
)
right.set_title("Multi-class: rare species '2' vs the rest (OSULeaf)")
fig.savefig(os.path.join(OUT, "threshold_tuning.png"), dpi=100)
