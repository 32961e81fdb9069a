"""The plain-Python evaluator: each rule compiled once into a closure with Kleene semantics.

It computes exactly what semantics.truth computes (tests check both against
durable-rules), without walking the condition tree on every call.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Mapping

from ..pack.ir import All, Any_, Compare, Cond, Not, Pack, RuleRef, engine_value
from .semantics import Truth

Fn = Callable[[Mapping[str, Any], Mapping[str, Truth]], Truth]

_OPS = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le, "gt": operator.gt,
        "gte": operator.ge}


def compile_cond(cond: Cond) -> Fn:
    """A function of (facts, derived) giving the condition's truth; facts are engine values."""
    if isinstance(cond, Compare):
        name, value = cond.fact, engine_value(cond.value)
        if cond.op == "in":
            members = frozenset(value)
            return lambda f, d: None if (x := f.get(name)) is None else x in members
        if cond.op == "not_in":
            members = frozenset(value)
            return lambda f, d: None if (x := f.get(name)) is None else x not in members
        op = _OPS[cond.op]
        return lambda f, d: None if (x := f.get(name)) is None else op(x, value)
    if isinstance(cond, RuleRef):
        rule = cond.rule
        return lambda f, d: d.get(rule)
    if isinstance(cond, Not):
        inner = compile_cond(cond.item)

        def negate(f, d):
            v = inner(f, d)
            return None if v is None else not v
        return negate
    parts = tuple(compile_cond(item) for item in cond.items)
    if isinstance(cond, All):
        def all_of(f, d):
            unknown = False
            for part in parts:
                v = part(f, d)
                if v is False:
                    return False
                if v is None:
                    unknown = True
            return None if unknown else True
        return all_of
    assert isinstance(cond, Any_)

    def any_of(f, d):
        unknown = False
        for part in parts:
            v = part(f, d)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False
    return any_of


class PythonEvaluator:
    """Evaluates a pack's rules stratum by stratum in plain Python."""

    name = "python"

    def __init__(self, pack: Pack):
        self.pack = pack
        self._order = [(rid, compile_cond(pack.rules[rid].when)) for stratum in pack.strata for rid in stratum]

    def truths(self, facts: Mapping[str, Any], off: frozenset[str] = frozenset()) -> dict[str, Truth]:
        """Every rule's conclusion; rules in `off` (not in force) conclude false."""
        derived: dict[str, Truth] = {}
        if off:
            for rid, fn in self._order:
                derived[rid] = False if rid in off else fn(facts, derived)
        else:
            for rid, fn in self._order:
                derived[rid] = fn(facts, derived)
        return derived

    def close(self) -> None:
        pass
