"""The README's two commands work as written.

The first (set up and run a round) runs here on a copy of the repository; the
second (set up and run the tests) is what .ci/run calls, so it is checked to be
the same command rather than run from inside itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

README = (ROOT / "README.md").read_text()


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README, flags=re.S)


def test_the_readme_gives_the_two_commands():
    commands = readme_commands()
    assert "negotiator round" in commands[0]
    assert commands[1] == "bash scripts/setup-and-test.sh"


def test_ci_runs_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/setup-and-test.sh" in ci


def test_the_test_commands_run_the_whole_suite_slow_tests_included():
    """A bare `pytest` leaves out tests marked slow; the README's test command (and the latest-releases script)
    must not."""
    for script in ("setup-and-test.sh", "test-latest.sh"):
        text = (ROOT / "scripts" / script).read_text()
        assert '-m "slow or not slow"' in text, script
    assert "-m 'not slow'" in (ROOT / "pyproject.toml").read_text()


@pytest.mark.slow  # a virtualenv and an install of the package
def test_the_readmes_main_command_runs_a_round_on_a_fresh_copy(tmp_path):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    copy = tmp_path / "repo"
    for name in files:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    command = readme_commands()[0]
    run = subprocess.run(["bash", "-c", command], cwd=copy, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    out = copy / "out" / "forerunner-2011"
    for name in ("round.json", "round.md", "round.csv", "round.html"):
        assert (out / name).is_file()
    assert "coverage" in run.stderr


def test_every_round_the_readme_diffs_is_written_by_a_command_before_it():
    """A `negotiator diff A/round.json B/round.json` line only runs as written if earlier README
    commands wrote A and B (with --out); a diff of a folder nothing makes fails with 'no such file'."""
    written: set[str] = set()
    for line in "\n".join(readme_commands()).splitlines():
        line = line.split("  #")[0]
        diffed = re.findall(r"(\S+)/round\.json", line) if " diff " in f" {line} " else []
        for folder in diffed:
            assert folder in written, f"README diffs {folder}/round.json, which no command before it writes"
        if " round " in line:
            written.update(re.findall(r"--out (\S+)", line))


def test_a_rounds_summary_fits_80_columns_and_counts_in_the_right_number(tmp_path):
    """The summary a round prints is text for people: wrapped to the width like the rest, and
    '1 place', '1 tranche' (not '1 places', '1 tranche(s)')."""
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "negotiator.cli", "round", "places/", "--config",
                          "rounds/forerunner-2011.yaml", "--out", str(tmp_path / "out"), "-q"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert all(len(text) <= 80 for text in run.stderr.splitlines()), run.stderr
    summary = " ".join(part.strip() for part in run.stderr.splitlines())
    assert "places; tranche 1: 1 place; 1 tranche;" in summary
    assert "coverage 5.1% of England" in summary
