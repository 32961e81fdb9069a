"""Advice on the fast path: trial profiles decided in batches of columns give the same advice as one at a time.

Facts to collect, unlock's search and a round's deal-sheet advice decide many trial profiles (a place's
facts with one thing changed). options/batch.py decides them as columns through the fast evaluator when
there are many, on the plain-Python evaluator when there are few. These tests are the differential
check between the two: the same summaries, the same facts to collect and the same unlock answers, on
every bundled place and on generated profiles, under both bundled packs and the test pack.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import PACK, ROOT, TEST_PACK
from negotiator.check.sampling import profiles
from negotiator.engines.fast import STATUS_NAMES
from negotiator.options import batch
from negotiator.options.batch import apply_many, decide_many, summary_of
from negotiator.options.collect import _candidates, facts_to_collect, facts_to_collect_many
from negotiator.options.state import apply_moves, decide_facts, facts_with
from negotiator.options.unlock import space, spaces, unlock, unlock_lines, unlock_lines_many
from negotiator.pack.load import load_pack
from negotiator.results import Status
from negotiator.vocab.places import load_places

ROUTE_MAP = load_pack(PACK)
DEVOLUTION_2026 = load_pack("english-devolution-2026")
TEST = load_pack(TEST_PACK)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
DATES = {ROUTE_MAP.id: [date(2010, 3, 1), date(2011, 3, 1), date(2011, 5, 1), date(2014, 1, 1)],
         DEVOLUTION_2026.id: [date(2025, 2, 5), date(2026, 11, 23), date(2028, 1, 1)]}


def _places(pack):
    return [lp.profile for lp in load_places([str(ROOT / "places")], pack)]


def test_the_batch_reads_status_codes_in_the_fast_evaluators_order():
    assert [s.value for s in batch._BY_CODE] == list(STATUS_NAMES)


@pytest.mark.parametrize("pack", [ROUTE_MAP, DEVOLUTION_2026], ids=lambda p: p.id)
def test_facts_to_collect_are_the_same_from_columns_and_one_at_a_time_for_every_bundled_place(pack):
    """For every bundled place on each date: the facts to collect worked out from columns (fast) equal those
    worked out one trial profile at a time (Python), and equal the single-place answer."""
    places = [(profile, on) for on in DATES[pack.id] for profile in _places(pack)]
    fast = facts_to_collect_many(pack, places, fast=True)
    slow = facts_to_collect_many(pack, places, fast=False)
    assert fast == slow
    assert any(fast), "some place has facts to collect"
    given = [facts_with(pack, profile, on, {}) for profile, on in places]  # a round's, worked out once for both
    assert facts_to_collect_many(pack, places, facts=given) == fast
    for (profile, on), answer in list(zip(places, fast))[::7]:
        assert facts_to_collect(pack, profile, on) == answer


def _trials(pack, profile, on, rng):
    """The place as it is, and each unknown fact given each of its classes of values (facts to collect's trials),
    and a few known facts given another value."""
    facts = facts_with(pack, profile, on, {})
    out = [(facts, {}, on)]
    for name, values in _candidates(pack, facts, on):
        out += [(facts, {name: v}, on) for v in values]
    known = [n for n, v in facts.items() if v is not None and n in pack.facts and not pack.facts[n].computed]
    for name in rng.sample(known, min(3, len(known))):
        out.append((facts, {name: None}, on))
    return out


@SETTINGS
@given(st.sampled_from([ROUTE_MAP, DEVOLUTION_2026, TEST]), st.data())
def test_a_batch_of_trial_profiles_is_decided_the_same_as_columns_and_one_at_a_time(pack, data):
    """Whatever the profiles and dates (several dates in one batch included): each trial's eligibility, every
    power's status and whether the package's tier is met are the same decided as columns as one at a time on
    the Python evaluator, and the same as decide_facts says."""
    chosen = data.draw(st.lists(profiles(pack), min_size=1, max_size=4))
    days = data.draw(st.lists(st.dates(date(2009, 6, 1), date(2029, 1, 1)), min_size=1, max_size=3))
    rng = random.Random(data.draw(st.integers(0, 1000)))
    trials = [t for i, p in enumerate(chosen) for t in _trials(pack, p, days[i % len(days)], rng)]
    fast = decide_many(pack, trials, fast=True)
    slow = decide_many(pack, trials, fast=False)
    assert fast == slow
    for (base, changes, on), summary in zip(trials[:5], fast):
        assert summary == summary_of(pack, decide_facts(pack, {**base, **changes}, on))


def test_a_summary_names_the_conclusions_still_open():
    profile = next(p for p in _places(ROUTE_MAP) if p.id == "kent")
    out = decide_many(ROUTE_MAP, [(facts_with(ROUTE_MAP, profile, date(2011, 3, 1), {}), {}, date(2011, 3, 1))])[0]
    opened = out.open(ROUTE_MAP)
    assert opened == {f"power {p.id}" for p, s in zip(ROUTE_MAP.powers, out.statuses) if s == Status.undetermined} \
        | ({"negotiation level"} if out.eligible is None else set())


@SETTINGS
@given(st.sampled_from([TEST, DEVOLUTION_2026]), st.data())
def test_making_many_sets_of_moves_at_once_gives_what_making_each_alone_gives(pack, data):
    """For any profile and date, and any sets of the pack's moves: apply_many gives, for each set, the facts and
    date apply_moves gives (None for the same sets: a `requires` not known to hold, or a fact set two ways),
    its `requires` read as columns or one at a time alike."""
    profile = data.draw(profiles(pack))
    on = data.draw(st.dates(date(2020, 1, 1), date(2028, 1, 1)))
    moves = list(pack.moves)
    combos = data.draw(st.lists(st.lists(st.sampled_from(moves), unique_by=lambda m: m.id, max_size=5),
                                min_size=1, max_size=40))
    expected = [apply_moves(pack, profile, on, list(c)) for c in combos]
    for fast in (True, False):
        got = apply_many(pack, profile, on, combos, fast)
        assert [None if g is None else ({**g[0], **g[1]}, g[2]) for g in got] == expected


@pytest.mark.slow  # unlock's whole search twice for every bundled place
@pytest.mark.parametrize("pack", [ROUTE_MAP, DEVOLUTION_2026], ids=lambda p: p.id)
def test_unlock_and_deal_sheet_lines_are_the_same_from_columns_and_one_at_a_time(pack, monkeypatch):
    """For bundled places on each date, every power and the package: unlock's answers, reasons and facts to
    collect, and a deal sheet's unlock lines, are the same with every batch decided as columns as with every
    batch decided one trial profile at a time."""
    big = pack is DEVOLUTION_2026  # 13 moves: 8,191 sets a place, slow one at a time
    places = _places(pack)[::12 if big else 2]
    if big and "kent" not in {p.id for p in places}:  # a place with moves to make, whatever the stride samples
        places += [p for p in _places(pack) if p.id == "kent"]
    targets = [p.id for p in pack.powers][::3] + ["package"]

    def run(fast_from):
        monkeypatch.setattr(batch, "FAST_FROM", fast_from)
        monkeypatch.setattr(batch, "FAST_FROM_COLD", fast_from)
        out = []
        for on in DATES[pack.id][1:2] if big else DATES[pack.id][:2]:
            for profile in places:
                out += [unlock(pack, profile, on, t, join=False) for t in targets]
                statuses = decide_facts(pack, facts_with(pack, profile, on, {}), on).statuses
                out.append(unlock_lines(pack, profile, on, [p.id for p in pack.powers], statuses))
        return out

    columns, one_at_a_time = run(0), run(10 ** 9)
    assert columns == one_at_a_time
    assert any(isinstance(u, list) and any(line.moves for line in u) for u in columns), "some line has moves"


@pytest.mark.parametrize("pack", [ROUTE_MAP, DEVOLUTION_2026], ids=lambda p: p.id)
def test_deal_sheet_lines_of_many_places_at_once_are_those_of_each_place_alone(pack):
    """For every bundled place on two dates, every power asked for: the deal sheets' unlock lines worked out for
    all the places together (their sets of moves grown side by side, decided in batches) are the lines each place
    gets alone, and so are the sets of moves themselves, also where the search stops at a limit."""
    dates = DATES[pack.id][1:3]
    items = []
    for on in dates:
        for profile in _places(pack):
            statuses = decide_facts(pack, facts_with(pack, profile, on, {}), on).statuses
            items.append((profile, on, [p.id for p in pack.powers], statuses))
    together = unlock_lines_many(pack, items)
    assert together == [unlock_lines(pack, *item) for item in items]
    assert any(line.moves for lines in together for line in lines), "some line has moves"
    assert any(not line.moves for lines in together for line in lines), "some power no set unlocks"
    for limit in (None, 30):
        many = spaces(pack, [(profile, on) for profile, on, _r, _s in items], limit)
        alone = [space(pack, profile, on, limit) for profile, on, _r, _s in items]
        assert [(s.combos, s.trials, s.untried) for s in many] == [(s.combos, s.trials, s.untried) for s in alone]
        assert limit is None or any(s.untried for s in many), "the limit stops some search"


@SETTINGS
@given(st.sampled_from([ROUTE_MAP, DEVOLUTION_2026, TEST]), st.data())
def test_deal_sheet_lines_of_generated_places_at_once_are_those_of_each_alone(pack, data):
    """For generated profiles and dates, asking for any powers: unlock_lines_many gives each place's unlock_lines."""
    chosen = data.draw(st.lists(profiles(pack), min_size=1, max_size=4))
    days = data.draw(st.lists(st.dates(date(2009, 6, 1), date(2029, 1, 1)), min_size=1, max_size=3))
    items = []
    for i, profile in enumerate(chosen):
        on = days[i % len(days)]
        statuses = decide_facts(pack, facts_with(pack, profile, on, {}), on).statuses
        asked = data.draw(st.lists(st.sampled_from([p.id for p in pack.powers]), unique=True))
        items.append((profile, on, asked, statuses))
    assert unlock_lines_many(pack, items) == [unlock_lines(pack, *item) for item in items]
