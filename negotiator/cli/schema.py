"""`negotiator schema`: the JSON Schema of place profiles (for a pack's vocabulary) or of a command's result."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Optional

import typer

from .common import RulesOption, app


class SchemaKind(str, Enum):
    place = "place"
    result = "result"
    explanation = "explanation"
    round = "round"
    diff = "diff"
    compare = "compare"
    footprints_check = "footprints-check"
    footprints_within = "footprints-within"
    footprints_plan = "footprints-plan"


@app.command()
def schema(
    kind: SchemaKind = typer.Argument(..., help="place (for a pack's vocabulary), result, explanation, round, diff, "
                                                "compare, or footprints-check, -within, -plan."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Print a JSON Schema: of place profiles (for a pack's vocabulary), or of the results the commands print.

    Example: negotiator schema place --rules route-map-2010 > place.schema.json
    """
    if kind == SchemaKind.place:
        from ..pack.load import load_pack
        from ..vocab.places import profile_vocabulary
        from ..vocab.schema import place_schema
        pack = load_pack(rules)
        data = place_schema(profile_vocabulary(pack), pack.id)
    else:
        from ..footprints.results import SCHEMAS as FOOTPRINT_SCHEMAS
        from ..results import SCHEMAS
        data = {**SCHEMAS, **FOOTPRINT_SCHEMAS}[kind.value].model_json_schema()
        data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        data["title"] = f"negotiator {kind.value}"
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
