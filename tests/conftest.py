"""Collect policy cases (tests/policy/*.yaml) as pytest items."""

from __future__ import annotations

import pytest
import yaml

from policy_cases import run_case, slug


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "policy":
        return PolicyFile.from_parent(parent, path=file_path)
    return None


class PolicyFile(pytest.File):
    def collect(self):
        case = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        yield PolicyCase.from_parent(self, name=case.get("name", self.path.stem), case=case)


class PolicyCase(pytest.Item):
    def __init__(self, *, case, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self):
        failures = []
        if slug(self.case.get("name", "")) != self.path.stem:
            failures.append(f"the file name should be the case's sentence: {slug(self.case.get('name', ''))}.yaml")
        failures += run_case(self.case)
        if failures:
            raise PolicyFailure(failures)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, PolicyFailure):
            return f"{self.path}\ncase: {self.name}\n" + "\n".join(f"  {f}" for f in excinfo.value.failures)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"policy: {self.name}"


class PolicyFailure(Exception):
    def __init__(self, failures):
        super().__init__("\n".join(failures))
        self.failures = failures
