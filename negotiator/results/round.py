"""A negotiation round: tranches, ranking, coverage, conflicts, and each place's outcome."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from pydantic import Field

from .base import _R, FORMAT_VERSION, Catalogue, PackRef, empty
from .evaluation import Evaluation, FactToCollect

# --- a round -------------------------------------------------------------------------------------------

class ReferenceLine(_R):
    """A share of the population the pack's framework names as a mark for coverage."""

    share: float
    label: str
    source: str = Field(description="The pack's source for it, cited in full")


class RoundInfo(_R):
    name: str
    date: date
    description: str
    capacity: Optional[int] = Field(description="Negotiations the centre can run at once: the round config's, else "
                                                "the pack's; none: no ceiling")
    capacity_for_places: int = Field(description="The capacity left for place negotiations once others are counted")
    capacity_note: str = ""
    parameters: dict[str, Any] = Field(default_factory=dict, description="Pack parameters the round config sets")
    tie_break: str
    conflict_rule: str
    gate: str = Field("", description="Who may go in the first tranche, in words")
    timetable_note: str = ""
    financial_envelope_a_year: Optional[float] = None
    envelope_note: str = ""
    coverage_lines: list[ReferenceLine] = Field(default_factory=empty)
    readiness_note: str = Field("", description="Whether the readiness weights are assumptions of the pack")
    notes: list[str] = Field(default_factory=empty)


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
    tranche_may_move_with: list[str] = Field(default_factory=empty, description=(
        "Places named one by one whose unknown facts, as they settle, could still change this place's tranche "
        "number: those sharing a council with it or with a place ranked above it, and itself where its own "
        "readiness is not settled. With the places tranche_may_move_with_rising counts, they are every place that "
        "could; its standing, in a tranche, does not change"))
    tranche_may_move_with_rising: int = Field(0, description=(
        "How many places of the round's `rising` list could also change this place's tranche number: where it is "
        "not 0, every entry of `rising` whose score_if_unknowns_hold is at least this place's score_lowest and "
        "whose rank is null or greater than this place's rank (that many; they could come to rank above it); 0: "
        "none but those in tranche_may_move_with"))
    tranche_moves_if_at_least: Optional[int] = Field(None, description=(
        "How many of the places that could change this place's tranche number (tranche_may_move_with and those "
        "tranche_may_move_with_rising counts) would have to come to rank above it before its tranche number "
        "could change (they would fill its tranche's seats); null where one of them could"))


class Rising(_R):
    """A place that could still come to rank above places in a tranche as its unknown facts settle."""

    place: str
    score_if_unknowns_hold: float = Field(description="The highest readiness any completion of its unknown facts "
                                          "gives")
    rank: Optional[int] = Field(description=(
        "Its rank, where it is in a tranche with a readiness its unknown facts could raise; null where it is not "
        "in a tranche (whether it goes in one, or is eligible, depends on unknown facts)"))


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
    undetermined: list[str] = Field(default_factory=empty,
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
    settled_by: list[str] = Field(default_factory=empty, description="Unknown facts that settle a placement that "
                                  "depends on them")
    changes_ahead: list[str] = Field(default_factory=list, description=(
        "What ends the place, or replaces its member councils, after the round's date (its exists dates and "
        "the council register's decided reorganisations), in sentences by date, as unlock gives them"))
    not_applied: list[str] = Field(default_factory=list, description=(
        "Decided reorganisations due by the round's date that replace a member council of the place but that the "
        "council register does not apply (their areas split districts): the place is given with its councils as "
        "before them"))
    evaluation: Evaluation


class LeftOutPlace(_R):
    """A place left out of a round, sweep or England set because it, or its member councils, did not exist on
    the date, or because whether it existed then is unknown."""
    id: str
    name: str
    reason: str
    existence_unknown: bool = Field(False, description=(
        "True when the place is left out because whether it exists on the date is unknown (no source records it "
        "after its last_seen date, and none gives its end), not because it did not exist"))


class Round(_R):
    format_version: str = FORMAT_VERSION
    round: RoundInfo
    pack: PackRef
    pack_in_force: bool = True
    pack_in_force_note: Optional[str] = None
    engine: str
    tranches: list[Tranche]
    timetable: list[TrancheTime] = Field(default_factory=empty)
    ranking: list[Ranked]
    rising: list[Rising] = Field(default_factory=empty, description=(
        "The places that could still come to rank above places in a tranche as their unknown facts settle, named "
        "once for the round (a place's tranche_may_move_with_rising counts those that could move it): each that "
        "could move at least one place's tranche number, highest score_if_unknowns_hold first, then by id"))
    already_devolved: list[str]
    special_cases: list[str] = Field(default_factory=empty)
    not_ready: list[str] = Field(default_factory=empty, description="Eligible places that do not pass the gate "
                                 "whatever their unknown facts turn out to be")
    depends_on_unknowns: list[str] = Field(default_factory=empty, description=(
        "Eligible places that pass the gate for some completions of their unknown facts and not for others"))
    not_eligible: list[str]
    eligibility_undetermined: list[str]
    coverage: Coverage
    coverage_with_devolved: Optional[Coverage] = None
    budgets_in_first_tranche_a_year: Optional[float] = None
    scenarios: list[ScenarioResult]
    conflicts: list[Conflict]
    facts_to_collect: list["FactToCollect"] = Field(default_factory=empty)
    left_out: list[LeftOutPlace] = Field(default_factory=empty, description=(
        "Places not in the round because they, or their member councils, did not exist on its date, and why"))
    decided_not_applied: list[str] = Field(default_factory=list, description=(
        "Decided reorganisations due by the round's date, replacing councils of places in the round, that the "
        "council register does not apply (their areas split districts), in sentences as negotiator england "
        "--as-of gives them"))
    places: list[RoundPlace]
    catalogue: Catalogue

    def place(self, place_id: str) -> RoundPlace:
        return next(p for p in self.places if p.id == place_id)
