#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run it, then build the
# sdist and the wheel and check that each installs and runs from outside the checkout.
# Usage: bash scripts/setup-and-test.sh [pytest arguments]  (tests run on every core; add -n 0 for one process)
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/find-python.sh  # sets PY: Python 3.11 or 3.12 (durable-rules builds only on those)

# Headless Chromium and its driver, for the test that opens round.html in a browser.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium and chromium-driver (Debian packages) for the browser test..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "warning: chromium and chromium-driver are not installed; the browser test will be skipped" >&2
  fi
fi

# The test environment is the locked set (requirements/test.lock: exact versions with hashes, made by
# scripts/lock.sh), so a new upstream release cannot turn the suite red between two commits that changed
# nothing; scripts/test-latest.sh runs the suite against the newest releases instead.
"$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements/test.lock
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps .
.venv/bin/pytest -n auto "$@"   # every core (pytest-xdist)

# Standard packaging: build both, install each in a fresh environment, run from /.
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
.venv/bin/python -m build -q -o "$dist/out" . >/dev/null
for artefact in "$dist"/out/*.whl "$dist"/out/*.tar.gz; do
  "$PY" -m venv "$dist/env"
  "$dist/env/bin/pip" install -q --disable-pip-version-check "$artefact"
  (cd / && "$dist/env/bin/negotiator" evaluate kent >/dev/null && "$dist/env/bin/negotiator" test >/dev/null)
  echo "built and ran from /: $(basename "$artefact")" >&2
  rm -rf "$dist/env"
done
