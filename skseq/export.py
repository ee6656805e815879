"""Export fitted classifiers to ONNX and serve them without torch.

:func:`to_onnx` writes a fitted skseq classifier (or a pipeline of
exportable skseq steps ending in one) as an ONNX model whose inputs are the
zero-padded panel ``x`` ``(batch, channels, time)`` and the ``lengths``
``(batch,)`` of its series, both axes dynamic, and whose output ``proba`` is
the class probabilities (the softmax is in the graph). The classes and the
input contract travel in the model's metadata, so :class:`OnnxClassifier`
predicts with onnxruntime alone: same panel formats in (3-D, 2-D, lists of
unequal lengths, trailing NaN padding), same ``classes_`` out, and no torch in
the serving process.

Every export is checked before it is written: the graph is run by
onnxruntime on probe batches that mix lengths, include a length never seen at
export and a batch of one, and must give the network's probabilities to
``atol`` (1e-5 by default), otherwise :func:`to_onnx` raises.

:func:`export_program` gives the :func:`torch.export.export` program of a
fitted classifier's network (for AOTInductor, ExecuTorch and other torch
consumers).

This module imports torch only inside :func:`to_onnx` and
:func:`export_program`; :class:`OnnxClassifier` needs numpy, scikit-learn and
onnxruntime.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ._docstrings import fill_doc
from .utils.validation import validate_panel

__all__ = ["OnnxClassifier", "export_program", "to_onnx"]

_META_KEY = "skseq"
_INPUTS = ("x", "lengths")


# ----------------------------------------------------------------------------
# Export (needs torch and onnx)
# ----------------------------------------------------------------------------


def _split_pipeline(estimator: Any) -> tuple[list[tuple[str, Any]], Any]:
    """The preprocessing steps and the final skseq classifier of ``estimator``."""
    from sklearn.pipeline import Pipeline

    from .classifiers._base import BaseSequenceClassifier

    if isinstance(estimator, Pipeline):
        steps = [(n, s) for n, s in estimator.steps if s not in (None, "passthrough")]
        *pre, (_, final) = steps
    else:
        pre, final = [], estimator
    if not isinstance(final, BaseSequenceClassifier):
        raise TypeError(
            "to_onnx exports a fitted skseq classifier (LSTMClassifier, "
            "FCNClassifier, ...) or a Pipeline ending in one; got "
            f"{type(final).__name__}."
        )
    if not hasattr(final, "module_"):
        raise ValueError(
            f"This {type(final).__name__} is not fitted yet; call fit before "
            "exporting it."
        )
    for name, step in pre:
        if not hasattr(step, "_export_module"):
            raise ValueError(
                f"Pipeline step {name!r} ({type(step).__name__}) cannot be "
                "exported to ONNX: only skseq steps with a torch equivalent "
                "(skseq.transformers.Normalizer) can be part of the graph. "
                "Apply this step before the exported model at serving time, "
                "or export the classifier alone: to_onnx(pipeline[-1], ...)."
            )
    return pre, final


def _graph_module(estimator: Any):
    """``torch.nn.Module`` ``(x, lengths) -> proba`` of a fitted estimator, in
    eval mode, and the final classifier."""
    import torch

    pre, final = _split_pipeline(estimator)
    steps = [step._export_module() for _, step in pre]
    if getattr(final, "input_scaler_", None) is not None:
        steps.append(final.input_scaler_)  # the classifier's input_scaling

    class ProbabilityGraph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.steps = torch.nn.ModuleList(steps)
            self.network = final.module_

        def forward(self, x, lengths):
            for step in self.steps:
                x = step(x, lengths)
            return torch.softmax(self.network(x, lengths), dim=-1)

    graph = ProbabilityGraph().to("cpu").eval()
    return graph, final


def _probes(n_channels: int, n_timepoints: int, seed: int = 0):
    """Batches the export must get right: lengths mixed within a batch, a
    length never used at export, a batch of one, a one-step series."""
    rng = np.random.default_rng(seed)
    t = max(int(n_timepoints), 2)
    specs = [
        (t, [t, max(1, t // 2), 1]),  # the export example: padding inside
        (t + 7, [t + 7, t + 3]),  # an unseen (longer) length
        (max(1, t // 3), [max(1, t // 3)]),  # a batch of one, shorter
        (t, [t] * 4),  # equal lengths
    ]
    for width, lengths in specs:
        x = rng.standard_normal((len(lengths), n_channels, width)).astype(np.float32)
        lengths = np.asarray(lengths, dtype=np.int64)
        x *= np.arange(width)[None, None, :] < lengths[:, None, None]
        yield x, lengths


def _export_bytes(graph, example, exporter: str, opset: int | None) -> bytes:
    import torch

    x, lengths = (torch.from_numpy(a) for a in example)
    with warnings.catch_warnings():
        # the TorchScript exporter is deprecated in favour of the dynamo one and
        # warns that traced shapes may be constants; every export is checked
        # on probes of other shapes below instead
        warnings.simplefilter("ignore")
        if exporter == "torchscript":
            buffer = io.BytesIO()
            torch.onnx.export(
                graph,
                (x, lengths),
                buffer,
                dynamo=False,
                input_names=list(_INPUTS),
                output_names=["proba"],
                dynamic_axes={
                    "x": {0: "batch", 2: "time"},
                    "lengths": {0: "batch"},
                    "proba": {0: "batch"},
                },
                opset_version=17 if opset is None else opset,
            )
            return buffer.getvalue()
        dim = torch.export.Dim.DYNAMIC
        program = torch.onnx.export(
            graph,
            (x, lengths),
            dynamo=True,
            input_names=list(_INPUTS),
            output_names=["proba"],
            dynamic_shapes=({0: dim, 2: dim}, {0: dim}),
            opset_version=opset,
            verbose=False,
        )
        return program.model_proto.SerializeToString()


def _max_difference(model_bytes: bytes, graph, probes) -> float:
    import onnxruntime as ort
    import torch

    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    worst = 0.0
    for x, lengths in probes:
        with torch.no_grad():
            ref = graph(torch.from_numpy(x), torch.from_numpy(lengths)).numpy()
        out = session.run(None, {"x": x, "lengths": lengths})[0]
        worst = max(worst, float(np.abs(out - ref).max()))
    return worst


def _metadata(estimator: Any, final: Any, exporter: str) -> dict[str, Any]:
    from . import __version__

    classes = np.asarray(final.classes_)
    meta = {
        "skseq_version": __version__,
        "estimator": type(estimator).__name__,
        "classifier": type(final).__name__,
        "classes": classes.tolist(),
        "classes_dtype": classes.dtype.str if classes.dtype != object else "object",
        "n_channels_in": int(final.n_channels_in_),
        "n_features_in": int(
            getattr(estimator, "n_features_in_", final.n_features_in_)
        ),
        "fit_input_2d": bool(getattr(final, "_fit_input_2d", False)),
        "n_timepoints": int(getattr(final, "n_timepoints_", 0)),
        "exporter": exporter,
        "inputs": {
            "x": "float32 (batch, channels, time), zero on padded steps",
            "lengths": "int64 (batch,), observed steps of each series",
        },
        "outputs": {"proba": "float32 (batch, n_classes), columns as 'classes'"},
    }
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        meta["feature_names_in"] = [str(n) for n in names]
    return meta


def to_onnx(
    estimator: Any,
    path: str | Path,
    *,
    exporter: str = "auto",
    opset: int | None = None,
    atol: float = 1e-5,
) -> Path:
    """Write a fitted classifier as an ONNX model, checked against torch.

    Parameters
    ----------
    estimator : fitted skseq classifier or Pipeline
        Any classifier of :mod:`skseq.classifiers`, or a
        :class:`~sklearn.pipeline.Pipeline` of exportable skseq steps
        (:class:`~skseq.transformers.Normalizer`) ending in one.
    path : str or pathlib.Path
        Where to write the ``.onnx`` file.
    exporter : {"auto", "torchscript", "dynamo"}, default="auto"
        Which torch exporter builds the graph. ``"auto"`` tries the one that
        keeps the time axis dynamic for the network (TorchScript for networks
        with a recurrent layer, whose ``torch.export`` unrolls the time loop
        at the example's length; dynamo otherwise) and falls back to the
        other when its graph fails the probes.
    opset : int or None, default=None
        ONNX opset (None: the exporter's default; 17 for TorchScript).
    atol : float, default=1e-5
        Largest difference of probabilities from the network's allowed on the
        probe batches (mixed lengths, an unseen length, a batch of one).

    Returns
    -------
    path : pathlib.Path
        The written file. Its inputs are ``x`` (float32, ``(batch, channels,
        time)``, zero on padding) and ``lengths`` (int64, ``(batch,)``); its
        output ``proba`` (float32, ``(batch, n_classes)``) has the columns of
        ``classes_``, which the metadata entry ``"skseq"`` (JSON) records with
        the input contract.

    Raises
    ------
    ValueError
        The estimator is not fitted, a pipeline step is not exportable, or no
        exporter gave a graph matching the network to ``atol``.

    See Also
    --------
    OnnxClassifier : Predict with the written file, without torch.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skseq.classifiers import FCNClassifier
    >>> from skseq.datasets import load_dataset
    >>> from skseq.export import OnnxClassifier, to_onnx
    >>> X, y = load_dataset("GunPoint", split="train")
    >>> clf = FCNClassifier(module__n_filters=(8, 8, 8), max_epochs=2,
    ...                     random_state=0).fit(X, y)
    >>> path = to_onnx(clf, pathlib.Path(tempfile.mkdtemp()) / "fcn.onnx")
    >>> served = OnnxClassifier(path)  # onnxruntime only, no torch
    >>> bool((served.predict(X) == clf.predict(X)).all())
    True
    """
    try:
        import onnx
        import onnxruntime  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            'to_onnx needs onnx, onnxscript and onnxruntime: pip install "skseq[onnx]".'
        ) from exc
    if exporter not in ("auto", "torchscript", "dynamo"):
        raise ValueError(
            f"exporter must be 'auto', 'torchscript' or 'dynamo'; got {exporter!r}."
        )
    import torch

    graph, final = _graph_module(estimator)
    probes = list(_probes(final.n_channels_in_, getattr(final, "n_timepoints_", 16)))
    if exporter == "auto":
        recurrent = any(isinstance(m, torch.nn.RNNBase) for m in graph.modules())
        order = ["torchscript", "dynamo"] if recurrent else ["dynamo", "torchscript"]
    else:
        order = [exporter]
    failures = []
    for name in order:
        try:
            model_bytes = _export_bytes(graph, probes[0], name, opset)
            diff = _max_difference(model_bytes, graph, probes)
        except Exception as exc:  # noqa: BLE001 - reported below, with the other
            first = (str(exc).strip().splitlines() or [""])[0][:300]
            failures.append(f"{name}: {type(exc).__name__}: {first}")
            continue
        if diff <= atol:
            break
        failures.append(f"{name}: probabilities differ from torch by {diff:.2e}")
    else:
        raise ValueError(
            f"Could not export {type(final).__name__} to ONNX with probabilities "
            f"within atol={atol} of the network's: " + "; ".join(failures) + ". "
            "Report it with the estimator's get_params(), or try another "
            "exporter= or opset=."
        )
    model = onnx.load_from_string(model_bytes)
    entry = model.metadata_props.add()
    entry.key = _META_KEY
    entry.value = json.dumps(_metadata(estimator, final, name))
    path = Path(path)
    onnx.save(model, str(path))
    return path


def export_program(estimator: Any, *, dynamic_time: bool | None = None):
    """:func:`torch.export.export` of a fitted classifier's network.

    The program maps ``(x, lengths)`` to class probabilities, as the ONNX
    graph of :func:`to_onnx` does, with a dynamic batch axis.

    Parameters
    ----------
    estimator : fitted skseq classifier or Pipeline
        As for :func:`to_onnx`.
    dynamic_time : bool or None, default=None
        Keep the time axis dynamic. None: dynamic except for networks with a
        recurrent layer, whose torch decomposition unrolls the time loop, so
        their program is fixed to the training length (``n_timepoints_``);
        pad or trim series to it, or use :func:`to_onnx`, whose graph keeps
        the time axis dynamic for every network.

    Returns
    -------
    program : torch.export.ExportedProgram

    Examples
    --------
    >>> from skseq.classifiers import FCNClassifier
    >>> from skseq.datasets import load_dataset
    >>> from skseq.export import export_program
    >>> X, y = load_dataset("GunPoint", split="train")
    >>> clf = FCNClassifier(module__n_filters=(4, 4, 4), max_epochs=1,
    ...                     random_state=0).fit(X, y)
    >>> program = export_program(clf)
    >>> sorted(spec.arg.name for spec in program.graph_signature.input_specs
    ...        if spec.kind.name == "USER_INPUT")
    ['lengths', 'x']
    """
    import torch

    graph, final = _graph_module(estimator)
    if dynamic_time is None:
        dynamic_time = not any(isinstance(m, torch.nn.RNNBase) for m in graph.modules())
    x, lengths = (
        torch.from_numpy(a)
        for a in next(_probes(final.n_channels_in_, final.n_timepoints_))
    )
    batch = torch.export.Dim("batch", max=2**20)
    time_dim = torch.export.Dim.DYNAMIC if dynamic_time else None
    x_dims = {0: batch, 2: time_dim} if dynamic_time else {0: batch}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.export.export(
            graph, (x, lengths), dynamic_shapes=(x_dims, {0: batch})
        )


# ----------------------------------------------------------------------------
# Serving (numpy, scikit-learn and onnxruntime only)
# ----------------------------------------------------------------------------


class OnnxClassifier(ClassifierMixin, BaseEstimator):
    """Predict with a model written by :func:`to_onnx`, without torch.

    Takes the panel formats the skseq classifier took (3-D arrays, 2-D
    arrays of one channel, lists of series of unequal lengths, trailing NaN
    padding), validates them the same way (channel count, NaN rules), and
    returns the same ``classes_``. Series are sorted by length and run in
    batches of ``batch_size``, each trimmed to its longest series, so memory
    stays bounded by the batch.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.onnx`` file.
    batch_size : int, default=256
        Series per onnxruntime call.
    providers : sequence of str or None, default=None
        onnxruntime execution providers (None: CPU).
    n_threads : int or None, default=None
        onnxruntime's intra-op threads (None: its default, every core).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, as the exported classifier had them.
    n_features_in_ : int
        As the exported estimator had it.
    n_channels_in_ : int
        Channels of every series.
    metadata_ : dict
        Everything :func:`to_onnx` recorded.

    Examples
    --------
    >>> from skseq.export import OnnxClassifier
    >>> served = OnnxClassifier("fcn.onnx")  # doctest: +SKIP
    >>> served.predict(X_test)  # doctest: +SKIP
    """

    def __init__(
        self,
        path: str | Path,
        batch_size: int = 256,
        providers: Sequence[str] | None = None,
        n_threads: int | None = None,
    ) -> None:
        self.path = path
        self.batch_size = batch_size
        self.providers = providers
        self.n_threads = n_threads
        self._load()

    def _load(self) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "OnnxClassifier needs onnxruntime: pip install onnxruntime."
            ) from exc
        providers = (
            ["CPUExecutionProvider"] if self.providers is None else list(self.providers)
        )
        options = ort.SessionOptions()
        if self.n_threads is not None:
            options.intra_op_num_threads = int(self.n_threads)
        self._session = ort.InferenceSession(
            str(self.path), sess_options=options, providers=providers
        )
        custom = self._session.get_modelmeta().custom_metadata_map
        if _META_KEY not in custom:
            raise ValueError(
                f"{self.path} has no skseq metadata: it was not written by "
                "skseq.export.to_onnx. Export the classifier with to_onnx."
            )
        meta = json.loads(custom[_META_KEY])
        dtype = object if meta["classes_dtype"] == "object" else meta["classes_dtype"]
        self.metadata_ = meta
        self.classes_ = np.asarray(meta["classes"], dtype=dtype)
        self.n_features_in_ = meta["n_features_in"]
        self.n_channels_in_ = meta["n_channels_in"]
        self._fit_input_2d = meta["fit_input_2d"]
        if "feature_names_in" in meta:
            self.feature_names_in_ = np.asarray(meta["feature_names_in"], dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_session", None)  # not picklable; reloaded from path
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._load()

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def fit(self, X: Any = None, y: Any = None) -> OnnxClassifier:
        """Refuse: an exported model is fitted; fit the skseq classifier and
        export it again."""
        raise TypeError(
            "OnnxClassifier serves an exported model and cannot be fitted; fit "
            "the skseq classifier and export it again with skseq.export.to_onnx."
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like or list of arrays
            Series to classify, in any format the exported classifier took.

        Returns
        -------
        proba : ndarray of shape (n_instances, n_classes)
        """
        if int(self.batch_size) < 1:
            raise ValueError(f"batch_size must be >= 1; got {self.batch_size!r}.")
        Xp, lengths = validate_panel(self, X, reset=False, return_lengths=True)
        order = np.argsort(lengths, kind="stable")
        proba = np.empty((len(Xp), len(self.classes_)), dtype=np.float64)
        for start in range(0, len(order), int(self.batch_size)):
            rows = order[start : start + int(self.batch_size)]
            batch_lengths = lengths[rows].astype(np.int64)
            x = np.nan_to_num(Xp[rows, :, : int(batch_lengths.max())], nan=0.0)
            feed = {"x": np.ascontiguousarray(x), "lengths": batch_lengths}
            proba[rows] = self._session.run(None, feed)[0]
        # as the skseq classifier: rows sum to 1 in float64
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    @fill_doc
    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of every series, as the labels given in fit.

        {predict_parameters}

        Returns
        -------
        y_pred : ndarray of shape (n_instances,)
        """
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
