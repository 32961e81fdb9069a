"""Explanations as data: the chain of rules behind one power, with every condition's outcome.

Rendering to text lives in render.py; this module only builds the data.
"""

from __future__ import annotations

from .decide import Decision, result_word
from .errors import InputError, Problem, nearest
from .ir import All, Any_, Compare, Cond, Not, RuleRef, rules_in
from .logic import truth


def condition_tree(decision: Decision, cond: Cond) -> dict:
    """Each node of a condition with its three-valued outcome for this place."""
    value = truth(cond, decision.facts, decision.truths)
    if isinstance(cond, Compare):
        return {"test": cond.text(), "fact": cond.fact, "value": decision.facts.get(cond.fact),
                "result": result_word(value)}
    if isinstance(cond, RuleRef):
        return {"test": cond.text(), "rule": cond.rule, "result": result_word(value)}
    if isinstance(cond, Not):
        return {"not": condition_tree(decision, cond.item), "result": result_word(value)}
    key = "all" if isinstance(cond, All) else "any"
    assert isinstance(cond, (All, Any_))
    return {key: [condition_tree(decision, item) for item in cond.items], "result": result_word(value)}


def rule_chain(decision: Decision, rule_id: str, seen: set[str] | None = None) -> dict:
    """A rule, its conditions, and the rules it reads, recursively."""
    seen = set() if seen is None else seen
    seen.add(rule_id)
    rule = decision.pack.rules[rule_id]
    node = dict(decision.step(rule_id))
    node["where"] = f"{rule.where.file}:{rule.where.line}"
    node["conditions"] = condition_tree(decision, rule.when)
    node["because"] = [rule_chain(decision, dep, seen) for dep in rules_in(rule.when) if dep not in seen]
    return node


def explain_power(decision: Decision, power_id: str) -> dict:
    """Everything behind one power's status for one place."""
    ids = [p.id for p in decision.pack.powers]
    if power_id not in ids:
        raise InputError([Problem(power_id, f"not a power of rule pack '{decision.pack.id}' "
                                            f"(powers: {', '.join(ids)})", suggestion=nearest(power_id, ids))])
    power = decision.pack.power(power_id)
    entry = decision.power(power)
    prereqs = [decision.pack.negotiation_rule] + [r for r in power.requires if r != decision.pack.negotiation_rule]
    current = decision.current_tier
    return {
        "place": {"id": decision.place.id, "name": decision.place.name},
        "rule_pack": {"id": decision.pack.id, "version": decision.pack.version, "hash": decision.pack.hash},
        "power": {k: v for k, v in entry.items() if k != "reasons"},
        "power_rule": {"id": power.id, "statement": power.statement, "source": decision.pack.cite(power.source),
                       "tier": power.tier, "where": f"{power.where.file}:{power.where.line}"},
        "prerequisites": [rule_chain(decision, r) for r in prereqs],
        "requirements": [dict(rule_chain(decision, req.rule), tier=req.tier)
                         for req in decision.requirements_for(power_id)],
        "current_tier": None if current is None else {"id": current.id, "rank": current.rank},
        "accountability_model": decision.facts.get("accountability.model"),
    }
