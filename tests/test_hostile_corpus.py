"""The audit's hostile inputs as a corpus: tests/hostile/*.yaml, each a file named by what it tries.

A case gives the command's arguments and either the one `Error:` line it must end in (exit 2) or `ok:
true` (exit 0). It may run in a copy of the workspace (`workspace: true`) in which it first makes
files (`make`: a named pipe, a symbolic link, a file with some text), edits a pack file (`edit`) or a place
(`place`). Placeholders: {tmp} (a fresh folder), {deep} (10,000 brackets), {digits} (5,000 digits),
{digits400}, {long} (65,536 x's), {long_a} (30,000 a's and a '!').

`stdout: closed` runs it with its standard output closed (as `>&-` does).

Every case runs the installed command in a subprocess with a time limit, so a hang, a native abort
or an `Internal error` (exit 3) fails the case, not the test run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import ROOT

EXE = str(Path(sys.executable).parent / "negotiator")
CASES = sorted((Path(__file__).parent / "hostile").glob("*.yaml"))
FILL = {"deep": "[" * 10_000, "digits": "9" * 5000, "digits400": "9" * 400, "long": "x" * 65_536,
        "long_a": "a" * 30_000 + "!"}


def fill(text: str, tmp: Path) -> str:
    out = text.replace("{tmp}", str(tmp))
    for name, value in FILL.items():
        out = out.replace("{" + name + "}", value)
    return out


def replace_once(path: Path, old: str, new: str, tmp: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, fill(new, tmp), 1), encoding="utf-8")


@pytest.mark.slow  # a process each (with a time limit, so a hang or a native abort fails the case): 0.4 s of CPU each
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_a_hostile_input_ends_in_one_located_error_or_a_correct_answer(case, tmp_path):
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    cwd = ROOT
    if spec.get("workspace"):
        cwd = tmp_path / "ws"
        for folder in ("rules", "places", "rounds"):
            shutil.copytree(ROOT / folder, cwd / folder)
    for item in spec.get("make", []):
        where = Path(fill(item.get("fifo") or item.get("link") or item["file"], tmp_path))
        where = where if where.is_absolute() else cwd / where
        where.parent.mkdir(parents=True, exist_ok=True)
        if "fifo" in item:
            os.mkfifo(where)
        elif "file" in item:
            where.write_text(fill(item["text"], tmp_path), encoding="utf-8")
        else:
            where.unlink(missing_ok=True)
            os.symlink(item["to"], where)
    for key in ("edit", "place"):
        if key in spec:
            replace_once(cwd / spec[key]["file"], spec[key]["old"], spec[key]["new"], tmp_path)
    args = [fill(str(a), tmp_path) for a in spec["args"]]
    env = dict(os.environ, NEGOTIATOR_CACHE="off")
    stdout = subprocess.PIPE
    if spec.get("stdout") == "closed":
        stdout = subprocess.DEVNULL
        args = ["-c", 'import os, sys; os.close(1); os.execv(sys.argv[1], sys.argv[1:])', EXE, *args]
        result = subprocess.run([sys.executable, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=cwd,
                                timeout=120, env=env)
    else:
        result = subprocess.run([EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=120, env=env)
    assert "Traceback" not in result.stderr and "Internal error" not in result.stderr, result.stderr[-2000:]
    if spec.get("ok"):
        assert result.returncode == 0, result.stderr[-2000:]
        return
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr[-2000:]
    assert len(lines[0]) < 500, "a located line, not the value echoed back"
    assert spec["error"] in lines[0], lines[0]
