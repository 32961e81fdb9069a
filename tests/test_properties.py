"""Invariants of evaluation for any profile a pack's vocabulary allows, as hypothesis properties.

Each test states its invariant in words first (the docstring), then checks it on
profiles generated from the vocabulary (negotiator.check.sampling). The rule pack's
own policy invariants live in `negotiator check` (tests/test_check.py).
"""

from __future__ import annotations

from datetime import date

import yaml
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from helpers import PACK
from negotiator.check.sampling import profile_data, profiles
from negotiator.advice import evaluate
from negotiator.compiled import compiled
from negotiator.pack.load import load_pack
from negotiator.report.text import render_evaluation
from negotiator.results import Evaluation, Status
from negotiator.vocab.places import profile_vocabulary
from negotiator.vocab.profile import parse_profile
from negotiator.yamlio import Located, parse_yaml

PACK_ = load_pack(PACK)
FAST = compiled(PACK_).evaluator("python")
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
#: The three invariants of a result's reasons are also checked on every bundled place (test_cli.py, from the
#: command's JSON): on generated profiles fewer examples do.
ALSO_ON_PLACES = settings(SETTINGS, max_examples=40)
DATES = st.dates(date(2008, 1, 1), date(2030, 1, 1))


@ALSO_ON_PLACES
@given(profiles(PACK_), DATES)
def test_every_conclusion_points_to_its_rules_and_sources(profile, on):
    """Every power's status and the eligibility come with rules that exist in the catalogue, each with a source."""
    result = evaluate(PACK_, profile, on, FAST)
    cat = result.catalogue
    assert result.negotiation.rule in result.steps
    for power in result.powers:
        for rid in power.prerequisites + power.requirements:
            assert rid in result.steps and cat.rules[rid].source in cat.sources


@ALSO_ON_PLACES
@given(profiles(PACK_), DATES)
def test_an_undetermined_power_names_the_facts_it_waits_for(profile, on):
    """A power is undetermined only because of named unknown facts, each of them unknown on that date."""
    result = evaluate(PACK_, profile, on, FAST)
    for power in result.powers:
        if power.status == Status.undetermined:
            assert power.missing
            for fact in power.missing:
                assert fact not in result.facts, f"{fact} is known but reported missing"


@ALSO_ON_PLACES
@given(profiles(PACK_), DATES)
def test_a_refused_power_names_a_failed_rule(profile, on):
    """A power is not available only where a rule it needs is false, and the result says which."""
    result = evaluate(PACK_, profile, on, FAST)
    for power in result.powers:
        if power.status == Status.not_available:
            assert power.failed and all(result.steps[r].result.value == "false" for r in power.failed)


@SETTINGS
@given(profile_data(PACK_), DATES)
def test_a_profile_written_to_yaml_and_read_back_gives_the_same_result(data, on):
    """A profile means the same after a round trip through YAML, the form analysts edit."""
    vocab = profile_vocabulary(PACK_)
    first = parse_profile(Located("a", data), vocab)
    again = parse_profile(parse_yaml(yaml.safe_dump(data), "a"), vocab)
    assert evaluate(PACK_, first, on, FAST) == evaluate(PACK_, again, on, FAST)


@SETTINGS
@given(profiles(PACK_), DATES)
def test_results_round_trip_through_json_and_render_as_text(profile, on):
    """Any result serialises to JSON and back unchanged, and renders as a summary, the same each time."""
    result = evaluate(PACK_, profile, on, FAST)
    assert Evaluation.model_validate_json(result.model_dump_json()) == result
    assert render_evaluation(result) == render_evaluation(evaluate(PACK_, profile, on, FAST))


def test_the_generator_writes_dated_histories():
    """The generator below writes facts as dated histories too, so the property after it is exercised."""
    found = find(profile_data(PACK_, histories=True),
                 lambda d: any(isinstance(v, list) and v and isinstance(v[0], dict) and "from" in v[0]
                               for v in _leaves(d)),
                 settings=settings(database=None, derandomize=True, phases=[Phase.generate]))  # the first found: no shrinking
    assert found


def _leaves(data: dict) -> list:
    out = []
    for value in data.values():
        out += _leaves(value) if isinstance(value, dict) else [value]
    return out


@SETTINGS
@given(profiles(PACK_, histories=True), DATES)
def test_before_a_facts_first_date_it_is_unknown(profile, on):
    """A fact given as a history is unknown before its first date, and takes the latest value on or before."""
    result = evaluate(PACK_, profile, on, FAST)
    for name, history in profile.facts.items():
        decl = PACK_.facts[name] if name in PACK_.facts else None
        if decl is None or decl.measured:
            continue
        dated = [e for e in history if e.start is not None]
        if dated and all(e.start > on for e in dated) and len(dated) == len(history):
            assert name not in result.facts
