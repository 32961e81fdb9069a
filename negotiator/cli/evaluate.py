"""`negotiator evaluate`: can each place negotiate, which powers it could have, what accountability it needs."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from .common import ENGINE_HELP, AsOfOption, Engine, RulesOption, app, collect, parse_date, say, width


@app.command()
def evaluate(
    places: List[str] = typer.Argument(..., metavar="PLACE...", help="Place profiles (.yaml) or place ids."),
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = AsOfOption,
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON (an array for several places)."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help=ENGINE_HELP),
) -> None:
    """Evaluate places: can each negotiate, which powers it could have, what accountability it needs.

    Example: negotiator evaluate greater-manchester --as-of 2011-05-01
    """
    from ..advice import evaluate as run
    from ..compiled import compiled
    from ..pack.load import load_pack
    from ..report.text import render_evaluation
    from ..vocab.places import load_place, resolve_place
    pack = load_pack(rules)
    on = parse_date(as_of)
    loaded = collect(places, lambda ref: load_place(resolve_place(ref), pack))
    evaluator = compiled(pack).evaluator(engine.value)
    results = [run(pack, lp.profile, on, evaluator, "given with --as-of" if on else None) for lp in loaded]
    if as_json:
        from ..text import json_safe
        if len(results) == 1:
            sys.stdout.write(json_safe(results[0].model_dump_json(indent=2)) + "\n")
        else:
            sys.stdout.write(json_safe("[\n" + ",\n".join(r.model_dump_json(indent=2) for r in results) + "\n]") + "\n")
        return
    say("\n".join(render_evaluation(r, width=width()) for r in results))
