"""
=============================================================================
Segmented cycles with gaps and a rare class: CNN vs InceptionTime
=============================================================================

Heartbeats cut from an ECG, strokes of a machine, days of a meter: a
stream is segmented into cycles, and the cycles come with the defects of
real acquisition: bursts of missing samples (dropped packets, saturated
sensor) and unequal lengths that an upstream tool zero-padded to a fixed
width. One class of cycle is rare.

Here the cycles are the days of ItalyPowerDemand (24 hourly values of an
Italian city's electricity demand; class "2" is October-March), cut so
that class "2" is ten times rarer than class "1". We damage them the way
acquisition does:

- 2-4-hour bursts of NaN in 40% of the days;
- a third of the days shortened by 1-4 hours and zero-padded back to 24.

:class:`~skseq.transformers.Interpolator` with ``method="spline"`` fills
the bursts with a cubic spline through the observed hours and, with
``padding_value=0.0``, turns the trailing zeros back into padding, which
the networks then mask (a padded zero never reaches a prediction).

Then we compare two architectures (a plain 1-D CNN and InceptionTime) and
two imbalance remedies (class-balanced mini-batches and the focal loss
with balanced ``alpha``) on macro-F1 and per-class accuracy.

Set ``SKSEQ_EXAMPLES_QUICK=1`` for a fast smoke run and
``SKSEQ_EXAMPLES_OUT`` for the folder the figures go to.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from skseq.classifiers import CNNClassifier, InceptionTimeClassifier
from skseq.datasets import load_dataset, make_imbalanced
from skseq.losses import FocalLoss
from skseq.plotting import plot_confusion
from skseq.transformers import Interpolator

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK") == "1"
OUT = os.environ.get("SKSEQ_EXAMPLES_OUT", ".")
torch.set_num_threads(1)

# %%
# Data with gaps and zero padding
# -------------------------------

X, y = load_dataset("ItalyPowerDemand")
X, y = make_imbalanced(X, y, minority="2", ratio=10, random_state=0)
rng = np.random.default_rng(0)
damaged = X.copy()
n, _, width = X.shape
for i in np.flatnonzero(rng.random(n) < 0.4):  # NaN bursts
    burst = int(rng.integers(2, 5))
    start = int(rng.integers(1, width - burst - 1))
    damaged[i, :, start : start + burst] = np.nan
for i in np.flatnonzero(rng.random(n) < 1 / 3):  # shorter days, zero-padded
    damaged[i, :, width - int(rng.integers(1, 5)) :] = 0.0
counts = {str(c): int(k) for c, k in zip(*np.unique(y, return_counts=True))}
print(
    f"{n} days, class counts {counts}; "
    f"{np.isnan(damaged).any(axis=(1, 2)).mean():.0%} with gaps, "
    f"{(damaged[:, 0, -1] == 0).mean():.0%} zero-padded"
)
X_train, X_test, y_train, y_test = train_test_split(
    damaged, y, test_size=0.5, stratify=y, random_state=0
)

# %%
# What the interpolator does
# --------------------------
# Observed hours are never changed; bursts are filled by the spline; the
# zero padding becomes NaN padding (the skseq convention for "this series
# is shorter"), so the classifier sees the true length.

filler = Interpolator(method="spline", padding_value=0.0)
filled = filler.fit_transform(damaged)
both = np.flatnonzero(np.isnan(damaged).any(axis=(1, 2)) & (damaged[:, 0, -1] == 0))
i = int(both[0])
fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
ax.plot(X[i, 0], color="0.75", linewidth=4, label="original day")
ax.plot(damaged[i, 0], "o-", color="C3", label="damaged (NaN burst, zero padding)")
ax.plot(
    filled[i, 0],
    ".--",
    color="C0",
    label="Interpolator(method='spline', padding_value=0.0)",
)
ax.set_xlabel("hour")
ax.set_ylabel("demand (z-normalised)")
ax.legend(fontsize="small")
fig.savefig(os.path.join(OUT, "gaps_interpolation.png"), dpi=100)
observed = ~np.isnan(damaged) & (np.arange(width) < width - 4)
print(
    "observed values unchanged:",
    bool(np.array_equal(filled[observed], damaged[observed])),
)

# %%
# Two networks x two remedies
# ---------------------------
# ``balanced_batches=True`` draws every mini-batch with each class equally
# likely (sampling with replacement); ``FocalLoss(alpha="balanced")``
# keeps the data as it is and weights the loss by inverse class frequency
# while down-weighting the easy samples (``gamma=2``). The networks get the
# series length in ``fit`` (InceptionTime scales its kernels to 24 steps).

common = {"max_epochs": 2 if QUICK else 60, "random_state": 0, "n_threads": 1}
networks = {
    "CNN": (CNNClassifier, {"module__n_filters": (16, 32), "module__kernel_size": 3}),
    "InceptionTime": (
        InceptionTimeClassifier,
        {"module__n_filters": 16, "module__depth": 3},
    ),
}
remedies = {
    "balanced batches": {"balanced_batches": True},
    "focal loss": {
        "criterion": FocalLoss,
        "criterion__alpha": "balanced",
        "criterion__gamma": 2.0,
    },
}
rows, predictions = [], {}
for net_name, (cls, arch) in networks.items():
    for remedy, extra in remedies.items():
        model = make_pipeline(
            Interpolator(method="spline", padding_value=0.0),
            cls(**arch, **extra, **common),
        )
        y_pred = model.fit(X_train, y_train).predict(X_test)
        predictions[(net_name, remedy)] = y_pred
        per_class = recall_score(y_test, y_pred, average=None, labels=["1", "2"])
        rows.append(
            {
                "network": net_name,
                "remedy": remedy,
                "macro-F1": f1_score(y_test, y_pred, average="macro"),
                "balanced acc.": balanced_accuracy_score(y_test, y_pred),
                "acc. class 1": per_class[0],
                "acc. class 2 (rare)": per_class[1],
            }
        )
table = pd.DataFrame(rows)
print(table.to_string(index=False, float_format="%.3f"))

# %%
# Per-class accuracy side by side
# -------------------------------
# The accuracy of each class is its recall: the share of its test days
# predicted as that class.

fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
labels = [f"{r.network}\n{r.remedy}" for r in table.itertuples()]
xs = np.arange(len(table))
axes[0].bar(xs - 0.2, table["acc. class 1"], width=0.4, label="class 1")
axes[0].bar(xs + 0.2, table["acc. class 2 (rare)"], width=0.4, label="class 2 (rare)")
axes[0].set_xticks(xs, labels, fontsize="small")
axes[0].set_ylabel("per-class accuracy (recall)")
axes[0].set_ylim(0, 1.05)
axes[0].legend(loc="lower right")
best = table.loc[table["macro-F1"].idxmax()]
plot_confusion(y_test, predictions[(best.network, best.remedy)], ax=axes[1])
axes[1].set_title(f"{best.network}, {best.remedy}\n{axes[1].get_title()}")
fig.savefig(os.path.join(OUT, "gaps_cnn_rare_class.png"), dpi=100)
