"""Run every gallery example top to bottom, with small settings.

Each example reads ``SKSEQ_EXAMPLES_QUICK=1`` (few epochs, tiny grids) and
``SKSEQ_EXAMPLES_OUT`` (where its figures go); here both point at a
temporary directory, matplotlib draws off-screen, and the example must
finish and save its figures. The docs build runs them again at full
settings (``docs/conf.py``); its configuration is checked here without
building.
"""

import importlib.util
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
DOCS_CONF = Path(__file__).resolve().parents[1] / "docs" / "conf.py"


def _docs_conf():
    """docs/conf.py as a module: importing it stages and changes nothing."""
    spec = importlib.util.spec_from_file_location("skseq_docs_conf", DOCS_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    assert "print(" in source, "the gallery page shows what it prints"
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


def test_the_docs_build_executes_the_examples(monkeypatch):
    # the gallery pages show each example's output and figures (issue 15);
    # an example that fails fails the docs build
    environ, threads = dict(os.environ), torch.get_num_threads()
    conf = _docs_conf()
    assert dict(os.environ) == environ and torch.get_num_threads() == threads
    gallery = conf.sphinx_gallery_conf
    # sphinx-gallery evaluates the string (so that -D plot_gallery=0 works)
    assert gallery["plot_gallery"] in ("True", True)
    assert gallery["abort_on_example_error"] is True
    assert gallery["only_warn_on_example_error"] is False
    assert "matplotlib" in gallery["image_scrapers"]
    assert "matplotlib" in gallery["reset_modules"]
    assert Path(gallery["examples_dirs"]) == conf._GALLERY_SRC
    for path in EXAMPLES:  # every staged example is executed
        staged = conf._GALLERY_SRC / path.name
        assert re.search(gallery["filename_pattern"], str(staged))

    # before the examples run: full settings (whoever builds may set
    # SKSEQ_EXAMPLES_QUICK=1), figures saved under docs/_build, off-screen,
    # one torch thread
    monkeypatch.delenv("SKSEQ_EXAMPLES_QUICK", raising=False)
    monkeypatch.setenv("SKSEQ_EXAMPLES_OUT", "unchanged")
    monkeypatch.setenv("MPLBACKEND", "unchanged")
    pinned = []
    monkeypatch.setattr(torch, "set_num_threads", pinned.append)
    conf._prepare_example_runs()
    assert "SKSEQ_EXAMPLES_QUICK" not in os.environ
    figures = Path(os.environ["SKSEQ_EXAMPLES_OUT"])
    assert figures == DOCS_CONF.parent / "_build" / "gallery_figures"
    assert os.environ["MPLBACKEND"] == "Agg"
    assert matplotlib.get_backend().lower() == "agg"
    assert pinned == [1]
