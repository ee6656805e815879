"""Hybrid convolutional-recurrent classifiers: LSTM-FCN and CNN-LSTM."""

from __future__ import annotations

from typing import Any

from .._docstrings import fill_doc
from ..nn import CNNLSTMNetwork, LSTMFCNNetwork
from ._base import BaseSequenceClassifier

__all__ = ["CNNLSTMClassifier", "LSTMFCNClassifier"]

# tiny, seeded, and still able to fit make_blobs seen as length-2 series


@fill_doc
class LSTMFCNClassifier(BaseSequenceClassifier):
    """LSTM-FCN classifier of Karim et al. (2017).

    A scikit-learn classifier (and a skorch ``NeuralNetClassifier``) over
    :class:`skseq.nn.LSTMFCNNetwork`: an FCN branch (three blocks of
    convolution, batch norm and ReLU with 128, 256 and 128 filters of widths
    8, 5 and 3, then global average pooling) beside an LSTM branch (8 units,
    final hidden state, dropout 0.8), concatenated before a linear layer.
    The LSTM reads each series over time up to its length, rather than the
    paper's "dimension shuffle" (all time steps as one step), which would fix
    the series length; so unequal lengths work and padding never changes a
    prediction.

    The defaults were measured on ArrowHead over 3 seeds: ``lr=1e-3`` with
    ``batch_size=32`` gave test mean 0.686 (train 0.89-0.97); ``batch_size=16``
    with ``lr=3e-3`` 0.790 (train 0.97-1.0).
    {quality_note}

    Parameters
    ----------
    {module_parameter}
        ``n_filters`` ((128, 256, 128)), ``kernel_sizes`` ((8, 5, 3)),
        ``lstm_hidden_size`` (8), ``lstm_bidirectional`` (False),
        ``lstm_pooling`` ("last", "mean", "max" or "meanmax"),
        ``lstm_dropout`` (0.8), ``head_dropout`` (0.0).
    {training_3e3}

    {classifier_attributes}

    See Also
    --------
    FCNClassifier : The FCN branch alone.
    CNNLSTMClassifier : Convolutions feeding an LSTM (in series, not beside).

    References
    ----------
    {ref_lstm_fcn}

    Examples
    --------
    >>> from sktime.datasets import load_gunpoint
    >>> from skseq.classifiers import LSTMFCNClassifier
    >>> X, y = load_gunpoint(split="train", return_X_y=True, return_type="numpy3D")
    >>> clf = LSTMFCNClassifier(module__n_filters=(8, 16, 8), max_epochs=2,
    ...                         random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    def __init__(
        self, module: Any = LSTMFCNNetwork, *, lr: float = 3e-3, **kwargs: Any
    ) -> None:
        super().__init__(module, lr=lr, **kwargs)


@fill_doc
class CNNLSTMClassifier(BaseSequenceClassifier):
    """Convolutional blocks followed by an LSTM (CNN-LSTM) classifier.

    A scikit-learn classifier (and a skorch ``NeuralNetClassifier``) over
    :class:`skseq.nn.CNNLSTMNetwork`: two blocks of convolution (64 filters of
    width 5), batch norm, ReLU and max pooling shorten the series fourfold,
    a bidirectional LSTM with 64 units per direction reads the result up to
    each series' length, and its outputs are pooled over the observed steps (masked
    mean and max) before a linear layer. The usual choice when local shapes
    matter and so does their order, on series too long for an LSTM alone.

    The defaults were measured on ArrowHead over 3 seeds: ``lr=1e-3`` fits the
    training set on every seed (test mean 0.787 at ``batch_size=32``,
    0.785 at ``16``; GunPoint 0.98-1.0).
    {quality_note}

    Parameters
    ----------
    {module_parameter}
        ``n_filters`` ((64, 64)), ``kernel_size`` (5), ``pool_size`` (2),
        ``batch_norm`` (True), ``cell`` ("lstm" or "gru"), ``hidden_size``
        (64), ``num_layers`` (1), ``bidirectional`` (True), ``rnn_dropout``
        (0.0), ``pooling`` ("meanmax", "mean", "max" or "last"),
        ``head_hidden_sizes`` (()), ``head_dropout`` (0.0).
    {training_1e3}

    {classifier_attributes}

    See Also
    --------
    LSTMFCNClassifier : An LSTM beside (not after) an FCN.
    LSTMClassifier : The LSTM alone.

    References
    ----------
    .. [1] T. N. Sainath, O. Vinyals, A. Senior and H. Sak, "Convolutional,
       long short-term memory, fully connected deep neural networks", ICASSP
       2015.

    Examples
    --------
    >>> from sktime.datasets import load_basic_motions
    >>> from skseq.classifiers import CNNLSTMClassifier
    >>> X, y = load_basic_motions(split="train", return_X_y=True,
    ...                           return_type="numpy3D")
    >>> clf = CNNLSTMClassifier(module__n_filters=(8,), module__hidden_size=8,
    ...                         max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:2]).shape
    (2, 4)
    """

    def __init__(self, module: Any = CNNLSTMNetwork, **kwargs: Any) -> None:
        super().__init__(module, **kwargs)
