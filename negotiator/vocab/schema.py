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


def place_schema(vocab: Vocabulary, pack_id: str) -> dict[str, Any]:
    """The schema of a profile stating facts of `vocab` (the pack's own and other packs')."""
    root: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"negotiator place profile (facts of {pack_id} and the other packs beside it)",
        "type": "object", "additionalProperties": False, "required": ["id", "name", "members", "sources"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80},
            "name": {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": "\\S"},
            "members": {"type": "array", "items": {"type": "string", "pattern": "^E0[6789]\\d{6}$"}, "minItems": 1,
                        "uniqueItems": True, "description": "ONS codes of the member councils"},
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
