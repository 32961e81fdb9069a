"""The three engines agree on every value negotiator accepts, at the edges of what it accepts too.

Invariant, in words: for any profile whose every value passes bounds.value_problem (integers up to
2^53, floats of 0 or 10^-4 to 10^16 in size, text shorter than 65,536 characters, any Unicode), the
Python evaluator, durable-rules and the fast path conclude every rule alike; and a value past those
edges is refused where it enters (a profile, --set), never evaluated. The edge values are drawn by
hypothesis into every number and text fact a pack reads, on top of the bundled places' facts.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiator import bounds
from negotiator.vocab.places import load_places
from negotiator.vocab.profile import facts_at
from test_fast_engine import PACKS, PLACE_DIRS, agree

INT_EDGES = [0, 1, -1, bounds.INT_MAX, -bounds.INT_MAX, bounds.INT_MAX - 1, 2 ** 31, 2 ** 32 + 1, 2 ** 52 + 1]
FLOAT_EDGES = [0.0, bounds.FLOAT_SMALLEST, 1.0000000000000002e-4, 9999999999999998.0, 0.1 + 0.2, 123456.789,
               -bounds.FLOAT_SMALLEST, -9999999999999998.0]
TEXT_EDGES = ["", "abc", "abc" + "x" * (bounds.MAX_TEXT - 3), "x" * 65_535, "é" * 32_767, "😀" * 16_383,
              "e\u0301", "\u202eabc", "ß", "İ"]

integers = st.one_of(st.sampled_from(INT_EDGES), st.integers(-bounds.INT_MAX, bounds.INT_MAX))
numbers = st.one_of(integers, st.sampled_from(FLOAT_EDGES),
                    st.floats(bounds.FLOAT_SMALLEST, bounds.FLOAT_LARGEST, exclude_max=True))
texts = st.one_of(st.sampled_from(TEXT_EDGES), st.text(max_size=50))


def test_the_edges_themselves_are_accepted_and_one_step_past_them_refused():
    for value in INT_EDGES + FLOAT_EDGES + TEXT_EDGES:
        assert bounds.value_problem(value) is None, value
    for value in (bounds.INT_MAX + 1, -bounds.INT_MAX - 1, 1e16, 0.00001, 5e-324, float("inf"), "x" * 65_536,
                  "abc" + "x" * 65_533, "é" * 32_768, "😀" * 16_384):
        assert bounds.value_problem(value), value


@pytest.mark.parametrize("name", sorted(PACKS))
def test_engines_agree_on_edge_values_in_every_number_and_text_fact(name):
    pack = PACKS[name]
    decls = pack.vocabulary.facts
    number_facts = sorted(n for n, d in decls.items() if d.type in ("integer", "number") and not d.computed)
    text_facts = sorted(n for n, d in decls.items() if d.type == "text" and not d.computed)
    if not number_facts and not text_facts:
        pytest.skip("the pack reads no number or text fact")
    on = date(2011, 3, 1) if pack.effective.year < 2020 else pack.effective
    base = [facts_at(lp.profile, pack.vocabulary, on) for lp in load_places([str(d) for d in PLACE_DIRS[name]], pack)]

    @settings(max_examples=15, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def check(data):
        cases = []
        for facts in base[:6]:
            facts = dict(facts)
            for fact in number_facts:
                facts[fact] = data.draw(integers if decls[fact].type == "integer" else numbers)
            for fact in text_facts:
                facts[fact] = data.draw(texts)
            cases.append((facts, on))
        agree(pack, cases)
    check()
