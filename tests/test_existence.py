"""Groupings of 2009-11 in time: a grouping with no sourced end is not known to exist after the last day a
source records it (`exists.last_seen`); a round of a later date neither ranks nor counts it and says its existence
is unknown, and evaluate, explain, whatif and compare of a date a place did not (or may not) exist say so."""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers import ROOT, cli

from negotiator.errors import InputError
from negotiator.pack.load import load_pack
from negotiator.vocab.places import load_place
from negotiator.vocab.timeline import existence_note

UNKNOWN_IN_2026 = {"push", "pennine-lancashire", "west-of-england", "leicester-leicestershire"}
CEASED_BY_2026 = {"bournemouth-dorset-poole", "leeds-city-region"}
NOT_YET_IN_2026 = {"east-surrey", "west-surrey"}  # new unitary councils from 1 April 2027


@pytest.fixture(scope="module")
def programme_2026(tmp_path_factory):
    out = tmp_path_factory.mktemp("existence") / "r2026"
    result = cli("round", ROOT / "places", "--rules", "english-devolution-2026", "--config",
                 ROOT / "rounds" / "programme-2026.yaml", "--out", out, "-q")
    assert result.exit_code == 0, result.stderr
    return out, result


def test_no_grouping_of_2009_11_without_a_sourced_end_takes_part_in_the_2026_round(programme_2026):
    out, result = programme_2026
    data = json.loads((out / "round.json").read_text(encoding="utf-8"))
    left = {lo["id"]: lo for lo in data["left_out"]}
    assert set(left) == UNKNOWN_IN_2026 | CEASED_BY_2026 | NOT_YET_IN_2026
    assert {i for i, lo in left.items() if lo["existence_unknown"]} == UNKNOWN_IN_2026
    taking_part = {p["id"] for p in data["places"]} | set(data["eligibility_undetermined"])
    taking_part |= {pid for t in data["tranches"] for pid in t["places"]}
    assert not (UNKNOWN_IN_2026 | CEASED_BY_2026) & taking_part
    conflicts = json.dumps(data["conflicts"])
    assert not any(f'"{pid}"' in conflicts for pid in UNKNOWN_IN_2026)
    # each says the last day a source records it, with the source, and that its end is not known
    assert "the last day a source records it is 2021-01-25" in left["push"]["reason"]
    assert "Partnership for South Hampshire" in left["push"]["reason"]
    assert "is unknown" in left["leicester-leicestershire"]["reason"]


def test_the_2026_round_says_which_places_exist_unknown_apart_from_those_that_ceased(programme_2026):
    out, result = programme_2026
    md = (out / "round.md").read_text(encoding="utf-8")
    unknown = md.split("## Existence unknown on the round's date", 1)[1].split("\n## ", 1)[0]
    gone = md.split("## Not existing on the round's date", 1)[1].split("\n## ", 1)[0]
    assert "- Pennine Lancashire: whether it exists on 2026-11-23 is unknown" in unknown
    assert "Bournemouth, Dorset and Poole" in gone and "Pennine Lancashire" not in gone
    assert "Bournemouth" not in unknown
    html = (out / "round.html").read_text(encoding="utf-8")
    assert 'id="existence-unknown"' in html and "West of England: whether it exists on 2026-11-23" in html
    assert "4 place(s) left out, whose existence on 2026-11-23 is unknown" in result.stderr


def test_groupings_that_became_combined_authorities_stay_in_the_2026_round_as_already_devolved(programme_2026):
    out, _ = programme_2026
    data = json.loads((out / "round.json").read_text(encoding="utf-8"))
    assert {"tyne-and-wear-city-region", "sheffield-city-region"} <= set(data["already_devolved"])


def test_the_groupings_are_still_in_the_forerunner_round_where_sources_record_them(forerunner_dir):
    data = json.loads((forerunner_dir / "round.json").read_text(encoding="utf-8"))
    assert UNKNOWN_IN_2026 <= {p["id"] for p in data["places"]}
    assert not any(lo["existence_unknown"] for lo in data["left_out"])


def test_existence_is_three_valued_from_the_place_dates():
    pack = load_pack()
    push = load_place(ROOT / "places" / "push.yaml", pack).profile
    assert push.existence(date(2021, 1, 25)) is True and push.existence(date(2021, 1, 26)) is None
    bdp = load_place(ROOT / "places" / "bournemouth-dorset-poole.yaml", pack).profile
    assert bdp.existence(date(2019, 4, 1)) is False and bdp.existence(date(2019, 3, 31)) is True
    kent = load_place(ROOT / "places" / "kent.yaml", pack).profile
    assert existence_note(kent, date(2026, 11, 23)) == (True, None)
    state, note = existence_note(push, date(2026, 11, 23))
    assert state is None and note is not None and "2021-01-25" in note


@pytest.mark.parametrize("exists, message", [
    ("{last_seen: 2001-01-01, from: 2005-01-01, source: s}", "last_seen (the last day a source records the place) "
                                                             "must not be before from"),
    ("{last_seen: 2020-01-01, until: 2020-01-01, source: s}", "must be before until"),
    ("{last_seen: soon, source: s}", "expected a date like 2024-05-07"),
    ("{last_seen: 2020-01-01}", "the dates a place exists need a source"),
])
def test_a_bad_last_seen_is_refused_with_its_field(tmp_path, exists, message):
    place = tmp_path / "p.yaml"
    place.write_text(f"id: p\nname: P\nmembers: [E07000086]\nexists: {exists}\nsources: [s]\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_place(place, load_pack())
    text = "\n".join(str(p) for p in caught.value.problems)
    assert message in text and "exists" in text
    result = cli("validate", place)
    assert result.exit_code == 2 and message in result.stderr


def test_evaluate_on_a_date_a_place_did_not_exist_warns_with_its_dates():
    out = cli("evaluate", "tees-valley", "--rules", "english-devolution-2026", "--as-of", "2012-01-01").stdout
    assert "NOT EXISTING: Tees Valley does not exist on 2012-01-01: it exists from 2016-04-01" in out
    data = json.loads(cli("evaluate", "tees-valley", "--rules", "english-devolution-2026", "--as-of",
                          "2012-01-01", "--json").stdout)
    assert data["place_exists"] is False and "from 2016-04-01" in data["place_exists_note"]
    now = json.loads(cli("evaluate", "tees-valley", "--rules", "english-devolution-2026", "--json").stdout)
    assert now["place_exists"] is True and now["place_exists_note"] is None
    assert "NOT EXISTING" not in cli("evaluate", "kent").stdout


def test_evaluate_after_a_grouping_was_last_recorded_says_its_existence_is_unknown():
    out = cli("evaluate", "push", "--rules", "english-devolution-2026", "--as-of", "2026-11-23").stdout
    assert "EXISTENCE UNKNOWN: Partnership for Urban South Hampshire: whether it exists on 2026-11-23 is unknown" \
        in out
    data = json.loads(cli("evaluate", "push", "--rules", "english-devolution-2026", "--as-of", "2026-11-23",
                          "--json").stdout)
    assert data["place_exists"] is None and "2021-01-25" in data["place_exists_note"]


def test_explain_whatif_and_compare_warn_too():
    out = cli("explain", "bournemouth-dorset-poole", "transport", "--as-of", "2020-01-01").stdout
    assert "NOT EXISTING: Bournemouth, Dorset and Poole does not exist on 2020-01-01" in out
    assert "until 2019-04-01" in out
    data = json.loads(cli("explain", "bournemouth-dorset-poole", "transport", "--as-of", "2020-01-01",
                          "--json").stdout)
    assert data["place_exists"] is False
    what = json.loads(cli("whatif", "pennine-lancashire", "--rules", "english-devolution-2026", "--as-of",
                          "2026-11-23", "--set", "population=600000", "--json").stdout)
    assert "whether it exists on 2026-11-23 is unknown" in what["place_exists_note"]
    assert "EXISTENCE UNKNOWN: Pennine Lancashire" in cli("whatif", "pennine-lancashire", "--rules",
                                                           "english-devolution-2026", "--as-of", "2026-11-23",
                                                           "--set", "population=600000").stdout
    comp = json.loads(cli("compare", "west-of-england", "--then-as-of", "2011-05-01", "--now-as-of", "2026-11-23",
                          "--json").stdout)
    side = comp["places"][0]
    assert side["then"]["place_exists_note"] is None
    assert "2018-02-02" in side["now"]["place_exists_note"]
    text = cli("compare", "west-of-england", "--then-as-of", "2011-05-01", "--now-as-of", "2026-11-23").stdout
    assert "Now: EXISTENCE UNKNOWN: West of England" in text


def test_the_web_api_gives_the_warning_with_the_evaluation():
    from fastapi.testclient import TestClient

    from negotiator.web.app import create_app
    with TestClient(create_app([str(ROOT / "rules" / "english-devolution-2026")], ROOT / "places",
                               ROOT / "rounds"), base_url="http://127.0.0.1") as client:
        body = client.post("/api/evaluate", json={"place": "tees-valley", "as_of": "2012-01-01"}).json()
    assert body["place_exists"] is False and "from 2016-04-01" in body["place_exists_note"]
    script = (ROOT / "negotiator" / "web" / "static" / "app.js").read_text(encoding="utf-8")
    assert 'id: "place-not-existing"' in script and "place_exists_note" in script


def test_the_council_list_of_the_api_is_the_register_as_of_a_date():
    from fastapi.testclient import TestClient

    from negotiator.web.app import create_app
    with TestClient(create_app([str(ROOT / "rules" / "route-map-2010")], ROOT / "places", ROOT / "rounds"),
                    base_url="http://127.0.0.1") as client:
        in_2011 = {c["code"]: c for c in client.get("/api/councils", params={"as_of": "2011-03-01"}).json()}
        in_2027 = {c["code"]: c for c in client.get("/api/councils", params={"as_of": "2027-04-01"}).json()}
        default = {c["code"] for c in client.get("/api/councils").json()}
        bad = client.get("/api/councils", params={"as_of": "someday"})
    # Christchurch until 2019, Bournemouth, Christchurch and Poole from then; East Surrey from 1 April 2027
    assert "E07000048" in in_2011 and "E06000058" not in in_2011
    assert in_2011["E07000048"]["end"] == "2019-04-01"
    assert "E06000058" in in_2027 and "E07000048" not in in_2027
    assert "east-surrey" in in_2027 and "east-surrey" not in in_2011
    assert "E07000048" in default and "E06000058" not in default  # the pack's date of effect, 2010-03-01
    assert bad.status_code == 422
    script = (ROOT / "negotiator" / "web" / "static" / "app.js").read_text(encoding="utf-8")
    assert '"/api/councils?" + q' in script and 'q.set("as_of", S.asOf)' in script


def _case(tmp_path, name, body):
    from negotiator.testing import slug
    path = tmp_path / f"{slug(name)}.yaml"
    path.write_text(f"name: {name}\n" + body, encoding="utf-8")
    return path


def test_a_policy_case_changing_members_names_councils_of_the_register_as_of_its_date(tmp_path):
    from negotiator.testing import run_case_file
    ok = _case(tmp_path, "Christchurch with Bournemouth and Poole is a grouping in 2011",
               "place: pennine-lancashire\nas_of: 2011-03-01\nchange:\n  members: [E07000048, E06000028, E06000029]\n"
               "expect:\n  place.members: [E07000048, E06000028, E06000029]\n")
    assert run_case_file(ok).failures == []
    ceased = _case(tmp_path, "Christchurch alone after 2019",
                   "place: pennine-lancashire\nas_of: 2020-01-01\nchange:\n  members: [E07000048, E06000008]\n"
                   "expect:\n  negotiation.eligible: true\n")
    with pytest.raises(InputError) as caught:
        run_case_file(ceased)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "change.members" in text and "on 2020-01-01" in text and "Christchurch" in text
    typo = _case(tmp_path, "A council by name", "place: pennine-lancashire\nchange:\n  members: [Christchurch]\n"
                 "expect:\n  negotiation.eligible: true\n")
    with pytest.raises(InputError) as caught:
        run_case_file(typo)
    problem = caught.value.problems[0]
    assert "is not a council code of the register" in str(problem) and "E07000048" in str(problem)


def test_a_tranche_number_may_move_only_where_another_place_could_come_to_rank_above_it():
    """Invariant: a place's tranche number is said to be settled only when no place whose facts are unsettled
    could reach its score (nor its own, after the first tranche, rise); the standing is never what moves."""
    from negotiator.round.gate import GateInput, tranche_movers

    def g(lowest, highest):
        return GateInput(True, False, lowest, lowest, highest, True)
    gates = {"a": g(5, 5), "b": g(1, 3), "c": g(1, 1), "d": g(0, 4), "e": g(0, 0)}
    ranked = ["a", "b", "c"]
    score = {p: gates[p].lowest for p in gates}
    movers = tranche_movers(ranked, score, {"a": 1, "b": 1, "c": 2}, gates, ["d", "e"]).expanded(ranked, score)
    assert "a" not in movers                      # nothing unsettled reaches 5
    assert movers["b"] == ["d"]                   # d (0 to 4) may come to rank above b (1)
    assert movers["c"] == ["d"]                   # c's own readiness is settled (1 to 1); b is above it already
    assert "e" not in {q for qs in movers.values() for q in qs}   # e can reach 0 at most


def test_a_tranche_number_is_said_to_move_only_where_the_places_that_could_rank_above_it_could_fill_it_or_clash():
    """Invariant: with seats and councils known, a place's tranche number is said to move only where the
    places that could come to rank above it could fill the seats its tranche has left, or share a council
    with it or with a place ranked above it; where they could only fill it, the report says how many of
    them would have to (a team learns how far it is from losing its tranche, not a list of everyone)."""
    from negotiator.round.gate import GateInput, tranche_movers

    def g(lowest, highest):
        return GateInput(True, False, lowest, lowest, highest, True)
    gates = {"a": g(5, 5), "b": g(4, 4), "d": g(0, 9), "e": g(0, 9), "f": g(0, 9)}
    score = {p: gates[p].lowest for p in gates}
    members = {"a": ("A",), "b": ("B",), "d": ("D",), "e": ("E",), "f": ("F",)}
    ranked, tranche_of = ["a", "b"], {"a": 1, "b": 1}
    roomy = tranche_movers(ranked, score, tranche_of, gates, ["d", "e"], members, lambda n: 8)
    assert roomy.expanded(ranked, score) == {} and roomy.need == {}  # two could enter a tranche of eight seats
    tight = tranche_movers(ranked, score, tranche_of, gates, ["d", "e", "f"], members, lambda n: 4)
    assert tight.expanded(ranked, score) == {"b": ["d", "e", "f"]}  # a keeps its seat even if all three came above
    assert tight.need == {"b": 3}  # b loses its seat only if all three came above it
    assert tight.rising_count == {"b": 3} and tight.named == {}  # said as "3 places that could still rise"
    members["d"] = ("B", "D")  # d shares a council with b
    clash = tranche_movers(ranked, score, tranche_of, gates, ["d", "e"], members, lambda n: 8)
    assert clash.expanded(ranked, score) == {"b": ["d"]} and clash.need == {}  # d alone could defer b
    assert clash.named == {"b": ["d"]} and clash.rising == {}  # named where it is the clash, not the list


def test_the_forerunner_round_says_how_many_would_have_to_rank_above_greater_manchester(forerunner_dir):
    md = (forerunner_dir / "round.md").read_text(encoding="utf-8")
    assert ("- Greater Manchester (tranche 1): only if 8 of the 17 places that could still rise from below it to its "
            "ranking score (6) came to rank above it, filling the tranche\n") in md
    assert "- up to 12: Birmingham, Cornwall, Essex, Hertfordshire, Kent, Surrey\n" in md  # the 17, said once
    data = json.loads((forerunner_dir / "round.json").read_text(encoding="utf-8"))
    gm = next(x for x in data["ranking"] if x["place"] == "greater-manchester")
    assert gm["tranche_moves_if_at_least"] == 8 and gm["tranche_may_move_with_rising"] >= 8


def test_the_2026_round_says_which_tranche_numbers_may_still_move(programme_2026):
    out, _ = programme_2026
    data = json.loads((out / "round.json").read_text(encoding="utf-8"))
    ranking = {x["place"]: x for x in data["ranking"]}
    # York and North Yorkshire, tranche 2, readiness 1 to 7: its own facts and others' may move it
    assert "york-and-north-yorkshire" in ranking["york-and-north-yorkshire"]["tranche_may_move_with"]
    kent = ranking["kent"]  # ready or not depending on its facts, East Midlands could rise above Kent
    rising = {x["place"]: x for x in data["rising"]}
    assert kent["tranche_may_move_with_rising"] and rising["east-midlands"]["rank"] is None
    assert rising["east-midlands"]["score_if_unknowns_hold"] >= kent["score_lowest"]
    md = (out / "round.md").read_text(encoding="utf-8")
    assert "Tranche numbers that may still move" in md
    assert "tranche number (not its standing) may still move" in md
    assert 'id="tranche-may-move"' in (out / "round.html").read_text(encoding="utf-8")
