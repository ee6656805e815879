"""progress_bar=True inside a real Jupyter kernel (issue 15, item 4).

A notebook is built with nbformat and run by nbclient on this Python's
kernel: once as is, and once with ipywidgets made unimportable, the setup
that crashed with ``ImportError: IProgress not found``.
"""

from __future__ import annotations

import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

FIT = """
import warnings
import numpy as np
from skseq.classifiers import FCNClassifier
from skseq.callbacks import ProgressBar
rng = np.random.default_rng(0)
X = rng.normal(size=(40, 2, 30)).astype("float32")
y = np.arange(40) % 2
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    clf = FCNClassifier(max_epochs=2, progress_bar=True, n_filters=(4, 4, 4),
                        early_stopping=True, random_state=0).fit(X, y)
bar = dict(clf.callbacks_)["progress_bar"]
print("widgets", ProgressBar.widgets_available(), "notebook bar", bar._use_notebook())
print("fitted", len(clf.history_))
"""


def _run(*cells: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=False
    )
    client.execute()
    return [
        "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        for cell in nb.cells
    ]


@pytest.fixture(autouse=True)
def _same_python(monkeypatch):
    # the kernel must be this interpreter (the venv with skseq in it)
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    if spec.argv[0] not in (sys.executable, "python", "python3"):
        pytest.skip(f"the python3 kernel runs {spec.argv[0]}, not {sys.executable}")


def test_progress_bar_without_ipywidgets_falls_back_to_text():
    block = "import sys; sys.modules['ipywidgets'] = None  # not installed"
    out = _run(block, FIT)[1]
    assert "widgets False notebook bar False" in out
    assert "fitted 2" in out


def test_progress_bar_with_ipywidgets_uses_the_widget_bar():
    pytest.importorskip("ipywidgets")
    out = _run(FIT)[0]
    assert "widgets True notebook bar True" in out
    assert "fitted 2" in out
