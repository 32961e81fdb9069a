"""The geography of English councils as data: who borders whom, and the areas councils make up.

Everything here is bundled in negotiator/data/ with its source (negotiator/data/README.md):

- `council-neighbours-2021.csv`: districts that share a boundary (ONS, December 2021 boundaries; 823 pairs).
- links the boundaries miss (the Isle of Wight's ferries), each with its source: declared in
  `rules/footprints/links.yaml` of the workspace (or the bundled copy), data a policy analyst edits.
- `police-fire-areas-2021.csv`: the districts of each police force area and fire and rescue authority area.
- `strategic-authorities.csv`: the strategic authorities of places/ and the date each began
  (scripts/strategic-authorities.py writes it).
- county areas: the county column of the Census table (Inner and Outer London as Greater London).

The graph is of the 2021 districts. A council created later (Cumberland, North Yorkshire, Somerset in
2023; the councils of later reorganisations) is read through the council register (vocab/councils.py)
as the districts it replaced (`base`): its neighbours are its predecessors' neighbours, less themselves,
each named as the council that exists on the date (`neighbours_on`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..census import councils

NEIGHBOURS_SOURCE = ("ONS, ONSvisual 'Local-Authority-Districts-2021-neighbours' (districts sharing a boundary, "
                     "from the LAD December 2021 boundaries), Open Government Licence")
POLICE_SOURCE = ("Police Act 1996, Schedule 1 (police areas in England), as amended; districts from the Census "
                 "table's county column")
FIRE_SOURCE = ("ONS, Local Authority District to Fire and Rescue Authority (December 2021) Lookup in England and "
               "Wales (LAD21_FRA21_EW_LU); districts from the Census table's county column")
LONDON_PARTS = ("Inner London", "Outer London")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("negotiator").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class Link:
    """A link between two councils that share no boundary (a ferry), with its source."""
    a: str
    b: str
    kind: str
    source: str


@dataclass(frozen=True)
class Area:
    """A police force area, a fire and rescue authority area or a county area: a set of districts."""
    kind: str
    id: str
    title: str
    members: frozenset[str]
    source: str


@dataclass(frozen=True)
class Authority:
    """A strategic authority of places/, from the date it began."""
    id: str
    name: str
    kind: str
    start: date
    members: frozenset[str]
    source: str


class Geography:
    """The councils as a graph (boundaries and declared links) with the areas they make up."""

    def __init__(self, extra_links: Iterable[Link] = ()):
        table = councils()
        self.codes: tuple[str, ...] = tuple(sorted(table))
        self.adjacent: dict[str, set[str]] = {c: set() for c in self.codes}
        for row in _rows("council-neighbours-2021.csv"):
            self._join(row["lad_code_a"], row["lad_code_b"])
        self.links: list[Link] = declared_links() + list(extra_links)
        for link in self.links:
            self._join(link.a, link.b)
        self.population = {c: table[c].population_2021 for c in self.codes}
        self.population_2011 = {c: table[c].population_2011 for c in self.codes}
        self.names = {c: table[c].name for c in self.codes}
        self.areas: dict[str, list[Area]] = {"police": [], "fire": [], "county": []}
        grouped: dict[tuple[str, str], list[dict[str, str]]] = {}
        for row in _rows("police-fire-areas-2021.csv"):
            grouped.setdefault((row["kind"], row["area"]), []).append(row)
        for (kind, aid), rows in sorted(grouped.items()):
            self.areas[kind].append(Area(kind, aid, rows[0]["title"], frozenset(r["lad_code"] for r in rows),
                                         POLICE_SOURCE if kind == "police" else FIRE_SOURCE))
        counties: dict[str, set[str]] = {}
        for c in self.codes:
            county = table[c].county
            if county:
                counties.setdefault("Greater London" if county in LONDON_PARTS else county, set()).add(c)
        self.areas["county"] = [Area("county", name, name, frozenset(m), "ONS Census table, county column")
                                for name, m in sorted(counties.items())]
        self.area_of: dict[str, dict[str, Area]] = {
            kind: {c: a for a in areas for c in a.members} for kind, areas in self.areas.items()}
        self.authorities: list[Authority] = [
            Authority(r["id"], r["name"], r["kind"], date.fromisoformat(r["from"]), frozenset(r["members"].split()),
                      r["source"]) for r in _rows("strategic-authorities.csv")]

    def _join(self, a: str, b: str) -> None:
        if a in self.adjacent and b in self.adjacent and a != b:
            self.adjacent[a].add(b)
            self.adjacent[b].add(a)

    # --- the graph ---------------------------------------------------------------------------------
    def neighbours(self, code: str) -> list[str]:
        """The councils bordering `code` (or linked to it), sorted."""
        return sorted(self.adjacent.get(code, ()))

    def components(self, codes: Iterable[str]) -> list[list[str]]:
        """The connected parts of the councils `codes`, each sorted, largest population first."""
        left = set(codes)
        out = []
        while left:
            start = min(left)
            seen = {start}
            todo = [start]
            while todo:
                for n in self.adjacent.get(todo.pop(), ()):
                    if n in left and n not in seen:
                        seen.add(n)
                        todo.append(n)
            left -= seen
            out.append(sorted(seen))
        out.sort(key=lambda part: (-sum(self.population.get(c, 0) for c in part), part))
        return out

    # --- councils in time (the register) ---------------------------------------------------------------
    def base(self, codes: Iterable[str]) -> frozenset[str] | None:
        """The 2021 districts that make up the councils (a later council: the districts it replaced), or
        None where a council is neither a 2021 district nor made of them (unknown)."""
        from ..vocab.councils import register
        reg = register()
        out: set[str] = set()
        for code in codes:
            if code in self.adjacent:
                out.add(code)
                continue
            preds = [p for p in reg.predecessors(code) if getattr(reg.get(p), "kind", None) != "county"]
            found = self.base(preds) if preds else None
            if not found:
                return None
            out |= found
        return frozenset(out)

    def neighbours_on(self, code: str, on: date) -> list[str]:
        """The councils existing on the date that border `code`: a successor's are its predecessors'."""
        from ..vocab.councils import register
        reg = register()
        own = self.base([code]) or frozenset()
        found: set[str] = set()
        for n in {n for c in own for n in self.adjacent[c]} - own:
            council = reg.get(n)
            later = reg.successors(n, on) if council is not None and not council.exists(on) else ()
            found |= set(later) if later else {n}
        return sorted(found - {code} - set(reg.successors(code, on)))

    def contiguous(self, codes: Iterable[str]) -> bool:
        codes = set(codes)
        return bool(codes) and len(self.components(codes)) == 1

    def people(self, codes: Iterable[str], year: int = 2021) -> int:
        table = self.population if year == 2021 else self.population_2011
        return sum(table.get(c, 0) for c in codes)

    # --- authorities in time -------------------------------------------------------------------------
    def authorities_on(self, on: date) -> list[Authority]:
        return [a for a in self.authorities if a.start <= on]

    def taken_on(self, on: date) -> dict[str, Authority]:
        """Each council in the area of a strategic authority on the date, with its authority."""
        return {c: a for a in self.authorities_on(on) for c in a.members}

    def free_on(self, on: date) -> list[str]:
        """The councils in no strategic authority's area on the date."""
        taken = self.taken_on(on)
        return [c for c in self.codes if c not in taken]


def declared_links(path: Path | None = None) -> list[Link]:
    """The links of `rules/footprints/links.yaml` (the workspace's, or the bundled copy), checked: each joins
    two known councils, with a kind and a source; a problem is an error naming the file, line and field."""
    from .. import workspace
    from ..errors import InputError, nearest
    from ..yamlio import load_yaml
    path = path or workspace.current().rules / "footprints" / "links.yaml"
    if not path.is_file():
        return []
    doc = load_yaml(path, workspace.display(path))
    codes = set(councils())
    problems = []
    out = []
    items = doc.data.get("links") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        raise InputError([doc.problem((), "expected a mapping with a list under links:")])
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) - {"between", "kind", "source"}:
            problems.append(doc.problem(("links", i), "a link has between: [CODE, CODE], kind: and source: only"))
            continue
        pair = item.get("between")
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(c, str) for c in pair)):
            problems.append(doc.problem(("links", i, "between"),
                                        "expected two council codes, e.g. [E06000044, E06000046]"))
            continue
        unknown = [c for c in pair if c not in codes]
        for c in unknown:
            problems.append(doc.problem(("links", i, "between"), f"'{c}' is not a council of the Census table",
                                        nearest(c, codes)))
        if not str(item.get("source") or "").strip() or not str(item.get("kind") or "").strip():
            problems.append(doc.problem(("links", i), "a link needs a kind (ferry, bridge, ...) and a public source"))
            continue
        if not unknown:
            out.append(Link(pair[0], pair[1], str(item["kind"]), " ".join(str(item["source"]).split())))
    if problems:
        raise InputError(problems)
    return out


@lru_cache(maxsize=1)
def geography() -> Geography:
    """The geography (built once): the bundled data and the workspace's declared links."""
    return Geography()
