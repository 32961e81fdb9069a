#!/usr/bin/env bash
# Run the whole test suite against the newest release of every dependency that pyproject.toml allows
# (what a user who installs negotiator today gets), in a virtualenv of its own (.venv-latest).
# The locked set (scripts/setup-and-test.sh) keeps CI reproducible; this says whether a new upstream
# release breaks negotiator, before a user finds out. Both must pass.
# Usage: bash scripts/test-latest.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-python.sh
rm -rf .venv-latest
"$PY" -m venv .venv-latest
.venv-latest/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv-latest/bin/python -m pip install -q --disable-pip-version-check --upgrade --upgrade-strategy eager ".[test]"
.venv-latest/bin/python -m pip list --disable-pip-version-check --format=freeze >&2
.venv-latest/bin/pytest -n auto -m "slow or not slow" "$@"   # the whole suite, slow tests too
