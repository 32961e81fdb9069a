"""The command line: evaluate, explain, whatif, unlock, footprints, validate, round, england, sweep, diff, compare,
check, test, list, schema, doc, serve; one module per command.

Only this package imports typer. Data goes to stdout, diagnostics to stderr.
Exit codes: 0 done, 1 the command ran and found problems, 2 bad input or usage, 3 a bug in negotiator.
Library errors become exit 2 in one place, the boundary in `common.Commands`; commands raise, never print
errors. Rule packs and places come from the working tree when run inside one (a folder with rules/ and
places/), else from the copies bundled with the package.

To add a command: a module here that decorates its function with `@app.command()`, imported below (the
order of the imports is the order of `negotiator --help`).
"""

from __future__ import annotations

import os
import sys

from . import (  # noqa: F401 - each module registers its command
    evaluate, explain, whatif, unlock, footprints, validate, round, england, sweep, diff, compare, check, test,
    list, schema, doc, serve,
)
from .common import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: bad input is exit 2 (the boundary in `common`); a bug is exit 3 with one line, no traceback."""
    from ..text import terminal_line
    if sys.stdout is None or sys.stderr is None:  # started with >&- or 2>&-: Python leaves the stream None
        if sys.stderr is not None:
            print("Error: standard output is closed: nothing could be printed (give it a file or a pipe)",
                  file=sys.stderr)
        sys.exit(2)
    try:
        app()
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug in negotiator, not in the input
        if os.environ.get("NEGOTIATOR_DEBUG"):
            raise
        print(f"Internal error: {type(exc).__name__}: {terminal_line(str(exc))} (set NEGOTIATOR_DEBUG=1 for a "
              "traceback; please report it)", file=sys.stderr)
        sys.exit(3)
