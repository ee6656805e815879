"""What the repeated runs that ``duplicates`` lists are made of (issue 17, step 7).

``duplicates`` (a command of the maintainers' workplace, not a Python
package) lists pairs of places sharing six or more identical or same-shape
lines. This script runs it and tags each side's longest shared run by the
kind of its lines, read with :mod:`ast`: ``doc`` (a docstring), ``sig`` (a
``def`` line and its parameters) or ``code`` (anything else), so that the
pairs left in ``skseq/`` can be sorted into repeated logic and docstring or
signature boilerplate. Only the longest run of a pair is tagged; ``(+N more
runs)`` may be of other kinds. ::

    python tools/duplicate_kinds.py             # every pair
    python tools/duplicate_kinds.py --change    # arguments go to duplicates
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

ROW = re.compile(r"(D\d+) (\S+):(\d+)-(\d+) ~ (\S+):(\d+)-(\d+)")


@cache
def line_kinds(path: str) -> list[str]:
    """The kind of every line of a Python file (index 0 unused)."""
    source = Path(path).read_text()
    kinds = ["code"] * (len(source.splitlines()) + 2)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        ):
            continue
        body = node.body
        first = body[0] if body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            for i in range(first.lineno, first.end_lineno + 1):
                kinds[i] = "doc"
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and first:
            for i in range(node.lineno, first.lineno):
                if kinds[i] == "code":
                    kinds[i] = "sig"
    return kinds


def tag(path: str, start: int, stop: int) -> str:
    if not path.endswith(".py"):
        return "?"
    return "+".join(sorted(set(line_kinds(path)[start : stop + 1])))


def main(argv: list[str]) -> int:
    if shutil.which("duplicates") is None:
        sys.exit("duplicates is not on PATH (a tool of the maintainers' workplace).")
    run = subprocess.run(
        ["duplicates", "--most", "200", *argv], capture_output=True, text=True
    )
    for line in run.stdout.splitlines():
        m = ROW.match(line)
        if m:
            a = tag(m[2], int(m[3]), int(m[4]))
            b = tag(m[5], int(m[6]), int(m[7]))
            line = f"{line}   [{a} | {b}]"
        print(line)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
