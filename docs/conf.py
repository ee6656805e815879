"""Sphinx configuration of skseq's documentation (builds offline).

Build with ``bash docs/build.sh`` (warnings are errors). The gallery renders
``examples/*.py`` without executing them: the test suite runs them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

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
shutil.rmtree(_GALLERY_SRC, ignore_errors=True)
_GALLERY_SRC.mkdir(parents=True)
for script in sorted((ROOT / "examples").glob("*.py")):
    shutil.copy2(script, _GALLERY_SRC / script.name)
shutil.copy2(DOCS / "gallery_header.rst", _GALLERY_SRC / "GALLERY_HEADER.rst")

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


_stage_benchmarks()

sphinx_gallery_conf = {
    "examples_dirs": str(_GALLERY_SRC),
    "gallery_dirs": "auto_examples",
    "plot_gallery": "False",  # the tests execute the examples; docs stay fast
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "write_computation_times": False,
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
    app.connect("autodoc-skip-member", _skip_member)
