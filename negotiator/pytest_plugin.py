"""A pytest plugin: the policy cases of rule packs (each pack's cases/*.yaml, one sentence each) as tests.

Registered as a `pytest11` entry point (as OpenFisca ships its YAML tests), so `pytest` in a checkout or a
project of rule packs collects every case file in a `cases/` folder of a pack (a folder with a
pack.yaml) and runs it on every engine (durable-rules, python, fast), through the same runner as
`negotiator test`. A failing case is reported with its file, its sentence, and what was expected and what
came out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .engines import ENGINES


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases" and _in_pack(file_path.parent):
        return CaseFile.from_parent(parent, path=file_path)
    return None


def _in_pack(cases: Path) -> bool:
    return any((folder / "pack.yaml").is_file() for folder in cases.resolve().parents)


class CaseFile(pytest.File):
    def collect(self) -> Any:
        sentence = self.path.stem.replace("-", " ")
        for engine in ENGINES:
            yield PolicyCase.from_parent(self, name=f"{sentence}[{engine}]", engine=engine)


class PolicyCase(pytest.Item):
    def __init__(self, *, engine: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.engine = engine

    def runtest(self) -> None:
        from .testing import run_case_file
        result = run_case_file(self.path, engine=self.engine)
        self.case_name = result.name
        if result.failures:
            raise PolicyFailure(result.failures)

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:
        from .errors import InputError
        if isinstance(excinfo.value, InputError):
            return f"{self.path}\nthe case file is broken:\n" + "\n".join(f"  {p}" for p in excinfo.value.problems)
        if isinstance(excinfo.value, PolicyFailure):
            return (f"{self.path}\ncase: {getattr(self, 'case_name', self.name)} (engine: {self.engine})\n"
                    + "\n".join(f"  {f}" for f in excinfo.value.failures))
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"policy case: {self.name}"


class PolicyFailure(Exception):
    def __init__(self, failures: list[str]):
        super().__init__("\n".join(failures))
        self.failures = failures
