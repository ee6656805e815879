"""Deep sequence classifiers as scikit-learn / skorch estimators."""

from ._base import BaseSequenceClassifier
from ._rnn import GRUClassifier, LSTMClassifier

__all__ = ["BaseSequenceClassifier", "GRUClassifier", "LSTMClassifier"]
