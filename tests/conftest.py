"""Test session settings: the cache of built packs is a temporary folder (not the user's), and the
whole-England set is generated once per session (`england_dir`).

Policy cases (each pack's cases/*.yaml) are collected by negotiator's pytest plugin
(negotiator/pytest_plugin.py), on every engine.
"""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("NEGOTIATOR_CACHE", tempfile.mkdtemp(prefix="negotiator-test-cache-"))


@pytest.fixture(scope="session")
def forerunner_dir(tmp_path_factory):
    """The forerunner round (`negotiator round places/ --config rounds/forerunner-2011.yaml`), written once
    per test session (per worker under xdist) for every test that reads it; no test writes to it."""
    from helpers import ROOT, cli

    out = tmp_path_factory.mktemp("forerunner")
    result = cli("round", ROOT / "places", "--config", ROOT / "rounds" / "forerunner-2011.yaml", "--out", out,
                 "--quiet")
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def england_dir(tmp_path_factory):
    """The generated part of the whole-England set (`negotiator england`), made once per test session;
    with the bundled places/ it is the whole set."""
    from helpers import ROOT
    from negotiator.pack.load import load_pack
    from negotiator.vocab.england import england_files
    from negotiator.vocab.places import load_places

    folder = tmp_path_factory.mktemp("england")
    bundled = load_places([str(ROOT / "places")], load_pack())
    for name, text in england_files({lp.id: lp.profile.members for lp in bundled}).items():
        (folder / name).write_text(text)
    return folder
