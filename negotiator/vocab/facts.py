"""Fact declarations: the vocabulary a rule pack reads, declared in YAML, never in Python.

A pack declares each fact it reads (`facts.yaml`), or takes it from a shared
vocabulary it `uses` (`rules/common/facts.yaml`). A declaration gives the
fact's type, for named values the values with their titles (and, for a ladder,
their order), the direction in which the fact counts as more capable, bounds
for numbers, and a source. Profiles are validated against declarations, rules
are type-checked against them, and `negotiator check` derives its
monotonicity properties from them.

A few facts are computed from a profile rather than stated in it:
`member_count` (from `members`), and, where the pack names the fact that
lists the powers a place asks for, `requested.POWER` and `requested_count`.
For every date fact `X` a rule may test `months_since: X`, the whole months
from that date to the date of the evaluation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime
from typing import Any

from ..values import number

TYPES = ("boolean", "integer", "number", "date", "text", "choice", "list")
#: "never" is a value a date fact may take when it declares `never: true`: the event has not happened.
NEVER = "never"
#: Months elapsed that stand for "never" in the engines (larger than any real elapsed time).
NEVER_MONTHS = 1_000_000
MONTHS_SUFFIX = "@months"


@dataclass(frozen=True)
class FactDecl:
    """One declared fact. `name` is dotted (`capacity.total_place_pilot`)."""

    name: str
    type: str
    title: str = ""
    description: str = ""
    source: str | None = None
    unit: str | None = None
    values: tuple[str, ...] = ()               # choice: the values, in order (a ladder: least to most)
    value_titles: tuple[tuple[str, str], ...] = ()
    ordered: bool = False                       # choice: the order of values is a ladder
    better: str | None = None                   # "true"/"false" (boolean), "higher"/"lower" (ordered)
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    pattern: str | None = None                  # text: a regular expression values must match
    pattern_hint: str | None = None             # text: what a value looks like, for messages
    of: str | None = None                       # list: "power" (ids of the pack's powers) or "text"
    never: bool = False                         # date: may be "never" (the event has not happened)
    measured: bool = False                      # a measurement: the nearest one to the as-of date is used
    computed: bool = False                      # computed from the profile, never stated in it
    always_known: bool = False                  # computed from identity (members) or requests: never unknown
    declared_in: str = ""                       # file:line of the declaration

    @property
    def optional(self) -> bool:
        """May be unknown (absent from a profile)."""
        return not self.always_known

    def title_of(self, value: str) -> str:
        return dict(self.value_titles).get(value, value)

    def rank(self, value: Any) -> int | None:
        """Position on the ladder of an ordered choice (None for unknown or unordered)."""
        if value is None or not self.ordered or value not in self.values:
            return None
        return self.values.index(value)

    def problem_with(self, value: Any) -> tuple[str, str | None] | None:
        """Why a value does not fit this fact (message and a suggestion), or None when it fits.

        Messages about impossible numbers name the bound.
        """
        from ..errors import nearest
        t = self.type
        if t == "boolean":
            return None if isinstance(value, bool) else (f"expected true or false, got {describe(value)}", None)
        if t in ("integer", "number"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"expected a {'whole ' if t == 'integer' else ''}number, got {describe(value)}", None
            if isinstance(value, float) and not math.isfinite(value):
                return f"{value!r} is not a finite number", None
            if t == "integer" and isinstance(value, float):
                return f"expected a whole number, got {value!r}", None
            if self.minimum is not None:
                if self.exclusive_minimum and value <= self.minimum:
                    return f"{value!r} is impossible: must be more than {number(self.minimum)}", None
                if not self.exclusive_minimum and value < self.minimum:
                    return f"{value!r} is impossible: must be at least {number(self.minimum)}", None
            if self.maximum is not None and value > self.maximum:
                return f"{value!r} is impossible: must be at most {number(self.maximum)}", None
            from ..bounds import value_problem
            beyond = value_problem(value)
            return (beyond, None) if beyond else None
        if t == "date":
            if (self.never and value == NEVER) or (isinstance(value, date) and not isinstance(value, datetime)):
                return None
            hint = " or never" if self.never else ""
            return f"expected a date like 2011-04-01{hint}, got {describe(value)}", None
        if t == "text":
            if not isinstance(value, str) or not value.strip():
                return f"expected text, got {describe(value)}", None
            from ..bounds import value_problem
            beyond = value_problem(value)
            if beyond:
                return beyond, None
            if self.pattern and not _matches(self.pattern, value):
                shown = f"'{value}'" if len(value) <= 60 else f"'{value[:60]}...' ({len(value):,} characters)"
                return f"{shown} is not {self.pattern_hint or 'in the form ' + self.pattern}", None
            return None
        if t == "choice":
            if not isinstance(value, str) or value not in self.values:
                return f"{value!r} is not one of: {', '.join(self.values)}", nearest(str(value), self.values)
            return None
        if t == "list":
            if not isinstance(value, list):
                return f"expected a list, got {describe(value)}", None
            if any(not isinstance(v, str) for v in value):
                return "expected a list of ids", None
            if len(set(value)) != len(value):
                dup = sorted({v for v in value if value.count(v) > 1})
                return f"{', '.join(dup)} listed twice", None
            bad = [v for v in value if self.values and v not in self.values]
            if bad:
                what = "a power of this rule pack" if self.of == "power" else "one of: " + ", ".join(self.values)
                return f"'{bad[0]}' is not {what}", nearest(bad[0], self.values)
            return None
        raise ValueError(t)


def describe(value: Any) -> str:
    kind = {type(None): "nothing", bool: "true/false", int: "a number", float: "a number", str: "text",
            list: "a list", dict: "a mapping", date: "a date"}.get(type(value), type(value).__name__)
    shown = repr(value) if not isinstance(value, (list, dict)) else ""
    return f"{kind} {shown}".strip()


@dataclass(frozen=True)
class Vocabulary:
    """Every fact a pack may read, and the facts of other packs a profile may also carry."""

    facts: dict[str, FactDecl]
    #: facts declared by other known packs: a profile may state them (one file serves several packs)
    foreign: dict[str, FactDecl] = field(default_factory=dict)
    #: the fact that lists the powers a place asks for (e.g. "priorities"), if the pack has one
    requests: str | None = None

    def stated(self) -> dict[str, FactDecl]:
        """Facts a profile may state: this pack's, then other packs' (never computed ones)."""
        out = {n: d for n, d in self.foreign.items() if not d.computed}
        out.update({n: d for n, d in self.facts.items() if not d.computed})
        return out

    @cached_property
    def stated_and_prefixes(self) -> tuple[dict[str, FactDecl], frozenset[str]]:
        """`stated()` and every dotted prefix of its names (`a`, `a.b` of `a.b.c`), worked out once (read only)."""
        stated = self.stated()
        return stated, frozenset(".".join(n.split(".")[:i]) for n in stated for i in range(1, n.count(".") + 1))


def computed_facts(power_ids: list[str], requests: str | None) -> dict[str, FactDecl]:
    """The facts every pack may read that are computed from the profile."""
    out = {"member_count": FactDecl("member_count", "integer", title="Number of member councils",
                                    minimum=1, computed=True, always_known=True,
                                    declared_in="computed from members")}
    if requests:
        # unknown when the profile does not say what the place asks for
        out["requested_count"] = FactDecl("requested_count", "integer", title="Number of powers asked for",
                                          minimum=0, maximum=len(power_ids), computed=True,
                                          declared_in=f"computed from {requests}")
        for pid in power_ids:
            out[f"requested.{pid}"] = FactDecl(f"requested.{pid}", "boolean", title=f"Asks for {pid}",
                                               computed=True, declared_in=f"computed from {requests}")
    return out


def months_decl(decl: FactDecl) -> FactDecl:
    """The computed fact 'whole months since DATE, as of the evaluation date' for a date fact."""
    return FactDecl(decl.name + MONTHS_SUFFIX, "integer", title=f"Months since {decl.title or decl.name}",
                    computed=True, declared_in=decl.declared_in, source=decl.source)


def _matches(pattern: str, value: str) -> bool:
    """Whether `value` matches all of `pattern`, in time linear in its length (RE2; bounds.full_match)."""
    from ..bounds import full_match
    return full_match(pattern, value)
