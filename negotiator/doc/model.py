"""The rulebook's data: entries in words that refer to each other by kind and id (a Ref), grouped in
sections; the renderers turn a Ref into a link (HTML) or into words (Markdown)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

#: The sections of a rulebook, in reading order: (kind, page file stem, title).
SECTIONS = (
    ("rule", "rules", "Rules"),
    ("power", "powers", "Powers and menus"),
    ("tier", "accountability", "Accountability tiers"),
    ("fact", "facts", "Facts"),
    ("parameter", "parameters", "Parameters"),
    ("move", "moves", "Moves"),
    ("counterpart", "counterparts", "Counterparts"),
    ("obligation", "obligations", "Obligations"),
    ("case", "cases", "Worked examples (policy cases)"),
    ("source", "sources", "Sources"),
)
KIND_WORD = {"rule": "rule", "power": "power", "menu": "menu", "tier": "tier", "fact": "fact",
             "parameter": "parameter", "move": "move", "counterpart": "counterpart", "obligation": "obligation",
             "case": "case", "source": "source", "budget": "budget", "round": "round policy"}
#: The page each kind of entry lives on (menus with powers; the budget and round policy with parameters).
PAGE = {kind: page for kind, page, _ in SECTIONS} | {"menu": "powers", "budget": "powers", "round": "parameters"}


@dataclass(frozen=True)
class Ref:
    """A reference to another entry, shown by its title (in words) with its id after."""

    kind: str
    id: str
    title: str

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def shows_id(self) -> bool:
        """Whether the id adds anything to the title (a parameter's title is its id in words)."""
        return self.kind != "case" and self.title.replace(" ", "_") != self.id


#: A line of text: plain strings and references, in order.
Part = Union[str, Ref]


@dataclass(frozen=True)
class Line:
    depth: int
    parts: tuple[Part, ...]


@dataclass
class Entry:
    kind: str
    id: str
    title: str
    text: str = ""
    source: Ref | None = None
    in_force: str = ""
    declared: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)   # (label, value) in words
    lines: list[Line] = field(default_factory=list)              # a condition or a list, in words
    lines_title: str = ""
    uses: list[Ref] = field(default_factory=list)
    used_by: list[tuple[str, Ref]] = field(default_factory=list)  # (how, by what)

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def ref(self) -> Ref:
        return Ref(self.kind, self.id, self.title)

    def comparable(self) -> dict[str, str]:
        """The entry's content as text fields, for `doc --diff`."""
        out = {"title": self.title, "text": self.text, "source": self.source.id if self.source else "",
               "in force": self.in_force}
        out.update({label: value for label, value in self.facts})
        if self.lines:
            out[self.lines_title or "detail"] = "\n".join(
                "  " * ln.depth + "".join(p if isinstance(p, str) else f"{p.title} ({p.id})" if p.shows_id else p.id
                                          for p in ln.parts)
                for ln in self.lines)
        return {k: v for k, v in out.items() if v}


@dataclass
class Section:
    kind: str
    page: str
    title: str
    intro: str
    entries: list[Entry]


@dataclass
class Book:
    pack_id: str
    title: str
    version: str
    effective: str
    hash: str
    root: str
    description: str
    files: tuple[str, ...]
    sections: list[Section]

    def entries(self) -> dict[tuple[str, str], Entry]:
        return {(e.kind, e.id): e for s in self.sections for e in s.entries}


@dataclass(frozen=True)
class Case:
    """A policy case, read from its YAML file, and (when run) whether it holds."""

    file: str
    name: str
    place: str
    as_of: str
    change: tuple[tuple[str, Any], ...]
    expect: tuple[tuple[str, Any, str], ...]   # (field, value, the date of an `at:` entry or "")
    rules_true: tuple[str, ...] = ()
    rules_false: tuple[str, ...] = ()
    failures: tuple[str, ...] | None = None   # None: not run


@dataclass(frozen=True)
class Pairing:
    """Counterparts this pack declares for another pack's powers (or another pack for this one's)."""

    then_pack: str
    now_pack: str
    file: str
    pairs: tuple[tuple[str, str, tuple[tuple[str, str], ...], str], ...]  # then id, then title, ((now id, title)), note
    new: tuple[tuple[str, str], ...]                                       # now powers no earlier power maps to
