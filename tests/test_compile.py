"""``compile=True``: a failing compiled module falls back to eager, never a crash."""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sktime.datasets import load_gunpoint

from skseq.classifiers import FCNClassifier, TransformerClassifier

pytest.importorskip("torch._dynamo")


@pytest.fixture(scope="module")
def gunpoint():
    X, y = load_gunpoint(return_X_y=True, return_type="numpy3D")
    return X[:40].astype(np.float32), y[:40]


def _runtime_failure_backend(gm, example_inputs):
    """A torch.compile backend whose compiled graphs raise when they run (as
    inductor's stride assertions did for the fused transformer kernel)."""

    def run(*args):
        raise AssertionError("expected size 150==150, stride 64==1 at dim=1")

    return run


def _small_fcn(**kwargs):
    return FCNClassifier(
        module__n_filters=(4, 4),
        module__kernel_sizes=(3, 3),
        max_epochs=2,
        batch_size=16,
        random_state=0,
        **kwargs,
    )


def test_failing_compiled_module_falls_back_to_eager(gunpoint):
    X, y = gunpoint
    torch._dynamo.reset()
    clf = _small_fcn(compile=True, compile__backend=_runtime_failure_backend)
    with pytest.warns(RuntimeWarning, match="torch.compile failed.*AssertionError"):
        clf.fit(X, y)
    assert "stride 64==1" in clf.compile_error_
    # the network is the plain module from then on, and trained for real
    assert type(clf.module_).__name__ != "OptimizedModule"
    assert len(clf.history_) == 2
    eager = _small_fcn().fit(X, y)
    # the failed call raised before computing anything: the eager retry makes
    # the fit identical to one that never compiled
    np.testing.assert_array_equal(clf.predict_proba(X), eager.predict_proba(X))
    # a fitted model that fell back pickles like any other
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_fallback_warns_once_and_predict_after_fit_is_silent(gunpoint):
    X, y = gunpoint
    torch._dynamo.reset()
    clf = _small_fcn(compile=True, compile__backend=_runtime_failure_backend)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
        clf.predict(X)
    messages = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1


def test_genuine_errors_are_not_swallowed(gunpoint):
    """An error the eager module raises too comes out, compiled or not."""
    X, y = gunpoint
    torch._dynamo.reset()

    class Broken(torch.nn.Module):
        def __init__(self, n_channels, n_classes):
            super().__init__()
            self.linear = torch.nn.Linear(n_channels, n_classes)

        def forward(self, x, lengths=None):
            raise ValueError("broken network")

    clf = FCNClassifier(module=Broken, max_epochs=1, compile=True)
    clf.set_params(compile__backend="eager")
    with pytest.raises(ValueError, match="broken network"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            clf.fit(X, y)
    # without compilation nothing is unwrapped and the error is the same
    with pytest.raises(ValueError, match="broken network"):
        FCNClassifier(module=Broken, max_epochs=1).fit(X, y)


def test_compiled_module_that_works_stays_compiled(gunpoint):
    X, y = gunpoint
    torch._dynamo.reset()
    clf = _small_fcn(compile=True, compile__backend="eager")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        clf.fit(X, y)
    assert type(clf.module_).__name__ == "OptimizedModule"
    assert not hasattr(clf, "compile_error_")
    eager = _small_fcn().fit(X, y)
    np.testing.assert_allclose(
        clf.predict_proba(X), eager.predict_proba(X), rtol=0, atol=1e-5
    )


def test_transformer_with_linear_stem_compiles_with_inductor(gunpoint):
    """The per-step linear stem used to fail in ``predict`` under inductor
    (the fused eval-mode encoder kernel's fake kernel mis-states strides);
    the network now traces the plain encoder path while compiling."""
    X, y = gunpoint
    torch._dynamo.reset()
    clf = TransformerClassifier(
        module__stem="linear",
        module__patch_size=1,
        module__d_model=8,
        module__n_heads=2,
        module__num_layers=1,
        module__dim_feedforward=16,
        module__positional_encoding="sinusoidal",
        max_epochs=1,
        batch_size=20,
        compile=True,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        clf.fit(X, y)
        proba = clf.predict_proba(X)
    assert type(clf.module_).__name__ == "OptimizedModule"
    assert not hasattr(clf, "compile_error_")
    # the compiled network computes what the eager one does with its weights
    with torch.inference_mode():
        module = clf.module_._orig_mod.eval()
        x = torch.as_tensor(X)
        eager = torch.softmax(module(x), dim=1).double().numpy()
    np.testing.assert_allclose(proba, eager, atol=1e-5)
    # the global fast-path switch is left as it was
    assert torch.backends.mha.get_fastpath_enabled()
