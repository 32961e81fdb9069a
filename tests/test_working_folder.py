"""Reports do not depend on the working folder: the same inputs give the same bytes whether negotiator runs
in the checkout, in a folder below it, or elsewhere with NEGOTIATOR_HOME naming it. Locations (of rules,
powers, place files, the pack and the round config) are recorded relative to the workspace's own folder."""

from __future__ import annotations

import json
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


def test_one_pack_from_two_working_folders_is_one_built_and_compiled_pack(tmp_path, monkeypatch):
    """A pack's locations are recorded against the workspace (absolute outside it), never against the working
    folder: the same pack loaded from two working folders is one built pack with one compiled form, and each
    folder prints its paths as seen from there."""
    import shutil

    from helpers import TEST_PACK, cli
    from negotiator.compiled import compiled
    from negotiator.pack.load import load_pack
    packs = tmp_path / "packs"
    shutil.copytree(TEST_PACK, packs / "devolution-2022")
    shutil.copytree(ROOT / "rules" / "common", packs / "common")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    loaded = {}
    for cwd, ref in ((elsewhere, "../packs/devolution-2022"), (packs, "devolution-2022")):
        monkeypatch.chdir(cwd)
        loaded[cwd] = load_pack(ref)
    first, second = loaded.values()
    assert first is second and compiled(first) is compiled(second)
    rule = next(iter(first.rules.values()))
    assert Path(rule.where.file).is_absolute() and Path(first.folder) == packs / "devolution-2022"
    # below the current folder, relative to it; elsewhere, absolute (as files outside the workspace always were)
    for cwd, shown in ((elsewhere, str(packs / "devolution-2022")), (packs, "devolution-2022")):
        monkeypatch.chdir(cwd)
        result = cli("check", "--rules", packs / "devolution-2022", "--only", "references")
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0].endswith(f" from {shown}")
        data = json.loads(cli("check", "--rules", packs / "devolution-2022", "--only", "references",
                              "--json").stdout)
        assert data["pack"]["path"] == str(packs / "devolution-2022")  # results: the same bytes anywhere


def test_a_workspace_pack_prints_its_rules_from_where_the_person_is(monkeypatch):
    """In the checkout and in a folder below it: one built pack; results record `rules/...` (the same bytes),
    text for people names the rule's file from the current folder (`../rules/...` below the checkout)."""
    from helpers import cli
    from negotiator.pack.load import load_pack
    outs = {}
    packs = []
    for cwd, prefix in ((ROOT, ""), (ROOT / "places", "../")):
        monkeypatch.chdir(cwd)
        packs.append(load_pack("route-map-2010"))
        text = cli("explain", "birmingham", "single_place_budget", "--as-of", "2011-05-01").stdout
        assert f"declared at {prefix}rules/route-map-2010/" in text, text
        outs[cwd] = cli("explain", "birmingham", "single_place_budget", "--as-of", "2011-05-01", "--json").stdout
        assert '"where": "rules/route-map-2010/' in outs[cwd]
    assert packs[0] is packs[1]
    assert len(set(outs.values())) == 1


def test_a_parameter_set_from_a_folder_below_the_workspace_reloads_the_pack(monkeypatch):
    """`--set` of a parameter rebuilds the pack from its folder: from a folder below the checkout too (it was
    looked for relative to the working folder)."""
    from helpers import cli
    monkeypatch.chdir(ROOT / "places")
    result = cli("whatif", "kent", "--set", "strategic_county_min_population=500000")
    assert result.exit_code == 0, result.output
    assert "parameter strategic_county_min_population" in result.stdout


def test_a_folder_of_files_is_named_file_by_file_as_display_names_each(tmp_path, monkeypatch):
    """workspace.displayer names many files of a folder as workspace.display names each: below the workspace,
    below the current folder, elsewhere, the folders themselves, given relative or absolute."""
    from negotiator import workspace
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(ROOT / "places")
    paths = ["kent.yaml", "./essex.yaml", "../rounds/forerunner-2011.yaml", str(ROOT / "places" / "kent.yaml"),
             str(outside / "a.yaml"), str(outside), str(ROOT), str(ROOT / "places"), "..", "/", str(tmp_path),
             Path("..") / "places" / "surrey.yaml"]
    show = workspace.displayer()
    assert [show(p) for p in paths] == [workspace.display(p) for p in paths]
    assert show("kent.yaml") == "places/kent.yaml" and show(outside / "a.yaml") == str(outside / "a.yaml")
