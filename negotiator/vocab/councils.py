"""The register of English councils in time: which councils exist on a date, their kind, population and successors.

The register joins two bundled files: the ONS Census table
(`negotiator/data/census-population-by-council.csv`, 309 districts on the
boundaries of the early 2020s) and `negotiator/data/councils.yaml`, which adds
the councils the table lacks (county councils, districts abolished before
2021, councils created after it) and every structural change since 2009
(reorganisations), each with its public source. Undecided reorganisations
are kept apart as proposals and never change any date; so are decided ones
whose new councils' areas split districts (Norfolk and Suffolk, 2028: their
areas are not recorded), kept as `pending` with their vesting day, which
`pending_on` names for any later date.

Dates. A council exists on `day` when `start <= day < end`: `start` is the
first day it exists (None: before the register's first change, 1 April 2009),
`end` the first day it no longer exists (its successors' vesting day; None:
it still exists, or has no decided end). A council of the Census table
exists at every date unless a reorganisation creates or ends it.

Codes. A council is named by its GSS (ONS) code; a council with no GSS code
found (the county councils of the 2009 unitary counties, councils not yet
created) has a register id in lower case instead (`east-surrey`), which
never looks like a GSS code.

The API (everything is read-only; `register()` is built once and cached):

    from negotiator.vocab.councils import register
    reg = register()
    reg.council("E06000060")                 # Council: code, name, start, end, kind_on(day), county, sources
    reg.get("E99999999")                     # None for an unknown code (council() raises KeyError)
    reg.exists("E10000002", date(2011, 5, 1))    # True: Buckinghamshire County Council until 1 April 2020
    reg.councils_on(date(2011, 5, 1))        # every council existing that day (all tiers), by code
    reg.councils_on(day, tier="lower")       # only districts, unitaries, London boroughs (place members)
    reg.kind("E06000060", day)               # 'unitary' | 'county' | 'district' | 'metropolitan_district'
                                             # | 'london_borough' | None (not existing that day)
    reg.population("E06000063", day)         # Measured(value, day, source) nearest the day, or None
    reg.successors("E07000190", date(2024, 1, 1))  # ('E06000066',): Taunton Deane -> SW&T (2019) -> Somerset
    reg.predecessors("E06000060")            # the councils whose area Buckinghamshire took on 1 April 2020
    reg.ended_by("E07000004")                # the Reorganisation that ended a council (None if it still exists)
    reg.created_by("E06000060")              # the Reorganisation that created it (None: before the register)
    reg.why_not("E07000004", day)            # a sentence: when it came into being or ceased, and its successors
    reg.members_on(codes, day)               # place members as of a day (ceased ones -> successors, ...)
    reg.districts_of(county_code, day)       # the districts of a county council on a day
    reg.pending_on(day, codes)               # decided changes not applied (areas splitting districts) due by day
    reg.reorganisations, reg.proposals, reg.pending, reg.sources

`kind` values: `county` (a county council), `district` (a non-metropolitan
district), `metropolitan_district`, `unitary` (incl. the Isles of Scilly,
sui generis) and `london_borough` (incl. the City of London, which ONS counts
with them).

Population. A council of the Census table has its Census 2011 and 2021
counts; a council whose area is that of some councils of the table (`area`:
Cumberland is Allerdale, Carlisle and Copeland) has their sum; a county
council has the sum of its districts when each is known. A council abolished
between 2011 and 2021 has its own Census 2011 count on its boundaries of the
time (`census_2011` in councils.yaml, with its source) and no 2021 count; one
abolished before 2011 (the districts of 2009) has no bundled count: its
population is unknown (None), never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

from ..census import SOURCE as CENSUS_TABLE_SOURCE
from ..census import councils as census_table
from ..yamlio import parse_yaml

CENSUS_DAYS = {2011: date(2011, 3, 27), 2021: date(2021, 3, 21)}
KINDS = ("county", "district", "metropolitan_district", "unitary", "london_borough")
LOWER = frozenset({"district", "metropolitan_district", "unitary", "london_borough"})
STATUSES = ("in_force", "decided")
KIND_BY_PREFIX = {"E06": "unitary", "E07": "district", "E08": "metropolitan_district", "E09": "london_borough",
                  "E10": "county"}
CENSUS_SOURCE = "census"
CENSUS_2011_SOURCE = "census-2011-districts"


@dataclass(frozen=True)
class Measured:
    """A population count and the day it was counted, with its source."""

    value: int
    day: date
    source: str


@dataclass(frozen=True)
class Reorganisation:
    """A decided structural change: on `day` the predecessors cease and the successors come into being."""

    id: str
    title: str
    status: str                       # in_force | decided
    day: date
    decided: date | None
    successors: dict[str, tuple[str, ...]]   # successor code -> predecessors whose area it takes
    sources: tuple[str, ...]          # full citations
    note: str = ""

    @property
    def predecessors(self) -> tuple[str, ...]:
        return tuple(sorted({p for ps in self.successors.values() for p in ps}))


@dataclass(frozen=True)
class Proposal:
    """A reorganisation proposed but not decided: recorded, never applied to any date."""

    id: str
    area: str
    summary: str
    councils: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PendingChange:
    """A reorganisation decided but not applied: its new councils' areas are not whole councils of the register
    (the decision splits districts), so no date is changed by it; on and after `day` the councils of its area
    are still those before it, and what reads the register on such a date says so (`pending_on`)."""

    id: str
    area: str
    title: str
    decided: date
    day: date                          # its vesting day
    successors: tuple[str, ...]        # the new councils' names
    councils: tuple[str, ...]          # the councils it replaces
    note: str
    sources: tuple[str, ...]
    challenged: str = ""               # a challenge in the courts, as recorded ('' when none is recorded)

    def challenge(self) -> str:
        """'; challenged: ...' where the decision is challenged in the courts ('' otherwise)."""
        return f"; challenged: {self.challenged}" if self.challenged else ""

    def sentence(self) -> str:
        return (f"{self.title} replace the councils of the {self.area} from {self.day.isoformat()} (decided "
                f"{self.decided.isoformat()}: {short(self.sources[0])}{self.challenge()}), not applied by the "
                "register: the new councils' areas split districts and are not recorded, so the area's councils are "
                "given as before it")


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    kind: str
    start: date | None = None
    end: date | None = None
    county: str | None = None          # code of the county council a district lay in
    county_name: str = ""              # the Census table's county column (metropolitan counties too)
    region: str = ""
    area: tuple[str, ...] = ()         # Census-table councils whose area this council's area equals
    sources: tuple[str, ...] = ()      # full citations
    notes: tuple[str, ...] = ()
    in_census: bool = False
    census_2011: int | None = None     # its own Census 2011 count, on its boundaries then (abolished since)

    @property
    def gss(self) -> bool:
        """Whether `code` is a GSS code (otherwise a register id)."""
        return self.code[:1] == "E" and self.code[1:].isdigit()

    @property
    def tier(self) -> str:
        return "upper" if self.kind == "county" else "lower"

    def exists(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def kind_on(self, day: date) -> str | None:
        return self.kind if self.exists(day) else None


@dataclass
class Register:
    councils: dict[str, Council]
    reorganisations: tuple[Reorganisation, ...]
    proposals: tuple[Proposal, ...]
    sources: dict[str, str]
    pending: tuple[PendingChange, ...] = ()
    _created: dict[str, Reorganisation] = field(default_factory=dict)
    _ended: dict[str, Reorganisation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.reorganisations:
            for succ in r.successors:
                self._created[succ] = r
            for pred in r.predecessors:
                self._ended[pred] = r

    # -- single councils ------------------------------------------------------------------------------------
    def get(self, code: str) -> Council | None:
        return self.councils.get(code)

    def council(self, code: str) -> Council:
        found = self.councils.get(code)
        if found is None:
            raise KeyError(f"'{code}' is not a council of the register")
        return found

    def exists(self, code: str, day: date) -> bool:
        found = self.councils.get(code)
        return found is not None and found.exists(day)

    def kind(self, code: str, day: date) -> str | None:
        found = self.councils.get(code)
        return None if found is None else found.kind_on(day)

    def name(self, code: str) -> str:
        found = self.councils.get(code)
        return found.name if found else code

    def created_by(self, code: str) -> Reorganisation | None:
        return self._created.get(code)

    def ended_by(self, code: str) -> Reorganisation | None:
        return self._ended.get(code)

    def predecessors(self, code: str) -> tuple[str, ...]:
        r = self._created.get(code)
        return r.successors[code] if r else ()

    def successors(self, code: str, day: date | None = None) -> tuple[str, ...]:
        """The councils that took over the council's area, followed through every change up to `day`.

        Empty while the council still exists on `day` (or, without a day, has no decided end).
        """
        def standing(c: str) -> bool:
            r = self._ended.get(c)
            return r is None or (day is not None and r.day > day)
        return tuple(self._first_successors(code, standing, day))

    def _first_successors(self, code: str, found: Callable[[str], bool], day: date | None = None) -> list[str]:
        """The first councils, following the council's successors change after change (those ended by `day`,
        or all), of which `found` holds; sorted."""
        out: set[str] = set()
        todo, seen = [code], set()
        while todo:
            c = todo.pop()
            if c in seen:
                continue
            seen.add(c)
            if c != code and found(c):
                out.add(c)
                continue
            r = self._ended.get(c)
            if r is None or (day is not None and r.day > day):
                continue
            todo += [s for s, preds in r.successors.items() if c in preds]
        return sorted(out)

    def population(self, code: str, day: date) -> Measured | None:
        """The council's population counted nearest `day` (Census 2011 or 2021), or None when not known."""
        counts = self.census_counts(code)
        if not counts:
            return None
        year = min(counts, key=lambda y: (abs((CENSUS_DAYS[y] - day).days), y))
        value, source = counts[year]
        return Measured(value, CENSUS_DAYS[year], source)

    def census_counts(self, code: str) -> dict[int, tuple[int, str]]:
        """Census counts by year with their source: the table's own, or summed over the council's area."""
        table = census_table()
        if code in table:
            row = table[code]
            return {2011: (row.population_2011, "ONS Census 2011"), 2021: (row.population_2021, "ONS Census 2021")}
        c = self.councils.get(code)
        if c is None:
            return {}
        if c.census_2011 is not None:
            return {2011: (c.census_2011, "ONS Census 2011, on the council's boundaries then")}
        area = c.area
        what = "the area of " + ", ".join(table[a].name for a in area if a in table) if area else ""
        if not area and c.kind == "county":
            area = tuple(d.code for d in self.councils.values() if d.county == code)
            what = "its districts"
        if not area or any(a not in table for a in area):
            return {}
        return {y: (sum(getattr(table[a], f"population_{y}") for a in area), f"ONS Census {y}, sum over {what}")
                for y in (2011, 2021)}

    def census_units(self, codes: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Councils of the Census table covering exactly the area of `codes` (each once), and the codes that
        cannot be covered so (a council abolished before 2021 whose successor's area is not all in `codes`)."""
        table = census_table()
        units: set[str] = set()
        unresolved: set[str] = set()
        pending: dict[str, set[str]] = {}
        for code in codes:
            c = self.councils.get(code)
            if code in table:
                units.add(code)
            elif c is not None and c.area and all(a in table for a in c.area):
                units |= set(c.area)
            else:
                later = self._table_successors(code)
                if c is not None and c.kind != "county" and len(later) == 1:
                    pending.setdefault(later[0], set()).add(code)
                else:
                    unresolved.add(code)
        for unit, members in pending.items():
            if set(self._area_of([unit])) <= set(self._area_of(members)):
                units.add(unit)
            else:
                unresolved |= members
        return tuple(sorted(units)), tuple(sorted(unresolved))

    def population_of(self, codes: Iterable[str], year: int) -> int | None:
        """The Census `year` population of the area of `codes`, each person once; None when not known."""
        units, unresolved = self.census_units(codes)
        own = self._own_2011(unresolved, units) if unresolved and year == 2011 else None
        if (unresolved and own is None) or not (units or own):
            return None
        table = census_table()
        return sum(getattr(table[u], f"population_{year}") for u in units) + (own or 0)

    def _table_successors(self, code: str) -> list[str]:
        """The councils of the Census table that first took over the council's area, change after change
        (Taunton Deane: Somerset West and Taunton of 2019, not the Somerset of 2023 the table does not hold)."""
        return self._first_successors(code, census_table().__contains__)

    def _own_2011(self, unresolved: Iterable[str], units: Iterable[str]) -> int | None:
        """The 2011 count of councils the Census table cannot cover, from their own counts (census_2011),
        when each has one and none shares area with `units` (each person once); else None."""
        found = [self.councils.get(u) for u in unresolved]
        if any(c is None or c.census_2011 is None for c in found):
            return None
        if set(self._area_of(units)) & set(self._area_of(unresolved)):
            return None
        return sum(c.census_2011 for c in found if c is not None and c.census_2011 is not None)

    def pending_on(self, day: date, codes: Iterable[str] | None = None) -> list[PendingChange]:
        """The decided reorganisations the register does not apply whose vesting day is on or before `day`
        (only those replacing one of `codes`, when given): on `day` their councils are given as before them."""
        wanted = None if codes is None else set(codes)
        return [p for p in self.pending
                if p.day <= day and (wanted is None or wanted & set(p.councils))]

    # -- many councils ---------------------------------------------------------------------------------------
    def councils_on(self, day: date, tier: str | None = None) -> list[Council]:
        """Every council existing on `day`, by code; `tier='lower'` (place members) or `'upper'` (counties)."""
        return [c for code, c in sorted(self.councils.items())
                if c.exists(day) and (tier is None or c.tier == tier)]

    def districts_of(self, county: str, day: date) -> list[Council]:
        return [c for code, c in sorted(self.councils.items()) if c.county == county and c.exists(day)]

    def why_not(self, code: str, day: date) -> str:
        """Why a council does not exist on `day`, in a sentence naming the change and its source ('' if it does)."""
        c = self.councils.get(code)
        if c is None:
            return f"{code} is not a council of the register"
        if c.exists(day):
            return ""
        if c.start is not None and day < c.start:
            r = self._created.get(code)
            how = f" ({r.title}, {r.status.replace('_', ' ')}: {short(r.sources[0])})" if r else ""
            return f"{c.name} ({code}) comes into being on {c.start.isoformat()}{how}"
        assert c.end is not None  # it has begun and does not exist: it has ended
        r = self._ended.get(code)
        succ = self.successors(code, day)
        names = ", ".join(f"{self.name(s)} ({s})" for s in succ)
        how = f" ({r.title}: {short(r.sources[0])})" if r else ""
        return f"{c.name} ({code}) ceased on {c.end.isoformat()}{how}" + (f"; succeeded by {names}" if names else "")

    def members_on(self, codes: Iterable[str], day: date) -> tuple[tuple[str, ...], list[str]]:
        """A place's member councils as of `day`, and the reasons it cannot be given ([] when it can).

        A member that has ceased is replaced by its successors, and a member not yet created by its
        predecessors, where they cover exactly the members' area (every predecessor of each successor is
        among the members, and the other way round); otherwise a reason says which member and why.
        """
        codes = tuple(codes)
        out: list[str] = []
        problems: list[str] = []
        for code in codes:
            c = self.councils.get(code)
            if c is None:
                problems.append(f"{code} is not a council of the register")
            elif c.exists(day):
                out.append(code)
            elif c.end is not None and day >= c.end:
                out += self.successors(code, day)
            else:
                out += self._lower_ancestors(code, day)
        members = tuple(sorted(set(out)))
        if problems:
            return members, problems
        area = set(self._area_of(codes))
        if set(self._area_of(members)) != area:
            return members, self._mismatch([code for code in codes if not self.exists(code, day)], day)
        return members, []

    def _mismatch(self, moved: list[str], day: date) -> list[str]:
        """One sentence per change: the members it ended or has not yet created, and why the place's area
        cannot be given in the councils of `day`."""
        by_change: dict[str, list[str]] = {}
        for code in moved:
            c = self.councils[code]
            r = self._ended.get(code) if c.end is not None and day >= c.end else self._created.get(code)
            by_change.setdefault(r.id if r else "", []).append(code)
        out = []
        for rid, codes in by_change.items():
            r = next((x for x in self.reorganisations if x.id == rid), None)
            names = ", ".join(f"{self.name(c)} ({c})" for c in codes)
            if r is None:
                out.append(f"{names} do not exist on {day.isoformat()}")
            elif r.day <= day:
                succ = sorted({s for c in codes for s in self.successors(c, day)})
                out.append(f"{names} ceased on {r.day.isoformat()} ({short(r.sources[0])}); their successors "
                           f"{', '.join(f'{self.name(s)} ({s})' for s in succ)} also cover councils outside the place")
            else:
                preds = sorted({p for c in codes for p in self.predecessors(c)})
                out.append(f"{names} come into being on {r.day.isoformat()} ({short(r.sources[0])}); before then "
                           f"their area is that of {', '.join(self.name(p) for p in preds)}, which also cover "
                           "councils outside the place")
        return out

    def _lower_ancestors(self, code: str, day: date) -> list[str]:
        out = []
        for p in self.predecessors(code):
            pc = self.councils.get(p)
            if pc is None or pc.kind == "county":
                continue
            out += [p] if pc.exists(day) else self._lower_ancestors(p, day)
        return out

    def _area_of(self, codes: Iterable[str]) -> list[str]:
        """The finest councils (ancestors without predecessors in the register, lower tier) covering `codes`."""
        out: list[str] = []
        for code in codes:
            preds = [p for p in self.predecessors(code) if self.councils.get(p) and self.councils[p].kind != "county"]
            out += self._area_of(preds) if preds else [code]
        return sorted(set(out))


def short(citation: str) -> str:
    """A citation's title: the text before its first colon, without a parenthesis giving a number or publisher."""
    title = citation.split(": ", 1)[0]
    return re.sub(r" \((S\.I\.|Ministry|github|draft)[^)]*\)", "", title)


def _kind_of(code: str) -> str:
    return KIND_BY_PREFIX.get(code[:3], "district")


def _cite(sources: dict[str, str], keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(sources[k] for k in keys)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def build(text: str, name: str = "councils.yaml") -> Register:
    """The register from the text of a councils.yaml and the bundled Census table."""
    data = parse_yaml(text, name).data
    sources: dict[str, str] = dict(data["sources"])
    table = census_table()
    county_codes: dict[str, str] = {}
    entries = {e["code"]: e for e in data["councils"]}
    for e in data["councils"]:
        if e.get("kind") == "county" and e.get("name"):
            county_codes[e["name"].removesuffix(" County Council")] = e["code"]
    reorgs = []
    for r in data["reorganisations"]:
        if r["status"] not in STATUSES:
            raise ValueError(f"{name}: reorganisation {r['id']}: status must be one of {', '.join(STATUSES)}")
        reorgs.append(Reorganisation(
            r["id"], r["title"], r["status"], r["date"], r.get("decided"),
            {s: tuple(p) for s, p in r["successors"].items()}, _cite(sources, r["sources"]), r.get("note", "")))
    created = {s: r for r in reorgs for s in r.successors}
    ended = {p: r for r in reorgs for p in r.predecessors}
    out: dict[str, Council] = {}
    for code in sorted(set(table) | set(entries)):
        row = table.get(code)
        e = entries.get(code, {})
        kind = e.get("kind") or _kind_of(code)
        county_name = row.county if row else ""
        county = e.get("county") or county_codes.get(county_name)
        cites = list(_cite(sources, _as_list(e.get("source"))))
        if row:
            cites.append(sources.get(CENSUS_SOURCE, CENSUS_TABLE_SOURCE))
        if e.get("census_2011") is not None:
            cites.append(sources[CENSUS_2011_SOURCE])
        start = created[code].day if code in created else None
        end = ended[code].day if code in ended else None
        for r in (created.get(code), ended.get(code)):
            if r is not None:
                cites += [s for s in r.sources if s not in cites]
        out[code] = Council(
            code=code, name=e.get("name") or (row.name if row else code), kind=kind, start=start, end=end,
            county=county, county_name=county_name or "", region=row.region if row else "",
            area=tuple(e.get("area") or ()), sources=tuple(cites), notes=tuple(_as_list(e.get("note"))),
            in_census=row is not None, census_2011=e.get("census_2011"))
        if kind not in KINDS:
            raise ValueError(f"{name}: council {code}: kind must be one of {', '.join(KINDS)}")
    for r in reorgs:
        for code in list(r.successors) + list(r.predecessors):
            if code not in out:
                raise ValueError(f"{name}: reorganisation {r.id} names {code}, which is not a council of the register")
    proposals = tuple(Proposal(p["id"], p["area"], p["summary"], tuple(p.get("councils") or ()),
                               _cite(sources, p["sources"])) for p in data.get("proposals") or ())
    pending = tuple(PendingChange(p["id"], p["area"], p["title"], p["decided"], p["date"], tuple(p["successors"]),
                                  tuple(p["councils"]), " ".join(str(p.get("note", "")).split()),
                                  _cite(sources, p["sources"]), " ".join(str(p.get("challenged", "")).split()))
                    for p in data.get("decided_not_applied") or ())
    for change in pending:
        for code in change.councils:
            if code not in out:
                raise ValueError(f"{name}: decided change {change.id} names {code}, which is not a council of the "
                                 "register")
    return Register(out, tuple(sorted(reorgs, key=lambda r: (r.day, r.id))), proposals, sources,
                    tuple(sorted(pending, key=lambda p: (p.day, p.id))))


@lru_cache(maxsize=1)
def register() -> Register:
    """The bundled register: built once per process, and kept in the cache (negotiator/cache.py) between runs,
    keyed by the bytes of councils.yaml and of the Census table it is built from (and by the code building it)."""
    import hashlib

    from ..cache import cached
    data = resources.files("negotiator").joinpath("data")
    text = data.joinpath("councils.yaml").read_text("utf-8")
    census = data.joinpath("census-population-by-council.csv").read_bytes()
    parts = (hashlib.sha256(text.encode("utf-8")).hexdigest(), hashlib.sha256(census).hexdigest())
    return cached("councils", parts, lambda: build(text, "negotiator/data/councils.yaml"),
                  lambda found: isinstance(found, Register))
