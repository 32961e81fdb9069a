"""Bad place profiles: one `Error:` line per problem naming file, line and field; exit 2.

Each fixture in tests/bad_input/ starts with `# expect: TEXT`, which must
appear in the error output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT, cli

FIXTURES = sorted((ROOT / "tests" / "bad_input").glob("*.yaml"))


def expected(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{path} must start with '# expect: ...'"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_validate_reports_the_problem_on_one_line(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    rel = path.relative_to(ROOT)
    result = cli("validate", rel)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith(f"Error: {rel}:") for line in lines), result.stderr
    assert expected(path) in result.stderr
    assert len(lines) == 1, result.stderr


@pytest.mark.parametrize("path", FIXTURES[:3], ids=[p.stem for p in FIXTURES[:3]])
def test_evaluate_rejects_bad_profiles_the_same_way(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("evaluate", path.relative_to(ROOT))
    assert result.exit_code == 2
    assert expected(path) in result.stderr


def test_every_problem_in_a_file_is_reported_not_just_the_first(tmp_path):
    bad = tmp_path / "many.yaml"
    bad.write_text("id: many\nname: Many\nkind: town\npopulation: -1\n"
                   "members: [E06000052]\nsources: [x]\ncolour: red\n")
    result = cli("validate", bad)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert any(":3: kind: 'town' is not one of" in line for line in lines)
    assert any(":4: population: -1 is impossible: must be at least 1" in line for line in lines)
    assert any(":7: colour: unknown field 'colour'" in line for line in lines)


def test_problems_in_several_files_are_all_reported(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("validate", "tests/bad_input/unknown-field.yaml", "tests/bad_input/wrong-type.yaml",
                 "places/kent.yaml")
    assert result.exit_code == 2
    assert "ok: place kent" in result.stdout
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error:")]) == 2


def test_a_missing_file_is_one_line_and_exit_2(tmp_path):
    result = cli("evaluate", tmp_path / "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nowhere.yaml'}: no such file\n"


def test_an_unknown_place_id_suggests_the_nearest(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("evaluate", "kentt")
    assert result.exit_code == 2
    assert "did you mean 'kent'?" in result.stderr


def test_a_bad_as_of_date_is_one_line():
    result = cli("evaluate", "kent", "--as-of", "2011-02-30")
    assert result.exit_code == 2
    assert result.stderr == "Error: --as-of: '2011-02-30' is not a date like 2011-03-01\n"
