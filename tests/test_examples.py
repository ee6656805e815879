"""Run every gallery example top to bottom, with small settings.

Each example reads ``SKSEQ_EXAMPLES_QUICK=1`` (few epochs, tiny grids) and
``SKSEQ_EXAMPLES_OUT`` (where its figures go); here both point at a
temporary directory, matplotlib draws off-screen, and the example must
finish and save its figures.
"""

import os
import re
import runpy
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import torch

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("plot_*.py"))


def test_the_gallery_has_the_examples_of_the_issue():
    assert len(EXAMPLES) >= 7, [p.name for p in EXAMPLES]


def test_readme_indexes_every_example():
    readme = (EXAMPLES_DIR / "README.md").read_text()
    listed = set(re.findall(r"\((plot_\w+\.py)\)", readme))
    assert listed == {p.name for p in EXAMPLES}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_conventions(path):
    source = path.read_text()
    assert source.lstrip().startswith('"""'), "starts with its docstring"
    assert "# %%" in source, "cells for editors and sphinx-gallery"
    assert 'os.environ.get("SKSEQ_EXAMPLES_QUICK") == "1"' in source
    assert 'os.environ.get("SKSEQ_EXAMPLES_OUT", ".")' in source
    assert "plt.show()" not in source, "figures are saved, never shown"
    assert "savefig(os.path.join(OUT," in source


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_saves_its_figures(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SKSEQ_EXAMPLES_QUICK", "1")
    monkeypatch.setenv("SKSEQ_EXAMPLES_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")  # also for worker processes
    monkeypatch.chdir(tmp_path)
    threads = torch.get_num_threads()
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        torch.set_num_threads(threads)  # examples pin one thread
        plt.close("all")
    expected = re.findall(
        r'savefig\(os\.path\.join\(OUT, "([\w.]+)"\)', path.read_text()
    )
    assert expected
    for name in expected:
        figure = tmp_path / name
        assert figure.is_file(), f"{path.name} did not save {name}"
        assert os.path.getsize(figure) > 10_000, f"{name} looks empty"
