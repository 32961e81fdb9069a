"""The typed results of the commands that are not decisions: validate, list, sweep, the sets of files a
command writes (england, doc), and a server started (serve). Each is a schema kind (negotiator/schemas.py)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Optional

from pydantic import Field

from .base import FORMAT_VERSION, PackRef, _R, empty
from .problems import Problem
from .round import LeftOutPlace


class Checked(_R):
    """One input validate read without a problem."""

    kind: Literal["rule pack", "round config", "place", "shared vocabulary", "counterparts"]
    id: Optional[str] = Field(default=None, description="The pack's, round config's or place's id or name")
    file: str
    text: str = Field(description="The line 'negotiator validate' prints after 'ok: '")


class ValidationWarning(_R):
    """Something validate accepts but a person should know: facts not stated (so unknown), or without a source."""

    kind: Literal["not_stated", "no_source"]
    file: str
    facts: list[str]
    text: str = Field(description="The line 'negotiator validate' prints after 'Warning: '")


class Validation(_R):
    """What `negotiator validate` read (`--json`, schema kind validation); exit 2 when there are problems."""

    format_version: str = FORMAT_VERSION
    pack: PackRef = Field(description="The pack whose vocabulary place profiles were read with")
    checked: list[Checked]
    warnings: list[ValidationWarning]
    problems: list[Problem]
    passed: bool = Field(description="No problems (warnings allowed)")


class ListItem(_R):
    """One line of `negotiator list`: what it is, and what the kind of list says of it."""

    id: str
    title: str = Field(description="The name or title")
    file: Optional[str] = None
    version: Optional[str] = Field(default=None, description="packs: the pack's version")
    date: Optional[str] = Field(default=None, description="packs: the date of effect; rounds: the round's date (ISO)")
    tier: Optional[str] = Field(default=None, description="powers: the tier it needs")
    in_force: Optional[str] = Field(default=None, description="powers: the dates it is in force, when limited")
    type: Optional[str] = Field(default=None, description="facts: number, choice, flag, ...")
    computed: Optional[bool] = Field(default=None, description="facts: computed from other facts")
    values: list[str] = Field(default_factory=empty, description="facts of type choice: their values")
    problem: Optional[Problem] = Field(default=None, description="packs and rounds: why it cannot be read")


class Listing(_R):
    """What `negotiator list KIND --json` prints (schema kind list)."""

    format_version: str = FORMAT_VERSION
    kind: Literal["places", "powers", "packs", "facts", "rounds"]
    workspace: str = Field(description="Where the rule packs and places were read from")
    pack: Optional[PackRef] = Field(default=None, description="places, powers, facts: the pack read")
    items: list[ListItem]


class FilesWritten(_R):
    """The files a command wrote to its --out folder (england, doc; schema kind files)."""

    format_version: str = FORMAT_VERSION
    command: str
    folder: Optional[str] = Field(default=None, description="The --out folder (none: nothing was written)")
    files: list[str] = Field(description="Each file written, under the folder")
    notes: list[str] = Field(default_factory=empty, description="What the command says of them, for people")
    next: Optional[str] = Field(default=None, description="A command to run next, if the command suggests one")
    left_out: list[LeftOutPlace] = Field(default_factory=empty)
    markdown: Optional[str] = Field(default=None, description="doc without --out: the rulebook (or diff) in Markdown")


class SweepAxis(_R):
    name: str
    values: list[Any]
    base: Any = Field(description="The value of the config or the pack, the others' value at a tipping point")


class SweepPoint(_R):
    """The round at one point of the grid."""

    values: dict[str, Any] = Field(description="Each swept parameter's value")
    eligible: list[str] = Field(description="Places eligible")
    not_eligible: int
    undetermined: int
    alone: list[str] = Field(description="Councils (one-member places) that can negotiate alone")
    through_grouping: int = Field(description="Councils only a grouping including them can bring in")
    no_route: int
    first_tranche: list[str]
    tranches: int
    coverage_population: int
    coverage_share: float
    available: int = Field(description="(place, power) pairs available")
    available_by_power: dict[str, int]


class TippingPoint(_R):
    """Where a place's outcome changes as one parameter moves, the others at their base values."""

    place: str
    name: str
    param: str
    value: Any
    side: str = Field(description="at: the new outcome holds from value on; above: beyond it")
    fact: str
    fact_value: Any
    eligible_before: Optional[bool]
    eligible_after: Optional[bool]
    changes: list[dict[str, str]] = Field(default_factory=empty, description="{power, before, after}")
    package: Optional[dict[str, str]] = Field(default=None, description="The tier the package asked for needs: {before, after}")
    text: str = Field(description="The tipping point in words")


class AloneStep(_R):
    """How many councils can negotiate alone below every tipping point (value none), then at or above each."""

    value: Any
    side: Optional[str]
    alone: int
    gained: list[str]
    lost: list[str]


class SweepResult(_R):
    """What `negotiator sweep --json` prints (schema kind sweep), besides the files it writes."""

    format_version: str = FORMAT_VERSION
    pack: PackRef
    date: date
    councils: int
    axes: list[SweepAxis]
    points: list[SweepPoint]
    tipping: dict[str, list[TippingPoint]] = Field(description="Each swept parameter's tipping points, by value")
    alone_steps: dict[str, list[AloneStep]]
    routes: dict[str, dict[str, Any]] = Field(description="Council code -> {route: alone|grouping|none, places}")
    left_out: list[LeftOutPlace]
    decided_not_applied: list[str] = Field(default_factory=list, description=(
        "Decided reorganisations due by the date, replacing councils of the places, that the council register "
        "does not apply (their areas split districts): the places are given with their councils as before them"))
    files: list[str] = Field(description="The files written to --out")


class Served(_R):
    """`negotiator serve --json`: the server's address, printed once it listens (schema kind serve)."""

    format_version: str = FORMAT_VERSION
    address: str
    openapi: str
    packs: list[str]
    places: str
