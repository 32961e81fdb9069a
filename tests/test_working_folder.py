"""Reports do not depend on the working folder: the same inputs give the same bytes whether negotiator runs
in the checkout, in a folder below it, or elsewhere with NEGOTIATOR_HOME naming it. Locations (of rules,
powers, place files, the pack and the round config) are recorded relative to the workspace's own folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

EXE = str(Path(sys.executable).parent / "negotiator")


def test_a_round_from_three_working_folders_gives_the_same_bytes(tmp_path):
    env = dict(os.environ, NEGOTIATOR_CACHE="off")
    runs = [
        (ROOT, ["--config", "rounds/forerunner-2011.yaml"], env),
        (ROOT / "places", ["--config", "../rounds/forerunner-2011.yaml"], env),
        (tmp_path, ["--config", str(ROOT / "rounds" / "forerunner-2011.yaml")], dict(env, NEGOTIATOR_HOME=str(ROOT))),
    ]
    outs = []
    for i, (cwd, args, run_env) in enumerate(runs):
        out = tmp_path / f"out{i}"
        result = subprocess.run([EXE, "round", *args, "--out", str(out), "-q"], cwd=cwd, env=run_env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        outs.append(out)
    for name in ("round.json", "round.md", "round.csv", "round.html"):
        first = (outs[0] / name).read_bytes()
        assert all((o / name).read_bytes() == first for o in outs[1:]), name
    assert b'"where":"rules/route-map-2010/rules.yaml:' in (outs[0] / "round.json").read_bytes()


def test_messages_name_files_as_seen_from_the_current_folder(tmp_path, monkeypatch):
    """Reports record files relative to the workspace (the same bytes anywhere), but a message to a person
    names them from where the person is: `../bad.yaml` below the workspace, `ws/bad.yaml` above it, as given
    when the file is not the workspace's; an option keeps its name."""
    from helpers import cli
    ws = tmp_path / "ws"
    (ws / "sub").mkdir(parents=True)
    import shutil
    for name in ("rules", "places"):
        shutil.copytree(ROOT / name, ws / name)
    (ws / "bad.yaml").write_text("id: x\nname: [X\nmembers: [E06000052]\n")
    where = {ws / "sub": "../bad.yaml", ws: "bad.yaml", tmp_path: "ws/bad.yaml"}
    for cwd, shown in where.items():
        monkeypatch.chdir(cwd)
        result = cli("evaluate", os.path.relpath(ws / "bad.yaml", cwd))
        assert result.exit_code == 2 and result.stderr.startswith(f"Error: {shown}:3: malformed YAML"), result.stderr
    monkeypatch.chdir(ws / "sub")
    assert cli("validate", "../places/kent.yaml").stdout == "ok: place kent (../places/kent.yaml)\n"
    assert cli("evaluate", "kent", "--as-of", "x").stderr.startswith("Error: --as-of: ")
    # a place id that is not there: the places folder named from where the person is
    missing = cli("evaluate", "kentt").stderr
    assert "no place with that id in ../places/" in missing and "did you mean 'kent'" in missing
    monkeypatch.chdir(ws)
    assert "no place with that id in places/" in cli("evaluate", "kentt").stderr
