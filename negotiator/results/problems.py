"""Problems with an input, as data: what `Error:` lines say, for `--json` errors and the web API's 4xx bodies."""

from __future__ import annotations

from enum import Enum
from typing import Any, Optional

from pydantic import Field

from ..errors import CODES
from .base import FORMAT_VERSION, _R

#: The stable codes (negotiator.errors.CODES), as an enumeration the JSON Schema lists.
ProblemCode = Enum("ProblemCode", {code: code for code in CODES}, type=str)  # type: ignore[misc]


class Problem(_R):
    """One problem with an input, located: file (or option, or request field), line, field, what is wrong and
    the name most like a misspelt one."""

    code: ProblemCode = Field(description="A stable code for the kind of problem: " + "; ".join(
        f"{code}: {what}" for code, what in CODES.items()))
    file: str = Field(description="The file, option (--set) or request part (request, place, pack) it is in")
    line: Optional[int] = Field(default=None, description="The line in the file, when it has one")
    field: Optional[str] = Field(default=None, description="The dotted field, when it is in one")
    message: str = Field(description="What is wrong, for people (the wording may change; the code does not)")
    suggestion: Optional[str] = Field(default=None, description="The name most like a misspelt one, if any is alike enough")
    text: str = Field(description="The whole located line, as the command line prints it after 'Error: '")

    @classmethod
    def of(cls, problem: Any) -> "Problem":
        """From a `negotiator.errors.Problem`."""
        return cls(code=problem.code, file=problem.file, line=problem.line, field=problem.field,
                   message=problem.message, suggestion=problem.suggestion, text=str(problem))


#: The name `negotiator test --json` has used for a problem.
ProblemInfo = Problem


class Errors(_R):
    """Bad input (`--json` on the command line, exit 2; the web API's 4xx bodies): every problem found."""

    format_version: str = FORMAT_VERSION
    errors: list[str] = Field(description="One located line per problem, as the command line's 'Error:' lines")
    problems: list[Problem] = Field(description="The same problems as data, in the same order")

    @classmethod
    def of(cls, problems: Any) -> "Errors":
        typed = [Problem.of(p) for p in problems]
        return cls(errors=[p.text for p in typed], problems=typed)
