"""The footprint facts (`footprint.*`) of a set of member councils as of a date.

Declared in rules/footprints/facts.yaml (a pack takes them with `uses: [footprints]`) and computed here
from the bundled geography (`geo`), as `member_count` is computed from the members. A fact reads:

- contiguous, parts: the members form one connected part of the adjacency graph (boundaries and declared
  links); how many parts they form;
- population: the Census count nearest the date (2011 before 21 March 2021, else 2021), summed;
- islands: councils outside the place and outside every authority on the date that had a free neighbour
  (one in neither) and would have none once the place is formed;
- overlap: members in the area of an authority of the date whose area is not exactly the place's;
- police/fire whole percent: the share of the people in police force (fire and rescue authority) areas
  wholly inside the place, rounded down;
- counties_whole: every county area the place reaches is wholly inside it.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the geography is read when a footprint fact is first asked for, not when profiles are read
    from .geo import Geography

PREFIX = "footprint."
CENSUS_2021 = date(2021, 3, 21)
NAMES = ("footprint.contiguous", "footprint.parts", "footprint.population", "footprint.islands", "footprint.overlap",
         "footprint.police_whole_percent", "footprint.fire_whole_percent", "footprint.counties_whole")


def census_year(on: date) -> int:
    return 2021 if on >= CENSUS_2021 else 2011


def islands_left(geo: Geography, members: frozenset[str], on: date) -> list[str]:
    """Councils the place would strand: free before, with a free neighbour, and with none after."""
    taken = geo.taken_on(on)
    out = []
    around = {n for c in members for n in geo.adjacent.get(c, ())} - members
    for c in sorted(around):
        if c in taken:
            continue
        free_before = [n for n in geo.adjacent[c] if n not in taken]
        if free_before and all(n in members for n in free_before):
            out.append(c)
    return out


def overlapping(geo: Geography, members: frozenset[str], on: date) -> list[str]:
    """Members in the area of an authority of the date other than one whose area is exactly the place's."""
    return sorted(c for c, a in geo.taken_on(on).items() if c in members and a.members != members)


def whole_percent(geo: Geography, kind: str, members: frozenset[str]) -> int | None:
    people = geo.people(members)
    if not people:
        return None
    found = {geo.area_of[kind].get(c) for c in members}
    areas = [a for a in found if a is not None]
    if len(areas) < len(found):
        return None
    inside = sum(geo.people(a.members) for a in areas if a.members <= members)
    return inside * 100 // people


def counties_whole(geo: Geography, members: frozenset[str]) -> bool:
    return all(a.members <= members for a in {geo.area_of["county"].get(c) for c in members} if a is not None)


@lru_cache(maxsize=4096)
def footprint_facts(members: frozenset[str], on: date) -> dict[str, Any]:
    """Every footprint fact of the members as of the date (unknown: None; no members: all unknown)."""
    from .geo import geography
    geo = geography()
    if members and not members <= set(geo.adjacent):
        members = geo.base(members) or frozenset()  # councils created since 2021: the districts they replaced
    if not members:
        return {name: None for name in NAMES}
    return {
        "footprint.contiguous": geo.contiguous(members),
        "footprint.parts": len(geo.components(members)),
        "footprint.population": geo.people(members, census_year(on)),
        "footprint.islands": len(islands_left(geo, members, on)),
        "footprint.overlap": len(overlapping(geo, members, on)),
        "footprint.police_whole_percent": whole_percent(geo, "police", members),
        "footprint.fire_whole_percent": whole_percent(geo, "fire", members),
        "footprint.counties_whole": counties_whole(geo, members),
    }
