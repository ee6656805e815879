"""
=====================================================================
BiLSTM with attention on unequal-length series, with a rare speaker
=====================================================================

JapaneseVowels holds recordings of nine male speakers saying the vowel
pair /ae/: 12 cepstral coefficients per frame and between 7 and 29 frames
per utterance, so every panel mixes lengths. We make one speaker ten
times rarer in training, as a rare user or a rare machine would be in
practice, and train a bidirectional LSTM whose per-frame outputs are
pooled by additive attention
(:class:`~skseq.classifiers.AttentionLSTMClassifier`).

What this example shows:

- unequal lengths need no preprocessing: padding is masked out of the
  LSTM (packed sequences) and out of the attention softmax, so a series
  gets the same prediction however much padding surrounds it;
- ``class_weight="balanced"`` against the plain loss on the rare speaker;
- early stopping on validation macro-F1, not on the loss;
- :func:`skseq.plotting.plot_attention`: where in each utterance the
  network looked.

Set ``SKSEQ_EXAMPLES_QUICK=1`` for a fast smoke run (a few epochs: the
numbers are then meaningless) and ``SKSEQ_EXAMPLES_OUT`` for the folder
the figures go to.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import balanced_accuracy_score, classification_report, f1_score

from skseq.classifiers import AttentionLSTMClassifier
from skseq.datasets import load_dataset, make_imbalanced
from skseq.plotting import plot_attention, plot_confusion, plot_history

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK") == "1"
OUT = os.environ.get("SKSEQ_EXAMPLES_OUT", ".")
torch.set_num_threads(1)  # small networks: one thread is fastest on a shared CPU

# %%
# Data: speaker 1 made rare in training
# -------------------------------------
# The test split stays as published, so test scores compare with the
# literature; only the training split is skewed.

X_train, y_train = load_dataset("JapaneseVowels", split="train")
X_test, y_test = load_dataset("JapaneseVowels", split="test")
X_train, y_train = make_imbalanced(
    X_train, y_train, minority="1", ratio=10, random_state=0
)
lengths = X_train.shape[2] - np.isnan(X_train[:, 0]).sum(axis=1)
print(f"training panel {X_train.shape}, lengths {lengths.min()}-{lengths.max()}")
print(
    "training counts:",
    {str(c): int(k) for c, k in zip(*np.unique(y_train, return_counts=True))},
)

# %%
# Two attention BiLSTMs: plain loss vs class weights
# --------------------------------------------------
# Everything but ``class_weight`` is the same. Early stopping holds out a
# stratified 15% of the training data and keeps the epoch with the best
# validation macro-F1.

params = {
    "module__hidden_size": 32,
    "module__attention_size": 32,
    "max_epochs": 4 if QUICK else 80,
    "lr": 3e-3,
    "early_stopping": True,
    "monitor": "valid_f1_macro",
    "validation_fraction": 0.15,
    "patience": 15,
    "random_state": 0,
    "n_threads": 1,
}
models = {
    "plain loss": AttentionLSTMClassifier(**params),
    "class_weight='balanced'": AttentionLSTMClassifier(
        class_weight="balanced", **params
    ),
}
predictions = {}
for name, clf in models.items():
    clf.fit(X_train, y_train)
    predictions[name] = clf.predict(X_test)
    y_pred = predictions[name]
    print(f"\n=== {name}: {len(clf.history_)} epochs ===")
    print(classification_report(y_test, y_pred, digits=3, zero_division=0))
    print(f"macro-F1           {f1_score(y_test, y_pred, average='macro'):.3f}")
    print(f"balanced accuracy  {balanced_accuracy_score(y_test, y_pred):.3f}")
    rare_recall = np.mean(y_pred[y_test == "1"] == "1")
    print(f"recall of rare speaker 1: {rare_recall:.3f}")

clf = models["class_weight='balanced'"]

# %%
# Padding never changes a prediction
# ----------------------------------
# Add 40 more padded steps to every test series: the probabilities are the
# same up to float32 rounding, because padded steps are masked in the LSTM
# and get exactly zero attention.

padded = np.concatenate(
    [X_test, np.full((len(X_test), X_test.shape[1], 40), np.nan, np.float32)], axis=2
)
diff = np.abs(clf.predict_proba(X_test) - clf.predict_proba(padded)).max()
print(f"max |proba(X) - proba(X padded by 40 steps)| = {diff:.2e}")
weights = clf.attention_weights(X_test)
print(
    "attention on padding:",
    float(weights[np.isnan(X_test[:, 0])].sum()),
    "| rows sum to 1:",
    bool(np.allclose(weights.sum(axis=1), 1.0)),
)

# %%
# Where the network looked
# ------------------------
# Two test utterances of four speakers, the rare one first. The colour is
# the attention weight times the utterance length (1 = uniform attention);
# the first three coefficients are drawn on top. In a bidirectional LSTM every
# frame's output already summarises its context, so read the map as "which
# frames the pooled representation was built from", not as a per-frame
# attribution.

shown = [i for s in ("1", "3", "6", "9") for i in np.flatnonzero(y_test == s)[:2]]
fig, axes = plt.subplots(1, 2, figsize=(14, 5.5), layout="constrained")
plot_attention(
    X_test,
    weights,
    ax=axes[0],
    instances=shown,
    channels=[0, 1, 2],  # the first three coefficients, for legibility
    labels=[f"speaker {t}, predicted {p}" for t, p in zip(y_test, clf.predict(X_test))],
)
plot_confusion(y_test, predictions["class_weight='balanced'"], ax=axes[1])
axes[1].set_title("Test confusion, class_weight='balanced'\n" + axes[1].get_title())
fig.savefig(os.path.join(OUT, "attention_japanese_vowels.png"), dpi=100)

# %%
# Training history
# ----------------
# Loss and validation scores per epoch; the dotted line is the epoch whose
# weights early stopping restored.

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
plot_history(clf, ax=axes)
fig.savefig(os.path.join(OUT, "attention_japanese_vowels_history.png"), dpi=100)
