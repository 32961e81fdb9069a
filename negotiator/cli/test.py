"""`negotiator test`: run policy cases and say which fail, with what was expected and what came out."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..errors import InputError
from .common import RulesOption, app, line


@app.command()
def test(
    paths: List[str] = typer.Argument(None, metavar="PATH...",
                                      help="Case files or folders (default: every pack's cases/ folder)."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Run policy cases (YAML, one sentence each) and say which fail, with what was expected and what came out.

    Exit 0 when every case passes, 1 when any fails, 2 when a case file is broken.
    Example: negotiator test rules/route-map-2010/cases
    """
    from ..testing import run_cases
    results, problems = run_cases(paths or [], rules)
    failed = [r for r in results if not r.passed]
    for r in failed:
        line(f"FAIL {r.file}: {r.name}")
        for f in r.failures:
            line(f"    {f}")
    typer.echo(f"{len(results) - len(failed)} of {len(results)} cases passed"
               + (f"; {len(problems)} case file problem(s)" if problems else ""))
    if problems:
        raise InputError(problems)
    raise typer.Exit(1 if failed else 0)
