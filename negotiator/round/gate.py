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

import bisect
import heapq
import math
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


@dataclass
class Movers:
    """Who may still move each ranked place's tranche number, said without naming the same places once a place.

    Most of the places that could move a place's number are "every place that could still come to rank at or
    above it": the `rising` places (not in a tranche with a standing that depends on unknown facts, or ranked
    with a readiness that is not settled) whose highest readiness reaches its score. They are named once for
    the round; a place counts them (`rising_count`), and only the few specific ones are `named` (those sharing
    a council with it or with a place ranked above it, and itself).
    """

    #: place -> the highest readiness its facts could give, for the rising places some place counts
    rising: dict[str, float] = field(default_factory=dict)
    #: place -> how many rising places may move it: every one whose highest readiness reaches its score and that
    #: is not ranked at or above it (none: only the named ones may)
    rising_count: dict[str, int] = field(default_factory=dict)
    #: place -> the places named one by one that may move it (sorted)
    named: dict[str, list[str]] = field(default_factory=dict)
    #: place -> how many of the places that may move it would have to come to rank above it (filling its tranche)
    need: dict[str, int] = field(default_factory=dict)

    def expanded(self, ranked: list[str], score: Mapping[str, float]) -> dict[str, list[str]]:
        """Every place that may move each place, named (as many names as places times places: for tests and small
        rounds, never for a report)."""
        position = {pid: i for i, pid in enumerate(ranked)}
        out: dict[str, list[str]] = {}
        for pid in ranked:
            who = set(self.named.get(pid, ()))
            if self.rising_count.get(pid):
                who |= {q for q, reach in self.rising.items()
                        if reach >= score[pid] and position.get(q, len(ranked)) > position[pid]}
            if who:
                out[pid] = sorted(who)
        return out


class _MaxTree:
    """The largest of a list of numbers over its suffixes, to list the entries at or above a floor from an index
    on in time growing with how many there are (a segment tree)."""

    def __init__(self, values: list[float]):
        self.size = 1
        while self.size < len(values):
            self.size *= 2
        self.tree = [-math.inf] * (2 * self.size)
        self.tree[self.size:self.size + len(values)] = values
        for k in range(self.size - 1, 0, -1):
            self.tree[k] = max(self.tree[2 * k], self.tree[2 * k + 1])

    def at_least(self, start: int, floor: float) -> list[int]:
        """The indexes from `start` on whose value is at least `floor`, in order."""
        found: list[int] = []
        stack = [(1, 0, self.size)]
        while stack:
            node, lo, hi = stack.pop()
            if hi <= start or self.tree[node] < floor:
                continue
            if node >= self.size:
                found.append(lo)
                continue
            mid = (lo + hi) // 2
            stack += [(2 * node + 1, mid, hi), (2 * node, lo, mid)]
        return found


def tranche_movers(ranked: list[str], score: Mapping[str, float], tranche_of: Mapping[str, int],
                   gates: Mapping[str, GateInput], unsettled: list[str],
                   members: Mapping[str, tuple[str, ...]] | None = None,
                   capacity: Callable[[int], int] | None = None) -> Movers:
    """For each place in a tranche, the places whose unknown facts, as they settle, could still change its
    tranche number (its standing, in a tranche, does not change: the gate is decided over every completion).

    A place's number can move when another could come to rank at or above it: a place not yet in a tranche
    whose standing or eligibility depends on unknown facts (`unsettled`, none of them ranked) and whose highest
    readiness reaches its score, or a place ranked below it whose readiness is not settled and whose highest
    reaches it; each could take a seat of its tranche or share a council with it. A place after the first
    tranche whose own readiness is not settled could also move up.

    With the places' `members` and each tranche's `capacity` (0 is the first), only those that could make a
    difference are named: every such place where they could fill the tranche (each adds at most one place
    ranked above it to its tranche: itself, or one it pushes down), else only those sharing a council with it
    or with a place ranked above it (a clash reshuffles tranches); none where neither can happen (two places
    that could come above a place of a tranche of eight seats with four taken above it). Still an
    over-approximation: "may move", never "will". Where they could move it only by filling its tranche,
    `need` gets how many of them would have to come to rank above it (the seats of its tranche left after the
    places ranked above it and itself, plus one).

    `ranked` is in rank order (highest score first), as the round ranks. No place scans the others (the time
    grows with the places and their councils, times log of the places): the rising places are sorted by their
    highest readiness once and each place counts those reaching its score by bisection (every rising place
    ranked above it reaches it); whether one of them shares a council with it or a place above it is whether
    the first-ranked place holding one of its councils is at or above it. Only where the tranche cannot fill
    are the places that clash listed, at most the seats it has left.
    """
    out = Movers()
    position = {pid: i for i, pid in enumerate(ranked)}
    reach = {q: gates[q].highest for q in dict.fromkeys(unsettled) if q in gates and q not in position}
    unranked = sorted(reach, key=lambda q: (-reach[q], q))  # highest readiness first
    unranked_reach = sorted(reach.values())
    rising_ranked = [gates[q].highest > score[q] for q in ranked]
    ranked_reach = sorted(gates[q].highest for q, up in zip(ranked, rising_ranked) if up)
    tree = _MaxTree([gates[q].highest if up else -math.inf for q, up in zip(ranked, rising_ranked)])
    # first[q]: the position of the highest-ranked place holding one of q's councils (a clash once it is above)
    first_of_council: dict[str, int] = {}
    for i, pid in enumerate(ranked):
        for c in (members or {}).get(pid, ()):
            first_of_council.setdefault(c, i)
    never = len(ranked)
    first = {q: min((first_of_council.get(c, never) for c in (members or {}).get(q, ())), default=never)
             for q in [*unranked, *(q for q, up in zip(ranked, rising_ranked) if up)]}
    # the rising places that share a council with a place at or above the current one, by highest readiness
    clashing: list[tuple[float, int, str]] = []
    joins: dict[int, list[str]] = {}
    for q, i in first.items():
        joins.setdefault(i, []).append(q)
    in_tranche: dict[int | None, int] = {}  # tranche -> places ranked so far in it
    rising_above = 0  # ranked places above (and at) the current one whose readiness is not settled
    counted: list[int] = []  # positions of the places that count the rising ones
    for i, pid in enumerate(ranked):
        floor = score[pid]
        rising_above += rising_ranked[i]
        for q in joins.get(i, ()):
            heapq.heappush(clashing, (-reach.get(q, gates[q].highest), i, q))
        while clashing and position.get(clashing[0][2], never) <= i:  # ranked at or above it: not rising past it
            heapq.heappop(clashing)
        total = (len(unranked_reach) - bisect.bisect_left(unranked_reach, floor)
                 + len(ranked_reach) - bisect.bisect_left(ranked_reach, floor) - rising_above)
        named: list[str] = []
        whole = total > 0
        t = tranche_of.get(pid, 1)
        if members is not None and capacity is not None and total:
            seats_left = capacity(t - 1) - in_tranche.get(t, 0) - 1
            clash = bool(clashing) and -clashing[0][0] >= floor
            if total <= seats_left:  # the tranche cannot fill: only a clash can move it
                whole = False
                if clash:
                    who = [q for q in unranked[:_reaching(unranked, reach, floor)] if first[q] <= i]
                    who += [ranked[k] for k in tree.at_least(i + 1, floor) if first[ranked[k]] <= i]
                    named = who
            elif not clash and seats_left > 0:
                out.need[pid] = seats_left + 1
        in_tranche[tranche_of.get(pid)] = in_tranche.get(tranche_of.get(pid), 0) + 1
        if t > 1 and gates[pid].highest > floor:
            named.append(pid)
        if whole:
            out.rising_count[pid] = total
            counted.append(i)
        if named:
            out.named[pid] = sorted(named)
    # the rising places named once for the round: those some place counts (a ranked one, when a place ranked
    # above it counts those reaching a score it reaches; the lowest such score is the last counting place's)
    if counted:
        lowest = score[ranked[counted[-1]]]
        out.rising.update((q, reach[q]) for q in unranked if reach[q] >= lowest)
        last = None
        for i, pid in enumerate(ranked):
            if rising_ranked[i] and last is not None and gates[pid].highest >= score[ranked[last]]:
                out.rising[pid] = gates[pid].highest
            if pid in out.rising_count:
                last = i
        out.rising = dict(sorted(out.rising.items(), key=lambda item: (-item[1], item[0])))
    return out


def _reaching(ordered: list[str], reach: Mapping[str, float], floor: float) -> int:
    """How many of `ordered` (highest readiness first) reach `floor`."""
    lo, hi = 0, len(ordered)
    while lo < hi:
        mid = (lo + hi) // 2
        if reach[ordered[mid]] >= floor:
            lo = mid + 1
        else:
            hi = mid
    return lo
