"""Model selection for imbalanced sequence classification.

- :class:`MulticlassThresholdClassifierCV`: per-class decision weights tuned
  by cross-validation (multi-class decision thresholds).
- :class:`CascadeClassifier`: the dominant class(es) against the rest, then
  the rest with a second model.
"""

from ._cascade import CascadeClassifier
from ._threshold import MulticlassThresholdClassifierCV

__all__ = ["CascadeClassifier", "MulticlassThresholdClassifierCV"]
