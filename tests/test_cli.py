"""The command line as a user meets it: evaluate, explain, schema, and the installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, cli

TIER_KEYS = {"id", "rank"}
STEP_KEYS = {"rule", "statement", "source", "facts"}


def assert_tier(tier):
    assert TIER_KEYS <= set(tier) and isinstance(tier["id"], str) and isinstance(tier["rank"], int)


def assert_steps(steps):
    assert steps, "a conclusion must point to its rules"
    for step in steps:
        assert STEP_KEYS <= set(step), step
        assert step["source"] and step["statement"]


@pytest.mark.parametrize("place", sorted(p.stem for p in (ROOT / "places").glob("*.yaml")))
def test_evaluate_json_has_the_documented_shape_for_every_bundled_place(place):
    result = cli("evaluate", place, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data["place"]) >= {"id", "name"} and data["place"]["id"] == place
    assert set(data["rule_pack"]) >= {"id", "version", "hash"}
    assert data["negotiation"]["eligible"] in (True, False, None)
    assert_steps(data["negotiation"]["reasons"])
    acc = data["accountability"]
    assert acc["current_tier"] is None or assert_tier(acc["current_tier"]) is None
    assert_tier(acc["required_tier"])
    assert acc["meets_requirement"] in (True, False, None)
    assert_steps(acc["reasons"])
    for power in data["powers"]:
        assert {"id", "title", "status", "required_tier", "requested", "reasons"} <= set(power)
        assert power["status"] in ("available", "needs_stronger_accountability", "not_available", "undetermined")
        assert_tier(power["required_tier"])
        assert_steps(power["reasons"])
        if power["status"] == "undetermined":
            assert power["missing"], f"{place}: {power['id']} is undetermined but names no missing fact"
        if power["status"] == "not_available":
            assert any(s["result"] == "false" for s in power["reasons"])
    budget = data["budget"]
    assert {"components", "baseline", "reduction_percent", "horizon_years"} <= set(budget)


def test_unknown_facts_are_reported_as_missing_not_false():
    data = json.loads(cli("evaluate", "push", "--json").stdout)
    assert data["negotiation"]["eligible"] is None
    assert "population" in data["missing_facts"]


def test_evaluate_summary_names_rules_and_sources():
    result = cli("evaluate", "greater-manchester")
    assert result.exit_code == 0
    out = result.stdout
    assert "Negotiation: ELIGIBLE" in out
    assert "level.grouping" in out and "section 7 'The level for negotiations'" in out
    assert "needs high_visibility (rank 2): NOT met" in out
    assert "Office of the Mayor" in out


def test_explain_shows_rule_ids_facts_sources_and_what_failed():
    result = cli("explain", "birmingham", "regional_national_functions")
    assert result.exit_code == 0
    out = result.stdout
    assert "NOT AVAILABLE" in out
    assert "✗ scale.partnership is false" in out
    assert "member_count = 1" in out
    assert "rules/route-map-2010/rules.yaml:" in out or "rules.yaml:" in out
    assert "source: Delivering a Localist Future" in out


def test_explain_shows_what_is_missing():
    out = cli("explain", "cornwall", "transport").stdout
    assert "UNDETERMINED" in out
    assert "? capacity.shared_services = true   (capacity.shared_services = unknown)" in out


def test_explain_json_carries_the_condition_tree():
    data = json.loads(cli("explain", "kent", "single_place_budget", "--json").stdout)
    assert data["power"]["status"] == "needs_stronger_accountability"
    first = data["prerequisites"][0]
    assert first["rule"] == "level.eligible" and "conditions" in first and first["because"]


def test_output_is_the_same_bytes_every_time():
    runs = {cli("evaluate", "birmingham", "--json").stdout for _ in range(3)}
    assert len(runs) == 1


def test_schema_place_is_a_json_schema_with_the_fixed_enums():
    data = json.loads(cli("schema", "place").stdout)
    assert data["$schema"].endswith("2020-12/schema")
    text = json.dumps(data)
    for value in ("directly_elected_mayor", "statutory_city_region", "strategic_county", "alternative_high_visibility"):
        assert value in text
    assert data["additionalProperties"] is False


def test_validate_accepts_every_bundled_file():
    result = cli("validate", ROOT / "places", ROOT / "rules" / "route-map-2010")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("ok: place") == len(list((ROOT / "places").glob("*.yaml")))


def test_help_lists_every_command_with_an_example():
    out = cli("--help").stdout
    for command in ("evaluate", "explain", "round", "diff", "validate", "schema"):
        assert command in out
        assert "Example: negotiator" in cli(command, "--help").stdout


def test_the_installed_command_finds_bundled_packs_and_places_from_any_folder(tmp_path):
    exe = shutil.which("negotiator", path=str(Path(sys.executable).parent))
    assert exe, "the negotiator console script is installed next to this Python"
    run = subprocess.run([exe, "evaluate", "kent"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Kent (kent)" in run.stdout
    run = subprocess.run([exe, "round", "--out", "r", "--quiet"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r" / "round.html").is_file()


def test_validate_reads_round_configs_too(tmp_path):
    result = cli("validate", ROOT / "rounds")
    assert result.exit_code == 0 and "ok: round config 'First forerunner round'" in result.stdout
    bad = tmp_path / "r.yaml"
    bad.write_text("name: R\ndate: 2011-03-01\ncapacity: many\n")
    result = cli("validate", bad)
    assert result.exit_code == 2 and f"{bad}:3: capacity: expected a whole number" in result.stderr
