"""User-facing input errors: one line per problem, naming file, line and field."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    """One problem with an input file, precise enough for a person to act on."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None
    suggestion: str | None = None
    #: A stable code for the kind of problem, for programs reading `--json` errors (the text may change).
    code: str = "input"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        if self.suggestion:
            text += f"; did you mean '{self.suggestion}'?"
        return text


class InputError(Exception):
    """Bad input: carries every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(  # the same problem found twice (one file given twice) is said once
            dict.fromkeys(problems), key=lambda p: (p.file, p.line or 0, p.field or "", p.message)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The closest valid name to a misspelt one, if any is close enough."""
    found = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return found[0] if found else None
