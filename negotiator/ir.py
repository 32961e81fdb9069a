"""The validated intermediate form of a rule pack.

Every evaluator is compiled from this form, never from YAML: durable-rules
(the engine of record) today, and faster ones later, so that they can be
checked against each other. Everything here is immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator, Union

OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in")
OP_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "in": "in", "not_in": "not in"}


@dataclass(frozen=True)
class Compare:
    """`fact OP value`, where value may come from a named parameter."""

    fact: str
    op: str
    value: Any
    param: str | None = None

    def text(self) -> str:
        value = self.value
        if isinstance(value, bool):
            value = "true" if value else "false"
        if isinstance(value, tuple):
            value = "[" + ", ".join(map(str, value)) + "]"
        shown = f"{value} ({self.param})" if self.param else str(value)
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


@dataclass(frozen=True)
class Rule:
    """A derived fact: true, false or undetermined for each place."""

    id: str
    statement: str
    source: str
    when: Cond
    where: Where


@dataclass(frozen=True)
class Tier:
    id: str
    rank: int
    title: str
    models: tuple[str, ...]
    statement: str
    source: str


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
    menu: str  # "route_map" (the report's menu) or "extension" (later LG Group papers)
    tier: str
    requires: tuple[str, ...]
    source: str
    statement: str
    where: Where


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    unit: str
    description: str
    reference: str | None
    assumption: str | None


@dataclass(frozen=True)
class BudgetComponent:
    id: str
    title: str
    with_powers: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Budget:
    power: str
    components: tuple[BudgetComponent, ...]
    source: str


@dataclass(frozen=True)
class Weight:
    rule: str
    weight: float
    rationale: str


@dataclass(frozen=True)
class Move:
    """A change a place can make, declared for `negotiator unlock` (cost in arbitrary units)."""

    id: str
    title: str
    sets: tuple[tuple[str, Any], ...]
    cost: float
    rationale: str


@dataclass(frozen=True)
class Obligation:
    """What a deal asks of the place in return."""

    id: str
    title: str
    statement: str
    source: str


@dataclass(frozen=True)
class FactSpec:
    """A fact a rule may read: its name, type and, for enums, the values."""

    name: str
    type: str  # "enum", "int", "float", "bool"
    values: tuple[str, ...] = ()
    better: str | None = None  # "true", "false" or "ladder": which way is more capable
    optional: bool = True  # may be absent (unknown) in a profile


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: str
    effective: date
    hash: str
    root: str
    sources: dict[str, str]
    parameters: dict[str, Parameter]
    facts: dict[str, FactSpec]
    rules: dict[str, Rule]
    strata: tuple[tuple[str, ...], ...]
    tiers: tuple[Tier, ...]
    requirements: tuple[Requirement, ...]
    powers: tuple[Power, ...]
    budget: Budget | None
    negotiation_rule: str
    office_rule: str | None
    readiness: tuple[Weight, ...]
    moves: tuple[Move, ...] = field(default=())
    obligations: tuple[Obligation, ...] = field(default=())

    def __repr__(self) -> str:
        return f"<Pack {self.id!r} v{self.version} rules={len(self.rules)} powers={len(self.powers)} hash={self.hash[:8]}>"

    def tier(self, tier_id: str) -> Tier:
        return next(t for t in self.tiers if t.id == tier_id)

    def tier_of_model(self, model: str | None) -> Tier | None:
        if model is None:
            return None
        return next((t for t in self.tiers if model in t.models), None)

    def power(self, power_id: str) -> Power:
        return next(p for p in self.powers if p.id == power_id)

    def cite(self, key: str) -> str:
        return self.sources.get(key, key)
