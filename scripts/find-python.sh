# Sourced by the setup scripts: sets PY to a Python 3.11 or 3.12 (durable-rules builds only on those),
# or exits 2 saying so. PYTHON=... chooses one.
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))' 2>/dev/null; then
      PY="$candidate"; break
    fi
  done
fi
if [ -z "$PY" ]; then echo "Python 3.11 or 3.12 is needed (durable-rules does not build on 3.13)" >&2; exit 2; fi
