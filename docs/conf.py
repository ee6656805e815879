"""Sphinx configuration of skseq's documentation (builds offline).

Build with ``bash docs/build.sh`` (warnings are errors). The gallery executes
``examples/plot_*.py`` at their full settings, one after the other in this
process (6.5-9 minutes on 2 cores), so every example page shows its printed
report and its figures; an example that fails fails the build. For a faster
build, ``SKSEQ_EXAMPLES_QUICK=1 bash docs/build.sh`` runs the examples in quick
mode (seconds each; the numbers on the pages are then meaningless) and
``bash docs/build.sh -D plot_gallery=0`` renders the code without running it.

Importing this file has no side effects beyond importing skseq: the gallery
scripts and the benchmarks pages are staged in ``setup`` (tests import it).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import matplotlib
import torch

import skseq

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

project = "skseq"
author = "The skseq developers"
copyright = "2026, the skseq developers"
release = skseq.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "sg_execution_times.rst", "gallery_header.rst"]
templates_path = ["_templates"]
default_role = "literal"
# Offline build: no intersphinx. References to torch/sklearn/skorch objects stay
# plain text (nitpicky is off), references inside skseq are checked.

# -- autodoc / autosummary / numpydoc -----------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
autodoc_member_order = "bysource"
# skorch subclasses inherit ~100 members; the class page lists the class's own
# methods (templates) and the base class's page documents fit/predict.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- the gallery --------------------------------------------------------------
# sphinx-gallery wants a header file in the examples folder; examples/ holds
# only scripts, so they are staged with docs/gallery_header.rst under _build.
_GALLERY_SRC = DOCS / "_build" / "gallery_src"
# The examples also save their figures (SKSEQ_EXAMPLES_OUT); sphinx-gallery
# takes the figures from matplotlib itself, so the files go out of the way.
_GALLERY_FIGURES = DOCS / "_build" / "gallery_figures"


def _stage_gallery() -> None:
    shutil.rmtree(_GALLERY_SRC, ignore_errors=True)
    _GALLERY_SRC.mkdir(parents=True)
    for script in sorted((ROOT / "examples").glob("*.py")):
        shutil.copy2(script, _GALLERY_SRC / script.name)
    shutil.copy2(DOCS / "gallery_header.rst", _GALLERY_SRC / "GALLERY_HEADER.rst")
    _GALLERY_FIGURES.mkdir(parents=True, exist_ok=True)


# -- the benchmarks page ---------------------------------------------------------
# benchmarks/README.md and its result tables are staged as MyST pages under
# docs/benchmarks/ (git-ignored), so the README's relative links to
# results/*.md resolve to pages. A link to a result file that is not there (a
# benchmark not run yet in this checkout) becomes plain text rather than a
# broken reference.
_BENCH_SRC = ROOT / "benchmarks"
_BENCH_DOCS = DOCS / "benchmarks"
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _stage_benchmarks() -> None:
    shutil.rmtree(_BENCH_DOCS, ignore_errors=True)
    (_BENCH_DOCS / "results").mkdir(parents=True)
    pages = []
    for table in sorted((_BENCH_SRC / "results").glob("*.md")):
        text = table.read_text(encoding="utf-8")
        if not text.lstrip().startswith("# "):
            text = f"# Results: `{table.name}`\n\n" + text
        (_BENCH_DOCS / "results" / table.name).write_text(text, encoding="utf-8")
        pages.append(f"results/{table.stem}")

    def link(match: re.Match) -> str:
        text, target = match.groups()
        if "://" in target or target.startswith("#"):
            return match.group(0)
        if (_BENCH_DOCS / target.split("#")[0]).is_file():
            return match.group(0)
        return text

    readme = _MD_LINK.sub(link, (_BENCH_SRC / "README.md").read_text(encoding="utf-8"))
    toctree = "\n".join(["", "", "```{toctree}", ":hidden:", "", *pages, "```", ""])
    (_BENCH_DOCS / "index.md").write_text(readme + toctree, encoding="utf-8")


# The examples run in this process, as ``python examples/plot_x.py`` would run
# them: full settings unless SKSEQ_EXAMPLES_QUICK=1 is set by whoever builds,
# off-screen figures, one torch thread (each example also pins one thread and
# passes n_threads=1 to its networks; the Dask example's workers get one
# thread each from Dask's nanny). Full settings take 6.5-9 minutes on 2
# cores; the examples run one at a time, not with sphinx-gallery's
# ``parallel``: the Dask example times its own 2-worker cluster against a
# sequential run, which another example running beside it would distort.
def _prepare_example_runs() -> None:
    os.environ["SKSEQ_EXAMPLES_OUT"] = str(_GALLERY_FIGURES)
    os.environ["MPLBACKEND"] = "Agg"
    matplotlib.use("Agg")
    torch.set_num_threads(1)


sphinx_gallery_conf = {
    "examples_dirs": str(_GALLERY_SRC),
    "gallery_dirs": "auto_examples",
    "plot_gallery": "True",  # -D plot_gallery=0 renders without running
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    # an example that raises fails the build, at the first failure
    "only_warn_on_example_error": False,
    "abort_on_example_error": True,
    # every example page shows its figures; the thumbnail is its first one
    # (an example may pick another with ``# sphinx_gallery_thumbnail_number``)
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "reset_modules_order": "before",
    "capture_repr": (),  # the examples print what they report
    "show_memory": False,
    "min_reported_time": 0,
    "write_computation_times": True,  # auto_examples/sg_execution_times.rst
}

# -- MyST (benchmarks/README.md) ------------------------------------------------
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

# -- HTML -----------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"skseq {release}"
html_theme_options = {
    "description": "Deep sequence classifiers as scikit-learn estimators "
    "for imbalanced time series",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
}
html_static_path: list[str] = []
html_show_sourcelink = False


# -- hooks ------------------------------------------------------------------------
def _skip_member(app, what, name, obj, skip, options):
    # scikit-learn generates set_{method}_request methods for metadata routing;
    # their docstrings reference scikit-learn's own glossary, which is not here
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    _stage_gallery()
    _stage_benchmarks()
    _prepare_example_runs()
    app.connect("autodoc-skip-member", _skip_member)
