"""The fact vocabulary: what rules may read about a place, and a place's facts.

Fact names are derived from the place profile schema (dotted paths), plus a
few computed facts. A rule pack naming any other fact is rejected on load.
"""

from __future__ import annotations

import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from .ir import FactSpec
from .place import GROUPING_LADDER, Place

#: Which way each capacity fact points: "true" = having it is more capable.
_BETTER = {"capacity.failure_warning": "false", "grouping.status": "ladder"}
_SKIP = {"id", "name", "sources", "members", "priorities", "notes", "accountability.since", "spend.year", "grouping.name"}


def vocabulary(power_ids: typing.Iterable[str]) -> dict[str, FactSpec]:
    """Every fact name a rule may use, with its type."""
    specs: dict[str, FactSpec] = {}
    _collect(Place, "", specs)
    specs["member_count"] = FactSpec("member_count", "int", optional=False)
    specs["requested_count"] = FactSpec("requested_count", "int", optional=False)
    for pid in power_ids:
        specs[f"requested.{pid}"] = FactSpec(f"requested.{pid}", "bool", optional=False)
    return dict(sorted(specs.items()))


def _collect(model: type[BaseModel], prefix: str, specs: dict[str, FactSpec], optional_parent: bool = False) -> None:
    for name, info in model.model_fields.items():
        path = prefix + name
        if path in _SKIP:
            continue
        ann = _strip_optional(info.annotation)
        optional = ann is not info.annotation or optional_parent
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            _collect(ann, path + ".", specs, optional)
        elif get_origin(ann) is Literal:
            specs[path] = FactSpec(path, "enum", tuple(get_args(ann)), _BETTER.get(path), optional)
        elif ann is bool:
            specs[path] = FactSpec(path, "bool", (), _BETTER.get(path, "true" if path.startswith("capacity.") else None),
                                   optional)
        elif ann is int:
            specs[path] = FactSpec(path, "int", optional=optional)
        elif ann is float:
            specs[path] = FactSpec(path, "float", optional=optional)


def _strip_optional(ann: Any) -> Any:
    if get_origin(ann) in (typing.Union, type(int | None)):
        args = [a for a in get_args(ann) if a is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
    return ann


def place_facts(place: Place, vocab: dict[str, FactSpec]) -> dict[str, Any]:
    """A place's value for every fact in the vocabulary; None where unknown."""
    data = place.model_dump()
    out: dict[str, Any] = {}
    for name in vocab:
        if name == "member_count":
            out[name] = len(place.members)
        elif name == "requested_count":
            out[name] = len(place.priorities)
        elif name.startswith("requested."):
            out[name] = name.split(".", 1)[1] in place.priorities
        else:
            value: Any = data
            for part in name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            out[name] = value
    return out


def ladder_rank(status: str | None) -> int | None:
    return None if status is None else GROUPING_LADDER.index(status)
