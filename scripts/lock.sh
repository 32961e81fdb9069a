#!/usr/bin/env bash
# Make requirements/test.lock anew from pyproject.toml: the exact versions, with hashes, that the test
# suite installs (scripts/setup-and-test.sh). Run it after changing a dependency, and commit the lock.
# Users' installs (`pip install .`) keep the ranges in pyproject.toml; scripts/test-latest.sh checks those
# ranges against the newest releases.
# Usage: bash scripts/lock.sh [--upgrade]   (--upgrade: move every pin to the newest release in range)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-python.sh
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
# uv resolves for every Python and platform at once (--universal) and writes a hash for every file.
"$PY" -m venv "$tools/env"
"$tools/env/bin/pip" install -q --disable-pip-version-check "uv>=0.5"
"$tools/env/bin/uv" pip compile pyproject.toml --extra test --universal --python-version 3.11 \
  --generate-hashes --no-header --quiet "$@" -o requirements/test.lock
echo "wrote requirements/test.lock" >&2
