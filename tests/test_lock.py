"""The locked test environment (requirements/test.lock) covers what pyproject.toml declares.

The setup script installs the lock with --require-hashes, so a dependency added to pyproject.toml but not
locked would fail there; this says which one, and how to mend it, before CI does.
"""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers import ROOT


def locked() -> dict[str, set[str]]:
    """Each locked package's name with the versions pinned (one per Python where markers differ)."""
    pins: dict[str, set[str]] = {}
    for line in (ROOT / "requirements" / "test.lock").read_text(encoding="utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)", line)
        if found:
            pins.setdefault(canonicalize_name(found[1]), set()).add(found[2])
    return pins


def test_every_declared_dependency_is_locked_within_its_range():
    """Every dependency and test extra in pyproject.toml is pinned in the lock, at a version its range allows."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [Requirement(text) for text in project["dependencies"] + project["optional-dependencies"]["test"]]
    pins = locked()
    problems = []
    for requirement in declared:
        versions = pins.get(canonicalize_name(requirement.name))
        if not versions:
            problems.append(f"{requirement.name} is not in requirements/test.lock")
        elif not all(requirement.specifier.contains(v, prereleases=True) for v in versions):
            problems.append(f"{requirement.name} is locked at {sorted(versions)}, outside {requirement.specifier}")
    assert not problems, "; ".join(problems) + " (run: bash scripts/lock.sh)"


def test_every_pin_carries_a_hash():
    """The setup script installs with --require-hashes: each pinned package has at least one hash."""
    text = (ROOT / "requirements" / "test.lock").read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if "==" in block.split("\n", 1)[0]:
            assert "--hash=sha256:" in block, block.split("\n", 1)[0]
