"""Transformer encoder classifier."""

from __future__ import annotations

from typing import Any

from .._docstrings import fill_doc
from ..nn import TransformerNetwork
from ._base import BaseSequenceClassifier

__all__ = ["TransformerClassifier"]


@fill_doc
class TransformerClassifier(BaseSequenceClassifier):
    """Transformer encoder classifier for (imbalanced) panels.

    A scikit-learn classifier (and a skorch ``NeuralNetClassifier``) over
    :class:`skseq.nn.TransformerNetwork`, the encoder of Vaswani et al. (2017)
    applied to time series as in Zerveas et al. (2021): every time step (or
    patch of steps) becomes a token, a positional encoding is added, a stack
    of self-attention layers runs with a key-padding mask so padded steps are
    never attended to, and the tokens are pooled (masked mean or a CLS token)
    for a dense head. Input size and number of classes come from the data;
    labels may be of any type; unequal lengths never influence a prediction.

    By default a strided convolution turns every 4 steps into one token
    (``module__patch_size=4``): attention costs grow with the square of the
    number of tokens, so raise it for series of thousands of steps, and set it
    to 1 (with ``module__stem="linear"`` for Zerveas et al.'s per-step
    projection) for series of only a few steps.

    The defaults were measured on ArrowHead over 3 seeds: ``lr=1e-3`` with
    ``batch_size=32`` underfitted (train accuracy 0.75-0.83, test mean 0.625);
    ``batch_size=16`` with ``lr=3e-3`` fits the training set on every seed
    (test mean 0.731).
    {quality_note}

    Parameters
    ----------
    {module_parameter}
        ``d_model`` (64), ``n_heads`` (4), ``num_layers`` (2),
        ``dim_feedforward`` (128), ``dropout`` (0.1), ``activation``
        ("gelu"), ``norm_first`` (True), ``stem`` ("conv" or "linear"),
        ``patch_size`` (4), ``kernel_size`` (None: ``2 * patch_size + 1``),
        ``positional_encoding`` ("learned", "sinusoidal" or "none"),
        ``max_len`` (1024 tokens for learned positions), ``pooling`` ("mean"
        or "cls"), ``head_hidden_sizes`` (()), ``head_dropout`` (0.0).
    {training_3e3}

    {classifier_attributes}

    See Also
    --------
    AttentionLSTMClassifier : a bidirectional LSTM with attention pooling.

    References
    ----------
    .. [1] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.
    .. [2] G. Zerveas, S. Jayaraman, D. Patel, A. Bhamidipaty and C. Eickhoff,
       "A transformer-based framework for multivariate time series
       representation learning", KDD 2021.

    Examples
    --------
    >>> from sktime.datasets import load_gunpoint
    >>> from skseq.classifiers import TransformerClassifier
    >>> X, y = load_gunpoint(split="train", return_X_y=True, return_type="numpy3D")
    >>> clf = TransformerClassifier(module__d_model=16, max_epochs=2,
    ...                             random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:3]).shape
    (3, 2)
    """

    def __init__(
        self, module: Any = TransformerNetwork, *, lr: float = 3e-3, **kwargs: Any
    ) -> None:
        super().__init__(module, lr=lr, **kwargs)
