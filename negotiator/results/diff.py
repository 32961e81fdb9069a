"""The differences between two rounds: who gains or loses which power, tier, tranche or budget figure, and why."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from pydantic import Field

from .base import _R, FORMAT_VERSION, Status, Truth3, empty

# --- a diff ------------------------------------------------------------------------------------------

class StepChange(_R):
    """A rule whose truth changed, with the changed inputs it reads that are causes of the change it explains."""

    rule: str
    result: Optional[list[Optional[Truth3]]] = None
    facts: dict[str, list[Any]] = Field(default_factory=dict)
    parameters: dict[str, list[Any]] = Field(default_factory=dict)


class Cause(_R):
    """An input that makes a difference: changed alone (from the old inputs to the new) it brings the change
    about, or changed back alone it undoes it (`found`: one at a time; or `together` with the other causes
    listed, where no single input does either)."""

    kind: str = Field(description="fact, date (months since a date fact, counted to the date), rule_in_force, "
                                  "power_in_force, parameter or config")
    name: str = Field(description="The fact, rule, power, parameter or round-config setting")
    before: Any = None
    after: Any = None
    text: str
    found: str = Field(default="one at a time", description="'one at a time' or 'together'")


class PowerChange(_R):
    power: str
    status: Optional[list[Optional[Status]]] = None
    required_tier: Optional[list[Optional[str]]] = None
    causes: list[Cause] = Field(default_factory=empty)
    rules: list[StepChange] = Field(default_factory=empty)


class PlaceChange(_R):
    place: str
    name: str
    note: Optional[str] = Field(default=None, description="Why causes are not given (e.g. different rule packs)")
    tranche: Optional[list[Optional[int]]] = None
    tranche_causes: list[Cause] = Field(default_factory=empty)
    eligible: Optional[list[Optional[bool]]] = None
    eligibility_causes: list[Cause] = Field(default_factory=empty)
    eligibility_rules: list[StepChange] = Field(default_factory=empty)
    package_tier: Optional[list[Optional[str]]] = None
    package_causes: list[Cause] = Field(default_factory=empty)
    package_rules: list[StepChange] = Field(default_factory=empty)
    current_tier: Optional[list[Optional[str]]] = None
    current_tier_causes: list[Cause] = Field(default_factory=empty)
    readiness: Optional[list[Optional[float]]] = None
    readiness_causes: list[Cause] = Field(default_factory=empty)
    readiness_rules: list[StepChange] = Field(default_factory=empty)
    budget: dict[str, list[Any]] = Field(default_factory=dict)
    budget_causes: dict[str, list[Cause]] = Field(default_factory=dict)
    powers: list[PowerChange] = Field(default_factory=empty)


class RoundRef(_R):
    round: str
    date: date
    pack: str
    version: str
    hash: str


class Diff(_R):
    format_version: str = FORMAT_VERSION
    old: RoundRef
    new: RoundRef
    parameters: dict[str, list[Any]]
    config: dict[str, list[Any]]
    places_added: list[str]
    places_removed: list[str]
    coverage: list[Optional[float]]
    changes: list[PlaceChange]
    different_packs: Optional[str] = Field(default=None, description="Set when the rounds use different rule packs: "
                                           "their powers are not the same, so places are not compared power by power")
    note: Optional[str] = Field(default=None, description="Why causes are not given for the changes, if they are not")
