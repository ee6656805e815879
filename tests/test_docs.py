"""Cheap checks of the documentation sources (the build itself: docs/build.sh).

The API reference lists its entries by hand, grouped by topic; these tests make
sure it lists every public name of every public module, under that module, and
nothing that does not exist.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
API_MODULES = (
    "skseq.classifiers",
    "skseq.nn",
    "skseq.losses",
    "skseq.sampling",
    "skseq.transformers",
    "skseq.windows",
    "skseq.model_selection",
    "skseq.pipeline",
    "skseq.callbacks",
    "skseq.datasets",
    "skseq.plotting",
    "skseq.automl",
    "skseq.inspection",
    "skseq.export",
    "skseq.sktime",
    "skseq.utils",
)


def _autosummary_entries(text: str) -> set[tuple[str, str]]:
    """(current module, name) of every entry of every autosummary block."""
    entries = set()
    module = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = match.group(1)
        elif line.startswith(".. autosummary::"):
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i][0] == " "):
                item = lines[i].strip()
                if item and not item.startswith(":"):
                    entries.add((module, item))
                i += 1
            continue
        i += 1
    return entries


@pytest.fixture(scope="module")
def entries():
    return _autosummary_entries((DOCS / "api" / "index.rst").read_text())


@pytest.mark.parametrize("module_name", API_MODULES)
def test_every_public_name_is_in_the_api_reference(entries, module_name):
    public = set(importlib.import_module(module_name).__all__)
    listed = {name for module, name in entries if module == module_name}
    assert public - listed == set(), f"add to docs/api/index.rst: {public - listed}"
    assert listed - public == set(), f"not public in {module_name}: {listed - public}"


def test_the_api_reference_covers_only_public_modules(entries):
    assert {module for module, _ in entries} == set(API_MODULES)


def test_parser_reads_autosummary_blocks():
    text = (
        ".. currentmodule:: a\n\n.. autosummary::\n   :toctree: generated/\n\n"
        "   X\n   y\n\nProse.\n\n.. currentmodule:: b\n\n.. autosummary::\n\n   z\n"
    )
    assert _autosummary_entries(text) == {("a", "X"), ("a", "y"), ("b", "z")}


@pytest.mark.parametrize("module_name", ("skseq.classifiers", "skseq.nn"))
def test_no_docstring_keeps_a_shared_block_placeholder(module_name):
    """A class using shared docstring blocks without ``@fill_doc`` would show
    ``{block_name}`` in the docs (Sphinx does not warn about it)."""
    module = importlib.import_module(module_name)
    left = {
        name: found
        for name in module.__all__
        if (
            found := re.findall(
                r"(?m)^\s*\{\w+\}\s*$", inspect.getdoc(getattr(module, name)) or ""
            )
        )
    }
    assert left == {}, f"decorate with skseq._docstrings.fill_doc: {left}"
