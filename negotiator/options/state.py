"""A place's facts as of a date with changes applied, and what the pack decides for them (quickly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..decide.decision import package_tiers, power_status, tier_met
from ..engines.python import PythonEvaluator
from ..engines.semantics import engine_facts, truth
from ..pack.ir import Move, Pack
from ..results import Status
from ..vocab.facts import MONTHS_SUFFIX, NEVER, NEVER_MONTHS, months_between
from ..vocab.profile import Profile, facts_at

_EVALUATORS: dict[str, PythonEvaluator] = {}


def evaluator(pack: Pack) -> PythonEvaluator:
    found = _EVALUATORS.get(pack.hash)
    if found is None:
        found = _EVALUATORS[pack.hash] = PythonEvaluator(pack)
    return found


def add_months(start: date, months: int) -> date:
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month + 1, min(start.day, 28))


@dataclass(frozen=True)
class Outcome:
    eligible: bool | None
    statuses: dict[str, Status]
    package_met: bool | None
    truths: dict


def facts_with(pack: Pack, profile: Profile, on: date, overrides: dict[str, Any]) -> dict[str, Any]:
    """The pack's facts for a profile as of `on`, with some facts replaced (and their computed facts kept in step)."""
    facts = facts_at(profile, pack.vocabulary, on)
    facts.update(overrides)
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


def apply_moves(pack: Pack, profile: Profile, on: date, moves: list[Move]) -> tuple[dict[str, Any], date] | None:
    """Facts after making the moves (None if two set one fact differently or a move's precondition fails)."""
    overrides: dict[str, Any] = {}
    for m in moves:
        for name, value in m.sets:
            value = on if value == "as_of" else value
            if name in overrides and overrides[name] != value:
                return None
            overrides[name] = value
    later = add_months(on, sum(m.wait_months or 0 for m in moves))
    facts = facts_with(pack, profile, later, overrides)
    needs = [m.requires for m in moves if m.requires is not None]
    if needs:
        truths = evaluator(pack).truths(engine_facts(facts), frozenset(pack.rules) - pack.rules_in_force(later))
        if any(truth(cond, facts, truths) is not True for cond in needs):
            return None
    return facts, later
