"""Places and councils in time: rounds, sweeps and the England set take only what exists on their date."""

from __future__ import annotations

import json
from datetime import date

from helpers import ROOT, cli
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.pack.load import load_pack
from negotiator.vocab.councils import register
from negotiator.vocab.places import load_places
from negotiator.vocab.timeline import on_date

# the authorities of 2016-26, and the unitary councils decided for 1 April 2027 (East and West Surrey)
CREATED_2016_26 = {"cambridgeshire-and-peterborough", "cheshire-and-warrington", "cumbria", "devon-and-torbay",
                   "east-midlands", "east-surrey", "west-surrey", "greater-essex", "greater-lincolnshire", "hampshire-and-the-solent",
                   "hull-and-east-yorkshire", "lancashire", "norfolk-and-suffolk", "sussex-and-brighton", "tees-valley",
                   "west-of-england-combined-authority", "york-and-north-yorkshire"}


def _bundled():
    return load_places([str(ROOT / "places")], load_pack())


def test_no_authority_or_council_created_after_2011_takes_part_in_the_2011_round_and_each_is_named_with_its_source(tmp_path):
    out = tmp_path / "r"
    result = cli("round", ROOT / "places", "--config", ROOT / "rounds" / "forerunner-2011.yaml", "--out", out, "-q")
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "round.json").read_text())
    left = {lo["id"]: lo["reason"] for lo in data["left_out"]}
    assert set(left) == CREATED_2016_26
    assert not CREATED_2016_26 & {p["id"] for p in data["places"]}
    assert not CREATED_2016_26 & set(data["eligibility_undetermined"])
    assert left["tees-valley"].startswith("exists from 2016-04-01") and "SI 2016/449" in left["tees-valley"]
    assert "Not existing on the round's date" in (out / "round.md").read_text()
    assert "Tees Valley: exists from 2016-04-01" in (out / "round.html").read_text()
    assert f"{len(CREATED_2016_26)} place(s) left out, not existing on 2011-03-01" in result.stderr


def test_groupings_of_2009_11_that_ceased_take_no_part_in_the_2026_round(tmp_path):
    out = tmp_path / "r"
    result = cli("round", ROOT / "places", "--rules", "english-devolution-2026", "--config",
                 ROOT / "rounds" / "programme-2026.yaml", "--out", out, "-q")
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "round.json").read_text())
    left = {lo["id"]: lo["reason"] for lo in data["left_out"] if not lo["existence_unknown"]}
    # the others: tests/test_existence.py; East and West Surrey come into being on 1 April 2027
    assert set(left) == {"bournemouth-dorset-poole", "leeds-city-region", "east-surrey", "west-surrey"}
    assert left["east-surrey"].startswith("exists from 2027-04-01")
    assert "ceased on 2019-04-01" in left["bournemouth-dorset-poole"]
    # three of Leeds City Region's councils were merged into North Yorkshire, which also covers others
    assert "North Yorkshire (E06000065)" in left["leeds-city-region"] and "2023-04-01" in left["leeds-city-region"]
    cumbria = next(p for p in data["places"] if p["id"] == "cumbria")
    assert cumbria["evaluation"]["facts"]["member_count"]["value"] == 2  # Cumberland, Westmorland and Furness


def test_the_england_set_as_of_2011_has_buckinghamshire_as_a_county_with_its_districts(tmp_path):
    out = tmp_path / "e"
    result = cli("england", "--as-of", "2011-05-01", "--out", out)
    assert result.exit_code == 0, result.stderr
    places = load_places([str(out), str(ROOT / "places")], load_pack())
    by_members = {frozenset(p.profile.members): p for p in places}
    bucks_districts = frozenset({"E07000004", "E07000005", "E07000006", "E07000007"})
    county = by_members[bucks_districts].profile
    assert county.facts["kind"][0].value == "county" and county.exists_until == date(2020, 4, 1)
    assert county.facts["population"][0].value == 505283  # the Census 2011 count of the same area
    for code in bucks_districts:
        assert by_members[frozenset({code})].profile.facts["kind"][0].value == "district"
    assert frozenset({"E06000060"}) not in by_members  # Buckinghamshire Council came in 2020
    assert frozenset({"E07000246"}) not in by_members and frozenset({"E07000190"}) in by_members  # Taunton Deane
    singles = [p for p in places if len(p.profile.members) == 1 and "kind" in p.profile.facts
               and p.profile.exists(date(2011, 5, 1))]
    assert len({p.profile.members[0] for p in singles}) == 326


def test_a_round_over_the_2011_england_set_counts_buckinghamshire_among_the_counties_not_the_unitaries(tmp_path):
    e = tmp_path / "e"
    assert cli("england", "--as-of", "2011-03-01", "--out", e).exit_code == 0
    out = tmp_path / "r"
    result = cli("round", e, ROOT / "places", "--config", ROOT / "rounds" / "forerunner-2011.yaml", "--out", out,
                 "-q", "--engine", "fast")
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "round.json").read_text())
    kinds = {p["id"]: p["evaluation"]["facts"].get("kind", {}).get("value") for p in data["places"]}
    assert kinds["buckinghamshire"] == "county"
    assert "buckinghamshire-council" not in kinds


def test_surrey_after_1_april_2027_is_east_surrey_and_west_surrey(tmp_path):
    out = tmp_path / "e"
    result = cli("england", "--as-of", "2027-04-01", "--out", out)
    assert result.exit_code == 0, result.stderr
    places = load_places([str(out), str(ROOT / "places")], load_pack())  # bundled profiles complete the set
    ids = {p.id: p.profile for p in places}
    assert ids["east-surrey"].facts["kind"][0].value == "unitary"
    assert ids["east-surrey"].file.endswith("places/east-surrey.yaml")  # the bundled profile, with its sources
    assert ids["west-surrey"].exists_from == date(2027, 4, 1)
    surrey_districts = {"E07000207", "E07000208", "E07000209", "E07000210", "E07000211", "E07000212", "E07000213",
                        "E07000214", "E07000215", "E07000216", "E07000217"}
    generated = load_places([str(out)], load_pack())
    assert not surrey_districts & {m for p in generated for m in p.profile.members}
    _kept, left = on_date(_bundled(), date(2027, 4, 1))
    assert "surrey" in {lo.id for lo in left}
    day_before, _ = on_date(_bundled(), date(2027, 3, 31))
    assert "surrey" in {lp.id for lp in day_before}


def test_a_sweep_takes_only_the_places_of_its_date_and_names_the_others(tmp_path):
    out = tmp_path / "s"
    result = cli("sweep", ROOT / "places", "--config", ROOT / "rounds" / "forerunner-2011.yaml", "--param",
                 "strategic_county_min_population=400000..500000:100000", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "place(s) left out, not existing on 2011-03-01" in result.stderr
    assert "Tees Valley: exists from 2016-04-01" in (out / "sweep.html").read_text()


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 12, 31)))
def test_every_place_kept_on_a_date_exists_then_with_members_that_exist_then(day):
    """Whatever the date, a place kept for it exists on it and so does each of its member councils (as the
    register gives them); every other place is left out with a reason."""
    loaded = _bundled()
    kept, left = on_date(loaded, day)
    assert len(kept) + len(left) == len(loaded)
    reg = register()
    for lp in kept:
        assert lp.profile.exists(day)
        assert all(reg.exists(code, day) for code in lp.profile.members), (lp.id, day)
    assert all(lo.reason for lo in left)


def test_a_round_names_the_reorganisations_ahead_on_its_deal_sheets_and_those_decided_but_not_applied(tmp_path):
    """A round's deal sheet says "Ahead:" what ends the place or replaces its councils after the round's date, as
    unlock does; a round dated after the vesting day of a decided reorganisation the register cannot apply (its
    areas split districts) names it, as `england --as-of` does, for the round and on the place's deal sheet."""
    now = tmp_path / "now"
    assert cli("round", ROOT / "places", "--rules", "english-devolution-2026", "--config", "programme-2026",
               "--out", now, "-q").exit_code == 0
    data = json.loads((now / "round.json").read_text())
    surrey = next(p for p in data["places"] if p["id"] == "surrey")
    assert any("ceases to exist on 2027-04-01" in s for s in surrey["changes_ahead"])
    assert any("East Surrey and West Surrey on 2027-04-01" in s for s in surrey["changes_ahead"])
    assert data["decided_not_applied"] == []
    text = (now / "round.md").read_text()
    assert "**Ahead:** Surrey ceases to exist on 2027-04-01" in text
    assert "Ahead:" in (now / "round.html").read_text()
    later = tmp_path / "later"
    result = cli("round", ROOT / "places", "--rules", "english-devolution-2026", "--config", "programme-2026",
                 "--set", "date=2028-06-01", "--out", later, "-q")
    assert result.exit_code == 0, result.stderr
    data = json.loads((later / "round.json").read_text())
    assert [s.split(" unitary councils")[0] for s in data["decided_not_applied"]] == [
        "West Norfolk, East Norfolk and Greater Norwich City",
        "Western Suffolk, Central and Eastern Suffolk, and Ipswich and South Suffolk"]
    nands = next(p for p in data["places"] if p["id"] == "norfolk-and-suffolk")
    assert len(nands["not_applied"]) == 2 and nands["changes_ahead"] == []
    # the Suffolk decision is challenged in the courts: every sentence naming it says so
    assert any("challenged: Suffolk County Council's claim for judicial review" in s for s in nands["not_applied"])
    assert "challenged: Suffolk County Council" in data["decided_not_applied"][1]
    assert "## Decided, not applied" in (later / "round.md").read_text()
    assert "Decided, not applied: West Norfolk" in result.stderr


def test_a_sweep_dated_after_a_decided_change_the_register_cannot_apply_names_it(tmp_path):
    """A sweep of 1 June 2028 says Norfolk's and Suffolk's councils, due to be replaced on 1 April 2028, are given as
    before the change (its areas split districts), on stderr, in sweep.html and in its JSON."""
    config = tmp_path / "later.yaml"
    config.write_text((ROOT / "rounds" / "programme-2026.yaml").read_text().replace("date: 2026-11-23",
                                                                                     "date: 2028-06-01"))
    out = tmp_path / "s"
    result = cli("sweep", ROOT / "places", "--rules", "english-devolution-2026", "--config", config, "--param",
                 "assumed_min_population=1000000..1500000:500000", "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    assert "Decided, not applied: West Norfolk, East Norfolk and Greater Norwich City" in result.stderr
    data = json.loads(result.stdout)
    assert len(data["decided_not_applied"]) == 2 and "challenged" in data["decided_not_applied"][1]
    assert "Decided, not applied" in (out / "sweep.html").read_text()


def test_a_round_names_on_the_terminal_at_most_thirty_places_left_out_and_how_many_more(tmp_path):
    """The terminal line stays readable however many places a round leaves out; the report names them all."""
    folder = tmp_path / "copies"
    folder.mkdir()
    text = (ROOT / "places" / "tees-valley.yaml").read_text(encoding="utf-8")
    for k in range(40):
        (folder / f"tv{k}.yaml").write_text(text.replace("id: tees-valley", f"id: tees-valley-{k}", 1),
                                            encoding="utf-8")
    out = tmp_path / "r"
    result = cli("round", ROOT / "places", folder, "--config", ROOT / "rounds" / "forerunner-2011.yaml", "--out", out,
                 "-q")
    assert result.exit_code == 0, result.stderr
    left_out = json.loads((out / "round.json").read_text())["left_out"]
    assert len(left_out) > 40
    said = " ".join(result.stderr.split())
    assert f"{len(left_out)} place(s) left out, not existing on 2011-03-01" in said
    assert f" and {len(left_out) - 30} more" in said
    assert said.count("Tees Valley") < 30
