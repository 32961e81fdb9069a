"""`negotiator england`: a reproducible whole-England place set from the bundled Census table."""

from __future__ import annotations

from helpers import ROOT, cli
from negotiator.census import councils
from negotiator.pack.load import load_pack
from negotiator.vocab.england import CORE_CITIES, england_files
from negotiator.vocab.places import load_places


def test_every_council_and_county_area_is_a_place_and_the_set_validates(tmp_path):
    """Every generated profile loads (is validated) with the bundled places, and no id is used twice."""
    out = tmp_path / "england"
    result = cli("england", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert f"negotiator round {out}" in result.stdout
    pack = load_pack()
    places = load_places([str(out), str(ROOT / "places")], pack)  # ids unique across both folders
    singles = {p.profile.members[0]: p for p in places if len(p.profile.members) == 1}
    assert set(councils()) <= set(singles), "every council is a place of its own"
    kinds = {code: p.profile.facts["kind"][0].value for code, p in singles.items() if "kind" in p.profile.facts}
    assert kinds["E07000178"] == "district" and kinds["E09000030"] == "london_borough"
    assert kinds["E06000047"] == "unitary" and kinds["E08000010"] == "district"
    # Manchester's bundled profile says its negotiations take place at city region level (route-map s7)
    assert all(kinds[code] == "core_city" for code in CORE_CITIES if code != "E08000003")
    assert kinds["E08000003"] == "city_in_city_region"
    counties = {c.county for c in councils().values() if c.county and "London" not in c.county}
    member_sets = {frozenset(p.profile.members) for p in places}
    for county in counties:
        codes = frozenset(code for code, c in councils().items() if c.county == county)
        assert codes in member_sets, county
    # the bundled `lancashire` is today's combined county authority, so the county area is `lancashire-area`
    lancashire = next(p for p in places if p.id == "lancashire-area")
    assert lancashire.profile.facts["kind"][0].value == "county"
    assert [e.value for e in lancashire.profile.facts["population"]] == [
        sum(c.population_2011 for c in councils().values() if c.county == "Lancashire"),
        sum(c.population_2021 for c in councils().values() if c.county == "Lancashire")]


def test_the_set_is_the_same_on_every_run_and_leaves_bundled_places_to_their_profiles():
    pack = load_pack()
    bundled = {lp.id: lp.profile.members for lp in load_places([str(ROOT / "places")], pack)}
    first, second = england_files(bundled), england_files(bundled)
    assert first == second
    assert "birmingham.yaml" not in first and "kent.yaml" not in first, "bundled profiles are used instead"
    assert not set(first) & {f"{pid}.yaml" for pid in bundled}
    assert all("capacity" not in text and "accountability" not in text for text in first.values()), \
        "only what the table sources is stated"
