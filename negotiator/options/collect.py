"""Facts to collect: the unknown facts that would settle the most undetermined conclusions.

A fact settles a conclusion when, whichever of its values it turns out to have (one per class of
values the pack can tell apart), the conclusion is no longer undetermined; it may settle one when
some of its values would. Facts are ranked by what they settle, then by what they may settle.
Conclusions are the negotiation level and each power's status.
"""

from __future__ import annotations

from datetime import date

from ..compiled import compiled
from ..compiled.space import Space
from ..vocab.facts import MONTHS_SUFFIX, NEVER, NEVER_MONTHS, months_before, months_between
from ..pack.ir import Pack
from ..results import FactToCollect, Status
from ..vocab.profile import Profile
from .state import Outcome, decide_facts, facts_with

def space(pack: Pack) -> Space:
    return compiled(pack).space


def _open(out: Outcome) -> set[str]:
    opened = {f"power {p}" for p, s in out.statuses.items() if s == Status.undetermined}
    if out.eligible is None:
        opened.add("negotiation level")
    return opened


def facts_to_collect(pack: Pack, profile: Profile, on: date, limit: int = 5) -> list[FactToCollect]:
    facts = facts_with(pack, profile, on, {})
    return _collect(pack, on, tuple(sorted((k, _key(v)) for k, v in facts.items())), limit)


def _key(value):
    return tuple(value) if isinstance(value, list) else value


def _collect_cached(pack: Pack, on: date, items: tuple, limit: int) -> tuple:
    facts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in items}
    base = decide_facts(pack, facts, on)
    opened = _open(base)
    if not opened:
        return ()
    sp = space(pack)
    candidates = sorted({n.removesuffix(MONTHS_SUFFIX) for n, v in facts.items() if v is None
                         and n in pack.facts and not pack.facts[n].always_known and not n.startswith("requested")})
    ranked = []
    for name in candidates:
        decl = pack.facts.get(name)
        if decl is None or decl.computed or decl.type == "list":
            continue
        months = name + MONTHS_SUFFIX
        if months in pack.facts:  # a date read through months_since: one date per class of months
            values = [months_before(on, m) for m in sp.classes(months) if m is not None and m < NEVER_MONTHS]
            values += [NEVER] if decl.never else []
        else:
            values = [v for v in sp.classes(name) if v is not None]
        if not values:
            continue
        settled, maybe = set(opened), set()
        for value in values:
            trial = dict(facts, **{name: value})
            if months in pack.facts:
                trial[months] = NEVER_MONTHS if value == NEVER else months_between(value, on)
            now = opened - _open(decide_facts(pack, trial, on))
            settled &= now
            maybe |= now
        if settled or maybe:
            ranked.append((name, tuple(sorted(settled)), tuple(sorted(maybe - settled))))
    ranked.sort(key=lambda r: (-len(r[1]), -len(r[2]), r[0]))
    return tuple(ranked[:limit])


def _collect(pack: Pack, on: date, items: tuple, limit: int) -> list[FactToCollect]:
    found = compiled(pack).memo("facts to collect").get((on, items, limit),
                                                         lambda: _collect_cached(pack, on, items, limit))
    return [FactToCollect(fact=name, title=pack.facts[name].title or name, settles=list(settles),
                          may_settle=list(maybe))
            for name, settles, maybe in found]
