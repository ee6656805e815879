"""Bad inputs and parameters of the non-classifier public API (issue 13).

Every row calls one public function or estimator with one bad input or
parameter and checks the exception type and a fragment of its message: the
message names the parameter as the user wrote it (or the data problem), never
a numpy/torch/scikit-learn internal that the user did not write, and nothing
is transformed, resampled or windowed silently on nonsense. The classifiers'
own parameters are covered in ``tests/test_param_validation.py``.
"""

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from imblearn.over_sampling import SMOTE, RandomOverSampler
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import InvalidParameterError

from skseq.datasets import load_dataset, make_imbalanced
from skseq.losses import (
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    FocalLoss,
    LogitAdjustedLoss,
)
from skseq.model_selection import (
    CascadeClassifier,
    MulticlassThresholdClassifierCV,
    cluster_backend,
    optuna_objective,
    search_space,
    suggest_params,
)
from skseq.sampling import AugmentationOverSampler, PanelSampler
from skseq.transformers import (
    Interpolator,
    Normalizer,
    Padder,
    RollingFeatures,
    Truncator,
)
from skseq.utils.validation import check_panel, check_panel_y, series_lengths
from skseq.windows import WindowedClassifier, make_windows, step_scorer, unwindow

_rng = np.random.default_rng(0)
X = _rng.standard_normal((8, 2, 10))
Y = np.array([0, 1] * 4)
X_GAP = X.copy()
X_GAP[0, 0, 3] = np.nan
REC = np.arange(20.0)
REC_Y = np.array([0] * 10 + [1] * 10)
XT = _rng.standard_normal((30, 5))
YT = np.array([0, 1, 2] * 10)


def fit_transform(est, data=X):
    return lambda: est.fit_transform(data)


def resample(sampler, data=X, y=Y):
    return lambda: sampler.fit_resample(data, y)


def transformed(cls):
    """The call of :func:`param_cases` rows: ``cls(**params)`` transforms X."""
    return lambda **params: fit_transform(cls(**params))


def resampled(cls):
    """The call of :func:`param_cases` rows: ``cls(**params)`` resamples X."""
    return lambda **params: resample(cls(**params))


def built(cls):
    """The call of :func:`param_cases` rows: ``cls(**params)`` is built."""
    return lambda **params: lambda: cls(**params)


def param_cases(make, *rows):
    """CASES from ``(id, params, error, match)`` rows that share one call:
    ``make(**params)`` returns it (one bad parameter set a row)."""
    return [(name, make(**params), error, match) for name, params, error, match in rows]


def _flatten(a):
    return np.asarray(a).reshape(len(a), -1)


def windowed(y=REC_Y, rec=REC, estimator=None, **params):
    if estimator is None:
        estimator = make_pipeline(FunctionTransformer(_flatten), LogisticRegression())
    params = {"length": 4, **params}
    return lambda: WindowedClassifier(estimator, **params).fit(rec, y)


def threshold(**params):
    return lambda: MulticlassThresholdClassifierCV(
        params.pop("estimator", LogisticRegression()), cv=params.pop("cv", 3), **params
    ).fit(XT, YT)


def cascade(first=None, y=YT, **params):
    first = LogisticRegression() if first is None else first
    return lambda: CascadeClassifier(first, LogisticRegression(), **params).fit(XT, y)


def unwound(**changes):
    """``unwindow`` of two 3-step windows of a 6-step recording, ``changes``
    made to that valid call."""
    params = {
        "window_values": np.zeros(2),
        "starts": [0, 2],
        "length": 3,
        "n_timepoints": 6,
        **changes,
    }
    return lambda: unwindow(**params)


def loss_forward(loss, logits, target):
    return lambda: loss(logits, target)


def trial():
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna.create_study().ask()


LOGITS = torch.zeros(4, 2)
TARGET = torch.zeros(4, dtype=torch.long)
MSG_POSITIVE_INT = "must be a positive int"

# (id, call, exception type, message fragment); in the rows of param_cases the
# call's parameters stand for the call
CASES = [
    # ---------------------------------------------------------- Interpolator
    *param_cases(
        transformed(Interpolator),
        (
            "interp-method-unknown",
            {"method": "cubic"},
            ValueError,
            r"method='cubic' is not supported; choose one of",
        ),
        (
            "interp-method-none",
            {"method": None},
            ValueError,
            "method=None is not supported",
        ),
        (
            "interp-max_gap-zero",
            {"max_gap": 0},
            ValueError,
            "max_gap=0 must be a positive integer",
        ),
        (
            "interp-max_gap-float",
            {"max_gap": 2.5},
            ValueError,
            "max_gap=2.5 must be a positive integer",
        ),
        (
            "interp-max_gap-bool",
            {"max_gap": True},
            ValueError,
            "max_gap=True must be a positive integer",
        ),
        (
            "interp-edges",
            {"edges": "wrap"},
            ValueError,
            "edges='wrap' is not supported",
        ),
        (
            "interp-on_long_gap",
            {"on_long_gap": "ignore"},
            ValueError,
            "on_long_gap='ignore' is not supported",
        ),
        (
            "interp-missing_values-str",
            {"missing_values": "nan"},
            TypeError,
            "missing_values='nan' must be a real number",
        ),
        (
            "interp-missing_values-none",
            {"missing_values": None},
            TypeError,
            "missing_values=None must be a real number",
        ),
        (
            "interp-missing_values-inf",
            {"missing_values": np.inf},
            ValueError,
            "missing_values=inf cannot be infinite",
        ),
        (
            "interp-padding_value-str",
            {"padding_value": "0"},
            TypeError,
            "padding_value='0' must be a real number",
        ),
        (
            "interp-padding_value-inf",
            {"padding_value": -np.inf},
            ValueError,
            "padding_value=-inf cannot be infinite",
        ),
    ),
    (
        "interp-long-gap-raise",
        fit_transform(
            Interpolator(max_gap=1, on_long_gap="raise"),
            np.array([[[0.0, np.nan, np.nan, 3.0]]]),
        ),
        ValueError,
        "gap of 2 missing steps",
    ),
    (
        "interp-transform-channels",
        lambda: Interpolator().fit(X).transform(X[:, :1]),
        ValueError,
        "X has 1 channels, but Interpolator is expecting 2",
    ),
    (
        "interp-4d",
        fit_transform(Interpolator(), np.zeros((2, 2, 2, 2))),
        ValueError,
        "4 dimensions",
    ),
    # ------------------------------------------------------ Padder/Truncator
    *param_cases(
        transformed(Padder),
        (
            "padder-length-zero",
            {"length": 0},
            ValueError,
            r"Padder\(length=0\) must be at least 1",
        ),
        (
            "padder-length-negative",
            {"length": -3},
            ValueError,
            r"Padder\(length=-3\) must be at least 1",
        ),
        (
            "padder-length-min",
            {"length": "min"},
            ValueError,
            r"Padder\(length='min'\) is not supported; pass 'max'",
        ),
        (
            "padder-length-quantile-above-1",
            {"length": 1.5},
            ValueError,
            r"Padder\(length=1.5\) is a float, read as a quantile",
        ),
        (
            "padder-length-nan",
            {"length": float("nan")},
            ValueError,
            "must lie in \\(0, 1\\]",
        ),
        (
            "padder-length-none",
            {"length": None},
            TypeError,
            r"Padder\(length=None\) must be 'max'",
        ),
        (
            "padder-side",
            {"side": "both"},
            ValueError,
            r"Padder\(side='both'\) is not supported; use 'post' or 'pre'",
        ),
        (
            "padder-fill_value-str",
            {"fill_value": "0"},
            TypeError,
            r"Padder\(fill_value='0'\) must be a number",
        ),
        (
            "padder-fill_value-inf",
            {"fill_value": np.inf},
            ValueError,
            r"Padder\(fill_value=inf\) would pad with infinity",
        ),
        ("padder-pre-nan", {"side": "pre"}, ValueError, "side='pre', fill_value=nan"),
        (
            "padder-too-short",
            {"length": 3},
            ValueError,
            "more than the 3 that Padder pads to; put Truncator",
        ),
    ),
    *param_cases(
        transformed(Truncator),
        (
            "truncator-length-max",
            {"length": "max"},
            ValueError,
            r"Truncator\(length='max'\) is not supported; pass 'min'",
        ),
        (
            "truncator-length-zero",
            {"length": 0},
            ValueError,
            r"Truncator\(length=0\) must be at least 1",
        ),
        (
            "truncator-length-2.0",
            {"length": 2.0},
            ValueError,
            "pass an int for a fixed length",
        ),
        (
            "truncator-length-bool",
            {"length": True},
            TypeError,
            r"Truncator\(length=True\)",
        ),
        (
            "truncator-side",
            {"side": "left"},
            ValueError,
            r"Truncator\(side='left'\) is not supported",
        ),
    ),
    # ------------------------------------------------------------ Normalizer
    *param_cases(
        transformed(Normalizer),
        (
            "normalizer-method",
            {"method": "robust"},
            ValueError,
            r"Normalizer\(method='robust'\) is not supported; choose one of",
        ),
        (
            "normalizer-scope",
            {"scope": "global"},
            ValueError,
            r"Normalizer\(scope='global'\) is not supported",
        ),
    ),
    (
        "normalizer-inf",
        fit_transform(Normalizer(), np.where(X > 1, np.inf, X)),
        ValueError,
        "X contains infinity .* before passing X to Normalizer",
    ),
    (
        "normalizer-channels",
        lambda: Normalizer(scope="channel").fit(X).transform(X[:, :1]),
        ValueError,
        "expecting 2 channels",
    ),
    # ------------------------------------------------------- RollingFeatures
    *param_cases(
        transformed(RollingFeatures),
        (
            "rolling-window-zero",
            {"window_sizes": 0},
            ValueError,
            r"RollingFeatures\(window_sizes=0\) must be a positive int",
        ),
        (
            "rolling-window-empty",
            {"window_sizes": []},
            ValueError,
            r"window_sizes=\[\]\) must be a positive int",
        ),
        (
            "rolling-window-float",
            {"window_sizes": 2.5},
            ValueError,
            r"window_sizes=2.5\) must be a positive int",
        ),
        (
            "rolling-window-none",
            {"window_sizes": None},
            ValueError,
            r"window_sizes=None\) must be a positive int",
        ),
        (
            "rolling-window-str",
            {"window_sizes": "5"},
            ValueError,
            r"window_sizes='5'\) must be a positive int",
        ),
        (
            "rolling-window-repeat",
            {"window_sizes": [2, 2]},
            ValueError,
            r"repeats \[2\]",
        ),
        (
            "rolling-statistic-unknown",
            {"statistics": "median"},
            ValueError,
            r"unknown statistic\(s\) \['median'\]",
        ),
        (
            "rolling-statistic-empty",
            {"statistics": []},
            ValueError,
            r"statistics=\[\]\) is empty",
        ),
        (
            "rolling-statistic-none",
            {"statistics": None},
            TypeError,
            r"statistics=None\) must be a statistic name",
        ),
        (
            "rolling-statistic-repeat",
            {"statistics": ["mean", "mean"]},
            ValueError,
            r"repeats \['mean'\]",
        ),
        (
            "rolling-include_original-str",
            {"include_original": "no"},
            TypeError,
            r"include_original='no'\) must be True",
        ),
    ),
    (
        "rolling-missing",
        fit_transform(RollingFeatures(), X_GAP),
        ValueError,
        "RollingFeatures does not accept missing values: add "
        "skseq.transformers.Interpolator",
    ),
    (
        "rolling-names-count",
        lambda: RollingFeatures().fit(X).get_channel_names_out(["a"]),
        ValueError,
        "input_channels has 1 names",
    ),
    # -------------------------------------------------------------- samplers
    *param_cases(
        resampled(PanelSampler),
        (
            "panelsampler-classifier",
            {"sampler": LogisticRegression()},
            InvalidParameterError,
            "'sampler' parameter of PanelSampler",
        ),
        (
            "panelsampler-str",
            {"sampler": "smote"},
            InvalidParameterError,
            "'sampler' parameter of PanelSampler",
        ),
        (
            "panelsampler-class",
            {"sampler": SMOTE},
            InvalidParameterError,
            r"not the class SMOTE; pass SMOTE\(\)",
        ),
    ),
    (
        "panelsampler-y-none",
        resample(PanelSampler(RandomOverSampler()), y=None),
        ValueError,
        "PanelSampler requires y",
    ),
    (
        "panelsampler-y-length",
        resample(PanelSampler(RandomOverSampler()), y=Y[:3]),
        ValueError,
        "X has 8 series but y has 3 labels",
    ),
    (
        "panelsampler-missing",
        resample(PanelSampler(RandomOverSampler()), X_GAP),
        ValueError,
        "PanelSampler does not accept missing values",
    ),
    (
        "panelsampler-smote-tiny-class",
        resample(PanelSampler(SMOTE(k_neighbors=5)), y=np.array([0] * 6 + [1] * 2)),
        ValueError,
        "Lower sampler__k_neighbors to at most 1",
    ),
    *param_cases(
        resampled(AugmentationOverSampler),
        (
            "augment-method",
            {"method": "flip"},
            InvalidParameterError,
            "'method' parameter of AugmentationOverSampler",
        ),
        (
            "augment-method-empty",
            {"method": []},
            ValueError,
            "non-empty list of them; got",
        ),
        (
            "augment-method-list",
            {"method": ["jitter", "flip"]},
            ValueError,
            r"got \['jitter', 'flip'\]",
        ),
        (
            "augment-jitter_sigma",
            {"jitter_sigma": -1},
            InvalidParameterError,
            "'jitter_sigma' parameter",
        ),
        (
            "augment-jitter_sigma-nan",
            {"jitter_sigma": float("nan")},
            InvalidParameterError,
            "'jitter_sigma' parameter",
        ),
        (
            "augment-scaling_sigma",
            {"scaling_sigma": -0.1},
            InvalidParameterError,
            "'scaling_sigma' parameter",
        ),
        (
            "augment-warp_sigma",
            {"warp_sigma": "a"},
            InvalidParameterError,
            "'warp_sigma' parameter",
        ),
        (
            "augment-n_knots",
            {"n_knots": 0},
            InvalidParameterError,
            "'n_knots' parameter",
        ),
        (
            "augment-slice_ratio",
            {"slice_ratio": 1.5},
            InvalidParameterError,
            "'slice_ratio' parameter",
        ),
        (
            "augment-window_ratio",
            {"window_ratio": 0.0},
            InvalidParameterError,
            "'window_ratio' parameter",
        ),
        (
            "augment-window_scales-negative",
            {"window_scales": (-1, 2)},
            ValueError,
            "window_scales must be a non-empty sequence of positive speed factors",
        ),
        (
            "augment-window_scales-scalar",
            {"window_scales": 2.0},
            InvalidParameterError,
            "'window_scales' parameter",
        ),
        (
            "augment-sampling_strategy",
            {"sampling_strategy": "most"},
            InvalidParameterError,
            "'sampling_strategy' parameter",
        ),
    ),
    (
        "augment-y-continuous",
        resample(AugmentationOverSampler(), y=_rng.standard_normal(8)),
        ValueError,
        "Unknown label type: continuous",
    ),
    (
        "augment-y-length",
        resample(AugmentationOverSampler(), y=Y[:5]),
        ValueError,
        "X has 8 series but y has 5 labels",
    ),
    # ---------------------------------------------------------------- losses
    *param_cases(
        built(FocalLoss),
        (
            "focal-gamma-negative",
            {"gamma": -1},
            ValueError,
            "gamma must be a finite number >= 0; got -1",
        ),
        (
            "focal-gamma-str",
            {"gamma": "two"},
            TypeError,
            "gamma must be a finite number >= 0 .*got 'two'",
        ),
        ("focal-gamma-none", {"gamma": None}, TypeError, "gamma must be .*got None"),
        (
            "focal-gamma-nan",
            {"gamma": float("nan")},
            ValueError,
            "gamma must be a finite number",
        ),
        (
            "focal-alpha-above-1",
            {"alpha": 1.5},
            ValueError,
            r"scalar alpha .* must lie in \[0, 1\]; got 1.5",
        ),
        (
            "focal-alpha-bool",
            {"alpha": True},
            TypeError,
            "alpha must be None, a float in .*got True",
        ),
        (
            "focal-alpha-str",
            {"alpha": "balance"},
            ValueError,
            "alpha must be None, a float, a sequence or 'balanced'; got 'balance'",
        ),
        (
            "focal-alpha-balanced-no-counts",
            {"alpha": "balanced"},
            ValueError,
            "pass class_counts",
        ),
        (
            "focal-alpha-negative",
            {"alpha": [0.5, -0.5]},
            ValueError,
            "alpha must be finite and non-negative",
        ),
        (
            "focal-alpha-one-class",
            {"alpha": [0.5]},
            ValueError,
            "alpha must be a 1-D sequence with one entry per class",
        ),
        (
            "focal-weight-alpha-lengths",
            {"alpha": [1, 1, 1], "weight": [1, 1]},
            ValueError,
            "weight and alpha have different numbers of classes",
        ),
        (
            "focal-weight-str",
            {"weight": "balanced"},
            TypeError,
            "weight must be a sequence of numbers",
        ),
        (
            "focal-weight-inf",
            {"weight": [1, np.inf]},
            ValueError,
            "weight must be finite and non-negative",
        ),
        (
            "focal-reduction",
            {"reduction": "avg"},
            ValueError,
            "reduction must be one of .*got 'avg'",
        ),
        (
            "focal-class_counts-zero",
            {"alpha": "balanced", "class_counts": [10, 0]},
            ValueError,
            r"classes \[1\] have no training samples",
        ),
        (
            "focal-class_counts-dict",
            {"alpha": "balanced", "class_counts": {0: 10, 1: 2}},
            TypeError,
            "class_counts must be a sequence of numbers",
        ),
    ),
    (
        "focal-forward-1d-logits",
        loss_forward(FocalLoss(), torch.zeros(4), TARGET),
        ValueError,
        r"expects logits of shape \(N, C\)",
    ),
    (
        "focal-forward-float-target",
        loss_forward(FocalLoss(), LOGITS, torch.zeros(4)),
        TypeError,
        "expects integer class indices",
    ),
    (
        "focal-forward-target-length",
        loss_forward(FocalLoss(), LOGITS, TARGET[:3]),
        ValueError,
        r"expects target of shape \(N,\) = \(4,\)",
    ),
    (
        "focal-forward-class-count",
        loss_forward(FocalLoss(alpha=[1, 1, 1]), LOGITS, TARGET),
        ValueError,
        "configured for 3 classes",
    ),
    *param_cases(
        built(ClassBalancedLoss),
        (
            "classbalanced-beta-1",
            {"beta": 1.0, "class_counts": [5, 5]},
            ValueError,
            r"beta must lie in \[0, 1\); got 1.0",
        ),
        (
            "classbalanced-beta-negative",
            {"beta": -0.1, "class_counts": [5, 5]},
            ValueError,
            r"beta must lie in \[0, 1\)",
        ),
        (
            "classbalanced-beta-nan",
            {"beta": float("nan"), "class_counts": [5, 5]},
            ValueError,
            r"beta must lie in \[0, 1\)",
        ),
        (
            "classbalanced-beta-str",
            {"beta": "high", "class_counts": [5, 5]},
            TypeError,
            "beta must be a number in .*got 'high'",
        ),
        (
            "classbalanced-loss",
            {"loss": "bce", "class_counts": [5, 5]},
            ValueError,
            "loss must be 'cross_entropy' or 'focal'; got 'bce'",
        ),
        (
            "classbalanced-no-counts",
            {},
            ValueError,
            "ClassBalancedLoss needs the training label distribution",
        ),
        (
            "classbalanced-counts-one-class",
            {"class_counts": [5]},
            ValueError,
            "class_counts must be a 1-D sequence with one entry per class",
        ),
        (
            "classbalanced-counts-negative",
            {"class_counts": [5, -1]},
            ValueError,
            "class_counts must be finite and non-negative",
        ),
        (
            "classbalanced-counts-nan",
            {"class_counts": [5, np.nan]},
            ValueError,
            "class_counts must be finite",
        ),
        (
            "classbalanced-weight-lengths",
            {"class_counts": [5, 1], "weight": [1, 1, 1]},
            ValueError,
            "weight has 3 entries but class_counts has 2",
        ),
    ),
    *param_cases(
        built(LogitAdjustedLoss),
        (
            "logitadjusted-tau-inf",
            {"tau": np.inf, "class_counts": [5, 1]},
            ValueError,
            "tau must be a finite number; got inf",
        ),
        (
            "logitadjusted-tau-str",
            {"tau": "one", "class_counts": [5, 1]},
            TypeError,
            "tau must be a finite number .*got 'one'",
        ),
        (
            "logitadjusted-no-counts",
            {},
            ValueError,
            "LogitAdjustedLoss needs the training label distribution",
        ),
    ),
    *param_cases(
        built(BalancedSoftmaxLoss),
        (
            "balancedsoftmax-counts-zero",
            {"class_counts": [0, 5]},
            ValueError,
            r"classes \[0\] have no training samples",
        ),
    ),
    # ---------------------------------------------------------- make_windows
    (
        "windows-length-zero",
        lambda: make_windows(REC, length=0),
        ValueError,
        "make_windows: length=0 must be at least 1",
    ),
    (
        "windows-length-float",
        lambda: make_windows(REC, length=2.5),
        TypeError,
        "make_windows: length=2.5 " + MSG_POSITIVE_INT,
    ),
    (
        "windows-length-none",
        lambda: make_windows(REC, length=None),
        TypeError,
        "make_windows: length=None " + MSG_POSITIVE_INT,
    ),
    (
        "windows-step-zero",
        lambda: make_windows(REC, length=4, step=0),
        ValueError,
        "make_windows: step=0 must be at least 1",
    ),
    (
        "windows-step-float",
        lambda: make_windows(REC, length=4, step=1.5),
        TypeError,
        "make_windows: step=1.5 " + MSG_POSITIVE_INT,
    ),
    (
        "windows-step-and-overlap",
        lambda: make_windows(REC, length=4, step=2, overlap=0.5),
        ValueError,
        "pass either step or overlap, not both",
    ),
    (
        "windows-overlap-1",
        lambda: make_windows(REC, length=4, overlap=1.0),
        ValueError,
        r"overlap=1.0 must lie in \[0, 1\)",
    ),
    (
        "windows-overlap-str",
        lambda: make_windows(REC, length=4, overlap="half"),
        TypeError,
        "overlap='half' must be a float",
    ),
    (
        "windows-label-rule",
        lambda: make_windows(REC, REC_Y, length=4, label="mode"),
        ValueError,
        "label='mode' is not supported",
    ),
    (
        "windows-longer-than-series",
        lambda: make_windows(REC, length=30),
        ValueError,
        "20 time steps, fewer than the window length 30; pass pad=True",
    ),
    (
        "windows-time_axis-2",
        lambda: make_windows(REC, length=4, time_axis=2),
        ValueError,
        "time_axis=2 is not supported",
    ),
    (
        "windows-time_axis-bool",
        lambda: make_windows(REC, length=4, time_axis=True),
        ValueError,
        "time_axis=True is not supported",
    ),
    (
        "windows-time_axis-0-on-1d",
        lambda: make_windows(REC, length=4, time_axis=0),
        ValueError,
        "Recording 0 is 1-D, but time_axis=0",
    ),
    (
        "windows-empty-list",
        lambda: make_windows([], length=4),
        ValueError,
        "X is an empty list",
    ),
    (
        "windows-empty-recording",
        lambda: make_windows(np.array([]), length=4),
        ValueError,
        "needs at least 1 channel and 1 time step",
    ),
    ("windows-none", lambda: make_windows(None, length=4), ValueError, "X is None"),
    (
        "windows-4d",
        lambda: make_windows(np.zeros((2, 2, 2, 20)), length=4),
        ValueError,
        "X has 4 dimensions",
    ),
    (
        "windows-label-count",
        lambda: make_windows(REC, REC_Y[:10], length=4),
        ValueError,
        r"20 time steps but y\[0\] has 10 labels",
    ),
    (
        "windows-label-arrays",
        lambda: make_windows([REC, REC], [REC_Y], length=4),
        ValueError,
        "X holds 2 recordings but y holds 1 label arrays",
    ),
    (
        "windows-labels-nan",
        lambda: make_windows(REC, np.where(REC_Y > 0, np.nan, 0.0), length=4),
        ValueError,
        r"y\[0\] contains NaN or infinity \(first at time step 10\)",
    ),
    (
        "windows-nan",
        lambda: make_windows(np.where(REC > 5, np.nan, REC), length=4),
        ValueError,
        "Recording 0 has NaN",
    ),
    (
        "windows-inf",
        lambda: make_windows(np.where(REC > 5, np.inf, REC), length=4),
        ValueError,
        "Recording 0 contains infinity",
    ),
    (
        "windows-strings",
        lambda: make_windows(np.array(["a"] * 20), length=4),
        TypeError,
        "Recording 0 could not be converted to float",
    ),
    (
        "windows-complex",
        lambda: make_windows(REC + 1j, length=4),
        TypeError,
        "Recording 0 is complex",
    ),
    (
        "windows-channels",
        lambda: make_windows([np.zeros((2, 20)), np.zeros((3, 20))], length=4),
        ValueError,
        "Inconsistent channel counts",
    ),
    (
        "windows-pad-str",
        lambda: make_windows(REC, length=4, pad="no"),
        TypeError,
        "make_windows: pad='no' must be True or False",
    ),
    (
        "windows-return_starts-str",
        lambda: make_windows(REC, length=4, return_starts="yes"),
        TypeError,
        "return_starts='yes' must be True or False",
    ),
    (
        "windows-sparse",
        lambda: make_windows(sp.csr_matrix(np.ones((2, 20))), length=4),
        TypeError,
        "X is a sparse matrix",
    ),
    # -------------------------------------------------------------- unwindow
    *param_cases(
        unwound,
        (
            "unwindow-shape",
            {"window_values": np.zeros(3)},
            ValueError,
            "window_values has shape \\(3,\\) but starts has 2 entries",
        ),
        (
            "unwindow-start-out-of-range",
            {"starts": [0, 9]},
            ValueError,
            r"every start must lie in \[0, n_timepoints=6\)",
        ),
        (
            "unwindow-start-negative",
            {"starts": [-1, 2]},
            ValueError,
            "every start must lie in",
        ),
        (
            "unwindow-length-zero",
            {"length": 0},
            ValueError,
            "unwindow: length=0 must be at least 1",
        ),
        (
            "unwindow-length-float",
            {"length": 2.5},
            TypeError,
            "unwindow: length=2.5 " + MSG_POSITIVE_INT,
        ),
        (
            "unwindow-starts-float",
            {"starts": [0.5, 2]},
            TypeError,
            "starts must hold integer time steps",
        ),
        ("unwindow-starts-2d", {"starts": [[0, 2]]}, ValueError, "starts must be 1-D"),
        (
            "unwindow-values-str",
            {"window_values": ["a", "b"]},
            TypeError,
            "window_values must be numbers",
        ),
        (
            "unwindow-lengths-without-groups",
            {"n_timepoints": [6, 6]},
            TypeError,
            r"n_timepoints=\[6, 6\] must be an int .* without groups",
        ),
        (
            "unwindow-groups-int-lengths",
            {"groups": [0, 1]},
            TypeError,
            "with groups, n_timepoints must be a sequence",
        ),
        (
            "unwindow-groups-count",
            {"n_timepoints": [6, 6], "groups": [0]},
            ValueError,
            r"groups has shape \(1,\) but starts has 2 entries",
        ),
        (
            "unwindow-groups-out-of-range",
            {"n_timepoints": [6], "groups": [0, 1]},
            ValueError,
            r"groups must be recording indices in \[0, 1\)",
        ),
    ),
    # ---------------------------------------------------- WindowedClassifier
    *param_cases(
        windowed,
        (
            "windowed-length-zero",
            {"length": 0},
            ValueError,
            "WindowedClassifier: length=0 must be at least 1",
        ),
        (
            "windowed-step-above-length",
            {"step": 8},
            ValueError,
            "step=8 is larger than length=4",
        ),
        (
            "windowed-step-float",
            {"step": 2.0},
            TypeError,
            "WindowedClassifier: step=2.0 " + MSG_POSITIVE_INT,
        ),
        (
            "windowed-overlap-1",
            {"overlap": 1.0},
            ValueError,
            r"WindowedClassifier: overlap=1.0 must lie in \[0, 1\)",
        ),
        (
            "windowed-label",
            {"label": "mode"},
            ValueError,
            "WindowedClassifier: label='mode' is not supported",
        ),
        (
            "windowed-aggregate",
            {"aggregate": "max"},
            ValueError,
            "aggregate='max' is not supported",
        ),
        (
            "windowed-predict_batch_size",
            {"predict_batch_size": 0},
            ValueError,
            "predict_batch_size=0 must be a positive int",
        ),
        (
            "windowed-time_axis",
            {"time_axis": 3},
            ValueError,
            "time_axis=3 is not supported",
        ),
        (
            "windowed-pad-str",
            {"pad": "yes"},
            TypeError,
            "WindowedClassifier: pad='yes' must be True or False",
        ),
        (
            "windowed-estimator-str",
            {"estimator": "lr"},
            TypeError,
            "estimator must be a classifier .*got 'lr'",
        ),
        (
            "windowed-estimator-class",
            {"estimator": LogisticRegression},
            TypeError,
            r"the class LogisticRegression; pass an instance",
        ),
        ("windowed-y-none", {"y": None}, ValueError, "WindowedClassifier requires y"),
        (
            "windowed-y-count",
            {"y": REC_Y[:5]},
            ValueError,
            r"20 time steps but y\[0\] has 5 labels",
        ),
        (
            "windowed-y-nan",
            {"y": np.where(REC_Y > 0, np.nan, 0.0)},
            ValueError,
            r"y\[0\] contains NaN or infinity",
        ),
        (
            "windowed-y-one-class",
            {"y": np.zeros(20)},
            ValueError,
            "y has 1 class .* needs at least 2 classes",
        ),
        (
            "windowed-too-short",
            {"length": 30},
            ValueError,
            "fewer than the window length 30",
        ),
        (
            "windowed-inf",
            {"rec": np.where(REC > 5, np.inf, REC)},
            ValueError,
            "Input X contains infinity",
        ),
    ),
    (
        "windowed-no-predict_proba",
        lambda: windowed(
            estimator=make_pipeline(FunctionTransformer(_flatten), LinearSVC())
        )().predict(REC),
        AttributeError,
        "use aggregate='vote'",
    ),
    (
        "windowed-predict_windows-method",
        lambda: windowed()().predict_windows(REC, method="decision_function"),
        ValueError,
        "method='decision_function' is not supported",
    ),
    (
        "windowed-predict-channels",
        lambda: windowed()().predict(np.zeros((2, 20))),
        ValueError,
        "X has 2 features, but WindowedClassifier is expecting 1",
    ),
    (
        "step_scorer-unknown",
        lambda: step_scorer("f2"),
        InvalidParameterError,
        "'scoring' parameter",
    ),
    # ------------------------------------------------------- model selection
    (
        "search_space-kind",
        lambda: search_space(Normalizer(), kind="grid"),
        ValueError,
        "kind must be 'random' or 'optuna'; got 'grid'",
    ),
    (
        "search_space-string",
        lambda: search_space("LSTM"),
        TypeError,
        "not the string 'LSTM'",
    ),
    (
        "search_space-none",
        lambda: search_space(None),
        TypeError,
        "search_space takes an estimator .*got None",
    ),
    (
        "search_space-unknown-estimator",
        lambda: search_space(LogisticRegression()),
        ValueError,
        "search_space has no table for LogisticRegression",
    ),
    (
        "search_space-prefix-int",
        lambda: search_space(PanelSampler(SMOTE()), prefix=3),
        TypeError,
        "prefix must be a str",
    ),
    (
        "suggest_params-list",
        lambda: suggest_params(trial(), [("lr", 1)]),
        TypeError,
        "distributions must be a dict",
    ),
    (
        "suggest_params-not-a-distribution",
        lambda: suggest_params(trial(), {"lr": [0.1, 0.2]}),
        TypeError,
        "lr: expected an optuna distribution",
    ),
    (
        "optuna_objective-distributions-list",
        lambda: optuna_objective(LogisticRegression(), XT, YT, distributions=[1, 2]),
        TypeError,
        "distributions must be a dict",
    ),
    (
        "optuna_objective-no-table",
        lambda: optuna_objective(LogisticRegression(), XT, YT),
        ValueError,
        "search_space has no table for LogisticRegression",
    ),
    *param_cases(
        threshold,
        (
            "threshold-method",
            {"method": "grid"},
            ValueError,
            "method must be 'weights', 'offsets' or 'prior'; got 'grid'",
        ),
        (
            "threshold-n_thresholds",
            {"n_thresholds": 0},
            ValueError,
            "n_thresholds must be an int >= 1; got 0",
        ),
        (
            "threshold-max_iter",
            {"max_iter": 1.5},
            ValueError,
            "max_iter must be an int >= 1; got 1.5",
        ),
        (
            "threshold-refit",
            {"refit": "yes"},
            ValueError,
            "refit must be True or False; got 'yes'",
        ),
        (
            "threshold-no-predict_proba",
            {"estimator": LinearSVC()},
            TypeError,
            "estimator must be a classifier with fit and predict_proba",
        ),
        (
            "threshold-cv-float",
            {"cv": 1.5},
            ValueError,
            r"A float cv is the hold-out share and must lie in \(0, 1\); got 1.5",
        ),
        (
            "threshold-cv-one",
            {"cv": 1},
            ValueError,
            "cv=1: an int cv is the number of folds and must be at least 2",
        ),
        (
            "threshold-scoring-int",
            {"scoring": 3},
            TypeError,
            "scoring must be a metric name",
        ),
        (
            "threshold-refit-false-kfold",
            {"refit": False},
            ValueError,
            "refit=False needs a single train/test split",
        ),
    ),
    (
        "threshold-one-class",
        lambda: MulticlassThresholdClassifierCV(LogisticRegression()).fit(
            XT, np.zeros(30)
        ),
        ValueError,
        "needs at least 2 classes in y",
    ),
    *param_cases(
        cascade,
        (
            "cascade-first-none",
            {"first": "lr"},
            TypeError,
            "first must be a classifier with fit and predict; got str",
        ),
        (
            "cascade-majority-unknown",
            {"majority_classes": [7]},
            ValueError,
            r"majority_classes has labels \[7\] that are not in y",
        ),
        (
            "cascade-majority-all",
            {"majority_classes": [0, 1, 2]},
            ValueError,
            "majority_classes covers every class",
        ),
        (
            "cascade-majority-empty",
            {"majority_classes": []},
            ValueError,
            "majority_classes is empty",
        ),
        (
            "cascade-one-class",
            {"y": np.zeros(30)},
            ValueError,
            "CascadeClassifier needs at least 2 classes",
        ),
    ),
    (
        "cascade-fit-param-prefix",
        lambda: CascadeClassifier(LogisticRegression(), LogisticRegression()).fit(
            XT, YT, sample_weight=np.ones(30)
        ),
        ValueError,
        "fit parameter 'sample_weight' must be prefixed 'first__'",
    ),
    (
        "cluster_backend-engine",
        lambda: cluster_backend("spark"),
        ValueError,
        "engine must be one of .*got 'spark'",
    ),
    # -------------------------------------------------------------- datasets
    (
        "load_dataset-unknown",
        lambda: load_dataset("gunpoint"),
        ValueError,
        "Unknown data set 'gunpoint'; choose one of",
    ),
    (
        "load_dataset-list",
        lambda: load_dataset(["GunPoint"]),
        TypeError,
        r"name must be a data set name \(str\)",
    ),
    (
        "load_dataset-split",
        lambda: load_dataset("GunPoint", split="val"),
        ValueError,
        "split must be 'train', 'test' or None; got 'val'",
    ),
    (
        "make_imbalanced-minority",
        lambda: make_imbalanced(X, Y, minority=5),
        ValueError,
        "Class 5 is not in y",
    ),
    (
        "make_imbalanced-ratio-zero",
        lambda: make_imbalanced(X, Y, minority=1, ratio=0),
        ValueError,
        "ratio=0 must be a finite number > 0",
    ),
    (
        "make_imbalanced-ratio-negative",
        lambda: make_imbalanced(X, Y, minority=1, ratio=-1),
        ValueError,
        "ratio=-1 must be a finite number > 0",
    ),
    (
        "make_imbalanced-ratio-str",
        lambda: make_imbalanced(X, Y, minority=1, ratio="10"),
        TypeError,
        "ratio must be a positive number",
    ),
    (
        "make_imbalanced-y-length",
        lambda: make_imbalanced(X, Y[:5], minority=1),
        ValueError,
        "X has 8 instances but y has shape",
    ),
    (
        "make_imbalanced-one-class",
        lambda: make_imbalanced(X, np.zeros(8), minority=0.0),
        ValueError,
        "needs at least one other class",
    ),
    # --------------------------------------------------------- data contract
    (
        "check_panel-4d",
        lambda: check_panel(np.zeros((2, 2, 2, 2))),
        ValueError,
        "X has 4 dimensions; expected a 2-D",
    ),
    (
        "check_panel-1d",
        lambda: check_panel(np.zeros(5)),
        ValueError,
        r"got 1D array instead .*pass one series as X\[None, :\]",
    ),
    (
        "check_panel-scalar",
        lambda: check_panel(1.0),
        ValueError,
        "got scalar array instead",
    ),
    ("check_panel-none", lambda: check_panel(None), ValueError, "X is None"),
    (
        "check_panel-empty",
        lambda: check_panel(np.zeros((0, 2, 5))),
        ValueError,
        "0 sample",
    ),
    (
        "check_panel-empty-list",
        lambda: check_panel([]),
        ValueError,
        "Pass at least one series",
    ),
    (
        "check_panel-no-channels",
        lambda: check_panel(np.zeros((2, 0, 5))),
        ValueError,
        "every series needs at least 1 channel and 1 time step",
    ),
    (
        "check_panel-no-steps",
        lambda: check_panel(np.zeros((2, 1, 0))),
        ValueError,
        "every series needs at least 1 channel and 1 time step",
    ),
    (
        "check_panel-inf",
        lambda: check_panel(np.array([[[1.0, np.inf]]])),
        ValueError,
        r"X contains infinity \(series 0, channel 0, time step 1\)",
    ),
    (
        "check_panel-float32-overflow",
        lambda: check_panel(np.array([[[1e300, 1.0]]])),
        ValueError,
        "beyond float32's range",
    ),
    (
        "check_panel-interior-nan",
        lambda: check_panel(np.array([[[1.0, np.nan, 2.0]]])),
        ValueError,
        "X contains NaN inside series 0 .*Interpolator",
    ),
    (
        "check_panel-all-nan-series",
        lambda: check_panel(np.array([[[1.0, 2.0]], [[np.nan, np.nan]]])),
        ValueError,
        "Series 1 of X is entirely NaN",
    ),
    (
        "check_panel-object-strings",
        lambda: check_panel(np.array([[["a", "b"]]], dtype=object)),
        ValueError,
        "could not convert string to float",
    ),
    (
        "check_panel-sparse",
        lambda: check_panel(sp.csr_matrix(np.eye(3))),
        TypeError,
        "dense data is required",
    ),
    (
        "check_panel-channel-counts",
        lambda: check_panel([np.zeros((2, 5)), np.zeros((3, 4))]),
        ValueError,
        "series 0 has 2 channels but series 1 has 3",
    ),
    (
        "check_panel-3d-series",
        lambda: check_panel([np.zeros((2, 2, 5)), np.zeros(4)]),
        ValueError,
        "Series 0 has 3 dimensions",
    ),
    (
        "check_panel-ragged-strings",
        lambda: check_panel([np.array(["a", "b"]), np.array(["a"])]),
        TypeError,
        "Series 0 could not be converted to float",
    ),
    (
        "check_panel_y-length",
        lambda: check_panel_y([0, 1, 0], 4),
        ValueError,
        "X has 4 series but y has 3 labels",
    ),
    (
        "check_panel_y-none",
        lambda: check_panel_y(None, 4),
        ValueError,
        "target y is None",
    ),
    (
        "check_panel_y-one-class",
        lambda: check_panel_y([0, 0, 0], 3),
        ValueError,
        "y has 1 class",
    ),
    (
        "check_panel_y-nan",
        lambda: check_panel_y([0.0, np.nan, 1.0], 3),
        ValueError,
        "y contains NaN or infinity",
    ),
    (
        "check_panel_y-none-label",
        lambda: check_panel_y(np.array(["a", None, "b"], dtype=object), 3),
        ValueError,
        r"y contains None \(first at index 1\)",
    ),
    (
        "check_panel_y-continuous",
        lambda: check_panel_y([0.1, 0.2, 0.3], 3),
        ValueError,
        "Unknown label type: continuous",
    ),
    (
        "series_lengths-2d",
        lambda: series_lengths(np.zeros((2, 3))),
        ValueError,
        "series_lengths needs a 3-D panel",
    ),
]


def test_cases_are_many_and_distinct():
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 100


@pytest.mark.parametrize(
    "call, error, match", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_ragged_object_array_is_a_list_of_series():
    """A 1-D object array of series reads as the list it holds (before: numpy's
    'setting an array element with a sequence')."""
    X_obj = np.empty(2, dtype=object)
    X_obj[0], X_obj[1] = np.arange(3.0), np.arange(2.0)
    Xp = check_panel(X_obj)
    assert Xp.shape == (2, 1, 3) and np.isnan(Xp[1, 0, 2])
