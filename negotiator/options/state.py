"""A place's facts as of a date with changes applied, and what the pack decides for them (quickly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..decide.decision import package_tiers, power_status, tier_met
from ..compiled import compiled
from ..engines.python import PythonEvaluator
from ..engines.semantics import engine_facts, truth
from ..pack.ir import Move, Pack
from ..results import Status
from ..months import add_months, months_between
from ..vocab.facts import MONTHS_SUFFIX, NEVER, NEVER_MONTHS
from ..vocab.profile import Profile, facts_at

def evaluator(pack: Pack) -> PythonEvaluator:
    return compiled(pack).python


@dataclass(frozen=True)
class Outcome:
    eligible: bool | None
    statuses: dict[str, Status]
    package_met: bool | None
    truths: dict


def facts_with(pack: Pack, profile: Profile, on: date, overrides: dict[str, Any]) -> dict[str, Any]:
    """The pack's facts for a profile as of `on`, with some facts replaced (and their computed facts kept in step)."""
    facts = facts_at(profile, pack.vocabulary, on)
    facts.update(changes_with(pack, overrides, on))
    return facts


def changes_with(pack: Pack, overrides: dict[str, Any], on: date) -> dict[str, Any]:
    """What `facts_with` changes in the place's facts as of `on`: the overrides and the facts computed from them."""
    facts = dict(overrides)
    for name, value in overrides.items():
        months = name + MONTHS_SUFFIX
        if months in pack.facts:
            facts[months] = None if value is None else (NEVER_MONTHS if value == NEVER else months_between(value, on))
    requests = pack.vocabulary.requests
    if requests and requests in overrides:
        asked = overrides[requests]
        facts["requested_count"] = None if asked is None else len(asked)
        for p in pack.powers:
            facts[f"requested.{p.id}"] = None if asked is None else p.id in asked
    return facts


def decide_facts(pack: Pack, facts: dict[str, Any], on: date) -> Outcome:
    truths = evaluator(pack).truths(engine_facts(facts), frozenset(pack.rules) - pack.rules_in_force(on))
    current = pack.tier_of_model(facts.get(pack.model_fact))
    statuses = {p.id: power_status(pack, truths, current, p, on)[0] for p in pack.powers}
    requested = [p.id for p in pack.powers if facts.get(f"requested.{p.id}")]
    low, high = package_tiers(pack, truths, requested)
    return Outcome(truths.get(pack.negotiation_rule), statuses, tier_met(pack, current, low, high), truths)


def finish_months(pack: Pack, moves: list[Move]) -> float:
    """How long a set of moves takes: each starts when the waits before it (in the pack's order) are over and
    runs side by side with the others, so the set is done when the last of them is (a wait is its own months)."""
    order = {m.id: i for i, m in enumerate(pack.moves)}
    waited, done = 0, 0.0
    for m in sorted(moves, key=lambda m: order.get(m.id, len(order))):
        done = max(done, waited + max(m.months, m.wait_months or 0))
        waited += m.wait_months or 0
    return done


def apply_moves(pack: Pack, profile: Profile, on: date, moves: list[Move]) -> tuple[dict[str, Any], date] | None:
    """Facts after making the moves, and the date they are made by; None where the set cannot be made.

    The moves of a set are made one after another in the order the pack lists them. A move's `requires` is
    read BEFORE the move is made: on the place as it stands just then (its facts as of the date the moves
    start, moved on by the months the moves before it wait, with the facts those moves set). So "form a
    combined authority only where there is none" can be written, and a move may require what an earlier move
    of the same set brings about. A set is refused when a move's `requires` is not known to hold, or when
    two of its moves set one fact to different values (they contradict each other).
    """
    order = {m.id: i for i, m in enumerate(pack.moves)}
    overrides: dict[str, Any] = {}
    waited = 0
    for m in sorted(moves, key=lambda m: order.get(m.id, len(order))):
        when = add_months(on, waited) if waited else on
        if m.requires is not None:
            facts = facts_with(pack, profile, when, overrides)
            truths = evaluator(pack).truths(engine_facts(facts), frozenset(pack.rules) - pack.rules_in_force(when))
            if truth(m.requires, facts, truths) is not True:
                return None
        for name, value in m.sets:
            value = when if value == "as_of" else value
            if name in overrides and overrides[name] != value:
                return None
            overrides[name] = value
        waited += m.wait_months or 0
    later = add_months(on, waited) if waited else on
    return facts_with(pack, profile, later, overrides), later
