"""imbalanced-learn samplers for panels of time series.

- :class:`PanelSampler` runs any imbalanced-learn sampler (SMOTE, ADASYN,
  NearMiss, TomekLinks, …) on 3-D panels.
- :class:`AugmentationOverSampler` over-samples minority classes with
  augmented copies of their own series (jitter, scaling, magnitude and time
  warps, window slicing and warping).

Both are imblearn samplers: in :class:`imblearn.pipeline.Pipeline` they
resample the training data in ``fit`` and are skipped at predict time.
"""

from ._augment import AugmentationOverSampler
from ._panel import PanelSampler

__all__ = ["AugmentationOverSampler", "PanelSampler"]
