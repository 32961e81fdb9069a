"""Shared pieces of every result: the truth and status words, the catalogue, references to a pack and a place."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

#: Bumped when the shape or meaning of results changes. 2.1: a round names the places that could still rise once
#: (`rising`), and a ranked place's `tranche_may_move_with` holds only the places named one by one
#: (`tranche_may_move_with_rising` counts the others); in 2.0 it listed every one.
FORMAT_VERSION = "2.1"
#: Earlier formats `negotiator diff` still reads: what changed since is not compared.
DIFF_READS = ("2.0", FORMAT_VERSION)


def empty() -> list:
    """A new empty list: the default of list fields. (pydantic reads the signature of a default factory when it
    builds a model; `list`'s is parsed from text, about 0.1 ms a field, which a one-place command pays on every
    model it builds. JSON Schemas show no default for a factory either way.)"""
    return []


class _R(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False, defer_build=True)


class Truth3(str, Enum):
    true = "true"
    false = "false"
    undetermined = "undetermined"

    @classmethod
    def of(cls, value: bool | None) -> "Truth3":
        return cls.undetermined if value is None else (cls.true if value else cls.false)


def truth_word(value: bool | None) -> str:
    """How a rule's truth is written everywhere (reports, check's counterexamples, sweeps): true, false or
    undetermined."""
    return Truth3.of(value).value


#: The mark of a truth in text for people (and the terminal's colours: cli/common.py), by its word.
TRUTH_MARK = {Truth3.true.value: "✓", Truth3.false.value: "✗", Truth3.undetermined.value: "?"}


class Status(str, Enum):
    available = "available"
    needs_stronger_accountability = "needs_stronger_accountability"
    not_available = "not_available"
    undetermined = "undetermined"
    not_in_force = "not_in_force"


STATUS_TITLE = {
    Status.available: "Available now",
    Status.needs_stronger_accountability: "Available with stronger accountability",
    Status.not_available: "Not available",
    Status.undetermined: "Undetermined (facts missing)",
    Status.not_in_force: "Not in force on this date",
}
STATUS_LABEL = {
    Status.available: "available now",
    Status.needs_stronger_accountability: "with stronger accountability",
    Status.not_available: "not available",
    Status.undetermined: "undetermined",
    Status.not_in_force: "not in force",
}


class Scope(str, Enum):
    in_scope = "in_scope"
    needs_stronger_accountability = "needs_stronger_accountability"
    undetermined = "undetermined"
    out_of_scope = "out_of_scope"


# --- the catalogue: each rule, tier, power and source once ----------------------------------------

class RuleInfo(_R):
    statement: str
    source: str = Field(description="Key into Catalogue.sources")
    where: str = Field(description="File and line of the rule in the pack")
    in_force: str = "always in force"


class TierInfo(_R):
    id: str
    rank: int
    title: str
    statement: str
    source: str
    models: list[str]
    conditions: dict[str, str] = Field(default_factory=dict, description="rule id -> what the tier brings where it holds")


class PowerInfo(_R):
    title: str
    menu: Optional[str] = None
    tier: str
    tier_judgment: Optional[str] = Field(None, description="Why the pack gives the power its tier where the "
                                                           "sources assign none: a judgment, shown as such")
    requires: list[str]
    statement: str
    source: str
    where: str
    in_force: str = "always in force"


class ParameterInfo(_R):
    value: Any
    unit: str
    description: str
    reference: Optional[str] = None
    assumption: Optional[str] = None
    set_by: str = Field("rule pack", description="Who set the value in effect: the rule pack, a round config or --set")


class FactInfo(_R):
    title: str
    type: str
    unit: Optional[str] = None
    values: dict[str, str] = Field(default_factory=dict)
    ordered: bool = False
    better: Optional[str] = None
    source: Optional[str] = None


class ObligationInfo(_R):
    id: str
    title: str
    statement: str
    source: str


class Catalogue(_R):
    rules: dict[str, RuleInfo]
    tiers: list[TierInfo]
    powers: dict[str, PowerInfo]
    sources: dict[str, str]
    parameters: dict[str, ParameterInfo]
    facts: dict[str, FactInfo]
    menus: dict[str, str] = Field(default_factory=dict)
    obligations: list[ObligationInfo] = Field(default_factory=empty)

    def tier(self, tier_id: str) -> TierInfo:
        return next(t for t in self.tiers if t.id == tier_id)

    def cite(self, key: str) -> str:
        return self.sources.get(key, key)


class PackRef(_R):
    id: str
    version: str
    title: str
    hash: str = Field(description="SHA-256 of the pack's files only; the parameter values in effect, and who set "
                                  "them, are in the catalogue's parameters")
    path: str
    effective: date
    data: str = Field(description="Where the pack and places were read from: a working tree or the bundled copies")


class PlaceRef(_R):
    id: str
    name: str
    file: str
    members: list[str]
