"""Shared helpers for tests: run the CLI in-process, find the repository and its data."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from negotiator.cli import app

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "route-map-2010"
TEST_PACK = ROOT / "tests" / "packs" / "devolution-2022"
PLACES = sorted((ROOT / "places").glob("*.yaml"))
PLACE_IDS = [p.stem for p in PLACES]


def cli(*args: str):
    """Run `negotiator ARGS` in-process; return the click Result (stdout, stderr, exit_code)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
