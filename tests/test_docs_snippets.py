"""Every Python code block of the documentation runs.

The blocks of one page run in order, in one fresh interpreter, as a script
(inside a ``__main__`` guard, so the Dask and Accelerate snippets can start
worker processes). Blocks whose caption says "not run" (other libraries'
code, shown for comparison) are left out. Blocks that use bf16 are left out
on a CPU that cannot train an LSTM in bf16 (an AVX2-only one: oneDNN has no
bf16 LSTM there); the rest of the page still runs, and the test is then
reported as skipped, with the reason, rather than passed.
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _cpu import bf16_lstm_problem

DOCS = Path(__file__).resolve().parents[1] / "docs"
_BLOCK = re.compile(
    r"^\.\. code-block:: python[ \t]*\n((?:[ \t]+:[^\n]*\n)*)\n"
    r"((?:(?:[ \t]+[^\n]*)?\n)+)",
    re.M,
)
_USES_BF16 = re.compile(r"""["']bf16["']|bfloat16""")


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


def test_the_bf16_block_is_recognised():
    blocks = _blocks((DOCS / "guide" / "scale_out.rst").read_text())
    uses_bf16 = [bool(_USES_BF16.search(block)) for block in blocks]
    assert uses_bf16 == [False, False, True]  # the Accelerate train.py


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_code_blocks_of_the_page_run(page, tmp_path):
    blocks = _blocks(page.read_text())
    assert blocks, f"{page} has no runnable python block"
    problem = bf16_lstm_problem()
    left_out = []
    if problem is not None:
        left_out = [i for i, b in enumerate(blocks, 1) if _USES_BF16.search(b)]
        blocks = [b for b in blocks if not _USES_BF16.search(b)]
        if not blocks:
            pytest.skip(f"every block uses bf16: {problem}")
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
    if left_out:
        pytest.skip(
            f"blocks {left_out} (bf16) not run, the other {len(blocks)} ran and "
            f"passed: {problem}"
        )
