"""Rule packs own their vocabulary: a second framework written in YAML alone runs through every command.

The test pack (tests/packs/devolution-2022) declares facts the bundled pack does not
know, adds a value to a shared fact, has a power that exists only from 2023 and no
budget. Its places are in tests/packs/places.
"""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import PACK, ROOT, TEST_PACK, cli
from negotiator.errors import InputError
from negotiator.pack.load import load_pack

PLACES = ROOT / "tests" / "packs" / "places"
SHIRE = PLACES / "shire-county.yaml"


def test_the_test_pack_declares_facts_and_values_python_does_not_know():
    pack = load_pack(TEST_PACK)
    assert pack.facts["police.force_area_aligned"].type == "boolean"
    assert "directly_elected_leader" in pack.facts["accountability.model"].values
    assert "combined_county_authority" in pack.facts["institution.kind"].values
    assert pack.budget is None and pack.readiness == ()


def test_evaluate_on_the_test_pack_reports_no_budget_and_dated_reasons():
    result = cli("evaluate", SHIRE, "--rules", TEST_PACK, "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "ELIGIBLE" in out and "police_and_crime" in out
    assert "directly_elected_leader (since 2024-05-02)" in out
    assert "Baseline" not in out and "% less" not in out
    data = json.loads(cli("evaluate", SHIRE, "--rules", TEST_PACK, "--as-of", "2024-06-01", "--json").stdout)
    assert data["budget"] is None and data["readiness"] is None
    assert data["facts"]["accountability.model"] == {"value": "directly_elected_leader", "since": "2024-05-02",
                                                     "source": None, "note": None, "measured": False}


def test_a_power_not_yet_in_force_is_reported_as_such_not_offered():
    data = json.loads(cli("evaluate", SHIRE, "--rules", TEST_PACK, "--as-of", "2022-06-01", "--json").stdout)
    bus = next(p for p in data["powers"] if p["id"] == "bus_franchising")
    assert bus["status"] == "not_in_force"
    text = cli("evaluate", SHIRE, "--rules", TEST_PACK, "--as-of", "2022-06-01").stdout
    assert "Not in force on this date" in text and "in force from 2023-01-01" in text


def test_explain_works_on_the_test_pack_with_a_profile_given_as_a_file():
    result = cli("explain", SHIRE, "adult_skills", "--rules", TEST_PACK, "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.stderr
    assert "institution.settled" in result.stdout and "months since institution.established" in result.stdout


def test_validate_accepts_the_test_pack_and_its_places():
    result = cli("validate", TEST_PACK, SHIRE, "--rules", TEST_PACK)
    assert result.exit_code == 0, result.stderr
    assert "ok: rule pack devolution-2022" in result.stdout and "ok: place shire-county" in result.stdout


def test_validate_warns_about_facts_the_pack_reads_that_a_profile_lacks(tmp_path):
    thin = tmp_path / "thin.yaml"
    thin.write_text("id: thin\nname: Thin\nmembers: [E06000052]\nsources: [test]\n")
    result = cli("validate", thin, "--rules", TEST_PACK)
    assert result.exit_code == 0
    assert "Warning:" in result.stderr and "police.force_area_aligned" in result.stderr


def test_a_profile_may_carry_facts_of_another_pack(tmp_path):
    """One place file serves several packs: facts of the other packs beside it validate too."""
    both = tmp_path / "both.yaml"
    both.write_text(SHIRE.read_text().replace("asks:", "capacity:\n  peer_challenge: true\nasks:"))
    pack_dir = tmp_path / "rules"
    shutil.copytree(TEST_PACK.parent, pack_dir)
    shutil.copytree(PACK, pack_dir / "route-map-2010")
    shutil.copytree(ROOT / "rules" / "common", pack_dir / "common")
    result = cli("validate", both, "--rules", pack_dir / "devolution-2022")
    assert result.exit_code == 0, result.stderr


def test_an_unknown_fact_in_a_profile_is_an_error_with_a_suggestion(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SHIRE.read_text().replace("force_area_aligned", "force_area_alligned"))
    result = cli("validate", bad, "--rules", TEST_PACK)
    assert result.exit_code == 2
    assert "police.force_area_alligned: unknown field 'force_area_alligned'; did you mean 'force_area_aligned'?" \
        in result.stderr


def test_schema_place_follows_the_pack_vocabulary():
    data = json.loads(cli("schema", "place", "--rules", TEST_PACK).stdout)
    police = data["properties"]["police"]["properties"]["force_area_aligned"]
    assert {"type": "boolean"} in police["anyOf"]
    model = data["properties"]["accountability"]["properties"]["model"]["anyOf"][0]
    assert "directly_elected_leader" in model["enum"]


def test_round_and_diff_run_on_the_test_pack(tmp_path):
    config = tmp_path / "round.yaml"
    config.write_text("name: Test round\ndate: 2024-06-01\ncapacity: 1\nparameters: {settled_months: 12}\n")
    first = cli("round", PLACES, "--rules", TEST_PACK, "--config", config, "--out", tmp_path / "a", "--quiet")
    assert first.exit_code == 0, first.stderr
    md = (tmp_path / "a" / "round.md").read_text()
    assert "below today's spend" not in md and "Baseline" not in md
    config.write_text("name: Test round\ndate: 2024-06-01\ncapacity: 2\nparameters: {settled_months: 6}\n")
    second = cli("round", PLACES, "--rules", TEST_PACK, "--config", config, "--out", tmp_path / "b", "--quiet")
    assert second.exit_code == 0, second.stderr
    diff = json.loads(cli("diff", tmp_path / "a" / "round.json", tmp_path / "b" / "round.json", "--json").stdout)
    assert diff["config"]["capacity"] == [1, 2]
    assert diff["parameters"]["settled_months"] == [12, 6]


def test_check_passes_on_the_test_pack_and_derives_monotonicity_from_its_declarations():
    result = cli("check", "--rules", TEST_PACK, "--exhaustive", "--json")
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    monotone = next(c for c in report["checks"] if c["id"] == "monotone")
    assert monotone["status"] == "passed" and monotone["checked"] > 0
    assert report["space"]["dates"] == ["2022-02-02", "2023-01-01"]


def test_check_fails_on_a_broken_test_pack_with_a_counterexample_that_validates(tmp_path):
    broken = tmp_path / "devolution-2022"
    shutil.copytree(TEST_PACK, broken)
    shutil.copytree(ROOT / "rules" / "common", tmp_path / "common")
    rules = (broken / "rules.yaml").read_text()
    (broken / "rules.yaml").write_text(rules.replace("when: {fact: police.force_area_aligned, eq: true}",
                                                    "when: {fact: police.force_area_aligned, eq: false}"))
    result = cli("check", "--rules", broken, "--exhaustive", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    failure = next(c for c in report["checks"] if c["id"] == "monotone")["failures"][0]
    assert list(failure["change"]) == ["police.force_area_aligned"]
    profile = tmp_path / "counterexample.yaml"
    import yaml
    profile.write_text(yaml.safe_dump(failure["profile"]))
    assert cli("validate", profile, "--rules", broken).exit_code == 0


def test_check_reports_a_check_that_examined_nothing_as_such(tmp_path):
    bare = tmp_path / "devolution-2022"
    shutil.copytree(TEST_PACK, bare)
    shutil.copytree(ROOT / "rules" / "common", tmp_path / "common")
    facts = (bare / "facts.yaml").read_text().replace("    better: true\n", "")
    (bare / "facts.yaml").write_text(facts)
    report = json.loads(cli("check", "--rules", bare, "--only", "monotone", "--json").stdout)
    monotone = report["checks"][0]
    assert monotone["status"] == "examined nothing" and report["summary"]["passed"] == 0


def test_every_power_can_be_asked_for_in_the_abstraction():
    from negotiator.compiled.space import Space
    space = Space(load_pack(PACK))
    asked = {p for r in space.request_classes if r is not None for p in r}
    assert asked == {p.id for p in load_pack(PACK).powers}


def test_list_and_test_commands_work_on_the_test_pack():
    listed = cli("list", "powers", "--rules", TEST_PACK)
    assert listed.exit_code == 0 and "bus_franchising" in listed.stdout and "in force from 2023-01-01" in listed.stdout
    facts = cli("list", "facts", "--rules", TEST_PACK, "--tsv")
    assert "police.force_area_aligned\tboolean" in facts.stdout
    ran = cli("test", TEST_PACK / "cases")
    assert ran.exit_code == 0, ran.stdout
    assert "6 of 6 cases passed" in ran.stdout


def test_a_pack_without_route_map_budget_parameters_runs_a_round(tmp_path):
    """A round on a pack with no budget.yaml has no budget section (not a crash, not '0% below')."""
    result = cli("round", PLACES, "--rules", TEST_PACK, "--out", tmp_path, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert "below today's spend" not in (tmp_path / "round.html").read_text()


@pytest.mark.parametrize("edit,message", [
    (("facts.yaml", "type: boolean", "type: bool"), "facts.police.force_area_aligned.type: 'bool' is not one of"),
    (("rules.yaml", "{fact: police.force_area_aligned, eq: true}", "{fact: police.force_area_aligned, eq: maybe}"),
     "'maybe' ... expected true or false"),
    (("facts.yaml", "directly_elected_leader: A directly", "leader_cabinet: A directly"),
     "'leader_cabinet' is already a value of 'accountability.model'"),
    (("pack.yaml", "requests: asks", "requests: askz"), "requests: 'askz' must be a declared list fact"),
])
def test_a_broken_vocabulary_is_one_located_line_per_problem(tmp_path, edit, message):
    broken = tmp_path / "devolution-2022"
    shutil.copytree(TEST_PACK, broken)
    shutil.copytree(ROOT / "rules" / "common", tmp_path / "common")
    file, old, new = edit
    text = (broken / file).read_text()
    assert old in text
    (broken / file).write_text(text.replace(old, new, 1))
    with pytest.raises(InputError) as info:
        load_pack(broken)
    text = str(info.value)
    for part in message.split(" ... "):
        assert part in text, text
    assert f"{file}:" in text
