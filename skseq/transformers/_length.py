"""Bring every series of a panel to one length learnt in ``fit``."""

from __future__ import annotations

import numbers

import numpy as np

from .._docstrings import Substitution
from ..utils._callback_api import leaf_fit
from ._base import _DOCS, _PanelTransformer

__all__ = ["Padder", "Truncator"]

_SIDES = ("post", "pre")


def _resolve_length(length, lengths: np.ndarray, name: str, allowed: str) -> int:
    """Turn the ``length`` parameter into a number of time steps."""
    if isinstance(length, str):
        if length != allowed:
            raise ValueError(
                f"{name}(length={length!r}) is not supported; pass {allowed!r}, a "
                "positive int (a fixed length) or a float in (0, 1] (a quantile of "
                "the series lengths seen in fit)."
            )
        return int(lengths.max() if allowed == "max" else lengths.min())
    if isinstance(length, bool) or not isinstance(length, numbers.Real):
        raise TypeError(
            f"{name}(length={length!r}) must be {allowed!r}, a positive int or a "
            "float quantile in (0, 1]."
        )
    if isinstance(length, numbers.Integral):
        if length < 1:
            raise ValueError(f"{name}(length={length}) must be at least 1.")
        return int(length)
    if not 0.0 < length <= 1.0:
        raise ValueError(
            f"{name}(length={length}) is a float, read as a quantile of the series "
            "lengths, and must lie in (0, 1]; pass an int for a fixed length."
        )
    # "higher" picks an observed length, never a fractional one
    return max(int(np.quantile(lengths, length, method="higher")), 1)


def _length_parameter(cls: type) -> str:
    """The ``length`` entry of a length transformer with default ``"max"`` or
    ``"min"`` (``cls._default_length``)."""
    default = cls._default_length
    extreme = "longest" if default == "max" else "shortest"
    return f"""
length : "{default}", int or float, default="{default}"
    Target length: the {extreme} series seen in ``fit`` (``"{default}"``), a fixed
    number of time steps (int), or a quantile of the lengths seen in
    ``fit`` (float in (0, 1]).
"""


#: The panel transformers' docstring blocks, and those of Padder and Truncator.
_LENGTH_DOCS = Substitution(
    **_DOCS.blocks,
    length_parameter=_length_parameter,
    length_attributes=f"""
Attributes
----------
length_ : int
    Number of time steps of the output panel.
{_DOCS.blocks["panel_attributes"]}
""",
)


def _check_side(name: str, side: str) -> None:
    if side not in _SIDES:
        raise ValueError(
            f"{name}(side={side!r}) is not supported; use 'post' or 'pre'."
        )


def _take_steps(
    X: np.ndarray, lengths: np.ndarray, offset: np.ndarray, width: int, fill: float
) -> np.ndarray:
    """Every series cut or padded to ``width`` steps, shifted by ``offset``.

    Output step ``t`` of series ``i`` is step ``t + offset[i]`` of ``X[i]``, or
    ``fill`` where that step lies outside the series' ``lengths[i]`` steps.
    """
    source = np.arange(width)[None, :] + offset[:, None]
    valid = (source >= 0) & (source < lengths[:, None])
    source = np.clip(source, 0, X.shape[2] - 1)
    out = np.take_along_axis(X, source[:, None, :].repeat(X.shape[1], 1), axis=2)
    out[~np.broadcast_to(valid[:, None, :], out.shape)] = fill
    return np.ascontiguousarray(out, dtype=np.float32)


class _LengthTransformer(_PanelTransformer):
    """Shared ``fit`` for transformers that learn one target length."""

    # missing values pass through untouched: nothing here fills or reads them
    _allow_nan = True
    _default_length = "max"

    @leaf_fit
    @_DOCS
    def fit(self, X, y=None):
        """Learn the target length ``length_`` from the series lengths of ``X``.

        {fit_parameters}

        Returns
        -------
        self : estimator
        """
        name = type(self).__name__
        _check_side(name, self.side)
        self._check_fill()
        _, lengths = self._validate(X, reset=True)
        self.length_ = _resolve_length(self.length, lengths, name, self._default_length)
        return self

    def _check_fill(self) -> None:
        """Validate extra parameters (none by default)."""


@_LENGTH_DOCS
class Padder(_LengthTransformer):
    """Pad every series to one length learnt in ``fit``.

    Parameters
    ----------
    {length_parameter}
        With a quantile (e.g. ``0.9``), put a :class:`Truncator` first so
        longer series fit.
    side : {"post", "pre"}, default="post"
        Pad after the series (``"post"``) or before it (``"pre"``).
    fill_value : float, default=np.nan
        Padding value. NaN after the series is skseq's padding convention
        (classifiers read it as a shorter series); ``0.0`` gives zero padding.
        NaN before a series would read as missing values, so ``side="pre"``
        needs a number.

    {length_attributes}

    See Also
    --------
    Truncator : Cut series to a length learnt in ``fit``.

    Notes
    -----
    A series longer than ``length_`` at ``transform`` time raises a
    ``ValueError``: place a :class:`Truncator` with the same ``length`` first.
    Trailing NaN padding in the input is replaced by ``fill_value``.

    {panel_output}

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.transformers import Padder
    >>> X = [np.array([1.0, 2.0, 3.0]), np.array([4.0])]
    >>> Padder(fill_value=0.0).fit_transform(X)
    array([[[1., 2., 3.]],
    <BLANKLINE>
           [[4., 0., 0.]]], dtype=float32)
    >>> Padder(length=5, side="pre", fill_value=-1.0).fit_transform(X)[1]
    array([[-1., -1., -1., -1.,  4.]], dtype=float32)
    """

    _default_length = "max"

    def __init__(
        self, length="max", *, side: str = "post", fill_value: float = np.nan
    ) -> None:
        self.length = length
        self.side = side
        self.fill_value = fill_value

    def _check_fill(self) -> None:
        if not isinstance(self.fill_value, numbers.Real) or isinstance(
            self.fill_value, bool
        ):
            raise TypeError(f"Padder(fill_value={self.fill_value!r}) must be a number.")
        if np.isinf(self.fill_value):
            raise ValueError(
                f"Padder(fill_value={self.fill_value!r}) would pad with infinity, "
                "which every skseq estimator refuses; pass a finite number such as "
                "fill_value=0.0, or NaN (trailing padding)."
            )
        if self.side == "pre" and np.isnan(self.fill_value):
            raise ValueError(
                "Padder(side='pre', fill_value=nan) would put NaN before each "
                "series, which skseq reads as missing values, not padding; pass "
                "a number such as fill_value=0.0, or side='post'."
            )

    def _transform(self, X: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Pad every series to ``length_`` time steps.

        Returns
        -------
        Xt : ndarray of shape (n_instances, n_channels, `length_`), float32
        """
        if (lengths > self.length_).any():
            i = int(np.flatnonzero(lengths > self.length_)[0])
            raise ValueError(
                f"Series {i} has {lengths[i]} time steps, more than the {self.length_} "
                "that Padder pads to; put Truncator(length=...) before Padder, or "
                "fit Padder on data that includes the longest series."
            )
        if self.side == "pre":  # start each series late, with padding before it
            offset = lengths - self.length_
        else:
            offset = np.zeros_like(lengths)
        return _take_steps(X, lengths, offset, self.length_, self.fill_value)


@_LENGTH_DOCS
class Truncator(_LengthTransformer):
    """Cut every series to one length learnt in ``fit``.

    Parameters
    ----------
    {length_parameter}
    side : {"post", "pre"}, default="post"
        Where steps are cut: after the first ``length_`` steps (``"post"``,
        keep the beginning) or before the last ``length_`` observed steps
        (``"pre"``, keep the end).

    {length_attributes}

    See Also
    --------
    Padder : Pad series to a length learnt in ``fit``.

    Notes
    -----
    Series shorter than ``length_`` are kept whole, followed by trailing NaN
    padding, so the output always has ``length_`` time steps; add a
    :class:`Padder` after it for another padding value.

    {panel_output}

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.transformers import Truncator
    >>> X = [np.array([1.0, 2.0, 3.0, 4.0]), np.array([5.0, 6.0])]
    >>> Truncator(length=3, side="pre").fit_transform(X)
    array([[[ 2.,  3.,  4.]],
    <BLANKLINE>
           [[ 5.,  6., nan]]], dtype=float32)
    """

    _default_length = "min"

    def __init__(self, length="min", *, side: str = "post") -> None:
        self.length = length
        self.side = side

    def _transform(self, X: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Cut every series to at most ``length_`` time steps.

        Returns
        -------
        Xt : ndarray of shape (n_instances, n_channels, `length_`), float32
        """
        if self.side == "pre":  # keep the last length_ observed steps
            offset = np.maximum(lengths - self.length_, 0)
        else:
            offset = np.zeros_like(lengths)
        return _take_steps(X, lengths, offset, self.length_, np.nan)
