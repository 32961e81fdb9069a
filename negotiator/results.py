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


class SpecialCaseResult(_R):
    rule: str
    title: str
    text: str


class Negotiation(_R):
    rule: str
    eligible: Optional[bool]
    decisive: list[str]
    reason: Optional[Reason] = None
    missing: list[str] = Field(default_factory=list)
    special_case: Optional[SpecialCaseResult] = None


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
    in_scope: list[str] = Field(default_factory=list, description="Components in scope")
    unknown_baselines: list[str] = Field(default_factory=list,
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
    place: PlaceRef
    facts: dict[str, FactValue]
    steps: dict[str, Step]
    negotiation: Negotiation
    accountability: Accountability
    powers: list[PowerResult]
    budget: Optional[BudgetResult] = None
    readiness: Optional[Readiness] = None
    missing_facts: list[str]
    upcoming: list[Upcoming] = Field(default_factory=list, description="Known changes of facts after the date")
    facts_to_collect: list["FactToCollect"] = Field(default_factory=list)
    unlock: list["UnlockLine"] = Field(default_factory=list, description="What it would take, for powers asked for")
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
    capacity_for_places: int = Field(description="The capacity left for place negotiations once others are counted")
    capacity_note: str = ""
    parameters: dict[str, Any] = Field(default_factory=dict, description="Pack parameters the round config sets")
    tie_break: str
    conflict_rule: str
    gate: str = Field("", description="Who may go in the first tranche, in words")
    timetable_note: str = ""
    financial_envelope_a_year: Optional[float] = None
    envelope_note: str = ""
    notes: list[str] = Field(default_factory=list)


class Tranche(_R):
    number: int
    places: list[str]


class Ranked(_R):
    place: str
    rank: int
    score: float = Field(description="Readiness: the weights of the rules known to hold")
    score_if_unknowns_hold: float
    score_lowest: Optional[float] = Field(
        None, description="The lowest readiness any completion of the place's unknown facts gives (the rank uses it)")
    population: Optional[int]
    tranche: int


class TrancheTime(_R):
    number: int
    starts: date
    concludes: date


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
    where: Optional[str] = Field(default=None, description="The rule whose places the scenario counts, if any")
    where_statement: str = ""
    undetermined: list[str] = Field(default_factory=list,
                                    description="Places where the `where` rule is undetermined: not counted")


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
    placement: str = Field(description="Why the place is where it is in the round, in words")
    standing: str = Field("", description=(
        "in_tranche, depends_on_unknowns (whether it goes in a tranche depends on unknown facts), not_ready, "
        "not_eligible, eligibility_undetermined, special_case or already_devolved"))
    settled_by: list[str] = Field(default_factory=list, description="Unknown facts that settle a placement that "
                                  "depends on them")
    evaluation: Evaluation


class Round(_R):
    format_version: str = FORMAT_VERSION
    round: RoundInfo
    pack: PackRef
    engine: str
    tranches: list[Tranche]
    timetable: list[TrancheTime] = Field(default_factory=list)
    ranking: list[Ranked]
    already_devolved: list[str]
    special_cases: list[str] = Field(default_factory=list)
    not_ready: list[str] = Field(default_factory=list, description="Eligible places that do not pass the gate "
                                 "whatever their unknown facts turn out to be")
    depends_on_unknowns: list[str] = Field(default_factory=list, description=(
        "Eligible places that pass the gate for some completions of their unknown facts and not for others"))
    not_eligible: list[str]
    eligibility_undetermined: list[str]
    coverage: Coverage
    coverage_with_devolved: Optional[Coverage] = None
    budgets_in_first_tranche_a_year: Optional[float] = None
    scenarios: list[ScenarioResult]
    conflicts: list[Conflict]
    facts_to_collect: list["FactToCollect"] = Field(default_factory=list)
    places: list[RoundPlace]
    catalogue: Catalogue

    def place(self, place_id: str) -> RoundPlace:
        return next(p for p in self.places if p.id == place_id)


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
    causes: list[Cause] = Field(default_factory=list)
    rules: list[StepChange] = Field(default_factory=list)


class PlaceChange(_R):
    place: str
    name: str
    note: Optional[str] = Field(default=None, description="Why causes are not given (e.g. different rule packs)")
    tranche: Optional[list[Optional[int]]] = None
    tranche_causes: list[Cause] = Field(default_factory=list)
    eligible: Optional[list[Optional[bool]]] = None
    eligibility_causes: list[Cause] = Field(default_factory=list)
    eligibility_rules: list[StepChange] = Field(default_factory=list)
    package_tier: Optional[list[Optional[str]]] = None
    package_causes: list[Cause] = Field(default_factory=list)
    package_rules: list[StepChange] = Field(default_factory=list)
    current_tier: Optional[list[Optional[str]]] = None
    current_tier_causes: list[Cause] = Field(default_factory=list)
    readiness: Optional[list[Optional[float]]] = None
    readiness_causes: list[Cause] = Field(default_factory=list)
    readiness_rules: list[StepChange] = Field(default_factory=list)
    budget: dict[str, list[Any]] = Field(default_factory=dict)
    budget_causes: dict[str, list[Cause]] = Field(default_factory=dict)
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
    different_packs: Optional[str] = Field(default=None, description="Set when the rounds use different rule packs: "
                                           "their powers are not the same, so places are not compared power by power")
    note: Optional[str] = Field(default=None, description="Why causes are not given for the changes, if they are not")


# --- then versus now: one place under two packs, power by power ----------------------------------------

class Verdict(str, Enum):
    """How a power offered then compares with its counterparts granted now."""

    kept = "kept"                      # available then and now
    gained = "gained"                  # not available then, available now
    lost = "lost"                      # available then, not now
    neither = "neither"                # available neither then nor now
    undetermined = "undetermined"      # a fact either side needs is unknown
    no_counterpart = "no_counterpart"  # the later framework has no counterpart
    new = "new"                        # a power of the later framework no earlier power maps to
    held_by_authority = "held_by_authority"  # offered then; the authority the place is within holds it now


VERDICT_TITLE = {
    Verdict.kept: "offered then, granted now",
    Verdict.gained: "granted now, not offered then",
    Verdict.lost: "offered then, not granted now",
    Verdict.neither: "neither offered then nor granted now",
    Verdict.undetermined: "undetermined (facts missing)",
    Verdict.no_counterpart: "no counterpart now",
    Verdict.new: "new: no counterpart then",
    Verdict.held_by_authority: "offered then, held now by the authority the place is within",
}


class RuleBehind(_R):
    """A rule behind a power's status, as it came out for the place, with its statement and source."""

    rule: str
    result: Truth3
    statement: str
    source: str = Field(description="The source's title")
    facts: list[str] = Field(default_factory=list, description="The facts it read: name = value (since date)")
    failed: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


class PowerSide(_R):
    """One power of one pack for the place, with the rules behind its status."""

    power: str
    title: str
    status: Status
    required_tier: str
    current_tier: Optional[str] = None
    models: list[str] = Field(default_factory=list, description="Models that would do, when it needs stronger accountability")
    missing: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list, description="The rules it needs that fail, when not available "
                              "(besides the negotiation rule)")
    not_negotiable: Optional[str] = Field(None, description="Where the place cannot negotiate: the rule that decides it")
    in_force: str
    statement: str
    source: str = Field(description="The source's title")
    rules: list[RuleBehind] = Field(default_factory=list)


class CounterpartRow(_R):
    """A power of the earlier pack, its counterparts in the later one, and how they compare."""

    then: PowerSide
    now: list[PowerSide]
    note: str
    verdict: Verdict
    held_by: Optional[str] = Field(default=None, description="The place id of the strategic authority the place is "
                                   "within, where that authority holds the counterpart now")
    held_by_name: Optional[str] = None
    held_by_now: list[PowerSide] = Field(default_factory=list, description="The counterparts, for that authority")


class SideSummary(_R):
    """Where the place stands under one pack on one date."""

    pack: PackRef
    as_of: date
    as_of_note: str
    eligible: Optional[bool]
    negotiation_rule: str
    decisive: list[RuleBehind]
    model: Optional[str] = None
    model_since: Optional[date] = None
    current_tier: Optional[str] = None
    current_tier_title: Optional[str] = None
    missing_facts: list[str] = Field(default_factory=list)
    on_record: list[RuleBehind] = Field(default_factory=list,
                                        description="Rules that hold which no decision reads (e.g. a settlement in force)")


class PlaceComparison(_R):
    place: PlaceRef
    then: SideSummary
    now: SideSummary
    rows: list[CounterpartRow]
    new_powers: list[PowerSide] = Field(default_factory=list, description="Powers of the later pack no earlier power maps to")
    counts: dict[str, int] = Field(default_factory=dict, description="Rows and new powers by verdict")


class Comparison(_R):
    """Then versus now: what an earlier framework offered each place and what a later one grants."""

    format_version: str = FORMAT_VERSION
    then_pack: PackRef
    now_pack: PackRef
    then_as_of: date
    now_as_of: date
    counterparts: str = Field(description="The file that maps the earlier menu onto the later one")
    places: list[PlaceComparison]


SCHEMAS: dict[str, type[BaseModel]] = {"result": Evaluation, "explanation": Explanation, "round": Round, "diff": Diff,
                                       "compare": Comparison}


def dump(model: BaseModel, indent: int | None = None) -> str:
    """JSON text of a result: compact by default, deterministic (fields in declared order)."""
    return model.model_dump_json(indent=indent, exclude_defaults=False) + "\n"


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
    answers: list[UnlockAnswer] = Field(default_factory=list)
    why_not: list[str] = Field(default_factory=list, description="When no declared move unlocks it: why")
    facts_to_collect: list[str] = Field(default_factory=list)
    join: list[JoinOption] = Field(default_factory=list)
    join_move: Optional[MoveRef] = None


class UnlockLine(_R):
    """The cheapest declared moves that would make a power the place asked for available (or why none)."""

    power: str
    moves: list[str] = Field(default_factory=list)
    cost: Optional[float] = None
    months: Optional[float] = None
    text: str


class FactToCollect(_R):
    fact: str
    title: str
    settles: list[str] = Field(description="Conclusions it would settle whichever value it has")
    may_settle: list[str] = Field(default_factory=list,
                                  description="Further conclusions it would settle for some of its values")
    places: list[str] = Field(default_factory=list)


SCHEMAS.update({"whatif": WhatIf, "unlock": Unlock})

