"""`negotiator explain`: the chain of rules behind one power for one place."""

from __future__ import annotations

from typing import Optional

import typer

from .common import AsOfOption, RulesOption, app, json_option, parse_date, show, width


@app.command()
def explain(
    place: str = typer.Argument(..., metavar="PLACE", help="A place profile (.yaml) or a place id."),
    power: str = typer.Argument(..., metavar="POWER", help="A power id from the rule pack, e.g. transport."),
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = AsOfOption,
    as_json: bool = json_option("the explanation"),
) -> None:
    """Show the chain of rules behind one power for one place: what held, what failed, what is missing.

    Example: negotiator explain birmingham single_place_budget
    """
    from ..decide.decision import decide
    from ..decide.explain import explain_power
    from ..pack.load import load_pack
    from ..report.text import render_explanation
    from ..vocab.places import load_place, resolve_place
    pack = load_pack(rules)
    on = parse_date(as_of)
    loaded = load_place(resolve_place(place), pack)
    data = explain_power(decide(pack, loaded.profile, on, as_of_note="given with --as-of" if on else None), power)
    show(data, as_json, lambda d: render_explanation(d, width()))
