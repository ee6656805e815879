"""skseq's import layers: every import inside the package points downwards.

The layers are those of ``docs/architecture.rst``. Each module (or
subpackage) of ``skseq`` has a layer; an import of another part of skseq,
at module level or inside a function, is allowed only into a strictly lower
layer. An import that points upwards (a callback reaching into the
classifiers, a network importing a transformer) fails here with the arrow
that broke the rule.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skseq"

LAYERS = {
    # 0: shared helpers, no skseq imports of their own
    "_docstrings": 0,
    "_version": 0,
    "utils": 0,
    # 1: building blocks that know nothing of the estimators built on them
    "nn": 1,
    "losses": 1,
    "datasets": 1,
    "sampling": 1,
    "callbacks": 1,
    "pipeline": 1,
    "inspection": 1,
    # 2: the estimators
    "transformers": 2,
    "classifiers": 2,
    # 3: what composes estimators
    "windows": 3,
    "model_selection": 3,
    "export": 3,
    "sktime": 3,
    "plotting": 3,
    # 4: what composes everything
    "automl": 4,
    "demo": 4,
}


def _part(relative: tuple[str, ...]) -> str:
    """The layer unit of a path inside skseq: a top-level module or subpackage."""
    head = relative[0]
    return head[:-3] if head.endswith(".py") else head


def _imports(source: str, relative: tuple[str, ...]) -> list[tuple[str, int]]:
    """The skseq parts a file imports, with line numbers (``relative``: the
    file's path parts inside skseq, to resolve relative imports)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = list(relative[:-1])
                base = base[: len(base) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
                names = target or [alias.name for alias in node.names]
                if not target:  # "from . import x" at the top level
                    found += [(alias.name, node.lineno) for alias in node.names]
                    continue
                found.append((names[0], node.lineno))
            elif node.module and node.module.split(".")[0] == "skseq":
                parts = node.module.split(".")
                if len(parts) > 1:
                    found.append((parts[1], node.lineno))
                else:
                    found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "skseq" and len(parts) > 1:
                    found.append((parts[1], node.lineno))
    return found


FILES = sorted(
    p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "__init__.py"
)


def test_every_part_of_the_package_has_a_layer():
    parts = {_part(p.relative_to(PACKAGE).parts) for p in FILES}
    assert parts <= set(LAYERS), f"give these a layer: {sorted(parts - set(LAYERS))}"


def _upwards(source: str, relative: tuple[str, ...]) -> list[str]:
    own = _part(relative)
    return [
        f"line {line}: {own} (layer {LAYERS[own]}) imports {target} "
        f"(layer {LAYERS[target]})"
        for target, line in _imports(source, relative)
        if target != own and target in LAYERS and LAYERS[target] >= LAYERS[own]
    ]


@pytest.mark.parametrize(
    "path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)).replace("/", ".")
)
def test_imports_point_downwards(path):
    upwards = _upwards(path.read_text(), path.relative_to(PACKAGE).parts)
    assert not upwards, "\n".join(upwards)


@pytest.mark.parametrize(
    "source, relative, expected",
    [
        # a callback reaching lazily into the classifiers
        ("def f():\n    from .classifiers._data import X\n", ("callbacks.py",), 1),
        ("import skseq.automl\n", ("nn", "_rnn.py"), 1),
        ("from ..transformers import Normalizer\n", ("nn", "_cnn.py"), 1),
        ("from skseq import windows\n", ("classifiers", "_base.py"), 1),
        # downwards and within a part: allowed
        ("from ..nn import LSTMNetwork\n", ("classifiers", "_rnn.py"), 0),
        ("from ._base import B\n", ("classifiers", "_rnn.py"), 0),
        ("from .utils.validation import check_panel\n", ("automl.py",), 0),
    ],
)
def test_the_rule_can_fail(source, relative, expected):
    assert len(_upwards(source, relative)) == expected
