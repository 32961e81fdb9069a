"""`negotiator diff`: who gains or loses which power, tier, tranche or budget figure between two rounds."""

from __future__ import annotations

import typer

from .common import app, collect, json_option, show


@app.command()
def diff(
    old: str = typer.Argument(..., metavar="OLD.json", help="round.json of the earlier round or rule pack."),
    new: str = typer.Argument(..., metavar="NEW.json", help="round.json of the later round or rule pack."),
    as_json: bool = json_option("the differences"),
) -> None:
    """Who gains or loses which power, tier, tranche or budget figure between two rounds, and why.

    Example: negotiator diff out/before/round.json out/after/round.json
    """
    from ..report.changes import render_diff
    from ..round.diff import diff_rounds, load_round
    old_round, new_round = collect((old, new), load_round)
    show(diff_rounds(old_round, new_round), as_json, render_diff)
