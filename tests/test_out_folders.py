"""No command ever deletes what it did not write: every command with --out refuses a folder holding
anything but an earlier set of its own, and a folder that is (or holds) one of its inputs.

Each case runs the command (in-process, through the app and its error boundary, in the folder given: a
process each would cost most of this module's time in start-up alone) and checks both the one-line error
(exit 2) and that every file in the folder is still there, byte for byte. The last two tests run the installed
command in a subprocess, so the console script is seen to refuse and replace the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import ROOT, cli

EXE = str(Path(sys.executable).parent / "negotiator")
CONFIG = ROOT / "rounds" / "forerunner-2011.yaml"

#: Every command with --out, with arguments that make it write into OUT (the last argument).
COMMANDS = {
    "round": ["round", "places/", "--config", CONFIG, "-q", "--out"],
    "compare": ["compare", "kent", "--then-as-of", "2011-05-01", "--now-as-of", "2026-11-23", "--out"],
    "sweep": ["sweep", "places/", "--param", "strategic_county_min_population=400000..500000:100000", "--out"],
    "england": ["england", "--out"],
    "doc": ["doc", "--rules", "route-map-2010", "--out"],
    "doc --diff": ["doc", "--diff", "route-map-2010", "english-devolution-2026", "--out"],
    "footprints": ["footprints", "--check", "greater-essex", "--out"],
}


def run(*args, cwd=ROOT):
    """`negotiator ARGS` in-process in folder `cwd`: its exit code, stdout and stderr."""
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = cli(*args)
    finally:
        os.chdir(here)
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def run_installed(*args, cwd=ROOT):
    """The installed command in a subprocess."""
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every visible file (through links) and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def assert_refused(result, *parts):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for part in parts:
        assert part in lines[0], lines[0]


@pytest.fixture(scope="module")
def england_set(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("england") / "e"
    assert run("england", "--out", out).returncode == 0
    return out


@pytest.mark.parametrize("command", ["round", "sweep"])
def test_the_places_england_wrote_are_never_replaced_by_a_report_read_from_them(england_set, command, tmp_path):
    before = snapshot(england_set)
    assert len(before) > 300
    args = COMMANDS[command]
    args = [england_set if a == "places/" else a for a in args]
    assert_refused(run(*args, england_set), "is an input of this command")
    assert snapshot(england_set) == before


@pytest.mark.parametrize("command", ["round", "compare", "sweep", "doc", "doc --diff", "footprints"])
def test_a_report_set_of_another_command_is_never_replaced(england_set, command):
    before = snapshot(england_set)
    assert_refused(run(*COMMANDS[command], england_set), "the set negotiator england wrote",
                   "choose another folder")
    assert snapshot(england_set) == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_holding_a_file_the_command_did_not_write_is_refused(command, tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / "drafts").mkdir()
    assert_refused(run(*COMMANDS[command], tmp_path), "drafts/, notes.txt", f"negotiator {command} did not write")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts", "notes.txt"], "nothing added or removed"


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_out_is_an_error(command, value, tmp_path):
    assert_refused(run(*COMMANDS[command], value, cwd=tmp_path), "--out: is empty")
    assert not list(tmp_path.iterdir())


def test_an_input_inside_the_out_folder_is_refused(tmp_path):
    (tmp_path / "cfg").mkdir()
    config = tmp_path / "cfg" / "round.yaml"
    config.write_text(CONFIG.read_text())
    assert_refused(run_installed("round", "places/", "--config", config, "--out", tmp_path / "cfg"), "round.yaml")
    assert config.read_text() == CONFIG.read_text()


def test_the_same_command_replaces_its_own_earlier_set(tmp_path):
    out = tmp_path / "c"
    for _ in range(2):
        result = run_installed(*COMMANDS["compare"], out)
        assert result.returncode == 0, result.stderr
    assert sorted(snapshot(out)) == ["compare.html", "compare.json", "compare.md"]
