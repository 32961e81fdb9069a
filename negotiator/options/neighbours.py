"""Joining neighbours: for a place below the negotiation level, the groupings that would reach it.

Candidates are the places in the workspace whose members include the place's (its existing
groupings), its county's councils taken together, and the smallest combinations of it with the
councils that border it (the ONS adjacency of negotiator/data, with declared ferry links), each
evaluated as a grouping formed by the pack's `join` move, with its Census population. Every proposed
combination is contiguous: its councils form one connected area (negotiator/vocab/geo.py).
"""

from __future__ import annotations

import itertools
from datetime import date

from .. import workspace
from ..census import councils
from ..errors import InputError
from ..vocab.geo import geography
from ..pack.ir import Pack
from ..results import JoinOption
from ..vocab.places import load_places
from ..vocab.profile import Entry, Profile
from .state import decide_facts, facts_with

MAX_POOL = 40
MAX_PER_SIZE = 300


def census_year(on: date) -> int:
    return 2021 if on >= date(2021, 3, 21) else 2011


def _population(codes: list[str], year: int) -> int:
    table = councils()
    return sum(getattr(table[c], f"population_{year}") for c in codes)


def as_grouping(pack: Pack, profile: Profile, members: list[str], on: date, place_id: str = "joined") -> Profile:
    """The place joined with other councils: the join move's facts, the members, their Census population."""
    year = census_year(on)
    census_day = date(2021, 3, 21) if year == 2021 else date(2011, 3, 27)
    facts = dict(profile.facts)
    for name, value in pack.join.sets if pack.join else ():
        facts[name] = (Entry(on if value == "as_of" else value, None, "the join move"),)
    if "population" in pack.facts:
        facts["population"] = (Entry(_population(members, year), census_day, f"ONS Census {year}, sum of the members"),)
    return Profile(place_id, "joined", tuple(members), profile.sources, (), facts, profile.file)


def _eligible(pack: Pack, profile: Profile, on: date) -> bool | None:
    return decide_facts(pack, facts_with(pack, profile, on, {}), on).eligible


def join_options(pack: Pack, profile: Profile, on: date, limit: int = 5) -> list[JoinOption]:
    table = councils()
    year = census_year(on)
    own = list(profile.members)
    out: list[JoinOption] = []
    seen: set[tuple] = set()

    def add(members: list[str], how: str, place: str | None = None, eligible: bool | None = None) -> None:
        key = tuple(sorted(members))
        if key in seen or set(members) == set(own):
            return
        seen.add(key)
        if eligible is None and place is None:
            eligible = _eligible(pack, as_grouping(pack, profile, members, on), on)
        out.append(JoinOption(members=sorted(members), names=[table[c].name for c in sorted(members)],
                              population=_population(members, year), population_year=year, eligible=eligible,
                              how=how, place=place))

    pool: set[str] = set()
    try:
        others = load_places([str(workspace.current().places)], pack)
    except InputError:
        others = []
    for lp in others:
        if set(own) < set(lp.profile.members):
            pool |= set(lp.profile.members)
            ev = decide_facts(pack, facts_with(pack, lp.profile, on, {}), on)
            add(list(lp.profile.members), f"an existing grouping: {lp.profile.name}", lp.id, ev.eligible)
    geo = geography()
    counties = {table[c].county for c in own if table[c].county}
    for county in sorted(counties):
        mates = [c for c, row in table.items() if row.county == county]
        if geo.contiguous(set(mates) | set(own)):
            add(sorted(set(mates) | set(own)), f"the councils of {county} together")
    # the councils within three steps of the place's own, nearest first, then the most populous
    rings: dict[str, int] = {c: 0 for c in own}
    frontier = list(own)
    for step in (1, 2, 3):
        frontier = sorted({n for c in frontier for n in geo.neighbours(c)} - set(rings))
        rings.update({c: step for c in frontier})
    where = "that border it or its partners (ONS adjacency)"
    candidates = sorted(set(rings) - set(own),
                        key=lambda c: (rings[c], -getattr(table[c], f"population_{year}"), c))[:MAX_POOL]
    for k in range(1, 5):
        hits = 0
        for tried, combo in enumerate(itertools.combinations(candidates, k)):
            if tried >= MAX_PER_SIZE:
                break
            members = sorted(set(own) | set(combo))
            if not geo.contiguous(members):
                continue
            grouping = as_grouping(pack, profile, members, on)
            if _eligible(pack, grouping, on) is True:
                add(members, f"with {k} council{'s' if k > 1 else ''} {where}", eligible=True)
                hits += 1
                if hits >= 3:
                    break
        if hits:
            break
    out.sort(key=lambda o: (o.eligible is not True, len(o.members), -(o.population or 0)))
    return out[:limit]
