"""A footprint judged against a pack as of a date: each condition met or not, what it would unlock.

The pack names what a footprint must meet in one rule, `footprint.qualifies` (the 2026 pack: scale,
contiguity, no overlap, no islands); its other `footprint.*` rules (police and fire areas) are reported as
alignment. The facts come from the members (vocab/footprint_facts.py); a place of places/ brings its own stated facts too
(an exception to the assumed population, say). What a footprint would unlock is the pack's decision for it
as a new authority in each form the pack's vocabulary can state (without and with a mayor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import InputError, Problem
from ..options.state import decide_facts, facts_with
from ..pack.ir import Pack, rules_in
from ..results import Status
from ..vocab.profile import Entry, Profile
from ..vocab.footprint_facts import NAMES, census_year, islands_left, overlapping
from ..vocab.geo import Geography, geography
from .results import AreaShare, Condition, Council, Form, Judgement, Overlap

QUALIFIES = "footprint.qualifies"
ISLAND_PENALTY = 250_000  # people: ranking only, a footprint that strands a council ranks below one that does not

#: the forms a footprint could take as a new authority, where the pack declares these facts and values
FORMS = (
    ("foundation", "Formed as a combined county authority without a mayor (a foundation strategic authority)",
     {"authority.kind": "combined_county_authority", "accountability.model": "combined_authority"}),
    ("mayoral", "Formed as a mayoral combined county authority, its mayor elected",
     {"authority.kind": "mayoral_combined_county_authority", "accountability.model": "directly_elected_mayor"}),
)


@dataclass(frozen=True)
class Footprint:
    """A grouping to judge: members, and the place profile it comes from (or a bare one)."""
    name: str
    members: frozenset[str]
    profile: Profile
    place: str | None = None


def qualifying_rule(pack: Pack) -> str:
    if QUALIFIES not in pack.rules:
        raise InputError([Problem(f"rules/{pack.id}/rules.yaml", f"the pack declares no rule '{QUALIFIES}' (what a "
                                  "footprint must meet); add one, reading the footprint.* facts (rules/README.md)",
                                  suggestion="use --rules english-devolution-2026")])
    return QUALIFIES


def bare(pack: Pack, members: frozenset[str], on: date, name: str) -> Footprint:
    """A proposed footprint of councils: the members, their Census population and kind (a grouping)."""
    geo = geography()
    year = census_year(on)
    facts: dict[str, tuple[Entry, ...]] = {}
    if "population" in pack.facts:
        day = date(2021, 3, 21) if year == 2021 else date(2011, 3, 27)
        facts["population"] = (Entry(geo.people(members, year), day, f"ONS Census {year}, sum of the members"),)
    kind = pack.facts.get("kind")
    if kind is not None and len(members) > 1 and "sub_regional_partnership" in kind.values:
        facts["kind"] = (Entry("sub_regional_partnership", None, "a grouping of councils"),)
    if "authority.kind" in pack.facts:
        facts["authority.kind"] = (Entry("none", None, "a proposed footprint"),)
    profile = Profile("footprint", name, tuple(sorted(members)), (), (), facts, "")
    return Footprint(name, members, profile)


def council(geo: Geography, code: str) -> Council:
    return Council(code=code, name=geo.names[code], population=geo.population[code])


def _condition(pack: Pack, rid: str, truths: dict[str, Any]) -> Condition:
    rule = pack.rules[rid]
    return Condition(rule=rid, statement=rule.statement, source=rule.source, source_title=pack.cite(rule.source),
                     met=truths.get(rid))


#: facts a formed authority's area decides: its area is the area of a police force (of a fire and rescue
#: authority) exactly where the footprint's councils are those of one such area
ALIGNED = (("police.area_matches", "police"), ("fire.area_matches", "fire"))


def _forms(pack: Pack, fp: Footprint, on: date) -> list[Form]:
    geo = geography()
    out = []
    aligned = {}
    for name, kind in ALIGNED:
        reached = {geo.area_of[kind].get(c) for c in fp.members}
        whole = [a for a in reached if a is not None]
        if name in pack.facts and len(whole) == len(reached):
            aligned[name] = len(whole) == 1 and whole[0].members == fp.members
    for fid, title, sets in FORMS:
        if not all(n in pack.facts and v in pack.facts[n].values for n, v in sets.items()):
            continue
        outcome = decide_facts(pack, facts_with(pack, fp.profile, on, {**aligned, **sets}), on)
        out.append(Form(id=fid, title=title, eligible=outcome.eligible,
                        available=[p for p, s in outcome.statuses.items() if s == Status.available]))
    return out


def judge(pack: Pack, fp: Footprint, on: date, with_forms: bool = True) -> Judgement:
    geo = geography()
    rid = qualifying_rule(pack)
    facts = facts_with(pack, fp.profile, on, {})
    truths = decide_facts(pack, facts, on).truths
    conditions = [_condition(pack, r, truths) for r in rules_in(pack.rules[rid].when)]
    alignment = [_condition(pack, r, truths) for r in sorted(pack.rules)
                 if r.startswith("footprint.") and r != rid and r not in {c.rule for c in conditions}]
    taken = geo.taken_on(on)
    overlap = [Overlap(council=council(geo, c), authority=taken[c].id, authority_name=taken[c].name,
                       since=taken[c].start) for c in overlapping(geo, fp.members, on)]
    areas = []
    for kind in ("police", "fire", "county"):
        reached = {geo.area_of[kind][c] for c in fp.members if c in geo.area_of[kind]}
        for a in sorted(reached, key=lambda a: a.id):
            inside = len(a.members & fp.members)
            areas.append(AreaShare(kind=kind, id=a.id, title=a.title, whole=inside == len(a.members), inside=inside,
                                   districts=len(a.members), source=a.source))
    islands = islands_left(geo, fp.members, on)
    year = census_year(on)
    people = geo.people(fp.members, year)
    align = (facts.get("footprint.police_whole_percent") or 0) + (facts.get("footprint.fire_whole_percent") or 0)
    return Judgement(
        name=fp.name, place=fp.place, members=[council(geo, c) for c in sorted(fp.members)],
        population=people, population_year=year, parts=geo.components(fp.members),
        facts={n: facts.get(n) for n in NAMES}, qualifies=truths.get(rid), conditions=conditions,
        alignment=alignment, failed=[c.rule for c in conditions if c.met is False],
        islands=[council(geo, c) for c in islands], overlap=overlap, areas=areas,
        unlocks=_forms(pack, fp, on) if with_forms else [],
        score=people - ISLAND_PENALTY * len(islands) + align * 1000)


def _council_codes(geo: Geography) -> dict[str, str]:
    """Council codes by code and by lower-case name: the 2021 districts, and the lower-tier councils of the
    register made of them (Cumberland, North Yorkshire, ...)."""
    from ..vocab.councils import register
    out: dict[str, str] = {}
    for c in register().councils.values():
        if c.kind != "county" and geo.base([c.code]):
            out[c.code] = c.code
            out.setdefault(c.name.lower(), c.code)
    out.update({c: c for c in geo.codes})
    out.update({geo.names[c].lower(): c for c in geo.codes})
    return out


def resolve(pack: Pack, refs: list[str], on: date) -> list[Footprint]:
    """Footprints from the command line: each place (a profile or an id) one footprint, and the councils
    named (ONS codes or names) together one more."""
    from ..errors import nearest
    from ..vocab.places import load_place, resolve_place
    geo = geography()
    known = _council_codes(geo)
    out: list[Footprint] = []
    loose: list[str] = []
    problems: list[Problem] = []
    for ref in refs:
        code = known.get(ref) or known.get(ref.lower())
        if code is not None:
            loose.append(code)
            continue
        try:
            lp = load_place(resolve_place(ref), pack)
        except InputError as exc:
            if ref.endswith((".yaml", ".yml")) or "/" in ref:
                problems += exc.problems
            else:
                problems.append(Problem(ref, "is neither a place of places/ nor a council (an ONS code or name)",
                                        suggestion=nearest(ref, list(known) + [p.stem for p in _place_files()])))
            continue
        out.append(Footprint(lp.profile.name, frozenset(lp.profile.members), lp.profile, lp.id))
    if problems:
        raise InputError(problems)
    if loose:
        members = geo.base(loose) or frozenset(loose)  # a council created since 2021: the districts it replaced
        name = " + ".join(geo.names[c] for c in sorted(members)) if len(members) <= 4 else \
            f"{len(members)} councils: {geo.names[min(members)]} and others"
        out.append(bare(pack, members, on, name))
    return out


def _place_files():
    from .. import workspace
    folder = workspace.current().places
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def area_councils(pack: Pack, within: str | None) -> tuple[str, list[str]]:
    """The councils of an area named with --within: England, a region, a county area or a place."""
    from ..census import councils
    from ..errors import nearest
    from ..vocab.places import load_place, resolve_place
    geo = geography()
    if within is None or within.lower() == "england":
        return "England", list(geo.codes)
    regions = sorted({row.region for row in councils().values()})
    for r in regions:
        if r.lower() == within.lower():
            return r, [c for c, row in councils().items() if row.region == r]
    for a in geo.areas["county"]:
        if a.id.lower() == within.lower():
            return a.title, sorted(a.members)
    try:
        lp = load_place(resolve_place(within), pack)
        return lp.profile.name, sorted(lp.profile.members)
    except InputError:
        names = ["England"] + regions + [a.id for a in geo.areas["county"]] + [p.stem for p in _place_files()]
        raise InputError([Problem("--within", f"'{within}' is not England, a region, a county area or a place",
                                  suggestion=nearest(within, names))]) from None
