"""Bad place profiles: one `Error:` line per problem naming file, line and field; exit 2.

Each fixture in tests/bad_input/ starts with `# expect: TEXT`, which must
appear in the error output.
"""

from __future__ import annotations

import subprocess
import sys
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


@pytest.mark.parametrize("path", FIXTURES[:3], ids=[p.stem for p in FIXTURES[:3]])
def test_evaluate_rejects_bad_profiles_the_same_way(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("evaluate", path.relative_to(ROOT))
    assert result.exit_code == 2
    assert expected(path) in result.stderr


def test_every_problem_in_a_file_is_reported_not_just_the_first(tmp_path):
    bad = tmp_path / "many.yaml"
    bad.write_text("id: many\nname: Many\nkind: town\npopulation: -1\npopulation_year: 2011\n"
                   "members: [E06000052]\nsources: [x]\ncolour: red\n")
    result = cli("validate", bad)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert any(":3: kind: 'town' is not one of" in line for line in lines)
    assert any(":4: population: -1 is impossible" in line for line in lines)
    assert any(":8: colour: unknown field 'colour'" in line for line in lines)


def test_problems_in_several_files_are_all_reported(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("validate", "tests/bad_input/unknown-field.yaml", "tests/bad_input/wrong-type.yaml", "places/kent.yaml")
    assert result.exit_code == 2
    assert "ok: place kent" in result.stdout
    assert len(result.stderr.splitlines()) == 2


def test_a_missing_file_is_one_line_and_exit_2(tmp_path):
    result = cli("evaluate", tmp_path / "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nowhere.yaml'}: no such file\n"


def test_an_unknown_place_id_suggests_the_nearest():
    result = cli("evaluate", "birmingam")
    assert result.exit_code == 2
    assert "did you mean 'birmingham'?" in result.stderr


def test_an_unknown_power_suggests_the_nearest():
    result = cli("explain", "kent", "transprot")
    assert result.exit_code == 2
    assert "did you mean 'transport'?" in result.stderr


def test_usage_errors_exit_2_without_a_traceback():
    result = cli("evaluate")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_installed_command_never_prints_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n")
    run = subprocess.run([sys.executable, "-m", "negotiator.cli", "evaluate", str(bad)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(f"Error: {bad}:")


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    result = cli("validate", bomb)
    assert result.exit_code == 2
    assert "once aliases are expanded" in result.stderr
