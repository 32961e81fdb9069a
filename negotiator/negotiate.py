"""Negotiation rounds: evaluate many places, rank them, assign tranches, count coverage.

A round (brief section 8; route-map section 7 'The level for negotiations')
takes the most ready and willing places first, as many as the centre can
negotiate with at once, and the rest in later tranches. A council belongs to
one negotiation at a time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .census import SOURCE as CENSUS_SOURCE
from .census import councils, england_population
from .decide import decide
from .errors import InputError, Problem, nearest
from .evaluators import evaluator_for
from .ir import Pack
from .places import LoadedPlace
from .validation import validate_model
from .yamlio import Located, load_yaml

TIE_BREAK = ("Places are ranked by readiness score (highest first); ties go to the larger population "
             "(more people covered per negotiation), then to the place id in alphabetical order.")
CONFLICT_RULE = ("A council cannot be in two concurrent negotiations: where two candidates share a member "
                 "council, the higher-ranked one keeps its tranche and the other moves to the next tranche "
                 "in which it shares no council with another place.")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PopulationBase(_Strict):
    """The population coverage is measured against (England by default)."""

    name: str = "England"
    population: int = Field(gt=0)
    year: int = Field(ge=1800, le=2100)
    source: str = Field(min_length=1)


class Scenario(_Strict):
    """A named set of places whose coverage the report also shows (e.g. the route-map's own sum)."""

    name: str = Field(min_length=1)
    places: list[str] = Field(min_length=1)
    note: str = ""


class RoundConfig(_Strict):
    """A round config (rounds/*.yaml)."""

    name: str = Field(min_length=1)
    date: date
    description: str = ""
    capacity: int = Field(default=12, gt=0, description="Negotiations the centre can run at once (route-map: 'a dozen or so').")
    reduction_percent: Optional[float] = Field(default=None, ge=0, lt=100)
    retention_share: Optional[float] = Field(default=None, ge=0, le=100)
    horizon_years: int = Field(default=3, gt=0, le=20)
    population_base: Optional[PopulationBase] = None
    already_devolved: list[str] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)

    @field_validator("reduction_percent", "retention_share", mode="before")
    @classmethod
    def _ints_are_numbers(cls, value: Any) -> Any:
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def default_config() -> RoundConfig:
    return RoundConfig(name="Negotiation round", date=date(2011, 3, 1))


def load_config(path: Path | str) -> tuple[RoundConfig, Located]:
    doc = load_yaml(path, str(path))
    return validate_model(RoundConfig, doc), doc


def check_config_places(config: RoundConfig, doc: Located | None, ids: list[str]) -> None:
    """Every place a config names must be in the round."""
    problems = []
    def check(path: tuple, pid: str) -> None:
        if pid not in ids:
            message = f"'{pid}' is not one of the places in this round"
            if doc is None:
                problems.append(Problem("round config", message, suggestion=nearest(pid, ids)))
            else:
                problems.append(doc.problem(path, message, nearest(pid, ids)))
    for i, pid in enumerate(config.already_devolved):
        check(("already_devolved", i), pid)
    for i, sc in enumerate(config.scenarios):
        for j, pid in enumerate(sc.places):
            check(("scenarios", i, "places", j), pid)
    if problems:
        raise InputError(problems)


def population_base(config: RoundConfig) -> dict:
    if config.population_base is not None:
        b = config.population_base
        return {"name": b.name, "population": b.population, "year": b.year, "source": b.source}
    return {"name": "England", "population": england_population(2011), "year": 2011,
            "source": CENSUS_SOURCE + ", sum of all English districts"}


def coverage(place_ids: list[str], members: dict[str, list[str]], base: dict) -> dict:
    """Population of the union of the places' member councils, so nobody is counted twice."""
    codes = sorted({code for pid in place_ids for code in members[pid]})
    table = councils()
    year = base["year"]
    population = sum(table[c].population_2021 if year >= 2021 else table[c].population_2011 for c in codes)
    return {
        "population": population,
        "base": base["population"],
        "share": round(population / base["population"], 4),
        "places": sorted(place_ids),
        "councils": len(codes),
        "method": f"sum of the {'2021' if year >= 2021 else '2011'} Census population of each member council "
                  "counted once",
    }


def run_round(pack: Pack, loaded: list[LoadedPlace], config: RoundConfig, config_doc: Located | None = None,
              engine: str = "durable", progress: Callable[[str], None] | None = None) -> dict:
    """Evaluate every place and plan the round. Returns the JSON-ready round."""
    ids = [lp.place.id for lp in loaded]
    check_config_places(config, config_doc, ids)
    evaluator = evaluator_for(pack, engine)
    budget_params: dict[str, float] = {"horizon_years": config.horizon_years}
    if config.reduction_percent is not None:
        budget_params["reduction_percent"] = config.reduction_percent
    if config.retention_share is not None:
        budget_params["retention_share"] = config.retention_share
    evaluations: dict[str, dict] = {}
    for lp in loaded:
        evaluations[lp.place.id] = decide(pack, lp.place, evaluator, budget_params).to_json()
        if progress:
            progress(lp.place.id)
    members = {lp.place.id: list(lp.place.members) for lp in loaded}
    population = {lp.place.id: lp.place.population or 0 for lp in loaded}

    devolved = set(config.already_devolved)
    eligible = [pid for pid in ids if evaluations[pid]["negotiation"]["eligible"] is True and pid not in devolved]
    not_eligible = sorted(pid for pid in ids if evaluations[pid]["negotiation"]["eligible"] is False)
    undetermined = sorted(pid for pid in ids if evaluations[pid]["negotiation"]["eligible"] is None)
    score = {pid: evaluations[pid]["readiness"]["score"] for pid in ids}
    ranked = sorted(eligible, key=lambda pid: (-score[pid], -population[pid], pid))

    tranches: list[list[str]] = []
    tranche_of: dict[str, int] = {}
    deferred_by: dict[str, list[tuple[str, list[str], int]]] = {}
    remaining = list(ranked)
    while remaining:
        current: list[str] = []
        carried: list[str] = []
        for pid in remaining:
            clash = [(other, sorted(set(members[pid]) & set(members[other]))) for other in current]
            clash = [(o, shared) for o, shared in clash if shared]
            if clash or len(current) >= config.capacity:
                carried.append(pid)
                for other, shared in clash:
                    deferred_by.setdefault(pid, []).append((other, shared, len(tranches) + 1))
            else:
                current.append(pid)
                tranche_of[pid] = len(tranches) + 1
        tranches.append(current)
        remaining = carried

    conflicts = _conflicts(ids, members, evaluations, tranche_of, deferred_by, devolved)
    base = population_base(config)
    first = tranches[0] if tranches else []
    covered = coverage(sorted(set(first) | devolved), members, base)
    scenarios = []
    for sc in config.scenarios:
        cov = coverage(sorted(set(sc.places) | devolved), members, base)
        scenarios.append({"name": sc.name, "note": sc.note, "with_already_devolved": sorted(devolved), **cov})

    deals = []
    for pid in ids:
        ev = evaluations[pid]
        rank = ranked.index(pid) + 1 if pid in ranked else None
        deals.append({"place": pid, "name": ev["place"]["name"], "tranche": tranche_of.get(pid),
                      "rank": rank, "already_devolved": pid in devolved,
                      "readiness": ev["readiness"], "sheet": deal_sheet(pack, ev), "evaluation": ev})
    return {
        "round": {"name": config.name, "date": config.date.isoformat(), "description": config.description,
                  "capacity": config.capacity, "horizon_years": config.horizon_years,
                  "reduction_percent": budget_params.get("reduction_percent", pack.parameters["reduction_percent"].value),
                  "retention_share": budget_params.get("retention_share", pack.parameters["retention_share"].value),
                  "tie_break": TIE_BREAK, "conflict_rule": CONFLICT_RULE},
        "rule_pack": {"id": pack.id, "version": pack.version, "hash": pack.hash,
                      "parameters": {k: p.value for k, p in sorted(pack.parameters.items())}},
        "engine": engine,
        "tranches": [{"number": i + 1, "places": t} for i, t in enumerate(tranches)],
        "ranking": [{"place": pid, "rank": i + 1, "score": score[pid],
                     "score_if_unknowns_hold": evaluations[pid]["readiness"]["score_if_unknowns_hold"],
                     "population": population[pid] or None, "tranche": tranche_of[pid]}
                    for i, pid in enumerate(ranked)],
        "already_devolved": sorted(devolved),
        "not_eligible": not_eligible,
        "eligibility_undetermined": undetermined,
        "coverage": {**covered, "base_name": base["name"], "base_year": base["year"], "base_source": base["source"],
                     "counted": "first tranche plus places already devolved"},
        "scenarios": scenarios,
        "conflicts": conflicts,
        "deals": deals,
    }


def _conflicts(ids, members, evaluations, tranche_of, deferred_by, devolved) -> list[dict]:
    """Every pair of places in the round that share member councils, and what the round did about it."""
    table = councils()
    out = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            shared = sorted(set(members[a]) & set(members[b]))
            if not shared:
                continue
            ta, tb = tranche_of.get(a), tranche_of.get(b)
            if ta is not None and tb is not None:
                later, earlier = (b, a) if (tb, b) > (ta, a) else (a, b)
                if any(o == earlier for o, _, _ in deferred_by.get(later, [])):
                    resolution = (f"{later} moved to tranche {tranche_of[later]} because {earlier} ranks higher and "
                                  f"is negotiating in tranche {tranche_of[earlier]}")
                else:
                    resolution = f"different tranches ({a}: {ta}, {b}: {tb}); no concurrent negotiation"
                kind = "concurrent"
            elif a in devolved or b in devolved:
                inside, outside = (a, b) if a in devolved else (b, a)
                resolution = f"{outside} overlaps {inside}, which is already devolved; it negotiates, if at all, within it"
                kind = "already_devolved"
            else:
                idle = [p for p in (a, b) if tranche_of.get(p) is None]
                why = ", ".join(f"{p} is {_status(evaluations[p])}" for p in idle)
                resolution = f"no concurrent negotiation this round ({why}); resolve before it becomes eligible"
                kind = "potential"
            out.append({"places": [a, b], "councils": shared,
                        "council_names": [table[c].name for c in shared], "kind": kind, "resolution": resolution})
    return out


def _status(evaluation: dict) -> str:
    return {True: "eligible", False: "not eligible", None: "of undetermined eligibility"}[
        evaluation["negotiation"]["eligible"]]


def nearest_miss(ev: dict) -> dict | None:
    """For a place that cannot negotiate: the level rule it came closest to meeting, and what failed."""
    neg = ev["negotiation"]
    if neg["eligible"] is not False:
        return None
    held = [s for s in neg["reasons"][1:] if s["result"] == "true"]
    if held:  # a rule that holds and bars negotiation, e.g. a London borough alone
        return {"rule": held[0]["rule"], "statement": held[0]["statement"], "failed": [], "source": held[0]["source"]}
    def closeness(step: dict) -> tuple:
        passed = sum(1 for v in step["facts"].values() if v is not None) - len(step.get("failed", []))
        return (len(step.get("failed", [])), -passed)
    candidates = [s for s in neg["reasons"][1:] if s["result"] == "false" and s.get("failed")]
    if not candidates:
        return None
    best = min(candidates, key=closeness)
    return {"rule": best["rule"], "statement": best["statement"], "failed": best["failed"], "source": best["source"]}


def deal_sheet(pack: Pack, ev: dict) -> dict:
    """What a negotiation team takes into the room for one place."""
    powers = ev["powers"]
    def pick(status: str) -> list[dict]:
        return [p for p in powers if p["status"] == status]
    acc = ev["accountability"]
    return {
        "on_offer_now": [{"id": p["id"], "title": p["title"], "requested": p["requested"],
                          "required_tier": p["required_tier"]["id"]} for p in pick("available")],
        "with_stronger_accountability": [
            {"id": p["id"], "title": p["title"], "requested": p["requested"], "required_tier": p["required_tier"]["id"],
             "required_tier_title": p["required_tier"]["title"], "models": p["models"],
             "or_stronger": p["required_tier"]["rank"] < pack.tiers[-1].rank,
             "office_of_the_mayor": p.get("office_of_the_mayor", False)}
            for p in pick("needs_stronger_accountability")],
        "blocked": [{"id": p["id"], "title": p["title"], "requested": p["requested"],
                     "failed": [{"rule": s["rule"], "statement": s["statement"], "facts": s["facts"],
                                 "source": s["source"]}
                                for s in p["reasons"] if s.get("role") == "prerequisite" and s["result"] == "false"]}
                    for p in pick("not_available")],
        "undetermined": [{"id": p["id"], "title": p["title"], "requested": p["requested"],
                          "missing": p.get("missing", [])} for p in pick("undetermined")],
        "package": {"requested": acc["requested"], "required_tier": acc["required_tier"]["id"],
                    "current_tier": acc["current_tier"]["id"] if acc["current_tier"] else None,
                    "meets_requirement": acc["meets_requirement"], "models": acc.get("models", []),
                    "office_of_the_mayor": acc.get("office_of_the_mayor", False)},
        "budget": ev["budget"],
        "obligations": [{"id": o.id, "title": o.title, "statement": o.statement, "source": pack.cite(o.source)}
                        for o in pack.obligations],
        "missing_facts": ev["missing_facts"],
        "nearest_miss": nearest_miss(ev),
    }
