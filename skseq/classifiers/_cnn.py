"""Convolutional classifiers: plain CNN, FCN, ResNet and InceptionTime."""

from __future__ import annotations

from typing import Any

from .._docstrings import fill_doc
from ..nn import CNNNetwork, FCNNetwork, InceptionTimeNetwork, ResNetNetwork
from ._base import BaseSequenceClassifier

__all__ = [
    "CNNClassifier",
    "FCNClassifier",
    "InceptionTimeClassifier",
    "ResNetClassifier",
]

# Shared by the checks in test_common.py: tiny, seeded, few optimiser steps,
# and still able to fit make_blobs seen as length-2 series
# (check_classifiers_train wants > 0.83; measured 0.93-0.98 over seeds 0-2).


@fill_doc
class CNNClassifier(BaseSequenceClassifier):
    """Plain 1-D convolutional classifier for (imbalanced) panels.

    A scikit-learn classifier (and a skorch ``NeuralNetClassifier``) over
    :class:`skseq.nn.CNNNetwork`: blocks of convolution, batch norm, ReLU and
    max pooling, global pooling over the observed time steps and a dense head
    with dropout — the architecture practitioners start from. Input size and
    number of classes come from the data; padding of unequal-length series is
    masked after every layer and in the pooling, so it never changes a
    prediction.

    The defaults were measured on ArrowHead over 3 seeds: ``lr=1e-3`` with
    ``batch_size=32`` gave test mean 0.655; ``batch_size=16`` with ``lr=3e-3``
    0.722 (train accuracy 1.0 on every seed).
    {quality_note}

    Parameters
    ----------
    {module_parameter}
        ``n_filters`` ((32, 64, 128)), ``kernel_size`` (5), ``pool_size``
        (2), ``batch_norm`` (True), ``pooling`` ("meanmax", "mean" or "max"),
        ``head_hidden_sizes`` ((64,)), ``head_dropout`` (0.3).
    {training_3e3}

    {classifier_attributes}

    See Also
    --------
    FCNClassifier : Wang et al.'s fully convolutional baseline.
    CNNLSTMClassifier : Conv blocks followed by an LSTM.

    References
    ----------
    .. [1] Y. LeCun, Y. Bengio and G. Hinton, "Deep learning", Nature 521,
       2015 (convolutional networks); B. Zhao, H. Lu, S. Chen, J. Liu and
       D. Wu, "Convolutional neural networks for time series
       classification", Journal of Systems Engineering and Electronics 28(1),
       2017.

    Examples
    --------
    >>> from sktime.datasets import load_gunpoint
    >>> from skseq.classifiers import CNNClassifier
    >>> X, y = load_gunpoint(split="train", return_X_y=True, return_type="numpy3D")
    >>> clf = CNNClassifier(module__n_filters=(8, 8), max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    >>> clf.classes_
    array(['1', '2'], dtype='<U1')
    """

    def __init__(
        self, module: Any = CNNNetwork, *, lr: float = 3e-3, **kwargs: Any
    ) -> None:
        super().__init__(module, lr=lr, **kwargs)


@fill_doc
class FCNClassifier(BaseSequenceClassifier):
    """Fully convolutional network (FCN) classifier of Wang et al. (2017).

    A scikit-learn classifier (and a skorch ``NeuralNetClassifier``) over
    :class:`skseq.nn.FCNNetwork`: three blocks of 'same'-padded convolution
    (128, 256, 128 filters of widths 8, 5, 3), batch norm and ReLU, global
    average pooling over the observed time steps and a linear layer. A strong,
    simple baseline for univariate and multivariate series; padding of
    unequal-length series never changes a prediction.

    The defaults were measured on ArrowHead over 3 seeds: ``lr=1e-3`` with
    ``batch_size=32`` gave test mean 0.674 (train 0.92-0.94), ``batch_size=16``
    0.720, and ``batch_size=16`` with ``lr=3e-3`` 0.792 (train 0.97-1.0).
    {quality_note}

    Parameters
    ----------
    {module_parameter}
        ``n_filters`` ((128, 256, 128)), ``kernel_sizes`` ((8, 5, 3)),
        ``pooling`` ("mean", "max" or "meanmax"), ``head_dropout`` (0.0).
    {training_3e3}

    {classifier_attributes}

    See Also
    --------
    ResNetClassifier : The same blocks with residual shortcuts.
    LSTMFCNClassifier : FCN with an LSTM branch beside it.

    References
    ----------
    {ref_wang2017}

    Examples
    --------
    >>> from sktime.datasets import load_italy_power_demand
    >>> from skseq.classifiers import FCNClassifier
    >>> X, y = load_italy_power_demand(split="train", return_X_y=True,
    ...                                return_type="numpy3D")
    >>> clf = FCNClassifier(module__n_filters=(8, 16, 8), max_epochs=2,
    ...                     random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self, module: Any = FCNNetwork, *, lr: float = 3e-3, **kwargs: Any
    ) -> None:
        super().__init__(module, lr=lr, **kwargs)


@fill_doc
class ResNetClassifier(BaseSequenceClassifier):
    """Residual network (ResNet) classifier of Wang et al. (2017).

    A scikit-learn classifier (and a skorch ``NeuralNetClassifier``) over
    :class:`skseq.nn.ResNetNetwork`: three residual blocks of 64, 128 and 128
    filters, each stacking convolutions of widths 8, 5 and 3 with batch norm
    and ReLU around a shortcut, then global average pooling over the observed
    time steps and a linear layer. The strongest single deep model of Ismail
    Fawaz et al.'s 2019 review of the UCR archive, at about three times the
    cost of the FCN.

    The defaults were measured on ArrowHead over 3 seeds: ``lr=1e-3`` fits the
    training set at ``batch_size=32`` (test mean 0.859) and ``16`` (0.874); the
    deep residual stack needs no larger step.
    {quality_note}

    Parameters
    ----------
    {module_parameter}
        ``n_filters`` ((64, 128, 128)), ``kernel_sizes`` ((8, 5, 3)),
        ``pooling`` ("mean", "max" or "meanmax"), ``head_dropout`` (0.0).
    {training_1e3}

    {classifier_attributes}

    See Also
    --------
    FCNClassifier : The same blocks without shortcuts.
    InceptionTimeClassifier : Inception modules with residual shortcuts.

    References
    ----------
    {ref_wang2017}
    .. [2] H. Ismail Fawaz, G. Forestier, J. Weber, L. Idoumghar and
       P.-A. Muller, "Deep learning for time series classification: a
       review", Data Mining and Knowledge Discovery 33, 2019.

    Examples
    --------
    >>> from sktime.datasets import load_basic_motions
    >>> from skseq.classifiers import ResNetClassifier
    >>> X, y = load_basic_motions(split="train", return_X_y=True,
    ...                           return_type="numpy3D")
    >>> clf = ResNetClassifier(module__n_filters=(8, 8), max_epochs=2,
    ...                        random_state=0)
    >>> clf.fit(X, y).predict(X[:2]).shape
    (2,)
    >>> clf.n_channels_in_
    6
    """

    def __init__(self, module: Any = ResNetNetwork, **kwargs: Any) -> None:
        super().__init__(module, **kwargs)


@fill_doc
class InceptionTimeClassifier(BaseSequenceClassifier):
    """InceptionTime classifier of Ismail Fawaz et al. (2020), one network.

    A scikit-learn classifier (and a skorch ``NeuralNetClassifier``) over
    :class:`skseq.nn.InceptionTimeNetwork`: six Inception modules (a 1x1
    bottleneck, parallel convolutions of widths 40, 20 and 10 and a max-pool
    branch, 32 filters each) with a residual shortcut around every three,
    global average pooling over the observed time steps and a linear layer.
    On series shorter than the widest kernel the kernels are scaled down in
    proportion to the longest training series (``module__n_timepoints``
    overrides that length).

    The paper's InceptionTime averages five such networks; fit several with
    different ``random_state`` and average them (e.g. with
    :class:`sklearn.ensemble.VotingClassifier` and ``voting="soft"``) to
    reproduce it.

    The defaults were measured on ArrowHead over 3 seeds: ``lr=1e-3`` fits the
    training set on every seed (test mean 0.83 at ``batch_size=32``).
    {quality_note}

    Parameters
    ----------
    {module_parameter}
        ``n_filters`` (32), ``kernel_sizes`` ((40, 20, 10)),
        ``bottleneck_size`` (32), ``depth`` (6), ``residual`` (True),
        ``n_timepoints`` (the longest training series), ``pooling``
        ("mean"), ``head_dropout`` (0.0).
    {training_1e3}

    {classifier_attributes}
    n_timepoints_ : int
        Longest series seen in ``fit`` (passed to the network as
        ``n_timepoints`` unless ``module__n_timepoints`` is set).

    See Also
    --------
    ResNetClassifier : Wang et al.'s residual network.

    References
    ----------
    {ref_inceptiontime}

    Examples
    --------
    >>> from sktime.datasets import load_italy_power_demand
    >>> from skseq.classifiers import InceptionTimeClassifier
    >>> X, y = load_italy_power_demand(split="train", return_X_y=True,
    ...                                return_type="numpy3D")
    >>> clf = InceptionTimeClassifier(module__n_filters=4, module__depth=3,
    ...                               max_epochs=2, random_state=0)
    >>> clf.fit(X, y).module_.effective_kernel_sizes  # series of 24 steps
    (24, 12, 6)
    """

    def __init__(self, module: Any = InceptionTimeNetwork, **kwargs: Any) -> None:
        super().__init__(module, **kwargs)
