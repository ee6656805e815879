"""Pure torch networks (no scikit-learn in here).

Every network is built as ``Network(n_channels, n_classes, **hyperparameters)``
and called as ``forward(x, lengths=None) -> logits`` with ``x`` of shape
``(batch, channels, time)``, zero on padded steps, and ``lengths`` the number of
observed steps of each series. Padding never influences the logits.
"""

from ._attention import AdditiveAttentionPooling, AttentionLSTMNetwork
from ._cnn import (
    CNNNetwork,
    FCNNetwork,
    InceptionTimeNetwork,
    MaskedBatchNorm1d,
    ResNetNetwork,
)
from ._hybrid import CNNLSTMNetwork, LSTMFCNNetwork
from ._masking import length_mask, masked_max, masked_mean, masked_pool, zero_padding
from ._rnn import FeatureBatchNorm, GRUNetwork, LSTMNetwork, MLPHead, RNNNetwork
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
    "MaskedBatchNorm1d",
    "RNNNetwork",
    "ResNetNetwork",
    "SinusoidalPositionalEncoding",
    "TransformerNetwork",
    "length_mask",
    "masked_max",
    "masked_mean",
    "masked_pool",
    "zero_padding",
]
