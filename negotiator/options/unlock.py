"""The cheapest sets of declared moves that make a power (or the whole package asked for) available.

Every subset of the pack's moves is a candidate; a candidate unlocks the target when, with its moves
made (facts set, months waited, preconditions met), the target is available. The candidates are made in
the pack's order of moves, so a set that cannot be made (a move's `requires` not known to hold, or two moves
setting one fact two ways) cannot be made with any move listed after it either: the sets are grown move by
move from those that can be made, never the 2^n subsets one by one, and every consistent set is tried. Only
when more than MAX_SETS sets can be made does the search stop, before the move that would pass it, and the
answer says so and names the moves no tried set holds (`Unlock.incomplete`). Answers are minimal (no
proper subset unlocks) and ranked by total cost, then by time (moves run side by side, each after the waits
listed before it), then by the number of moves. When nothing unlocks, the search says why, from consistent
sets of moves only (never from moves that contradict each other): the rules no consistent set makes true,
with the facts that make them false for the place as it is; rules that hold in different sets but in none
together; the tier no consistent set reaches; the facts that stay unknown; or the dates. For a place below the
negotiation level it also proposes groupings with neighbouring councils (see neighbours.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

from ..decide.catalogue import pack_ref, place_ref
from ..decide.decision import Decision, failed_tests, prerequisites
from ..errors import InputError, Problem, nearest
from ..pack.ir import Move, Pack
from ..results import MoveRef, Status, Unlock, UnlockAnswer, UnlockLine
from ..vocab.profile import Profile
from ..vocab.timeline import changes_ahead
from ..engines.semantics import truth
from ..vocab.profile import facts_at
from .batch import Summary, _frozen, decide_many, truths_many
from .state import Outcome, add_months, changes_with, decide_facts, facts_with, finish_months

#: Consistent sets of moves (sets that can be made) the search examines before it stops and says so. The
#: bundled packs have at most a few thousand (the 2026 pack's 13 moves: 8,191 subsets, most refused at once).
MAX_SETS = 65_536


@dataclass
class Space:
    """The consistent sets of a pack's moves for a place on a date: each with its trial profile (the place's
    facts as of the date its moves are made by, what the moves change in them, that date), smallest first and
    in the pack's order within a size (the order itertools.combinations gives). `untried`: the moves no
    examined set holds, when the search stopped at MAX_SETS (empty when every set was tried)."""

    combos: list[tuple[Move, ...]]
    trials: list[tuple[dict[str, Any], dict[str, Any], date]]
    untried: list[Move] = field(default_factory=list)
    limit: int = MAX_SETS

    def note(self) -> str | None:
        """The plain statement that the search is incomplete, or None when it tried every set."""
        if not self.untried:
            return None
        names = "; ".join(m.title.lower() for m in self.untried)
        return (f"the search stopped after {len(self.combos):,} consistent sets of moves (its limit is "
                f"{self.limit:,}): no set with any of these {len(self.untried)} moves was tried: {names}. "
                "A cheaper set holding one of them may exist")


def _with_move(m: Move, mine: dict[str, Any], when: date) -> dict[str, Any] | None:
    """The facts a set of moves sets, with `m`'s made on `when` too; None where `m` sets a fact the set has
    already given another value (moves that contradict each other are never made together)."""
    new = dict(mine)
    for name, value in m.sets:
        value = when if value == "as_of" else value
        if name in new and new[name] != value:
            return None
        new[name] = value
    return new


def space(pack: Pack, profile: Profile, on: date, limit: int | None = None) -> Space:
    """Every set of the pack's moves that can be made (the empty set first), grown move by move in the pack's
    order: a set extends only sets that can be made, since moves are made in that order and a move's
    `requires` is read on the place as the moves before it leave it. Stops before a move that would take the
    number of sets past `limit` (MAX_SETS when not given), and records the moves not tried."""
    limit = MAX_SETS if limit is None else limit
    moves = list(pack.moves)
    at: dict[date, dict[str, Any]] = {}

    def facts_on(when: date) -> dict[str, Any]:
        found = at.get(when)
        if found is None:
            found = at[when] = facts_at(profile, pack.vocabulary, when)
        return found

    # each set: (its moves, the facts its moves set, the months its moves wait)
    sets: list[tuple[tuple[Move, ...], dict[str, Any], int]] = [((), {}, 0)]
    untried: list[Move] = []
    for k, m in enumerate(moves):
        grown: list[tuple[tuple[Move, ...], dict[str, Any], int]] = []
        held: dict[tuple, bool | None] = {}
        if m.requires is not None:
            states: dict[tuple, tuple[dict[str, Any], date]] = {}
            for _combo, mine, waited in sets:
                when = add_months(on, waited) if waited else on
                key = (when, _frozen(mine))
                if key not in states:
                    states[key] = ({**facts_on(when), **changes_with(pack, mine, when)}, when)
            truths = truths_many(pack, list(states.values()))
            held = {key: truth(m.requires, states[key][0], t) for key, t in zip(states, truths)}
        for combo, mine, waited in sets:
            when = add_months(on, waited) if waited else on
            if m.requires is not None and held[(when, _frozen(mine))] is not True:
                continue
            new = _with_move(m, mine, when)
            if new is not None:
                grown.append((combo + (m,), new, waited + (m.wait_months or 0)))
        if len(sets) + len(grown) > limit:
            untried = moves[k:]
            break
        sets += grown
    index = {m.id: i for i, m in enumerate(moves)}
    sets.sort(key=lambda s: (len(s[0]), [index[m.id] for m in s[0]]))
    trials = []
    for _combo, mine, waited in sets:
        later = add_months(on, waited) if waited else on
        trials.append((facts_on(later), changes_with(pack, mine, later), later))
    return Space([s[0] for s in sets], trials, untried, limit)


def spaces(pack: Pack, places: Sequence[tuple[Profile, date]], limit: int | None = None) -> list[Space]:
    """`space` for many (profile, date) at once, grown side by side: at each move, the states of every place
    whose `requires` must be read are decided in one batch (batch.truths_many: as columns when there are many),
    so a round's places are not searched one after another. Each place's space is the one `space` gives
    (tests/test_advice_batch.py compares them)."""
    limit = MAX_SETS if limit is None else limit
    moves = list(pack.moves)
    at: list[dict[date, dict[str, Any]]] = [{} for _ in places]

    def facts_on(i: int, when: date) -> dict[str, Any]:
        found = at[i].get(when)
        if found is None:
            found = at[i][when] = facts_at(places[i][0], pack.vocabulary, when)
        return found

    # each place's sets: (its moves, the facts its moves set, the months its moves wait)
    sets: list[list[tuple[tuple[Move, ...], dict[str, Any], int]]] = [[((), {}, 0)] for _ in places]
    untried: list[list[Move]] = [[] for _ in places]
    growing = list(range(len(places)))
    for k, m in enumerate(moves):
        held: dict[tuple, bool | None] = {}
        if m.requires is not None:
            states: dict[tuple, tuple[dict[str, Any], date]] = {}
            for i in growing:
                on = places[i][1]
                for _combo, mine, waited in sets[i]:
                    when = add_months(on, waited) if waited else on
                    key = (i, when, _frozen(mine))
                    if key not in states:
                        states[key] = ({**facts_on(i, when), **changes_with(pack, mine, when)}, when)
            truths = truths_many(pack, list(states.values()))
            held = {key: truth(m.requires, states[key][0], t) for key, t in zip(states, truths)}
        for i in list(growing):
            on = places[i][1]
            grown: list[tuple[tuple[Move, ...], dict[str, Any], int]] = []
            for combo, mine, waited in sets[i]:
                when = add_months(on, waited) if waited else on
                if m.requires is not None and held[(i, when, _frozen(mine))] is not True:
                    continue
                new = _with_move(m, mine, when)
                if new is not None:
                    grown.append((combo + (m,), new, waited + (m.wait_months or 0)))
            if len(sets[i]) + len(grown) > limit:
                untried[i] = moves[k:]
                growing.remove(i)
                continue
            sets[i] += grown
    index = {m.id: i for i, m in enumerate(moves)}
    out = []
    for i, (_profile, on) in enumerate(places):
        mine_sets = sorted(sets[i], key=lambda s: (len(s[0]), [index[m.id] for m in s[0]]))
        trials = []
        for _combo, mine, waited in mine_sets:
            later = add_months(on, waited) if waited else on
            trials.append((facts_on(i, later), changes_with(pack, mine, later), later))
        out.append(Space([s[0] for s in mine_sets], trials, untried[i], limit))
    return out


def move_ref(m: Move) -> MoveRef:
    return MoveRef(id=m.id, title=m.title, cost=m.cost, months=m.months, note=m.note)


def _reached(target: str, out: Outcome, requested: list[str]) -> bool:
    if target == "package":
        return bool(requested) and all(out.statuses[p] == Status.available for p in requested) and \
            out.package_met is True
    return out.statuses[target] == Status.available


def search(pack: Pack, profile: Profile, on: date, target: str, limit: int = 3) -> tuple[list[UnlockAnswer], Outcome]:
    """Minimal unlocking sets of moves, cheapest first."""
    answers, base = search_many(pack, profile, on, [target], limit)
    return answers[target], base


def search_many(pack: Pack, profile: Profile, on: date, targets: list[str], limit: int = 3,
                sets: Space | None = None) -> tuple[dict[str, list[UnlockAnswer]], Outcome]:
    """`search` for several targets of one place: every set of moves is made and decided once, for them all.

    The sets' trial profiles are decided in one batch (batch.py: as columns when there are many). Which
    sets unlock a target, and so which are minimal, is read from those decisions in the order of the sets
    (smallest first), exactly as trying them one after another would."""
    sets = space(pack, profile, on) if sets is None else sets
    made = [i for i, combo in enumerate(sets.combos) if combo]  # the empty set is the place as it is
    decided = dict(zip(made, decide_many(pack, [sets.trials[i] for i in made])))
    return _answers(pack, profile, on, targets, limit, sets, decided)


def _answers(pack: Pack, profile: Profile, on: date, targets: list[str], limit: int, sets: Space,
             decided: dict[int, Summary]) -> tuple[dict[str, list[UnlockAnswer]], Outcome]:
    """search_many's answers, from the decisions of the place's sets of moves (by their index in `sets`)."""
    base_facts = facts_with(pack, profile, on, {})
    base = decide_facts(pack, base_facts, on)
    requested = [p.id for p in pack.powers if base_facts.get(f"requested.{p.id}")]
    moves = list(pack.moves)
    combos = sets.combos
    made = [i for i, combo in enumerate(combos) if combo]
    by_id = {m.id: m for m in moves}
    out: dict[str, list[UnlockAnswer]] = {}
    for target in targets:
        found: list[tuple[tuple, list[str], Outcome]] = []
        for i in made:
            combo = combos[i]
            ids = {m.id for m in combo}
            if any(set(f[1]) <= ids for f in found):
                continue  # a smaller set already unlocks: this one is not minimal
            result = decided[i].outcome(pack)
            if _reached(target, result, requested):
                cost = sum(m.cost for m in combo)
                months = finish_months(pack, list(combo))  # side by side, but after the waits before them
                found.append(((cost, months, len(combo), sorted(ids)), sorted(ids), result))
        found.sort(key=lambda f: f[0])
        answers = []
        for (cost, months, _k, _ids), ids_, result in found[:limit]:
            changed = {p: [base.statuses[p], s] for p, s in result.statuses.items() if s != base.statuses[p]}
            answers.append(UnlockAnswer(
                moves=[move_ref(by_id[i]) for i in sorted(ids_, key=lambda i: moves.index(by_id[i]))],
                cost=cost, months=months, outcome=changed,
                eligible=[base.eligible, result.eligible] if result.eligible != base.eligible else None))
        out[target] = answers
    return out, base


def _feasible(pack: Pack, profile: Profile, on: date, sets: Space | None = None
              ) -> list[tuple[list[Move], dict, date]]:
    """Every consistent set of the declared moves (the empty set first), with the facts and date it leads to:
    sets whose moves can all be made (each `requires` holding before it) and set no fact two ways."""
    sets = space(pack, profile, on) if sets is None else sets
    return [(list(combo), {**a[0], **a[1]}, a[2]) for combo, a in zip(sets.combos, sets.trials)]


def _reads(pack: Pack, rid: str, seen: set[str] | None = None) -> set[str]:
    """Every fact a rule reads, through the rules it reads (months since X read as X)."""
    seen = set() if seen is None else seen
    if rid in seen:
        return set()
    seen.add(rid)
    facts, rules, _params = pack.reads[rid]
    out = {f.removesuffix("@months") for f in facts}
    for r in rules:
        out |= _reads(pack, r, seen)
    return out


def _some(items: list[str], shown: int = 3) -> str:
    return ", ".join(items[:shown]) + (f", and {len(items) - shown} more" if len(items) > shown else "")


_RANK = {Status.available: 0, Status.needs_stronger_accountability: 1, Status.undetermined: 2,
         Status.not_available: 3, Status.not_in_force: 4}


def _states(pack: Pack, profile: Profile, on: date, sets: Space | None = None) -> list[tuple]:
    """Every consistent set of moves with its facts, date, rules' conclusions (decided in one batch) and Decision."""
    feasible = _feasible(pack, profile, on, sets)
    every = truths_many(pack, [(facts, later) for _combo, facts, later in feasible])
    return _states_of(pack, profile, feasible, every)


def _states_of(pack: Pack, profile: Profile, feasible: list[tuple[list[Move], dict, date]], every: list[dict]
               ) -> list[tuple]:
    states = []
    for (combo, facts, later), truths in zip(feasible, every):
        off = frozenset(pack.rules) - pack.rules_in_force(later)
        states.append((combo, facts, later, truths, Decision(pack, profile, later, "with these moves made", facts,
                                                             truths, off)))
    return states


def why_not(pack: Pack, profile: Profile, on: date, target: str, states: list[tuple] | None = None,
            sets: Space | None = None) -> tuple[list[str], list[str]]:
    """Why no set of declared moves unlocks the target, explained only by sets of moves that can be made
    together (never by moves that contradict each other): for each rule it needs, whether any consistent set
    makes it true (if none does, why it is false on the place as it is, and which moves touch what it reads);
    rules that hold in different sets but in none together; and, in the best consistent set, what still
    stands in the way (the tier, or the facts to collect)."""
    states = _states(pack, profile, on, sets) if states is None else states
    base = states[0][4]
    powers = [p.id for p in pack.powers if base.requested(p.id)] if target == "package" else [target]
    reasons: list[str] = []
    missing: set[str] = set()
    for pid in powers:
        power = pack.power(pid)
        results = [st[4].power(power) for st in states]
        if all(r.status == Status.not_in_force for r in results):
            reasons.append(f"{pid} is not in force on {on.isoformat()} ({power.in_force.text()})")
            continue
        needed = prerequisites(pack, power)
        can = {rid: [i for i, st in enumerate(states) if st[3].get(rid) is True] for rid in needed}
        for rid in needed:
            if can[rid]:
                continue
            values = [st[3].get(rid) for st in states]
            if False in values:
                i = values.index(False)
                tests = failed_tests(pack.rules[rid].when, states[i][1], states[i][3])
                movers = [m.title.lower() for m in pack.moves if {n for n, _v in m.sets} & _reads(pack, rid)]
                where = "as it is" if i == 0 else "with " + " + ".join(m.title.lower() for m in states[i][0])
                reasons.append(
                    f"{rid} is false for the place {where}" + (f": {'; '.join(tests)}" if tests else "")
                    + (f"; no consistent set of declared moves makes it true (of those that change facts it "
                       f"reads: {_some(movers)})" if movers else "; no declared move changes the facts it reads"))
            if None in values:
                missing |= set(states[values.index(None)][4].missing(rid))
        if not all(can.values()):
            continue
        together = [i for i in range(len(states)) if all(i in can[rid] for rid in needed)]
        if not together:
            reasons.append("no consistent set of declared moves makes " + " and ".join(needed) + " true together")
            continue
        best = min(together, key=lambda i: (_RANK[results[i].status], sum(m.cost for m in states[i][0])))
        result = results[best]
        made = " + ".join(m.title.lower() for m in states[best][0]) or "no move"
        if result.status == Status.needs_stronger_accountability:
            reasons.append(f"{pid} needs {result.required_tier}, which no consistent set of declared moves reaches "
                           f"together with the rules it needs (the nearest: {made})")
        elif result.status == Status.undetermined:
            missing |= set(result.missing)
        elif result.status == Status.not_in_force:
            reasons.append(f"{pid} is not in force on {states[best][2].isoformat()} ({power.in_force.text()})")
    if missing:
        reasons.append("it depends on facts not known: " + ", ".join(sorted(missing)) + " (collect them first)")
    return list(dict.fromkeys(reasons)), sorted(missing)


def _caveats(profile: Profile, on: date, answers: list[UnlockAnswer]) -> list[str]:
    """For each change ahead: the sentence, and which answers would be done only on or after it."""
    from .state import add_months
    out = []
    for day, sentence in changes_ahead(profile, on):
        late = [str(i) for i, a in enumerate(answers, 1) if add_months(on, int(-(-a.months // 1))) >= day]
        out.append(sentence + (f": set{'s' if len(late) > 1 else ''} {', '.join(late)} would be done only after "
                               "it, by councils that no longer exist" if late else ""))
    return out


def unlock(pack: Pack, profile: Profile, on: date, target: str, limit: int = 3, join: bool = True) -> Unlock:
    ids = [p.id for p in pack.powers]
    if target != "package" and target not in ids:
        raise InputError([Problem(target, f"not a power of rule pack '{pack.id}' (powers: {', '.join(ids)})",
                                  suggestion=nearest(target, ids))])
    result = Unlock(as_of=on, pack=pack_ref(pack), place=place_ref(profile), target=target)
    sets = space(pack, profile, on)
    found, base = search_many(pack, profile, on, [target], limit, sets)
    answers = found[target]
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
    result.changes_ahead = _caveats(profile, on, answers)
    result.sets_tried = len(sets.combos)
    result.incomplete = sets.note()
    if not answers:
        result.why_not, result.facts_to_collect = why_not(pack, profile, on, target, sets=sets)
    if join and base.eligible is False and pack.join is not None:
        from .neighbours import join_options
        result.join_move = move_ref(pack.join)
        result.join = join_options(pack, profile, on)
    return result


def unlock_lines(pack: Pack, profile: Profile, on: date, requested: list[str], statuses: dict[str, Status]
                 ) -> list[UnlockLine]:
    """For each power asked for and not available: the cheapest moves, in a line for a deal sheet."""
    out = []
    wanted = [pid for pid in requested if statuses[pid] not in (Status.available, Status.not_in_force)]
    sets = space(pack, profile, on) if wanted else None
    found = search_many(pack, profile, on, wanted, limit=1, sets=sets)[0] if wanted else {}
    note = sets.note() if sets else None
    tail = f" ({note})" if note else ""
    states = None  # the consistent sets of moves, worked out once for every power that none unlocks
    for pid in wanted:
        answers = found[pid]
        if answers:
            a = answers[0]
            text = " + ".join(m.title.lower() for m in a.moves) + f" (cost {a.cost:g}, about {a.months:g} months)"
            out.append(UnlockLine(power=pid, moves=[m.id for m in a.moves], cost=a.cost, months=a.months,
                                  text=text + tail))
        else:
            states = _states(pack, profile, on, sets) if states is None else states
            reasons, _missing = why_not(pack, profile, on, pid, states)
            out.append(UnlockLine(power=pid, text="no declared move unlocks it: " + "; ".join(reasons) + tail))
    return out


#: Places whose deal-sheet lines are worked out together (each has a few dozen to a few hundred sets of moves).
LINES_TOGETHER = 128


def unlock_lines_many(pack: Pack, items: Sequence[tuple[Profile, date, list[str], dict[str, Status]]]
                      ) -> list[list[UnlockLine]]:
    """`unlock_lines` for many places at once (a round's deal sheets): for each (profile, date, powers asked for,
    statuses), the same lines. The places' sets of moves are grown side by side (`spaces`), the trial profiles of
    all of them decided in one batch, and so are the states of those whose powers no set unlocks (batch.py:
    as columns when there are many); tests/test_advice_batch.py compares them with one place at a time."""
    out: list[list[UnlockLine]] = [[] for _ in items]
    wanted = [[pid for pid in requested if statuses[pid] not in (Status.available, Status.not_in_force)]
              for _profile, _on, requested, statuses in items]
    todo = [i for i, w in enumerate(wanted) if w]
    for start in range(0, len(todo), LINES_TOGETHER):
        group = todo[start:start + LINES_TOGETHER]
        sets = dict(zip(group, spaces(pack, [(items[i][0], items[i][1]) for i in group])))
        made = {i: [j for j, combo in enumerate(sets[i].combos) if combo] for i in group}
        every = iter(decide_many(pack, [sets[i].trials[j] for i in group for j in made[i]]))
        found = {i: _answers(pack, items[i][0], items[i][1], wanted[i], 1, sets[i],
                             {j: next(every) for j in made[i]})[0] for i in group}
        stuck = [i for i in group if not all(found[i][pid] for pid in wanted[i])]
        feasible = {i: _feasible(pack, items[i][0], items[i][1], sets[i]) for i in stuck}
        truths = iter(truths_many(pack, [(facts, later) for i in stuck for _c, facts, later in feasible[i]]))
        states = {i: _states_of(pack, items[i][0], feasible[i], [next(truths) for _ in feasible[i]]) for i in stuck}
        for i in group:
            profile, on = items[i][0], items[i][1]
            note = sets[i].note()
            tail = f" ({note})" if note else ""
            for pid in wanted[i]:
                answers = found[i][pid]
                if answers:
                    a = answers[0]
                    text = " + ".join(m.title.lower() for m in a.moves) + f" (cost {a.cost:g}, about {a.months:g} months)"
                    out[i].append(UnlockLine(power=pid, moves=[m.id for m in a.moves], cost=a.cost, months=a.months,
                                             text=text + tail))
                else:
                    reasons, _missing = why_not(pack, profile, on, pid, states[i])
                    out[i].append(UnlockLine(power=pid, text="no declared move unlocks it: " + "; ".join(reasons) + tail))
    return out
