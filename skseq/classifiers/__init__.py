"""Deep sequence classifiers as scikit-learn / skorch estimators.

Every classifier is a thin subclass of :class:`BaseSequenceClassifier` whose
``module`` defaults to one network of :mod:`skseq.nn`; swap the family by
swapping the class, grid-search across families with a pipeline step.
"""

from ._accelerate import accelerated
from ._attention import AttentionLSTMClassifier
from ._base import BaseSequenceClassifier
from ._cnn import (
    CNNClassifier,
    FCNClassifier,
    InceptionTimeClassifier,
    ResNetClassifier,
)
from ._hybrid import CNNLSTMClassifier, LSTMFCNClassifier
from ._rnn import GRUClassifier, LSTMClassifier
from ._transformer import TransformerClassifier

__all__ = [
    "AttentionLSTMClassifier",
    "BaseSequenceClassifier",
    "CNNClassifier",
    "CNNLSTMClassifier",
    "FCNClassifier",
    "GRUClassifier",
    "InceptionTimeClassifier",
    "LSTMClassifier",
    "LSTMFCNClassifier",
    "ResNetClassifier",
    "TransformerClassifier",
    "accelerated",
]
