"""Every Python code block of the documentation runs.

The blocks of one page run in order, in one fresh interpreter, as a script
(inside a ``__main__`` guard, so the Dask and Accelerate snippets can start
worker processes). Blocks whose caption says "not run" (other libraries'
code, shown for comparison) are left out.
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
_BLOCK = re.compile(
    r"^\.\. code-block:: python[ \t]*\n((?:[ \t]+:[^\n]*\n)*)\n"
    r"((?:(?:[ \t]+[^\n]*)?\n)+)",
    re.M,
)


def _pages() -> list[Path]:
    skip = ("_build", "auto_examples", "generated", "_templates")
    return sorted(
        page
        for page in DOCS.glob("**/*.rst")
        if not any(part in skip for part in page.parts)
        and ".. code-block:: python" in page.read_text()
    )


def _blocks(text: str) -> list[str]:
    blocks = []
    for match in _BLOCK.finditer(text):
        options, body = match.groups()
        if "not run" in options:
            continue
        blocks.append(textwrap.dedent(body))
    return blocks


def test_block_parser_reads_indented_bodies_and_skips_not_run():
    text = (
        "Intro\n\n.. code-block:: python\n\n   x = 1\n\n   y = x + 1\n\nAfter\n\n"
        ".. code-block:: python\n   :caption: Keras (not run)\n\n   keras.fit()\n"
    )
    assert _blocks(text) == ["x = 1\n\ny = x + 1\n\n"]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_code_blocks_of_the_page_run(page, tmp_path):
    blocks = _blocks(page.read_text())
    assert blocks, f"{page} has no runnable python block"
    body = "\n".join(blocks)
    script = (
        "import matplotlib\nmatplotlib.use('Agg')\n\n\ndef _page():\n"
        + textwrap.indent(body, "    ")
        + "\n\nif __name__ == '__main__':\n    _page()\n"
    )
    path = tmp_path / f"{page.stem}.py"
    path.write_text(script)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"{page.relative_to(DOCS)}: its code blocks fail:\n{result.stderr[-3000:]}"
    )
