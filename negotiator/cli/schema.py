"""`negotiator schema`: the JSON Schema of place profiles (for a pack's vocabulary) or of a command's result."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Optional

import typer

from ..schemas import KINDS
from .common import RulesOption, app, json_option

#: place, then every kind of the registry (negotiator/schemas.py), which the web's /api/schema serves too.
SchemaKind = Enum("SchemaKind", {name: name for name in ["place", *KINDS]}, type=str)  # type: ignore[misc]


@app.command()
def schema(
    kind: SchemaKind = typer.Argument(..., help="place (for a pack's vocabulary), or the result of a command: "
                                                + ", ".join(KINDS) + "."),
    rules: Optional[str] = RulesOption,
    as_json: bool = json_option("the schema (always JSON: a JSON Schema, 2020-12)"),
) -> None:
    """Print a JSON Schema: of place profiles (for a pack's vocabulary), or of the results the commands print.

    Example: negotiator schema place --rules route-map-2010 > place.schema.json
    """
    if kind.value == "place":
        from ..pack.load import load_pack
        from ..vocab.places import profile_vocabulary
        from ..vocab.schema import place_schema
        pack = load_pack(rules)
        data = place_schema(profile_vocabulary(pack), pack.id)
    else:
        from ..schemas import json_schema
        data = json_schema(kind.value)
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
