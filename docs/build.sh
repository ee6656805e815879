#!/usr/bin/env bash
# Build the documentation into docs/_build/html; any warning fails the build.
# Needs the docs extra: python -m pip install -e ".[docs]"
# Always a fresh build: an incremental one does not re-read unchanged
# docstrings, so it would hide their warnings. It also re-executes every gallery
# example at full settings (6.5-9 minutes on 2 cores; sphinx-gallery's
# md5 cache is dropped with docs/auto_examples, so a changed skseq cannot hide
# behind an old page). Faster variants, for working on the docs:
#   SKSEQ_EXAMPLES_QUICK=1 bash docs/build.sh   # examples in quick mode
#   bash docs/build.sh -D plot_gallery=0        # examples shown, not run
# Per-example times: docs/_build/html/auto_examples/sg_execution_times.html.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf docs/_build docs/auto_examples docs/api/generated docs/sg_execution_times.rst
sphinx-build -W --keep-going -b html docs docs/_build/html "$@"
