"""Row-preserving panel transformers: panel in, panel out, same rows.

Every transformer here is a plain scikit-learn transformer
(``BaseEstimator`` + ``TransformerMixin``) that accepts any panel form
:func:`skseq.utils.check_panel` accepts and returns a float32 panel
``(n_instances, n_channels, n_timepoints)`` with one row per input row, so it
composes with skseq classifiers in a :class:`sklearn.pipeline.Pipeline` or an
:class:`imblearn.pipeline.Pipeline`.
"""

from ._interpolate import Interpolator
from ._length import Padder, Truncator
from ._normalize import Normalizer
from ._rolling import RollingFeatures

__all__ = ["Interpolator", "Normalizer", "Padder", "RollingFeatures", "Truncator"]
