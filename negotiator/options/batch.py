"""Deciding many trial profiles at once: the advice's what-ifs (facts to collect, unlock's sets of moves).

Advice tries a place's facts with one thing changed (a fact given each of its classes of values, a set
of moves made) and asks what the pack then decides. Those trial profiles are decided here in batches:
as columns through the fast evaluator (engines/fast.py) when there are enough of them to pay for it,
one at a time on the plain-Python evaluator otherwise (a handful of trials costs less than importing
numpy and compiling the pack's columns). Both give the same summaries (tests/test_advice_batch.py
compares them on every bundled place and on generated profiles), so which is used never shows.

A summary is what advice reads of a decision: eligibility (the negotiation rule), each power's status
in the pack's order, and whether the place's tier meets the package's.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any, NamedTuple, Sequence

from ..compiled import compiled
from ..engines.semantics import engine_facts, truth
from ..pack.ir import Move, Pack, engine_value
from ..results import Status
from ..vocab.profile import Profile, facts_at
from .state import Outcome, add_months, changes_with, decide_facts, evaluator

#: Trial profiles from which a batch goes through the fast evaluator (fewer: the Python evaluator) once numpy
#: is loaded; before, importing it (about 85 ms of CPU) pays only from about a thousand trials.
FAST_FROM = 256
FAST_FROM_COLD = 1024


def _use_columns(trials: int) -> bool:
    return trials >= (FAST_FROM if "numpy" in sys.modules else max(FAST_FROM, FAST_FROM_COLD))
#: Trial profiles decided per call of the fast evaluator (bounds the columns' memory).
CHUNK = 16384

_BY_CODE = tuple(Status(name) for name in ("available", "needs_stronger_accountability", "not_available",
                                           "undetermined", "not_in_force"))
_WORD = {1: True, -1: False, 0: None}


class Summary(NamedTuple):
    """What advice reads of one decision."""

    eligible: bool | None
    statuses: tuple[Status, ...]  # in the order of pack.powers
    package_met: bool | None

    def open(self, pack: Pack) -> frozenset[str]:
        """The conclusions still undetermined: 'power ID' for each such power, 'negotiation level'."""
        opened = {f"power {p.id}" for p, s in zip(pack.powers, self.statuses) if s == Status.undetermined}
        if self.eligible is None:
            opened.add("negotiation level")
        return frozenset(opened)

    def outcome(self, pack: Pack) -> Outcome:
        """As an Outcome (without the rules' truths, which advice built from a summary does not read)."""
        return Outcome(self.eligible, {p.id: s for p, s in zip(pack.powers, self.statuses)}, self.package_met, {})


def summary_of(pack: Pack, out: Outcome) -> Summary:
    return Summary(out.eligible, tuple(out.statuses[p.id] for p in pack.powers), out.package_met)


#: A trial profile: a place's facts (shared by its trials), what the trial changes in them, the date.
Trial = tuple[dict[str, Any], dict[str, Any], date]


def decide_many(pack: Pack, trials: Sequence[Trial], fast: bool | None = None) -> list[Summary]:
    """What the pack decides for each trial (its facts with its changes, as of its date), in order.

    `fast` forces the evaluator (True: columns, False: one at a time); None chooses by the number of trials."""
    if not trials:
        return []
    if fast is None:
        fast = _use_columns(len(trials))
    if not fast:
        return [summary_of(pack, decide_facts(pack, {**base, **changes} if changes else base, on))
                for base, changes, on in trials]
    out: list[Summary] = []
    for start in range(0, len(trials), CHUNK):
        out += _decide_columns(pack, trials[start:start + CHUNK])
    return out


def _decide_columns(pack: Pack, trials: Sequence[Trial]) -> list[Summary]:
    """One batch as columns: each distinct base encoded once and repeated, then the trials' changes written in."""
    import numpy as np

    ev = compiled(pack).fast
    bases: dict[int, int] = {}
    rows: list[dict[str, Any]] = []
    index = np.empty(len(trials), dtype=np.intp)
    changed: dict[str, tuple[list[int], list[Any]]] = {}
    for i, (base, changes, _on) in enumerate(trials):
        row = bases.get(id(base))
        if row is None:
            row = bases[id(base)] = len(rows)
            rows.append(engine_facts(base))
        index[i] = row
        for name, value in changes.items():
            if name in ev.encodings:
                at, values = changed.setdefault(name, ([], []))
                at.append(i)
                values.append(engine_value(value))
    cols = ev.columns(rows).take(index)
    for name, (at, values) in changed.items():
        v, k = ev.encode(name, values)
        cols.values[name][at] = v
        cols.known[name][at] = k
    dates = {on for _b, _c, on in trials}
    when: date | np.ndarray = next(iter(dates)) if len(dates) == 1 else \
        np.fromiter((on.toordinal() for _b, _c, on in trials), dtype=np.int64, count=len(trials))
    c = ev.decide(cols, when)
    t, f = c.eligible
    eligible = (t.astype(np.int8) - f.astype(np.int8)).tolist()
    met = (c.meets[0].astype(np.int8) - c.meets[1].astype(np.int8)).tolist()
    word, by_code = _WORD, _BY_CODE
    return [Summary(word[e], tuple(by_code[s] for s in row), word[m])
            for e, row, m in zip(eligible, c.statuses.T.tolist(), met)]


def truths_many(pack: Pack, items: Sequence[tuple[dict[str, Any], date]], fast: bool | None = None
                ) -> list[dict[str, bool | None]]:
    """Every rule's conclusion for each (facts, date), in order (rules not in force on the date conclude false)."""
    if not items:
        return []
    if fast is None:
        fast = _use_columns(len(items))
    if not fast:
        python = evaluator(pack)
        return [python.truths(engine_facts(facts), frozenset(pack.rules) - pack.rules_in_force(on))
                for facts, on in items]
    import numpy as np

    from ..engines.fast import unpack
    ev = compiled(pack).fast
    order = [rid for stratum in pack.strata for rid in stratum]  # the Python evaluator's rules, in its order
    out: list[dict[str, bool | None]] = []
    for start in range(0, len(items), CHUNK):
        part = items[start:start + CHUNK]
        cols = ev.columns([engine_facts(facts) for facts, _on in part])
        dates = {on for _f, on in part}
        when: date | np.ndarray = next(iter(dates)) if len(dates) == 1 else \
            np.fromiter((on.toordinal() for _f, on in part), dtype=np.int64, count=len(part))
        out += unpack(ev.rule_truths(cols, on=when), len(part), order)
    return out


def _frozen(overrides: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in overrides.items()))


def apply_many(pack: Pack, profile: Profile, on: date, combos: Sequence[Sequence[Move]], fast: bool | None = None
               ) -> list[tuple[dict[str, Any], dict[str, Any], date] | None]:
    """state.apply_moves for many sets of moves at once: for each set, the place's facts as of the date the
    moves are made by, what the moves change in them (a Trial), and that date; None where the set cannot be made.

    Sets are made move by move, side by side: at each step, the `requires` of every set's next move is read
    on the place as it stands just then, those of all sets together (each distinct state once, in a batch)."""
    order = {m.id: i for i, m in enumerate(pack.moves)}
    at: dict[date, dict[str, Any]] = {}

    def facts_on(when: date) -> dict[str, Any]:  # the place's own facts as of a date, shared by every set
        found = at.get(when)
        if found is None:
            found = at[when] = facts_at(profile, pack.vocabulary, when)
        return found

    sequences = [sorted(c, key=lambda m: order.get(m.id, len(order))) for c in combos]
    overrides: list[dict[str, Any] | None] = [{} for _ in sequences]
    waited = [0] * len(sequences)
    for step in range(max((len(s) for s in sequences), default=0)):
        moving = [i for i, s in enumerate(sequences) if step < len(s) and overrides[i] is not None]
        when = {i: add_months(on, waited[i]) if waited[i] else on for i in moving}
        states: dict[tuple, tuple[dict[str, Any], date]] = {}
        keys: dict[int, tuple] = {}
        for i in moving:
            if sequences[i][step].requires is not None:
                key = keys[i] = (when[i], _frozen(overrides[i]))  # type: ignore[arg-type]
                if key not in states:
                    states[key] = ({**facts_on(when[i]), **changes_with(pack, overrides[i], when[i])},  # type: ignore[arg-type]
                                   when[i])
        held = dict(zip(states, (truths_many(pack, list(states.values()), fast))))
        for i in moving:
            m = sequences[i][step]
            if m.requires is not None:
                facts, _when = states[keys[i]]
                if truth(m.requires, facts, held[keys[i]]) is not True:
                    overrides[i] = None
                    continue
            mine = overrides[i]
            assert mine is not None
            for name, value in m.sets:
                value = when[i] if value == "as_of" else value
                if name in mine and mine[name] != value:
                    overrides[i] = None
                    break
                mine[name] = value
            waited[i] += m.wait_months or 0
    out: list[tuple[dict[str, Any], dict[str, Any], date] | None] = []
    for i, mine in enumerate(overrides):
        if mine is None:
            out.append(None)
            continue
        later = add_months(on, waited[i]) if waited[i] else on
        out.append((facts_on(later), changes_with(pack, mine, later), later))
    return out
