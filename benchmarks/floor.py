"""The floor of a cold command: what `negotiator evaluate kent` costs before any code of negotiator's runs.

    .venv/bin/python benchmarks/floor.py evaluate kent

A typer command line shaped as negotiator's (a group with an eager `--version`, and `evaluate` with the same
arguments and options), started and left as `negotiator.cli.main` starts and leaves a process (the same
collector settings, `gc.freeze` on the way out), that imports the libraries every `evaluate` imports (pydantic,
for results; durable-rules' engine) and does nothing else. benchmarks/run.py reports its CPU time as
`evaluate_cold_floor_s`, beside `evaluate_cold_s`: the difference is negotiator's own part of a cold command.
"""

from __future__ import annotations

import gc
import sys
from enum import Enum
from typing import List, Optional

import typer


class Engine(str, Enum):
    durable = "durable"
    python = "python"
    fast = "fast"


app = typer.Typer(add_completion=False)


def _version(value: bool) -> None:
    if value:
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True)) -> None:
    """The group, as negotiator's."""


@app.command()
def evaluate(
    places: List[str] = typer.Argument(..., metavar="PLACE..."),
    rules: Optional[str] = typer.Option(None, "--rules", "-r"),
    as_of: Optional[str] = typer.Option(None, "--as-of"),
    as_json: bool = typer.Option(False, "--json"),
    engine: Engine = typer.Option(Engine.durable, "--engine"),
) -> None:
    """Import what every evaluate imports, and nothing of negotiator's."""
    import durable_rules_engine  # noqa: F401 - the engine of record
    import pydantic  # noqa: F401 - results are pydantic models


if __name__ == "__main__":
    gc.set_threshold(100_000, *gc.get_threshold()[1:])  # as negotiator.cli.main
    try:
        app()
    finally:
        gc.freeze()
        sys.stdout.flush()
