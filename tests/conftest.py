"""Collect policy cases (each pack's cases/*.yaml, one sentence each) as pytest items.

They run through negotiator.testing, the same runner as `negotiator test`. Also: the
session's cache of built packs is a temporary folder (not the user's), and the
whole-England set is generated once per session (`england_dir`).
"""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("NEGOTIATOR_CACHE", tempfile.mkdtemp(prefix="negotiator-test-cache-"))

from negotiator.testing import run_case_file


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):
        yield PolicyCase.from_parent(self, name=self.path.stem.replace("-", " "))


class PolicyCase(pytest.Item):
    def runtest(self):
        result = run_case_file(self.path)
        self.case_name = result.name
        if result.failures:
            raise PolicyFailure(result.failures)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, PolicyFailure):
            return f"{self.path}\ncase: {getattr(self, 'case_name', self.name)}\n" + \
                "\n".join(f"  {f}" for f in excinfo.value.failures)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"policy: {self.name}"


class PolicyFailure(Exception):
    def __init__(self, failures):
        super().__init__("\n".join(failures))
        self.failures = failures


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
