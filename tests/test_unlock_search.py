"""unlock's search over sets of moves: complete for packs of any number of moves, or plainly incomplete.

Properties stated in words: the consistent sets the search grows move by move are exactly the subsets of
the pack's moves that can be made (brute force over every subset), in the same order; a pack with more than
fourteen moves (the old silent cut) is searched whole, so the answers do not change when moves that can
never be made are added before the others; when the number of consistent sets passes the search's limit,
the answer says the search stopped and names the moves no tried set holds.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOT, TEST_PACK, cli
from negotiator.check.sampling import profiles
from negotiator.options.state import apply_moves
from negotiator.options.unlock import space, unlock, unlock_lines
from negotiator.pack.ir import Any_, Move
from negotiator.pack.load import load_pack
from negotiator.vocab.places import load_place

TEST = load_pack(TEST_PACK)
NOW = load_pack(ROOT / "rules" / "english-devolution-2026")
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@SETTINGS
@given(profiles(TEST), st.dates(date(2022, 6, 1), date(2026, 1, 1)))
def test_the_sets_grown_move_by_move_are_every_subset_that_can_be_made_in_the_same_order(profile, on):
    """Growing sets in the pack's order from those that can be made finds every subset that can be made
    (apply_moves, one subset at a time), no other, in itertools.combinations' order, with the same facts."""
    brute = [combo for k in range(len(TEST.moves) + 1) for combo in itertools.combinations(TEST.moves, k)
             if apply_moves(TEST, profile, on, list(combo)) is not None]
    found = space(TEST, profile, on)
    assert found.combos == brute and not found.untried
    for combo, (facts, changes, later) in zip(found.combos, found.trials):
        assert ({**facts, **changes}, later) == apply_moves(TEST, profile, on, list(combo))


def _never(i: int) -> Move:
    """A move whose `requires` never holds (any of no condition is false)."""
    return Move(id=f"never_{i}", title=f"A move that can never be made ({i})", sets=(), cost=1, months=1,
                note="test", wait_months=1, requires=Any_(()))


def test_a_pack_of_more_than_fourteen_moves_is_searched_whole():
    """Cheshire and Warrington's way to the integrated settlement needs the pack's last two moves (the first
    election, eighteen months with the mayor): with six moves that can never be made listed first (nineteen
    moves), the old search cut at fourteen lost them; the answers must be the same as with the pack as it is."""
    place = load_place(ROOT / "places" / "cheshire-and-warrington.yaml", NOW).profile
    on = date(2026, 11, 23)
    bigger = dataclasses.replace(NOW, moves=tuple(_never(i) for i in range(6)) + NOW.moves)
    assert len(bigger.moves) > 14
    plain, more = unlock(NOW, place, on, "integrated_settlement"), unlock(bigger, place, on, "integrated_settlement")
    assert plain.answers and [a.model_dump() for a in more.answers] == [a.model_dump() for a in plain.answers]
    assert any(m.id == "wait_18_months" for m in more.answers[0].moves)
    assert more.incomplete is None and plain.incomplete is None and more.sets_tried == plain.sets_tried


def test_a_search_stopped_at_its_limit_says_so_and_names_what_it_did_not_try(monkeypatch):
    """Past the limit of consistent sets, the search stops before a move and the answer (JSON, text and a deal
    sheet's line) says it is incomplete, naming the moves no tried set holds."""
    from negotiator.options import unlock as module
    place = load_place(ROOT / "places" / "cheshire-and-warrington.yaml", NOW).profile
    on = date(2026, 11, 23)
    whole = space(NOW, place, on)
    part = space(NOW, place, on, limit=8)
    assert not whole.untried and part.untried and len(part.combos) <= 8
    assert set(part.combos) < set(whole.combos)
    tried = {m.id for combo in part.combos for m in combo}
    assert not tried & {m.id for m in part.untried}
    assert part.untried == list(NOW.moves)[len(NOW.moves) - len(part.untried):]
    monkeypatch.setattr(module, "MAX_SETS", 8)
    u = unlock(NOW, place, on, "integrated_settlement")
    assert u.incomplete and "stopped after" in u.incomplete and part.untried[-1].title.lower() in u.incomplete
    lines = unlock_lines(NOW, place, on, ["integrated_settlement"], {"integrated_settlement": u.status})
    assert "stopped after" in lines[0].text


def test_unlock_on_the_command_line_says_how_many_sets_it_tried_and_that_the_search_was_complete():
    data = json.loads(cli("unlock", "cheshire-and-warrington", "--power", "integrated_settlement", "--rules",
                          "english-devolution-2026", "--as-of", "2026-11-23", "--json").stdout)
    assert data["sets_tried"] > 0 and data.get("incomplete") is None


def test_unlock_names_a_reorganisation_ahead_and_the_answers_done_only_after_it():
    """Surrey ceases on 1 April 2027 (its councils replaced by East Surrey and West Surrey): unlock as of November
    2026 says so, and marks a set of moves that would take a year as done only after it; Norfolk and Suffolk's
    councils are to be replaced on 1 April 2028 (decided, not applied); Kent has nothing ahead."""
    from negotiator.options.unlock import _caveats, changes_ahead
    from negotiator.results import MoveRef, UnlockAnswer
    on = date(2026, 11, 23)
    surrey = load_place(ROOT / "places" / "surrey.yaml", NOW).profile
    ahead = changes_ahead(surrey, on)
    # its end and the reorganisation that ends its councils are one change, said once
    assert [d for d, _s in ahead] == [date(2027, 4, 1)]
    assert ahead[0][1].startswith("Surrey ceases to exist on 2027-04-01: its member councils")
    assert "East Surrey and West Surrey" in ahead[0][1] and "decided" in ahead[0][1]
    year = UnlockAnswer(moves=[MoveRef(id="m", title="M", cost=1, months=12, note="")], cost=1, months=12, outcome={})
    month = UnlockAnswer(moves=[MoveRef(id="m", title="M", cost=1, months=1, note="")], cost=1, months=1, outcome={})
    said = _caveats(surrey, on, [month, year])
    assert all("set 2 would be done only after it" in s for s in said) and not any("set 1" in s for s in said)
    nands = load_place(ROOT / "places" / "norfolk-and-suffolk.yaml", NOW).profile
    assert [d for d, _s in changes_ahead(nands, on)] == [date(2028, 4, 1), date(2028, 4, 1)]
    assert changes_ahead(nands, date(2028, 4, 1)) == []
    assert changes_ahead(load_place(ROOT / "places" / "kent.yaml", NOW).profile, on) == []
    data = json.loads(cli("unlock", "surrey", "--power", "transport_and_local_infrastructure", "--rules",
                          "english-devolution-2026", "--as-of", "2026-11-23", "--json").stdout)
    assert any("ceases to exist on 2027-04-01" in s for s in data["changes_ahead"])
