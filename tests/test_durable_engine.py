"""The durable-rules wrapper: its sharp edges are handled ."""

from __future__ import annotations

import dataclasses
import gc

import pytest

from helpers import ROOT
from negotiator.engines import durable as durable_engine
from negotiator.engines.durable import DurableEvaluator, EngineError, compile_truth
from negotiator.pack.ir import All, Any_, Compare, Not, RuleRef
from negotiator.pack.load import load_pack

PACK = load_pack(ROOT / "rules" / "route-map-2010")


def test_an_exception_inside_a_durable_action_is_raised_not_swallowed(monkeypatch):
    def exploding(sink, rule_id, value):
        def action(c):
            raise RuntimeError("boom")
        return action
    monkeypatch.setattr(durable_engine, "_collector", exploding)
    evaluator = DurableEvaluator(PACK)  # an evaluator of its own: the shared one (compiled(PACK)) is untouched
    with pytest.raises(EngineError, match="boom"):
        evaluator.truths({"kind": "core_city", "population": 1_000_000, "member_count": 1})


def test_an_action_that_fails_is_reported_as_durable_rules_reports_it(monkeypatch):
    def exploding(sink, rule_id, value):
        def action(c):
            raise RuntimeError("boom")
        return action
    monkeypatch.setattr(durable_engine, "_collector", exploding)
    evaluator = DurableEvaluator(PACK)
    with pytest.raises(EngineError, match=r"^durable-rules action failed: exception caught boom, traceback \["):
        evaluator.truths({"kind": "core_city", "population": 1_000_000, "member_count": 1})


def test_an_evaluation_leaves_no_reference_cycles_behind():
    """A round settles thousands of places one after another: the sessions leave nothing for the cyclic garbage
    collector to find (durable-rules' own Promise.run left a cycle an action), so rounds need not collect."""
    evaluator = DurableEvaluator(PACK)
    facts = {"kind": "core_city", "population": 1_000_000, "member_count": 1, "requested_count": 0}
    evaluator.truths(facts)
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        for i in range(50):
            evaluator.truths(dict(facts, population=900_000 + i))
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


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
    """Each pattern is flat: the place, then one path of atoms or a $or of paths; `in` and `not` become atoms."""
    cond = All((Compare("kind", "in", ("a", "b")), Not(RuleRef("r.x"))))
    place = {"t": "place"}
    assert compile_truth(cond, True) == {"$and": [place, {"$or": [{"$and": [{"f0": "a"}, {"r0": False}]},
                                                                 {"$and": [{"f0": "b"}, {"r0": False}]}]}]}
    assert compile_truth(cond, False) == {"$and": [place, {"$or": [{"$and": [{"$neq": {"f0": "a"}},
                                                                            {"$neq": {"f0": "b"}}]},
                                                                  {"r0": True}]}]}
    assert compile_truth(Any_((Compare("n", "gte", 3),)), False) == {"$and": [place, {"$lt": {"f0": 3}}]}
    assert compile_truth(Not(Compare("n", "not_in", (1, 2))), True) == {"$and": [place, {"$or": [{"f0": 1},
                                                                                                  {"f0": 2}]}]}


def test_a_condition_too_wide_for_one_pattern_is_split_into_auxiliary_rules():
    """An `in` of 20 values would be 20 alpha paths: groups of them become auxiliary rules until 8 paths remain."""
    cond = Compare("n", "in", tuple(range(20)))
    rest = range(14, 20)  # 20 values are split 7 + 7 + 6; the first two groups are hoisted
    assert compile_truth(cond, True) == {"$and": [{"t": "place"}, {"$or": [{"r0": True}, {"r1": True}]
                                                                    + [{"f0": v} for v in rest]}]}
    assert compile_truth(cond, False) == {"$and": [{"t": "place"}, {"r0": False}, {"r1": False}]
                                          + [{"$neq": {"f0": v}} for v in rest]}


def _pack_with(rules: dict, tag: str):
    """The bundled pack with more rules, each reading only rules before it."""
    from negotiator.pack.ir import Rule, Where, rules_in
    all_rules = dict(PACK.rules)
    for rid, cond in rules.items():
        all_rules[rid] = Rule(rid, rid, "route-map-s7-level", cond, Where("generated", None))
    level: dict[str, int] = {}
    for rid in all_rules:
        level[rid] = 1 + max((level[d] for d in rules_in(all_rules[rid].when)), default=-1)
    strata = tuple(tuple(sorted(r for r in all_rules if level[r] == k)) for k in range(max(level.values()) + 1))
    return dataclasses.replace(PACK, rules=all_rules, strata=strata)


def test_rule_ids_that_differ_only_in_punctuation_have_conclusions_of_their_own():
    """`cap-x` and `cap_x` once mapped to one durable field; fields now come from an index, not the id."""
    from negotiator.engines.python import PythonEvaluator
    pack = _pack_with({
        "cap-x": Compare("kind", "eq", "core_city"),
        "cap_x": Compare("population", "gte", 500_000),
        "cap.x": Compare("member_count", "gte", 2),
        "reads.both": All((RuleRef("cap-x"), Not(RuleRef("cap_x")))),
        "reads.dot": Any_((RuleRef("cap.x"), RuleRef("cap_x"))),
    }, "cap-x")
    durable, python = DurableEvaluator(pack), PythonEvaluator(pack)
    seen = set()
    for kind in ("core_city", "district"):
        for population in (None, 100_000, 900_000):
            for members in (1, 3):
                facts = {"kind": kind, "population": population, "member_count": members, "requested_count": 0}
                truths = durable.truths(facts)
                assert truths == python.truths(facts), facts
                seen.add((truths["cap-x"], truths["cap_x"], truths["cap.x"]))
    assert (True, False, False) in seen and (False, True, True) in seen and (True, None, True) in seen
    assert len({durable.plan.rule_field[durable.plan.real[r]] for r in ("cap-x", "cap_x", "cap.x")}) == 3


def test_field_names_never_share_a_durable_rules_hash():
    """durable-rules compares property names by their 32-bit FNV-1a hash alone."""
    from negotiator.engines.durable_plan import _RESERVED, _fnv1a, compile_pack
    plan = compile_pack(PACK)
    names = list(plan.fact_field.values()) + list(plan.rule_field.values())
    hashes = [_fnv1a(n) for n in names + list(_RESERVED)]
    assert len(set(hashes)) == len(hashes)
    assert _fnv1a("$and") == 3746487396 and _fnv1a("sid") == 3593476751  # the constants in rete.c / events.c


def test_the_bundled_pack_is_within_the_engine_limits():
    from negotiator.engines.durable_plan import (
        MAX_ATOMS, MAX_PATHS, RULESET_FIELDS, RULESET_PATHS, compile_pack, engine_limits,
    )
    assert engine_limits(PACK) == []
    plan = compile_pack(PACK)
    for rs in plan.rulesets:
        assert 1 + sum(len(d.true) + len(d.false) for d in rs.deciders) == rs.paths <= RULESET_PATHS
        assert len(rs.inputs) <= RULESET_FIELDS
        for d in rs.deciders:
            for dnf in (d.true, d.false):
                assert 1 <= len(dnf) <= MAX_PATHS and all(1 <= len(p) <= MAX_ATOMS for p in dnf)
