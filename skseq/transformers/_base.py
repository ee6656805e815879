"""What every panel transformer of this package shares."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._docstrings import Substitution
from ..utils._callback_api import CALLBACK_BASES
from ..utils.validation import validate_panel

# docstring entries used in several of the blocks below
_PANEL_X = """\
X : array-like, list of array-like or pandas.DataFrame
    A panel in any form :func:`skseq.utils.check_panel` accepts."""
_IGNORED_Y = """\
y : None
    Ignored."""

#: Docstring blocks shared by the panel transformers (a ``{name}`` line of a
#: docstring decorated with it is replaced by the block; see skseq._docstrings).
_DOCS = Substitution(
    ignored_y=_IGNORED_Y,
    # the Parameters sections of fit(X, y=None) and transform(X), header included
    # (transform's is put in by _transform_doc)
    fit_parameters=f"Parameters\n----------\n{_PANEL_X}\n{_IGNORED_Y}",
    transform_parameters=f"Parameters\n----------\n{_PANEL_X}",
    panel_attributes="""\
n_features_in_ : int
    Number of time steps for 2-D input, number of channels otherwise.
n_channels_in_ : int
    Number of channels seen in ``fit``.""",
    panel_output="""\
The output is always a 3-D float32 numpy array:
:meth:`set_output` takes ``"default"`` only (``"pandas"`` and
``"polars"`` raise a ``ValueError``, a 3-D panel having no DataFrame
form), and under ``sklearn.set_config(transform_output="pandas")``
``transform`` warns and returns the numpy panel; see
:doc:`/guide/automl_tools`.""",
)

# scikit-learn's set_output containers: "default" keeps the numpy panel; the
# data-frame containers are 2-D tables, which a 3-D panel cannot become
_OUTPUTS = ("default",)
_DATAFRAME_OUTPUTS = ("pandas", "polars")

_NO_DATAFRAME = (
    "a 3-D panel (n_instances, n_channels, n_timepoints) has no DataFrame form "
    "in scikit-learn's sense (one row per sample, one column per feature)"
)


def _dataframe_alternatives(name: str) -> str:
    return (
        "For sktime's pandas panels (pd-multiindex, df-list, nested_univ) wrap "
        f"the transformer with skseq.sktime.to_sktime({name}()) and give it a "
        "pandas panel: the result comes back in the input's form. Or convert "
        "the array yourself (sktime.datatypes.convert_to(Xt, "
        "to_type='pd-multiindex'); NaN padding then shows as NaN rows)."
    )


class _PanelTransformer(*CALLBACK_BASES, TransformerMixin, BaseEstimator):
    """Base of the row-preserving transformers: a float32 panel comes out.

    Subclasses set ``_allow_nan`` to ``True`` when they accept NaN inside a
    series (a missing value, as opposed to trailing padding, which every panel
    may have), and ``_allow_empty_series`` to ``True`` when they accept a
    series with no observed step; :meth:`_validate` checks ``X`` accordingly
    in ``fit`` and ``transform``.

    ``transform`` is a template: it checks that the transformer is fitted,
    validates ``X`` and hands the float32 panel and its series lengths to the
    subclass's ``_transform(X, lengths)``. ``X`` may be the caller's own
    array, so ``_transform`` must not write into it, unless the subclass sets
    ``_transform_writes_input``: it is then given a copy wherever the
    validated panel shares memory with the input. The docstring of
    ``_transform`` (a summary and a Returns section) is the subclass's
    public ``transform`` docstring, with the Parameters section of ``X`` put
    before Returns.

    Output: ``transform`` always returns a 3-D float32 numpy array
    (NaN-padded where series are shorter). :meth:`set_output` takes
    ``"default"`` (or ``None``) and refuses ``"pandas"`` and ``"polars"``
    with a ``ValueError``: a 3-D panel has no DataFrame form. Under
    ``sklearn.set_config(transform_output="pandas")`` (or ``"polars"``)
    every ``transform`` warns that the global setting does not apply and
    returns the numpy panel; ``set_output(transform="default")`` on the
    transformer (or on a pipeline around it) silences the warning, as a
    local setting overrides the global one in scikit-learn.

    scikit-learn's own output wrapping (which would try to turn the 3-D
    output into a data frame) is switched off for every subclass.
    """

    _allow_nan = False
    _allow_empty_series = False
    _transform_writes_input = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # no automatic DataFrame wrapping by scikit-learn's _SetOutputMixin
        kwargs.setdefault("auto_wrap_output_keys", None)
        super().__init_subclass__(**kwargs)
        if "transform" in cls.__dict__:
            cls.transform = _warn_on_global_dataframe_output(cls.__dict__["transform"])
        elif "_transform" in cls.__dict__:
            # the template, under this class's own name and docstring
            cls.transform = _warn_on_global_dataframe_output(
                _PanelTransformer.transform, owner=cls
            )

    def _validate(self, X: Any, *, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        """``X`` as a float32 panel and its series lengths.

        ``reset=True`` in ``fit`` records the input shape, ``reset=False``
        checks it (see :func:`skseq.utils.validate_panel`).
        """
        return validate_panel(
            self,
            X,
            reset=reset,
            allow_missing=self._allow_nan,
            allow_empty_series=self._allow_empty_series,
            return_lengths=True,
        )

    def transform(self, X: Any) -> np.ndarray:
        """Transform a panel: validate it, then ``_transform`` it.

        Every subclass documents its own ``transform``.
        """
        check_is_fitted(self)
        Xp, lengths = self._validate(X, reset=False)
        if self._transform_writes_input and np.may_share_memory(Xp, X):
            Xp = Xp.copy()  # never write into the caller's array
        return self._transform(Xp, lengths)

    def _transform(self, X: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._allow_nan
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    def set_output(self, *, transform: str | None = None) -> _PanelTransformer:
        """Set the output container of ``transform`` and ``fit_transform``.

        A panel transformer returns a 3-D float32 numpy array
        ``(n_instances, n_channels, n_timepoints)``, the only container it
        has: a 3-D panel has no DataFrame form in scikit-learn's sense.

        Parameters
        ----------
        transform : {"default"} or None, default=None
            ``"default"``: the numpy panel (also silences the warning that a
            global ``sklearn.set_config(transform_output="pandas")`` gives).
            ``None``: leave the configuration unchanged. ``"pandas"`` and
            ``"polars"`` raise a ``ValueError``.

        Returns
        -------
        self : estimator instance
            The transformer.

        Raises
        ------
        ValueError
            For ``"pandas"``, ``"polars"`` or any other value. For sktime's
            pandas panels wrap the transformer with
            :func:`skseq.sktime.to_sktime` instead.

        Examples
        --------
        >>> from skseq.transformers import Normalizer
        >>> Normalizer().set_output(transform="default")
        Normalizer()
        """
        if transform is None:
            return self
        name = type(self).__name__
        if transform in _DATAFRAME_OUTPUTS:
            raise ValueError(
                f"{name}.set_output(transform={transform!r}) is not supported: "
                f"{name} returns a 3-D numpy panel, and {_NO_DATAFRAME}. "
                "Keep the default numpy output (set_output(transform='default') "
                f"or no set_output call). {_dataframe_alternatives(name)}"
            )
        if transform not in _OUTPUTS:
            raise ValueError(
                f"{name}.set_output(transform={transform!r}): transform must be "
                "'default' or None (a panel transformer returns a 3-D numpy "
                "array only)."
            )
        if not hasattr(self, "_sklearn_output_config"):
            self._sklearn_output_config = {}
        self._sklearn_output_config["transform"] = transform
        return self


# the line that opens a docstring's Returns section, and its indentation
_RETURNS = re.compile(r"^(?P<indent>[ ]*)Returns\n", re.MULTILINE)


def _transform_doc(owner: type) -> str | None:
    """The ``transform`` docstring of ``owner``: that of its ``_transform``
    with the Parameters section of ``X`` put before the Returns section."""
    doc = owner.__dict__["_transform"].__doc__
    if doc is None:  # python -OO strips docstrings
        return None
    returns = _RETURNS.search(doc)
    if returns is None:
        raise TypeError(
            f"The docstring of {owner.__qualname__}._transform is the public "
            "transform docstring and needs a Returns section."
        )
    indent = returns["indent"]
    start = returns.start()
    return f"{doc[:start]}{indent}{{transform_parameters}}\n\n{doc[start:]}"


def _warn_on_global_dataframe_output(
    transform: Callable[..., Any], owner: type | None = None
) -> Callable[..., Any]:
    """``transform`` that warns when the global output config asks for a data
    frame and the transformer has no ``set_output`` of its own.

    With ``owner``, the result is ``owner.transform`` (its name and docstring;
    see :func:`_transform_doc`).
    """

    @functools.wraps(transform)
    def wrapped(self, X, *args, **kwargs):
        local = getattr(self, "_sklearn_output_config", {}).get("transform")
        requested = get_config().get("transform_output", "default")
        if local is None and requested in _DATAFRAME_OUTPUTS:
            name = type(self).__name__
            warnings.warn(
                f"sklearn.set_config(transform_output={requested!r}) does not "
                f"apply to {name}: {_NO_DATAFRAME}, so {name} returns the "
                "3-D numpy panel. Call set_output(transform='default') on "
                "it (or on the pipeline around it) to silence this warning. "
                f"{_dataframe_alternatives(name)}",
                UserWarning,
                stacklevel=2,
            )
        return transform(self, X, *args, **kwargs)

    if owner is not None:
        wrapped.__module__ = owner.__module__
        wrapped.__qualname__ = f"{owner.__qualname__}.transform"
        wrapped.__doc__ = _transform_doc(owner)
        _DOCS(wrapped)
    return wrapped


def _check_choice(
    name: str, value: Any, choices: Sequence[str], owner: str | None = None
) -> None:
    """Raise a ``ValueError`` naming the choices when ``value`` is not one of them.

    With ``owner`` the parameter is named as ``Owner(name=value)``.
    """
    if value not in choices:
        given = f"{name}={value!r}" if owner is None else f"{owner}({name}={value!r})"
        raise ValueError(f"{given} is not supported; choose one of {choices}.")
