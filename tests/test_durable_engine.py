"""The durable-rules wrapper: its sharp edges are handled (shared/notes/durable-rules.md)."""

from __future__ import annotations

import dataclasses

import pytest

from helpers import PACK as PACK_DIR
from negotiator.engines import durable as durable_engine
from negotiator.engines.durable import DurableEvaluator, EngineError, compile_truth
from negotiator.pack.ir import All, Any_, Compare, Not, RuleRef
from negotiator.pack.load import load_pack

PACK = load_pack(PACK_DIR)


def test_an_exception_inside_a_durable_action_is_raised_not_swallowed(monkeypatch):
    def exploding(rule_id, value):
        def action(c):
            raise RuntimeError("boom")
        return action
    monkeypatch.setattr(durable_engine, "_collector", exploding)
    pack = dataclasses.replace(PACK, hash=PACK.hash + "-exploding")
    evaluator = DurableEvaluator(pack)
    with pytest.raises(EngineError, match="boom"):
        evaluator.truths({"kind": "core_city", "population": 1_000_000, "member_count": 1})


def test_sessions_are_deleted_so_thousands_of_evaluations_do_not_exhaust_durable_rules():
    """durable-rules allows at most 1024 live sessions per ruleset; every evaluation deletes its own."""
    evaluator = DurableEvaluator(PACK)
    facts = {"kind": "core_city", "population": 1_000_000, "member_count": 1, "requested_count": 0}
    for i in range(1500):
        assert evaluator.truths(dict(facts, population=500_000 + i))["level.large_city"] is True


def test_unknown_facts_match_neither_the_true_nor_the_false_rule():
    evaluator = DurableEvaluator(PACK)
    truths = evaluator.truths({"kind": "core_city", "member_count": 1, "requested_count": 0})
    assert truths["level.large_city"] is None
    assert truths["level.strategic_county"] is False  # the kind alone rules it out


def test_conditions_compile_to_true_and_false_patterns():
    cond = All((Compare("kind", "in", ("a", "b")), Not(RuleRef("r.x"))))
    assert compile_truth(cond, True) == {"$and": [{"$or": [{"f_kind": "a"}, {"f_kind": "b"}]}, {"r_r__x": False}]}
    assert compile_truth(cond, False) == {"$or": [{"$and": [{"$neq": {"f_kind": "a"}}, {"$neq": {"f_kind": "b"}}]},
                                                  {"r_r__x": True}]}
    assert compile_truth(Any_((Compare("n", "gte", 3),)), False) == {"$lt": {"f_n": 3}}
