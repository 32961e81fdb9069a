"""Shared helpers for tests: run the CLI in-process, find the repository and its data."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from negotiator.cli import app

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "route-map-2010"
TEST_PACK = ROOT / "tests" / "packs" / "devolution-2022"
PLACES = sorted((ROOT / "places").glob("*.yaml"))
PLACE_IDS = [p.stem for p in PLACES]


def place_ids_on(day) -> list[str]:
    """The bundled places that exist on `day` (a round or sweep of that date takes only these)."""
    from negotiator.pack.load import load_pack
    from negotiator.vocab.places import load_places
    from negotiator.vocab.timeline import on_date
    kept, _ = on_date(load_places([str(ROOT / "places")], load_pack(PACK)), day)
    return [lp.id for lp in kept]


def cli(*args: str, columns: int = 1000):
    """Run `negotiator ARGS` in-process; return the click Result (stdout, stderr, exit_code).

    Text for people is wrapped to COLUMNS: tests of what it says read it at 1,000 columns (one logical line a
    line); tests of how it fits pass `columns`."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": str(columns)})


def on_a_terminal(*args: str, stream: str = "stdout", env: dict | None = None, cwd: Path = ROOT) -> tuple[int, str]:
    """Run `negotiator ARGS` as a process with `stream` (stdout or stderr) on a pseudo-terminal and the other
    stream discarded; return its exit code and what it wrote there. The environment is this one without
    NO_COLOR and COLUMNS, with TERM set, this checkout first on the path, and `env` on top."""
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    full |= {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", **(env or {})}
    leader, follower = pty.openpty()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: follower}
    proc = subprocess.Popen([sys.executable, "-m", "negotiator.cli", *map(str, args)], cwd=cwd, env=full,
                            **streams)
    os.close(follower)
    chunks = []
    while True:  # read as it writes: a terminal's buffer is small
        try:
            data = os.read(leader, 65536)
        except OSError:  # the process has closed its end
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=120)
    os.close(leader)
    return code, b"".join(chunks).decode("utf-8", "replace")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def headless_chromium(profile_dir: Path, window: str):
    """A headless Chromium driven by selenium (a generator for a fixture: yields the driver, then quits it).
    Skips where Chromium is not installed, but fails under CI, whose test command installs it."""
    import pytest
    if not (CHROMIUM and DRIVER):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver must be installed by scripts/setup-and-test.sh under CI")
        pytest.skip("chromium and chromedriver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={profile_dir}", f"--window-size={window}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def without_own_script(html: str) -> str:
    """A report page without its own one script (the filter box; it holds no text from the inputs), so that a
    test can check no other script is in it."""
    import re
    own = re.findall(r"<script>\n\(function\(\)\{var box=document\.getElementById\('(?:sheet|place)-filter'\).*?</script>",
                     html, flags=re.S)
    assert len(own) <= 1
    return html.replace(own[0], "") if own else html
