"""Round configs (rounds/*.yaml): a round's name, date, capacity, parameters, coverage base and scenarios."""

from __future__ import annotations

import datetime
import os
from datetime import date
from pathlib import Path
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .. import workspace
from ..errors import InputError, Problem, nearest
from ..validation import validate_model
from ..yamlio import Located, load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PopulationBase(_Strict):
    """The population coverage is measured against (England by default)."""

    name: str = Field(default="England", min_length=1)
    population: int = Field(ge=1000, le=100_000_000)
    year: int = Field(ge=1800, le=2100)
    source: str = Field(min_length=1)


class Scenario(_Strict):
    """A named set of places whose coverage the report also shows (e.g. the route-map's own sum).

    The set is either listed (`places`) or defined by a rule of the pack (`where`: every place of the
    round for which the rule holds on the round's date; places where it is undetermined are named, not
    counted). `with_already_devolved: true` adds the round's places already devolved (the route-map's sum
    adds London); without it a scenario counts its own places only.
    """

    name: str = Field(min_length=1)
    places: list[str] = Field(default_factory=list)
    where: Optional[str] = Field(default=None, min_length=1,
                                 description="A rule id: the places for which it holds on the round's date")
    with_already_devolved: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _places_or_where(self) -> "Scenario":
        if bool(self.places) == bool(self.where):
            raise ValueError("a scenario lists its places or names a rule in `where`, one of the two")
        return self


class RoundConfig(_Strict):
    """A round config (rounds/*.yaml)."""

    name: str = Field(min_length=1, max_length=1000)
    date: date
    description: str = ""
    capacity: Optional[int] = Field(
        default=None, gt=0, le=10_000,
        description="Negotiations the centre can run at once (default: the pack's, round.yaml capacity; without "
                    "one, no ceiling).")
    parameters: dict[str, Union[int, float, str, bool]] = Field(
        default_factory=dict, description="Values for the rule pack's parameters in this round (name: value).")
    negotiations_start: Optional[datetime.date] = Field(  # the module's type: the field `date` hides the name here
        default=None, description="When the first tranche's negotiations start (default: the round's date).")
    financial_envelope_gbp_m: Optional[float] = Field(
        default=None, gt=0, le=1_000_000,
        description="The financial envelope for the round's budgets, GBP million a year, set with the spending review.")
    population_base: Optional[PopulationBase] = None
    already_devolved: list[str] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)

    @field_validator("financial_envelope_gbp_m", mode="before")
    @classmethod
    def _int_is_a_number(cls, value):
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("name", "description")
    @classmethod
    def _not_blank(cls, value: str, info) -> str:
        if info.field_name == "name" and not value.strip():
            raise ValueError("expected a name (text that is not blank)")
        return value


def default_config(on: date) -> RoundConfig:
    return RoundConfig(name="Negotiation round", date=on)


def resolve_config(ref: Path | str) -> Path:
    """A round config: a file, or the name of a round of the workspace's rounds/ (`forerunner-2011`, or
    `rounds/forerunner-2011.yaml` outside a checkout: the bundled round of that name)."""
    path = Path(ref)
    if os.path.lexists(path) or path.parent not in (Path("."), Path("rounds")):
        return path  # a file, or something else there (a folder, a broken link) or a path: reading it says what
    rounds = workspace.current().rounds
    for candidate in (rounds / path.name, rounds / f"{path.name}.yaml"):
        if candidate.is_file():
            return candidate
    names = sorted(f.stem for f in rounds.glob("*.yaml")) if rounds.is_dir() else []
    raise InputError([Problem(str(ref), "no such round config: give a file, or the name of a round (negotiator "
                              f"list rounds: {', '.join(names) or 'none'})", suggestion=nearest(path.stem, names), code="not_found")])


def load_config(path: Path | str) -> tuple[RoundConfig, Located]:
    path = resolve_config(path)
    doc = load_yaml(path, workspace.display(path))
    return validate_model(RoundConfig, doc), doc


def check_config_places(config: RoundConfig, doc: Located | None, ids: list[str]) -> None:
    """Every place a config names must be in the round."""
    problems = []

    def check(path: tuple, pid: str) -> None:
        if pid not in ids:
            message = f"'{pid}' is not one of the places in this round"
            if doc is None:
                problems.append(Problem("round config", message, suggestion=nearest(pid, ids)))
            else:
                problems.append(doc.problem(path, message, nearest(pid, ids)))
    for i, pid in enumerate(config.already_devolved):
        check(("already_devolved", i), pid)
    for i, sc in enumerate(config.scenarios):
        for j, pid in enumerate(sc.places):
            check(("scenarios", i, "places", j), pid)
    if problems:
        raise InputError(problems)
