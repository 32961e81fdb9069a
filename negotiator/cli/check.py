"""`negotiator check`: is a rule pack consistent? Static checks and properties, with counterexamples."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from ..errors import InputError, Problem
from .common import RulesOption, app, json_option, say, width


@app.command()
def check(
    rules: Optional[str] = RulesOption,
    exhaustive: bool = typer.Option(False, "--exhaustive",
                                    help="Check every profile of the finite abstraction instead of sampling."),
    examples: int = typer.Option(300, "--examples", min=1, max=100_000, help="Profiles hypothesis generates per property."),
    only: Optional[List[str]] = typer.Option(None, "--only", metavar="CHECK", help="Run only this check (repeatable)."),
    as_json: bool = json_option("the report"),
) -> None:
    """Check a rule pack is consistent: static checks and properties, with counterexamples.

    Exit 0 when no check fails, 1 when any fails, 2 on bad input.
    Example: negotiator check --exhaustive
    """
    from ..check.run import CHECK_IDS, run_checks
    from ..errors import nearest
    from ..pack.load import load_pack
    from ..report.check_text import render_check
    pack = load_pack(rules)
    bad = [o for o in only or [] if o not in CHECK_IDS]
    if bad:
        raise InputError([Problem("--only", f"'{b}' is not a check (checks: {', '.join(CHECK_IDS)})",
                                  suggestion=nearest(b, CHECK_IDS)) for b in bad])
    report = run_checks(pack, exhaustive=exhaustive, examples=examples, only=only)
    if as_json:  # the typed report (schema kind check)
        from ..text import json_safe
        sys.stdout.write(json_safe(report.model_dump_json(indent=2)) + "\n")
    else:
        say(render_check(report, width()))
    raise typer.Exit(0 if report.passed else 1)
