"""`negotiator schema`: the JSON Schema of place profiles (for a pack's vocabulary) or of a command's result."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer

from ..schemas import KINDS
from .common import RulesOption, app, json_option

#: place, then every kind of the registry (negotiator/schemas.py), which the web's /api/schema serves too.
NAMES = ["place", *KINDS]


@app.command()
def schema(
    kind: str = typer.Argument(..., metavar="KIND", autocompletion=lambda: NAMES,
                               help="place (for a pack's vocabulary), or the result of a command: "
                                    + ", ".join(KINDS) + "."),
    rules: Optional[str] = RulesOption,
    as_json: bool = json_option("the schema (always JSON: a JSON Schema, 2020-12)"),
) -> None:
    """Print a JSON Schema: of place profiles (for a pack's vocabulary), or of the results the commands print.

    Example: negotiator schema place --rules route-map-2010 > place.schema.json
    """
    if kind not in NAMES:  # a plain argument, so the help's line stays short: checked here, in our words
        from ..errors import InputError, Problem, nearest
        raise InputError([Problem("KIND", f"'{kind}' is not a kind of schema: one of {', '.join(NAMES)}",
                                  suggestion=nearest(kind, NAMES))])
    if kind == "place":
        from ..pack.load import load_pack
        from ..vocab.places import profile_vocabulary
        from ..vocab.schema import place_schema
        pack = load_pack(rules)
        data = place_schema(profile_vocabulary(pack), pack.id)
    else:
        from ..schemas import json_schema
        data = json_schema(kind)
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
