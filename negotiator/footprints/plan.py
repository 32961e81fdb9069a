"""A plan: the councils not yet in an authority partitioned into footprints that each qualify.

Set partitioning, solved with OR-Tools CP-SAT. The candidates are the connected sets of free units
(search.py: county areas and single councils; no county split) of at most twice the pack's assumed
population and MAX_UNITS units, each judged by the pack (`footprint.qualifies` true). CP-SAT chooses
candidates that share no unit, maximising the people covered (in thousands), then the share of people
in whole police and fire areas; it says whether the answer is proved optimal. The solver's limit is in
its deterministic time (a measure of work, not the clock), with one worker and a fixed seed, so the same
inputs give the same plan however busy the machine. Alternatives: the model is solved again with each
earlier answer forbidden (not all of its footprints again), so each differs from the best and from each
other; where the solver finds none in its time, the last plan less its smallest footprint, completed
greedily, stands (and says so). A unit no chosen footprint takes is named with what stops it.
"""

from __future__ import annotations

from datetime import date

from ..pack.ir import Pack
from ..vocab.footprint_facts import census_year
from ..vocab.geo import geography
from .judge import bare, council, judge, qualifying_rule
from .results import Alternative, FootprintPlan, Unplaced
from .search import Growth, free_units, threshold

MAX_UNITS = 8
ALTERNATIVES = 3


def _qualifies(pack: Pack, members: frozenset[str], on: date) -> tuple[bool | None, dict]:
    from ..options.state import decide_facts, facts_with
    facts = facts_with(pack, bare(pack, members, on, "candidate").profile, on, {})
    return decide_facts(pack, facts, on).truths.get("footprint.qualifies"), facts


def candidates(pack: Pack, area: list[str], on: date, max_units: int = MAX_UNITS):
    _geo, free, adjacent, by_id, people = free_units(area, on)
    t = threshold(pack) or 1
    growth = Growth(free, adjacent, people, stop=2 * t, max_units=max_units, cap=2 * t)
    found = []
    for ids, size in growth:
        if size < t:
            continue
        members = frozenset().union(*(by_id[i].members for i in ids))
        ok, facts = _qualifies(pack, members, on)
        if ok is True:
            align = ((facts.get("footprint.police_whole_percent") or 0)
                     + (facts.get("footprint.fire_whole_percent") or 0))
            found.append((ids, members, size, align))
    return free, adjacent, people, found, growth


def plan(pack: Pack, within: str, area: list[str], on: date, seconds: float = 30.0) -> FootprintPlan:
    from ortools.sat.python import cp_model

    from ..decide.catalogue import pack_ref
    qualifying_rule(pack)
    geo = geography()
    free, adjacent, people, found, growth = candidates(pack, area, on)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"s{i}") for i in range(len(found))]
    using: dict[str, list[int]] = {u.id: [] for u in free}
    for i, (ids, *_rest) in enumerate(found):
        for u in ids:
            using[u].append(i)
    for idx in using.values():
        if len(idx) > 1:
            model.add_at_most_one(x[i] for i in idx)
    # people in thousands first (a thousand people outweigh any alignment), then whole police and fire areas
    worth = [(size // 1000) * 201 + align for (_, _, size, align) in found]
    model.maximize(sum(x[i] * worth[i] for i in range(len(found))))
    # a start: the greedy choice (most worth first, sharing no unit), so the solver always has a plan to improve
    taken: set[str] = set()
    greedy = []
    for i in sorted(range(len(found)), key=lambda i: (-worth[i], found[i][0])):
        free_of_taken = not (set(found[i][0]) & taken)
        if free_of_taken:
            taken |= set(found[i][0])
            greedy.append(i)
        model.add_hint(x[i], free_of_taken)
    solver = cp_model.CpSolver()
    # deterministic time (the solver's own measure of work, not the clock): the same plan on a busy machine
    solver.parameters.max_deterministic_time = seconds
    solver.parameters.max_time_in_seconds = 10 * seconds
    solver.parameters.num_workers = 1  # one worker and a fixed seed: the same plan every run
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    # no answer in the time allowed: the greedy start stands, and the report says so
    chosen = [i for i in range(len(found)) if solver.value(x[i])] if solved else sorted(greedy)
    alternatives: list[Alternative] = []
    forbid = [chosen]
    for _ in range(ALTERNATIVES):
        if not forbid[-1]:
            break
        model.add(sum(x[i] for i in forbid[-1]) <= len(forbid[-1]) - 1)
        # a start: the last plan less its smallest footprint, completed greedily (never all of an earlier plan)
        dropped = min(forbid[-1], key=lambda i: (found[i][2], found[i][0]))
        start = _complete(found, worth, set(forbid[-1]) - {dropped}, forbid)
        model.clear_hints()
        for i in range(len(found)):
            model.add_hint(x[i], i in start)
        again = cp_model.CpSolver()
        again.parameters.max_deterministic_time = max(1.0, seconds / 6)
        again.parameters.max_time_in_seconds = 10 * max(1.0, seconds / 6)
        again.parameters.num_workers = 1
        again.parameters.random_seed = 1
        st = again.solve(model)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            pick = [i for i in range(len(found)) if again.value(x[i])]
            how = "the solver: " + ("OPTIMAL" if st == cp_model.OPTIMAL else "FEASIBLE")
        else:
            pick = sorted(start)
            how = "greedy: the plan before it less its smallest footprint, completed (the solver found none in time)"
        if not pick:
            break
        forbid.append(pick)
        alternatives.append(Alternative(footprints=sorted(sorted(found[i][1]) for i in pick),
                                        people_covered=sum(found[i][2] for i in pick), found_by=how))
    by_id = {u.id: u for u in free}
    footprints = []
    for i in sorted(chosen, key=lambda i: -found[i][2]):
        ids, members, size, _ = found[i]
        footprints.append(judge(pack, bare(pack, members, on, " + ".join(by_id[u].name for u in ids)), on))
    placed = {u for i in chosen for u in found[i][0]}
    t = threshold(pack)
    unplaced = []
    for u in free:
        if u.id in placed:
            continue
        reach = _reach(u.id, adjacent, placed)
        reach_people = sum(people[r] for r in reach)
        if not adjacent[u.id]:
            reason, rule = "it borders no council outside an authority (no partner to join)", "footprint.contiguous"
        elif reach_people < t:
            reason, rule = (f"the councils outside an authority it is connected to number {reach_people:,} people "
                            f"with it, below the assumed {t:,}"), "footprint.scale"
        elif not using[u.id]:
            reason, rule = (f"no connected grouping of up to {MAX_UNITS} areas with it, of at most {2 * t:,} people, "
                            "meets the pack's conditions"), "footprint.qualifies"
        else:
            reason, rule = ("every qualifying footprint with it would take councils the plan places in larger "
                            "footprints"), None
        for c in sorted(u.members):
            unplaced.append(Unplaced(council=council(geo, c), reason=reason, rule=rule))
    year = census_year(on)
    if solved:
        name = "OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE"
    else:
        name = "GREEDY (the solver gave no better plan in the time allowed)" if chosen else "NO PLAN"
    return FootprintPlan(
        as_of=on, pack=pack_ref(pack), within=within, solver=f"OR-Tools CP-SAT over {len(found)} candidate footprints",
        status=name, optimal=status == cp_model.OPTIMAL,
        objective="the most people covered (in thousands), then the most people in whole police and fire areas",
        people_covered=sum(j.population for j in footprints),
        people_free=sum(geo.people(u.members, year) for u in free), footprints=footprints, unplaced=unplaced,
        alternatives=alternatives)


def _complete(found, worth, start: set[int], forbid: list[list[int]]) -> set[int]:
    """`start` with the most worthwhile candidates that share no unit added, never making an earlier plan."""
    out = set(start)
    used = {u for i in out for u in found[i][0]}
    for i in sorted(range(len(found)), key=lambda i: (-worth[i], found[i][0])):
        if i in out or set(found[i][0]) & used:
            continue
        if any(set(f) <= out | {i} for f in forbid):
            continue
        out.add(i)
        used |= set(found[i][0])
    return out


def _reach(start: str, adjacent: dict[str, frozenset[str]], placed: set[str]) -> set[str]:
    """The unplaced units connected to `start` through unplaced units."""
    seen, todo = {start}, [start]
    while todo:
        for n in adjacent[todo.pop()]:
            if n not in seen and n not in placed:
                seen.add(n)
                todo.append(n)
    return seen
