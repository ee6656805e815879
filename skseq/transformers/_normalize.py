"""Scale series: z-normalisation or min-max, per instance or per channel."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..utils._callback_api import leaf_fit
from ._base import _DOCS, _check_choice, _PanelTransformer

__all__ = ["Normalizer"]

_METHODS = ("zscore", "minmax")
_SCOPES = ("instance", "channel")


def _nan_stats(X: np.ndarray, axis: tuple[int, ...], method: str):
    """Location and scale over ``axis``, ignoring NaN, without NaN warnings.

    A slice with no observed value gets location 0 and scale 1; a constant
    slice gets scale 1 (it is only shifted), as in sklearn's StandardScaler.
    """
    observed = ~np.isnan(X)
    count = observed.sum(axis=axis, keepdims=True)
    empty = count == 0
    if method == "zscore":
        filled = np.where(observed, X, 0.0)
        loc = filled.sum(axis=axis, keepdims=True) / np.maximum(count, 1)
        centred = np.where(observed, X - loc, 0.0)
        scale = np.sqrt(
            (centred**2).sum(axis=axis, keepdims=True) / np.maximum(count, 1)
        )
    else:
        loc = np.where(observed, X, np.inf).min(axis=axis, keepdims=True)
        high = np.where(observed, X, -np.inf).max(axis=axis, keepdims=True)
        loc = np.where(empty, 0.0, loc)
        scale = np.where(empty, 1.0, high - loc)
    # a constant slice (up to float32 rounding of its level) is only shifted:
    # dividing by ~0 would blow up rounding noise; small signals keep their shape
    tiny = scale <= 10 * np.finfo(np.float32).eps * np.abs(loc)
    scale = np.where(tiny | empty, 1.0, scale)
    return loc, scale


@_DOCS
class Normalizer(_PanelTransformer):
    """Z-normalise or min-max scale every series, channel by channel.

    Parameters
    ----------
    method : {"zscore", "minmax"}, default="zscore"
        ``"zscore"``: subtract the mean and divide by the standard deviation
        (ddof=0). ``"minmax"``: map the minimum to 0 and the maximum to 1.
    scope : {"instance", "channel"}, default="instance"
        Where the statistics come from. ``"instance"``: from each series and
        channel itself, at ``transform`` time (the usual z-normalisation of
        time-series classification; ``fit`` learns nothing). ``"channel"``:
        one location and scale per channel, learnt in ``fit`` over every
        series and time step, and applied to new data unchanged (keeps
        amplitude differences between series).

    Attributes
    ----------
    loc_ : ndarray of shape (n_channels,)
        Per-channel mean (``"zscore"``) or minimum (``"minmax"``); only with
        ``scope="channel"``.
    scale_ : ndarray of shape (n_channels,)
        Per-channel standard deviation or range; only with
        ``scope="channel"``.
    {panel_attributes}

    See Also
    --------
    Interpolator : Fill missing values before normalising.

    Notes
    -----
    NaN (missing values and trailing padding) is ignored by the statistics and
    stays NaN. A constant series or channel (scale 0) is only shifted, so it
    becomes all zeros rather than NaN, as with
    :class:`sklearn.preprocessing.StandardScaler`. Statistics are computed in
    float64; the output is float32.

    {panel_output}

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.transformers import Normalizer
    >>> X = np.array([[[1.0, 2.0, 3.0]], [[10.0, 10.0, np.nan]]])
    >>> Normalizer(method="minmax").fit_transform(X)
    array([[[0. , 0.5, 1. ]],
    <BLANKLINE>
           [[0. , 0. , nan]]], dtype=float32)
    >>> Normalizer(scope="channel").fit(X).loc_
    array([5.2])
    """

    # NaN is ignored by the statistics and stays NaN
    _allow_nan = True
    _allow_empty_series = True

    def __init__(self, method: str = "zscore", *, scope: str = "instance") -> None:
        self.method = method
        self.scope = scope

    @leaf_fit
    @_DOCS
    def fit(self, X, y=None) -> Normalizer:
        """Check the parameters; learn per-channel statistics if asked.

        {fit_parameters}

        Returns
        -------
        self : Normalizer
        """
        _check_choice("method", self.method, _METHODS, owner="Normalizer")
        _check_choice("scope", self.scope, _SCOPES, owner="Normalizer")
        X, _ = self._validate(X, reset=True)
        if self.scope == "channel":
            loc, scale = _nan_stats(X.astype(np.float64), (0, 2), self.method)
            self.loc_, self.scale_ = loc.ravel(), scale.ravel()
        return self

    def _transform(self, X: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Scale every series.

        Returns
        -------
        Xt : ndarray of shape (n_instances, n_channels, n_timepoints), float32
        """
        X = X.astype(np.float64)
        if self.scope == "channel":
            loc, scale = self.loc_[None, :, None], self.scale_[None, :, None]
        else:
            loc, scale = _nan_stats(X, (2,), self.method)
        return np.ascontiguousarray((X - loc) / scale, dtype=np.float32)

    def _export_module(self):
        """This transform as a torch module ``(x, lengths) -> x`` for
        :func:`skseq.export.to_onnx` (``x`` zero on padded steps, and kept so)."""
        check_is_fitted(self)
        from ._export import NormalizerModule

        if self.scope == "channel":
            return NormalizerModule(self.method, self.loc_, self.scale_)
        return NormalizerModule(self.method)
