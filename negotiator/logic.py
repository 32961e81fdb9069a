"""Three-valued (Kleene) meaning of conditions: True, False, or None for undetermined.

This is the reference semantics that the durable-rules compilation implements.
It is used to explain each condition of a rule, and serves as a second,
independent evaluator that tests check against durable-rules.
"""

from __future__ import annotations

from typing import Any, Mapping

from .ir import All, Any_, Compare, Cond, Not, Pack, RuleRef

Truth = bool | None


def compare(node: Compare, value: Any) -> Truth:
    if value is None:
        return None
    v = node.value
    return {
        "eq": lambda: value == v, "ne": lambda: value != v,
        "lt": lambda: value < v, "lte": lambda: value <= v,
        "gt": lambda: value > v, "gte": lambda: value >= v,
        "in": lambda: value in v, "not_in": lambda: value not in v,
    }[node.op]()


def truth(cond: Cond, facts: Mapping[str, Any], derived: Mapping[str, Truth]) -> Truth:
    """The truth of `cond` given base facts and already derived rule conclusions."""
    if isinstance(cond, Compare):
        return compare(cond, facts.get(cond.fact))
    if isinstance(cond, RuleRef):
        return derived.get(cond.rule)
    if isinstance(cond, Not):
        inner = truth(cond.item, facts, derived)
        return None if inner is None else not inner
    values = [truth(item, facts, derived) for item in cond.items]
    if isinstance(cond, All):
        if False in values:
            return False
        return True if all(v is True for v in values) else None
    if isinstance(cond, Any_):
        if True in values:
            return True
        return False if all(v is False for v in values) else None
    raise TypeError(cond)


class PythonEvaluator:
    """Evaluates a pack's rules stratum by stratum in plain Python."""

    name = "python"

    def __init__(self, pack: Pack):
        self.pack = pack

    def truths(self, facts: Mapping[str, Any]) -> dict[str, Truth]:
        derived: dict[str, Truth] = {}
        for stratum in self.pack.strata:
            for rid in stratum:
                derived[rid] = truth(self.pack.rules[rid].when, facts, derived)
        return derived

    def close(self) -> None:
        pass
