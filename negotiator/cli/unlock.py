"""`negotiator unlock`: the cheapest sets of the pack's declared moves that make a power available."""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import InputError, Problem
from .common import AsOfOption, RulesOption, app, json_option, parse_date, show, width


@app.command()
def unlock(
    place: str = typer.Argument(..., metavar="PLACE", help="A place profile (.yaml) or a place id."),
    power: Optional[str] = typer.Option(None, "--power", "-p", metavar="ID", help="The power to unlock."),
    package: bool = typer.Option(False, "--package", help="Unlock every power the place asked for, together."),
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = AsOfOption,
    answers: int = typer.Option(3, "--answers", min=1, max=20, help="How many sets of moves to show."),
    as_json: bool = json_option("the answers"),
) -> None:
    """The cheapest sets of the pack's declared moves that make a power (or the package) available.

    Each answer is minimal (no smaller set does it), ranked by cost, then time. When nothing unlocks
    it, says why; below the negotiation level, proposes groupings with neighbouring councils.
    Example: negotiator unlock greater-manchester --power single_place_budget --as-of 2011-05-01
    """
    from ..options.unlock import unlock as run
    from ..pack.load import load_pack
    from ..report.changes import render_unlock
    from ..vocab.places import load_place, resolve_place
    if bool(power) == package:
        raise InputError([Problem("unlock", "give either --power ID or --package")])
    pack = load_pack(rules)
    loaded = load_place(resolve_place(place), pack)
    on = parse_date(as_of) or pack.effective
    data = run(pack, loaded.profile, on, power or "package", answers)
    from ..decide.catalogue import catalogue
    show(data, as_json, lambda d: render_unlock(d, width(), catalogue(pack)))
