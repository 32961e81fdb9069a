"""Reading fact declarations (`facts.yaml` of a pack or of a shared vocabulary) into FactDecls."""

from __future__ import annotations

import re
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Problem, nearest
from ..validation import problems_from
from ..yamlio import Located
from .facts import TYPES, FactDecl

NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
VALUE = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED = {"id", "name", "members", "sources", "notes", "exists", "member_count", "requested_count", "requested"}


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class FactSpec(_M):
    type: Literal["boolean", "integer", "number", "date", "text", "choice", "list"]
    title: str = Field(min_length=1)
    description: str = ""
    source: Optional[str] = None
    unit: Optional[str] = None
    values: Optional[Union[dict[str, str], list[str]]] = None
    ordered: bool = False
    better: Optional[Union[bool, Literal["higher", "lower"]]] = None
    min: Optional[Union[int, float]] = None
    min_exclusive: bool = False
    max: Optional[Union[int, float]] = None
    pattern: Optional[str] = None
    pattern_hint: Optional[str] = None
    of: Optional[Literal["power", "text"]] = None
    never: bool = False
    measured: bool = False


class ExtendSpec(_M):
    values: dict[str, str] = Field(min_length=1)


class FactsFile(_M):
    sources: dict[str, str] = Field(default_factory=dict)
    facts: dict[str, FactSpec] = Field(default_factory=dict)
    extends: dict[str, ExtendSpec] = Field(default_factory=dict)


def read_facts(doc: Located, sources: dict[str, str]) -> tuple[dict[str, FactDecl], dict[str, ExtendSpec], list[Problem]]:
    """Declarations in one facts file; `sources` are the keys a `source:` may name (the file's own are added)."""
    try:
        spec = FactsFile.model_validate(doc.data)
    except ValidationError as exc:
        return {}, {}, problems_from(exc, FactsFile, doc)
    problems: list[Problem] = []
    known_sources = dict(sources) | spec.sources
    out: dict[str, FactDecl] = {}
    for name, f in spec.facts.items():
        path = ("facts", name)
        better = ("true" if f.better else "false") if isinstance(f.better, bool) else f.better
        def err(message: str, *, sub: tuple = (), suggestion: str | None = None) -> None:
            problems.append(doc.problem(path + sub, message, suggestion))
        if not NAME.fullmatch(name):
            err(f"'{name}' is not a fact name (lower-case words joined by dots, e.g. capacity.peer_challenge)")
            continue
        if name in RESERVED or name.split(".")[0] in ("requested",):
            err(f"'{name}' is reserved (identity or a computed fact)")
            continue
        if f.source is not None and f.source not in known_sources:
            err(f"unknown source '{f.source}' (declare it under sources:)", sub=("source",),
                suggestion=nearest(f.source, known_sources))
        values: tuple[str, ...] = ()
        titles: tuple[tuple[str, str], ...] = ()
        if f.values is not None:
            items = list(f.values.items()) if isinstance(f.values, dict) else [(v, v.replace("_", " ")) for v in f.values]
            values = tuple(k for k, _ in items)
            titles = tuple(items)
            for v in values:
                if not VALUE.fullmatch(v):
                    err(f"'{v}' is not a value name (lower-case letters, digits and underscores)", sub=("values", v))
        if f.type == "choice" and not values:
            err("a choice fact needs its values", sub=("type",))
        if f.type not in ("choice", "list") and f.values is not None:
            err(f"only choice and list facts have values, not {f.type}", sub=("values",))
        if f.ordered and f.type != "choice":
            err("only a choice fact can be ordered", sub=("ordered",))
        if better in ("true", "false") and f.type != "boolean":
            err(f"better: {better} is for boolean facts; use higher or lower", sub=("better",))
        if better in ("higher", "lower") and f.type == "boolean":
            err("better: higher/lower is for numbers and ordered choices; a boolean takes true or false",
                sub=("better",))
        elif better in ("higher", "lower") and not (f.type in ("integer", "number") or (f.type == "choice" and f.ordered)):
            err("better: higher/lower needs a number or an ordered choice", sub=("better",))
        if (f.min is not None or f.max is not None) and f.type not in ("integer", "number"):
            err("min and max are for numbers", sub=("min",))
        if f.min is not None and f.max is not None and f.min > f.max:
            err("min is above max", sub=("min",))
        if (f.pattern or f.pattern_hint) and f.type != "text":
            err("a pattern is for text facts", sub=("pattern",))
        if f.pattern:
            from ..bounds import pattern_problem
            problem = pattern_problem(f.pattern)
            if problem:
                err(problem, sub=("pattern",))
        if f.of is not None and f.type != "list":
            err("of: is for list facts", sub=("of",))
        if f.never and f.type != "date":
            err("never: is for date facts", sub=("never",))
        out[name] = FactDecl(
            name=name, type=f.type, title=f.title, description=f.description, source=f.source, unit=f.unit,
            values=values, value_titles=titles, ordered=f.ordered, better=better,
            minimum=f.min, maximum=f.max, exclusive_minimum=f.min_exclusive, pattern=f.pattern,
            pattern_hint=f.pattern_hint, of=f.of or ("text" if f.type == "list" else None), never=f.never,
            measured=f.measured, declared_in=f"{doc.file}:{doc.line_of(path)}",
        )
    assert set(TYPES) >= {d.type for d in out.values()}
    return out, dict(spec.extends), problems
