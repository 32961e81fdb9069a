"""Typed results: what an evaluation, an explanation, a round and a diff conclude.

Decisions return these models; every renderer (text, Markdown, HTML, CSV),
`diff` and the JSON Schemas (`negotiator schema result|round|explanation`)
share them. Rules, tiers, powers and sources are described once, in a
`Catalogue`, and referred to by id everywhere else, so that a round of
thousands of places does not repeat a statement per place.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

#: Bumped when the shape of results changes incompatibly.
FORMAT_VERSION = "2.0"


class _R(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False, defer_build=True)


class Truth3(str, Enum):
    true = "true"
    false = "false"
    undetermined = "undetermined"

    @classmethod
    def of(cls, value: bool | None) -> "Truth3":
        return cls.undetermined if value is None else (cls.true if value else cls.false)


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
    obligations: list[ObligationInfo] = Field(default_factory=list)

    def tier(self, tier_id: str) -> TierInfo:
        return next(t for t in self.tiers if t.id == tier_id)

    def cite(self, key: str) -> str:
        return self.sources.get(key, key)


class PackRef(_R):
    id: str
    version: str
    title: str
    hash: str
    path: str
    effective: date
    data: str = Field(description="Where the pack and places were read from: a working tree or the bundled copies")


class PlaceRef(_R):
    id: str
    name: str
    file: str
    members: list[str]


# --- one evaluation -------------------------------------------------------------------------------

class FactValue(_R):
    value: Any
    since: Optional[date] = Field(None, description="When the value took effect (or, for a measurement, was taken)")
    source: Optional[str] = None
    note: Optional[str] = None
    measured: bool = False


class Step(_R):
    """One rule's conclusion for the place, with the facts and rules it read."""

    rule: str
    result: Truth3
    facts: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)
    missing: list[str] = Field(default_factory=list, description="Unknown facts that leave it undetermined")
    failed: list[str] = Field(default_factory=list, description="The tests that make it false")
    in_force: bool = True


class Reason(_R):
    """Why a place cannot negotiate: a rule that fails (with its failed tests) or one that holds and bars it."""

    rule: str
    result: Truth3
    failed: list[str] = Field(default_factory=list)


class Negotiation(_R):
    rule: str
    eligible: Optional[bool]
    decisive: list[str]
    reason: Optional[Reason] = None
    missing: list[str] = Field(default_factory=list)


class PowerResult(_R):
    id: str
    status: Status
    requested: bool
    required_tier: str
    required_tier_if_undetermined_apply: Optional[str] = None
    prerequisites: list[str]
    requirements: list[str]
    raised_by: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)


class Accountability(_R):
    fact: str
    model: Optional[str]
    current_tier: Optional[str]
    required_tier: str
    required_tier_if_undetermined_apply: Optional[str] = None
    meets_requirement: Optional[bool]
    requested: list[str]
    requirements: list[str]
    raised_by: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)


class BudgetParameter(_R):
    value: float
    set_by: str
    assumption: bool


class BudgetComponentResult(_R):
    id: str
    title: str
    with_powers: list[str]
    scope: Scope
    source: str


class BudgetResult(_R):
    power: str
    title: str
    status: Status
    requested: bool
    components: list[BudgetComponentResult]
    baseline: Optional[float] = None
    baseline_since: Optional[date] = None
    baseline_unit: str = ""
    baseline_note: str = ""
    parameters: dict[str, BudgetParameter] = Field(default_factory=dict)
    annual_envelope: Optional[float] = None
    envelope_over_horizon: Optional[float] = None
    annual_saving: Optional[float] = None
    retained_savings_over_horizon: Optional[float] = None
    missing: list[str] = Field(default_factory=list)
    source: str = ""


class ReadinessPart(_R):
    rule: str
    weight: float
    result: Truth3


class Readiness(_R):
    score: float
    score_if_unknowns_hold: float
    parts: list[ReadinessPart]


class Evaluation(_R):
    """Everything decided about one place under one pack, as of one date."""

    format_version: str = FORMAT_VERSION
    as_of: date
    as_of_note: str
    pack: PackRef
    place: PlaceRef
    facts: dict[str, FactValue]
    steps: dict[str, Step]
    negotiation: Negotiation
    accountability: Accountability
    powers: list[PowerResult]
    budget: Optional[BudgetResult] = None
    readiness: Optional[Readiness] = None
    missing_facts: list[str]
    catalogue: Optional[Catalogue] = None

    def power(self, power_id: str) -> PowerResult:
        return next(p for p in self.powers if p.id == power_id)


# --- an explanation ---------------------------------------------------------------------------------

class CondNode(_R):
    kind: str = Field(description="test, rule, all, any or not")
    text: Optional[str] = None
    fact: Optional[str] = None
    value: Any = None
    rule: Optional[str] = None
    result: Truth3
    items: list["CondNode"] = Field(default_factory=list)


class RuleChain(_R):
    rule: str
    result: Truth3
    statement: str
    source: str
    where: str
    in_force: str
    facts: dict[str, Optional[FactValue]]
    missing: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    conditions: CondNode
    because: list["RuleChain"] = Field(default_factory=list)
    tier: Optional[str] = None


class Explanation(_R):
    format_version: str = FORMAT_VERSION
    as_of: date
    as_of_note: str
    pack: PackRef
    place: PlaceRef
    power: PowerResult
    power_info: PowerInfo
    prerequisites: list[RuleChain]
    requirements: list[RuleChain]
    model: Optional[FactValue]
    current_tier: Optional[str]
    tiers: list[TierInfo]


# --- a round -------------------------------------------------------------------------------------------

class RoundInfo(_R):
    name: str
    date: date
    description: str
    capacity: int
    parameters: dict[str, Any] = Field(default_factory=dict, description="Pack parameters the round config sets")
    tie_break: str
    conflict_rule: str


class Tranche(_R):
    number: int
    places: list[str]


class Ranked(_R):
    place: str
    rank: int
    score: float
    score_if_unknowns_hold: float
    population: Optional[int]
    tranche: int


class Coverage(_R):
    population: int
    base: int
    share: float
    places: list[str]
    councils: int
    method: str
    base_name: str
    base_year: int
    base_source: str
    counted: str = ""


class ScenarioResult(_R):
    name: str
    note: str
    with_already_devolved: list[str]
    coverage: Coverage


class Conflict(_R):
    places: list[str]
    councils: list[str]
    council_names: list[str]
    kind: str
    resolution: str


class RoundPlace(_R):
    id: str
    name: str
    file: str
    tranche: Optional[int]
    rank: Optional[int]
    already_devolved: bool
    evaluation: Evaluation


class Round(_R):
    format_version: str = FORMAT_VERSION
    round: RoundInfo
    pack: PackRef
    engine: str
    tranches: list[Tranche]
    ranking: list[Ranked]
    already_devolved: list[str]
    not_eligible: list[str]
    eligibility_undetermined: list[str]
    coverage: Coverage
    scenarios: list[ScenarioResult]
    conflicts: list[Conflict]
    places: list[RoundPlace]
    catalogue: Catalogue

    def place(self, place_id: str) -> RoundPlace:
        return next(p for p in self.places if p.id == place_id)


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


SCHEMAS: dict[str, type[BaseModel]] = {"result": Evaluation, "explanation": Explanation, "round": Round, "diff": Diff}


def dump(model: BaseModel, indent: int | None = None) -> str:
    """JSON text of a result: compact by default, deterministic (fields in declared order)."""
    return model.model_dump_json(indent=indent, exclude_defaults=False) + "\n"
