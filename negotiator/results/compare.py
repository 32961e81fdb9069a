"""Then versus now: one place under two packs, power by power."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Optional

from pydantic import Field

from .base import _R, FORMAT_VERSION, PackRef, PlaceRef, Status, Truth3, empty

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
    facts: list[str] = Field(default_factory=empty, description="The facts it read: name = value (since date)")
    failed: list[str] = Field(default_factory=empty)
    missing: list[str] = Field(default_factory=empty)


class PowerSide(_R):
    """One power of one pack for the place, with the rules behind its status."""

    power: str
    title: str
    status: Status
    required_tier: str
    current_tier: Optional[str] = None
    models: list[str] = Field(default_factory=empty, description="Models that would do, when it needs stronger accountability")
    missing: list[str] = Field(default_factory=empty)
    failed: list[str] = Field(default_factory=empty, description="The rules it needs that fail, when not available "
                              "(besides the negotiation rule)")
    not_negotiable: Optional[str] = Field(None, description="Where the place cannot negotiate: the rule that decides it")
    in_force: str
    statement: str
    source: str = Field(description="The source's title")
    rules: list[RuleBehind] = Field(default_factory=empty)


class CounterpartRow(_R):
    """A power of the earlier pack, its counterparts in the later one, and how they compare."""

    then: PowerSide
    now: list[PowerSide]
    note: str
    verdict: Verdict
    held_by: Optional[str] = Field(default=None, description="The place id of the strategic authority the place is "
                                   "within, where that authority holds the counterpart now")
    held_by_name: Optional[str] = None
    held_by_now: list[PowerSide] = Field(default_factory=empty, description="The counterparts, for that authority")


class SideSummary(_R):
    """Where the place stands under one pack on one date."""

    pack: PackRef
    as_of: date
    as_of_note: str
    place_exists_note: Optional[str] = Field(default=None, description=(
        "Set when the place does not exist, or is not known to exist, on this side's date, naming its dates"))
    eligible: Optional[bool]
    negotiation_rule: str
    decisive: list[RuleBehind]
    model: Optional[str] = None
    model_since: Optional[date] = None
    current_tier: Optional[str] = None
    current_tier_title: Optional[str] = None
    missing_facts: list[str] = Field(default_factory=empty)
    on_record: list[RuleBehind] = Field(default_factory=empty,
                                        description="Rules that hold which no decision reads (e.g. a settlement in force)")


class PlaceComparison(_R):
    place: PlaceRef
    then: SideSummary
    now: SideSummary
    rows: list[CounterpartRow]
    new_powers: list[PowerSide] = Field(default_factory=empty, description="Powers of the later pack no earlier power maps to")
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
    left_out: list[str] = Field(default_factory=list, description=(
        "Places of a set (a folder, or a round's places) left out because they exist on neither date, each with "
        "its dates in a sentence; a place named alone is always compared, with a note"))
