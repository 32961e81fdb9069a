"""Strict YAML loading that remembers the line of every key and value.

PyYAML builds plain dicts and forgets where things were; error messages need
the line. We read the parser's event stream ourselves (libyaml's C parser when
it is installed) and build the data without recursion, keeping a map from
field path to line number. On the way we refuse, each with one located line:
duplicate keys, keys that are not text, unknown tags, impossible dates, nesting
deeper than MAX_DEPTH, aliases that expand past MAX_ALIAS_NODES values (a
"billion laughs"), more than MAX_VALUES values in all, several documents in
one file, characters YAML does not allow, text that is not UTF-8, and files
that are not regular files or are larger than MAX_BYTES.
"""

from __future__ import annotations

import copy
import gc
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bounds import MAX_NUMBER_TEXT, date_problem
from .errors import InputError, Problem

PathKey = tuple[Any, ...]

#: Deepest nesting of lists and mappings accepted (place profiles need about 3).
MAX_DEPTH = 100
#: Most values that aliases may add once expanded; plain values written out in full do not count.
MAX_ALIAS_NODES = 200_000
#: Most values in one file, aliases included. Memory grows by a few hundred bytes a value (more when deeply
#: nested), so this keeps a hostile file within about 2 GB; a 52 MB place profile holds about 0.5 million.
MAX_VALUES = 2_000_000
#: Largest file read, in bytes.
MAX_BYTES = 256 * 2**20

#: PyYAML, imported by the first parse (`_pyyaml`): a command that parses no YAML (a one-place `evaluate` with
#: its pack, vocabulary and profile cached) does not pay for importing it, about a tenth of such a command.
yaml: Any = None
#: libyaml's parser when PyYAML was built with it, else the pure-Python one; both give the same events.
_Loader: Any = None


def _pyyaml() -> None:
    """Import PyYAML and choose its parser, once."""
    global yaml, _Loader
    if yaml is None:
        import yaml as module
        yaml = module
    if _Loader is None:
        _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Located:
    """Parsed YAML data with the line of each path (1-based)."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: PathKey, message: str, suggestion: str | None = None, code: str = "input") -> Problem:
        return Problem(
            file=self.file,
            line=self.line_of(path),
            field=dotted(path) or None,
            message=message,
            suggestion=suggestion,
            code=code,
        )


def dotted(path: PathKey) -> str:
    """`('powers', 3, 'id')` -> `powers[3].id`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def load_yaml(path: Path | str, display: str | None = None) -> Located:
    """Load one YAML document; raise InputError naming file and line on any problem."""
    path = Path(path)
    name = display or str(path)
    return parse_bytes(read_yaml_bytes(path, name), name)


def parse_bytes(data: bytes, name: str) -> Located:
    """Parse a file's bytes (UTF-8 YAML) into a Located document; raise InputError naming file and line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8")
        line = _line_at(before, len(before))
        raise InputError([Problem(name, f"not UTF-8 text (byte 0x{data[exc.start]:02X}: {exc.reason}); "
                                        "save the file as UTF-8", line=line, code="yaml")]) from None
    return parse_yaml(text, name)


def read_yaml_bytes(path: Path, name: str) -> bytes:
    """The bytes of a regular file (or a pipe given as /dev/fd/N) of at most MAX_BYTES; never read more than
    MAX_BYTES + 1. Named pipes, devices, sockets and link loops are refused by kind before reading (bounds)."""
    from .bounds import read_bytes
    return read_bytes(path, name, MAX_BYTES, expected="a YAML file")


def parse_yaml(text: str, name: str) -> Located:
    """Parse YAML text into a Located document.

    libyaml reads ahead of the events it hands over and has limits of its own (0.2.6 stops at 1,000 levels
    of nesting with "exceeded maximum nesting depth", before our builder sees level 101). So when the C
    parser refuses a text, the pure-Python parser, which has no such limits, reads it again: the problem
    reported is then always negotiator's own located message (or PyYAML's, for text that is not YAML),
    whatever the PyYAML and libyaml versions.
    """
    _pyyaml()
    try:
        return _parse(text, name, _Loader)
    except _ParserRefused:
        return _parse(text, name, yaml.SafeLoader, fallback=False)


# What the parser found, in negotiator's words (never the parser's, which name its own states: "expected
# <block end>, but found '-'"), each with what to do: (words in the parser's problem or context, ours).
_MALFORMED = (
    (("tab", "'\\t'"), "a tab: YAML indents with spaces only"),
    (("escape",), "a backslash in double-quoted text that starts no escape: use single quotes, or write two "
                  "backslashes for one"),
    (("flow sequence", "',' or ']'"), "a list in [brackets] is not closed, or two of its items have no comma "
                                      "between them"),
    (("flow mapping", "',' or '}'"), "a mapping in {braces} is not closed, or two of its fields have no comma "
                                     "between them"),
    (("quoted scalar",), "a quoted text is not closed (a quote mark with no partner)"),
    (("mapping values are not allowed",), "a ': ' where a value was expected: a field indented under a key that "
                                          "already has a value, or a value holding ': ' that needs quotes"),
    (("could not find expected ':'",), "a line that is neither 'key: value' nor a list item '- ...'"),
    (("block end", "block mapping", "block collection"), "the indentation does not match the lines above (fields "
                                                         "of one mapping start in one column, list items too)"),
    (("block scalar",), "a block of text (after | or >) is not indented under its key"),
    (("alias", "anchor"), "an anchor or alias (& or *) that is not written as YAML expects"),
    (("node content",), "a value is missing where one is expected (after '- ', ': ' or a tag)"),
    (("document",), "more text after the data where none is expected"),
)


def malformed_words(problem: str | None, context: str | None) -> str:
    """What is wrong with text the YAML parser refuses, in our words with what to do (see _MALFORMED)."""
    said = f"{problem or ''} {context or ''}"
    for keys, words in _MALFORMED:
        if any(k in said for k in keys):
            return words
    return "not YAML as written here: check this line's indentation, quotes and brackets, and the line before"


class _ParserRefused(Exception):
    """The C parser stopped with an error of its own; read the text again with the pure-Python parser."""


def _parse(text: str, name: str, loader_class, fallback: bool = True) -> Located:
    doc = Located(file=name, data=None)
    builder = _Builder(doc)
    loader = None
    retry = fallback and loader_class is not yaml.SafeLoader
    collecting = gc.isenabled()
    gc.disable()  # the builder makes millions of small tuples and no cycles; collecting meanwhile costs ~15%
    try:
        loader = loader_class(text)
        builder.run(loader)
    except _Fatal as fatal:
        raise InputError(builder.problems + [fatal.problem]) from None
    except (yaml.reader.ReaderError, UnicodeEncodeError):
        raise InputError([_bad_character(text, name)]) from None
    except yaml.MarkedYAMLError as exc:
        if retry:
            raise _ParserRefused from None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        where = f" (column {mark.column + 1})" if mark else ""
        what = malformed_words(exc.problem, exc.context)
        raise InputError(builder.problems + [Problem(name, f"malformed YAML{where}: {what}", line=line,
                                                     code="yaml")]) from None
    except yaml.YAMLError:
        if retry:
            raise _ParserRefused from None
        raise InputError(builder.problems + [Problem(name, f"malformed YAML: {malformed_words(None, None)}",
                                                     code="yaml")]) from None
    except RecursionError:  # the builder does not recurse; this guards copying and the parsers themselves
        raise InputError([Problem(name, f"nested more than {MAX_DEPTH} levels deep", code="yaml")]) from None
    finally:
        if collecting:
            gc.enable()
        if loader is not None:
            loader.dispose()
    if builder.empty:
        only_comments = bool(text.strip().lstrip("\ufeff"))
        raise InputError([Problem(name, "holds only comments, no data" if only_comments else "the file is empty",
                                  line=1, code="yaml")])
    if builder.problems:
        raise InputError(builder.problems)
    return doc


# Characters YAML 1.1 forbids in a stream (PyYAML's reader.NON_PRINTABLE): compiled when a file holds one (a class
# of most of Unicode takes about 5 ms to compile, a fortieth of a cold `evaluate` that never needs it).
_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]"
_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _line_at(text: str, index: int) -> int:
    """The 1-based line of `text[index]`, counting line breaks as YAML does."""
    return len(_BREAKS.findall(text, 0, index)) + 1


def _bad_character(text: str, name: str) -> Problem:
    found = re.search(_NON_PRINTABLE, text)
    if found is None:
        return Problem(name, "contains a character that YAML does not allow", code="yaml")
    char = found.group()
    what = "a control character" if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F else "a character"
    return Problem(name, f"contains {what} (U+{ord(char):04X}) that YAML does not allow",
                   line=_line_at(text, found.start()), code="yaml")


class _Fatal(Exception):
    """A problem after which the rest of the file cannot be read sensibly."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


_YAML = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _YAML + "str", _YAML + "map", _YAML + "seq"
#: Tags a value may carry, and what a key of that kind is read as.
_SCALAR_KINDS = {
    _STR: "text", _YAML + "int": "a number", _YAML + "float": "a number", _YAML + "bool": "true/false",
    _YAML + "null": "nothing (null)", _YAML + "timestamp": "a date",
}
#: Tags YAML defines that negotiator does not read.
_UNSUPPORTED = {_YAML + n for n in ("binary", "set", "omap", "pairs", "merge", "value", "yaml")}
#: Resolved implicitly from plain `<<` and `=`; read as text except where they would mean something.
_MERGE, _VALUE = _YAML + "merge", _YAML + "value"
_TIMESTAMP = _YAML + "timestamp"
_INT, _FLOAT = _YAML + "int", _YAML + "float"

_NO_KEY = object()  # a mapping frame waiting for a key
_SKIP = object()  # a mapping frame whose next value is dropped (after a bad or duplicate key)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


@dataclass
class _Anchor:
    value: Any
    base: int  # length of the anchored node's path
    start: int  # the lines recorded inside it are _Builder.log[start:end], its own line excluded
    end: int
    count: int  # values it stands for once expanded
    depth: int  # levels of nesting inside it (0 for a single value)


_NO_ANCHOR = _Anchor(None, 0, 0, 0, 1, 0)


class _Frame:
    """An open list or mapping."""

    __slots__ = ("value", "path", "record", "is_map", "key", "child", "anchor", "log_start", "count", "depth",
                 "drop")

    def __init__(self, value, path, record, is_map, anchor, log_start, drop):
        self.value, self.path, self.record, self.is_map = value, path, record, is_map
        self.anchor, self.log_start, self.drop = anchor, log_start, drop
        self.key: Any = _NO_KEY
        self.child: PathKey = ()
        self.count, self.depth = 1, 1


class _Builder:
    """Builds plain data and the line map from parser events, with an explicit stack instead of recursion."""

    def __init__(self, doc: Located):
        self.doc = doc
        self.problems: list[Problem] = []
        self.empty = False
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: dict[str, int] = {}
        self.log: list[tuple[PathKey, int]] = []  # lines recorded while an anchor is open, for its aliases
        self.expanded = 0
        self.dropping = 0

    # -- helpers -----------------------------------------------------------------------------------------

    def problem(self, path: PathKey, line: int, message: str) -> None:
        if self.dropping:  # inside a list or mapping used as a key, which is reported as a whole
            return
        self.problems.append(Problem(self.doc.file, message, line=line, field=dotted(path) or None, code="yaml"))

    def fatal(self, line: int, message: str) -> _Fatal:
        return _Fatal(Problem(self.doc.file, message, line=line, code="yaml"))

    def mark(self, path: PathKey, line: int, record: bool) -> None:
        if record:
            self.doc.lines.setdefault(path, line)
        if self.open_anchors:
            self.log.append((path, line))

    def resolve(self, value: str) -> str:
        """The tag of a plain scalar (Resolver.resolve, without its call overhead for the usual tables)."""
        table = self.implicit
        if table is None:
            return self.loader.resolve(yaml.ScalarNode, value, (True, False))
        for tag, pattern in table.get(value[:1], ()):
            if pattern.match(value):
                return tag
        return _STR

    def scalar(self, event, path: PathKey, line: int) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return event.value  # quoted, or tagged with the non-specific '!': text
            tag = self.resolve(event.value)
        if tag == _STR or tag in (_MERGE, _VALUE) and event.tag is None:
            return event.value
        if tag not in _SCALAR_KINDS:
            self.problem(path, line, self.tag_message(tag, "a single value"))
            return None
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        if tag in (_INT, _FLOAT) and len(event.value) > MAX_NUMBER_TEXT:  # before converting it
            self.problem(path, line, f"{_quote(event.value)} cannot be read as a number: longer than "
                                     f"{MAX_NUMBER_TEXT} characters")
            return None
        try:
            value = self.loader.yaml_constructors[tag](self.loader, node)
            found = date_problem(value) if tag == _TIMESTAMP else None
            if found:
                self.problem(path, line, found)
                return None
            return value
        except (ValueError, OverflowError, KeyError, TypeError, yaml.YAMLError):
            if tag == _TIMESTAMP:
                found = self.loader.timestamp_regexp.match(event.value)
                real = "a real date" if found is None or found.group("hour") is None else "a real date and time"
                self.problem(path, line, f"{_quote(event.value)} is not {real}")
            else:
                self.problem(path, line, f"{_quote(event.value)} cannot be read as {_SCALAR_KINDS[tag]}")
            return None

    def tag_message(self, tag: str, what: str) -> str:
        if tag in _SCALAR_KINDS or tag in (_MAP, _SEQ):
            return f"YAML tag '{_show_tag(tag)}' cannot be used on {what}"
        if tag in _UNSUPPORTED:
            return f"YAML tag '{_show_tag(tag)}' is not supported"
        return f"unknown YAML tag '{_show_tag(tag)}'"

    def alias(self, event, path: PathKey, line: int) -> _Anchor | None:
        """The anchor an alias names, counted against the expansion budget; None (reported) if there is none."""
        name = event.anchor
        if name in self.open_anchors:
            self.problem(path, line, f"alias '*{name}' is used inside the value it names")
            return None
        found = self.anchors.get(name)
        if found is None:
            self.problem(path, line, f"alias '*{name}' has no anchor '&{name}' before it")
            return None
        self.expanded += found.count
        if self.expanded > MAX_ALIAS_NODES:
            raise self.fatal(line, f"more than {MAX_ALIAS_NODES:,} values once aliases are expanded; "
                                   "write the data out without YAML anchors and aliases")
        return found

    # -- the event loop ------------------------------------------------------------------------------------

    def run(self, loader) -> None:
        self.loader = loader
        get = loader.get_event
        ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
        SequenceStartEvent, MappingStartEvent = yaml.SequenceStartEvent, yaml.MappingStartEvent
        SequenceEndEvent, MappingEndEvent = yaml.SequenceEndEvent, yaml.MappingEndEvent
        setdefault, resolve = self.doc.lines.setdefault, self.resolve
        table = loader.yaml_implicit_resolvers
        self.implicit = None if table.get(None) or loader.yaml_path_resolvers else table
        get()  # StreamStartEvent
        event = get()
        if isinstance(event, yaml.StreamEndEvent):
            self.empty = True
            return
        stack: list[_Frame] = []
        self.stack = stack
        values = 0
        TOO_MANY = f"holds more than {MAX_VALUES:,} values; split it into smaller files"
        done = False
        while not done:
            event = get()
            kind = type(event)
            line = event.start_mark.line + 1

            if kind is SequenceEndEvent or kind is MappingEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    self.close_anchor(frame)
                value, count, depth = frame.value, frame.count, frame.depth
                if frame.drop:  # a list or mapping used as a key: already reported
                    self.dropping -= 1
                    parent = stack[-1]
                    parent.key = _SKIP
                    parent.child = parent.path
                    continue
            else:
                # where the new node goes
                if not stack:
                    path, record = (), True
                else:
                    top = stack[-1]
                    if not top.is_map:
                        path, record = top.path + (len(top.value),), top.record
                    elif top.key is _NO_KEY:
                        self.key(event, top, line)
                        continue
                    else:
                        path, record = top.child, top.record and top.key is not _SKIP

                values += 1
                if values > MAX_VALUES:
                    raise self.fatal(line, TOO_MANY)
                if kind is ScalarEvent:
                    if record:
                        setdefault(path, line)
                    if self.open_anchors:
                        self.log.append((path, line))
                    value = event.value
                    if event.tag is not None or event.implicit[0] and resolve(value) != _STR:
                        value = self.scalar(event, path, line)
                    count, depth = 1, 0
                    if event.anchor is not None:
                        self.anchors[event.anchor] = _Anchor(value, 0, 0, 0, 1, 0)
                elif kind is AliasEvent:
                    found = self.alias(event, path, line) or _NO_ANCHOR
                    values += found.count - 1
                    if values > MAX_VALUES:
                        raise self.fatal(line, TOO_MANY)
                    if len(stack) + found.depth > MAX_DEPTH:
                        raise self.fatal(line, f"nested more than {MAX_DEPTH} levels deep once aliases are expanded")
                    self.mark(path, line, record)
                    log, cut = self.log, found.base
                    for i in range(found.start, found.end):
                        inside, at = log[i]
                        self.mark(path + inside[cut:], at, record)
                    value = copy.deepcopy(found.value) if isinstance(found.value, (dict, list)) else found.value
                    count, depth = found.count, found.depth
                elif kind is SequenceStartEvent or kind is MappingStartEvent:
                    self.open(event, kind is MappingStartEvent, path, record, line, stack, drop=False)
                    continue
                else:  # DocumentStart/End and the like cannot come inside a document
                    raise self.fatal(line, f"unexpected {kind.__name__}")

            # attach the finished node to its parent
            if not stack:
                self.doc.data = value
                done = True
                continue
            parent = stack[-1]
            parent.count += count
            if depth + 1 > parent.depth:
                parent.depth = depth + 1
            if not parent.is_map:
                parent.value.append(value)
            else:
                if parent.key is not _SKIP:
                    parent.value[parent.key] = value
                parent.key = _NO_KEY
        get()  # DocumentEndEvent
        event = get()
        if not isinstance(event, yaml.StreamEndEvent):
            raise self.fatal(event.start_mark.line + 1, "holds several YAML documents; give one")

    def open(self, event, is_map: bool, path: PathKey, record: bool, line: int, stack: list, drop: bool) -> None:
        if len(stack) >= MAX_DEPTH:
            raise self.fatal(line, f"nested more than {MAX_DEPTH} levels deep")
        tag = event.tag
        if tag is not None and tag != "!" and tag != (_MAP if is_map else _SEQ):
            self.problem(path, line, self.tag_message(tag, "a mapping" if is_map else "a list"))
        if not drop:
            self.mark(path, line, record)
        if drop:
            self.dropping += 1
        anchor = event.anchor
        if anchor is not None:
            self.open_anchors[anchor] = self.open_anchors.get(anchor, 0) + 1
        stack.append(_Frame({} if is_map else [], path, record and not drop, is_map, anchor, len(self.log), drop))

    def close_anchor(self, frame: _Frame) -> None:
        name = frame.anchor
        self.anchors[name] = _Anchor(frame.value, len(frame.path), frame.log_start, len(self.log), frame.count,
                                     frame.depth)
        self.open_anchors[name] -= 1
        if not self.open_anchors[name]:
            del self.open_anchors[name]

    def key(self, event, frame: _Frame, line: int) -> None:
        """Take `event` as the next key of the mapping `frame`."""
        kind = type(event)
        where = frame.path
        if kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
            what = "a mapping" if kind is yaml.MappingStartEvent else "a list"
            self.problem(where, line, f"a mapping key must be a plain name, not {what}")
            # read the key's contents into a frame that is dropped when it closes
            self.open(event, kind is yaml.MappingStartEvent, where, False, line, self.stack, drop=True)
            return
        if kind is yaml.AliasEvent:
            found = self.alias(event, where, line)
            if found is None:
                frame.key = _SKIP
                return
            key, raw = found.value, event.anchor
            if not isinstance(key, str):
                self.problem(where, line, f"key '*{raw}' is read as {_kind_of(key)}, not text; "
                                          "write the name out in place of the alias")
                frame.key = _SKIP
                return
        elif kind is yaml.ScalarEvent:
            raw, tag = event.value, event.tag
            if tag is None or tag == "!":
                tag = self.resolve(raw) if event.implicit[0] else _STR
            if tag == _MERGE and event.tag is None:
                self.problem(where, line, "YAML merge keys ('<<') are not supported; write the fields out")
                frame.key = _SKIP
                return
            if tag != _STR and not (tag == _VALUE and event.tag is None):
                if raw == "" and tag == _YAML + "null":
                    message = "a mapping key is empty"
                elif tag in _SCALAR_KINDS and len(raw) == 3 and raw.isdigit():
                    # `{value: 1,463,740}`: the commas of a number split it into keys '463' and '740'
                    message = ("a number written with thousands separators (such as 1,463,740) is read as several "
                               "entries; write it without commas (1463740)")
                    if any(p.line == line and p.message == message for p in self.problems):
                        frame.key = _SKIP
                        return
                elif tag in _SCALAR_KINDS:
                    message = f"key {_quote(raw)} is read as {_SCALAR_KINDS[tag]}, not text; put it in quotes if it is a name"
                else:
                    message = self.tag_message(tag, "a key")
                self.problem(where, line, message)
                frame.key = _SKIP
                if event.anchor is not None:
                    self.anchors[event.anchor] = _NO_ANCHOR
                return
            key = raw
            if event.anchor is not None:
                self.anchors[event.anchor] = _Anchor(key, 0, 0, 0, 1, 0)
        else:
            raise self.fatal(line, f"unexpected {kind.__name__}")
        child = frame.path + (key,)
        if key in frame.value:
            first = self.doc.lines.get(child)
            after = f" (first given on line {first})" if first is not None and frame.record else ""
            self.problem(child, line, f"duplicate key {_quote(key)}{after}")
            frame.key = _SKIP
            return
        if frame.record:
            self.doc.lines[child] = line
        if self.open_anchors:
            self.log.append((child, line))
        frame.key, frame.child = key, child


def _quote(text: str, limit: int = 60) -> str:
    """`text` in quotes for a message, shortened if long."""
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit]}...' ({len(text):,} characters)"


def _kind_of(value: Any) -> str:
    return {type(None): "nothing (null)", bool: "true/false", int: "a number", float: "a number",
            list: "a list", dict: "a mapping"}.get(type(value), "a date")
