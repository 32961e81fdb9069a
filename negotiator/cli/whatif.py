"""`negotiator whatif`: a place with some facts or pack parameters changed, and only what changes, and why."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..errors import InputError, Problem
from .common import (
    ENGINE_HELP, AsOfOption, Engine, RulesOption, SetOption, app, json_option, parse_date, parse_sets, show,
)


@app.command()
def whatif(
    place: str = typer.Argument(..., metavar="PLACE", help="A place profile (.yaml) or a place id."),
    sets: List[str] = SetOption,
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = AsOfOption,
    as_json: bool = json_option("the changes"),
    engine: Engine = typer.Option(Engine.durable, "--engine", help=ENGINE_HELP),
) -> None:
    """Evaluate a place with some facts or pack parameters changed, and show only what changes, and why.

    Example: negotiator whatif greater-manchester --as-of 2011-05-01 --set accountability.model=directly_elected_mayor
    """
    from ..round.whatif import whatif as run
    from ..pack.load import load_pack
    from ..report.changes import render_whatif
    from ..vocab.places import load_place, resolve_place
    if not sets:
        raise InputError([Problem("--set", "give at least one change, e.g. --set capacity.shared_services=true")])
    pack = load_pack(rules)
    loaded = load_place(resolve_place(place), pack)
    data = run(pack, loaded.profile, parse_sets(sets), parse_date(as_of), engine.value)
    from ..decide.catalogue import catalogue
    show(data, as_json, lambda d: render_whatif(d, catalogue(pack)))
