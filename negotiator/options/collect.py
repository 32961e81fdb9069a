"""Facts to collect: the unknown facts that would settle the most undetermined conclusions.

A fact settles a conclusion when, whichever of its values it turns out to have (one per class of
values the pack can tell apart), the conclusion is no longer undetermined; it may settle one when
some of its values would. Facts are ranked by what they settle, then by what they may settle.
Conclusions are the negotiation level and each power's status.

The trial profiles (a place's facts with one unknown fact given one of its values) of every place
asked about are decided together, in batches (batch.py): a round's thousands of places are decided
as columns through the fast evaluator, a single place's few on the Python evaluator.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from ..compiled import compiled
from ..compiled.space import Space
from ..months import months_before, months_between
from ..vocab.facts import MONTHS_SUFFIX, NEVER, NEVER_MONTHS
from ..pack.ir import Pack
from ..results import FactToCollect
from ..vocab.profile import Profile
from .batch import Trial, decide_many
from .state import facts_with

def space(pack: Pack) -> Space:
    return compiled(pack).space


def facts_to_collect(pack: Pack, profile: Profile, on: date, limit: int = 5) -> list[FactToCollect]:
    return facts_to_collect_many(pack, [(profile, on)], limit)[0]


def facts_to_collect_many(pack: Pack, places: Sequence[tuple[Profile, date]], limit: int = 5,
                          fast: bool | None = None, facts: Sequence[dict[str, Any]] | None = None
                          ) -> list[list[FactToCollect]]:
    """The facts to collect for each (profile, date), in order; every trial profile decided in one batch.

    `fast` forces the evaluator of the batch (see batch.decide_many); the answer is the same either way.
    `facts`: each place's facts as of its date (as facts_at gives them), when the caller has them already."""
    facts = [facts_with(pack, profile, on, {}) for profile, on in places] if facts is None else list(facts)
    keys = [(on, tuple(sorted((k, _key(v)) for k, v in f.items()))) for f, (_p, on) in zip(facts, places)]
    first: dict[tuple, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)  # equal facts on the same date: decided once
    unique = list(first.values())
    bases = decide_many(pack, [(facts[i], {}, places[i][1]) for i in unique], fast)
    trials: list[Trial] = []
    plans: dict[int, tuple[frozenset[str], list[tuple[str, int, int]]]] = {}
    for i, base in zip(unique, bases):
        opened = base.open(pack)
        if not opened:
            continue
        on = places[i][1]
        plan = []
        for name, values in _candidates(pack, facts[i], on):
            months = name + MONTHS_SUFFIX
            begin = len(trials)
            for value in values:
                change = {name: value}
                if months in pack.facts:
                    change[months] = NEVER_MONTHS if value == NEVER else months_between(value, on)
                trials.append((facts[i], change, on))
            plan.append((name, begin, len(trials)))
        plans[i] = (opened, plan)
    decided = decide_many(pack, trials, fast)
    open_of: dict = {}

    def opens(summary) -> frozenset[str]:  # few distinct summaries among many trials
        found = open_of.get(summary)
        if found is None:
            found = open_of[summary] = summary.open(pack)
        return found

    answers: dict[int, list[FactToCollect]] = {}
    for i in unique:
        if i not in plans:
            answers[i] = []
            continue
        opened, plan = plans[i]
        ranked = []
        for name, begin, end in plan:
            settled, maybe = set(opened), set[str]()
            for summary in decided[begin:end]:
                now = opened - opens(summary)
                settled &= now
                maybe |= now
            if settled or maybe:
                ranked.append((name, sorted(settled), sorted(maybe - settled)))
        ranked.sort(key=lambda r: (-len(r[1]), -len(r[2]), r[0]))
        answers[i] = [FactToCollect(fact=name, title=pack.facts[name].title or name, settles=settles,
                                    may_settle=maybe) for name, settles, maybe in ranked[:limit]]
    return [answers[first[key]] for key in keys]  # places with equal facts share their (unchanged) answer


def _candidates(pack: Pack, facts: dict[str, Any], on: date) -> list[tuple[str, list[Any]]]:
    """The unknown facts worth trying, each with the values to try (one per class the pack tells apart)."""
    sp = space(pack)
    names = sorted({n.removesuffix(MONTHS_SUFFIX) for n, v in facts.items() if v is None
                    and n in pack.facts and not pack.facts[n].always_known and not n.startswith("requested")})
    out = []
    for name in names:
        decl = pack.facts.get(name)
        if decl is None or decl.computed or decl.type == "list":
            continue
        months = name + MONTHS_SUFFIX
        if months in pack.facts:  # a date read through months_since: one date per class of months
            values: list[Any] = [months_before(on, m) for m in sp.classes(months) if m is not None and m < NEVER_MONTHS]
            values += [NEVER] if decl.never else []
        else:
            values = [v for v in sp.classes(name) if v is not None]
        if values:
            out.append((name, values))
    return out


def _key(value):
    return tuple(value) if isinstance(value, list) else value
