"""Negotiation rounds: evaluate many places, rank them, assign tranches, count coverage.

A round (route-map section 7 'The level for negotiations') takes the most
ready and willing places first, as many as the centre can negotiate with at
once, and the rest in later tranches. A council belongs to one negotiation at
a time. Everything is evaluated as of the round's date.
"""

from __future__ import annotations

from typing import Callable

from ..census import SOURCE as CENSUS_SOURCE
from ..census import councils, england_population
from ..decide.catalogue import catalogue, pack_ref
from ..errors import InputError, Problem
from ..pack.ir import Pack
from ..results import (
    Conflict, Coverage, Evaluation, Ranked, Round, RoundInfo, RoundPlace, ScenarioResult, Tranche,
)
from ..vocab.places import LoadedPlace
from ..yamlio import Located
from .config import RoundConfig, check_config_places
from .evaluate import evaluate_places

TIE_BREAK = ("Places are ranked by readiness score (highest first); ties go to the larger population "
             "(more people covered per negotiation), then to the place id in alphabetical order.")
CONFLICT_RULE = ("A council cannot be in two concurrent negotiations: where two candidates share a member "
                 "council, the higher-ranked one keeps its tranche and the other moves to the next tranche "
                 "in which it shares no council with another place.")


def population_base(config: RoundConfig) -> tuple[str, int, int, str]:
    if config.population_base is not None:
        b = config.population_base
        return b.name, b.population, b.year, b.source
    return "England", england_population(2011), 2011, CENSUS_SOURCE + ", sum of all English districts"


def coverage(place_ids: list[str], members: dict[str, tuple[str, ...]], base: tuple[str, int, int, str],
             counted: str = "") -> Coverage:
    """Population of the union of the places' member councils, so nobody is counted twice."""
    name, base_population, year, source = base
    codes = sorted({code for pid in place_ids for code in members[pid]})
    table = councils()
    population = sum(table[c].population_2021 if year >= 2021 else table[c].population_2011 for c in codes)
    return Coverage(
        population=population, base=base_population, share=round(population / base_population, 4),
        places=sorted(place_ids), councils=len(codes),
        method=f"sum of the {'2021' if year >= 2021 else '2011'} Census population of each member council "
               "counted once",
        base_name=name, base_year=year, base_source=source, counted=counted,
    )


def run_round(pack: Pack, loaded: list[LoadedPlace], config: RoundConfig, config_doc: Located | None = None,
              engine: str = "durable", progress: Callable[[str], None] | None = None) -> Round:
    """Evaluate every place as of the round's date and plan the round."""
    ids = [lp.id for lp in loaded]
    check_config_places(config, config_doc, ids)
    evaluations = evaluate_places(pack, loaded, config.date, f"the date of the round '{config.name}'", engine,
                                  progress)
    members = {lp.id: lp.profile.members for lp in loaded}
    population = {lp.id: evaluations[lp.id].facts["population"].value if "population" in evaluations[lp.id].facts
                  else None for lp in loaded}

    devolved = set(config.already_devolved)
    eligible = [pid for pid in ids if evaluations[pid].negotiation.eligible is True and pid not in devolved]
    not_eligible = sorted(pid for pid in ids if evaluations[pid].negotiation.eligible is False)
    undetermined = sorted(pid for pid in ids if evaluations[pid].negotiation.eligible is None)
    score = {pid: evaluations[pid].readiness.score if evaluations[pid].readiness else 0.0 for pid in ids}
    ranked = sorted(eligible, key=lambda pid: (-score[pid], -(population[pid] or 0), pid))

    tranches, tranche_of, deferred_by = _tranches(ranked, members, config.capacity)
    conflicts = _conflicts(ids, members, evaluations, tranche_of, deferred_by, devolved)
    base = population_base(config)
    first = tranches[0] if tranches else []
    covered = coverage(sorted(set(first) | devolved), members, base, "first tranche plus places already devolved")
    if covered.population > base[1]:
        raise InputError([Problem("round config", f"population_base.population ({base[1]:,}) is smaller than the "
                                  f"population the round covers ({covered.population:,})", field="population_base")])
    scenarios = [ScenarioResult(name=sc.name, note=sc.note, with_already_devolved=sorted(devolved),
                                coverage=coverage(sorted(set(sc.places) | devolved), members, base))
                 for sc in config.scenarios]
    rank_of = {pid: i + 1 for i, pid in enumerate(ranked)}
    places = [RoundPlace(id=lp.id, name=lp.profile.name, file=lp.profile.file, tranche=tranche_of.get(lp.id),
                         rank=rank_of.get(lp.id), already_devolved=lp.id in devolved, evaluation=evaluations[lp.id])
              for lp in loaded]
    return Round(
        round=RoundInfo(name=config.name, date=config.date, description=config.description,
                        capacity=config.capacity, parameters=dict(config.parameters), tie_break=TIE_BREAK,
                        conflict_rule=CONFLICT_RULE),
        pack=pack_ref(pack), engine=engine,
        tranches=[Tranche(number=i + 1, places=t) for i, t in enumerate(tranches)],
        ranking=[Ranked(place=pid, rank=rank_of[pid], score=score[pid],
                        score_if_unknowns_hold=evaluations[pid].readiness.score_if_unknowns_hold
                        if evaluations[pid].readiness else 0.0,
                        population=population[pid], tranche=tranche_of[pid]) for pid in ranked],
        already_devolved=sorted(devolved), not_eligible=not_eligible, eligibility_undetermined=undetermined,
        coverage=covered, scenarios=scenarios, conflicts=conflicts, places=places, catalogue=catalogue(pack),
    )


def _tranches(ranked: list[str], members: dict[str, tuple[str, ...]], capacity: int):
    """Fill tranches in rank order up to capacity; a place sharing a council with one already in the tranche waits."""
    tranches: list[list[str]] = []
    tranche_of: dict[str, int] = {}
    deferred_by: dict[str, list[str]] = {}
    remaining = list(ranked)
    while remaining:
        current: list[str] = []
        taken: dict[str, str] = {}  # council -> place in this tranche
        carried: list[str] = []
        for pid in remaining:
            clash = sorted({taken[c] for c in members[pid] if c in taken})
            if clash or len(current) >= capacity:
                carried.append(pid)
                deferred_by.setdefault(pid, []).extend(clash)
            else:
                current.append(pid)
                tranche_of[pid] = len(tranches) + 1
                for c in members[pid]:
                    taken[c] = pid
        tranches.append(current)
        remaining = carried
    return tranches, tranche_of, deferred_by


def _conflicts(ids, members, evaluations, tranche_of, deferred_by, devolved) -> list[Conflict]:
    """Every pair of places in the round that share member councils, and what the round did about it.

    Pairs come from an index of council -> places, so the work grows with the overlaps, not with the
    square of the number of places.
    """
    table = councils()
    by_council: dict[str, list[str]] = {}
    for pid in ids:
        for code in members[pid]:
            by_council.setdefault(code, []).append(pid)
    shared_by_pair: dict[tuple[str, str], list[str]] = {}
    for code, pids in by_council.items():
        for i, a in enumerate(pids):
            for b in pids[i + 1:]:
                shared_by_pair.setdefault(tuple(sorted((a, b))), []).append(code)
    out = []
    for (a, b), shared in sorted(shared_by_pair.items()):
        shared = sorted(shared)
        ta, tb = tranche_of.get(a), tranche_of.get(b)
        if ta is not None and tb is not None:
            later, earlier = (b, a) if (tb, b) > (ta, a) else (a, b)
            if earlier in deferred_by.get(later, []):
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
        out.append(Conflict(places=[a, b], councils=shared, council_names=[table[c].name for c in shared],
                            kind=kind, resolution=resolution))
    return out


def _status(evaluation: Evaluation) -> str:
    return {True: "eligible", False: "not eligible", None: "of undetermined eligibility"}[
        evaluation.negotiation.eligible]
