"""The one registry of the kinds of result a command prints, with their JSON Schemas.

`negotiator schema KIND`, the web's /api/schema/KIND and the test that every `--json` output validates
all read `KINDS`. Models are imported on first use only (the command line starts without pydantic).
`place` (profiles, for a pack's vocabulary) is not here: its schema depends on a pack.
"""

from __future__ import annotations

import importlib
from typing import Any

#: kind -> (module, model): the typed result that `--json` prints.
KINDS: dict[str, tuple[str, str]] = {
    "result": ("negotiator.results", "Evaluation"),
    "explanation": ("negotiator.results", "Explanation"),
    "round": ("negotiator.results", "Round"),
    "diff": ("negotiator.results", "Diff"),
    "compare": ("negotiator.results", "Comparison"),
    "whatif": ("negotiator.results", "WhatIf"),
    "unlock": ("negotiator.results", "Unlock"),
    "cases": ("negotiator.results", "CaseReport"),
    "check": ("negotiator.results", "CheckReport"),
    "footprints-check": ("negotiator.footprints.results", "FootprintCheck"),
    "footprints-within": ("negotiator.footprints.results", "FootprintList"),
    "footprints-plan": ("negotiator.footprints.results", "FootprintPlan"),
    "validation": ("negotiator.results", "Validation"),
    "list": ("negotiator.results", "Listing"),
    "sweep": ("negotiator.results", "SweepResult"),
    "files": ("negotiator.results", "FilesWritten"),
    "serve": ("negotiator.results", "Served"),
    "errors": ("negotiator.results", "Errors"),
}


def model(kind: str) -> Any:
    """The pydantic model of a kind of result."""
    module, name = KINDS[kind]
    return getattr(importlib.import_module(module), name)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a kind of result, titled `negotiator KIND`."""
    data = model(kind).model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = f"negotiator {kind}"
    return data
