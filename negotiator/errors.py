"""User-facing input errors: one line per problem, naming file, line and field."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

#: The stable codes of problems, for programs reading `--json` errors and the web API's 4xx bodies (the
#: message is for people and may change; a code does not). Every `Problem` carries one of these.
CODES: dict[str, str] = {
    "input": "bad input of a kind not named below",
    "unknown_name": "a name that is not one the pack, workspace or command knows (with the nearest as suggestion)",
    "missing": "a required field, argument or file is not given",
    "not_found": "a file, folder, place, pack, round config, page or schema that is not there",
    "bad_value": "a value of the wrong type or outside its bounds",
    "bad_date": "a date that is not a date like 2011-03-01 or lies outside the calendar negotiator reads",
    "yaml": "a file that is not readable YAML or JSON (malformed, not UTF-8, too deep, too large once expanded)",
    "file": "a file or folder that cannot be read or written, or is refused as --out",
    "engine_limit": "a value or a pack that the engine of record cannot represent",
    "request": "a web request the API does not accept (its body, query or path)",
    "too_large": "a web request body larger than the server accepts",
}


@dataclass(frozen=True)
class Problem:
    """One problem with an input file, precise enough for a person to act on."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None
    suggestion: str | None = None
    #: A stable code for the kind of problem (one of CODES), for programs reading `--json` errors (the text may
    #: change). A problem with a suggestion is a misspelt name: `unknown_name` unless another code is given.
    code: str = "input"

    def __post_init__(self) -> None:
        if self.code == "input" and self.suggestion is not None:
            object.__setattr__(self, "code", "unknown_name")
        if self.code not in CODES:
            raise ValueError(f"problem code {self.code!r} is not one of negotiator.errors.CODES")

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


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[_.\-\s@]+", name.lower()) if p]


def _likeness(word: str, choice: str) -> float:
    """How alike two names are, 0 to 1: half the likeness of the whole names, half how well each part of the
    word (split at _ . - and spaces) matches its best part of the choice, so 'county_min_population' is
    nearer 'strategic_county_min_population' than 'grouping_min_population', and 'elected_mayer' nearer
    'directly_elected_mayor' than 'elected_sheriff'."""
    whole = difflib.SequenceMatcher(None, word.lower(), choice.lower()).ratio()
    parts, theirs = _parts(word), _parts(choice)
    if not parts or not theirs:
        return whole
    each = sum(max(difflib.SequenceMatcher(None, p, q).ratio() for q in theirs) for p in parts) / len(parts)
    return (whole + each) / 2


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The valid name most like a misspelt one (among the names given: the pack's own), if any is alike enough;
    ties go to the first in alphabetical order."""
    word = str(word)
    best, score = None, 0.6
    for choice in sorted(set(choices)):
        likeness = _likeness(word, choice)
        if likeness > score:
            best, score = choice, likeness
    return best
