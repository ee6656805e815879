"""ONNX and torch.export of every classifier (issue 14)."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")

from _instances import test_params
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

import skseq.classifiers as C  # noqa: E402
from skseq.classifiers._data import PanelDataset  # noqa: E402
from skseq.export import OnnxClassifier, export_program, to_onnx  # noqa: E402
from skseq.transformers import Normalizer  # noqa: E402

CLASSIFIERS = [
    C.LSTMClassifier,
    C.GRUClassifier,
    C.AttentionLSTMClassifier,
    C.TransformerClassifier,
    C.CNNClassifier,
    C.FCNClassifier,
    C.ResNetClassifier,
    C.InceptionTimeClassifier,
    C.LSTMFCNClassifier,
    C.CNNLSTMClassifier,
]
IDS = [c.__name__.removesuffix("Classifier") for c in CLASSIFIERS]


def _tiny(cls, **extra):
    params = {**test_params(cls), "max_epochs": 2, "random_state": 0}
    return cls(**{**params, **extra})


@pytest.fixture(scope="module")
def gunpoint(gunpoint_train, gunpoint_test):
    X, y = gunpoint_train
    Xt, _ = gunpoint_test
    return X[:40], y[:40], Xt[:30]


@pytest.fixture(scope="module")
def vowels(vowels_train, vowels_test):
    """JapaneseVowels: 12 channels, lengths 7-29 (trailing NaN padding)."""
    X, y = vowels_train
    Xt, _ = vowels_test
    return X[::8], y[::8], Xt[::10]


def _unseen_length(X: np.ndarray, length: int) -> list[np.ndarray]:
    """Every series of ``X`` (its observed steps) repeated to ``length`` steps,
    longer than any at fit, plus one of ``length // 2``: unequal, as a list."""
    out = []
    for i, series in enumerate(X):
        observed = series[:, ~np.isnan(series[0])]
        n = length if i % 2 == 0 else length // 2
        out.append(np.tile(observed, (1, -(-n // observed.shape[1])))[:, :n])
    return out


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=IDS)
def test_onnx_probabilities_equal_the_estimators(cls, gunpoint, vowels, tmp_path):
    for name, (X, y, Xt) in {"gunpoint": gunpoint, "vowels": vowels}.items():
        clf = _tiny(cls).fit(X, y)
        path = to_onnx(clf, tmp_path / f"{name}.onnx")
        # batches of 7 rows sorted by length mix lengths within a batch
        served = OnnxClassifier(path, batch_size=7)
        np.testing.assert_array_equal(served.classes_, clf.classes_)
        np.testing.assert_allclose(
            served.predict_proba(Xt), clf.predict_proba(Xt), atol=1e-5, rtol=0
        )
        longer = _unseen_length(Xt[:6], 2 * X.shape[2] + 3)
        np.testing.assert_allclose(
            served.predict_proba(longer), clf.predict_proba(longer), atol=1e-5, rtol=0
        )
        np.testing.assert_array_equal(served.predict(Xt), clf.predict(Xt))


def test_unequal_lengths_as_a_list_and_nan_padding(vowels, tmp_path):
    X, y, Xt = vowels
    clf = _tiny(C.FCNClassifier).fit(X, y)
    served = OnnxClassifier(to_onnx(clf, tmp_path / "m.onnx"))
    lengths = (~np.isnan(Xt[:, 0, :])).sum(axis=1)
    as_list = [Xt[i, :, : lengths[i]] for i in range(len(Xt))]
    np.testing.assert_allclose(
        served.predict_proba(as_list), served.predict_proba(Xt), atol=1e-6
    )
    np.testing.assert_allclose(
        served.predict_proba(as_list), clf.predict_proba(as_list), atol=1e-5
    )


def test_string_labels_and_2d_input_round_trip(gunpoint, tmp_path):
    X, y, Xt = gunpoint
    labels = np.where(y == y[0], "walk", "gun").astype(object)
    clf = _tiny(C.CNNClassifier).fit(X[:, 0, :], labels)
    served = OnnxClassifier(to_onnx(clf, tmp_path / "m.onnx"))
    assert served.classes_.tolist() == clf.classes_.tolist()
    assert served.n_features_in_ == clf.n_features_in_ == X.shape[2]
    np.testing.assert_array_equal(served.predict(Xt[:, 0, :]), clf.predict(Xt[:, 0, :]))
    with pytest.raises(ValueError, match="features"):
        served.predict(Xt[:, 0, :-5])


def test_served_model_validates_like_the_estimator(gunpoint, tmp_path):
    X, y, Xt = gunpoint
    served = OnnxClassifier(to_onnx(_tiny(C.FCNClassifier).fit(X, y), tmp_path / "m"))
    with pytest.raises(ValueError, match="channels"):
        served.predict(np.concatenate([Xt, Xt], axis=1))
    bad = Xt.copy()
    bad[0, 0, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        served.predict(bad)
    with pytest.raises(TypeError, match="cannot be fitted"):
        served.fit(X, y)
    with pytest.raises(ValueError, match="batch_size"):
        OnnxClassifier(served.path, batch_size=0).predict(Xt)
    restored = pickle.loads(pickle.dumps(served))
    np.testing.assert_array_equal(restored.predict_proba(Xt), served.predict_proba(Xt))
    assert served.score(Xt[:10], served.predict(Xt[:10])) == 1.0


def test_pipeline_with_normalizer_exports_whole(vowels, tmp_path):
    X, y, Xt = vowels
    for normalizer in (Normalizer(), Normalizer(method="minmax", scope="channel")):
        pipe = make_pipeline(normalizer, _tiny(C.ResNetClassifier)).fit(X, y)
        served = OnnxClassifier(to_onnx(pipe, tmp_path / "p.onnx"))
        np.testing.assert_allclose(
            served.predict_proba(Xt), pipe.predict_proba(Xt), atol=1e-5
        )


def test_pipeline_with_an_unexportable_step_names_it(gunpoint, tmp_path):
    X, y, _ = gunpoint
    pipe = make_pipeline(FunctionTransformer(), _tiny(C.FCNClassifier)).fit(X, y)
    with pytest.raises(ValueError, match="'functiontransformer'.*FunctionTransformer"):
        to_onnx(pipe, tmp_path / "p.onnx")
    assert not (tmp_path / "p.onnx").exists()


def test_refuses_unfitted_and_foreign_models(tmp_path):
    with pytest.raises(ValueError, match="not fitted"):
        to_onnx(C.FCNClassifier(), tmp_path / "m.onnx")
    with pytest.raises(TypeError, match="skseq classifier"):
        to_onnx(FunctionTransformer(), tmp_path / "m.onnx")
    with pytest.raises(ValueError, match="exporter"):
        to_onnx(C.FCNClassifier(), tmp_path / "m.onnx", exporter="jit")
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["a"], ["b"])],
        "g",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("b", TensorProto.FLOAT, [1])],
    )
    onnx.save(helper.make_model(graph), str(tmp_path / "foreign.onnx"))
    with pytest.raises(ValueError, match="not written by skseq"):
        OnnxClassifier(tmp_path / "foreign.onnx")


def test_serving_needs_no_torch(gunpoint, tmp_path):
    X, y, Xt = gunpoint
    clf = _tiny(C.LSTMClassifier).fit(X, y)
    path = to_onnx(clf, tmp_path / "m.onnx")
    np.save(tmp_path / "X.npy", Xt)
    np.save(tmp_path / "expected.npy", clf.predict_proba(Xt))
    script = textwrap.dedent(
        f"""
        import importlib.abc
        import sys

        class NoTorch(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] in ("torch", "skorch"):
                    raise ImportError(f"{{name}} is blocked in this process")

        sys.meta_path.insert(0, NoTorch())  # any import of torch now fails
        import numpy as np
        from skseq.export import OnnxClassifier
        served = OnnxClassifier({str(path)!r})
        proba = served.predict_proba(np.load({str(tmp_path / "X.npy")!r}))
        expected = np.load({str(tmp_path / "expected.npy")!r})
        assert np.abs(proba - expected).max() < 1e-5, np.abs(proba - expected).max()
        assert "torch" not in sys.modules and "skorch" not in sys.modules
        print("served without torch")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "served without torch" in done.stdout


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=IDS)
def test_torch_export_program(cls, gunpoint):
    X, y, Xt = gunpoint
    clf = _tiny(cls).fit(X, y)
    program = export_program(clf)
    recurrent = any(isinstance(m, torch.nn.RNNBase) for m in clf.module_.modules())
    lengths = torch.tensor([150, 90, 1, 150, 37])
    x = torch.from_numpy(Xt[:5]).clone()
    x *= torch.arange(150)[None, None, :] < lengths[:, None, None]
    expected = torch.softmax(clf.module_.eval()(x, lengths), -1)
    torch.testing.assert_close(program.module()(x, lengths), expected)
    if not recurrent:  # the time axis is dynamic: an unseen length works
        x2, l2 = x[:2, :, :61].clone(), torch.tensor([61, 20])
        x2[1, :, 20:] = 0.0
        expected = torch.softmax(clf.module_(x2, l2), -1)
        torch.testing.assert_close(program.module()(x2, l2), expected)


def test_equal_length_batches_take_the_dense_path():
    """The data layer leaves ``lengths`` out when nothing is padded, and the
    masked path gives the dense path's result on equal lengths."""
    X = np.random.default_rng(0).standard_normal((4, 2, 10)).astype(np.float32)
    X[2:, :, 6:] = np.nan
    data = PanelDataset(X, np.array([10, 10, 6, 6]))
    full, _ = data.batch(torch.tensor([0, 1]))
    mixed, _ = data.batch(torch.tensor([0, 2]))
    short, _ = data.batch(torch.tensor([2, 3]))
    assert set(full) == {"x"} and set(short) == {"x"}
    assert short["x"].shape[-1] == 6
    assert mixed["lengths"].tolist() == [10, 6]
    Xfit = np.random.default_rng(1).standard_normal((8, 2, 10)).astype(np.float32)
    yfit = np.array([0, 1] * 4)
    x = torch.from_numpy(X[:2])
    for cls in CLASSIFIERS:
        module = _tiny(cls, max_epochs=1).fit(Xfit, yfit).module_.eval()
        with torch.no_grad():
            dense = module(x)
            masked = module(x, torch.tensor([10, 10]))
        torch.testing.assert_close(masked, dense, atol=1e-5, rtol=0)


@pytest.mark.parametrize(
    "cls", [C.FCNClassifier, C.LSTMClassifier], ids=["FCN", "LSTM"]
)
def test_plain_torch_onnx_export_of_the_module_is_right_on_unequal_lengths(
    cls, gunpoint, tmp_path
):
    """The issue's first report: torch.onnx.export of ``module_`` traced with
    an equal-length example froze a Python branch on the lengths' values and
    was silently wrong on unequal lengths. Networks now have no such branch."""
    import onnxruntime as ort

    X, y, Xt = gunpoint
    clf = _tiny(cls).fit(X, y)
    module = clf.module_.eval()
    x = torch.from_numpy(Xt[:4])
    full = torch.full((4,), x.shape[-1], dtype=torch.long)
    path = tmp_path / "module.onnx"
    with pytest.warns(Warning):  # the TorchScript exporter's deprecation
        torch.onnx.export(
            module,
            (x, full),
            str(path),
            dynamo=False,
            input_names=["x", "lengths"],
            dynamic_axes={"x": {0: "b", 2: "t"}, "lengths": {0: "b"}},
        )
    lengths = torch.tensor([150, 40, 7, 99])
    x = x * (torch.arange(150)[None, None, :] < lengths[:, None, None])
    out = ort.InferenceSession(str(path)).run(
        None, {"x": x.numpy(), "lengths": lengths.numpy()}
    )[0]
    with torch.no_grad():
        expected = module(x, lengths).numpy()
    np.testing.assert_allclose(out, expected, atol=1e-5)
