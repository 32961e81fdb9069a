"""Negotiation rounds: tranches, conflicts, coverage, deal sheets, reports and diff."""

from __future__ import annotations

import csv
import datetime
import json
import shutil

import pytest
import yaml

from helpers import PACK, PLACE_IDS, ROOT, cli, on_a_terminal, place_ids_on, without_own_script
from negotiator.pack.load import load_pack
from negotiator.results import Round

CONFIG = ROOT / "rounds" / "forerunner-2011.yaml"


@pytest.fixture(scope="module")
def round_dir(forerunner_dir):
    return forerunner_dir


@pytest.fixture(scope="module")
def data(round_dir):
    return json.loads((round_dir / "round.json").read_text())


def test_the_round_writes_four_reports(round_dir):
    for name in ("round.json", "round.md", "round.csv", "round.html"):
        assert (round_dir / name).stat().st_size > 0
    hidden = {p.name for p in round_dir.iterdir() if p.name.startswith(".")}
    current = (round_dir / ".negotiator-current").resolve().name
    assert hidden == {".negotiator.lock", ".negotiator-current", current}, "no staging left behind"


def test_round_json_validates_against_the_round_schema_and_carries_a_format_version(data):
    model = Round.model_validate(data)
    assert model.format_version == "2.1"
    assert len(model.places) + len(model.left_out) == len(PLACE_IDS)
    assert len(model.places) == len(place_ids_on(model.round.date))
    import jsonschema
    schema = json.loads(cli("schema", "round").stdout)
    jsonschema.validate(data, schema)


def test_round_json_lists_each_rule_once_and_is_compact(round_dir, data):
    text = (round_dir / "round.json").read_text()
    assert "\n" not in text.rstrip("\n"), "compact by default"
    statement = data["catalogue"]["rules"]["level.eligible"]["statement"]
    assert text.count(json.dumps(statement)[1:-1]) == 1


def test_round_json_is_indented_on_request(tmp_path):
    result = cli("round", ROOT / "places", "--config", CONFIG, "--out", tmp_path, "--quiet", "--indent", "2")
    assert result.exit_code == 0
    assert (tmp_path / "round.json").read_text().startswith('{\n  "format_version"')


def test_every_place_is_evaluated_as_of_the_rounds_date(data):
    assert {p["evaluation"]["as_of"] for p in data["places"]} == {"2011-03-01"}
    gm = next(p for p in data["places"] if p["id"] == "greater-manchester")["evaluation"]
    assert "accountability.model" not in gm["facts"] and "accountability.model" in gm["missing_facts"], \
        "a round dated 1 March 2011 sees AGMA under its 2010 constitution (model unknown), not the combined " \
        "authority of 1 April 2011"


def test_the_first_tranche_fits_the_centres_capacity(data):
    assert len(data["tranches"][0]["places"]) <= data["round"]["capacity"] == 12


def test_places_that_cannot_negotiate_are_in_no_tranche(data):
    in_tranches = {p for t in data["tranches"] for p in t["places"]}
    assert {"tower-hamlets", "wiltshire"} <= set(data["not_eligible"])
    assert not in_tranches & set(data["not_eligible"])
    assert not in_tranches & set(data["eligibility_undetermined"])
    assert "greater-london" not in in_tranches and data["already_devolved"] == ["greater-london"]


def test_a_council_is_never_in_two_concurrent_negotiations(data):
    members = {p["id"]: set(p["evaluation"]["place"]["members"]) for p in data["places"]}
    for tranche in data["tranches"]:
        places = tranche["places"]
        for i, a in enumerate(places):
            for b in places[i + 1:]:
                assert not members[a] & members[b], (a, b)


def test_sharing_barnsley_is_reported_between_leeds_and_sheffield_city_regions(data):
    conflict = next(c for c in data["conflicts"] if "Barnsley" in c["council_names"])
    assert set(conflict["places"]) >= {"leeds-city-region", "sheffield-city-region"} and conflict["kind"] == "potential"
    assert "sheffield-city-region is ready or not depending on unknown facts" in conflict["resolution"]


def test_a_place_sharing_a_council_with_a_higher_ranked_one_moves_to_the_next_tranche(tmp_path):
    """With Sheffield City Region ready (a combined authority with shared services), Barnsley moves it on."""
    places = tmp_path / "places"
    shutil.copytree(ROOT / "places", places)
    for pid, facts in (("sheffield-city-region", {"shared_services": True, "total_place_pilot": True,
                                                  "community_budget_pilot": True, "public_spend_mapped": True}),
                       ("leeds-city-region", {})):
        data = yaml.safe_load((places / f"{pid}.yaml").read_text())
        # both known to show no sign of failure (test data), so that both pass the gate whatever else is unknown
        data.setdefault("capacity", {}).update(facts, failure_warning=False)
        if pid == "sheffield-city-region":
            data["accountability"] = {"model": [{"value": "joint_committee", "from": datetime.date(2008, 1, 1)}]}
        (places / f"{pid}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    result = cli("round", places, "--config", CONFIG, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "round.json").read_text())
    conflict = next(c for c in data["conflicts"] if "Barnsley" in c["council_names"])
    assert {"leeds-city-region", "sheffield-city-region"} <= set(conflict["places"])
    assert conflict["kind"] == "concurrent"
    by_id = {p["id"]: p for p in data["places"]}
    first, later = sorted(["leeds-city-region", "sheffield-city-region"], key=lambda p: by_id[p]["rank"])
    assert by_id[later]["tranche"] == by_id[first]["tranche"] + 1
    assert f"shares councils with {by_id[first]['name']}" in by_id[later]["placement"]  # in words, not an id


def test_overlaps_with_places_not_yet_eligible_are_reported(data):
    def kind_of(a, b):
        return next(c["kind"] for c in data["conflicts"] if {a, b} <= set(c["places"]))
    assert kind_of("birmingham", "west-midlands") == "potential"
    assert kind_of("leeds-city-region", "west-yorkshire") == "potential"


def test_the_route_maps_five_places_cover_more_than_a_quarter_of_england(data):
    from negotiator.census import councils
    scenario = data["scenarios"][0]["coverage"]
    five = {"kent", "essex", "birmingham", "greater-manchester", "greater-london"}
    assert set(scenario["places"]) == five
    members = {code for p in five for code in yaml.safe_load((ROOT / "places" / f"{p}.yaml").read_text())["members"]}
    assert scenario["population"] == sum(councils()[code].population_2011 for code in members)  # Census 2011
    assert scenario["share"] > 0.25


def test_coverage_counts_each_council_once(data):
    cov = data["coverage"]
    members = {p["id"]: p["evaluation"]["place"]["members"] for p in data["places"]}
    codes = {c for p in cov["places"] for c in members[p]}
    assert cov["councils"] == len(codes)
    assert cov["share"] == round(cov["population"] / cov["base"], 4)


def test_ranking_is_by_readiness_then_population_then_id(data):
    keys = [(-x["score"], -(x["population"] or 0), x["place"]) for x in data["ranking"]]
    assert keys == sorted(keys)


def test_the_reason_a_place_cannot_negotiate_is_a_rule_that_fails_or_one_that_bars_it(data):
    places = {p["id"]: p["evaluation"] for p in data["places"]}
    wiltshire = places["wiltshire"]["negotiation"]["reason"]
    assert wiltshire["rule"] == "level.strategic_county" and wiltshire["result"] == "false"
    assert places["wiltshire"]["steps"]["level.strategic_county"]["result"] == "false"
    assert any("population" in f for f in wiltshire["failed"])
    tower = places["tower-hamlets"]["negotiation"]["reason"]
    assert tower == {"rule": "level.too_small_alone", "result": "true", "failed": []}


def test_a_deal_sheet_says_what_is_on_offer_what_it_would_take_and_what_is_asked_in_return(round_dir):
    md = (round_dir / "round.md").read_text()
    birmingham = md[md.index("### Birmingham"):md.index("### Bournemouth")]
    assert "**On offer now (asked for):** Public health, Worklessness and long-term unemployment" in birmingham
    assert "**Also open, where relevant to its priorities:**" in birmingham
    assert "needs a single, directly elected, highly visible figure" in birmingham
    assert "**Why here:** eligible; whether it goes in a tranche depends on unknown facts" in birmingham
    assert r"capacity.failure\_warning" in birmingham  # the fact that settles it (escaped for Markdown)
    assert "**Obligations:** Agreed outcomes for the place" in birmingham


def test_the_csv_has_a_row_per_place_and_power(round_dir, data):
    rows = list(csv.DictReader((round_dir / "round.csv").read_text().splitlines()))
    powers = len(data["catalogue"]["powers"])
    assert len(rows) == len(data["places"]) * powers
    row = next(r for r in rows if r["place"] == "birmingham" and r["power"] == "city_region_mayor_powers")
    assert row["status"] == "not_available" and row["failed_rules"] == "level.grouping"
    assert row["as_of"] == "2011-03-01"


def test_running_the_round_twice_gives_identical_files(round_dir, tmp_path):
    result = cli("round", ROOT / "places", "--config", CONFIG, "--out", tmp_path, "--quiet")
    assert result.exit_code == 0
    for name in ("round.json", "round.md", "round.csv", "round.html"):
        assert (tmp_path / name).read_bytes() == (round_dir / name).read_bytes(), name


def test_user_text_is_escaped_in_the_html(tmp_path):
    places = tmp_path / "places"
    places.mkdir()
    shutil.copy(ROOT / "places" / "kent.yaml", places)
    text = (places / "kent.yaml").read_text().replace("name: Kent", "name: <script>alert(1)</script> & Kent")
    (places / "kent.yaml").write_text(text)
    result = cli("round", places, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "out" / "round.html").read_text()
    assert "<script>" not in without_own_script(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Kent" in html


def test_a_bad_round_config_is_one_line_per_problem(tmp_path):
    bad = tmp_path / "round.yaml"
    bad.write_text("name: R\ndate: 2011-03-01\ncapacity: 0\nalready_devolved: [greater-londn]\ncapasity: 3\n")
    result = cli("round", ROOT / "places", "--config", bad, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{bad}:3: capacity: 0 is impossible" in result.stderr
    assert f"{bad}:5: capasity: unknown field 'capasity'; did you mean 'capacity'?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_config_naming_a_place_not_in_the_round_is_rejected(tmp_path):
    bad = tmp_path / "round.yaml"
    bad.write_text("name: R\ndate: 2011-03-01\nalready_devolved: [greater-londn]\n")
    result = cli("round", ROOT / "places", "--config", bad, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert ("already_devolved[0]: 'greater-londn' is not one of the places in this round; "
            "did you mean 'greater-london'?") in result.stderr


@pytest.mark.parametrize("text,message", [
    ("parameters: {reduction_percnt: 5}", "unknown parameter 'reduction_percnt' of the rule pack; did you mean "
                                          "'reduction_percent'?"),
    ("parameters: {horizon_years: many}", "horizon_years: expected a number, got 'many'"),
    ("population_base: {population: 1, year: 2011, source: x}", "population_base.population: 1 is impossible"),
])
def test_bad_round_parameters_are_located(tmp_path, text, message):
    bad = tmp_path / "round.yaml"
    bad.write_text(f"name: R\ndate: 2011-03-01\n{text}\n")
    result = cli("round", ROOT / "places", "--config", bad, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr


def test_a_round_config_may_set_a_horizon_beyond_twenty_years(tmp_path):
    config = tmp_path / "round.yaml"
    config.write_text("name: Long\ndate: 2011-03-01\nparameters: {horizon_years: 25}\n")
    result = cli("round", ROOT / "places", "--config", config, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert "over 25 years" in (tmp_path / "out" / "round.md").read_text()


def test_diff_explains_a_change_in_a_rule_parameter(round_dir, tmp_path):
    config = tmp_path / "round.yaml"
    config.write_text(CONFIG.read_text().replace("parameters:", "parameters:\n  strategic_county_min_population: 450000"))
    result = cli("round", ROOT / "places", "--config", config, "--out", tmp_path / "new", "--quiet")
    assert result.exit_code == 0, result.stderr
    diff = cli("diff", round_dir / "round.json", tmp_path / "new" / "round.json")
    assert diff.exit_code == 0
    out = diff.stdout
    assert "strategic_county_min_population: 500,000 -> 450,000" in out
    assert "Wiltshire (wiltshire)" in out
    assert "eligible: no -> yes" in out
    assert "because parameter strategic_county_min_population: 500,000 -> 450,000" in out
    assert "rules whose truth changed: level.eligible false -> true, level.strategic_county false -> true" in out
    data = json.loads(cli("diff", round_dir / "round.json", tmp_path / "new" / "round.json", "--json").stdout)
    wilts = next(c for c in data["changes"] if c["place"] == "wiltshire")
    assert wilts["eligible"] == [False, True]


def test_diff_reports_config_and_budget_changes(round_dir, tmp_path):
    config = tmp_path / "round.yaml"
    config.write_text(CONFIG.read_text().replace("capacity: 12", "capacity: 8")
                      .replace("reduction_percent: 10", "reduction_percent: 20"))
    assert cli("round", ROOT / "places", "--config", config, "--out", tmp_path / "new", "--quiet").exit_code == 0
    data = json.loads(cli("diff", round_dir / "round.json", tmp_path / "new" / "round.json", "--json").stdout)
    assert data["config"]["capacity"] == [12, 8]
    assert data["parameters"]["reduction_percent"] == [10, 20]
    birmingham = next(c for c in data["changes"] if c["place"] == "birmingham")
    assert birmingham["budget"]["reduction_percent"] == [10.0, 20.0]


def test_diff_reads_a_round_json_of_format_2_0_whose_may_move_lists_named_every_place(round_dir, tmp_path):
    """Format 2.1 changed only what a place's may-move list holds (the places that could rise are named once),
    which diff does not compare: a round.json of 2.0 is still compared; one of a format before it is refused."""
    raw = json.loads((round_dir / "round.json").read_text())
    raw["format_version"] = "2.0"
    raw.pop("rising", None)
    for r in raw["ranking"]:
        r.pop("tranche_may_move_with_rising", None)
    (tmp_path / "old.json").write_text(json.dumps(raw))
    result = cli("diff", tmp_path / "old.json", round_dir / "round.json")
    assert result.exit_code == 0, result.stderr
    assert "No place gains or loses" in result.stdout
    raw["format_version"] = "1.3"
    (tmp_path / "older.json").write_text(json.dumps(raw))
    result = cli("diff", tmp_path / "older.json", round_dir / "round.json")
    assert result.exit_code == 2 and "round.json format 1.3 cannot be compared" in result.stderr


def test_diff_of_a_round_with_itself_finds_nothing(round_dir):
    out = cli("diff", round_dir / "round.json", round_dir / "round.json").stdout
    assert "No place gains or loses" in out


def test_diff_rejects_files_that_are_not_rounds(tmp_path):
    (tmp_path / "a.json").write_text("{\"x\": 1}")
    (tmp_path / "b.json").write_text("{not json")
    (tmp_path / "c.json").write_text(json.dumps({"format_version": "2.0", "round": {}, "places": "nope"}))
    result = cli("diff", tmp_path / "a.json", tmp_path / "b.json")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "not a round.json" in lines[0] and "b.json:1: malformed JSON" in lines[1]
    result = cli("diff", tmp_path / "c.json", tmp_path / "c.json")
    assert result.exit_code == 2 and "not a valid round.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_progress_bar_shows_on_a_terminal_and_quiet_silences_it(tmp_path):
    code, err = on_a_terminal("round", ROOT / "places", "--out", "a", stream="stderr", cwd=tmp_path)
    n = len(place_ids_on(load_pack(PACK).effective))  # the places that exist on the round's date
    assert code == 0 and "evaluating" in err and f"{n}/{n}" in err
    code, err = on_a_terminal("round", ROOT / "places", "--out", "b", "--quiet", stream="stderr", cwd=tmp_path)
    assert code == 0 and "evaluating" not in err


def test_each_shared_council_is_one_conflict_record_with_every_place_that_includes_it(data):
    """Conflicts are grouped by council, so a round's conflicts grow with its places, never with pairs."""
    members = {p["id"]: set(p["evaluation"]["place"]["members"]) for p in data["places"]}
    sharing = {}
    for pid, codes in members.items():
        for code in codes:
            sharing.setdefault(code, set()).add(pid)
    shared = {code: pids for code, pids in sharing.items() if len(pids) > 1}
    seen = [code for c in data["conflicts"] for code in c["councils"]]
    assert sorted(seen) == sorted(shared)
    for c in data["conflicts"]:
        for code in c["councils"]:
            assert set(c["places"]) == shared[code], code


def test_a_conflict_names_its_places_as_a_sentence_in_every_report(data, round_dir):
    """'A and B share ...' (or 'A, B and C share ...'): names joined in words, in Markdown and HTML."""
    names = {p["id"]: p["name"] for p in data["places"]}
    md = (round_dir / "round.md").read_text()
    html = (round_dir / "round.html").read_text()
    for c in data["conflicts"]:
        listed = [names[p] for p in c["places"]]
        words = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
        assert f"- {words} share " in md.replace("\\", ""), words
        assert f"<td>{words}</td>".replace("&", "&amp;") in html, words


def test_a_round_config_read_with_the_wrong_pack_says_which_pack_it_was_written_for(tmp_path):
    result = cli("round", ROOT / "places", "--config", ROOT / "rounds" / "programme-2026.yaml", "--out",
                 tmp_path / "r")
    assert result.exit_code == 2
    assert "it is a rule of rule pack 'english-devolution-2026': run the round with --rules " \
           "english-devolution-2026" in result.stderr
