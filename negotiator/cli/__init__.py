"""The command line: evaluate, explain, whatif, unlock, footprints, validate, round, england, sweep, diff, compare,
check, test, list, schema, doc, serve; one module per command.

Only this package imports typer. Data goes to stdout, diagnostics to stderr.
Exit codes: 0 done, 1 the command ran and found problems, 2 bad input or usage, 3 a bug in negotiator.
Library errors become exit 2 in one place, the boundary in `common.Commands`; commands raise, never print
errors. Rule packs and places come from the working tree when run inside one (a folder with rules/ and
places/), else from the copies bundled with the package.

To add a command: a module here that decorates its function with `@app.command()`, named in COMMANDS below
(the order of COMMANDS is the order of `negotiator --help`).

A process started as `negotiator COMMAND ...` imports only the module of COMMAND (`main`), so a quick command
such as `negotiator evaluate kent` does not pay for building the others; `app` (as the tests and the web
use it) and any other command line (`--help`, a misspelt name, completion) have every command.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import typer

__all__ = ["COMMANDS", "app", "commands", "main"]

COMMANDS = ("evaluate", "explain", "whatif", "unlock", "footprints", "validate", "round", "england", "sweep", "diff",
            "compare", "check", "test", "list", "schema", "doc", "serve")


def commands(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The typer app with the commands named (each module registers its command when imported)."""
    for name in names:
        __import__(f"{__name__}.{name}")
    from .common import app
    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # every command, in the order of COMMANDS
        return commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point: bad input is exit 2 (the boundary in `common`); a bug is exit 3 with one line, no traceback."""
    if sys.stdout is None or sys.stderr is None:  # started with >&- or 2>&-: Python leaves the stream None
        if sys.stderr is not None:
            print("Error: standard output is closed: nothing could be printed (give it a file or a pipe)",
                  file=sys.stderr)
        sys.exit(2)
    # A command is a short process that allocates most of its objects once, while importing and building its
    # models: collecting the youngest objects every 700 allocations cost about 15 ms of a 0.2 s `evaluate`.
    import gc
    gc.set_threshold(100_000, *gc.get_threshold()[1:])
    first = sys.argv[1] if len(sys.argv) > 1 else ""
    only = first in COMMANDS and not any(k.endswith("_COMPLETE") for k in os.environ)  # completion lists them all
    app = commands([first] if only else COMMANDS)
    try:
        app()
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug in negotiator, not in the input
        if os.environ.get("NEGOTIATOR_DEBUG"):
            raise
        from ..text import terminal_line
        print(f"Internal error: {type(exc).__name__}: {terminal_line(str(exc))} (set NEGOTIATOR_DEBUG=1 for a "
              "traceback; please report it)", file=sys.stderr)
        sys.exit(3)
    finally:
        # Leaving, the interpreter looks for reference cycles among every object still alive, once more, though the
        # process is about to free them all: about 30 ms of a 0.2 s `evaluate`. Frozen, they are not looked
        # through (gc.freeze); modules and objects are still torn down and atexit still runs. Nothing relies on a
        # cycle being collected at exit: files are written and closed where they are made (atomic.py).
        gc.freeze()
