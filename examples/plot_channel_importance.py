"""
======================================================================
Which sensor channels and which moments matter: permutation importance
======================================================================

BasicMotions holds 10-second smart-watch recordings (100 steps, 6
channels; the UEA archive describes them as a 3-D accelerometer and a
3-D gyroscope) of people standing, walking, running and playing
badminton. A fully convolutional network
(:class:`~skseq.classifiers.FCNClassifier`) classifies them; we then ask
the fitted model which inputs it relies on.

scikit-learn's :func:`~sklearn.inspection.permutation_importance`
refuses 3-D panels, and on a flattened panel it shuffles single time
steps, which a convolutional network barely notices: every importance
comes out near 0. :func:`skseq.inspection.permutation_importance`
shuffles what a sequence model reads:

- ``by="channel"``: a whole channel, moved from one series to another;
- ``by="segment"``: a stretch of time of every channel.

The importance is the drop of the test score (here macro-F1) when that
feature is shuffled, over several shuffles;
:func:`skseq.plotting.plot_importance` draws it.

Set ``SKSEQ_EXAMPLES_QUICK=1`` for a fast smoke run (a few epochs: the
numbers are then meaningless) and ``SKSEQ_EXAMPLES_OUT`` for the folder
the figures go to.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.inspection import permutation_importance as sklearn_importance
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skseq.classifiers import FCNClassifier
from skseq.datasets import load_dataset
from skseq.inspection import permutation_importance
from skseq.plotting import plot_importance

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK") == "1"
OUT = os.environ.get("SKSEQ_EXAMPLES_OUT", ".")
torch.set_num_threads(1)  # small networks: one thread is fastest on a shared CPU

# %%
# Data and model
# --------------
# The published split: 40 recordings to train on, 40 to test on.

X_train, y_train = load_dataset("BasicMotions", split="train")
X_test, y_test = load_dataset("BasicMotions", split="test")
print(f"train {X_train.shape}, test {X_test.shape}, classes {np.unique(y_train)}")

clf = FCNClassifier(
    module__n_filters=(8, 8, 8) if QUICK else (32, 64, 32),
    max_epochs=5 if QUICK else 60,
    batch_size=8,
    random_state=0,
    n_threads=1,
).fit(X_train, y_train)
print(f"test macro-F1 {f1_score(y_test, clf.predict(X_test), average='macro'):.3f}")

# %%
# Channel importance
# ------------------
# Each of the 6 channels is shuffled across the 40 test recordings,
# ``n_repeats`` times; the table gives the mean drop of macro-F1 and its
# standard deviation over the shuffles. A drop near 0 means the model does
# not need the channel (or finds the same information in another one:
# correlated channels share their importance).

n_repeats = 2 if QUICK else 20
channels = permutation_importance(
    clf,
    X_test,
    y_test,
    by="channel",
    scoring="f1_macro",
    n_repeats=n_repeats,
    random_state=0,
)
print("\nchannel    drop of macro-F1")
for k in np.argsort(-channels.importances_mean):
    name = channels.feature_names[k]
    mean, std = channels.importances_mean[k], channels.importances_std[k]
    print(f"{name:<10} {mean:6.3f} ± {std:.3f}")

# %%
# Segment importance
# ------------------
# The same, shuffling a stretch of time of every channel at a time: which
# moments the model looks at. First tenths of the recording (10 steps),
# then halves. A network that pools over the whole series, as the FCN
# does, can find its evidence anywhere in it: when a shuffled tenth changes
# nothing but a shuffled half does, the evidence is spread over time
# rather than sitting in one moment.

segments = {}
for n_segments in (10, 2):
    segments[n_segments] = permutation_importance(
        clf,
        X_test,
        y_test,
        by="segment",
        n_segments=n_segments,
        scoring="f1_macro",
        n_repeats=n_repeats,
        random_state=0,
    )
    result = segments[n_segments]
    print(f"\n{n_segments} segments  drop of macro-F1")
    for name, mean, std in zip(
        result.feature_names,
        result.importances_mean,
        result.importances_std,
        strict=True,
    ):
        print(f"{name:<13} {mean:6.3f} ± {std:.3f}")

# %%
# What flattening would have said
# -------------------------------
# scikit-learn's version on the flattened panel (600 columns: channel ×
# time step), through a pipeline that restores the 3-D shape before the
# network. Each column is one reading at one time step: shuffling it
# changes almost nothing, so no step, and no channel, looks important.

to_panel = FunctionTransformer(lambda X: X.reshape(len(X), 6, -1))
flat = sklearn_importance(
    make_pipeline(to_panel, clf),
    X_test.reshape(len(X_test), -1),
    y_test,
    scoring="f1_macro",
    n_repeats=1 if QUICK else 3,
    random_state=0,
)
per_step = flat.importances_mean.reshape(6, -1)
print(
    f"\nflattened: largest drop of one time step {per_step.max():.3f}, "
    f"summed per channel {np.round(per_step.sum(axis=1), 3).tolist()}"
)

# %%
# The figure
# ----------
# Box plots of the shuffles per channel, the most important on top; bars
# with standard deviations per segment, in time order (``sort=False``); a
# dashed line at 0.

fig, (ax_channels, ax_tenths, ax_halves) = plt.subplots(
    1, 3, figsize=(14.0, 4.2), layout="constrained"
)
plot_importance(channels, ax_channels, metric="f1_macro")
ax_channels.set_title("Channels of BasicMotions")
plot_importance(segments[10], ax_tenths, kind="bar", metric="f1_macro", sort=False)
ax_tenths.set_title("Tenths of the recording")
plot_importance(segments[2], ax_halves, kind="bar", metric="f1_macro", sort=False)
ax_halves.set_title("Halves of the recording")
fig.savefig(os.path.join(OUT, "channel_importance.png"))
