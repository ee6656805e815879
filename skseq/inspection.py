"""Which channels and which stretches of time a fitted model relies on.

:func:`permutation_importance` is scikit-learn's
:func:`sklearn.inspection.permutation_importance` for panels
``(n_instances, n_channels, n_timepoints)``: scikit-learn's version refuses
3-D input, and on a flattened panel it permutes single time steps, which a
sequence model barely notices (every importance comes out near 0). Here a
*feature* is a whole channel (``by="channel"``) or a stretch of time across
all channels (``by="segment"``), and permuting it moves it, whole, from one
series to another. The scoring, the random streams and the returned
:class:`~sklearn.utils.Bunch` follow scikit-learn's, so results read (and,
on a panel that is really a table, compare) the same; plot them with
:func:`skseq.plotting.plot_importance`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.random import sample_without_replacement

from .utils.validation import _is_pandas_panel, check_panel

__all__ = ["permutation_importance"]

_BY = ("channel", "segment")
_UNEQUAL = ("resample", "group", "raise")
_DEFAULT_N_SEGMENTS = 10


# ------------------------------------------------------------------ checks
def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_params(
    by: Any, n_repeats: Any, unequal_lengths: Any, n_segments: Any, segment_length: Any
) -> None:
    if by not in _BY:
        raise ValueError(
            f"by must be 'channel' (permute whole channels) or 'segment' "
            f"(permute stretches of time across all channels); got {by!r}."
        )
    if not _is_int(n_repeats) or n_repeats < 1:
        raise ValueError(
            f"n_repeats must be an integer of at least 1; got {n_repeats!r}."
        )
    if unequal_lengths not in _UNEQUAL:
        raise ValueError(
            f"unequal_lengths must be one of {_UNEQUAL}; got {unequal_lengths!r}."
        )
    if by == "channel" and (n_segments is not None or segment_length is not None):
        raise ValueError(
            "n_segments and segment_length only apply to by='segment'; leave "
            "them out with by='channel'."
        )
    if n_segments is not None and segment_length is not None:
        raise ValueError(
            "Pass n_segments or segment_length, not both: the one fixes the other."
        )
    for name, value in (("n_segments", n_segments), ("segment_length", segment_length)):
        if value is not None and (not _is_int(value) or value < 1):
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")


def _check_max_samples(max_samples: Any, n: int) -> int:
    """The number of series to draw, as scikit-learn counts it."""
    if _is_int(max_samples):
        if not 1 <= max_samples <= n:
            raise ValueError(
                f"max_samples must be <= n_samples (and at least 1): X holds {n} "
                f"series; got max_samples={max_samples}."
            )
        return int(max_samples)
    if (
        isinstance(max_samples, numbers.Real)
        and not isinstance(max_samples, bool)
        and 0 < max_samples <= 1
    ):
        drawn = int(max_samples * n)
        if drawn < 1:
            raise ValueError(
                f"max_samples={max_samples} of {n} series draws no series; pass a "
                "larger fraction or an integer count."
            )
        return drawn
    raise ValueError(
        "max_samples must be an integer count in [1, n_samples] or a fraction in "
        f"(0, 1]; got {max_samples!r}."
    )


def _check_rows(values: Any, n: int, name: str) -> np.ndarray | None:
    if values is None:
        return None
    values = np.asarray(values)
    if values.ndim == 0 or values.shape[0] != n:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: X has {n} "
            f"series but {name} has "
            f"{'no length' if values.ndim == 0 else values.shape[0]} entries; pass "
            "one per series."
        )
    return values


# ---------------------------------------------------------------- features
def _channel_names(estimator: Any, X: Any, n_channels: int) -> list[str]:
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None and len(names) == n_channels:
        return [str(name) for name in names]
    if _is_pandas_panel(X) and X.shape[1] == n_channels:
        return [str(name) for name in X.columns]
    return [f"channel {c}" for c in range(n_channels)]


def _segment_bounds(
    lengths: np.ndarray,
    n_segments: int | None,
    segment_length: int | None,
) -> tuple[np.ndarray, list[str]]:
    """Start and stop of every segment of every series, and their names.

    Returns ``bounds`` of shape ``(n_instances, n_segments + 1)``: segment
    ``k`` of series ``i`` is ``[bounds[i, k], bounds[i, k + 1])``.
    """
    equal = bool((lengths == lengths[0]).all())
    shortest = int(lengths.min())
    if segment_length is not None:
        if not equal:
            raise ValueError(
                "segment_length cuts every series at the same time steps, which "
                f"needs series of one length; these have {shortest} to "
                f"{int(lengths.max())} steps. Pass n_segments instead: segments "
                "then sit at the same relative positions of every series."
            )
        if segment_length > shortest:
            raise ValueError(
                f"segment_length={segment_length} is longer than the series "
                f"({shortest} steps)."
            )
        stops = list(range(0, shortest, segment_length)) + [shortest]
        bounds = np.tile(np.asarray(stops, dtype=np.int64), (len(lengths), 1))
    else:
        if n_segments is None:
            n_segments = min(_DEFAULT_N_SEGMENTS, shortest)
        if n_segments > shortest:
            which = "the series have" if equal else "the shortest series has"
            raise ValueError(
                f"n_segments={n_segments} is more than {which} time steps "
                f"({shortest}): every segment needs at least one step. Pass "
                f"n_segments <= {shortest}."
            )
        k = np.arange(n_segments + 1, dtype=np.int64)
        bounds = (k[None, :] * lengths[:, None].astype(np.int64)) // n_segments
    n_seg = bounds.shape[1] - 1
    if equal:
        names = []
        for a, b in zip(bounds[0, :-1], bounds[0, 1:], strict=True):
            names.append(f"step {a}" if b - a == 1 else f"steps {a}–{b - 1}")
    else:
        names = [
            f"{100 * k / n_seg:.0f}–{100 * (k + 1) / n_seg:.0f}% of length"
            for k in range(n_seg)
        ]
    return bounds, names


# ------------------------------------------------------------- permutation
def _resample(values: np.ndarray, m: int) -> np.ndarray:
    """Stretch ``values`` (n_channels, s) linearly onto ``m`` steps, ends aligned."""
    s = values.shape[-1]
    if s == m:
        return values
    if s == 1:
        return np.repeat(values, m, axis=-1)
    where = np.linspace(0.0, s - 1.0, m) if m > 1 else np.array([(s - 1) / 2.0])
    grid = np.arange(s, dtype=np.float64)
    return np.stack([np.interp(where, grid, row) for row in values]).astype(
        values.dtype
    )


def _move(
    X_out: np.ndarray,
    X: np.ndarray,
    perm: np.ndarray,
    channels: slice | int,
    bounds: np.ndarray,
) -> None:
    """Write, into every series ``i``, the stretch ``bounds[perm[i]]`` of
    series ``perm[i]``, stretched onto the span ``bounds[i]`` when the two
    differ in length. ``channels`` selects the channels moved."""
    starts, stops = bounds[:, 0], bounds[:, 1]
    if (starts == starts[0]).all() and (stops == stops[0]).all():
        a, b = int(starts[0]), int(stops[0])
        X_out[:, channels, a:b] = X[perm, channels, a:b]
        return
    for i, j in enumerate(perm):
        a, b = int(starts[i]), int(stops[i])
        c, d = int(starts[j]), int(stops[j])
        donor = X[j, channels, c:d]
        if d - c != b - a:
            donor = _resample(np.atleast_2d(donor), b - a).reshape(
                donor.shape[:-1] + (b - a,)
            )
        X_out[i, channels, a:b] = donor


def _score(scorer: Callable, estimator: Any, X: Any, y: Any, sample_weight: Any):
    if sample_weight is not None:
        return scorer(estimator, X, y, sample_weight=sample_weight)
    return scorer(estimator, X, y)


def _aggregate(scores: list[dict]) -> dict[str, np.ndarray]:
    return {key: np.asarray([s[key] for s in scores]) for key in scores[0]}


def _permutation_scores(
    estimator: Any,
    X: np.ndarray,
    lengths: np.ndarray,
    y: Any,
    sample_weight: Any,
    channels: slice | int,
    bounds: np.ndarray,
    group: bool,
    random_seed: int,
    n_repeats: int,
    scorer: Callable,
    max_samples: int,
) -> Any:
    """Scores of ``n_repeats`` permutations of one feature.

    The random stream is scikit-learn's: a fresh ``RandomState(random_seed)``
    per feature, which draws the series of ``max_samples`` first, then
    shuffles the series order in place once per repeat, the shuffles
    composing as scikit-learn's in-place column shuffles do.
    """
    random_state = check_random_state(random_seed)
    n = X.shape[0]
    if max_samples < n:
        rows = sample_without_replacement(n, max_samples, random_state=random_state)
        X, lengths, bounds = X[rows], lengths[rows], bounds[rows]
        y = None if y is None else y[rows]
        sample_weight = None if sample_weight is None else sample_weight[rows]
    X_permuted = X.copy()
    n = X.shape[0]
    shuffling_idx = np.arange(n)
    perm = np.arange(n)
    groups = [np.flatnonzero(lengths == L) for L in np.unique(lengths)]
    scores = []
    for _ in range(n_repeats):
        if group:  # a fresh shuffle among the series of every length
            perm = np.arange(n)
            for members in groups:
                perm[members] = members[random_state.permutation(len(members))]
        else:
            random_state.shuffle(shuffling_idx)
            perm = perm[shuffling_idx]
        _move(X_permuted, X, perm, channels, bounds)
        scores.append(_score(scorer, estimator, X_permuted, y, sample_weight))
    if isinstance(scores[0], dict):
        return _aggregate(scores)
    return np.asarray(scores)


def _bunch(baseline: float, permuted: np.ndarray, names: list[str]) -> Bunch:
    importances = baseline - np.asarray(permuted)
    return Bunch(
        importances_mean=np.mean(importances, axis=1),
        importances_std=np.std(importances, axis=1),
        importances=importances,
        feature_names=np.asarray(names, dtype=object),
    )


def permutation_importance(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    by: Literal["channel", "segment"] = "channel",
    n_segments: int | None = None,
    segment_length: int | None = None,
    unequal_lengths: Literal["resample", "group", "raise"] = "resample",
    scoring: str | Callable | Iterable[str] | Mapping[str, Any] | None = None,
    n_repeats: int = 5,
    n_jobs: int | None = None,
    random_state: int | np.random.RandomState | None = None,
    sample_weight: Any = None,
    max_samples: int | float = 1.0,
) -> Bunch | dict[str, Bunch]:
    """Permutation importance of channels or time segments of a panel.

    The importance of a channel is how much the score of a fitted
    ``estimator`` drops when that channel's whole series is shuffled across
    the series of ``X`` (each series gets the channel of another, its other
    channels untouched), averaged over ``n_repeats`` shuffles. With
    ``by="segment"`` the time axis is cut into segments and a segment of
    every channel is shuffled across the series instead: which stretch of
    time the model relies on. Everything else is scikit-learn's
    :func:`~sklearn.inspection.permutation_importance`: ``scoring`` (one
    metric or several), ``max_samples``, ``sample_weight``, ``n_jobs`` (over
    features) and the random stream, so on a panel that is really a table
    (one time step, ``by="channel"``) both give the same numbers.

    Parameters
    ----------
    estimator : fitted estimator
        Any fitted estimator or pipeline that takes panels, e.g. an skseq
        classifier or a :class:`~sklearn.pipeline.Pipeline` of skseq
        transformers and a classifier. It is scored on 3-D float32 arrays
        ``(n_instances, n_channels, n_timepoints)``, padded with trailing
        NaN where lengths differ.
    X : panel
        Series to score on, ideally held out from training, in any form
        :func:`skseq.utils.check_panel` accepts: a 3-D or 2-D array, a list
        of series of unequal length, an sktime pandas panel.
    y : array-like of shape (n_instances,) or None
        Targets (``None`` for scorers that need none).
    by : {"channel", "segment"}, default="channel"
        What a feature is: a whole channel, or a stretch of time across all
        channels.
    n_segments : int or None, default=None
        With ``by="segment"``: how many segments of (nearly) equal length to
        cut every series into; ``None`` means 10, or the length of the
        shortest series when that is shorter. With unequal lengths every
        series is cut at the same *relative* positions (segment ``k`` is its
        ``k``-th tenth, whatever its length).
    segment_length : int or None, default=None
        With ``by="segment"``: cut into segments of this many steps instead
        (the last may be shorter). Needs series of equal length.
    unequal_lengths : {"resample", "group", "raise"}, default="resample"
        How to move a channel or segment between series of different
        lengths, so that a permuted series never gains interior NaN and is
        never cut short (its length, and so its padding, stays its own):

        - ``"resample"``: the donor's channel (or segment) is stretched
          linearly onto the recipient's span, ends aligned, so every series
          takes part in every shuffle; values are interpolated where the
          lengths differ;
        - ``"group"``: shuffle only among series of the same length, values
          moved untouched; a series whose length no other series has keeps
          its own values, which biases importances towards 0 (check
          ``np.unique(lengths, return_counts=True)`` first);
        - ``"raise"``: refuse unequal lengths (pad, truncate or resample
          them first with :mod:`skseq.transformers`).

        Irrelevant when every series has the same length.
    scoring : str, callable, list, tuple, dict or None, default=None
        As in scikit-learn: a scorer name (``"f1_macro"``), a scorer
        callable ``scorer(estimator, X, y)``, ``None`` for the estimator's
        ``score``; or several metrics as a list or tuple of names, a dict of
        scorers, or a callable returning a dict.
    n_repeats : int, default=5
        Number of shuffles of every feature.
    n_jobs : int or None, default=None
        Features scored in parallel (joblib; ``None`` is 1).
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffles; an int gives the same importances on every call.
    sample_weight : array-like of shape (n_instances,) or None, default=None
        Weights used in scoring.
    max_samples : int or float, default=1.0
        Series drawn (without replacement) for each feature's repeats: an
        int count, or a fraction of the series.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch` or dict of Bunch
        With one metric, a Bunch with

        - ``importances_mean``, ndarray of shape (n_features,): mean drop of
          the score over the repeats;
        - ``importances_std``, ndarray of shape (n_features,): its standard
          deviation;
        - ``importances``, ndarray of shape (n_features, n_repeats): the
          drop of every repeat;
        - ``feature_names``, ndarray of str of shape (n_features,): the
          estimator's ``feature_names_in_`` or the columns of a pandas panel
          when there is one name per channel, else ``"channel 0"``, …; for
          segments ``"steps 0–9"``, … (``"0–10% of length"``, … with unequal
          lengths).

        With several metrics, a dict of such Bunches keyed by metric name.

    Raises
    ------
    ValueError
        An unknown ``by``, ``n_repeats`` below 1, more segments than the
        shortest series has steps, ``segment_length`` with unequal lengths,
        unequal lengths with ``unequal_lengths="raise"``, a ``max_samples``
        out of range, or ``y`` or ``sample_weight`` of another length than
        ``X``.

    See Also
    --------
    sklearn.inspection.permutation_importance : The same for tables.
    skseq.plotting.plot_importance : Box or bar plot of the result.

    Notes
    -----
    A shuffled channel keeps its own distribution but loses its link with
    the target and with the other channels, so a model that uses a channel
    only through its correlation with another (redundant sensors) can show
    a small importance for both. Importances on the training data show what
    the model memorised; on held-out data, what generalises.

    Examples
    --------
    A toy model that reads channel 1 only, then a random panel whose class
    is the sign of channel 1's mean:

    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from skseq.inspection import permutation_importance
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 3, 20))
    >>> y = (X[:, 1].mean(axis=1) > 0).astype(int)
    >>> channel_1_mean = FunctionTransformer(lambda X: X[:, 1].mean(axis=1)[:, None])
    >>> model = make_pipeline(channel_1_mean, LogisticRegression()).fit(X, y)
    >>> result = permutation_importance(model, X, y, n_repeats=10, random_state=0)
    >>> result.importances.shape
    (3, 10)
    >>> result.feature_names[np.argmax(result.importances_mean)]
    'channel 1'
    >>> result.importances_mean[[0, 2]]
    array([0., 0.])
    >>> segments = permutation_importance(model, X, y, by="segment", n_segments=4)
    >>> segments.feature_names.tolist()
    ['steps 0–4', 'steps 5–9', 'steps 10–14', 'steps 15–19']
    """
    _check_params(by, n_repeats, unequal_lengths, n_segments, segment_length)
    Xp, lengths = check_panel(
        X,
        allow_missing=True,
        return_lengths=True,
        estimator_name="permutation_importance",
    )
    n, n_channels, _ = Xp.shape
    y = _check_rows(y, n, "y")
    sample_weight = _check_rows(sample_weight, n, "sample_weight")
    max_samples = _check_max_samples(max_samples, n)
    equal = bool((lengths == lengths[0]).all())
    if not equal and unequal_lengths == "raise":
        raise ValueError(
            f"X holds series of {int(lengths.min())} to {int(lengths.max())} "
            "steps and unequal_lengths='raise'. Pass unequal_lengths='resample' "
            "or 'group', or bring the series to one length first "
            "(skseq.transformers.Padder, Truncator or Interpolator)."
        )
    group = unequal_lengths == "group" and not equal

    if by == "channel":
        names = _channel_names(estimator, X, n_channels)
        spans = np.stack([np.zeros(n, dtype=np.int64), lengths.astype(np.int64)], 1)
        # a channel is the span of observed steps; padding stays where it is
        features = [(c, spans) for c in range(n_channels)]
    else:
        bounds, names = _segment_bounds(lengths, n_segments, segment_length)
        features = [
            (slice(None), bounds[:, k : k + 2]) for k in range(bounds.shape[1] - 1)
        ]

    # scikit-learn's streams: one seed drawn here, a fresh RandomState from
    # it for every feature, whatever the joblib backend
    random_state = check_random_state(random_state)
    random_seed = random_state.randint(np.iinfo(np.int32).max + 1)

    scorer = check_scoring(estimator, scoring=scoring)
    baseline = _score(scorer, estimator, Xp, y, sample_weight)
    scores = Parallel(n_jobs=n_jobs)(
        delayed(_permutation_scores)(
            estimator,
            Xp,
            lengths,
            y,
            sample_weight,
            channels,
            spans_k,
            group,
            random_seed,
            n_repeats,
            scorer,
            max_samples,
        )
        for channels, spans_k in features
    )
    if isinstance(baseline, dict):
        return {
            name: _bunch(baseline[name], np.array([s[name] for s in scores]), names)
            for name in baseline
        }
    return _bunch(baseline, np.array(scores), names)
