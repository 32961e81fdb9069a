"""The shape of each file of a rule pack, as pydantic models (strict: unknown keys are errors).

Meaning across files (references, types, cycles) is checked in build.py, which load.py calls.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PackMeta(_M):
    id: str
    version: str
    title: str = Field(min_length=1)
    effective: date
    default: bool = False
    description: str = ""
    uses: list[str] = Field(default_factory=list)
    negotiation_rule: str
    requests: Optional[str] = None
    menus: dict[str, str] = Field(default_factory=dict)
    special_cases: list["SpecialCaseSpec"] = Field(default_factory=list)
    sources: dict[str, str] = Field(min_length=1)


class SpecialCaseSpec(_M):
    """Places for which a rule holds are reported apart, for further work, not negotiated with in a round."""

    rule: str
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)


class ParamSpec(_M):
    value: Union[int, float, str, bool]
    unit: str
    description: str
    reference: Optional[str] = None
    assumption: Optional[str] = None
    min: Optional[Union[int, float]] = None
    max: Optional[Union[int, float]] = None


class ParamsFile(_M):
    parameters: dict[str, ParamSpec]


class TierConditionSpec(_M):
    rule: str
    text: str = Field(min_length=1)


class TierSpec(_M):
    id: str
    title: str
    models: list[str] = Field(min_length=1)
    statement: str
    source: str
    conditions: list[TierConditionSpec] = Field(default_factory=list)


class RequirementSpec(_M):
    id: str
    statement: str
    source: str
    when: Any
    tier: str
    applies_to: Union[Literal["all_powers", "package"], list[str]]
    from_: Optional[date] = Field(default=None, alias="from")
    until: Optional[date] = None


class AccountabilityFile(_M):
    model_fact: str
    unlisted_models: str = "unknown"
    tiers: list[TierSpec] = Field(min_length=1)
    requirements: list[RequirementSpec] = Field(default_factory=list)


class RuleSpec(_M):
    id: str
    statement: str
    source: str
    when: Any
    from_: Optional[date] = Field(default=None, alias="from")
    until: Optional[date] = None


class RulesFile(_M):
    rules: list[RuleSpec]


class PowerSpec(_M):
    id: str
    title: str
    menu: Optional[str] = None
    tier: str
    tier_judgment: Optional[str] = Field(default=None, min_length=1)  # the tier is the pack's judgment, and why
    requires: list[str] = Field(default_factory=list)
    statement: str
    source: str
    from_: Optional[date] = Field(default=None, alias="from")
    until: Optional[date] = None


class PowersFile(_M):
    powers: list[PowerSpec] = Field(min_length=1)


class ComponentSpec(_M):
    id: str
    title: str
    with_powers: list[str] = Field(min_length=1)
    baseline: Optional[str] = None  # the fact holding this component's spend in the place, a year
    source: str


class TotalSpec(_M):
    fact: str
    note: str = ""


class ParamRef(_M):
    param: str


class ScopeSpec(_M):
    id: str
    title: str
    power: str
    components: list[str] = Field(min_length=1)
    source: str


class BudgetSpec(_M):
    title: str = "Single place budget"
    source: str
    unit: str = "GBP million"
    #: how a scope whose power is available reads in reports, where "available now" would say more than the
    #: framework (the integrated settlement: criteria met, the authority may ask; the government announces it)
    available_as: Optional[str] = None
    components: list[ComponentSpec] = Field(min_length=1)
    scopes: list[ScopeSpec] = Field(min_length=1)
    total: Optional[TotalSpec] = None
    reduction: Optional[ParamRef] = None
    retention: Optional[ParamRef] = None
    horizon: Optional[ParamRef] = None


class BudgetFile(_M):
    budget: BudgetSpec


class WeightSpec(_M):
    rule: str
    weight: Union[int, float]
    assumption: str = Field(min_length=1)


class ReadinessFile(_M):
    readiness: list[WeightSpec]


class FirstTrancheSpec(_M):
    min_readiness: Optional[ParamRef] = None
    needs_an_offer: bool = True


class TimetableSpec(_M):
    negotiation_months: ParamRef
    source: str


class OtherNegotiationsSpec(_M):
    title: str = Field(min_length=1)
    count: ParamRef
    share: ParamRef
    tranches: Optional[ParamRef] = None  # how many tranches they run alongside (default: every tranche)
    source: str


class EnvelopeSpec(_M):
    """What the pack's framework says sets the money for a round (shown in the round's Money section)."""
    text: str = Field(min_length=1)
    source: str


class ReferenceLineSpec(_M):
    """A share of the population a framework names as a mark for coverage (drawn on the coverage chart)."""
    share: float = Field(gt=0, le=1)
    label: str = Field(min_length=1, max_length=40)
    source: str


class RoundSpec(_M):
    capacity: Optional[ParamRef] = None  # negotiations the centre can run at once, unless a round config says
    first_tranche: Optional[FirstTrancheSpec] = None
    timetable: Optional[TimetableSpec] = None
    other_negotiations: Optional[OtherNegotiationsSpec] = None
    envelope: Optional[EnvelopeSpec] = None
    coverage_lines: list[ReferenceLineSpec] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class RoundFile(_M):
    round: RoundSpec


class MoveSpec(_M):
    id: str
    title: str
    sets: dict[str, Any] = Field(default_factory=dict)
    wait_months: Optional[int] = Field(default=None, gt=0, le=600)
    requires: Any = None
    cost: Union[int, float] = Field(gt=0)
    months: Union[int, float] = Field(default=0, ge=0, le=600)
    source: Optional[str] = None
    assumption: Optional[str] = None


class JoinSpec(_M):
    title: str
    sets: dict[str, Any] = Field(default_factory=dict)
    cost: Union[int, float] = Field(gt=0)
    months: Union[int, float] = Field(default=0, ge=0, le=600)
    source: Optional[str] = None
    assumption: Optional[str] = None


class MovesFile(_M):
    moves: list[MoveSpec]
    join: Optional[JoinSpec] = None


class ObligationSpec(_M):
    id: str
    title: str
    statement: str
    source: str


class ObligationsFile(_M):
    obligations: list[ObligationSpec]


class FactsFileRef(_M):
    """Placeholder: facts.yaml is read by vocab.declare (it has its own model)."""


SCHEMAS: dict[str, type[BaseModel]] = {
    "pack.yaml": PackMeta, "parameters.yaml": ParamsFile, "accountability.yaml": AccountabilityFile,
    "rules.yaml": RulesFile, "powers.yaml": PowersFile, "budget.yaml": BudgetFile,
    "readiness.yaml": ReadinessFile, "moves.yaml": MovesFile, "obligations.yaml": ObligationsFile,
    "round.yaml": RoundFile,
}
from .layout import FILES, OPTIONAL, REQUIRED  # noqa: E402,F401 - the names load.py and others use

PackMeta.model_rebuild()
