"""Contiguous groupings of councils not yet in an authority, enumerated, judged and ranked.

Groupings are built from units: the upper-tier areas (a county area with its districts, or a unitary,
metropolitan or London borough), so that no county is split; within a single county area the units are
its districts. A unit is free when none of its districts is in an authority on the date. The search
grows every connected set of free units from each unit in turn (each set once: a unit joins only sets
whose first unit comes before it), stopping a set when it reaches the pack's assumed population, so
each grouping found is a smallest one at that scale; every one is judged by the pack
(`footprint.qualifies`) and ranked: qualifying first, fewest islands left, most aligned with whole police
and fire areas, most people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..errors import InputError, Problem
from ..pack.ir import Pack
from ..vocab.footprint_facts import census_year
from ..vocab.geo import geography
from .judge import bare, judge
from .results import FootprintList

MAX_UNITS = 8          # a grouping of more units than this is not examined (the report says so)
MAX_EXAMINED = 200_000


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    members: frozenset[str]


def threshold(pack: Pack) -> int:
    p = pack.parameters.get("assumed_min_population")
    return int(p.value) if p is not None else 0


@lru_cache(maxsize=64)
def units(area: tuple[str, ...], on: date) -> tuple[tuple[Unit, ...], dict[str, frozenset[str]]]:
    """The free units of an area and their adjacency (units bordering each other)."""
    geo = geography()
    taken = geo.taken_on(on)
    area_set = set(area)
    county_of = {c: a for a in geo.areas["county"] for c in a.members}
    metro = {"Greater Manchester", "Merseyside", "South Yorkshire", "Tyne and Wear", "West Midlands",
             "West Yorkshire", "Greater London"}
    single = {county_of.get(c) for c in area_set}
    split = len(single) == 1 and None not in single  # the area is one county area: its districts are units
    found: dict[str, Unit] = {}
    for c in sorted(area_set):
        county = county_of.get(c)
        if county is None or split or county.id in metro:
            found[c] = Unit(c, geo.names[c], frozenset([c]))
        elif county.id not in found:
            found[county.id] = Unit(county.id, county.title, frozenset(county.members & area_set))
    free = [u for u in found.values() if not any(c in taken for c in u.members)]
    unit_of = {c: u.id for u in free for c in u.members}
    adjacent = {u.id: frozenset({unit_of[n] for c in u.members for n in geo.adjacent[c] if n in unit_of} - {u.id})
                for u in free}
    return tuple(sorted(free, key=lambda u: u.id)), adjacent


class Growth:
    """Every connected set of units (sorted tuples of ids) grown from each unit over later units, until it
    reaches `stop` people (then not grown further) or `max_units`; `cap` drops a set above that many people.
    `complete` says afterwards whether every set was reached."""

    def __init__(self, free: tuple[Unit, ...], adjacent: dict[str, frozenset[str]], people: dict[str, int],
                 stop: int, max_units: int = MAX_UNITS, cap: int | None = None):
        self.free, self.adjacent, self.people = free, adjacent, people
        self.stop, self.max_units, self.cap = stop, max_units, cap
        self.complete = True
        self.examined = 0

    def __iter__(self):
        order = {u.id: i for i, u in enumerate(self.free)}
        adjacent, people = self.adjacent, self.people
        for u in self.free:
            # ESU (Wernicke 2006): each connected set once; a unit joins the extension only if it is
            # later than the start and in the exclusive neighbourhood of the unit just added
            start = order[u.id]
            first = tuple(sorted((n for n in adjacent[u.id] if order[n] > start), key=order.get))
            stack = [((u.id,), people[u.id], first, frozenset(adjacent[u.id]) | {u.id})]
            while stack:
                members, size, ext, near = stack.pop()
                self.examined += 1
                yield members, size
                if self.examined >= MAX_EXAMINED:
                    self.complete = False
                    return
                if size >= self.stop:
                    continue
                if len(members) >= self.max_units:
                    if ext:
                        self.complete = False
                    continue
                for i, w in enumerate(ext):
                    grown = people[w] + size
                    if self.cap is not None and grown > self.cap:
                        continue
                    extra = [n for n in adjacent[w] if order[n] > start and n not in near]
                    new_ext = tuple(sorted(set(ext[i + 1:]) | set(extra), key=order.get))
                    stack.append((tuple(sorted(members + (w,), key=order.get)), grown, new_ext,
                                  near | adjacent[w] | {w}))


def minimal(ids: tuple[str, ...], adjacent: dict[str, frozenset[str]], people: dict[str, int], stop: int) -> bool:
    """No unit can be left out with the rest still connected and still of `stop` people."""
    total = sum(people[i] for i in ids)
    for i in ids:
        rest = set(ids) - {i}
        if not rest or total - people[i] < stop:
            continue
        seen = {min(rest)}
        todo = [min(rest)]
        while todo:
            for n in adjacent[todo.pop()]:
                if n in rest and n not in seen:
                    seen.add(n)
                    todo.append(n)
        if seen == rest:
            return False
    return True


def free_units(area: list[str], on: date):
    """The units of `area` not yet in an authority on `on`, with their adjacency, an index by id and the
    people of each (the Census count nearest the date): what the search and the plan both start from."""
    geo = geography()
    year = census_year(on)
    free, adjacent = units(tuple(sorted(area)), on)
    by_id = {u.id: u for u in free}
    people = {u.id: geo.people(u.members, year) for u in free}
    return geo, free, adjacent, by_id, people


def enumerate_footprints(pack: Pack, within: str, area: list[str], on: date, power: str | None = None,
                         limit: int = 10, max_units: int = MAX_UNITS) -> FootprintList:
    from ..decide.catalogue import pack_ref
    from .judge import council, qualifying_rule
    qualifying_rule(pack)
    if power is not None and power not in {p.id for p in pack.powers}:
        from ..errors import nearest
        raise InputError([Problem("--power", f"'{power}' is not a power of {pack.id}",
                                  suggestion=nearest(power, [p.id for p in pack.powers]))])
    geo, free, adjacent, by_id, people = free_units(area, on)
    stop = threshold(pack) or 1
    judged = []
    growth = Growth(free, adjacent, people, stop, max_units)
    for ids, size in growth:
        if size < stop or not minimal(ids, adjacent, people, stop):
            continue
        members = frozenset().union(*(by_id[i].members for i in ids))
        name = " + ".join(by_id[i].name for i in ids)
        j = judge(pack, bare(pack, members, on, name), on)
        if power is not None and not any(power in f.available for f in j.unlocks):
            continue
        judged.append(j)
    judged.sort(key=lambda j: (j.qualifies is not True, len(j.islands), -j.score, j.name))
    councils = sorted(c for u in free for c in u.members)
    return FootprintList(as_of=on, pack=pack_ref(pack), within=within, power=power,
                         councils=[council(geo, c) for c in councils], examined=growth.examined,
                         complete=growth.complete,
                         footprints=judged[:limit])
