"""What every panel transformer of this package shares."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin

from .._docstrings import Substitution
from ..utils._callback_api import CALLBACK_BASES

#: Docstring blocks shared by the panel transformers (a ``{name}`` line of a
#: docstring decorated with it is replaced by the block; see skseq._docstrings).
_DOCS = Substitution(
    panel_X="""\
X : array-like, list of array-like or pandas.DataFrame
    A panel in any form :func:`skseq.utils.check_panel` accepts.""",
    ignored_y="""\
y : None
    Ignored.""",
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
    may have).

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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # no automatic DataFrame wrapping by scikit-learn's _SetOutputMixin
        kwargs.setdefault("auto_wrap_output_keys", None)
        super().__init_subclass__(**kwargs)
        if "transform" in cls.__dict__:
            cls.transform = _warn_on_global_dataframe_output(cls.__dict__["transform"])

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


def _warn_on_global_dataframe_output(transform):
    """``transform`` that warns when the global output config asks for a data
    frame and the transformer has no ``set_output`` of its own."""

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
