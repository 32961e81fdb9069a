"""The round's "may move with" sets, said once for the round (`rising`) and counted per place, are exactly the sets
the round's definition gives, per place, by name (round/gate.py `tranche_movers`).

`reference` below is the definition as it was written before the sets were said once for the round: for each
place, a scan of every unsettled place and every place ranked below it. It is kept here, plain, to hold the
round's sweep (sorted by highest readiness, counted by bisection) to it.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOT, cli
from negotiator.round.gate import GateInput, tranche_movers
from negotiator.round.plan import _tranches


def reference(ranked, score, tranche_of, gates, unsettled, members=None, capacity=None, need=None):
    """For each place in a tranche, the places that may move its tranche number, by the plain definition."""
    out: dict[str, list[str]] = {}
    position = {pid: i for i, pid in enumerate(ranked)}
    councils_above: set[str] = set()
    for pid in ranked:
        floor = score[pid]
        who = {q for q in unsettled if q != pid and q in gates and gates[q].highest >= floor}
        who |= {q for q in ranked[position[pid] + 1:] if gates[q].highest > score[q] and gates[q].highest >= floor}
        if members is not None and capacity is not None and who:
            t = tranche_of.get(pid, 1)
            above_in_tranche = sum(1 for q in ranked[:position[pid]] if tranche_of.get(q) == t)
            seats_left = capacity(t - 1) - above_in_tranche - 1
            mine = set(members.get(pid, ())) | councils_above
            clash = {q for q in who if mine & set(members.get(q, ()))}
            if len(who) <= seats_left:
                who = clash
            elif not clash and need is not None and seats_left > 0:
                need[pid] = seats_left + 1
        councils_above |= set(members.get(pid, ())) if members is not None else set()
        if tranche_of.get(pid, 1) > 1 and gates[pid].highest > floor:
            who.add(pid)
        if who:
            out[pid] = sorted(who)
    return out


def from_json(data: dict) -> dict[str, list[str]]:
    """Each ranked place's full set as a consumer of round.json rebuilds it from the fields' descriptions."""
    out = {}
    for x in data["ranking"]:
        who = set(x["tranche_may_move_with"])
        if x["tranche_may_move_with_rising"]:
            rising = {e["place"] for e in data["rising"] if e["score_if_unknowns_hold"] >= x["score_lowest"]
                      and (e["rank"] is None or e["rank"] > x["rank"])}
            assert len(rising) == x["tranche_may_move_with_rising"], x["place"]
            who |= rising
        if who:
            out[x["place"]] = sorted(who)
    return out


READINESS = st.integers(0, 8).map(lambda n: n / 2)  # halves: ties between scores and highest readiness are common


@st.composite
def rounds(draw):
    """A round's inputs as run_round gives them: places ranked by score (ties broken by id), tranches filled by
    the round's own rule, unsettled places apart from the ranked ones, councils shared at random."""
    n_ranked = draw(st.integers(0, 14))
    n_unsettled = draw(st.integers(0, 8))
    councils = [f"C{k}" for k in range(draw(st.integers(1, 8)))]
    gates, members = {}, {}
    for k in range(n_ranked + n_unsettled):
        pid = f"{'r' if k < n_ranked else 'u'}{k:02d}"
        low = draw(READINESS)
        high = low + draw(st.sampled_from([0, 0, 0.5, 1, 3]))
        gates[pid] = GateInput(True, False, low, low, high, True)
        members[pid] = tuple(draw(st.lists(st.sampled_from(councils), max_size=3, unique=True)))
    ids = sorted(gates)
    score = {pid: gates[pid].lowest for pid in ids}
    ranked = sorted((p for p in ids if p.startswith("r")), key=lambda p: (-score[p], p))
    unsettled = [p for p in ids if p.startswith("u")]
    seats = draw(st.integers(1, 5))
    later = draw(st.integers(seats, 6))
    reduced = draw(st.integers(0, 2))

    def capacity(n: int) -> int:
        return seats if n < reduced else later
    _, tranche_of, _ = _tranches(ranked, members, capacity)
    return ranked, score, tranche_of, gates, unsettled, members, capacity


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(rounds(), st.booleans())
def test_the_places_counted_from_the_rounds_list_and_named_are_exactly_those_the_definition_names(case, seats):
    """Property: for any round, each place's places that may move its tranche number, rebuilt from the round's
    list of places that could still rise (those reaching its score, not ranked at or above it, where it counts
    them) and the places it names, are exactly those the plain definition names; how many would have to
    rank above it (`need`) is the same; the list holds only places that some place counts; a place is named
    one by one only where it is itself or the tranche cannot fill."""
    ranked, score, tranche_of, gates, unsettled, members, capacity = case
    if not seats:  # without councils and seats, every place that could rise is counted
        members, capacity = None, None
    need: dict[str, int] = {}
    expected = reference(ranked, score, tranche_of, gates, unsettled, members, capacity, need)
    got = tranche_movers(ranked, score, tranche_of, gates, unsettled, members, capacity)
    assert got.expanded(ranked, score) == expected
    assert got.need == need
    counted = {q for pid, n in got.rising_count.items() for q in expected[pid] if q != pid}
    assert set(got.rising) == counted
    for pid, n in got.rising_count.items():
        assert n == len([q for q in expected[pid] if q != pid])
    for pid, names in got.named.items():
        assert names == [pid] or pid not in got.rising_count


def _rounds_recorded(monkeypatch, args_list):
    """Run each round in-process; return, per round, the inputs tranche_movers was called with and round.json."""
    import negotiator.round.plan as plan
    calls = []

    def recording(*args):
        calls.append(args)
        return tranche_movers(*args)
    monkeypatch.setattr(plan, "tranche_movers", recording)
    out = []
    for args, folder in args_list:
        result = cli("round", *args, "--out", folder, "-q")
        assert result.exit_code == 0, result.stderr
        out.append((calls[-1], json.loads((folder / "round.json").read_text(encoding="utf-8"))))
    return out


def _check(call, data):
    ranked, score, tranche_of, gates, unsettled, members, capacity = call
    need: dict[str, int] = {}
    expected = reference(ranked, score, tranche_of, gates, unsettled, members, capacity, need)
    assert from_json(data) == expected
    assert {x["place"]: x["tranche_moves_if_at_least"] for x in data["ranking"]
            if x["tranche_moves_if_at_least"] is not None} == need
    return expected


def test_the_bundled_rounds_json_rebuilds_to_exactly_the_sets_the_definition_names(monkeypatch, tmp_path):
    """The forerunner and 2026 rounds on the bundled places: round.json's list and counts rebuild, place by
    place, exactly the sets (and `need`) the plain definition gives from the same inputs."""
    runs = _rounds_recorded(monkeypatch, [
        ((ROOT / "places", "--config", ROOT / "rounds" / "forerunner-2011.yaml"), tmp_path / "a"),
        ((ROOT / "places", "--rules", "english-devolution-2026", "--config", ROOT / "rounds" / "programme-2026.yaml"),
         tmp_path / "b"),
    ])
    sizes = [len(_check(call, data)) for call, data in runs]
    assert sizes[0] >= 1 and sizes[1] >= 7  # Greater Manchester; the 2026 round's tranches


@pytest.mark.slow
def test_the_england_rounds_json_rebuilds_to_exactly_the_sets_the_definition_names(monkeypatch, tmp_path,
                                                                                   england_dir):
    """The same on the whole-England set, for both bundled round configs (hundreds of places may rise)."""
    runs = _rounds_recorded(monkeypatch, [
        ((england_dir, ROOT / "places", "--config", ROOT / "rounds" / "forerunner-2011.yaml"), tmp_path / "a"),
        ((england_dir, ROOT / "places", "--rules", "english-devolution-2026", "--config",
          ROOT / "rounds" / "programme-2026.yaml"), tmp_path / "b"),
    ])
    for call, data in runs:
        expected = _check(call, data)
        assert expected and len(data["rising"]) >= 10
