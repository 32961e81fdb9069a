"""What would it take: what-if changes, unlock answers, facts to collect."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from pydantic import Field

from .base import _R, FORMAT_VERSION, PackRef, PlaceRef, Status, empty
from .diff import PlaceChange

# --- what would it take ------------------------------------------------------------------------------

class Setting(_R):
    """One change asked for with --set: a fact of the place or a parameter of the pack."""

    name: str
    kind: str = Field(description="fact or parameter")
    before: Any = None
    after: Any = None


class WhatIf(_R):
    format_version: str = FORMAT_VERSION
    as_of: date
    pack: PackRef
    place: PlaceRef
    place_exists_note: Optional[str] = Field(default=None, description=(
        "Set when the place does not exist, or is not known to exist, on the as-of date, naming its dates"))
    settings: list[Setting]
    change: "PlaceChange"
    unchanged: bool


class MoveRef(_R):
    id: str
    title: str
    cost: float
    months: float
    note: str


class UnlockAnswer(_R):
    moves: list[MoveRef]
    cost: float
    months: float = Field(description="The longest of the moves: they can run side by side")
    outcome: dict[str, list[Optional[Status]]] = Field(description="power -> [status before, status after]")
    eligible: Optional[list[Optional[bool]]] = None


class JoinOption(_R):
    members: list[str]
    names: list[str]
    population: Optional[int]
    population_year: int
    eligible: Optional[bool]
    how: str = Field(description="Where the grouping comes from: an existing place, the county, or neighbours")
    place: Optional[str] = None


class Unlock(_R):
    format_version: str = FORMAT_VERSION
    as_of: date
    pack: PackRef
    place: PlaceRef
    target: str = Field(description="A power id, or 'package' for every power the place asked for")
    status: Optional[Status] = None
    already: bool = False
    answers: list[UnlockAnswer] = Field(default_factory=empty)
    why_not: list[str] = Field(default_factory=empty, description="When no declared move unlocks it: why")
    facts_to_collect: list[str] = Field(default_factory=empty)
    join: list[JoinOption] = Field(default_factory=empty)
    join_move: Optional[MoveRef] = None
    changes_ahead: list[str] = Field(
        default_factory=empty, description="What ends the place or replaces its member councils after the date "
                                          "(its exists dates, the council register), and the answers done only after it")
    sets_tried: Optional[int] = Field(None, description="Consistent sets of declared moves the search examined")
    incomplete: Optional[str] = Field(
        None, description="Set when the search stopped at its limit before trying every consistent set of moves: "
                          "where it stopped and the moves no tried set holds (absent: every set was tried)")
