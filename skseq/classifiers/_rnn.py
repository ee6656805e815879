"""LSTM and GRU classifiers."""

from __future__ import annotations

from typing import Any

from .._docstrings import fill_doc
from ..nn import GRUNetwork, LSTMNetwork
from ._base import BaseSequenceClassifier

__all__ = ["LSTMClassifier", "GRUClassifier"]


@fill_doc
class LSTMClassifier(BaseSequenceClassifier):
    """Stacked, optionally bidirectional LSTM classifier for (imbalanced) panels.

    A scikit-learn classifier (and a skorch ``NeuralNetClassifier``) over
    :class:`skseq.nn.LSTMNetwork`. Input size and number of classes come from
    the data; labels may be of any type; unequal lengths are handled by a
    masked recurrence (each series read only up to its length, as packed
    sequences would), so padding never influences a prediction.

    The default network is a bidirectional single-layer LSTM with 64 units per
    direction whose outputs are pooled over time (masked mean and max) and
    batch-normalised before a linear head. Reading only the last time step
    (``module__pooling="last"``) is the textbook variant, but it stays near
    chance on series longer than a few dozen steps.

    The defaults were chosen over seeds and data sets, not one run: with
    ``lr=1e-2``, a constant learning rate and no feature batch norm, 3 of 5
    seeds never fitted GunPoint's training set (a plateau at chance whose end
    depended on the seed and the CPU's kernels). The feature batch norm ends
    the plateau (0.987-1.0 on seeds 0-4, native and baseline kernels);
    ``lr=3e-3`` with the warm-up + cosine schedule was at least as good as
    ``1e-2`` on each of ArrowHead, JapaneseVowels, BasicMotions and
    ItalyPowerDemand (3 seeds each; e.g. ArrowHead mean 0.688 vs 0.669). See
    ``benchmarks/results/quality.md`` for every default on seven data sets.

    Parameters
    ----------
    {module_parameter}
        ``hidden_size`` (64), ``num_layers`` (1), ``bidirectional`` (True),
        ``dropout`` (between layers, 0.0), ``pooling`` ("meanmax", "mean",
        "max" or "last"), ``head_hidden_sizes`` (()), ``head_dropout`` (0.0).
    {training_3e3}

    {classifier_attributes}

    See Also
    --------
    GRUClassifier : the same with GRU cells.

    References
    ----------
    .. [1] S. Hochreiter and J. Schmidhuber, "Long Short-Term Memory",
       Neural Computation 9(8), 1997.

    Examples
    --------
    >>> from sktime.datasets import load_gunpoint
    >>> from skseq.classifiers import LSTMClassifier
    >>> X, y = load_gunpoint(split="train", return_X_y=True, return_type="numpy3D")
    >>> clf = LSTMClassifier(module__hidden_size=8, max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    >>> clf.classes_
    array(['1', '2'], dtype='<U1')
    """

    def __init__(
        self,
        module: Any = LSTMNetwork,
        *,
        lr: float = 3e-3,
        **kwargs: Any,
    ) -> None:
        super().__init__(module, lr=lr, **kwargs)


@fill_doc
class GRUClassifier(BaseSequenceClassifier):
    """Stacked, optionally bidirectional GRU classifier for (imbalanced) panels.

    Identical to :class:`LSTMClassifier` but over
    :class:`skseq.nn.GRUNetwork`: a bidirectional GRU with 64 units per
    direction and masked mean/max pooling over time by default. GRUs have
    fewer parameters than LSTMs and often train a little faster.

    Parameters
    ----------
    module : torch.nn.Module class, default=skseq.nn.GRUNetwork
        The network; hyper-parameters via ``module__*`` as for
        :class:`LSTMClassifier`.
    {training_3e3}

    {classifier_attributes}

    See Also
    --------
    LSTMClassifier : the same with LSTM cells.

    References
    ----------
    .. [1] K. Cho et al., "Learning Phrase Representations using RNN
       Encoder-Decoder for Statistical Machine Translation", EMNLP 2014.

    Examples
    --------
    >>> from sktime.datasets import load_italy_power_demand
    >>> from skseq.classifiers import GRUClassifier
    >>> X, y = load_italy_power_demand(split="train", return_X_y=True,
    ...                                return_type="numpy3D")
    >>> clf = GRUClassifier(module__hidden_size=8, max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self,
        module: Any = GRUNetwork,
        *,
        lr: float = 3e-3,
        **kwargs: Any,
    ) -> None:
        super().__init__(module, lr=lr, **kwargs)
