"""Invariants of evaluation for any profile the schema allows, as hypothesis properties.

Each test states its invariant in words first (the docstring), then checks it on
profiles generated from the place profile schema (negotiator.generate). The rule
pack's own policy invariants live in `negotiator check` (tests/test_check.py).
"""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings

from helpers import ROOT
from negotiator.decide import evaluate
from negotiator.generate import place_data, places
from negotiator.pack import load_pack
from negotiator.place import Place
from negotiator.render import render_evaluation

PACK = load_pack(ROOT / "rules" / "route-map-2010")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(places(PACK))
def test_every_conclusion_points_to_its_rules_and_sources(place):
    """Every power's status, the eligibility and the package tier come with steps naming a rule and a source."""
    result = evaluate(PACK, place)
    for section in (result["negotiation"], result["accountability"], *result["powers"]):
        assert section["reasons"]
        for step in section["reasons"]:
            assert step["rule"] and step["statement"] and step["source"]


@SETTINGS
@given(places(PACK))
def test_an_undetermined_power_names_the_facts_it_waits_for(place):
    """A power is undetermined only because of named unknown facts, each of them absent from the profile."""
    result = evaluate(PACK, place)
    data = place.model_dump()
    for power in result["powers"]:
        if power["status"] == "undetermined":
            assert power["missing"]
            for fact in power["missing"]:
                value = data
                for part in fact.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                assert value is None, f"{fact} is known ({value!r}) but reported missing"


@SETTINGS
@given(places(PACK))
def test_a_refused_power_names_a_failed_rule(place):
    """A power is not available only where a rule it needs is false, and the result says which."""
    for power in evaluate(PACK, place)["powers"]:
        if power["status"] == "not_available":
            assert any(s.get("role") == "prerequisite" and s["result"] == "false" for s in power["reasons"])


@SETTINGS
@given(place_data(PACK))
def test_a_profile_written_to_yaml_and_read_back_gives_the_same_result(data):
    """A profile means the same after a round trip through YAML, the form analysts edit."""
    again = yaml.safe_load(yaml.safe_dump(data))
    assert evaluate(PACK, Place.model_validate(data)) == evaluate(PACK, Place.model_validate(again))


@SETTINGS
@given(places(PACK))
def test_results_are_plain_json_and_render_as_text(place):
    """Any result serialises to JSON and renders as a summary without error, the same each time."""
    result = evaluate(PACK, place)
    assert json.loads(json.dumps(result)) == result
    assert render_evaluation(result) == render_evaluation(evaluate(PACK, place))
