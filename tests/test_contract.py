"""The typed contract: every `--json` output validates against its `negotiator schema` kind, one registry
of kinds serves the command line and the web, and policy cases run per pack on every engine."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

from helpers import ROOT, TEST_PACK, cli
from negotiator.schemas import KINDS

#: (kind, the command whose --json prints it)
JSON_COMMANDS = [
    ("result", ["evaluate", "greater-manchester", "--as-of", "2011-05-01", "--json"]),
    ("explanation", ["explain", "birmingham", "single_place_budget", "--json"]),
    ("whatif", ["whatif", "greater-manchester", "--as-of", "2011-05-01", "--set",
                "accountability.model=directly_elected_mayor", "--json"]),
    ("unlock", ["unlock", "greater-manchester", "--power", "single_place_budget", "--as-of", "2011-05-01",
                "--json"]),
    ("cases", ["test", "--rules", str(TEST_PACK), "--json"]),
    ("check", ["check", "--rules", str(TEST_PACK), "--exhaustive", "--json"]),
]


@pytest.mark.parametrize("kind,args", JSON_COMMANDS, ids=[k for k, _ in JSON_COMMANDS])
def test_a_commands_json_validates_against_its_schema_kind(kind, args):
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    schema = json.loads(cli("schema", kind).stdout)
    jsonschema.validate(json.loads(result.stdout), schema)


def test_the_round_and_the_diff_of_two_rounds_validate_against_their_kinds(tmp_path):
    config = ROOT / "rounds" / "forerunner-2011.yaml"
    for name, extra in (("a", []), ("b", ["--set", "capacity=1"])):
        assert cli("round", "--config", config, "--out", tmp_path / name, "-q", *extra).exit_code == 0
    data = json.loads((tmp_path / "a" / "round.json").read_text())
    jsonschema.validate(data, json.loads(cli("schema", "round").stdout))
    diff = cli("diff", tmp_path / "a" / "round.json", tmp_path / "b" / "round.json", "--json")
    assert diff.exit_code == 0, diff.stderr
    jsonschema.validate(json.loads(diff.stdout), json.loads(cli("schema", "diff").stdout))


def test_one_registry_of_kinds_serves_the_command_line_and_the_web():
    from fastapi.testclient import TestClient

    from negotiator.web import create_app
    for kind in KINDS:
        printed = cli("schema", kind)
        assert printed.exit_code == 0, (kind, printed.stderr)
        assert json.loads(printed.stdout)["title"] == f"negotiator {kind}"
    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:
        for kind in KINDS:
            assert client.get(f"/api/schema/{kind}").json() == json.loads(cli("schema", kind).stdout)
        assert client.get("/api/schema/nothing").status_code == 404
    assert cli("schema", "nothing").exit_code == 2


#: Every command, the kind its --json prints, and arguments that make it print one ({tmp}: a fresh folder).
#: A command added without an entry here fails the test below; each validates against its schema kind.
EVERY_COMMAND = {
    "evaluate": ("result", ["evaluate", "kent", "--json"]),
    "explain": ("explanation", ["explain", "birmingham", "single_place_budget", "--json"]),
    "whatif": ("whatif", ["whatif", "kent", "--set", "capacity.shared_services=true", "--json"]),
    "unlock": ("unlock", ["unlock", "kent", "--power", "single_place_budget", "--json"]),
    "footprints": ("footprints-check", ["footprints", "--check", "greater-essex", "--as-of", "2025-02-05", "--json"]),
    "validate": ("validation", ["validate", ROOT / "places" / "kent.yaml", ROOT / "rounds", "--json"]),
    "round": ("round", ["round", "--config", "forerunner-2011", "--out", "{tmp}/r", "-q", "--json"]),
    "england": ("files", ["england", "--out", "{tmp}/e", "--as-of", "2011-03-01", "--json"]),
    "sweep": ("sweep", ["sweep", "--param", "strategic_county_min_population=300000..800000:250000",
                        "--out", "{tmp}/s", "--json"]),
    "diff": ("diff", ["diff", "{tmp}/r/round.json", "{tmp}/r/round.json", "--json"]),
    "compare": ("compare", ["compare", "greater-manchester", "--then-as-of", "2011-05-01", "--now-as-of",
                            "2026-11-23", "--json"]),
    "check": ("check", ["check", "--rules", TEST_PACK, "--exhaustive", "--json"]),
    "test": ("cases", ["test", "--rules", TEST_PACK, "--json"]),
    "list": ("list", ["list", "powers", "--json"]),
    "schema": (None, ["schema", "errors", "--json"]),  # a JSON Schema itself: checked against the metaschema
    "doc": ("files", ["doc", "--rules", TEST_PACK, "--json"]),
    "serve": ("serve", None),  # a server: started on its own below
}


def test_every_command_takes_json_and_each_prints_its_kind(tmp_path):
    from typer.main import get_command

    from negotiator.cli import app
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert set(commands) == set(EVERY_COMMAND)
    for name, command in commands.items():
        assert any("--json" in p.opts for p in command.params), name
    for name, (kind, args) in EVERY_COMMAND.items():  # in order: round writes the round.json diff reads
        if args is None:
            continue
        result = cli(*[str(a).replace("{tmp}", str(tmp_path)) for a in args])
        assert result.exit_code == 0, (name, result.stderr)
        data = json.loads(result.stdout)
        if kind is None:
            jsonschema.Draft202012Validator.check_schema(data)
        else:
            jsonschema.validate(data, json.loads(cli("schema", kind).stdout))
    listed = json.loads(cli("list", "powers", "--json").stdout)
    assert [i["id"] for i in listed["items"]] == [ln.split("\t")[0] for ln in cli("list", "powers", "--tsv").stdout.splitlines()]


def test_serve_json_says_where_it_listens_on_one_line():
    import os
    import subprocess
    import sys
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "negotiator.cli", "serve", "--port", "0", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    with proc:  # closes the pipe after the wait
        try:
            first = proc.stdout.readline() if proc.stdout else ""
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    data = json.loads(first)
    jsonschema.validate(data, json.loads(cli("schema", "serve").stdout))
    assert data["address"].startswith("http://127.0.0.1:") and data["openapi"] == data["address"] + "openapi.json"


#: bad input given with --json, and the stable code of its problem
BAD_INPUT = [
    (["evaluate", "nowhere", "--json"], "not_found"),
    (["evaluate", "kent", "--as-of", "2011-13-01", "--json"], "bad_date"),
    (["whatif", "kent", "--set", "capacity.shared_servces=true", "--json"], "unknown_name"),
    (["evaluate", "kent", "--engine", "nope", "--json"], "bad_value"),
    (["explain", "--json"], "missing"),
]


@pytest.mark.parametrize("args,code", BAD_INPUT, ids=[c for _, c in BAD_INPUT])
def test_bad_input_with_json_prints_its_problems_as_data_with_a_stable_code(args, code):
    result = cli(*args)
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads(cli("schema", "errors").stdout))
    assert [p["code"] for p in data["problems"]] == [code]
    assert data["errors"] == [p["text"] for p in data["problems"]]
    if code not in ("missing", "bad_value"):  # the parser's usage errors aside (its own lines), stderr says the same
        assert [ln.removeprefix("Error: ") for ln in result.stderr.splitlines()] == data["errors"]
    if code == "unknown_name":
        assert data["problems"][0]["suggestion"] == "capacity.shared_services"


def test_validate_json_holds_each_problem_once_with_its_code(tmp_path):
    text = (ROOT / "places" / "kent.yaml").read_text()
    text = text.replace("value: 1463740", "value: -5", 1).replace("\nname:", "\nnmae:", 1)
    (tmp_path / "kent.yaml").write_text(text)
    result = cli("validate", tmp_path / "kent.yaml", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)  # one document: the validation holds the problems (no errors kind after it)
    jsonschema.validate(data, json.loads(cli("schema", "validation").stdout))
    assert not data["passed"] and data["checked"] == []
    assert sorted(p["code"] for p in data["problems"]) == ["bad_value", "missing", "unknown_name"]
    assert [ln.removeprefix("Error: ") for ln in result.stderr.splitlines() if ln.startswith("Error: ")] == \
        [p["text"] for p in data["problems"]]


def test_a_broken_case_file_with_json_is_one_report_holding_its_problem(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: a case with a key no case has\nnope: 1\n")
    result = cli("test", tmp_path / "bad.yaml", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads(cli("schema", "cases").stdout))
    assert [(p["code"], p["line"], p["field"]) for p in data["problems"]] == [("unknown_name", 2, "nope")]


def test_the_web_apis_4xx_bodies_are_the_errors_kind_with_stable_codes():
    from fastapi.testclient import TestClient

    from negotiator.web import create_app
    from negotiator.web.service import MAX_BODY
    schema = json.loads(cli("schema", "errors").stdout)
    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:
        answers = {
            "not_found": client.post("/api/evaluate", json={"place": "atlantis"}),
            "unknown_name": client.post("/api/evaluate", json={"place": "kent", "colour": "red"}),
            "request": client.post("/api/evaluate", json={"place": "kent", "profile": {"id": "kent"}}),
            "too_large": client.post("/api/evaluate", content=b"x" * (MAX_BODY + 1),
                                     headers={"content-type": "application/json"}),
            "bad_date": client.post("/api/evaluate", json={"place": "kent", "as_of": "2011-13-01"}),
        }
    for code, response in answers.items():
        assert 400 <= response.status_code < 500, code
        body = response.json()
        jsonschema.validate(body, schema)
        assert body["errors"] == [p["text"] for p in body["problems"]]
        assert code in [p["code"] for p in body["problems"]], (code, body)


def test_every_problem_code_is_one_of_the_documented_codes():
    from negotiator.errors import CODES, Problem
    assert Problem("f", "m", suggestion="x").code == "unknown_name"  # a suggestion means a misspelt name
    with pytest.raises(ValueError):
        Problem("f", "m", code="no-such-code")
    schema = json.loads(cli("schema", "errors").stdout)
    assert set(schema["$defs"]["ProblemCode"]["enum"]) == set(CODES)


def test_negotiator_test_with_rules_runs_that_packs_own_cases_and_shows_a_failure(tmp_path):
    packs = tmp_path / "packs"
    shutil.copytree(TEST_PACK.parent, packs)
    own = sorted((packs / TEST_PACK.name / "cases").glob("*.yaml"))
    broken = own[0]
    text = broken.read_text()
    assert "status: available\n" in text
    broken.write_text(text.replace("status: available\n", "status: not_available\n"))
    result = cli("test", "--rules", packs / TEST_PACK.name, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert sorted(c["file"] for c in report["cases"]) == sorted(str(p) for p in own)  # this pack's, no other's
    failed = [c for c in report["cases"] if not c["passed"]]
    assert [c["file"] for c in failed] == [str(broken)]
    assert failed[0]["failures"] == ["powers.adult_skills.status: expected 'not_available', got 'available'"]
    text_out = cli("test", "--rules", packs / TEST_PACK.name, "--engine", "python")
    assert text_out.exit_code == 1
    assert text_out.stdout.splitlines()[:2] == [
        f"FAIL {broken}: {failed[0]['name']} (engine: python)",
        "    powers.adult_skills.status: expected 'not_available', got 'available'"]


def test_the_results_package_names_each_model_once_where_it_lives():
    """`negotiator.results` imports each module of models when one of its names is first used: the names it
    declares for type checkers are exactly the names it serves, each the object its module defines."""
    import ast
    import importlib

    import negotiator.results as results
    tree = ast.parse((ROOT / "negotiator" / "results" / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    declared = {a.name: n.module for n in block.body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert declared == results._WHERE
    for name, module in declared.items():
        assert getattr(results, name) is getattr(importlib.import_module(f"negotiator.results.{module}"), name)
    assert set(dir(results)) >= set(declared)
