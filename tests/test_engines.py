"""durable-rules (the engine of record) and the plain-Python evaluator agree.

Both are compiled from the same validated pack; the Python one follows the
three-valued semantics of logic.py directly. If they ever disagree, one of
them is wrong.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from helpers import ROOT
from negotiator.decide import evaluate
from negotiator.evaluators import evaluator_for
from negotiator.facts import place_facts
from negotiator.generate import places
from negotiator.pack import load_pack
from negotiator.places import load_places

PACK = load_pack(ROOT / "rules" / "route-map-2010")
DURABLE = evaluator_for(PACK, "durable")
PYTHON = evaluator_for(PACK, "python")


def test_the_engines_agree_on_every_bundled_place():
    for loaded in load_places([str(ROOT / "places")], PACK):
        assert evaluate(PACK, loaded.place, DURABLE) == evaluate(PACK, loaded.place, PYTHON), loaded.place.id


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(places(PACK))
def test_the_engines_agree_on_every_rule_for_any_profile(place):
    """For any profile the schema allows, every rule is true, false or undetermined alike in both engines."""
    facts = place_facts(place, PACK.facts)
    assert DURABLE.truths(facts) == PYTHON.truths(facts)


@settings(max_examples=50, deadline=None)
@given(places(PACK))
def test_evaluation_is_the_same_on_every_run(place):
    """The outcome does not depend on the run: evaluating twice gives the same result."""
    assert evaluate(PACK, place, DURABLE) == evaluate(PACK, place, DURABLE)
