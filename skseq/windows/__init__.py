"""Windows over long recordings with a label at every time step.

Two tools for recordings such as an accelerometer stream or an ECG whose
every time step carries a label:

- :func:`make_windows` cuts recordings into (overlapping) windows, each
  labelled from the per-step labels it covers, and returns the recording of
  every window as ``groups`` for :class:`~sklearn.model_selection.GroupKFold`.
  The windows are strided views of the recordings, never copies;
  :func:`unwindow` maps per-window values back to time steps.
- :class:`WindowedClassifier` is a meta-estimator that does both inside
  ``fit`` and ``predict``: it takes recordings and per-step labels and
  returns per-step predictions, so window length and step are ordinary
  hyper-parameters and the unit of cross-validation is the recording.

A *recording* is a 2-D array ``(n_channels, n_timepoints)`` or a 1-D array
``(n_timepoints,)`` (skseq's channels-before-time convention); pass
``time_axis=0`` for tables with one row per time step ``(n_timepoints,
n_channels)``, the layout of a :class:`pandas.DataFrame` read from a file.
"""

from ._arithmetic import WindowedPanel, make_windows, unwindow
from ._classifier import WindowedClassifier, step_scorer

__all__ = [
    "WindowedClassifier",
    "WindowedPanel",
    "make_windows",
    "step_scorer",
    "unwindow",
]
