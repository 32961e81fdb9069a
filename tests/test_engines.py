"""durable-rules (the engine of record) and the plain-Python evaluator agree.

Both are compiled from the same validated pack; the Python one follows the
three-valued semantics of engines/semantics.py. If they ever disagree, one of
them is wrong. Checked on every bundled place under every bundled pack, at
several dates, and on profiles generated from each pack's vocabulary.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import PACK, ROOT, TEST_PACK
from negotiator.check.sampling import profiles
from negotiator.advice import evaluate
from negotiator.compiled import compiled
from negotiator.engines.semantics import engine_facts
from negotiator.pack.load import load_pack
from negotiator.vocab.places import load_places
from negotiator.vocab.profile import facts_at

PACKS = {"route-map-2010": load_pack(PACK), "devolution-2022": load_pack(TEST_PACK)}
PLACE_DIRS = {"route-map-2010": ROOT / "places", "devolution-2022": ROOT / "tests" / "packs" / "places"}
DATES = [date(2009, 1, 1), date(2011, 3, 1), date(2011, 5, 1), date(2024, 6, 1)]


@pytest.mark.parametrize("name", sorted(PACKS))
def test_the_engines_agree_on_every_bundled_place_at_every_date(name):
    pack = PACKS[name]
    durable, python = compiled(pack).evaluator("durable"), compiled(pack).evaluator("python")
    for loaded in load_places([str(PLACE_DIRS[name])], pack):
        for on in DATES:
            a = evaluate(pack, loaded.profile, on, durable).model_dump()
            b = evaluate(pack, loaded.profile, on, python).model_dump()
            assert a == b, (loaded.id, on)


@pytest.mark.parametrize("name", sorted(PACKS))
def test_the_engines_agree_on_every_rule_for_any_profile(name):
    """For any profile the pack's vocabulary allows, on any date, every rule is true, false or undetermined
    alike in both engines."""
    pack = PACKS[name]
    durable, python = compiled(pack).evaluator("durable"), compiled(pack).evaluator("python")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(profiles(pack), st.dates(date(2000, 1, 1), date(2030, 12, 31)))
    def agree(profile, on):
        facts = engine_facts(facts_at(profile, pack.vocabulary, on))
        off = frozenset(pack.rules) - pack.rules_in_force(on)
        assert durable.truths(facts, off) == python.truths(facts, off)
    agree()
