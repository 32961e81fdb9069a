"""The validated intermediate form of a rule pack.

Every evaluator is compiled from this form, never from YAML: durable-rules
(the engine of record) and the plain-Python evaluator, so that they can be
checked against each other. Everything here is immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Iterator, Union

from ..values import show
from ..vocab.facts import MONTHS_SUFFIX, NEVER, FactDecl, Vocabulary

OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in")
OP_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "in": "in", "not_in": "not in"}
#: The value a date fact takes in the engines: its ordinal day; "never" is -1 (tested only with eq and ne).
NEVER_ORDINAL = -1


def engine_value(value: Any) -> Any:
    """A fact or literal value as the engines compare it: dates become day numbers."""
    if isinstance(value, date):
        return value.toordinal()
    if value == NEVER:
        return NEVER_ORDINAL
    if isinstance(value, tuple):
        return tuple(engine_value(v) for v in value)
    return value


@dataclass(frozen=True)
class Compare:
    """`fact OP value`, where value may come from a named parameter."""

    fact: str
    op: str
    value: Any
    param: str | None = None

    def text(self) -> str:
        shown = f"{show(self.value)} ({self.param})" if self.param else show(self.value)
        if self.fact.endswith(MONTHS_SUFFIX):
            return f"months since {self.fact[: -len(MONTHS_SUFFIX)]} {OP_SYMBOL[self.op]} {shown}"
        return f"{self.fact} {OP_SYMBOL[self.op]} {shown}"


@dataclass(frozen=True)
class RuleRef:
    """The conclusion of another rule (a derived fact)."""

    rule: str

    def text(self) -> str:
        return f"rule {self.rule}"


@dataclass(frozen=True)
class All:
    items: tuple["Cond", ...]


@dataclass(frozen=True)
class Any_:
    items: tuple["Cond", ...]


@dataclass(frozen=True)
class Not:
    item: "Cond"


Cond = Union[Compare, RuleRef, All, Any_, Not]


def walk(cond: Cond) -> Iterator[Cond]:
    """Every node of a condition, depth first."""
    yield cond
    if isinstance(cond, (All, Any_)):
        for item in cond.items:
            yield from walk(item)
    elif isinstance(cond, Not):
        yield from walk(cond.item)


def facts_in(cond: Cond) -> list[str]:
    """Fact names a condition reads directly, in order of first use."""
    return list(dict.fromkeys(n.fact for n in walk(cond) if isinstance(n, Compare)))


def rules_in(cond: Cond) -> list[str]:
    """Rule ids a condition reads directly, in order of first use."""
    return list(dict.fromkeys(n.rule for n in walk(cond) if isinstance(n, RuleRef)))


@dataclass(frozen=True)
class Where:
    file: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class InForce:
    """The dates between which a rule or power is law: from `start` (inclusive) until `end` (exclusive)."""

    start: date | None = None
    end: date | None = None

    def holds(self, on: date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)

    def text(self) -> str:
        if self.start and self.end:
            return f"in force from {self.start.isoformat()} until {self.end.isoformat()}"
        if self.start:
            return f"in force from {self.start.isoformat()}"
        if self.end:
            return f"in force until {self.end.isoformat()}"
        return "always in force"


ALWAYS = InForce()


@dataclass(frozen=True)
class Rule:
    """A derived fact: true, false or undetermined for each place."""

    id: str
    statement: str
    source: str
    when: Cond
    where: Where
    in_force: InForce = ALWAYS


@dataclass(frozen=True)
class TierCondition:
    """Something a tier brings with it where a rule holds (e.g. an Office of the Mayor for a city region)."""

    rule: str
    text: str


@dataclass(frozen=True)
class Tier:
    id: str
    rank: int
    title: str
    models: tuple[str, ...]
    statement: str
    source: str
    conditions: tuple[TierCondition, ...] = ()


@dataclass(frozen=True)
class Requirement:
    """When its rule holds, the powers it applies to need at least `tier`."""

    rule: str
    tier: str
    applies_to: tuple[str, ...]  # power ids, or ("package",)
    all_powers: bool


@dataclass(frozen=True)
class Power:
    id: str
    title: str
    menu: str | None
    tier: str
    requires: tuple[str, ...]
    source: str
    statement: str
    where: Where
    in_force: InForce = ALWAYS
    tier_judgment: str | None = None  # why the pack gives it this tier, where its sources assign none


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    unit: str
    description: str
    reference: str | None
    assumption: str | None
    minimum: float | None = None
    maximum: float | None = None
    set_by: str = "rule pack"


@dataclass(frozen=True)
class BudgetComponent:
    id: str
    title: str
    with_powers: tuple[str, ...]
    source: str
    baseline_fact: str | None = None


@dataclass(frozen=True)
class BudgetScope:
    """One scope a budget may take (e.g. around the core outcomes, or the whole of public spend), as a power."""

    id: str
    title: str
    power: str
    components: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Budget:
    """A single budget for the place, set below today's spend (declared in budget.yaml)."""

    title: str
    source: str
    unit: str
    components: tuple[BudgetComponent, ...]
    scopes: tuple[BudgetScope, ...]
    total_fact: str | None
    total_note: str
    reduction_param: str | None
    retention_param: str | None
    horizon_param: str | None
    available_as: str | None = None    # how an available scope reads in reports (None: "available now")

    @property
    def powers(self) -> tuple[str, ...]:
        return tuple(s.power for s in self.scopes)

    def component(self, cid: str) -> BudgetComponent:
        return next(c for c in self.components if c.id == cid)


@dataclass(frozen=True)
class SpecialCase:
    rule: str
    title: str
    text: str


@dataclass(frozen=True)
class RoundPolicy:
    """How the pack's rounds choose who goes first and when tranches conclude (round.yaml)."""

    min_readiness_param: str | None = None
    capacity_param: str | None = None
    needs_an_offer: bool = False
    negotiation_months_param: str | None = None
    timetable_source: str | None = None
    other_title: str | None = None
    other_count_param: str | None = None
    other_share_param: str | None = None
    other_tranches_param: str | None = None
    other_source: str | None = None
    envelope_text: str | None = None
    envelope_source: str | None = None
    coverage_lines: tuple[tuple[float, str, str], ...] = ()  # (share, label, source key)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Weight:
    rule: str
    weight: float
    assumption: str


@dataclass(frozen=True)
class Move:
    """A change a place can make: facts it sets (or months it waits), what it needs first, its cost and time.

    Cost is in the pack's relative units; `months` is how long the move takes. A value "as_of" in `sets`
    stands for the date the move is made (for a date fact such as when a mayor took office).
    """

    id: str
    title: str
    sets: tuple[tuple[str, Any], ...]
    cost: float
    months: float
    note: str
    source: str | None = None
    wait_months: int | None = None
    requires: "Cond | None" = None


@dataclass(frozen=True)
class Obligation:
    """What a deal asks of the place in return."""

    id: str
    title: str
    statement: str
    source: str


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: str
    effective: date
    hash: str  # the pack's files and the parameter values in effect: the identity caches use
    root: str
    sources: dict[str, str]
    parameters: dict[str, Parameter]
    vocabulary: Vocabulary
    rules: dict[str, Rule]
    strata: tuple[tuple[str, ...], ...]
    tiers: tuple[Tier, ...]
    requirements: tuple[Requirement, ...]
    powers: tuple[Power, ...]
    budget: Budget | None
    negotiation_rule: str
    model_fact: str
    menus: dict[str, str] = field(default_factory=dict)
    unlisted_models: str = "unknown"  # "unknown" or a tier id: the tier of a model no tier lists
    readiness: tuple[Weight, ...] = ()
    round_policy: RoundPolicy = field(default_factory=RoundPolicy)
    special_cases: tuple[SpecialCase, ...] = ()
    moves: tuple[Move, ...] = ()
    join: Move | None = None
    obligations: tuple[Obligation, ...] = ()
    files: tuple[str, ...] = ()
    files_hash: str = ""  # the pack's files only: what results show as the pack's hash
    #: The pack's folder, absolute: what reloading it (with other parameter values) reads. `root` is the folder
    #: as results record it (relative to the workspace: workspace.record).
    folder: str = ""

    def __repr__(self) -> str:
        return f"<Pack {self.id!r} v{self.version} rules={len(self.rules)} powers={len(self.powers)} hash={self.hash[:8]}>"

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the disk cache) without what is derived from it at run time (negotiator.compiled)."""
        return {k: v for k, v in self.__dict__.items() if k != "_compiled"}

    @property
    def facts(self) -> dict[str, FactDecl]:
        return self.vocabulary.facts

    @cached_property
    def _tiers_by_id(self) -> dict[str, Tier]:
        return {t.id: t for t in self.tiers}

    @cached_property
    def _tiers_by_model(self) -> dict[str, Tier]:
        return {m: t for t in self.tiers for m in t.models}

    @cached_property
    def _powers_by_id(self) -> dict[str, Power]:
        return {p.id: p for p in self.powers}

    def tier(self, tier_id: str) -> Tier:
        return self._tiers_by_id[tier_id]

    def tier_of_model(self, model: str | None) -> Tier | None:
        if model is None:
            return None
        found = self._tiers_by_model.get(model)
        if found is None and self.unlisted_models != "unknown":
            return self.tier(self.unlisted_models)
        return found

    def power(self, power_id: str) -> Power:
        return self._powers_by_id[power_id]

    def cite(self, key: str) -> str:
        return self.sources.get(key, key)

    @cached_property
    def _in_force_dates(self) -> dict[date, frozenset[str]]:
        return {}

    def rules_in_force(self, on: date) -> frozenset[str]:
        found = self._in_force_dates.get(on)
        if found is None:
            found = self._in_force_dates[on] = frozenset(r for r, rule in self.rules.items()
                                                         if rule.in_force.holds(on))
        return found

    @cached_property
    def facts_read(self) -> tuple[str, ...]:
        """Facts a profile states that the pack's rules or budget read (computed facts by their source fact)."""
        names = {f for r in self.rules.values() for f in facts_in(r.when)}
        if self.budget:
            names |= {c.baseline_fact for c in self.budget.components if c.baseline_fact}
        if self.vocabulary.requests and any(n.startswith("requested") for n in names):
            names.add(self.vocabulary.requests)
        names = {n.removesuffix(MONTHS_SUFFIX) for n in names}
        return tuple(sorted(n for n in names if n in self.facts and not self.facts[n].computed))

    @cached_property
    def reads(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, Any], ...]]]:
        """For each rule: the facts and the rules it reads, and the parameters it uses (name, value)."""
        return {rid: (tuple(facts_in(r.when)), tuple(rules_in(r.when)),
                      tuple({n.param: n.value for n in walk(r.when) if isinstance(n, Compare) and n.param}.items()))
                for rid, r in self.rules.items()}

    @cached_property
    def rule_facts(self) -> tuple[str, ...]:
        """Every fact some rule reads (as rules name it: `X@months` for months since X)."""
        return tuple(sorted({f for facts, _rules, _params in self.reads.values() for f in facts}))

    @cached_property
    def requirements_by_power(self) -> dict[str | None, tuple[Requirement, ...]]:
        """Requirements that apply to each power (key None: to the package)."""
        out: dict[str | None, tuple[Requirement, ...]] = {
            None: tuple(r for r in self.requirements if "package" in r.applies_to)}
        for p in self.powers:
            out[p.id] = tuple(r for r in self.requirements if r.all_powers or p.id in r.applies_to)
        return out
