"""Policy cases: YAML files under tests/policy/, one case each, named by a sentence.

A case names a bundled place (or gives a whole profile), optionally changes
some of its facts, and states what the evaluation must conclude:

    name: Cornwall negotiates on its own as a strategic county
    place: cornwall
    change: {capacity.shared_services: true}      # optional: dotted path -> value (null = unknown)
    expect:
      negotiation.eligible: true
      powers.transport.status: available        # lists of objects are indexed by id
      accountability.required_tier: high_visibility   # a TIER compares by its id
    rules_true: [level.strategic_county]          # optional: rules that must hold
    rules_false: [level.grouping]                 # optional: rules that must fail
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from negotiator.decide import decide
from negotiator.pack import load_pack
from negotiator.place import Place

ROOT = Path(__file__).resolve().parent.parent
CASE_KEYS = {"name", "place", "profile", "change", "rules", "expect", "rules_true", "rules_false"}


def slug(sentence: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sentence.lower()).strip("-")


def set_path(data: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    if value is None:
        data.pop(parts[-1], None)
    else:
        data[parts[-1]] = value


def get_path(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(data, list):
            matches = [item for item in data if isinstance(item, dict) and item.get("id") == part]
            if not matches:
                raise KeyError(f"no item with id '{part}'")
            data = matches[0]
        elif isinstance(data, dict):
            if part not in data:
                raise KeyError(f"no field '{part}'")
            data = data[part]
        else:
            raise KeyError(f"cannot look up '{part}' in {data!r}")
    return data


def run_case(case: dict) -> list[str]:
    """Evaluate a case; return a list of failures (empty when it passes)."""
    unknown = set(case) - CASE_KEYS
    if unknown:
        return [f"unknown case keys: {sorted(unknown)}"]
    if "profile" in case:
        data = copy.deepcopy(case["profile"])
    else:
        data = yaml.safe_load((ROOT / "places" / f"{case['place']}.yaml").read_text())
    for dotted, value in (case.get("change") or {}).items():
        set_path(data, dotted, value)
    place = Place.model_validate(data)
    pack = load_pack(ROOT / "rules" / case.get("rules", "route-map-2010"))
    decision = decide(pack, place)
    result = decision.to_json()
    failures = []
    for dotted, expected in (case.get("expect") or {}).items():
        try:
            actual = get_path(result, dotted)
        except KeyError as exc:
            failures.append(f"{dotted}: {exc.args[0]}")
            continue
        if isinstance(actual, dict) and "rank" in actual and isinstance(expected, str):
            actual = actual["id"]
        if actual != expected:
            failures.append(f"{dotted}: expected {expected!r}, got {actual!r}")
    for rid in case.get("rules_true") or []:
        if decision.truths.get(rid) is not True:
            failures.append(f"rule {rid}: expected true, got {decision.truths.get(rid)!r}")
    for rid in case.get("rules_false") or []:
        if decision.truths.get(rid) is not False:
            failures.append(f"rule {rid}: expected false, got {decision.truths.get(rid)!r}")
    return failures
