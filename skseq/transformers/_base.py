"""What every panel transformer of this package shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

from ..utils._callback_api import CALLBACK_BASES


class _PanelTransformer(*CALLBACK_BASES, TransformerMixin, BaseEstimator):
    """Base of the row-preserving transformers: a float32 panel comes out.

    Subclasses set ``_allow_nan`` to ``True`` when they accept NaN inside a
    series (a missing value, as opposed to trailing padding, which every panel
    may have).
    """

    _allow_nan = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._allow_nan
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _check_choice(
    name: str, value: Any, choices: Sequence[str], owner: str | None = None
) -> None:
    """Raise a ``ValueError`` naming the choices when ``value`` is not one of them.

    With ``owner`` the parameter is named as ``Owner(name=value)``.
    """
    if value not in choices:
        given = f"{name}={value!r}" if owner is None else f"{owner}({name}={value!r})"
        raise ValueError(f"{given} is not supported; choose one of {choices}.")
