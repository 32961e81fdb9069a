"""Typed results of `negotiator footprints` (every form), shared by the text, JSON, CSV and HTML reports."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..results import FORMAT_VERSION, PackRef


class _R(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Council(_R):
    code: str
    name: str
    population: int = Field(description="Census 2021 usual residents")


class Condition(_R):
    rule: str
    statement: str
    source: str = Field(description="The source key of the rule")
    source_title: str
    met: bool | None = Field(description="True met, False not met, null undetermined (a fact unknown)")


class AreaShare(_R):
    kind: Literal["police", "fire", "county"]
    id: str
    title: str
    whole: bool = Field(description="Every district of the area is in the footprint")
    inside: int = Field(description="Districts of the area in the footprint")
    districts: int = Field(description="Districts of the area")
    source: str


class Overlap(_R):
    council: Council
    authority: str = Field(description="The id of the authority (places/) whose area it is in")
    authority_name: str
    since: date


class Form(_R):
    id: str
    title: str
    eligible: bool | None
    available: list[str] = Field(description="Powers available in this form, by id")


class Judgement(_R):
    """One footprint judged against a pack as of a date."""
    name: str
    place: str | None = Field(None, description="The place id, where the footprint is a place of places/")
    members: list[Council]
    population: int
    population_year: int
    parts: list[list[str]] = Field(description="The connected parts of the footprint (one for a contiguous one)")
    facts: dict[str, int | bool | None] = Field(description="The footprint.* facts as of the date")
    qualifies: bool | None
    conditions: list[Condition] = Field(description="What footprint.qualifies reads, each met or not")
    alignment: list[Condition] = Field(description="The pack's other footprint rules (police and fire areas)")
    failed: list[str] = Field(description="The rules of the conditions not met")
    islands: list[Council] = Field(description="Councils the footprint would leave with no free neighbour")
    overlap: list[Overlap]
    areas: list[AreaShare] = Field(description="Police, fire and county areas the footprint reaches")
    unlocks: list[Form] = Field(description="What the footprint would have as a new strategic authority")
    score: int = Field(0, description="Rank key: people covered, less a penalty for each island, plus alignment")


class FootprintCheck(_R):
    kind: Literal["footprints-check"] = "footprints-check"
    format_version: str = FORMAT_VERSION
    as_of: date
    pack: PackRef
    footprints: list[Judgement]


class FootprintList(_R):
    kind: Literal["footprints-within"] = "footprints-within"
    format_version: str = FORMAT_VERSION
    as_of: date
    pack: PackRef
    within: str
    power: str | None
    councils: list[Council] = Field(description="The councils not yet in an authority the search drew from")
    examined: int = Field(description="Contiguous groupings examined")
    complete: bool = Field(description="Every contiguous grouping up to the size limit was examined")
    footprints: list[Judgement]


class Unplaced(_R):
    council: Council
    reason: str = Field(description="The condition that stops it being placed, in words")
    rule: str | None


class Alternative(_R):
    footprints: list[list[str]] = Field(description="Each footprint's member councils")
    people_covered: int
    found_by: str = Field(description="The solver (with its status), or the greedy completion of the plan "
                                      "before it less its smallest footprint where the solver found none in time")


class FootprintPlan(_R):
    kind: Literal["footprints-plan"] = "footprints-plan"
    format_version: str = FORMAT_VERSION
    as_of: date
    pack: PackRef
    within: str
    solver: str
    status: str = Field(description="OPTIMAL (proved best), FEASIBLE (the best found in the time allowed, not "
                                    "proved), GREEDY (the greedy start, the solver finding nothing better in time) "
                                    "or NO PLAN")
    optimal: bool
    objective: str = Field(description="What the plan maximises, in words")
    people_covered: int
    people_free: int = Field(description="People in councils not yet in an authority, in the area")
    footprints: list[Judgement]
    unplaced: list[Unplaced]
    alternatives: list[Alternative] = Field(
        description="Other plans, each distinct from the best and from each other (not all the same footprints)")


# Their schema kinds (footprints-check, -within, -plan) are registered in negotiator/schemas.py.
