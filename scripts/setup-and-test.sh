#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run it, then build the
# sdist and the wheel and check that each installs and runs from outside the checkout.
# Usage: bash scripts/setup-and-test.sh [pytest arguments]  (tests run on every core; add -n 0 for one process)
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/find-python.sh  # sets PY: Python 3.11 or 3.12 (durable-rules builds only on those)

# Debian packages the tests need: headless Chromium and its driver (the test that opens round.html in a
# browser) and strace (the tests that kill a writer at a chosen system call). Under CI those tests fail
# rather than skip when their tool is missing.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v strace >/dev/null 2>&1 || missing+=(strace)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} (Debian packages) for the tests..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "warning: ${missing[*]} not installed; the tests that need them will be skipped" >&2
  fi
fi

# The test environment is the locked set (requirements/test.lock: exact versions with hashes, made by
# scripts/lock.sh), so a new upstream release cannot turn the suite red between two commits that changed
# nothing; scripts/test-latest.sh runs the suite against the newest releases instead.
"$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements/test.lock
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps .

# Static checks, configured in pyproject.toml: lint, types, and the layers of the README's pipeline.
.venv/bin/ruff check negotiator tests benchmarks scripts
.venv/bin/mypy
.venv/bin/lint-imports

# The whole suite: slow tests too (a bare `pytest` leaves them out), on every core (pytest-xdist), with the policy
# cases of every pack on every engine.
.venv/bin/pytest -n auto -m "slow or not slow" "$@"

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
