"""Place profiles: the facts about a place that rule packs decide on.

Field names and enumerated values are fixed so that profiles stay portable
between rule packs. Every fact but the identity fields may be absent: absent
means unknown, and the engine treats it as unknown, never as false.
"""

from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .census import councils
from .errors import nearest

Kind = Literal[
    "core_city", "large_city", "strategic_county", "city_region", "sub_regional_partnership",
    "unitary", "county", "district", "london_borough", "greater_london",
]
GroupingStatus = Literal[
    "none", "informal_partnership", "multi_area_agreement", "statutory_city_region", "combined_authority",
]
AccountabilityModel = Literal[
    "committee_system", "leader_cabinet", "joint_committee", "combined_authority",
    "directly_elected_mayor", "elected_governor", "elected_sheriff", "elected_commissioner",
    "alternative_high_visibility",
]

#: The grouping ladder, least to most formal (brief section 3).
GROUPING_LADDER: tuple[str, ...] = GroupingStatus.__args__  # type: ignore[attr-defined]

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Grouping(Strict):
    """How formal the collaboration between the member councils is."""

    status: Optional[GroupingStatus] = None
    name: Optional[str] = None


class Accountability(Strict):
    """The place's model of political leadership and accountability."""

    model: Optional[AccountabilityModel] = None
    since: Optional[int] = Field(default=None, ge=1800, le=2100)


class Conditions(Strict):
    """Birmingham's Total Place conditions for mainstreaming place working (seed 004, s5)."""

    collective_leadership: Optional[bool] = None
    governance: Optional[bool] = None
    financial_planning: Optional[bool] = None
    citizen_connection: Optional[bool] = None
    staff_alignment: Optional[bool] = None
    performance_framework: Optional[bool] = None
    research_intelligence: Optional[bool] = None


class Capacity(Strict):
    """Evidence of capacity to use new powers (brief section 3). Absent = unknown."""

    total_place_pilot: Optional[bool] = None
    community_budget_pilot: Optional[bool] = None
    shared_services: Optional[bool] = None
    public_spend_mapped: Optional[bool] = None
    independent_evidence_base: Optional[bool] = None
    peer_challenge: Optional[bool] = None
    failure_warning: Optional[bool] = None
    conditions: Conditions = Field(default_factory=Conditions)


class Spend(Strict):
    """Total public spend mapped for the place (a Total Place count), in GBP millions."""

    total_gbp_m: float = Field(gt=0)
    year: Optional[str] = None
    local_bodies_gbp_m: Optional[float] = Field(default=None, gt=0)

    @field_validator("year")
    @classmethod
    def _financial_year(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}", value):
            raise ValueError(f"'{value}' is not a financial year like 2008-09")
        return value

    @model_validator(mode="after")
    def _parts_within_total(self) -> "Spend":
        if self.local_bodies_gbp_m is not None and self.local_bodies_gbp_m > self.total_gbp_m:
            raise ValueError("local_bodies_gbp_m cannot exceed total_gbp_m")
        return self


class Place(Strict):
    """A place profile, as written in places/*.yaml."""

    id: str
    name: str = Field(min_length=1)
    kind: Kind
    population: Optional[int] = Field(default=None, gt=0)
    population_year: Optional[int] = Field(default=None, ge=1800, le=2100)
    members: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    grouping: Grouping = Field(default_factory=Grouping)
    accountability: Accountability = Field(default_factory=Accountability)
    capacity: Capacity = Field(default_factory=Capacity)
    spend: Optional[Spend] = None
    priorities: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.fullmatch(value):
            raise ValueError(f"'{value}' is not a slug (lower-case letters, digits and single hyphens)")
        return value

    @field_validator("members")
    @classmethod
    def _known_councils(cls, value: list[str]) -> list[str]:
        known = councils()
        for code in value:
            if code not in known:
                by_name = {c.name.lower(): c.code for c in known.values()}
                hint = by_name.get(code.lower()) or nearest(code, known)
                raise ValueError(f"'{code}' is not an ONS council code in the 2011/2021 Census table|suggest:{hint or ''}")
        if len(set(value)) != len(value):
            dup = sorted({c for c in value if value.count(c) > 1})
            raise ValueError(f"council {', '.join(dup)} is listed twice")
        return value

    @field_validator("priorities")
    @classmethod
    def _unique_priorities(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a power is asked for twice")
        return value

    @model_validator(mode="after")
    def _population_has_year(self) -> "Place":
        if self.population is not None and self.population_year is None:
            raise ValueError("population_year is required when population is given")
        return self
