"""The cheapest sets of declared moves that make a power (or the whole package asked for) available.

Every subset of the pack's moves is a candidate; a candidate unlocks the target when, with its moves
made (facts set, months waited, preconditions met), the target is available. Answers are minimal (no
proper subset unlocks) and ranked by total cost, then by time (moves run side by side, each after the waits
listed before it), then by the number of moves. When nothing unlocks, the search says why: the rules that stay
false with every move made, the facts that stay unknown, or the dates. For a place below the
negotiation level it also proposes groupings with neighbouring councils (see neighbours.py).
"""

from __future__ import annotations

import itertools
from datetime import date

from ..decide.catalogue import pack_ref, place_ref
from ..decide.decision import Decision, failed_tests, prerequisites
from ..engines.semantics import engine_facts
from ..errors import InputError, Problem, nearest
from ..pack.ir import Move, Pack
from ..results import MoveRef, Status, Unlock, UnlockAnswer, UnlockLine
from ..vocab.profile import Profile
from .state import Outcome, apply_moves, decide_facts, evaluator, facts_with, finish_months

MAX_MOVES = 14  # 16,384 subsets (most refused at once by a move's requires)


def move_ref(m: Move) -> MoveRef:
    return MoveRef(id=m.id, title=m.title, cost=m.cost, months=m.months, note=m.note)


def _reached(target: str, out: Outcome, requested: list[str]) -> bool:
    if target == "package":
        return bool(requested) and all(out.statuses[p] == Status.available for p in requested) and \
            out.package_met is True
    return out.statuses[target] == Status.available


def search(pack: Pack, profile: Profile, on: date, target: str, limit: int = 3) -> tuple[list[UnlockAnswer], Outcome]:
    """Minimal unlocking sets of moves, cheapest first."""
    base_facts = facts_with(pack, profile, on, {})
    base = decide_facts(pack, base_facts, on)
    requested = [p.id for p in pack.powers if base_facts.get(f"requested.{p.id}")]
    moves = list(pack.moves)[:MAX_MOVES]
    found: list[tuple[tuple, list[Move], Outcome]] = []
    for k in range(1, len(moves) + 1):
        for combo in itertools.combinations(moves, k):
            ids = {m.id for m in combo}
            if any(set(f[1]) <= ids for f in found):
                continue  # a smaller set already unlocks: this one is not minimal
            applied = apply_moves(pack, profile, on, list(combo))
            if applied is None:
                continue
            facts, later = applied
            out = decide_facts(pack, facts, later)
            if _reached(target, out, requested):
                cost = sum(m.cost for m in combo)
                months = finish_months(pack, list(combo))  # side by side, but after the waits before them
                found.append(((cost, months, k, sorted(ids)), sorted(ids), out))
    found.sort(key=lambda f: f[0])
    by_id = {m.id: m for m in moves}
    answers = []
    for (cost, months, _k, _ids), ids, out in found[:limit]:
        changed = {p: [base.statuses[p], s] for p, s in out.statuses.items() if s != base.statuses[p]}
        answers.append(UnlockAnswer(
            moves=[move_ref(by_id[i]) for i in sorted(ids, key=lambda i: moves.index(by_id[i]))],
            cost=cost, months=months, outcome=changed,
            eligible=[base.eligible, out.eligible] if out.eligible != base.eligible else None))
    return answers, base


def why_not(pack: Pack, profile: Profile, on: date, target: str) -> tuple[list[str], list[str]]:
    """With every move that can be made made: what still stands in the way, and the facts to collect."""
    usable = [m for m in pack.moves if apply_moves(pack, profile, on, [m]) is not None]
    best = None
    for k in range(len(usable), 0, -1):  # the largest set of moves that can be made together
        for combo in itertools.combinations(usable, k):
            if apply_moves(pack, profile, on, list(combo)) is not None:
                best = list(combo)
                break
        if best:
            break
    facts, later = apply_moves(pack, profile, on, best or []) or (facts_with(pack, profile, on, {}), on)
    off = frozenset(pack.rules) - pack.rules_in_force(later)
    truths = evaluator(pack).truths(engine_facts(facts), off)
    decision = Decision(pack, profile, later, "with every declared move made", facts, truths, off)
    powers = [p.id for p in pack.powers if decision.requested(p.id)] if target == "package" else [target]
    reasons, missing = [], set()
    for pid in powers:
        power = pack.power(pid)
        status = decision.power(power).status
        if status == Status.not_in_force:
            reasons.append(f"{pid} is not in force on {later.isoformat()} ({power.in_force.text()})")
        for rid in prerequisites(pack, power):
            value = decision.truths.get(rid)
            if value is False:
                tests = failed_tests(pack.rules[rid].when, decision.facts, decision.truths)
                reasons.append(f"{rid} stays false with every declared move made"
                               + (f": {'; '.join(tests)}" if tests else ""))
            elif value is None:
                missing |= set(decision.missing(rid))
        if status == Status.needs_stronger_accountability:
            reasons.append(f"{pid} needs {decision.power(power).required_tier}, which no declared move reaches")
        if status == Status.undetermined:
            missing |= set(decision.power(power).missing)
    if missing:
        reasons.append("it depends on facts not known: " + ", ".join(sorted(missing)) + " (collect them first)")
    return list(dict.fromkeys(reasons)), sorted(missing)


def unlock(pack: Pack, profile: Profile, on: date, target: str, limit: int = 3, join: bool = True) -> Unlock:
    ids = [p.id for p in pack.powers]
    if target != "package" and target not in ids:
        raise InputError([Problem(target, f"not a power of rule pack '{pack.id}' (powers: {', '.join(ids)})",
                                  suggestion=nearest(target, ids))])
    result = Unlock(as_of=on, pack=pack_ref(pack), place=place_ref(profile), target=target)
    answers, base = search(pack, profile, on, target, limit)
    base_facts = facts_with(pack, profile, on, {})
    requested = [p.id for p in pack.powers if base_facts.get(f"requested.{p.id}")]
    if target == "package" and not requested:
        result.why_not = ["the place asks for no powers (or its priorities are not recorded): there is no package"]
        return result
    if target != "package":
        result.status = base.statuses[target]
    if _reached(target, base, requested):
        result.already = True
        return result
    result.answers = answers
    if not answers:
        result.why_not, result.facts_to_collect = why_not(pack, profile, on, target)
    if join and base.eligible is False and pack.join is not None:
        from .neighbours import join_options
        result.join_move = move_ref(pack.join)
        result.join = join_options(pack, profile, on)
    return result


def unlock_lines(pack: Pack, profile: Profile, on: date, requested: list[str], statuses: dict[str, Status]
                 ) -> list[UnlockLine]:
    """For each power asked for and not available: the cheapest moves, in a line for a deal sheet."""
    out = []
    for pid in requested:
        if statuses[pid] in (Status.available, Status.not_in_force):
            continue
        answers, _ = search(pack, profile, on, pid, limit=1)
        if answers:
            a = answers[0]
            text = " + ".join(m.title.lower() for m in a.moves) + f" (cost {a.cost:g}, about {a.months:g} months)"
            out.append(UnlockLine(power=pid, moves=[m.id for m in a.moves], cost=a.cost, months=a.months, text=text))
        else:
            reasons, _missing = why_not(pack, profile, on, pid)
            out.append(UnlockLine(power=pid, text="no declared move unlocks it: " + "; ".join(reasons)))
    return out
