"""Three-valued (Kleene) meaning of conditions: True, False, or None for undetermined.

This is the reference semantics that every engine implements. It explains each
condition of a rule, and serves as the plain-Python evaluator that tests check
against durable-rules. Values are compared as the engines see them: dates as
day numbers (see `engine_value`).
"""

from __future__ import annotations

import operator
from typing import Any, Mapping

from ..pack.ir import All, Any_, Compare, Cond, Not, RuleRef, engine_value

Truth = bool | None

_OPS = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le, "gt": operator.gt,
    "gte": operator.ge, "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
}


def compare(node: Compare, value: Any) -> Truth:
    """The truth of one test for a fact's value (None: unknown)."""
    if value is None:
        return None
    return _OPS[node.op](engine_value(value), engine_value(node.value))


def truth(cond: Cond, facts: Mapping[str, Any], derived: Mapping[str, Truth]) -> Truth:
    """The truth of `cond` given base facts and already derived rule conclusions."""
    if isinstance(cond, Compare):
        return compare(cond, facts.get(cond.fact))
    if isinstance(cond, RuleRef):
        return derived.get(cond.rule)
    if isinstance(cond, Not):
        inner = truth(cond.item, facts, derived)
        return None if inner is None else not inner
    if isinstance(cond, All):
        unknown = False
        for item in cond.items:
            value = truth(item, facts, derived)
            if value is False:
                return False
            unknown |= value is None
        return None if unknown else True
    if isinstance(cond, Any_):
        unknown = False
        for item in cond.items:
            value = truth(item, facts, derived)
            if value is True:
                return True
            unknown |= value is None
        return None if unknown else False
    raise TypeError(cond)


def engine_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Fact values as the engines compare them (dates as day numbers); unknown facts stay None."""
    return {name: engine_value(value) for name, value in facts.items()}
