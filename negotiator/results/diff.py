"""The differences between two rounds: who gains or loses which power, tier, tranche or budget figure."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from pydantic import Field

from .base import FORMAT_VERSION, Status, Truth3, _R


# --- a diff ------------------------------------------------------------------------------------------

class StepChange(_R):
    rule: str
    result: Optional[list[Optional[Truth3]]] = None
    facts: dict[str, list[Any]] = Field(default_factory=dict)
    parameters: dict[str, list[Any]] = Field(default_factory=dict)


class PowerChange(_R):
    power: str
    status: Optional[list[Optional[Status]]] = None
    required_tier: Optional[list[Optional[str]]] = None
    rules: list[StepChange] = Field(default_factory=list)


class PlaceChange(_R):
    place: str
    name: str
    tranche: Optional[list[Optional[int]]] = None
    eligible: Optional[list[Optional[bool]]] = None
    eligibility_rules: list[StepChange] = Field(default_factory=list)
    package_tier: Optional[list[Optional[str]]] = None
    package_rules: list[StepChange] = Field(default_factory=list)
    current_tier: Optional[list[Optional[str]]] = None
    readiness: Optional[list[Optional[float]]] = None
    budget: dict[str, list[Any]] = Field(default_factory=dict)
    powers: list[PowerChange] = Field(default_factory=list)


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
