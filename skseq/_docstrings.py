"""Docstring paragraphs shared by several classifiers and networks.

Each shared paragraph is written once below. A docstring asks for one by a
line holding only its name in braces, e.g. ``{classifier_attributes}``, and
the class is decorated with :data:`fill_doc`, which puts the paragraph there at
that line's indentation. Only such whole lines are replaced, so braces
elsewhere in a docstring (``{"mean", "max"}`` types) need no escaping — unlike
imbalanced-learn's ``Substitution``, which calls ``str.format`` on the whole
docstring.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_PLACEHOLDER = re.compile(r"^(?P<indent>[ ]*)\{(?P<name>\w+)\}[ ]*$", re.MULTILINE)


class Substitution:
    """Decorator that replaces ``{name}`` lines of a docstring with blocks.

    Parameters
    ----------
    **blocks : str or callable
        Paragraphs by name, written without indentation; each is indented like
        the line it replaces. A callable is given the decorated object and
        returns its paragraph (a block that depends on the class).

    Examples
    --------
    >>> from skseq._docstrings import Substitution
    >>> @Substitution(seed="random_state : int\\n    Seed.")
    ... def f(random_state):
    ...     '''Do it.
    ...
    ...     Parameters
    ...     ----------
    ...     {seed}'''
    >>> print(f.__doc__)
    Do it.
    <BLANKLINE>
        Parameters
        ----------
        random_state : int
            Seed.
    """

    def __init__(self, **blocks: str | Callable[[object], str]) -> None:
        self.blocks = {
            name: text if callable(text) else text.strip("\n")
            for name, text in blocks.items()
        }

    def __call__(self, obj: T) -> T:
        doc = obj.__doc__
        if doc is None:  # python -OO strips docstrings
            return obj

        def fill(match: re.Match[str]) -> str:
            name = match["name"]
            if name not in self.blocks:
                # a typo would otherwise reach the rendered docs unnoticed
                raise ValueError(
                    f"The docstring of {obj.__qualname__} asks for {{{name}}}, "
                    f"which is not a shared block; known: {sorted(self.blocks)}."
                )
            block = self.blocks[name]
            if callable(block):
                block = block(obj).strip("\n")
            return textwrap.indent(block, match["indent"])

        obj.__doc__ = _PLACEHOLDER.sub(fill, doc)
        return obj


# ----------------------------------------------------------------------------
# Classifiers (skseq.classifiers)
# ----------------------------------------------------------------------------


def _training_block(lr: str) -> str:
    """The ``lr``/``batch_size``/``**kwargs`` entries of a classifier."""
    return f"""
lr : float, default={lr}
    Peak learning rate (AdamW, gradients clipped to norm 1), reached after a
    linear warm-up over the first 10% of the batches and decayed along a
    cosine to 1% of it (``lr_schedule="warmup_cosine"``).
batch_size : int, default=16
    Mini-batch size: small data sets of a few dozen series still get a few
    hundred optimizer steps in 100 epochs (with 32, several networks
    stopped short of fitting ArrowHead's 36 training series).
**kwargs
    Every parameter of :class:`~skseq.classifiers.BaseSequenceClassifier`
    (``max_epochs=100``, ``lr_schedule``, ``restore_best=True``,
    ``class_weight``, ``balanced_batches``, ``bucket_by_length``,
    ``early_stopping``, ``random_state``, ``n_threads`` …) and of skorch
    (``optimizer__*``, ``criterion__*``, ``callbacks``, ``device`` …).
"""


_QUALITY_NOTE = """
See ``benchmarks/results/quality.md`` for every default over seeds
and data sets.
"""


def _module_parameter(cls: type) -> str:
    """The first lines of a classifier's ``module`` entry, naming the default
    network of its ``__init__`` (its hyper-parameters follow, indented)."""
    network = inspect.signature(cls).parameters["module"].default
    return f"""
module : torch.nn.Module class, default=skseq.nn.{network.__name__}
    The network. Its hyper-parameters are set with ``module__*``:
"""


# the per-family peak learning rates (measured; see each class's docstring)
_TRAINING_3E3 = _training_block("3e-3")
_TRAINING_1E3 = _training_block("1e-3")

# the whole section, header included
_CLASSIFIER_ATTRIBUTES = """
Attributes
----------
classes_ : ndarray of shape (n_classes,)
    Labels as given in ``fit``.
n_channels_in_ : int
    Channels seen in ``fit``.
n_features_in_ : int
    ``n_timepoints`` for 2-D input, ``n_channels`` otherwise.
class_counts_ : ndarray of shape (n_classes,)
    Training instances per class.
class_weight_ : ndarray of shape (n_classes,) or None
    The loss weights computed from ``class_weight``.
module_ : torch.nn.Module
    The trained network.
history_ : skorch.History
    Per-epoch losses and scores (``"restored_epoch"`` on the last row when
    ``restore_best`` loaded an earlier epoch's weights).
best_train_epoch_ : int
    Epoch with the lowest training loss (``restore_best=True``).
chance_loss_ : float
    Training loss of always predicting the class frequencies (or uniform
    probabilities, if lower) under the fit's criterion.
fit_at_chance_ : bool
    True when the final training loss was not below 0.95 x ``chance_loss_``:
    the network learned nothing usable (a ``ConvergenceWarning`` said so).
fit_interrupted_ : bool
    True when the last fit was cut short by Ctrl-C (``KeyboardInterrupt``)
    during an epoch; a ``UserWarning`` said so.
"""

# ----------------------------------------------------------------------------
# Networks (skseq.nn)
# ----------------------------------------------------------------------------

_NETWORK_SIZES = """
n_channels : int
    Input channels (inferred by the classifier from the data).
n_classes : int
    Output logits (inferred by the classifier from the data).
"""

_RNN_CELL = """
cell : {"lstm", "gru"}, default="lstm"
    Recurrent cell.
hidden_size : int, default=64
    Hidden units per direction.
num_layers : int, default=1
    Stacked recurrent layers.
"""

_FEATURE_NORM = """
feature_norm : bool, default=True
    Batch-normalise the pooled features before the head
    (:class:`skseq.nn.FeatureBatchNorm`). Without it, the pooled recurrent
    outputs barely differ between series at initialisation and training sits
    at chance for many epochs, leaving it on some seeds and CPUs and not on
    others (LSTM on GunPoint, 5 seeds: 0.45-0.97 without, 0.987-1.0 with).
"""

_DENSE_HEAD = """
head_hidden_sizes : sequence of int, default=()
    Hidden dense layers of the head.
head_dropout : float, default=0.0
    Dropout in the head.
"""

# Wang et al.'s networks and InceptionTime: global pooling, one linear layer
_POOLED_LINEAR_HEAD = """
pooling : {"mean", "max", "meanmax"}, default="mean"
    Global pooling over the observed time steps (the paper averages).
head_dropout : float, default=0.0
    Dropout before the linear layer.
"""

# ----------------------------------------------------------------------------
# References, numbered as every docstring that cites them numbers them
# ----------------------------------------------------------------------------

_REF_WANG2017 = """
.. [1] Z. Wang, W. Yan and T. Oates, "Time series classification from
   scratch with deep neural networks: A strong baseline", IJCNN 2017.
"""

_REF_INCEPTIONTIME = """
.. [1] H. Ismail Fawaz, B. Lucas, G. Forestier, C. Pelletier, D. F.
   Schmidt, J. Weber, G. I. Webb, L. Idoumghar, P.-A. Muller and
   F. Petitjean, "InceptionTime: Finding AlexNet for time series
   classification", Data Mining and Knowledge Discovery 34, 2020.
"""

_REF_LSTM_FCN = """
.. [1] F. Karim, S. Majumdar, H. Darabi and S. Chen, "LSTM fully
   convolutional networks for time series classification", IEEE Access 6,
   2017.
"""

_REF_ATTENTION = """
.. [1] D. Bahdanau, K. Cho and Y. Bengio, "Neural machine translation by
   jointly learning to align and translate", ICLR 2015.
.. [2] C. Raffel and D. P. W. Ellis, "Feed-forward networks with attention
   can solve some long-term memory problems", arXiv:1512.08756, 2015.
"""

# ----------------------------------------------------------------------------
# Prediction methods (classifiers and the exported ONNX classifier)
# ----------------------------------------------------------------------------

# the whole Parameters section of a prediction method taking only the series
_PREDICT_PARAMETERS = """
Parameters
----------
X : array-like or list of arrays
    Series to classify.
"""

#: Decorator filling every shared block above into a docstring.
fill_doc = Substitution(
    predict_parameters=_PREDICT_PARAMETERS,
    quality_note=_QUALITY_NOTE,
    module_parameter=_module_parameter,
    training_3e3=_TRAINING_3E3,
    training_1e3=_TRAINING_1E3,
    classifier_attributes=_CLASSIFIER_ATTRIBUTES,
    network_sizes=_NETWORK_SIZES,
    rnn_cell=_RNN_CELL,
    dense_head=_DENSE_HEAD,
    feature_norm=_FEATURE_NORM,
    pooled_linear_head=_POOLED_LINEAR_HEAD,
    ref_wang2017=_REF_WANG2017,
    ref_inceptiontime=_REF_INCEPTIONTIME,
    ref_lstm_fcn=_REF_LSTM_FCN,
    ref_attention=_REF_ATTENTION,
)
