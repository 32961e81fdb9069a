"""One evaluation of a place, and the explanation of one power."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from pydantic import Field

from .base import (
    empty,
    _R,
    FORMAT_VERSION,
    Catalogue,
    PackRef,
    PlaceRef,
    PowerInfo,
    Scope,
    Status,
    TierInfo,
    Truth3,
)

# --- one evaluation -------------------------------------------------------------------------------


class UnlockLine(_R):
    """The cheapest declared moves that would make a power the place asked for available (or why none)."""

    power: str
    moves: list[str] = Field(default_factory=empty)
    cost: Optional[float] = None
    months: Optional[float] = None
    text: str


class FactToCollect(_R):
    fact: str
    title: str
    settles: list[str] = Field(description="Conclusions it would settle whichever value it has")
    may_settle: list[str] = Field(default_factory=empty,
                                  description="Further conclusions it would settle for some of its values")
    places: list[str] = Field(default_factory=empty)

class FactValue(_R):
    value: Any
    since: Optional[date] = Field(None, description="When the value took effect (or, for a measurement, was taken)")
    source: Optional[str] = None
    note: Optional[str] = None
    measured: bool = False


class Upcoming(_R):
    """A dated value of a fact that takes effect after the evaluation's date (known to the profile)."""

    fact: str
    value: Any
    since: date
    source: Optional[str] = None


class Step(_R):
    """One rule's conclusion for the place, with the facts and rules it read."""

    rule: str
    result: Truth3
    facts: list[str] = Field(default_factory=empty)
    rules: list[str] = Field(default_factory=empty)
    parameters: dict[str, Any] = Field(default_factory=dict)
    missing: list[str] = Field(default_factory=empty, description="Unknown facts that leave it undetermined")
    failed: list[str] = Field(default_factory=empty, description="The tests that make it false")
    in_force: bool = True


class Reason(_R):
    """Why a place cannot negotiate: a rule that fails (with its failed tests) or one that holds and bars it."""

    rule: str
    result: Truth3
    failed: list[str] = Field(default_factory=empty)


class SpecialCaseResult(_R):
    rule: str
    title: str
    text: str


class Negotiation(_R):
    rule: str
    eligible: Optional[bool]
    decisive: list[str]
    reason: Optional[Reason] = None
    missing: list[str] = Field(default_factory=empty)
    special_case: Optional[SpecialCaseResult] = None


class PowerResult(_R):
    id: str
    status: Status
    requested: bool
    required_tier: str
    required_tier_if_undetermined_apply: Optional[str] = None
    prerequisites: list[str]
    requirements: list[str]
    raised_by: list[str] = Field(default_factory=empty)
    failed: list[str] = Field(default_factory=empty)
    missing: list[str] = Field(default_factory=empty)
    models: list[str] = Field(default_factory=empty)
    conditions: list[str] = Field(default_factory=empty)


class Accountability(_R):
    fact: str
    model: Optional[str]
    current_tier: Optional[str]
    required_tier: str
    required_tier_if_undetermined_apply: Optional[str] = None
    meets_requirement: Optional[bool]
    requested: list[str]
    requirements: list[str]
    raised_by: list[str] = Field(default_factory=empty)
    models: list[str] = Field(default_factory=empty)
    conditions: list[str] = Field(default_factory=empty)


class BudgetParameter(_R):
    value: float
    set_by: str
    assumption: bool


class BudgetComponentResult(_R):
    id: str
    title: str
    with_powers: list[str]
    scope: Scope
    baseline: Optional[float] = Field(None, description="Spend on this component in the place, a year")
    baseline_since: Optional[date] = None
    source: str


class BudgetScopeResult(_R):
    """One scope of the budget (a power), with what it would cover and the money, each figure labelled."""

    id: str
    title: str
    power: str
    status: Status
    requested: bool
    components: list[BudgetComponentResult]
    in_scope: list[str] = Field(default_factory=empty, description="Components in scope")
    unknown_baselines: list[str] = Field(default_factory=empty,
                                         description="Components in scope whose spend the profile does not state")
    baseline_a_year: Optional[float] = Field(None, description="Spend on the components in scope whose figure is known")
    envelope_a_year: Optional[float] = None
    saving_a_year: Optional[float] = None
    envelope_over_horizon: Optional[float] = None
    retained_over_horizon: Optional[float] = None


class BudgetResult(_R):
    title: str
    source: str
    unit: str
    available_as: Optional[str] = Field(None, description=(
        "How a scope whose power is available reads in reports, as the pack words it (None: available now)"))
    horizon_years: Optional[float] = None
    parameters: dict[str, BudgetParameter] = Field(default_factory=dict)
    mapped_total_a_year: Optional[float] = Field(None, description="All public spend mapped in the place, for context")
    mapped_total_since: Optional[date] = None
    mapped_total_note: str = ""
    scopes: list[BudgetScopeResult]


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
    pack_in_force: bool = Field(default=True, description="False when the as-of date is before the pack's date "
                                "of effect: its conclusions are then what it would give, not what was law")
    pack_in_force_note: Optional[str] = None
    place_exists: Optional[bool] = Field(default=True, description=(
        "False when the place does not exist on the as-of date (its exists dates), None when whether it exists "
        "then is unknown (after its last_seen date): what follows is what the pack would conclude for it"))
    place_exists_note: Optional[str] = None
    place: PlaceRef
    facts: dict[str, FactValue]
    steps: dict[str, Step]
    negotiation: Negotiation
    accountability: Accountability
    powers: list[PowerResult]
    budget: Optional[BudgetResult] = None
    readiness: Optional[Readiness] = None
    missing_facts: list[str]
    upcoming: list[Upcoming] = Field(default_factory=empty, description="Known changes of facts after the date")
    facts_to_collect: list["FactToCollect"] = Field(default_factory=empty)
    unlock: list["UnlockLine"] = Field(default_factory=empty, description="What it would take, for powers asked for")
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
    items: list["CondNode"] = Field(default_factory=empty)


class RuleChain(_R):
    rule: str
    result: Truth3
    statement: str
    source: str
    where: str
    in_force: str
    facts: dict[str, Optional[FactValue]]
    missing: list[str] = Field(default_factory=empty)
    failed: list[str] = Field(default_factory=empty)
    conditions: CondNode
    because: list["RuleChain"] = Field(default_factory=empty)
    tier: Optional[str] = None


class Explanation(_R):
    format_version: str = FORMAT_VERSION
    as_of: date
    as_of_note: str
    pack: PackRef
    pack_in_force: bool = True
    pack_in_force_note: Optional[str] = None
    place_exists: Optional[bool] = Field(default=True, description=(
        "False when the place does not exist on the as-of date (its exists dates), None when whether it exists "
        "then is unknown (after its last_seen date): what follows is what the pack would conclude for it"))
    place_exists_note: Optional[str] = None
    place: PlaceRef
    power: PowerResult
    power_info: PowerInfo
    prerequisites: list[RuleChain]
    requirements: list[RuleChain]
    model: Optional[FactValue]
    current_tier: Optional[str]
    tiers: list[TierInfo]
