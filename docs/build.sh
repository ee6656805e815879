#!/usr/bin/env bash
# Build the documentation into docs/_build/html; any warning fails the build.
# Needs the docs extra: python -m pip install -e ".[docs]"
# Always a fresh build: an incremental one does not re-read unchanged
# docstrings, so it would hide their warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf docs/_build docs/auto_examples docs/api/generated docs/sg_execution_times.rst
sphinx-build -W --keep-going -b html docs docs/_build/html "$@"
