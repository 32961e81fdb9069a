"""The command line as a user meets it: evaluate, explain, list, schema, --version, and the installed command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from helpers import PLACE_IDS, ROOT, cli
from negotiator import __version__


@pytest.mark.parametrize("place", PLACE_IDS)
def test_evaluate_json_points_every_conclusion_to_its_rules_for_every_bundled_place(place):
    result = cli("evaluate", place, "--json", "--as-of", "2011-03-01")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["place"]["id"] == place and data["as_of"] == "2011-03-01"
    assert set(data["pack"]) >= {"id", "version", "hash", "path", "data"}
    rules = data["catalogue"]["rules"]
    assert data["negotiation"]["rule"] in data["steps"]
    for step in data["steps"].values():
        assert step["rule"] in rules and rules[step["rule"]]["source"] in data["catalogue"]["sources"]
    for power in data["powers"]:
        assert power["prerequisites"] and all(r in data["steps"] for r in power["prerequisites"])
        if power["status"] == "undetermined":
            assert power["missing"], f"{place}: {power['id']} is undetermined but names no missing fact"
        if power["status"] == "not_available":
            assert power["failed"] and all(data["steps"][r]["result"] == "false" for r in power["failed"])


def test_unknown_facts_are_reported_as_missing_not_false():
    data = json.loads(cli("evaluate", "push", "--json").stdout)
    assert data["negotiation"]["eligible"] is None
    assert "population" in data["missing_facts"]


def test_evaluate_says_the_date_it_evaluates_as_of_and_the_files_it_used():
    out = cli("evaluate", "kent").stdout
    assert "As of 2010-03-01 (the rule pack's date of effect; --as-of chooses another)" in out
    assert "rules/route-map-2010" in out and "places/kent.yaml" in out


def test_evaluate_summary_names_rules_and_sources():
    result = cli("evaluate", "greater-manchester", "--as-of", "2011-05-01")
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    assert "Negotiation: ELIGIBLE" in out
    assert "level.grouping" in out and "section 7 'The level for negotiations'" in out
    assert "needs tier 2 of 3, Joint governance (joint committee or combined authority): met" in out
    assert "Office of the Mayor" in out, "a city-region figure for the single place budget needs one"


def test_evaluate_takes_several_places():
    result = cli("evaluate", "kent", "essex", "--json")
    assert result.exit_code == 0
    assert [d["place"]["id"] for d in json.loads(result.stdout)] == ["kent", "essex"]
    text = cli("evaluate", "kent", "essex").stdout
    assert "Kent (kent)" in text and "Essex (essex)" in text


def test_explain_shows_rule_ids_facts_sources_and_what_failed():
    result = cli("explain", "birmingham", "city_region_mayor_powers", "--as-of", "2011-03-01")
    assert result.exit_code == 0
    out = result.stdout
    assert "NOT AVAILABLE" in out
    assert "✗ level.grouping is false" in out
    assert "member_count = 1" in out
    assert "rules/route-map-2010/rules.yaml:" in out


def test_explain_shows_the_dated_value_it_used():
    out = cli("explain", "greater-manchester", "transport", "--as-of", "2011-05-01").stdout
    assert "As of 2011-05-01" in out
    assert "grouping.status = combined_authority (since 2011-04-01)" in out


def test_the_explain_hint_works_for_a_profile_given_as_a_file(tmp_path):
    copy = tmp_path / "my-place.yaml"
    shutil.copy(ROOT / "places" / "kent.yaml", copy)
    out = cli("evaluate", copy).stdout
    hint = out.strip().splitlines()[-1]
    assert hint.startswith(f"Why a power has its status: negotiator explain {copy} POWER")
    assert cli("explain", copy, "transport").exit_code == 0


def test_an_unknown_power_suggests_the_nearest():
    result = cli("explain", "kent", "transprot")
    assert result.exit_code == 2
    assert "did you mean 'transport'?" in result.stderr


def test_version_and_list():
    assert cli("--version").stdout == f"negotiator {__version__}\n"
    packs = cli("list", "packs")
    assert "route-map-2010" in packs.stdout
    places = cli("list", "places", "--tsv")
    assert len(places.stdout.splitlines()) == len(PLACE_IDS)
    powers = cli("list", "powers", "--tsv").stdout
    assert "single_place_budget\thigh_visibility" in powers


def test_list_is_laid_out_for_people():
    """Without --tsv: a heading with the count, then each id with its words beside it, every line within the
    width, a tier in words; a fact's kind in words (no tab anywhere)."""
    powers = cli("list", "powers", columns=80).stdout
    lines = powers.splitlines()
    assert lines[0] == "16 powers of rule pack route-map-2010 and the tier each needs:"
    assert "\t" not in powers and max(len(x) for x in lines) <= 80
    assert any(x.startswith("  single_place_budget ") for x in lines)
    assert "needs tier 3 of 3, A single, directly elected, highly visible figure" in " ".join(powers.split())
    facts = " ".join(cli("list", "facts", columns=120).stdout.split())
    assert "capacity.peer_challenge Has taken part in sector peer challenge [yes or no]" in facts
    assert "Birmingham's conditions" not in facts


@pytest.mark.parametrize("kind", ["result", "round", "explanation", "diff"])
def test_schema_prints_the_json_schema_of_each_result(kind):
    data = json.loads(cli("schema", kind).stdout)
    assert data["title"] == f"negotiator {kind}" and data["properties"]


def test_schema_place_lists_the_packs_facts():
    data = json.loads(cli("schema", "place").stdout)
    assert "capacity" in data["properties"] and "population" in data["properties"]
    assert data["additionalProperties"] is False


@pytest.mark.skipif(not shutil.which("negotiator", path=str(ROOT / ".venv" / "bin")), reason="not installed")
def test_the_installed_command_prints_errors_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: X\nkind: unitary\nmembers: [E06000052]\nsources: [t]\npopulation: lots\n")
    exe = ROOT / ".venv" / "bin" / "negotiator"
    run = subprocess.run([str(exe), "evaluate", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and run.stderr.startswith("Error: ")


def test_python_dash_m_runs_the_cli():
    run = subprocess.run([sys.executable, "-m", "negotiator.cli", "--version"], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 0 and __version__ in run.stdout


#: What a one-place `negotiator evaluate` must not import: the numpy evaluator, report templates, terminal
#: colour, the footprint planner, the web stack, property testing, the round's report view, and the code of other
#: commands and results.
NOT_FOR_EVALUATE = ("numpy", "jinja2", "rich", "ortools", "fastapi", "starlette", "uvicorn", "hypothesis",
                    "negotiator.round", "negotiator.check", "negotiator.doc", "negotiator.web", "negotiator.report.view",
                    "negotiator.footprints", "negotiator.vocab.geo", "negotiator.options", "negotiator.results.round",
                    "negotiator.results.options", "negotiator.results.diff",
                    "negotiator.results.commands", "negotiator.cli.round", "negotiator.cli.check")


def test_a_one_place_evaluate_imports_only_what_it_needs():
    """A cold `negotiator evaluate kent` starts quickly because the modules it does not use are never imported
    (it used to load every command, every kind of result and the footprint geography); run again, with its pack
    and profile in the cache, it parses no YAML and so never imports PyYAML. Which modules a process imports is
    a fact about the process, so this runs the command line in a child, piped (no colour)."""
    code = ("import sys\nsys.argv = ['negotiator', 'evaluate', 'kent']\nfrom negotiator.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "sys.stderr.write('\\n'.join(sorted(sys.modules)))\n")
    for again in (False, True):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "NO_COLOR": "1"})
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("Kent (kent):")
        loaded = set(run.stderr.split("\n"))
        assert "negotiator.cli.evaluate" in loaded and "negotiator.results.evaluation" in loaded
        unused = NOT_FOR_EVALUATE + (("yaml",) if again else ())
        imported = sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in unused))
        assert imported == []
