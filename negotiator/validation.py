"""Turn pydantic validation errors into one Problem per error, with line and suggestion."""

from __future__ import annotations

import re
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import InputError, Problem, nearest
from .yamlio import Located


def validate_model(model: type[BaseModel], doc: Located, context: dict[str, Any] | None = None) -> Any:
    """Validate `doc.data` against `model`; raise InputError with every problem."""
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), f"expected a mapping of fields, got {_kind(doc.data)}")])
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        raise InputError(problems_from(exc, model, doc)) from None


def problems_from(exc: ValidationError, model: type[BaseModel], doc: Located, prefix: tuple = ()) -> list[Problem]:
    problems = []
    seen = set()
    start = _walk(doc.data, prefix)
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(_clean_loc(err["loc"], start, missing=err["type"] == "missing"))
        message, suggestion = _describe(err, model, loc[len(prefix):])
        key = (loc, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(doc.problem(loc, message, suggestion, code=problem_code(err["type"])))
    return problems


def problem_code(kind: str) -> str:
    """The stable problem code (errors.CODES) of a pydantic error type."""
    if kind == "missing":
        return "missing"
    if kind in ("extra_forbidden", "literal_error"):
        return "unknown_name"
    if kind.startswith("date_"):
        return "bad_date"
    if kind.endswith(("_type", "_parsing", "_from_float")) or kind.startswith(("greater_than", "less_than")):
        return "bad_value"
    return "input"  # a validator's own message (with a suggestion: unknown_name, see errors.Problem)


_ABSENT = object()

#: What pydantic puts in a location to say which member of a union, or which validator, an error comes
#: from: 'int', "literal['a','b']", 'function-after[_slug(), str]', 'list[str]', 'dict[str,int]', '[key]'.
#: Used only where the input cannot tell (see _clean_loc).
_TAG = re.compile(r"[a-z][a-z0-9-]*\[.*\]|\[key\]|int|float|str|bool")


def _walk(data: Any, path: tuple) -> Any:
    for part in path:
        data = _step(data, part)
    return data


def _step(data: Any, part: Any) -> Any:
    if isinstance(data, dict) and part in data:
        return data[part]
    if isinstance(data, list) and isinstance(part, int) and not isinstance(part, bool) and 0 <= part < len(data):
        return data[part]
    return _ABSENT


def _clean_loc(loc: tuple, data: Any = _ABSENT, missing: bool = False) -> list:
    """Drop the tags pydantic adds to locations inside unions and validators; keep keys as written.

    `data` is the input where `loc` starts. A part is kept when the input has it there (so a YAML key
    such as 'grouping[x]' stays), or when it is the field a 'missing' error names. A part the input
    has no place for is a tag. Where the input is unknown, parts that look like tags are dropped.
    """
    out = []
    last = len(loc) - 1
    for i, part in enumerate(loc):
        if data is _ABSENT:
            if not (isinstance(part, str) and _TAG.fullmatch(part)):
                out.append(part)
            continue
        if not isinstance(part, str) or (isinstance(data, dict) and part in data):
            out.append(part)
            data = _step(data, part)
        elif isinstance(data, dict) and missing and i == last:
            out.append(part)  # the name of a required field that is not there
        # else: pydantic's tag for a union member or validator
    return out


def _describe(err: ErrorDetails, model: type[BaseModel], loc: tuple) -> tuple[str, str | None]:
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        name = loc[-1] if loc else "?"
        known = _field_names(model, loc[:-1])
        return f"unknown field '{name}'", nearest(str(name), known)
    if kind == "missing":
        return "required field is missing", None
    if kind == "literal_error":
        choices = _literal_choices(err)
        return (f"{given!r} is not one of: {', '.join(choices)}", nearest(str(given), choices))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_kind(given)} {given!r}", None
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_kind(given)} {given!r}", None
    if kind in ("string_type",):
        return f"expected text, got {_kind(given)} {given!r}", None
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_kind(given)} {given!r}", None
    if kind in ("list_type",):
        return f"expected a list, got {_kind(given)}", None
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {_kind(given)}", None
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return f"expected a date like 2011-03-01, got {given!r}", None
    if kind.startswith(("greater_than", "less_than")):
        return f"{given!r} is impossible: must be {err['msg'].split('should be ', 1)[-1]}", None
    if kind == "value_error":
        msg = str(err["ctx"].get("error", err["msg"])) if err.get("ctx") else err["msg"]
        return _split_suggestion(msg)
    return err["msg"], None


def _split_suggestion(msg: str) -> tuple[str, str | None]:
    if "|suggest:" in msg:
        text, suggestion = msg.split("|suggest:", 1)
        return text, suggestion or None
    return msg, None


def _literal_choices(err: ErrorDetails) -> list[str]:
    expected = err.get("ctx", {}).get("expected", "")
    return [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(",") if part.strip()]


def _kind(value: Any) -> str:
    return {
        type(None): "nothing", bool: "true/false", int: "a number", float: "a number",
        str: "text", list: "a list", dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _field_names(model: type[BaseModel], loc: tuple) -> list[str]:
    """Names of the fields of the (sub)model at `loc`, for suggestions."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            current = _item_type(current)
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _unwrap(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    for arg in (get_args(annotation) if get_origin(annotation) in (typing.Union, type(int | None)) else ()):
        if arg is not type(None):
            return _unwrap(arg)
    return annotation


def _item_type(annotation: Any) -> Any:
    args = get_args(_unwrap(annotation))
    return _unwrap(args[0]) if args else None
