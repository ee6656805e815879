"""sktime adapters: every skseq classifier and transformer as an sktime estimator.

skseq's estimators are scikit-learn estimators on 3-D panels. sktime does not
see them as time-series estimators: it treats a scikit-learn transformer as
tabular (``TabularToSeriesAdaptor``) and a scikit-learn classifier as a table
learner (its ``*`` flattens every channel into one long row), and its
``evaluate``, benchmarking and ``check_estimator`` need sktime's own interface
(``clone``, tags, ``get_test_params``). :func:`to_sktime` wraps any skseq
estimator, or a scikit-learn / imbalanced-learn pipeline built from them, in
an sktime estimator that passes the panel through unchanged:

* :class:`SktimeClassifier`, an sktime ``BaseClassifier``, for a classifier or
  a pipeline ending in one;
* :class:`SktimeTransformer`, an sktime ``BaseTransformer`` (panel in, panel
  out), for a transformer or a pipeline of transformers.

Both are ordinary sktime estimators: they compose with sktime's ``*``
(``to_sktime(Interpolator()) * to_sktime(FCNClassifier())`` is a
``ClassifierPipeline`` that keeps every channel), work in ``evaluate`` and
pass sktime's ``check_estimator``.

Design: adapters by composition, not a second class hierarchy. Registering
every skseq class twice (an sktime twin of each, through a mixin or a
metaclass) would double the public names, tie skseq's own classes to sktime's
base class (its ``__init__``, ``clone``, ``reset`` and ``set_params`` differ
from scikit-learn's) and still not cover the pipelines users build from them.
One adapter per sktime scitype wraps any of them, including pipelines and
estimators defined later, and the wrapped object stays an unchanged
scikit-learn estimator: it is the adapter's ``estimator`` parameter (so it is
tuned as ``estimator__max_epochs``), cloned at ``fit`` into ``estimator_``,
and the sktime tags are derived from it: they say what the wrapped estimator
does, not what sktime would like.

Data: the adapters' inner mtypes are ``numpy3D`` (a 3-D array is kept as it
is) and ``df-list``, to which sktime converts every other panel form, so
unequal lengths arrive in a form that holds them (``numpy3D`` cannot). The
adapter turns a ``df-list`` into skseq's NaN-padded panel (the contract of
:mod:`skseq.utils.validation`) and a transformer's output back into one data
frame per series, so sktime returns it in the caller's form. A NaN-padded
array given to :class:`SktimeClassifier` (skseq's own form of unequal
lengths) is read as unequal lengths, not as missing values.

sktime's ``*`` with a bare skseq estimator still takes it for a tabular
scikit-learn one (sktime decides that before skseq is asked); wrap it with
:func:`to_sktime` first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.utils import get_tags
from sktime.classification.base import BaseClassifier
from sktime.transformations.base import BaseTransformer

from ._docstrings import Substitution
from .utils.validation import series_lengths

__all__ = ["SktimeClassifier", "SktimeTransformer", "to_sktime"]

# sktime keeps an input whose mtype is listed and converts any other to the
# first entry: df-list first, so unequal-length pandas panels reach us (a
# conversion to numpy3D would fail on them); numpy3D input stays as it is.
_INNER_MTYPES = ["df-list", "numpy3D"]
_AUTHORS = "the skseq developers"


def _adapter_docs(kind: str) -> Substitution:
    """Docstring blocks of the adapter for ``kind`` (``"classifier"`` or
    ``"transformer"``): what both adapters' docstrings say, in its words."""
    return Substitution(
        # the adapter's Parameters section, header included
        estimator_parameters=f"""
Parameters
----------
estimator : scikit-learn {kind}
    The {kind} to wrap; cloned at ``fit``, never fitted itself. Its
    parameters are the adapter's as ``estimator__<name>``.
""",
        set_params_sections=f"""
Parameters
----------
**params : dict
    Parameter names and values.

Returns
-------
self : Sktime{kind.capitalize()}
    The adapter, with its tags updated to the new parameters.
""",
        # the configurations' description follows, indented
        get_test_params_sections="""
Parameters
----------
parameter_set : str, default="default"
    Ignored; there is one set.

Returns
-------
params : list of dict
""",
    )


_CLASSIFIER_DOCS = _adapter_docs("classifier")
_TRANSFORMER_DOCS = _adapter_docs("transformer")


# ---------------------------------------------------------------- inspection
def _steps(estimator: Any) -> list[Any]:
    """The steps of a pipeline (without ``"passthrough"``/``None``), or itself."""
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list) and all(
        isinstance(s, tuple) and len(s) == 2 for s in steps
    ):
        return [s for _, s in steps if s is not None and s != "passthrough"]
    return [estimator]


def _is_skseq(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "skseq"


def _has_skseq_part(estimator: Any) -> bool:
    """Whether ``estimator`` is, or contains as a parameter, a skseq object."""
    if _is_skseq(estimator):
        return True
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # a broken get_params: not something we can wrap
        return False
    return any(
        _is_skseq(value) for value in params.values() if not isinstance(value, type)
    )


def _check_estimator(estimator: Any, kind: str | None = None) -> str:
    """Refuse what cannot be adapted; return ``"classifier"`` or ``"transformer"``.

    ``kind`` asks for one of the two (the public classes); ``None`` accepts
    either (:func:`to_sktime`).
    """
    if isinstance(estimator, type):
        raise TypeError(
            f"to_sktime needs an estimator instance, got the class "
            f"{estimator.__name__}; call it first, e.g. "
            f"to_sktime({estimator.__name__}())."
        )
    if not (
        callable(getattr(estimator, "fit", None)) and hasattr(estimator, "get_params")
    ):
        raise TypeError(
            f"to_sktime wraps a skseq estimator (a classifier or a transformer of "
            f"skseq.classifiers / skseq.transformers, or a pipeline of them); got "
            f"{type(estimator).__name__!r}, which is not a scikit-learn estimator "
            "(no fit and get_params)."
        )
    if not _has_skseq_part(estimator):
        raise TypeError(
            f"to_sktime wraps skseq estimators and pipelines containing one; "
            f"{type(estimator).__name__} has no skseq part, so it would be fed 3-D "
            "panels it does not read. Use sktime's adapters for tabular "
            "scikit-learn estimators instead (e.g. "
            "sktime.classification.compose.SklearnClassifierPipeline or "
            "sktime.transformations.series.adapt.TabularToSeriesAdaptor)."
        )
    if is_classifier(estimator):
        found = "classifier"
    elif callable(getattr(estimator, "transform", None)):
        found = "transformer"
    else:
        raise TypeError(
            f"{type(estimator).__name__} is neither a classifier nor a transformer "
            "(no transform method), so it has no sktime counterpart; a resampler "
            "belongs in a skseq.pipeline.Pipeline before a classifier, and that "
            "pipeline can be wrapped."
        )
    if kind is not None and found != kind:
        other = "SktimeTransformer" if found == "transformer" else "SktimeClassifier"
        raise TypeError(
            f"{type(estimator).__name__} is a {found}, not a {kind}; wrap it in "
            f"{other}, or let to_sktime choose."
        )
    return found


def _is_instance_of(estimator: Any, names: tuple[str, ...]) -> bool:
    """Whether ``estimator`` is a skseq transformer of one of these class names.

    By name, imported lazily: :mod:`skseq.transformers` is not needed to wrap
    a classifier.
    """
    from . import transformers

    classes = tuple(getattr(transformers, name) for name in names)
    return isinstance(estimator, classes)


def _fills_missing(estimator: Any) -> bool:
    """Whether a classifier pipeline fills missing values before the classifier.

    True when its first step is an :class:`~skseq.transformers.Interpolator`
    that fills every gap (``max_gap=None``) up to the series' edges.
    """
    steps = _steps(estimator)
    first = steps[0]
    return (
        len(steps) > 1
        and _is_instance_of(first, ("Interpolator",))
        and first.max_gap is None
        and first.edges != "leave"
    )


def _is_stateless(estimator: Any) -> bool:
    """Whether fitting learns nothing that ``transform`` uses (``fit_is_empty``).

    True for skseq's stateless transformers (and pipelines of only them):
    :class:`~skseq.transformers.Interpolator`,
    :class:`~skseq.transformers.RollingFeatures` and a per-series
    :class:`~skseq.transformers.Normalizer`. Their ``fit`` only records the
    input's channel count; anything else is taken to learn state.
    """
    for step in _steps(estimator):
        if _is_instance_of(step, ("Interpolator", "RollingFeatures")):
            continue
        if _is_instance_of(step, ("Normalizer",)) and step.scope == "instance":
            continue
        return False
    return True


def _keeps_time_index(estimator: Any) -> bool:
    """Whether every step returns each series on its own time steps."""
    return all(
        _is_instance_of(step, ("Interpolator", "Normalizer", "RollingFeatures"))
        for step in _steps(estimator)
    )


def _makes_equal_length(estimator: Any) -> bool:
    """Whether the output series all have one length (a number-padding Padder)."""
    last = _steps(estimator)[-1]
    return bool(
        _is_instance_of(last, ("Padder",))
        and isinstance(last.fill_value, int | float)
        and not np.isnan(last.fill_value)
    )


def _drop_generated_params(params: dict[str, Any], estimator: Any) -> dict[str, Any]:
    """Remove the ``callbacks__*`` entries skorch generates on each call.

    A skorch net lists its default callbacks in ``get_params(deep=True)``,
    built afresh on every call, so two calls never compare equal and sktime's
    ``get_params``/``set_params`` round trip fails. They are left out of the
    adapter's parameters; ``set_params(estimator__callbacks__...=...)`` still
    reaches them, since ``set_params`` routes on the component name.
    """
    from skorch import NeuralNet

    nets = ["estimator__"] if isinstance(estimator, NeuralNet) else []
    nets += [
        f"{key}__" for key, value in params.items() if isinstance(value, NeuralNet)
    ]
    generated = tuple(f"{prefix}callbacks__" for prefix in nets)
    if not generated:
        return params
    return {k: v for k, v in params.items() if not k.startswith(generated)}


# ---------------------------------------------------------------- data
def _unpad(X: Any) -> Any:
    """A NaN-padded array (skseq's unequal lengths) as a ``df-list``.

    sktime reads every NaN in an array as a missing value; skseq reads
    trailing all-channel NaN as the end of a shorter series. An array whose
    only NaN is such padding becomes one frame per series at its own length,
    which sktime sees as unequal lengths without missing values; anything
    else (no NaN, NaN inside a series, not a float array) is returned as is.
    """
    if not (
        isinstance(X, np.ndarray)
        and X.ndim in (2, 3)
        and X.size
        and np.issubdtype(X.dtype, np.floating)
    ):
        return X
    panel = X if X.ndim == 3 else X[:, None, :]
    nan = np.isnan(panel)
    if not nan.any():
        return X
    lengths = series_lengths(panel)
    inside = np.arange(panel.shape[2])[None, None, :] < lengths[:, None, None]
    if (lengths == 0).any() or (nan & inside).any():
        return X  # missing values: sktime's capability check decides
    return [
        pd.DataFrame(x[:, :length].T) for x, length in zip(panel, lengths, strict=True)
    ]


def _to_panel(X: np.ndarray | list[pd.DataFrame]) -> np.ndarray:
    """An inner mtype (``numpy3D`` or ``df-list``) as skseq's NaN-padded panel."""
    if isinstance(X, np.ndarray):
        return X
    n_channels = X[0].shape[1]
    width = max(len(frame) for frame in X)
    panel = np.full((len(X), n_channels, width), np.nan)
    for i, frame in enumerate(X):
        panel[i, :, : len(frame)] = np.asarray(frame, dtype=float).T
    return panel


def _channel_names(estimator: Any, columns: pd.Index, n_out: int) -> pd.Index:
    """Column names of the output: the input's, or the transformer's own."""
    last = _steps(estimator)[-1]
    if len(columns) == n_out:
        return columns
    if hasattr(last, "get_channel_names_out") and len(_steps(estimator)) == 1:
        return pd.Index(last.get_channel_names_out([str(c) for c in columns]))
    return pd.RangeIndex(n_out)


def _to_frames(
    Xt: np.ndarray, X: list[pd.DataFrame], estimator: Any, same_index: bool
) -> list[pd.DataFrame]:
    """A transformed panel as a ``df-list``, each series at its own length.

    Series that keep their time steps keep their index; the others get a
    fresh integer index, each as long as its observed part (skseq's
    trailing-NaN padding is dropped).
    """
    columns = _channel_names(estimator, X[0].columns, Xt.shape[1])
    lengths = [len(f) for f in X] if same_index else series_lengths(Xt)
    frames = []
    for i, length in enumerate(lengths):
        index = X[i].index if same_index else pd.RangeIndex(int(length))
        frames.append(pd.DataFrame(Xt[i, :, :length].T, index=index, columns=columns))
    return frames


# ---------------------------------------------------------------- adapters
class _SktimeAdapter:
    """What both adapters share: the wrapped estimator, checked to be of the
    adapter's ``_kind`` on construction, and tags set from it."""

    # sktime collects ``_tags`` along the MRO: these hold for both adapters,
    # each adding its own (and _set_estimator_tags those of the estimator)
    _tags = {
        "authors": _AUTHORS,
        "maintainers": _AUTHORS,
        "X_inner_mtype": _INNER_MTYPES,
        "capability:multivariate": True,
        "capability:unequal_length": True,
        "capability:missing_values": False,
    }
    _kind: str

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator
        super().__init__()
        _check_estimator(estimator, self._kind)
        self._set_estimator_tags()

    def _set_estimator_tags(self) -> None:
        raise NotImplementedError

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Get the parameters of the adapter and of the wrapped estimator.

        Parameters
        ----------
        deep : bool, default=True
            Also return the wrapped estimator's parameters, as
            ``estimator__<name>`` (without skorch's generated
            ``callbacks__*`` entries).

        Returns
        -------
        params : dict
            Parameter names mapped to their values.

        Examples
        --------
        >>> from skseq.classifiers import LSTMClassifier
        >>> from skseq.sktime import SktimeClassifier, SktimeTransformer
        >>> from skseq.transformers import Normalizer
        >>> SktimeClassifier(LSTMClassifier(max_epochs=3)).get_params()[
        ...     "estimator__max_epochs"]
        3
        >>> SktimeTransformer(Normalizer()).get_params()["estimator__scope"]
        'instance'
        """
        params = super().get_params(deep=deep)
        return _drop_generated_params(params, self.estimator) if deep else params

    # the adapters' public set_params methods (each with its own docstring)
    # call this through super()

    def set_params(self, **params: Any) -> Any:
        super().set_params(**params)
        self._set_estimator_tags()  # the nested parameters are set after reset
        return self


@_CLASSIFIER_DOCS
class SktimeClassifier(_SktimeAdapter, BaseClassifier):
    """A skseq classifier (or a pipeline ending in one) as an sktime classifier.

    An sktime ``BaseClassifier`` around a scikit-learn classifier on panels:
    any :mod:`skseq.classifiers` classifier, a skseq meta-classifier, or a
    scikit-learn / :class:`skseq.pipeline.Pipeline` whose last step is one.
    sktime's data (any ``Panel`` mtype, equal or unequal length) reaches the
    classifier as a NaN-padded 3-D panel with every channel. Built by
    :func:`to_sktime`, which picks this class for a classifier.

    {estimator_parameters}

    Attributes
    ----------
    estimator_ : scikit-learn classifier
        The fitted clone of ``estimator`` (absent when ``fit`` saw a single
        class: sktime then predicts that class without fitting).
    classes_ : ndarray
        The class labels, sorted, as sktime records them.
    n_classes_ : int
        Number of classes.

    See Also
    --------
    to_sktime : Wrap any skseq estimator.
    SktimeTransformer : The adapter for transformers.

    Notes
    -----
    Tags: ``capability:multivariate`` and ``capability:unequal_length`` are
    True (unequal lengths become skseq's trailing-NaN padding);
    ``capability:missing_values`` is True only for a pipeline that starts with
    an :class:`~skseq.transformers.Interpolator` filling every gap (a skseq
    classifier reads NaN only as trailing padding); ``capability:predict_proba``
    is True when the wrapped classifier has ``predict_proba``. The inner
    mtypes are ``numpy3D`` and ``df-list`` (see :mod:`skseq.sktime`).

    sktime reads every NaN in an array as a missing value, skseq reads
    trailing NaN as padding: an array whose only NaN is trailing padding (as
    :func:`skseq.datasets.load_dataset` returns unequal lengths) is handed to
    sktime as series of unequal length, so it is accepted; NaN inside a
    series is a missing value, refused unless the tag allows it.

    ``get_params(deep=True)`` leaves out the ``callbacks__*`` entries that a
    skorch net generates afresh on every call (they never compare equal); they
    can still be set through ``set_params``.

    Examples
    --------
    >>> from skseq.classifiers import FCNClassifier
    >>> from skseq.datasets import load_dataset
    >>> from skseq.sktime import SktimeClassifier
    >>> X, y = load_dataset("BasicMotions", split="train")
    >>> clf = SktimeClassifier(
    ...     FCNClassifier(max_epochs=2, module__n_filters=(4, 4, 4), random_state=0)
    ... )
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    >>> clf.estimator_.n_channels_in_
    6
    >>> clf.get_tag("capability:unequal_length")
    True
    """

    _tags = {
        "y_inner_mtype": "numpy1D",
        "capability:predict_proba": True,
    }

    _kind = "classifier"

    def _set_estimator_tags(self) -> None:
        self.set_tags(
            **{
                "capability:missing_values": _fills_missing(self.estimator),
                "capability:predict_proba": hasattr(self.estimator, "predict_proba"),
            }
        )

    @_CLASSIFIER_DOCS
    def set_params(self, **params: Any) -> SktimeClassifier:
        """Set parameters, ``estimator__<name>`` for the wrapped classifier's.

        {set_params_sections}

        Examples
        --------
        >>> from skseq.classifiers import LSTMClassifier
        >>> from skseq.sktime import SktimeClassifier
        >>> clf = SktimeClassifier(LSTMClassifier()).set_params(estimator__lr=0.01)
        >>> clf.estimator.lr
        0.01
        """
        return super().set_params(**params)

    def _internal_convert(self, X: Any, y: Any = None) -> Any:
        # sktime's hook for convenience conversions, run first in fit and in
        # every predict method: read a NaN-padded array as unequal lengths
        return super()._internal_convert(_unpad(X), y)

    def _fit(self, X: np.ndarray | list, y: np.ndarray) -> SktimeClassifier:
        self.estimator_ = clone(self.estimator)
        self.estimator_.fit(_to_panel(X), y)
        return self

    def _predict(self, X: np.ndarray | list) -> np.ndarray:
        return np.asarray(self.estimator_.predict(_to_panel(X)))

    def _predict_proba(self, X: np.ndarray | list) -> np.ndarray:
        if not hasattr(self.estimator_, "predict_proba"):
            return super()._predict_proba(X)  # one-hot of predict
        proba = np.asarray(self.estimator_.predict_proba(_to_panel(X)))
        # columns in sktime's class order (sorted labels, as in fit)
        order = [list(self.estimator_.classes_).index(c) for c in self.classes_]
        return proba[:, order]

    @classmethod
    @_CLASSIFIER_DOCS
    def get_test_params(cls, parameter_set: str = "default") -> list[dict[str, Any]]:
        """Small, fast configurations for sktime's estimator checks.

        {get_test_params_sections}
            A tiny FCN, a tiny LSTM, and a tiny FCN behind an
            :class:`~skseq.transformers.Interpolator` (two epochs each,
            seeded).

        Examples
        --------
        >>> from skseq.sktime import SktimeClassifier
        >>> [type(p["estimator"]).__name__ for p in SktimeClassifier.get_test_params()]
        ['FCNClassifier', 'LSTMClassifier', 'Pipeline']
        """
        from .classifiers import FCNClassifier, LSTMClassifier
        from .pipeline import make_pipeline
        from .transformers import Interpolator

        fast = {"max_epochs": 2, "batch_size": 8, "lr": 0.03, "random_state": 0}

        def fcn() -> FCNClassifier:
            return FCNClassifier(
                **fast, module__n_filters=(4, 4, 4), module__kernel_sizes=(3, 3, 3)
            )

        lstm = LSTMClassifier(
            **fast, module__hidden_size=4, module__bidirectional=False
        )
        return [
            {"estimator": fcn()},
            {"estimator": lstm},
            {"estimator": make_pipeline(Interpolator(), fcn())},
        ]


@_TRANSFORMER_DOCS
class SktimeTransformer(_SktimeAdapter, BaseTransformer):
    """A skseq transformer (or a pipeline of them) as an sktime transformer.

    An sktime ``BaseTransformer`` (a ``Series``-to-``Series`` transformer that
    works on whole panels) around any :mod:`skseq.transformers` transformer or
    a scikit-learn pipeline of them. sktime's data (any ``Series``, ``Panel``
    or ``Hierarchical`` mtype, equal or unequal length) reaches the
    transformer as a NaN-padded 3-D panel with every channel, and the result
    comes back in the input's form. Built by :func:`to_sktime`, which picks
    this class for a transformer.

    {estimator_parameters}

    Attributes
    ----------
    estimator_ : scikit-learn transformer
        The fitted clone of ``estimator``; absent for a stateless transformer
        (``fit_is_empty``), which is fitted on each ``transform``'s own data.

    See Also
    --------
    to_sktime : Wrap any skseq estimator.
    SktimeClassifier : The adapter for classifiers.

    Notes
    -----
    Tags, from the wrapped transformer: ``capability:missing_values`` is its
    scikit-learn ``allow_nan`` tag (True for ``Interpolator``, ``Normalizer``,
    ``Padder`` and ``Truncator``, False for ``RollingFeatures``);
    ``fit_is_empty`` is True for transformers whose ``fit`` learns nothing
    (``Interpolator``, ``RollingFeatures``, ``Normalizer(scope="instance")``);
    ``transform-returns-same-time-index`` is True for those that keep every
    time step (all but ``Padder`` and ``Truncator``, whose output gets a fresh
    integer time index); ``capability:unequal_length:removes`` is True for a
    ``Padder`` with a numeric ``fill_value``. Every skseq transformer accepts
    unequal lengths and any number of channels.

    Output in sktime's data frame forms follows skseq's contract: trailing
    all-NaN steps are padding, so a ``Padder`` with ``fill_value=nan`` (its
    default) gives back series of their own lengths; pass ``fill_value=0.0``
    for equal lengths.

    A 3-D array comes back as a 3-D array, padding included. sktime counts
    NaN padding in an array as missing values, so for a transformer that
    refuses them (``RollingFeatures``) give unequal lengths in one of
    sktime's unequal-length forms (``df-list``, ``pd-multiindex``,
    ``nested_univ``) instead.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.sktime import SktimeTransformer
    >>> from skseq.transformers import Interpolator
    >>> X = np.array([[[0.0, np.nan, 2.0], [1.0, 1.0, np.nan]]])
    >>> SktimeTransformer(Interpolator()).fit_transform(X)
    array([[[0., 1., 2.],
            [1., 1., 1.]]], dtype=float32)
    >>> SktimeTransformer(Interpolator()).get_tag("capability:missing_values")
    True
    """

    _tags = {
        "scitype:transform-input": "Series",
        "scitype:transform-output": "Series",
        "scitype:instancewise": True,
        "y_inner_mtype": "None",
        "fit_is_empty": False,
        "transform-returns-same-time-index": False,
        "capability:unequal_length:removes": False,
    }

    _kind = "transformer"

    def _set_estimator_tags(self) -> None:
        est = self.estimator
        self.set_tags(
            **{
                "capability:missing_values": bool(get_tags(est).input_tags.allow_nan),
                "fit_is_empty": _is_stateless(est),
                "transform-returns-same-time-index": _keeps_time_index(est),
                "capability:unequal_length:removes": _makes_equal_length(est),
            }
        )

    @_TRANSFORMER_DOCS
    def set_params(self, **params: Any) -> SktimeTransformer:
        """Set parameters, ``estimator__<name>`` for the wrapped transformer's.

        The tags follow: a ``Normalizer`` set to ``scope="channel"`` learns
        state, so ``fit_is_empty`` becomes False.

        {set_params_sections}

        Examples
        --------
        >>> from skseq.sktime import SktimeTransformer
        >>> from skseq.transformers import Normalizer
        >>> t = SktimeTransformer(Normalizer())
        >>> t.get_tag("fit_is_empty")
        True
        >>> t.set_params(estimator__scope="channel").get_tag("fit_is_empty")
        False
        """
        return super().set_params(**params)

    def _fit(self, X: np.ndarray | list, y: Any = None) -> SktimeTransformer:
        self.estimator_ = clone(self.estimator).fit(_to_panel(X))
        return self

    def _transform(self, X: np.ndarray | list, y: Any = None) -> np.ndarray | list:
        panel = _to_panel(X)
        if self.get_tag("fit_is_empty"):  # stateless: nothing was fitted
            estimator = clone(self.estimator).fit(panel)
        else:
            estimator = self.estimator_
        Xt = estimator.transform(panel)
        if isinstance(X, np.ndarray):
            return Xt
        same_index = self.get_tag("transform-returns-same-time-index")
        return _to_frames(Xt, X, estimator, same_index)

    @classmethod
    @_TRANSFORMER_DOCS
    def get_test_params(cls, parameter_set: str = "default") -> list[dict[str, Any]]:
        """Configurations for sktime's estimator checks, one per kind of state.

        {get_test_params_sections}
            A stateless ``Interpolator``, a ``Normalizer`` that learns
            per-channel statistics, and a ``Padder`` that learns a length.

        Examples
        --------
        >>> from skseq.sktime import SktimeTransformer
        >>> [type(p["estimator"]).__name__ for p in SktimeTransformer.get_test_params()]
        ['Interpolator', 'Normalizer', 'Padder']
        """
        from .transformers import Interpolator, Normalizer, Padder

        return [
            {"estimator": Interpolator()},
            {"estimator": Normalizer(scope="channel")},
            {"estimator": Padder(fill_value=0.0)},
        ]


def to_sktime(estimator: Any) -> SktimeClassifier | SktimeTransformer:
    """Wrap a skseq estimator as an sktime estimator.

    Parameters
    ----------
    estimator : scikit-learn estimator
        A skseq classifier or transformer, or a scikit-learn /
        imbalanced-learn pipeline containing skseq steps: a pipeline ending in
        a classifier is a classifier, one of transformers is a transformer. An
        object that is already an sktime object is returned unchanged.

    Returns
    -------
    wrapped : SktimeClassifier or SktimeTransformer
        An sktime estimator around ``estimator`` (which it clones at
        ``fit``); combine them with sktime's ``*``, ``evaluate`` or
        benchmarking.

    Raises
    ------
    TypeError
        ``estimator`` is a class, not an estimator, has no skseq part (a
        tabular scikit-learn estimator: use sktime's own adapters), or is
        neither a classifier nor a transformer.

    See Also
    --------
    SktimeClassifier, SktimeTransformer : The two adapters.

    Examples
    --------
    >>> from skseq.classifiers import FCNClassifier
    >>> from skseq.datasets import load_dataset
    >>> from skseq.sktime import to_sktime
    >>> from skseq.transformers import Interpolator
    >>> X, y = load_dataset("BasicMotions", split="train")
    >>> fcn = FCNClassifier(max_epochs=2, module__n_filters=(4, 4, 4), random_state=0)
    >>> pipe = to_sktime(Interpolator()) * to_sktime(fcn)
    >>> type(pipe).__name__
    'ClassifierPipeline'
    >>> pipe.fit(X, y).classifier_.estimator_.n_channels_in_
    6
    """
    from skbase.base import BaseObject

    if isinstance(estimator, BaseObject):
        return estimator
    if _check_estimator(estimator) == "classifier":
        return SktimeClassifier(estimator)
    return SktimeTransformer(estimator)
