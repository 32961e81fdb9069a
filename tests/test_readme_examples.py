"""Every command line in the README's code blocks runs as written, in order, on a fresh copy of the repository
(as sqlite-utils tests its documentation).

A line that runs `negotiator` (or the README's setup command) is run with bash in the copy, `negotiator`
being this checkout's code; it must exit 0, unless the README states another exit code on that line (as
`(exit 1)`). Lines that cannot end by themselves or would change the machine are named below, each with
the reason, and are not run; anything else that is not a command (a YAML block, a continuation) is skipped.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

README = (ROOT / "README.md").read_text()

#: Commands not run here, and why.
NOT_RUN = {
    "bash scripts/setup-and-test.sh": "it is this test suite (its CI wiring is checked in test_readme.py)",
    "negotiator serve": "a server runs until stopped (test_web.py serves the same app)",
    "negotiator --install-completion": "it edits the user's shell start-up files",
    "curl": "it needs a running server (test_web.py asks the same endpoints)",
    "python3 -m venv": "it installs the package from the network (test_readme.py runs it on a fresh copy)",
}


def readme_lines() -> list[str]:
    """Every command line of the README's sh and text code blocks, in order, without trailing comments."""
    lines = []
    for lang, block in re.findall(r"```(\w*)\n(.*?)\n```", README, flags=re.S):
        if lang not in ("sh", "text", ""):
            continue
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            command = re.split(r"\s+#\s", line, maxsplit=1)[0].strip()
            lines.append(command)
    return lines


def stated_exit(line: str) -> int:
    """The exit code the README states for the line, as `(exit N)` in its comment; else 0. (A condition, such as
    "exit 1 with a counterexample if not", is not a statement that it exits 1.)"""
    m = re.search(r"\(exits? (\d+)\)", README[README.index(line):].split("\n", 1)[0])
    return int(m.group(1)) if m else 0


def test_the_readme_has_commands_and_every_one_is_run_or_named():
    lines = readme_lines()
    assert sum(1 for line in lines if line.startswith("negotiator ")) >= 20
    for line in lines:
        assert line.startswith("negotiator ") or any(line.startswith(k) for k in NOT_RUN), line


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    root = tmp_path_factory.mktemp("readme") / "repo"
    for name in files:
        if (ROOT / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, root / name)
    return root


@pytest.mark.slow  # some thirty commands, each a process of its own
def test_every_readme_example_runs_in_order_on_a_fresh_copy(copy):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    env["PYTHONPATH"] = str(copy)
    prelude = f"negotiator() {{ {shlex.quote(sys.executable)} -m negotiator.cli \"$@\"; }}\n"
    ran = 0
    for line in readme_lines():
        if any(line.startswith(k) for k in NOT_RUN):
            continue
        run = subprocess.run(["bash", "-c", prelude + line], cwd=copy, capture_output=True, text=True, env=env,
                             timeout=600)
        assert run.returncode == stated_exit(line), f"{line}\nexit {run.returncode}\n{run.stderr[-2000:]}"
        ran += 1
    assert ran >= 20


def test_list_rounds_and_config_by_name(tmp_path):
    from helpers import cli
    listed = cli("list", "rounds", "--tsv").stdout.splitlines()
    assert "forerunner-2011\t2011-03-01\tFirst forerunner round" in listed
    by_name = cli("round", ROOT / "places", "--config", "forerunner-2011", "--out", tmp_path / "a", "--quiet")
    by_file = cli("round", ROOT / "places", "--config", ROOT / "rounds" / "forerunner-2011.yaml", "--out",
                  tmp_path / "b", "--quiet")
    assert by_name.exit_code == by_file.exit_code == 0, by_name.stderr
    import json
    a, b = (json.loads((tmp_path / x / "round.json").read_text()) for x in ("a", "b"))
    assert a["round"]["name"] == b["round"]["name"] and a["tranches"] == b["tranches"] and a["coverage"] == b["coverage"]
    wrong = cli("round", ROOT / "places", "--config", "forerunner-201", "--out", tmp_path / "c")
    assert wrong.exit_code == 2 and "did you mean 'forerunner-2011'?" in wrong.stderr


def test_short_options_mean_one_thing():
    """`-p` is --power wherever it is given (unlock, footprints); --param and --port have no short form."""
    from helpers import cli
    assert "-p, --power" in cli("unlock", "--help").stdout
    for command, option in (("sweep", "--param"), ("serve", "--port")):
        text = cli(command, "--help").stdout
        assert option in text and f"-p, {option}" not in text
    assert "fast" in cli("whatif", "--help").stdout
