"""Explanations as data: the chain of rules behind one power, with every condition's outcome.

Rendering to text lives in report/text.py; this module only builds the data.
"""

from __future__ import annotations

from ..engines.semantics import truth
from ..errors import InputError, Problem, nearest
from ..pack.ir import All, Any_, Compare, Cond, Not, RuleRef, rules_in
from ..results import CondNode, Explanation, FactValue, RuleChain, Truth3
from ..vocab.timeline import existence_note
from .catalogue import catalogue, pack_in_force_note, pack_ref, place_ref
from .decision import Decision, prerequisites, requirements_for


def condition_tree(decision: Decision, cond: Cond) -> CondNode:
    """Each node of a condition with its three-valued outcome for this place."""
    result = Truth3.of(truth(cond, decision.facts, decision.truths))
    if isinstance(cond, Compare):
        return CondNode(kind="test", text=cond.text(), fact=cond.fact, value=decision.facts.get(cond.fact),
                        result=result)
    if isinstance(cond, RuleRef):
        return CondNode(kind="rule", text=cond.text(), rule=cond.rule, result=result)
    if isinstance(cond, Not):
        return CondNode(kind="not", result=result, items=[condition_tree(decision, cond.item)])
    assert isinstance(cond, (All, Any_))
    return CondNode(kind="all" if isinstance(cond, All) else "any", result=result,
                    items=[condition_tree(decision, item) for item in cond.items])


def rule_chain(decision: Decision, rule_id: str, seen: set[str] | None = None, tier: str | None = None) -> RuleChain:
    """A rule, its conditions, and the rules it reads, recursively (each rule once)."""
    seen = set() if seen is None else seen
    seen.add(rule_id)
    rule = decision.pack.rules[rule_id]
    step = decision.step(rule_id)
    facts = {}
    values = decision.fact_values()
    for name in step.facts:
        stated = decision.stated_name(name)
        facts[name] = values.get(stated) if name == stated else (
            FactValue(value=decision.facts.get(name), note=f"months from {stated} to {decision.as_of.isoformat()}")
            if decision.facts.get(name) is not None else None)
    return RuleChain(
        rule=rule_id, result=step.result, statement=rule.statement, source=decision.pack.cite(rule.source),
        where=str(rule.where), in_force=rule.in_force.text(), facts=facts, missing=step.missing, failed=step.failed,
        conditions=condition_tree(decision, rule.when),
        because=[rule_chain(decision, dep, seen) for dep in rules_in(rule.when) if dep not in seen],
        tier=tier,
    )


def explain_power(decision: Decision, power_id: str) -> Explanation:
    """Everything behind one power's status for one place."""
    pack = decision.pack
    ids = [p.id for p in pack.powers]
    if power_id not in ids:
        raise InputError([Problem(power_id, f"not a power of rule pack '{pack.id}' (powers: {', '.join(ids)})",
                                  suggestion=nearest(power_id, ids))])
    power = pack.power(power_id)
    cat = catalogue(pack)
    model = decision.fact_values().get(pack.model_fact)
    current = decision.current_tier
    before_effect = pack_in_force_note(pack, decision.as_of)
    exists, exists_note = existence_note(decision.profile, decision.as_of)
    return Explanation(
        as_of=decision.as_of, as_of_note=decision.as_of_note, pack=pack_ref(pack), place=place_ref(decision.profile),
        pack_in_force=before_effect is None, pack_in_force_note=before_effect,
        place_exists=exists, place_exists_note=exists_note,
        power=decision.power(power), power_info=cat.powers[power_id],
        prerequisites=[rule_chain(decision, r) for r in prerequisites(pack, power)],
        requirements=[rule_chain(decision, req.rule, tier=req.tier) for req in requirements_for(pack, power_id)],
        model=model, current_tier=current.id if current else None, tiers=cat.tiers,
    )
