"""Minority over-sampling by time-series augmentation (jitter, scaling, warps)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from scipy.interpolate import CubicSpline
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils.validation import series_lengths
from ._panel import _DOCS, _PanelSamplerMixin

__all__ = ["AugmentationOverSampler"]

METHODS = (
    "jitter",
    "scaling",
    "magnitude_warp",
    "time_warp",
    "window_slice",
    "window_warp",
)


# ------------------------------------------------------------------ methods
# Each takes one observed series x of shape (n_channels, length), float64, and
# returns a new series of the same shape derived from x alone.


def _smooth_curves(
    n_curves: int, length: int, sigma: float, n_knots: int, rng: np.random.RandomState
) -> np.ndarray:
    """Random smooth curves around 1: cubic splines through ``n_knots + 2`` knots."""
    knots = rng.normal(1.0, sigma, size=(n_curves, n_knots + 2))
    if length < 2:
        return knots[:, :1]
    positions = np.linspace(0.0, length - 1.0, n_knots + 2)
    return CubicSpline(positions, knots, axis=1)(np.arange(length))


def _resample(x: np.ndarray, new_length: int) -> np.ndarray:
    """Linearly stretch or squeeze every channel of x to ``new_length`` steps."""
    old = np.arange(x.shape[1])
    new = np.linspace(0.0, x.shape[1] - 1.0, new_length)
    return np.stack([np.interp(new, old, channel) for channel in x])


def _jitter(x, rng, *, sigma, scale, **_):
    """Additive Gaussian noise, ``sigma`` times each channel's spread."""
    return x + rng.normal(size=x.shape) * (sigma * scale[:, None])


def _scaling(x, rng, *, sigma, **_):
    """Multiply each channel by one factor drawn from N(1, sigma^2)."""
    return x * rng.normal(1.0, sigma, size=(x.shape[0], 1))


def _magnitude_warp(x, rng, *, sigma, n_knots, **_):
    """Multiply each channel by its own smooth random curve around 1."""
    return x * _smooth_curves(x.shape[0], x.shape[1], sigma, n_knots, rng)


def _time_warp_path(
    length: int, rng: np.random.RandomState, sigma: float, n_knots: int
) -> np.ndarray:
    """A smooth, strictly increasing re-timing ``tau`` with tau[0]=0, tau[-1]=L-1."""
    # a positive random speed curve integrated over time (Um et al. 2017); the
    # floor keeps the path strictly increasing where the spline dips below 0
    speed = np.maximum(_smooth_curves(1, length, sigma, n_knots, rng)[0], 1e-2)
    tau = np.concatenate([[0.0], np.cumsum((speed[1:] + speed[:-1]) / 2.0)])
    return tau * ((length - 1.0) / tau[-1])


def _time_warp(x, rng, *, sigma, n_knots, **_):
    """Re-time the whole series (all channels alike) along a smooth warp path."""
    length = x.shape[1]
    if length < 2:
        return x.copy()
    tau = _time_warp_path(length, rng, sigma, n_knots)
    steps = np.arange(length)
    return np.stack([np.interp(tau, steps, channel) for channel in x])


def _window_slice(x, rng, *, ratio, **_):
    """A random contiguous window of ``ratio * L`` steps stretched back to L."""
    length = x.shape[1]
    width = max(1, int(round(ratio * length)))
    if width >= length:
        return x.copy()
    start = rng.randint(0, length - width + 1)
    return _resample(x[:, start : start + width], length)


def _window_warp(x, rng, *, ratio, scales, **_):
    """Speed up or slow down one random window, then resample to length L."""
    length = x.shape[1]
    width = max(1, int(round(ratio * length)))
    if length < 2 or width >= length:
        return x.copy()
    start = rng.randint(0, length - width + 1)
    scale = scales[rng.randint(len(scales))]
    window = _resample(x[:, start : start + width], max(1, int(round(width * scale))))
    warped = np.concatenate([x[:, :start], window, x[:, start + width :]], axis=1)
    return _resample(warped, length)


_FUNCTIONS = {
    "jitter": _jitter,
    "scaling": _scaling,
    "magnitude_warp": _magnitude_warp,
    "time_warp": _time_warp,
    "window_slice": _window_slice,
    "window_warp": _window_warp,
}


@_DOCS
class AugmentationOverSampler(_PanelSamplerMixin, BaseOverSampler):
    """Over-sample minority classes with augmented copies of their own series.

    Every synthetic series is made from **one** real series of its class (the
    seed) by a label-preserving time-series augmentation (Um et al. 2017;
    Iwana & Uchida 2021), so it stays a plausible series of that class, with
    the seed's length, rather than a straight-line interpolation between two
    series (SMOTE on flattened panels). Seeds are used in turn: every series
    of a class seeds the same number of synthetic series, give or take one.

    Parameters
    ----------
    method : str or list of str, default="window_warp"
        The augmentation, or a list of them (each synthetic series then uses
        one drawn at random):

        - ``"jitter"``: add Gaussian noise of standard deviation
          ``jitter_sigma`` times the channel's standard deviation;
        - ``"scaling"``: multiply each channel by a factor from
          :math:`N(1, \\sigma^2)`, ``sigma=scaling_sigma``;
        - ``"magnitude_warp"``: multiply each channel by a smooth random
          curve around 1 (cubic spline through ``n_knots`` random knots of
          spread ``warp_sigma``);
        - ``"time_warp"``: re-time the series along a smooth, strictly
          increasing random path (same knots and spread), all channels alike;
          values, order and end points are kept;
        - ``"window_slice"``: stretch a random window of ``slice_ratio`` of the
          series back to its full length;
        - ``"window_warp"``: speed up or slow down a random window of
          ``window_ratio`` of the series by a factor from ``window_scales``,
          then resample to the original length.
    sampling_strategy : float, str, dict or callable, default="auto"
        Which classes to over-sample and to how many series, exactly as in
        imblearn's over-samplers (``"auto"``: every class but the majority,
        up to the majority's count).
    random_state : int, RandomState instance or None, default=None
        Seeds the choice of seeds, methods and augmentations.
    jitter_sigma : float, default=0.03
        Noise level of ``"jitter"``, relative to each channel's standard
        deviation in the panel given to ``fit_resample``.
    scaling_sigma : float, default=0.1
        Spread of the ``"scaling"`` factors.
    warp_sigma : float, default=0.2
        Spread of the random knots of ``"magnitude_warp"`` and ``"time_warp"``.
    n_knots : int, default=4
        Interior knots of the random curves of the two warps.
    slice_ratio : float, default=0.9
        Share of the series kept by ``"window_slice"``.
    window_ratio : float, default=0.1
        Share of the series warped by ``"window_warp"``.
    window_scales : sequence of float, default=(0.5, 2.0)
        Speed factors ``"window_warp"`` draws from.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of synthetic series made for every over-sampled class.
    seed_indices_ : ndarray of shape (n_new_samples,)
        For every output row, the input row it is (the originals come first,
        in order) or was made from. Pass them as ``groups`` to keep a series
        and its offspring in one cross-validation fold.
    channel_std_ : ndarray of shape (n_channels,)
        Standard deviation of every channel over the observed values of the
        panel (the unit of ``jitter_sigma``).
    {panel_attributes}

    See Also
    --------
    PanelSampler : any imblearn sampler (SMOTE, ADASYN, …) on panels.

    Notes
    -----
    Input and output follow :class:`PanelSampler`: any panel that
    :func:`skseq.utils.check_panel` accepts, float32 output, 2-D output for
    2-D input. Unequal lengths are kept: each synthetic series is made from
    the observed part of its seed and is NaN-padded after the seed's length.
    Series too short for a method (one step; a window as long as the series)
    are copied unchanged by the window and warp methods.

    References
    ----------
    .. [1] T. T. Um, F. M. J. Pfister, D. Pichler, S. Endo, M. Lang, S. Hirche, U.
       Fietzek and D. Kulić, "Data augmentation of wearable sensor data for
       Parkinson's disease monitoring using convolutional neural networks",
       ICMI 2017.
    .. [2] B. K. Iwana and S. Uchida, "An empirical survey of data augmentation
       for time series classification with neural networks", PLOS ONE 16(7),
       2021.
    .. [3] A. Le Guennec, S. Malinowski and R. Tavenard, "Data augmentation for
       time series classification using convolutional neural networks",
       ECML/PKDD Workshop AALTD, 2016.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from sktime.datasets import load_gunpoint
    >>> from skseq.sampling import AugmentationOverSampler
    >>> X, y = load_gunpoint(return_type="numpy3D")
    >>> keep = np.r_[np.flatnonzero(y == "1"), np.flatnonzero(y == "2")[:10]]
    >>> X, y = X[keep], y[keep]
    >>> sampler = AugmentationOverSampler("time_warp", random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape, sorted(Counter(y_res.tolist()).items())
    ((200, 1, 150), [('1', 100), ('2', 100)])
    >>> bool(np.isin(sampler.seed_indices_[len(X):], np.arange(100, 110)).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "method": [StrOptions(set(METHODS)), list, tuple],
        "jitter_sigma": [Interval(numbers.Real, 0, None, closed="left")],
        "scaling_sigma": [Interval(numbers.Real, 0, None, closed="left")],
        "warp_sigma": [Interval(numbers.Real, 0, None, closed="left")],
        "n_knots": [Interval(numbers.Integral, 1, None, closed="left")],
        "slice_ratio": [Interval(numbers.Real, 0, 1, closed="right")],
        "window_ratio": [Interval(numbers.Real, 0, 1, closed="right")],
        "window_scales": ["array-like"],
    }
    _method_docs = {
        "fit_note": "You should use ``fit_resample`` in all cases.",
        "resample_summary": "Append augmented minority series to the panel.",
        "params": "Unused.",
        "resampled": """\
The input series followed by the synthetic ones, float32; 2-D, in
the input's container, for 2-D input.""",
    }

    def __init__(
        self,
        method: str | Sequence[str] = "window_warp",
        *,
        sampling_strategy: Any = "auto",
        random_state: int | np.random.RandomState | None = None,
        jitter_sigma: float = 0.03,
        scaling_sigma: float = 0.1,
        warp_sigma: float = 0.2,
        n_knots: int = 4,
        slice_ratio: float = 0.9,
        window_ratio: float = 0.1,
        window_scales: Sequence[float] = (0.5, 2.0),
    ) -> None:
        super().__init__(sampling_strategy=sampling_strategy)
        self.method = method
        self.random_state = random_state
        self.jitter_sigma = jitter_sigma
        self.scaling_sigma = scaling_sigma
        self.warp_sigma = warp_sigma
        self.n_knots = n_knots
        self.slice_ratio = slice_ratio
        self.window_ratio = window_ratio
        self.window_scales = window_scales

    def _methods(self) -> list[str]:
        methods = [self.method] if isinstance(self.method, str) else list(self.method)
        unknown = [m for m in methods if m not in METHODS]
        if not methods or unknown:
            raise ValueError(
                f"method must be one of {list(METHODS)} or a non-empty list of "
                f"them; got {self.method!r}."
            )
        return methods

    def _scales(self) -> np.ndarray:
        scales = np.asarray(self.window_scales, dtype=float).ravel()
        if scales.size == 0 or not np.isfinite(scales).all() or (scales <= 0).any():
            raise ValueError(
                "window_scales must be a non-empty sequence of positive speed "
                f"factors, e.g. (0.5, 2.0); got {self.window_scales!r}."
            )
        return scales

    def _fit_resample(
        self, X: np.ndarray, y: np.ndarray, **params: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        methods = self._methods()
        options = {
            "jitter": {"sigma": float(self.jitter_sigma)},
            "scaling": {"sigma": float(self.scaling_sigma)},
            "magnitude_warp": {
                "sigma": float(self.warp_sigma),
                "n_knots": self.n_knots,
            },
            "time_warp": {"sigma": float(self.warp_sigma), "n_knots": self.n_knots},
            "window_slice": {"ratio": float(self.slice_ratio)},
            "window_warp": {
                "ratio": float(self.window_ratio),
                "scales": self._scales(),
            },
        }
        self._fit_statistics(X, y)
        rng = check_random_state(self.random_state)
        lengths = series_lengths(X)
        with np.errstate(invalid="ignore"):  # all-NaN channels have no spread
            std = np.nanstd(X.astype(np.float64), axis=(0, 2))
        self.channel_std_ = np.nan_to_num(std)
        options["jitter"]["scale"] = self.channel_std_

        seeds = [np.arange(len(X))]
        new_X, new_y = [X], [y]
        for label, n_new in self.sampling_strategy_.items():
            members = np.flatnonzero(y == label)
            if n_new <= 0 or len(members) == 0:
                continue
            # every member seeds n_new // m series, a random few one more
            extra = rng.choice(members, size=n_new % len(members), replace=False)
            chosen = rng.permutation(
                np.concatenate([np.tile(members, n_new // len(members)), extra])
            )
            picks = rng.randint(len(methods), size=n_new)
            out = np.full((n_new, *X.shape[1:]), np.nan, dtype=np.float32)
            for row, (seed, pick) in enumerate(zip(chosen, picks)):
                length = lengths[seed]
                series = X[seed, :, :length].astype(np.float64)
                method = methods[pick]
                out[row, :, :length] = _FUNCTIONS[method](
                    series, rng, **options[method]
                )
            seeds.append(chosen)
            new_X.append(out)
            new_y.append(np.full(n_new, label, dtype=y.dtype))
        self.seed_indices_ = np.concatenate(seeds)
        return np.concatenate(new_X), np.concatenate(new_y)
