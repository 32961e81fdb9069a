"""Policy cases run: each case's outcome on one engine, and a run's report (`negotiator test --json`)."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field

from .base import FORMAT_VERSION, _R


class ProblemInfo(_R):
    """One problem with an input, located: what `Error:` lines say, as data."""

    code: str = Field(description="A stable code for the kind of problem (e.g. input, unknown_name, yaml)")
    file: str
    line: Optional[int] = None
    field: Optional[str] = None
    message: str
    suggestion: Optional[str] = None

    @classmethod
    def of(cls, problem: Any) -> "ProblemInfo":
        """From a `negotiator.errors.Problem`."""
        return cls(code=problem.code, file=problem.file, line=problem.line, field=problem.field,
                   message=problem.message, suggestion=problem.suggestion)


class CaseOutcome(_R):
    """One policy case run on one engine: passed, or what was expected and what came out."""

    file: str = Field(description="The case file, as given or relative to the working folder")
    name: str = Field(description="The case's sentence")
    engine: str = Field(description="durable, python or fast")
    passed: bool
    failures: list[str] = Field(default_factory=list, description="'field: expected X, got Y' lines")


class CaseReport(_R):
    """What `negotiator test` ran and found."""

    format_version: str = FORMAT_VERSION
    cases: list[CaseOutcome]
    passed: int
    failed: int
    problems: list[ProblemInfo] = Field(default_factory=list, description="Case files that could not be read")
