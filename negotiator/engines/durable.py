"""The engine of record: a rule pack compiled to durable-rules rulesets.

This is the only module that imports durable-rules (2.0.28, unmaintained
since 2020; see shared/notes/durable-rules.md). What it does about the
library's sharp edges:

- its own Host with the background timer loops turned off;
- one ruleset per stratum of rules, so that a rule reading another rule's
  conclusion runs only after that conclusion is settled (negation of derived
  facts is order-dependent inside one session);
- each rule becomes two durable rules, one matching when its condition is
  definitely true and one when definitely false; neither firing means
  undetermined (a fact it needs is unknown). Unknown facts are simply absent
  from the asserted fact, and durable-rules matches no test on an absent field;
- a catch-all sink rule so that a fact no rule matches is not an error;
- one session per evaluation, always deleted; conclusions are collected in
  the actions; exceptions that durable-rules swallows into the returned state
  are raised.
"""

from __future__ import annotations

import itertools
from typing import Any, Mapping

from durable import engine

from ..pack.ir import All, Compare, Cond, Not, Pack, RuleRef, engine_value

Truth = bool | None


class _QuietHost(engine.Host):
    def _run(self) -> None:  # the default Host starts timer loops that race with assert_fact
        pass


class EngineError(RuntimeError):
    """durable-rules failed while evaluating (an internal problem, not bad input)."""


def _field(name: str) -> str:
    return "f_" + name.replace(".", "__")


def _rule_field(rule_id: str) -> str:
    return "r_" + rule_id.replace(".", "__").replace("-", "_")


def _atom(field: str, op: str, value: Any) -> dict:
    return {"$" + op: {field: value}} if op != "eq" else {field: value}


def compile_truth(cond: Cond, want: bool) -> dict:
    """A durable-rules expression that matches when `cond` is definitely `want`."""
    if isinstance(cond, Compare):
        f = _field(cond.fact)
        op, v = cond.op, engine_value(cond.value)
        if op in ("in", "not_in"):
            member = (op == "in") == want
            if member:
                return {"$or": [{f: x} for x in v]} if len(v) > 1 else {f: v[0]}
            return {"$and": [{"$neq": {f: x}} for x in v]} if len(v) > 1 else {"$neq": {f: v[0]}}
        negate = {"eq": "neq", "ne": "eq", "lt": "gte", "lte": "gt", "gt": "lte", "gte": "lt"}
        use = op if want else negate[op]
        return {f: v} if use == "eq" else {"$" + ("neq" if use == "ne" else use): {f: v}}
    if isinstance(cond, RuleRef):
        return {_rule_field(cond.rule): want}
    if isinstance(cond, Not):
        return compile_truth(cond.item, not want)
    parts = [compile_truth(item, want) for item in cond.items]
    if len(parts) == 1:
        return parts[0]
    conjunctive = isinstance(cond, All) == want
    return {"$and": parts} if conjunctive else {"$or": parts}


class DurableEvaluator:
    """Decides every rule of a pack for one place's facts with durable-rules."""

    name = "durable-rules"
    _hosts: dict[str, tuple[_QuietHost, list[str]]] = {}
    _sid = itertools.count(1)

    def __init__(self, pack: Pack):
        self.pack = pack
        self._collected: list[tuple[str, bool]] = []
        if pack.hash not in self._hosts:
            self._hosts[pack.hash] = self._register(pack)
        self.host, self.ruleset_names = self._hosts[pack.hash]

    @classmethod
    def _register(cls, pack: Pack) -> tuple[_QuietHost, list[str]]:
        host = _QuietHost()
        names = []
        for k, stratum in enumerate(pack.strata):
            name = f"pack_{pack.hash[:12]}_s{k}"
            rules: dict[str, Any] = {}
            for rid in stratum:
                cond = pack.rules[rid].when
                for want in (True, False):
                    rules[f"{rid}#{'T' if want else 'F'}"] = {
                        "all": [{"m": {"$and": [{"t": "place"}, compile_truth(cond, want)]}}],
                        "run": _collector(rid, want),
                    }
            rules["#sink"] = {"all": [{"m": {"t": "place"}}], "run": _collector(None, False)}
            # register_rulesets mutates its argument (upstream #254): give it a fresh dict
            host.register_rulesets({name: rules})
            names.append(name)
        return host, names

    def truths(self, facts: Mapping[str, Any], off: frozenset[str] = frozenset()) -> dict[str, Truth]:
        fact: dict[str, Any] = {"t": "place"}
        for name, value in facts.items():
            if value is not None:
                fact[_field(name)] = value
        derived: dict[str, Truth] = {}
        for k, stratum in enumerate(self.pack.strata):
            found = self._run(self.ruleset_names[k], fact)
            for rid in stratum:
                value = False if rid in off else found.get(rid)
                derived[rid] = value
                if value is not None:
                    fact[_rule_field(rid)] = value
        return derived

    def _run(self, ruleset: str, fact: dict) -> dict[str, bool]:
        sid = f"s{next(self._sid)}"
        _Collector.sink = {}
        try:
            state = self.host.assert_fact(ruleset, dict(fact, sid=sid))
            if isinstance(state, dict) and state.get("exception"):
                raise EngineError(f"durable-rules action failed: {state['exception']}")
        finally:
            try:
                self.host.delete_state(ruleset, sid)
            except Exception:  # noqa: BLE001 - a session that never started has nothing to delete
                pass
        found = _Collector.sink
        _Collector.sink = {}
        return found

    def close(self) -> None:
        pass


class _Collector:
    """Where durable-rules actions record which rule concluded what, for the running session."""

    sink: dict[str, bool] = {}


def _collector(rule_id: str | None, value: bool):
    """A durable-rules action (it must be a plain function) recording one conclusion."""
    def action(c) -> None:
        if rule_id is None:
            return
        previous = _Collector.sink.get(rule_id)
        if previous is not None and previous != value:
            raise EngineError(f"rule {rule_id} matched as both true and false")
        _Collector.sink[rule_id] = value
    return action
