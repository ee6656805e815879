"""scikit-learn's estimator conventions on a skorch net.

:class:`SklearnConventionsMixin` is where a skorch ``NeuralNetClassifier``
meets what scikit-learn expects of an estimator: ``__init__`` sets nothing but
parameters (skorch's fitted-state attributes live on the class until ``fit``
sets them), ``get_params`` lists only those parameters, they are checked
against ``_parameter_constraints`` (messages that name the parameter, with a
hint where the fix is not obvious), and the estimator tags say what a panel
classifier accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.utils._param_validation import (
    InvalidParameterError,
    validate_parameter_constraints,
)

__all__ = ["SklearnConventionsMixin"]


class SklearnConventionsMixin:
    """Parameters, their validation and tags as scikit-learn wants them.

    A mixin for a skorch ``NeuralNetClassifier`` (placed before it) whose
    class declares ``_parameter_constraints`` (scikit-learn's format) and,
    optionally, ``_parameter_hints``: parameter name -> text appended to
    scikit-learn's message for that parameter.
    """

    _parameter_constraints: dict = {}
    _parameter_hints: Mapping[str, str] = {}

    # skorch sets these in __init__; scikit-learn's conventions want nothing but
    # parameters there, so they live on the class until fit sets them.
    initialized_ = False
    history_ = None
    virtual_params_: Mapping[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("history_", "initialized_", "virtual_params_"):
            vars(self).pop(name, None)

    def _get_param_names(self) -> list[str]:
        # override: skorch lists every non-fitted attribute; private bookkeeping
        # (_params_to_validate, _fit_input_2d, …) is not a parameter.
        return [
            k for k in self.__dict__ if not k.endswith("_") and not k.startswith("_")
        ]

    def _validate_params(self) -> None:
        """Check every declared parameter (``_parameter_constraints``); an
        ``InvalidParameterError`` (a ``ValueError`` and ``TypeError``) names
        the parameter as the user wrote it."""
        # override: scikit-learn's constraints (with hints) replace skorch's check
        params = {
            k: v for k, v in vars(self).items() if k in self._parameter_constraints
        }
        try:
            validate_parameter_constraints(
                self._parameter_constraints, params, caller_name=type(self).__name__
            )
        except InvalidParameterError as exc:
            hint = next(
                (
                    h
                    for name, h in self._parameter_hints.items()
                    if f"'{name}' param" in str(exc)
                ),
                None,
            )
            if hint is None:
                raise
            raise InvalidParameterError(f"{exc} {hint}") from None

    def __sklearn_tags__(self):
        # scikit-learn's protocol (skorch defines no tags): 2-D and 3-D
        # panels, no NaN, multi-class
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_class = True
        tags.non_deterministic = self.random_state is None
        return tags
