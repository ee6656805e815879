"""
=====================================================================
Give it an afternoon: a budgeted search for a rare class
=====================================================================

You have an imbalanced data set and a fixed amount of time. Which
network? Class weights, focal loss or oversampling? Normalise or not?
Which learning rate, how wide, which decision threshold?
:class:`~skseq.automl.AutoSequenceClassifier` answers all of it within a
wall-clock ``time_budget``:

1. it cross-validates a strong non-deep baseline first (MiniRocket
   features and a class-weighted ridge), so the result never scores below
   it in cross-validation;
2. its first trial is the first network's defaults with balanced class
   weights; then Optuna's TPE proposes networks, imbalance strategies and
   hyper-parameters, and a pruner stops poor networks after a few epochs;
3. the *anchor*, the baseline averaged with that first trial, is the
   default choice: with a handful of rare series, cross-validation cannot
   rank candidates a few hundredths apart, so another candidate (or a
   greedy ensemble of the networks' out-of-fold probabilities, with a
   tuned decision threshold) replaces it only when it scores higher by
   more than the anchor's standard error;
4. the winner is refitted on all the data, within the budget.

JapaneseVowels (nine speakers saying "ae": 12 cepstral channels, 7 to 29
frames, unequal lengths) has one speaker cut here to a tenth of the
training utterances (3 against 30 each); the test split keeps all of
them. The docs run the search for
two minutes; for a real afternoon, set ``time_budget=4 * 3600``.

Set ``SKSEQ_EXAMPLES_QUICK=1`` for a fast smoke run and
``SKSEQ_EXAMPLES_OUT`` for the folder the figures go to.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.metrics import balanced_accuracy_score, f1_score

from skseq.automl import AutoSequenceClassifier
from skseq.datasets import load_dataset, make_imbalanced

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK") == "1"
OUT = os.environ.get("SKSEQ_EXAMPLES_OUT", ".")
torch.set_num_threads(1)  # small networks: one thread is fastest on a shared CPU

X, y = load_dataset("JapaneseVowels", split="train")
X, y = make_imbalanced(X, y, minority="2", ratio=10, random_state=0)
X_test, y_test = load_dataset("JapaneseVowels", split="test")
print("training classes:", dict(zip(*np.unique(y, return_counts=True))))
print("test classes:    ", dict(zip(*np.unique(y_test, return_counts=True))))

# %%
# The search
# ----------
# ``scoring`` is what is maximised in cross-validation; macro-F1 weighs
# the rare class as much as the common one. ``verbose=1`` prints one line
# per candidate as the search goes.
budget = 25 if QUICK else 120
auto = AutoSequenceClassifier(
    time_budget=budget,
    scoring="f1_macro",
    random_state=0,
    verbose=1,
    **({"models": ["FCN"], "max_epochs": 5} if QUICK else {}),
)
auto.fit(X, y)
print(f"fit took {auto.fit_seconds_:.0f} s of a {budget} s budget")

# %%
# The leaderboard
# ---------------
# One row per candidate in the order evaluated: its parameters, the
# cross-validated score, how long it took and when it finished, and why a
# trial stopped early (``pruned``) or ran out of time (``budget``).
board = auto.leaderboard_
with pd.option_context("display.max_colwidth", 60, "display.width", 140):
    print(
        board[
            ["candidate", "mean_test_score", "fit_seconds", "status", "selected"]
        ].round(3)
    )
print("\nchosen:", auto.best_params_)
print("\nthe fitted pipeline:\n", auto.best_estimator_)

# %%
# On the balanced test split, beside the baseline alone
# -----------------------------------------------------
# The same search restricted to the baseline (``models=[]``) gives the
# number to beat; the rare speaker's recall is the number that matters.
baseline = AutoSequenceClassifier(
    time_budget=60, models=[], scoring="f1_macro", random_state=0
).fit(X, y)
for name, model in [("MiniRocket + ridge", baseline), ("AutoSequence", auto)]:
    pred = model.predict(X_test)
    rare = np.mean(pred[y_test == "2"] == "2")
    print(
        f"{name:>20}: macro-F1 {f1_score(y_test, pred, average='macro'):.3f}, "
        f"balanced accuracy {balanced_accuracy_score(y_test, pred):.3f}, "
        f"rare speaker's recall {rare:.2f}"
    )

# %%
# Score against time
# ------------------
# Every finished candidate as a point at the moment it finished, and the
# best cross-validated score so far as a step line.
done = board[np.isfinite(board["mean_test_score"].astype(float))]
fig, ax = plt.subplots(figsize=(8, 3.5))
for status, marker in [("ok", "o"), ("budget", "x")]:
    part = done[done["status"] == status]
    ax.scatter(
        part["finished_at"], part["mean_test_score"], marker=marker, label=status
    )
best = done[done["status"] == "ok"].sort_values("finished_at")
ax.step(
    best["finished_at"],
    best["mean_test_score"].cummax(),
    where="post",
    color="k",
    label="best so far",
)
ax.axvline(budget, color="grey", linestyle="--", label="budget")
ax.set_xlabel("seconds since fit began")
ax.set_ylabel("cross-validated macro-F1")
ax.set_title("AutoSequenceClassifier, JapaneseVowels, one speaker at 1:10")
ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
fig.tight_layout()
fig.savefig(os.path.join(OUT, "automl_score_against_time.png"))
