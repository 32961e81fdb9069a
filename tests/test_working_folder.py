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
