"""Policy cases run: each case's outcome on one engine, and a run's report (`negotiator test --json`)."""

from __future__ import annotations

from pydantic import Field

from .base import FORMAT_VERSION, _R, empty
from .problems import ProblemInfo


class CaseOutcome(_R):
    """One policy case run on one engine: passed, or what was expected and what came out."""

    file: str = Field(description="The case file, as given or relative to the working folder")
    name: str = Field(description="The case's sentence")
    engine: str = Field(description="durable, python or fast")
    passed: bool
    failures: list[str] = Field(default_factory=empty, description="'field: expected X, got Y' lines")


class CaseReport(_R):
    """What `negotiator test` ran and found."""

    format_version: str = FORMAT_VERSION
    cases: list[CaseOutcome]
    passed: int
    failed: int
    problems: list[ProblemInfo] = Field(default_factory=empty, description="Case files that could not be read")
