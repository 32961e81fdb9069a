"""Negotiation rounds: evaluate many places, rank them, assign tranches, count coverage.

A round (route-map section 7 'The level for negotiations') takes the most
ready and willing places first, as many as the centre can negotiate with at
once, and the rest in later tranches. A council belongs to one negotiation at
a time. Everything is evaluated as of the round's date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

from ..census import SOURCE as CENSUS_SOURCE
from ..census import councils, england_population
from ..decide.catalogue import catalogue, pack_in_force_note, pack_ref
from ..errors import InputError, Problem, nearest
from ..months import add_months_within
from ..values import rounded
from ..pack.ir import Pack
from ..results import (
    Conflict, Coverage, Evaluation, FactToCollect, LeftOutPlace, Ranked, ReferenceLine, Rising, Round, RoundInfo,
    RoundPlace, ScenarioResult, Status, Tranche,
    TrancheTime, Truth3,
)
from ..vocab.councils import register
from ..vocab.places import LoadedPlace
from ..vocab.timeline import changes_ahead, decided_not_applied, on_date
from ..yamlio import Located
from .config import RoundConfig, check_config_places
from .evaluate import evaluate_places
from .gate import GateInput, from_evaluation, tranche_movers

TIE_BREAK = ("Places are ranked by the lowest readiness score any completion of their unknown facts gives, the "
             "score that is safe (highest first); ties go to the larger population "
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
    census_year = 2021 if year >= 2021 else 2011
    units, unknown = register().census_units(codes)  # councils of the register, counted on Census areas
    population = sum(getattr(table[c], f"population_{census_year}") for c in units)
    missing = f"; not counted, population not known: {', '.join(register().name(c) for c in unknown)}" \
        if unknown else ""
    return Coverage(
        population=population, base=base_population, share=round(population / base_population, 4),
        places=sorted(place_ids), councils=len(codes),
        method=f"sum of the {census_year} Census population of each member council counted once{missing}",
        base_name=name, base_year=year, base_source=source, counted=counted,
    )


def _packs_with_rule(rule: str, but: str) -> list[str]:
    """The workspace's other rule packs that have `rule` (to tell a round config read with the wrong pack)."""
    from .. import workspace
    from ..pack.load import load_pack
    found = []
    for name in workspace.current().packs():
        try:
            other = load_pack(name)
        except InputError:
            continue
        if other.id != but and rule in other.rules:
            found.append(other.id)
    return found


def _scenario(pack: Pack, sc, evaluations: dict[str, Evaluation], members: dict[str, tuple[str, ...]],
              base: tuple[str, int, int, str], devolved: set[str], doc: Located | None, index: int) -> ScenarioResult:
    """A scenario's coverage: its listed places, or the places for which its rule holds (undetermined named)."""
    undetermined: list[str] = []
    statement = ""
    if sc.where:
        if sc.where not in pack.rules:
            message = f"'{sc.where}' is not a rule of rule pack '{pack.id}'"
            suggestion = nearest(sc.where, list(pack.rules))
            holding = _packs_with_rule(sc.where, pack.id)
            if holding:  # the round config was written for another bundled pack
                message += (f"; it is a rule of rule pack '{holding[0]}': run the round with --rules {holding[0]}")
                suggestion = None
            raise InputError([doc.problem(("scenarios", index, "where"), message, suggestion) if doc is not None
                              else Problem("round config", message, suggestion=suggestion)])
        statement = pack.rules[sc.where].statement
        chosen = set()
        for pid, ev in evaluations.items():
            step = ev.steps.get(sc.where)
            if step is None:
                continue
            if step.result == Truth3.true:
                chosen.add(pid)
            elif step.result == Truth3.undetermined:
                undetermined.append(pid)
    else:
        chosen = set(sc.places)
    added = devolved if sc.with_already_devolved else set()
    return ScenarioResult(name=sc.name, note=sc.note, with_already_devolved=sorted(added),
                          coverage=coverage(sorted(chosen | added), members, base), where=sc.where,
                          where_statement=statement, undetermined=sorted(undetermined))


def _offer(ev: Evaluation) -> list[str]:
    """Powers a place could have now or with stronger accountability (decided, in force)."""
    return [p.id for p in ev.powers if p.status in (Status.available, Status.needs_stronger_accountability)]


def run_round(pack: Pack, loaded: list[LoadedPlace], config: RoundConfig, config_doc: Located | None = None,
              engine: str = "durable", progress: Callable[[str], None] | None = None) -> Round:
    """Evaluate every place that exists on the round's date (the others are listed as left out) and plan the round."""
    check_config_places(config, config_doc, [lp.id for lp in loaded])
    loaded, left_out = on_date(loaded, config.date)
    config = without_places(config, {lo.id for lo in left_out})
    ids = [lp.id for lp in loaded]
    evaluations = evaluate_places(pack, loaded, config.date, f"the date of the round '{config.name}'", engine,
                                  progress)
    members = {lp.id: lp.profile.members for lp in loaded}
    population = {pid: ev.facts["population"].value if "population" in ev.facts else None
                  for pid, ev in evaluations.items()}
    policy = pack.round_policy
    param = pack.parameters

    devolved = set(config.already_devolved)
    gates = {pid: from_evaluation(pack, ev) for pid, ev in evaluations.items()}
    sel = select(pack, config, ids, members, gates, population)
    special, not_eligible, undetermined = sel.special, sel.not_eligible, sel.undetermined
    not_ready, why_not_ready, ranked = sel.not_ready, sel.why_not_ready, sel.ranked
    gate, capacity, capacity_note = sel.gate, sel.capacity, sel.capacity_note
    tranches, tranche_of, deferred_by = sel.tranches, sel.tranche_of, sel.deferred_by
    rank_of = {pid: i + 1 for i, pid in enumerate(ranked)}
    unsettled = [pid for pid in list(sel.depends) + list(undetermined) if pid not in devolved and pid not in special]
    movers = tranche_movers(ranked, sel.score, tranche_of, gates, unsettled, members, sel.seats)
    need = movers.need
    name_of = {lp.id: lp.profile.name for lp in loaded}

    # The timetable: each tranche takes as long as one negotiation, and the next starts when it concludes.
    start = config.negotiations_start or config.date
    timetable, timetable_note = [], ""
    if policy.negotiation_months_param:
        months = float(param[policy.negotiation_months_param].value)
        for i in range(len(tranches)):
            name = policy.negotiation_months_param
            timetable.append(TrancheTime(number=i + 1,
                                         starts=add_months_within(start, months * i, "round config", name),
                                         concludes=add_months_within(start, months * (i + 1), "round config", name)))
        timetable_note = (f"A negotiation takes {rounded(months)} months ({_named(param, policy.negotiation_months_param)}); "
                          "each tranche starts when the one before concludes.")

    placement = {}
    for pid in ids:
        ev = evaluations[pid]
        if pid in special:
            assert ev.negotiation.special_case is not None  # the gate found it one
            placement[pid] = f"a special case: {ev.negotiation.special_case.text}"
            if pid in devolved:
                placement[pid] += "; already covered by a devolved arrangement (round config: already_devolved)"
        elif pid in devolved:
            placement[pid] = "already covered by a devolved arrangement (round config: already_devolved)"
        elif pid in tranche_of:
            t = tranche_of[pid]
            g = gates[pid]
            shown = rounded(g.score) if g.lowest == g.score else f"{rounded(g.score)}, at least {rounded(g.lowest)}"
            why = f"tranche {t}, rank {rank_of[pid]} of {len(ranked)} by readiness ({shown})"
            if pid in deferred_by and deferred_by[pid]:
                why += (f"; it would go earlier but shares councils with {', '.join(sorted({name_of.get(q, q) for q in deferred_by[pid]}))}, "
                        "which rank higher")
            elif t > 1:
                why += "; earlier tranches are full"
            named = movers.named.get(pid, [])
            rising = movers.rising_count.get(pid, 0)
            if named or rising:
                others = [name_of.get(q, q) for q in named if q != pid]
                if pid in need:  # only the rising places may move it (none is named but itself)
                    why += (f"; its tranche number (not its standing) could still move, but only if {need[pid]} of "
                            f"the {rising} places whose facts are unsettled came to rank above it, filling "
                            "its tranche" + (" (or as its own readiness settles)" if pid in named else ""))
                else:
                    of = ([f"the {rising} places that could still rise from below it to its ranking score "
                           f"({rounded(g.lowest)}; listed with the tranches)"] if rising else []) + others
                    why += ("; its tranche number (not its standing) may still move as "
                            + " and ".join(([f"the unknown facts of {', '.join(of)}"] if of else [])
                                           + (["its own readiness"] if pid in named else [])) + " settle")
            placement[pid] = why
        elif pid in sel.why_depends:
            placement[pid] = f"eligible; whether it goes in a tranche depends on unknown facts: {sel.why_depends[pid]}"
        elif pid in why_not_ready:
            placement[pid] = f"eligible but not ready to go first, whatever its unknown facts: {why_not_ready[pid]}"
        elif ev.negotiation.eligible is False:
            placement[pid] = "not at the negotiation level"
        else:
            placement[pid] = "eligibility undetermined: facts to collect: " + (", ".join(ev.negotiation.missing) or "?")

    standing = {}
    not_eligible_set = set(not_eligible)  # a list of thousands: membership in a set, not a scan a place
    for pid in ids:
        standing[pid] = ("special_case" if pid in special else "already_devolved" if pid in devolved
                         else "in_tranche" if pid in tranche_of else "depends_on_unknowns" if pid in sel.why_depends
                         else "not_ready" if pid in why_not_ready else "not_eligible" if pid in not_eligible_set
                         else "eligibility_undetermined")
    state = {pid: ("not ready to go first" if pid in why_not_ready else
                   "ready or not depending on unknown facts" if pid in sel.why_depends
                   else _status(evaluations[pid])) for pid in ids}
    conflicts = _conflicts(ids, members, state, tranche_of, deferred_by, devolved | set(special))
    base = population_base(config)
    first = tranches[0] if tranches else []
    covered = coverage(sorted(first), members, base, "places in the first tranche (arrangements that could be reached)")
    with_devolved = None
    if devolved:
        with_devolved = coverage(sorted(set(first) | devolved), members, base,
                                 "the first tranche together with places already devolved")
    biggest = max(c.population for c in (covered, with_devolved) if c is not None)
    if biggest > base[1]:
        raise InputError([Problem("round config", f"population_base.population ({base[1]:,}) is smaller than the "
                                  f"population the round covers ({biggest:,})", field="population_base")])
    scenarios = [_scenario(pack, sc, evaluations, members, base, devolved, config_doc, i)
                 for i, sc in enumerate(config.scenarios)]

    budgets = None
    spend = []
    for pid in first:
        budget = evaluations[pid].budget
        scopes = budget.scopes if budget else []
        known = [s.baseline_a_year for s in scopes if s.status == Status.available and s.baseline_a_year is not None]
        if known:
            spend.append(max(known))  # the widest scope on offer; scopes overlap, so they are not added
    if spend:
        budgets = round(sum(spend), 1)
    # The wording is the pack's (round.yaml: envelope) and the figure the round config's, never this code's.
    envelope = config.financial_envelope_gbp_m
    if policy.envelope_text:
        envelope_note = f"{policy.envelope_text.rstrip('.')} ({pack.sources.get(policy.envelope_source or '', '')})"
        envelope_note += (f": this round's is GBP {envelope:,.0f}m a year (round config)." if envelope is not None
                          else "; this round config states none.")
    else:
        envelope_note = (f"This round's financial envelope is GBP {envelope:,.0f}m a year (round config)."
                         if envelope is not None else "The round config states no financial envelope.")
    collect: dict[str, FactToCollect] = {}
    for pid in ids:
        for f in evaluations[pid].facts_to_collect:
            agg = collect.setdefault(f.fact, FactToCollect(fact=f.fact, title=f.title, settles=[], may_settle=[]))
            agg.settles += [f"{pid}: {s}" for s in f.settles]
            agg.may_settle += [f"{pid}: {s}" for s in f.may_settle]
            agg.places.append(pid)
    listed: dict[str, set[str]] = {}  # each fact's places so far, as a set (the lists run to thousands)
    for pid in sel.depends:  # a fact that settles whether a place goes in a tranche
        for name in sel.settled_by[pid]:
            title = pack.facts[name].title if name in pack.facts else name
            agg = collect.setdefault(name, FactToCollect(fact=name, title=title or name, settles=[], may_settle=[]))
            agg.may_settle.append(f"{pid}: whether it goes in a tranche")
            seen = listed.get(name)
            if seen is None:
                seen = listed[name] = set(agg.places)
            if pid not in seen:
                agg.places.append(pid)
                seen.add(pid)
    facts_to_collect = sorted(collect.values(), key=lambda f: (-len(f.settles), -len(f.may_settle), f.fact))
    places = [RoundPlace(id=lp.id, name=lp.profile.name, file=lp.profile.file, tranche=tranche_of.get(lp.id),
                         rank=rank_of.get(lp.id), already_devolved=lp.id in devolved, placement=placement[lp.id],
                         standing=standing[lp.id], settled_by=sel.settled_by.get(lp.id, [])
                         if lp.id in sel.why_depends else list(gates[lp.id].facts.get("eligibility", []))
                         if standing[lp.id] == "eligibility_undetermined" else [],
                         changes_ahead=[sentence for _day, sentence in changes_ahead(lp.profile, config.date)],
                         not_applied=decided_not_applied(lp.profile, config.date),
                         evaluation=evaluations[lp.id])
              for lp in loaded]
    pending = register().pending_on(config.date, {c for lp in loaded for c in lp.profile.members})
    return Round(
        round=RoundInfo(name=config.name, date=config.date, description=config.description,
                        capacity=sel.ceiling, capacity_for_places=capacity, capacity_note=capacity_note,
                        parameters=dict(config.parameters), tie_break=TIE_BREAK, conflict_rule=CONFLICT_RULE,
                        gate=gate, timetable_note=timetable_note,
                        financial_envelope_a_year=config.financial_envelope_gbp_m, envelope_note=envelope_note,
                        readiness_note=_readiness_note(pack),
                        coverage_lines=[ReferenceLine(share=share, label=label, source=pack.sources.get(src, src))
                                        for share, label, src in policy.coverage_lines],
                        notes=list(policy.notes)),
        pack=pack_ref(pack), pack_in_force=pack_in_force_note(pack, config.date) is None,
        pack_in_force_note=pack_in_force_note(pack, config.date), engine=engine,
        tranches=[Tranche(number=i + 1, places=t) for i, t in enumerate(tranches)], timetable=timetable,
        ranking=[Ranked(place=pid, rank=rank_of[pid], score=gates[pid].score, score_if_unknowns_hold=gates[pid].highest,
                        score_lowest=gates[pid].lowest, population=population[pid], tranche=tranche_of[pid],
                        tranche_may_move_with=movers.named.get(pid, []),
                        tranche_may_move_with_rising=movers.rising_count.get(pid, 0),
                        tranche_moves_if_at_least=need.get(pid))
                 for pid in ranked],
        rising=[Rising(place=pid, score_if_unknowns_hold=reach, rank=rank_of.get(pid))
                for pid, reach in movers.rising.items()],
        already_devolved=sorted(devolved), special_cases=special, not_ready=sorted(not_ready),
        depends_on_unknowns=sel.depends,
        not_eligible=not_eligible, eligibility_undetermined=undetermined,
        coverage=covered, coverage_with_devolved=with_devolved, budgets_in_first_tranche_a_year=budgets,
        scenarios=scenarios, conflicts=conflicts, facts_to_collect=facts_to_collect, places=places,
        left_out=[LeftOutPlace(id=lo.id, name=lo.name, reason=lo.reason, existence_unknown=lo.unknown)
                  for lo in left_out],
        decided_not_applied=[change.sentence() for change in pending],
        catalogue=catalogue(pack),
    )


def without_places(config: RoundConfig, gone: set[str]) -> RoundConfig:
    """The config without places left out of the round (already devolved, scenarios' places)."""
    if not gone:
        return config
    scenarios = [sc.model_copy(update={"places": [p for p in sc.places if p not in gone]}) for sc in config.scenarios]
    return config.model_copy(update={"already_devolved": [p for p in config.already_devolved if p not in gone],
                                     "scenarios": scenarios})


@dataclass
class Selection:
    """Who goes in which tranche, and why the others do not (the round's policy, apart from the reports)."""

    special: list[str]
    not_eligible: list[str]
    undetermined: list[str]
    not_ready: list[str]
    why_not_ready: dict[str, str]
    depends: list[str]
    why_depends: dict[str, str]
    settled_by: dict[str, list[str]]
    ranked: list[str]
    score: Mapping[str, float]
    gate: str
    capacity: int
    capacity_note: str
    tranches: list[list[str]]
    tranche_of: dict[str, int]
    deferred_by: dict[str, list[str]]
    ceiling: int | None = None  # negotiations at once (the round config's, else the pack's; None: no ceiling)
    seats: Callable[[int], int] | None = None  # places a tranche takes (0 is the first)


def capacity_ceiling(pack: Pack, config: RoundConfig) -> int | None:
    """Negotiations the centre can run at once: the round config's, else the pack's (round.yaml capacity)."""
    if config.capacity is not None:
        return config.capacity
    name = pack.round_policy.capacity_param
    return int(pack.parameters[name].value) if name else None


def _facts_note(facts: list[str]) -> str:
    return f"{', '.join(facts[:4])}{', ...' if len(facts) > 4 else ''}" if facts else "?"


def select(pack: Pack, config: RoundConfig, ids: list[str], members: Mapping[str, tuple[str, ...]],
           gates: Mapping[str, GateInput], population: Mapping[str, float | None]) -> Selection:
    """The round's policy over every completion of each place's unknown facts (round/gate.py): special cases
    and places already devolved are set aside; a place goes in a tranche only where it passes the gate
    (readiness score, something to offer) whatever its unknowns turn out to be, is not ready where it passes
    in no completion, and depends on its unknowns otherwise; the places that pass are ranked by the lowest
    readiness any completion gives and put in tranches up to the capacity left for places. Used by `run_round`
    and, per grid point, by sweeps."""
    policy = pack.round_policy
    param = pack.parameters
    devolved = set(config.already_devolved)
    special_ids = sorted(pid for pid in ids if gates[pid].special is True)
    set_aside = devolved | set(special_ids)
    eligible_ids = [pid for pid in ids if gates[pid].eligible is True and pid not in set_aside]
    not_eligible = sorted(pid for pid in ids if gates[pid].eligible is False and pid not in set_aside)
    undetermined = sorted(pid for pid in ids if gates[pid].eligible is None and pid not in set_aside)

    # The gate: who may go first (a place with nothing decided, or too little evidence, does not).
    min_score = float(param[policy.min_readiness_param].value) if policy.min_readiness_param else None
    gate_parts = []
    if min_score is not None:
        gate_parts.append(f"a readiness score of at least {rounded(min_score)} "
                          f"({_named(param, policy.min_readiness_param)})")
    if policy.needs_an_offer:
        gate_parts.append("at least one power it could have now or with stronger accountability")
    gate = ("To go in a tranche a place needs " + " and ".join(gate_parts) + ", whatever its unknown facts turn out "
            "to be." if gate_parts else "Every eligible place may go in a tranche.")
    not_ready, why_not_ready, depends, why_depends, settled_by = [], {}, [], {}, {}
    for pid in eligible_ids:
        g = gates[pid]
        fails, open_ = [], []  # reasons it fails in every completion; aspects that depend on unknowns
        if g.special is None:
            open_.append(("special case", "whether it is a special case is not known"))
        if min_score is not None:
            if g.highest < min_score:
                fails.append(f"its readiness score is {rounded(g.highest)} at most, below {rounded(min_score)}")
            elif g.lowest < min_score:
                against = g.facts.get("readiness against", [])
                if g.score >= min_score and against:
                    text = (f"its readiness score is {rounded(g.score)}, but {rounded(g.lowest)} if the rules "
                            f"weighing against it held: it has the {rounded(min_score)} needed once these are known "
                            "not to hold")
                    open_.append(("readiness against", text))
                else:
                    open_.append(("readiness", f"its readiness score lies between {rounded(g.lowest)} and "
                                               f"{rounded(g.highest)}, {rounded(min_score)} needed"))
        if policy.needs_an_offer:
            if g.offer is False:
                fails.append("nothing can be offered (every power fails a prerequisite or is not in force)")
            elif g.offer is None:
                open_.append(("offer", "whether anything can be offered is not known"))
        if fails:
            not_ready.append(pid)
            why_not_ready[pid] = "; ".join(fails)
        elif open_:
            depends.append(pid)
            facts = list(dict.fromkeys(f for aspect, _ in open_ for f in g.facts.get(aspect, [])))
            settled_by[pid] = facts
            why_depends[pid] = "; ".join(text for _, text in open_) + f" (facts that settle it: {_facts_note(facts)})"
    passing = [pid for pid in eligible_ids if pid not in why_not_ready and pid not in why_depends]
    score = {pid: gates[pid].lowest for pid in ids}
    ranked = sorted(passing, key=lambda pid: (-score[pid], -(population[pid] or 0), pid))

    # The centre's capacity is a ceiling: other negotiations it runs at the same time use part of it.
    ceiling = capacity_ceiling(pack, config)
    if ceiling is None:  # neither the round config nor the pack sets one: every place that passes goes first
        capacity = max(1, len(ranked))
        capacity_note = ("as many negotiations at once as places are ready (neither the round config nor the pack "
                         "sets a ceiling)")
    else:
        capacity = ceiling
        capacity_note = f"at most {ceiling} negotiations at once" + (
            "" if config.capacity is not None else f" ({_named(param, policy.capacity_param)})")
    full = capacity
    reduced = None  # how many tranches the other negotiations run alongside (None: every one)
    during = ""
    if ceiling is not None and policy.other_count_param and policy.other_share_param:
        count = float(param[policy.other_count_param].value)
        share = float(param[policy.other_share_param].value)
        used = math.ceil(count * share)
        capacity = max(1, ceiling - used)
        if policy.other_tranches_param:
            reduced = int(param[policy.other_tranches_param].value)
            first = "the first tranche" if reduced == 1 else f"the first {reduced} tranches"
            during = f" in {first} ({_named(param, policy.other_tranches_param)}), all {ceiling} after"
        capacity_note = (f"{capacity_note}; {policy.other_title} ({rounded(count)}, "
                         f"{_named(param, policy.other_count_param)}; each counted as {rounded(share)} of a place "
                         f"negotiation, {_named(param, policy.other_share_param)}) use {used}, leaving {capacity} "
                         f"for places{during}")
    def seats(n: int) -> int:
        return capacity if reduced is None or n < reduced else full
    tranches, tranche_of, deferred_by = _tranches(ranked, dict(members), seats)
    return Selection(special_ids, not_eligible, undetermined, sorted(not_ready), why_not_ready, sorted(depends),
                     why_depends, settled_by, ranked, score, gate, capacity, capacity_note, tranches, tranche_of,
                     deferred_by, ceiling, seats)


def _readiness_note(pack: Pack) -> str:
    assumed = [w for w in pack.readiness if w.assumption]
    if not pack.readiness:
        return ""
    if len(assumed) == len(pack.readiness):
        return "Every readiness weight is an assumption of the pack (readiness.yaml), not a figure of its sources."
    return (f"{len(assumed)} of the {len(pack.readiness)} readiness weights are assumptions of the pack "
            f"(readiness.yaml): {', '.join(w.rule for w in assumed)}.")


def _named(param: Mapping, name: str | None) -> str:
    """A parameter's name, marked as an assumption where the pack (or a round config) gives it no source."""
    assert name is not None, "called only where the pack names the parameter"
    return f"{name}, an assumption" if param[name].assumption else name


def _tranches(ranked: list[str], members: dict[str, tuple[str, ...]], capacity: int | Callable[[int], int]):
    """Fill tranches in rank order up to capacity (a number, or one for each tranche: 0 is the first); a place
    sharing a council with one already in the tranche waits.

    Read as "tranche 1 takes, in rank order, every place that fits; tranche 2 does the same with the rest;
    and so on", which is the policy. The same tranches come from one pass in rank order that puts each place
    in the earliest tranche that is not full and holds none of its councils (the places already in a tranche
    are exactly those ranked above it that tranche took), so the work grows with the places and their
    councils, not with places times tranches. `deferred_by[p]` lists, tranche by tranche before p's own, the
    places of that tranche that share a council with p (as the tranche-by-tranche reading finds them).
    """
    capacity_of = capacity if callable(capacity) else (lambda _n, c=capacity: c)
    tranches: list[list[str]] = []
    tranche_of: dict[str, int] = {}
    deferred_by: dict[str, list[str]] = {}
    in_council: dict[str, dict[int, str]] = {}  # council -> tranche -> the place holding it there
    open_from = 0  # every tranche before this one is full
    for pid in ranked:
        held: dict[int, list[str]] = {}
        for c in members[pid]:
            for t, other in in_council.get(c, {}).items():
                held.setdefault(t, []).append(other)
        while open_from < len(tranches) and len(tranches[open_from]) >= capacity_of(open_from):
            open_from += 1
        t = open_from
        while t < len(tranches) and (t in held or len(tranches[t]) >= capacity_of(t)):
            t += 1
        if t == len(tranches):
            tranches.append([])
        tranches[t].append(pid)
        tranche_of[pid] = t + 1
        for c in members[pid]:
            in_council.setdefault(c, {})[t] = pid
        clashes = [other for k in sorted(held) if k < t for other in sorted(set(held[k]))]
        if t > 0:
            deferred_by[pid] = clashes
    return tranches, tranche_of, deferred_by


def _conflicts(ids, members, state, tranche_of, deferred_by, devolved) -> list[Conflict]:
    """The councils shared by places in the round, and what the round did about each.

    One record per group of councils shared by the same places (each shared council appears once, with
    every place that includes it), so a round's conflicts grow with its places and their councils, never
    with pairs of places. Places are listed in the order the round took them (by tranche, then id).
    """
    by_council: dict[str, list[str]] = {}
    for pid in ids:
        for code in members[pid]:
            by_council.setdefault(code, []).append(pid)
    groups: dict[tuple[str, ...], list[str]] = {}
    for code, sharers in by_council.items():
        if len(sharers) > 1:
            groups.setdefault(tuple(sorted(set(sharers))), []).append(code)
    out = []
    for pids, shared in sorted(groups.items(), key=lambda item: (sorted(item[1]), item[0])):
        shared = sorted(shared)
        placed = sorted((p for p in pids if p in tranche_of), key=lambda p: (tranche_of[p], p))
        inside = [p for p in pids if p in devolved]
        idle = [p for p in pids if p not in tranche_of and p not in devolved]
        parts = []
        if len(placed) >= 2:
            kind = "concurrent"
            parts.append(f"{placed[0]} negotiates in tranche {tranche_of[placed[0]]}")
            for later in placed[1:]:
                ahead = [e for e in placed if tranche_of[e] < tranche_of[later] and e in deferred_by.get(later, [])]
                if ahead:
                    parts.append(f"{later} moved to tranche {tranche_of[later]} because {', '.join(ahead)} "
                                 f"ranks higher and is negotiating in tranche {tranche_of[ahead[0]]}")
                else:
                    parts.append(f"{later} negotiates in tranche {tranche_of[later]}, not at the same time")
        elif inside:
            kind = "already_devolved"
            others = [p for p in pids if p not in devolved]
            parts.append(f"{', '.join(others)} {'overlaps' if len(others) == 1 else 'overlap'} {', '.join(inside)}, "
                         "already devolved or a special case; "
                         f"{'it negotiates' if len(others) == 1 else 'they negotiate'}, if at all, within it")
        else:
            kind = "potential"
            if placed:
                parts.append(f"{placed[0]} negotiates in tranche {tranche_of[placed[0]]}")
            why = ", ".join(f"{p} is {state[p]}" for p in idle)
            parts.append(f"no concurrent negotiation this round ({why}); resolve before "
                         f"{'both' if len(pids) == 2 else 'they'} could negotiate")
        out.append(Conflict(places=list(placed) + [p for p in pids if p not in tranche_of], councils=shared,
                            council_names=[register().name(c) for c in shared], kind=kind,
                            resolution="; ".join(parts)))
    return out


def _status(evaluation: Evaluation) -> str:
    return {True: "eligible", False: "not eligible", None: "of undetermined eligibility"}[
        evaluation.negotiation.eligible]
