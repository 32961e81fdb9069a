"""What the web API accepts: typed request bodies, as strict as the command line.

Text with a lone surrogate and nesting deeper than MAX_NESTING are refused with the field they are in; values
set (`set`) are bounded as `--set` is; dates lie within the calendar; unknown fields are refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Largest request body accepted, in bytes (a place profile is a few kilobytes).
MAX_BODY = 1 << 20
#: Most sets of moves an unlock request may ask for.
MAX_ANSWERS = 10
#: Text the page writes as the source of a fact set by hand, unless the user gives another.
DEFAULT_SOURCE = "set by hand in negotiator serve"


class _Request(BaseModel):
    """A request body: as strict as the command line. Text with a lone surrogate (not Unicode text) and
    nesting deeper than MAX_NESTING are refused with the field they are in; a value set (`set`) is
    bounded as `--set` is (bounds.value_problem); dates lie within the calendar (bounds)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _strict(cls, data: Any) -> Any:
        _check_raw(data, ())
        if isinstance(data, dict) and isinstance(data.get("set"), dict):
            from ..bounds import value_problem
            for name, value in data["set"].items():
                problem = value_problem(value) if not isinstance(value, (dict, list)) else \
                    "give a single value, not a list or a mapping"
                if problem:
                    raise ValueError(f"set.{name}: {problem}")
        return data

    @field_validator("as_of", check_fields=False)
    @classmethod
    def _in_calendar(cls, value: Any) -> Any:
        from ..bounds import date_problem
        problem = date_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value


#: Deepest nesting of lists and mappings a request may carry (a profile needs about 4).
MAX_NESTING = 20


def _check_raw(value: Any, path: tuple) -> None:
    if len(path) > MAX_NESTING:
        raise ValueError(f"{'.'.join(map(str, path[:5]))}...: nested deeper than {MAX_NESTING} levels")
    if isinstance(value, str):
        if any("\ud800" <= c <= "\udfff" for c in value):
            where = ".".join(map(str, path)) or "request"
            raise ValueError(f"{where}: not Unicode text (a lone surrogate, such as \\ud800)")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_raw(k, path)
            _check_raw(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_raw(v, path + (i,))


class PlaceRequest(_Request):
    """A place, as of a date, under a pack, with some facts or parameters changed."""

    pack: Optional[str] = Field(None, description="Id of a rule pack the server offers (default: the first)")
    place: Optional[str] = Field(None, description="Id of a place in the server's places folder (or give profile)")
    profile: Optional[dict[str, Any]] = Field(
        None, description="A whole place profile, the same shape as a YAML profile (or give place)")
    as_of: Optional[date] = Field(None, description="Evaluate as of this date (default: the pack's date of effect)")
    set: dict[str, Any] = Field(
        default_factory=dict,
        description="Facts of the place or parameters of the pack to change, as with --set (null: unknown)")
    engine: Literal["durable", "python"] = "durable"


class ExplainRequest(PlaceRequest):
    power: str = Field(description="A power id of the pack")


class UnlockRequest(PlaceRequest):
    power: Optional[str] = Field(None, description="The power to unlock (or package: true)")
    package: bool = Field(False, description="Unlock every power the place asked for, together")
    answers: int = Field(3, ge=1, le=MAX_ANSWERS, description="How many sets of moves to give")


class DiffRequest(_Request):
    before: PlaceRequest
    after: PlaceRequest


class RoundRequest(_Request):
    config: str = Field(description="A round config of the workspace, by name (rounds/NAME.yaml)")
    pack: Optional[str] = None
    engine: Literal["durable", "python"] = "durable"


class SaveRequest(PlaceRequest):
    id: Optional[str] = Field(None, description="A new id for the saved profile (default: the place's)")
    name: Optional[str] = Field(None, description="A new name for the saved profile (default: the place's)")
    fact_source: str = Field(DEFAULT_SOURCE, min_length=1, max_length=1000,
                             description="The source written on each fact set in the request")
