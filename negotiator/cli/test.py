"""`negotiator test`: run policy cases and say which fail, with what was expected and what came out."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..errors import InputError
from .common import Engine, Reported, RulesOption, app, json_option, line


@app.command()
def test(
    paths: List[str] = typer.Argument(None, metavar="PATH...",
                                      help="Case files or folders (default: the cases/ folder of the pack given "
                                           "with --rules, or of every pack)."),
    rules: Optional[str] = RulesOption,
    engine: Optional[List[Engine]] = typer.Option(None, "--engine",
                                                  help="Run each case on this engine (repeatable; default: durable)."),
    as_json: bool = json_option("the outcome of every case"),
) -> None:
    """Run policy cases (YAML, one sentence each) and say which fail, with what was expected and what came out.

    With --rules PACK and no paths, runs PACK's own cases; with paths, runs those cases against PACK.
    Exit 0 when every case passes, 1 when any fails, 2 when a case file is broken.
    Example: negotiator test --rules route-map-2010
    """
    from ..testing import case_report, run_cases
    results, problems = run_cases(paths or [], rules, [e.value for e in engine or [Engine.durable]])
    report = case_report(results, problems)
    if as_json:
        from ..text import json_safe
        typer.echo(json_safe(report.model_dump_json(indent=2)))
    else:
        for r in results:
            if r.failures:
                line(f"FAIL {r.file}: {r.name}" + (f" (engine: {r.engine})" if engine else ""))
                for f in r.failures:
                    line(f"    {f}")
        typer.echo(f"{report.passed} of {len(results)} cases passed"
                   + (f"; {len(problems)} case file problem(s)" if problems else ""))
    if problems:  # with --json the report holds them: Error: lines on stderr only
        raise (Reported if as_json else InputError)(problems)
    raise typer.Exit(1 if report.failed else 0)
