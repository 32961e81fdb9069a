"""JSON Schema of place profiles for a vocabulary, for editors that validate YAML as it is typed."""

from __future__ import annotations

from typing import Any

from .facts import FactDecl, Vocabulary


def _value_schema(decl: FactDecl) -> dict[str, Any]:
    t = decl.type
    if t == "boolean":
        return {"type": "boolean"}
    if t in ("integer", "number"):
        out: dict[str, Any] = {"type": t}
        if decl.minimum is not None:
            out["exclusiveMinimum" if decl.exclusive_minimum else "minimum"] = decl.minimum
        if decl.maximum is not None:
            out["maximum"] = decl.maximum
        return out
    if t == "date":
        date = {"type": "string", "format": "date"}
        return {"anyOf": [date, {"const": "never"}]} if decl.never else date
    if t == "text":
        out = {"type": "string", "minLength": 1}
        if decl.pattern:
            out["pattern"] = f"^(?:{decl.pattern})$"
        return out
    if t == "choice":
        return {"enum": list(decl.values)}
    items: dict[str, Any] = {"type": "string"}
    if decl.values:
        items = {"enum": list(decl.values)}
    return {"type": "array", "items": items, "uniqueItems": True}


def _fact_schema(decl: FactDecl) -> dict[str, Any]:
    value = _value_schema(decl)
    entry = {"type": "object", "additionalProperties": False, "required": ["value"],
             "properties": {"value": {"anyOf": [value, {"type": "null"}]}, "from": {"type": "string", "format": "date"},
                            "source": {"type": "string"}, "note": {"type": "string"}}}
    description = decl.title + (f". {decl.description}" if decl.description else "")
    return {"description": description.strip(),
            "anyOf": [value, entry, {"type": "array", "items": entry, "minItems": 1}, {"type": "null"}]}


_CODES = {"type": "array", "minItems": 1, "uniqueItems": True,
          "items": {"type": "string", "pattern": "^(E\\d{8}|[a-z0-9]+(-[a-z0-9]+)*)$"}}


def place_schema(vocab: Vocabulary, pack_id: str) -> dict[str, Any]:
    """The schema of a profile stating facts of `vocab` (the pack's own and other packs')."""
    root: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"negotiator place profile (facts of {pack_id} and the other packs beside it)",
        "type": "object", "additionalProperties": False, "required": ["id", "name", "members", "sources"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80},
            "name": {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": "\\S"},
            "members": {"oneOf": [_CODES, {
                "type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False, "required": ["value", "from", "source"],
                    "properties": {"value": _CODES, "from": {"type": "string", "format": "date"},
                                   "source": {"type": "string", "minLength": 1}, "note": {"type": "string"}}}}],
                "description": "Council codes of the members (the register: ONS codes, or register ids of councils "
                               "without one), or a history of member lists each with the date it took effect"},
            "exists": {"type": "object", "additionalProperties": False, "required": ["source"],
                       "properties": {"from": {"type": "string", "format": "date"},
                                      "until": {"type": "string", "format": "date"},
                                      "last_seen": {"type": "string", "format": "date"},
                                      "source": {"type": "string", "minLength": 1}, "note": {"type": "string"}},
                       "description": "The first day the place exists, the first day it no longer does, and the "
                                      "last day a source records it (after which, with no sourced end, whether it "
                                      "exists is unknown)"},
            "sources": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    }
    for name, decl in sorted(vocab.stated().items()):
        node = root
        parts = name.split(".")
        for part in parts[:-1]:
            props = node.setdefault("properties", {})
            node = props.setdefault(part, {"type": "object", "additionalProperties": False, "properties": {}})
        node.setdefault("properties", {})[parts[-1]] = _fact_schema(decl)
    return root
