"""Pure torch networks (no scikit-learn in here).

Every network is built as ``Network(n_channels, n_classes, **hyperparameters)``
and called as ``forward(x, lengths=None) -> logits`` with ``x`` of shape
``(batch, channels, time)``, zero on padded steps, and ``lengths`` the number of
observed steps of each series, or ``None`` when nothing is padded (a static
choice the data layer makes; no network branches on tensor values, so every
network traces and exports as one graph). Padding never influences the
logits. The masks and masked operations live in one place, the masking layer
(``length_mask``, ``padding_mask`` and the functions beside them).
"""

from . import _masking
from ._attention import AdditiveAttentionPooling, AttentionLSTMNetwork
from ._cnn import CNNNetwork, FCNNetwork, InceptionTimeNetwork, ResNetNetwork
from ._hybrid import CNNLSTMNetwork, LSTMFCNNetwork
from ._masking import *  # noqa: F403 - its __all__ lists what skseq.nn shows
from ._rnn import FeatureBatchNorm, GRUNetwork, LSTMNetwork, MLPHead, RNNNetwork
from ._scaling import SeriesScaling
from ._transformer import SinusoidalPositionalEncoding, TransformerNetwork

__all__ = [
    "AdditiveAttentionPooling",
    "AttentionLSTMNetwork",
    "CNNLSTMNetwork",
    "CNNNetwork",
    "FCNNetwork",
    "FeatureBatchNorm",
    "GRUNetwork",
    "InceptionTimeNetwork",
    "LSTMFCNNetwork",
    "LSTMNetwork",
    "MLPHead",
    "RNNNetwork",
    "ResNetNetwork",
    "SeriesScaling",
    "SinusoidalPositionalEncoding",
    "TransformerNetwork",
]
# the masking layer's public functions and MaskedBatchNorm1d, listed there
__all__ += _masking.__all__
