"""Model selection for imbalanced sequence classification.

- :class:`MulticlassThresholdClassifierCV`: per-class decision weights tuned
  by cross-validation (multi-class decision thresholds).
- :class:`CascadeClassifier`: the dominant class(es) against the rest, then
  the rest with a second model.
- :func:`search_space`: distributions of every skseq classifier's
  hyper-parameters (and of the samplers and losses around it) for
  ``RandomizedSearchCV`` or Optuna; :func:`optuna_objective` and
  :func:`suggest_params` run an Optuna study over it.
- :func:`cluster_backend`: run any search on a Dask or Ray cluster through
  joblib's backends.
"""

from ._cascade import CascadeClassifier
from ._scaleout import cluster_backend
from ._spaces import optuna_objective, search_space, suggest_params
from ._threshold import MulticlassThresholdClassifierCV

__all__ = [
    "CascadeClassifier",
    "MulticlassThresholdClassifierCV",
    "cluster_backend",
    "optuna_objective",
    "search_space",
    "suggest_params",
]
