"""The round's gate in three values: what a place's unknown facts could change about its placement.

A round places a place in a tranche only where it qualifies whatever its unknown facts turn out to be
(every completion of them), and keeps it back only where no completion qualifies; where the answer
depends on them, the place is reported as depending on them, with the facts that settle it.

The gate reads, per place:

- eligibility (the negotiation rule) and whether a special-case rule holds: true, false or undetermined,
  as the evaluator settles them. Three-valued logic is sound: a rule it settles true holds in every
  completion, and one it settles false in none.
- readiness bounds: the score counts the weights of the rules known to hold; the lowest any completion
  gives adds the negative weights of undetermined rules, the highest their positive weights.
- an offer: a power in force whose prerequisites all hold is on offer in every completion, whatever the
  place's accountability model turns out to be (it is then available or needs stronger accountability,
  and either counts); there is no offer in any completion where every power fails a prerequisite or is
  not in force; otherwise it depends on the facts the undetermined prerequisites read.

The same inputs come from a place's typed evaluation (`from_evaluation`) and, column-wise, from the fast
path's conclusions (the sweep), so a sweep's grid point and a round agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from ..pack.ir import Pack
from ..results import Evaluation, Status, Truth3


@dataclass(frozen=True)
class GateInput:
    """What the gate reads of one place."""

    eligible: bool | None
    special: bool | None
    score: float          # the weights of the rules known to hold
    lowest: float         # the lowest readiness any completion gives
    highest: float        # the highest
    offer: bool | None    # something on offer now or with stronger accountability, in every completion / in none
    facts: dict[str, list[str]] = field(default_factory=dict)  # aspect -> unknown facts that settle it


def _value(t: Truth3) -> bool | None:
    return None if t == Truth3.undetermined else t == Truth3.true


def bounds(pack: Pack, truth_of) -> tuple[float, float, float]:
    """Readiness (known), lowest and highest over completions, from each readiness rule's truth."""
    score = lowest = highest = 0.0
    for w in pack.readiness:
        value = truth_of(w.rule)
        if value is True:
            score += w.weight
            lowest += w.weight
            highest += w.weight
        elif value is None:
            lowest += min(w.weight, 0.0)
            highest += max(w.weight, 0.0)
    return score, lowest, highest


def from_evaluation(pack: Pack, ev: Evaluation) -> GateInput:
    """The gate's inputs for one evaluated place, with the unknown facts behind each undetermined part."""
    steps = ev.steps

    def truth(rule: str) -> bool | None:
        step = steps.get(rule)
        return None if step is None else _value(step.result)

    facts: dict[str, list[str]] = {}
    specials = [truth(sc.rule) for sc in pack.special_cases]
    special = True if True in specials else (None if None in specials else False)
    if special is None:
        facts["special case"] = sorted({m for sc in pack.special_cases if truth(sc.rule) is None
                                        for m in steps[sc.rule].missing})
    score, lowest, highest = bounds(pack, truth)
    if lowest != highest:  # facts of undetermined rules that would lower the score, then those that would raise it
        facts["readiness against"] = sorted({m for w in pack.readiness if truth(w.rule) is None and w.weight < 0
                                             for m in steps[w.rule].missing})
        facts["readiness for"] = sorted({m for w in pack.readiness if truth(w.rule) is None and w.weight > 0
                                         for m in steps[w.rule].missing} - set(facts["readiness against"]))
        facts["readiness"] = facts["readiness against"] + facts["readiness for"]
    offer: bool | None = False
    open_prereqs: set[str] = set()
    for p in ev.powers:
        if p.status in (Status.not_in_force, Status.not_available):
            continue
        values = [truth(r) for r in p.prerequisites]
        if all(v is True for v in values):
            offer = True
            break
        offer = None
        open_prereqs |= {r for r, v in zip(p.prerequisites, values) if v is None}
    if offer is None:
        facts["offer"] = sorted({m for r in open_prereqs for m in steps[r].missing})
    if ev.negotiation.eligible is None:
        facts["eligibility"] = list(ev.negotiation.missing)
    return GateInput(ev.negotiation.eligible, special, score, lowest, highest, offer, facts)


def settling(gate: GateInput, aspects: list[str]) -> list[str]:
    """The unknown facts that settle the given aspects, each once, in order."""
    return list(dict.fromkeys(f for a in aspects for f in gate.facts.get(a, [])))


def tranche_movers(ranked: list[str], score: Mapping[str, float], tranche_of: Mapping[str, int],
                   gates: Mapping[str, GateInput], unsettled: list[str],
                   members: Mapping[str, tuple[str, ...]] | None = None,
                   capacity: Callable[[int], int] | None = None,
                   need: dict[str, int] | None = None) -> dict[str, list[str]]:
    """For each place in a tranche, the places whose unknown facts, as they settle, could still change its
    tranche number (its standing, in a tranche, does not change: the gate is decided over every completion).

    A place's number can move when another could come to rank at or above it: a place not yet in a tranche
    whose standing or eligibility depends on unknown facts (`unsettled`) and whose highest readiness reaches
    its score, or a place ranked below it whose readiness is not settled and whose highest reaches it; each could
    take a seat of its tranche or share a council with it. A place after the first tranche whose own readiness
    is not settled could also move up.

    With the places' `members` and each tranche's `capacity` (0 is the first), only those that could make a
    difference are named: every such place where they could fill the tranche (each adds at most one place
    ranked above it to its tranche: itself, or one it pushes down), else only those sharing a council with it
    or with a place ranked above it (a clash reshuffles tranches); none where neither can happen (two places
    that could come above a place of a tranche of eight seats with four taken above it). Still an
    over-approximation: "may move", never "will". Where the named places could move it only by filling
    its tranche, `need` (when given) gets how many of them would have to come to rank above it (the seats
    of its tranche left after the places ranked above it and itself, plus one).
    """
    out: dict[str, list[str]] = {}
    position = {pid: i for i, pid in enumerate(ranked)}
    councils_above: set[str] = set()
    for pid in ranked:
        floor = score[pid]
        who = {q for q in unsettled if q != pid and q in gates and gates[q].highest >= floor}
        who |= {q for q in ranked[position[pid] + 1:] if gates[q].highest > score[q] and gates[q].highest >= floor}
        if members is not None and capacity is not None and who:
            t = tranche_of.get(pid, 1)
            above_in_tranche = sum(1 for q in ranked[:position[pid]] if tranche_of.get(q) == t)
            seats_left = capacity(t - 1) - above_in_tranche - 1
            mine = set(members.get(pid, ())) | councils_above
            clash = {q for q in who if mine & set(members.get(q, ()))}
            if len(who) <= seats_left:  # the tranche cannot fill
                who = clash
            elif not clash and need is not None and seats_left > 0:
                need[pid] = seats_left + 1
        councils_above |= set(members.get(pid, ())) if members is not None else set()
        if tranche_of.get(pid, 1) > 1 and gates[pid].highest > floor:
            who.add(pid)
        if who:
            out[pid] = sorted(who)
    return out
