"""Place profiles: identity common to every pack, and facts as declared by the packs.

A profile names the place (`id`, `name`, `members`, `sources`, `notes`) and
states facts in the vocabulary of one or more rule packs, as nested mappings
(`grouping: {status: ...}` states the fact `grouping.status`). Any fact may be
given as a history, each value with the date it took effect:

    grouping:
      status:
        - {value: statutory_city_region, from: 2009-12-01, source: AGMA agreement}
        - {value: combined_authority, from: 2011-04-01}

An evaluation is as of a date: the value in force on that date is used, and
before its first date the fact is unknown. A measurement (a fact declared
`measured: true`, such as a Census population) is not "in force" from a date:
the measurement nearest the as-of date is used. A fact that is left out is
unknown, never false.

A place lives in time. `exists: {from: DATE, until: DATE, source: TEXT}`
gives the first day it exists and the first day it no longer does (either may
be left out: it existed before the register begins, or still exists);
`last_seen: DATE` is the last day a source records it existing, where no end
is sourced: after that day (and before `until`, if given) whether it exists is
unknown, and a round or an evaluation of such a date says so; a round,
a sweep or the England set on another date leaves the place out and says why
(vocab/timeline.py). `members` is a list of council codes, or a history of
lists (`- {value: [E07...], from: DATE, source: TEXT}`), the list in force on a
date being used (before its first date, the first list). Member codes are those
of the council register (vocab/councils.py: the Census table and
negotiator/data/councils.yaml); on a date, a member that has ceased is read as
its successors and one not yet created as its predecessors, where they cover
the same area, so councils' kinds and populations follow the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from ..errors import InputError, Problem, nearest
from .footprint_facts import PREFIX as FOOTPRINT
from .footprint_facts import footprint_facts
from ..yamlio import Located
from ..months import months_between
from .facts import NEVER, NEVER_MONTHS, FactDecl, Vocabulary, describe

IDENTITY = ("id", "name", "members", "sources", "notes", "exists")
EXISTS_KEYS = ("from", "until", "last_seen", "source", "note")
ENTRY_KEYS = ("value", "from", "source", "note")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_ID = 80


@dataclass(frozen=True)
class Entry:
    """One value of a fact, with the date it took effect (None: holds at every date)."""

    value: Any
    start: date | None = None
    source: str | None = None
    note: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Profile:
    """A validated place profile."""

    id: str
    name: str
    members: tuple[str, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    facts: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    file: str = ""
    exists_from: date | None = None
    exists_until: date | None = None
    exists_source: str = ""
    member_history: tuple[Entry, ...] = ()   # dated member lists (value: a tuple of codes); () when undated
    exists_last_seen: date | None = None     # the last day a source records it existing (None: no such bound)

    def exists(self, on: date) -> bool:
        """Whether the place is known to exist on `on` (from its `exists` dates; always, when it states none)."""
        return self.existence(on) is True

    def existence(self, on: date) -> bool | None:
        """True when the place exists on `on`, False when it does not, None when that is unknown (after the
        last day a source records it, with no sourced end)."""
        if (self.exists_from is not None and on < self.exists_from) or \
                (self.exists_until is not None and on >= self.exists_until):
            return False
        if self.exists_last_seen is not None and on > self.exists_last_seen:
            return None
        return True

    def members_at(self, on: date) -> tuple[str, ...]:
        """The member list in force on `on` (before the first dated list: the first list)."""
        if not self.member_history:
            return self.members
        current = self.member_history[0].value
        for entry in self.member_history:
            if entry.start is None or entry.start <= on:
                current = entry.value
        return current

    def entry_at(self, decl: FactDecl, as_of: date) -> Entry | None:
        """The entry of a fact that holds on `as_of`, or None when it is unknown then."""
        history = self.facts.get(decl.name)
        if not history:
            return None
        if decl.measured:
            dated = [(e.start, e) for e in history if e.start is not None]
            if not dated:
                return history[-1]
            return min(dated, key=lambda d: (abs((d[0] - as_of).days), d[0]))[1]
        current = None
        for entry in history:
            if entry.start is None or entry.start <= as_of:
                current = entry
        return current

    def stated(self, name: str) -> bool:
        return name in self.facts

    def with_changes(self, changes: dict[str, Any], start: date | None = None) -> "Profile":
        """A copy with some facts replaced (None makes a fact unknown); used by what-if and policy cases."""
        facts = dict(self.facts)
        members = self.members
        for name, value in changes.items():
            if name == "members":
                members = tuple(value)
            elif value is None:
                facts.pop(name, None)
            else:
                facts[name] = (Entry(value, start, "changed by the user"),)
        history = () if members is not self.members else self.member_history
        return Profile(self.id, self.name, members, self.sources, self.notes, facts, self.file,
                       self.exists_from, self.exists_until, self.exists_source, history, self.exists_last_seen)


def _slug_problem(value: Any, what: str) -> str | None:
    if not isinstance(value, str):
        return f"expected an id (text), got {describe(value)}"
    if len(value) > MAX_ID:
        return f"an {what} has at most {MAX_ID} characters"
    if not SLUG.fullmatch(value):
        return f"'{value}' is not a slug (lower-case letters, digits and single hyphens)"
    return None


def _text_list(doc: Located, key: str, required: bool, problems: list[Problem]) -> tuple[str, ...]:
    value = doc.data.get(key)
    if value is None:
        if required:
            problems.append(doc.problem((key,), "required field is missing", code="missing"))
        return ()
    if not isinstance(value, list):
        problems.append(doc.problem((key,), f"expected a list of text, got {describe(value)}"))
        return ()
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.append(doc.problem((key, i), f"expected text, got {describe(item)}"))
        else:
            out.append(item)
    if required and not value:
        problems.append(doc.problem((key,), "give at least one"))
    return tuple(out)


def parse_profile(doc: Located, vocab: Vocabulary) -> Profile:
    """Validate a parsed YAML document as a profile; report every problem at once."""
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), f"expected a mapping of fields, got {describe(doc.data)}")])
    data = doc.data
    problems: list[Problem] = []

    pid = data.get("id")
    if pid is None:
        problems.append(doc.problem(("id",), "required field is missing", code="missing"))
    elif (msg := _slug_problem(pid, "id")):
        problems.append(doc.problem(("id",), msg))
    name = data.get("name")
    if name is None:
        problems.append(doc.problem(("name",), "required field is missing", code="missing"))
    elif not isinstance(name, str) or not name.strip():
        problems.append(doc.problem(("name",), "expected a name (text that is not blank)"))
    elif len(name) > 1000:
        problems.append(doc.problem(("name",), "a name has at most 1,000 characters"))

    members: list[str] = []
    history: tuple[Entry, ...] = ()
    raw_members = data.get("members")
    if raw_members is None:
        problems.append(doc.problem(("members",), "required field is missing", code="missing"))
    elif not isinstance(raw_members, list) or not raw_members:
        problems.append(doc.problem(("members",), "expected a non-empty list of ONS council codes"))
    elif all(_is_entry(item) for item in raw_members):
        history = _member_history(doc, raw_members, problems)
        members = list(history[-1].value) if history else []
    else:
        members = _member_list(doc, ("members",), raw_members, problems)
    sources = _text_list(doc, "sources", True, problems)
    notes = _text_list(doc, "notes", False, problems)
    exists_from, exists_until, exists_source, last_seen = _exists(doc, data.get("exists"), problems)

    stated, prefixes = vocab.stated_and_prefixes  # the same for every profile read with this vocabulary
    facts: dict[str, tuple[Entry, ...]] = {}
    for key, value in data.items():
        if key in IDENTITY:
            continue
        _walk(doc, (key,), value, stated, prefixes, facts, problems)
    if problems:
        raise InputError(problems)
    assert isinstance(pid, str) and isinstance(name, str)  # else a problem was recorded above
    return Profile(pid, name, tuple(members), sources, notes, facts, doc.file, exists_from, exists_until,
                   exists_source, history, last_seen)


def member_list(doc: Located, path: tuple, raw: Any, problems: list[Problem]) -> list[str]:
    """A list of member council codes, each a council of the register, each once (for policy cases too)."""
    return _member_list(doc, path, raw, problems)


def _member_list(doc: Located, path: tuple, raw: Any, problems: list[Problem]) -> list[str]:
    """A list of member council codes, each a council of the register, each once."""
    from .councils import register
    if not isinstance(raw, list) or not raw:
        problems.append(doc.problem(path, "expected a non-empty list of ONS council codes"))
        return []
    known = register().councils
    out: list[str] = []
    for i, code in enumerate(raw):
        if not isinstance(code, str) or code not in known:
            by_name = {c.name.lower(): c.code for c in known.values()}
            hint = by_name.get(str(code).lower()) or nearest(str(code), known)
            problems.append(doc.problem(path + (i,), f"'{code}' is not a council code of the register (the 2011/2021 "
                                                     "Census table and negotiator/data/councils.yaml)", hint))
        elif code in out:
            problems.append(doc.problem(path + (i,), f"council {code} is listed twice"))
        else:
            out.append(code)
    return out


def _member_history(doc: Located, raw: list, problems: list[Problem]) -> tuple[Entry, ...]:
    """Dated member lists: each {value: [codes], from: DATE, source: TEXT}, dates increasing."""
    entries: list[Entry] = []
    before = len(problems)
    for i, item in enumerate(raw):
        for k in item:
            if k not in ENTRY_KEYS:
                problems.append(doc.problem(("members", i, k), f"unknown field '{k}' in a dated member list",
                                            nearest(str(k), ENTRY_KEYS)))
        start = as_date(item.get("from"))
        if not isinstance(start, date):
            problems.append(doc.problem(("members", i, "from"), "each member list in a history needs the date it "
                                                                "took effect (from), like 2023-04-01"))
            start = None
        if not isinstance(item.get("source"), str) or not item["source"].strip():
            problems.append(doc.problem(("members", i, "source"), "each dated member list needs a source (text)"))
        codes = _member_list(doc, ("members", i, "value"), item.get("value"), problems)
        entries.append(Entry(tuple(codes), start, item.get("source"), item.get("note"), doc.line_of(("members", i))))
    starts = [e.start for e in entries if e.start is not None]  # all of them when no problem was recorded
    if len(problems) == before and starts != sorted(set(starts)):
        problems.append(doc.problem(("members",), "the dates of a member history must be in increasing order, "
                                                  "each once"))
    return tuple(entries) if len(problems) == before else ()


def _exists(doc: Located, raw: Any,
            problems: list[Problem]) -> tuple[date | None, date | None, str, date | None]:
    """`exists: {from, until, last_seen, source}`: the first day the place exists, the first day it no longer
    does, and the last day a source records it (after which, with no sourced end, its existence is unknown)."""
    if raw is None:
        return None, None, "", None
    if not isinstance(raw, dict):
        problems.append(doc.problem(("exists",), "expected a mapping: {from: DATE, until: DATE, last_seen: DATE, "
                                                 "source: TEXT}"))
        return None, None, "", None
    before = len(problems)
    for k in raw:
        if k not in EXISTS_KEYS:
            problems.append(doc.problem(("exists", k), f"unknown field '{k}' in exists", nearest(str(k), EXISTS_KEYS)))
    found: dict[str, date | None] = {}
    for k in ("from", "until", "last_seen"):
        value = as_date(raw.get(k))
        if value is not None and not isinstance(value, date):
            problems.append(doc.problem(("exists", k), f"expected a date like 2024-05-07, got {describe(value)}", code="bad_date"))
            value = None
        found[k] = value
    if found["from"] is None and found["until"] is None and found["last_seen"] is None and len(problems) == before:
        problems.append(doc.problem(("exists",), "give from, until, last_seen or more than one"))
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(doc.problem(("exists", "source"), "the dates a place exists need a source (text)"))
        source = ""
    if found["from"] and found["until"] and found["from"] >= found["until"]:
        problems.append(doc.problem(("exists", "until"), "until (the first day the place no longer exists) must be "
                                                         "after from"))
    seen = found["last_seen"]
    if seen and found["from"] and seen < found["from"]:
        problems.append(doc.problem(("exists", "last_seen"), "last_seen (the last day a source records the place) "
                                                             "must not be before from"))
    if seen and found["until"] and seen >= found["until"]:
        problems.append(doc.problem(("exists", "last_seen"), "last_seen (the last day a source records the place) "
                                                             "must be before until (the first day it no longer "
                                                             "exists)"))
    if len(problems) != before:
        return None, None, "", None
    return found["from"], found["until"], source, seen


def _walk(doc: Located, path: tuple, value: Any, stated: dict[str, FactDecl], prefixes: frozenset[str],
          facts: dict[str, tuple[Entry, ...]], problems: list[Problem]) -> None:
    if not all(isinstance(p, str) for p in path):
        problems.append(doc.problem(path, "a field name must be text"))
        return
    name = ".".join(path)
    decl = stated.get(name)
    if decl is not None:
        history = _history(doc, path, value, decl, problems)
        if history:
            facts[name] = history
        return
    if name in prefixes:
        if not isinstance(value, dict):
            inner = sorted(n for n in stated if n.startswith(name + "."))
            problems.append(doc.problem(path, f"expected a mapping of facts ({', '.join(inner[:4])}"
                                              f"{', ...' if len(inner) > 4 else ''}), got {describe(value)}"))
            return
        for key, sub in value.items():
            _walk(doc, path + (key,), sub, stated, prefixes, facts, problems)
        return
    parent = ".".join(path[:-1])
    siblings = {n[len(parent) + 1:].split(".")[0] if parent else n.split(".")[0]
                for n in list(stated) + list(prefixes) if not parent or n.startswith(parent + ".")}
    siblings |= set() if parent else set(IDENTITY)
    problems.append(doc.problem(path, f"unknown field '{path[-1]}'", nearest(str(path[-1]), siblings)))


def as_date(value: Any) -> Any:
    """A date given as ISO text (as JSON carries it) read as a date; anything else unchanged."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _is_entry(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value


def _history(doc: Located, path: tuple, value: Any, decl: FactDecl, problems: list[Problem]) -> tuple[Entry, ...]:
    """A fact's value, or its dated history, validated against the declaration."""
    if value is None:
        return ()  # stated as unknown
    if isinstance(value, list) and value and all(_is_entry(v) for v in value):
        raw = [(path + (i,), v) for i, v in enumerate(value)]
    elif _is_entry(value):
        raw = [(path, value)]
    elif isinstance(value, dict):
        problems.append(doc.problem(path, "a dated value is a mapping with value and from (and a source); "
                                          f"keys given: {', '.join(map(str, value))}", "value"))
        return ()
    else:
        if decl.type == "date":
            value = as_date(value)
        if not _fits(doc, path, decl, value, problems):
            return ()
        return (Entry(value, None, None, None, doc.line_of(path)),)
    entries: list[Entry] = []
    ok = True
    for where, item in raw:
        extra = [k for k in item if k not in ENTRY_KEYS]
        for k in extra:
            problems.append(doc.problem(where + (k,), f"unknown field '{k}' in a dated value",
                                        nearest(str(k), ENTRY_KEYS)))
            ok = False
        start = as_date(item.get("from"))
        if start is not None and not (isinstance(start, date)):
            problems.append(doc.problem(where + ("from",), f"expected a date like 2011-04-01, got {describe(start)}", code="bad_date"))
            ok = False
            start = None
        if start is None and len(raw) > 1:
            problems.append(doc.problem(where, "each value in a history needs the date it took effect (from)"))
            ok = False
        for k in ("source", "note"):
            if k in item and (not isinstance(item[k], str) or not item[k].strip()):
                problems.append(doc.problem(where + (k,), f"expected text, got {describe(item[k])}"))
                ok = False
        v = as_date(item["value"]) if decl.type == "date" else item["value"]
        if v is not None and not _fits(doc, where + ("value",), decl, v, problems):
            ok = False
        entries.append(Entry(v, start, item.get("source"), item.get("note"), doc.line_of(where)))
    starts = [e.start for e in entries if e.start is not None]
    if ok and starts != sorted(set(starts)):
        problems.append(doc.problem(path, "the dates of a history must be in increasing order, each once"))
        ok = False
    # a value of null in a history means "unknown from this date" (e.g. a body abolished)
    return tuple(entries) if ok else ()


def _fits(doc: Located, path: tuple, decl: FactDecl, value: Any, problems: list[Problem]) -> bool:
    """Whether a value fits its declaration; each problem located (a list's bad item by its index)."""
    if decl.type == "list" and isinstance(value, list):
        before = len(problems)
        for i, item in enumerate(value):
            found = decl.problem_with([item]) if isinstance(item, str) else ("expected an id (text)", None)
            if found:
                problems.append(doc.problem(path + (i,), found[0], found[1], code=_code(found)))
            elif value.index(item) != i:
                problems.append(doc.problem(path + (i,), f"'{item}' is listed twice"))
        return len(problems) == before
    found = decl.problem_with(value)
    if found:
        problems.append(doc.problem(path, found[0], found[1], code=_code(found)))
        return False
    return True


def _code(found: tuple[str, str | None]) -> str:
    """A value that does not fit its fact: a misspelt choice (with a suggestion) or a bad value."""
    return "unknown_name" if found[1] else "bad_value"


def facts_at(profile: Profile, vocab: Vocabulary, as_of: date) -> dict[str, Any]:
    """Every fact the pack reads, as of a date: the stated value in force, computed facts, or None (unknown)."""
    out: dict[str, Any] = {}
    requested: list[str] | None = None
    footprint: dict[str, Any] | None = None
    if vocab.requests:
        entry = profile.entry_at(vocab.facts[vocab.requests], as_of)
        requested = list(entry.value) if entry is not None and entry.value is not None else None
    for name, decl in vocab.facts.items():
        if not decl.computed:
            entry = profile.entry_at(decl, as_of)
            out[name] = None if entry is None else entry.value
    for name, decl in vocab.facts.items():
        if not decl.computed:
            continue
        if name == "member_count":
            out[name] = len(members_as_of(profile, as_of))
        elif name == "requested_count":
            out[name] = None if requested is None else len(requested)
        elif name.startswith("requested."):
            out[name] = None if requested is None else name.split(".", 1)[1] in requested
        elif name.startswith(FOOTPRINT):
            if footprint is None:
                footprint = footprint_facts(frozenset(profile.members), as_of)
            out[name] = footprint.get(name)
        elif name.endswith("@months"):
            value = out.get(name[: -len("@months")])
            out[name] = None if value is None else (NEVER_MONTHS if value == NEVER else months_between(value, as_of))
    return out


def members_as_of(profile: Profile, as_of: date) -> tuple[str, ...]:
    """The place's member councils on `as_of`, following the council register: a member that has ceased is
    read as its successors, one not yet created as its predecessors, where they cover the same area (otherwise,
    and for a place with no such change, the members as stated)."""
    from .councils import register
    stated = profile.members_at(as_of)
    members, problems = register().members_on(stated, as_of)
    return stated if problems else members


def unsourced(profile: Profile) -> list[str]:
    """Stated facts with no source: neither on a dated value nor as a 'fact: ...' line under sources."""
    keys = {s.split(":", 1)[0].strip() for s in profile.sources if ":" in s}
    out = []
    for name, history in profile.facts.items():
        if any(e.source for e in history):
            continue
        parts = name.split(".")
        if not any(".".join(parts[:i]) in keys for i in range(1, len(parts) + 1)):
            out.append(name)
    return sorted(out)


def iter_values(profile: Profile) -> Iterable[tuple[str, Entry]]:
    for name, history in sorted(profile.facts.items()):
        for entry in history:
            yield name, entry
