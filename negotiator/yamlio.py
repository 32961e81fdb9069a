"""Strict YAML loading that remembers the line of every key and value.

PyYAML builds plain dicts and forgets where things were; error messages need
the line. We compose the node tree ourselves, reject duplicate keys, and keep a
map from field path to line number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

PathKey = tuple[Any, ...]


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

    def problem(self, path: PathKey, message: str, suggestion: str | None = None) -> Problem:
        return Problem(
            file=self.file,
            line=self.line_of(path),
            field=dotted(path) or None,
            message=message,
            suggestion=suggestion,
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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(name, "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a folder, expected a YAML file")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise InputError([Problem(name, f"cannot be read ({exc.strerror})")]) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Located:
    """Parse YAML text into a Located document."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        raise InputError([Problem(name, f"malformed YAML: {what}", line=line)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    doc = Located(file=name, data=None)
    if node is None:
        raise InputError([Problem(name, "the file is empty", line=1)])
    problems: list[Problem] = []
    budget = [MAX_NODES]
    try:
        doc.data = _build(node, (), doc, loader, problems, budget)
    except _TooBig:
        raise InputError([Problem(name, f"more than {MAX_NODES:,} values once aliases are expanded; "
                                        "write the data out without YAML anchors and aliases")]) from None
    if problems:
        raise InputError(problems)
    return doc


MAX_NODES = 200_000


class _TooBig(Exception):
    """Raised when aliases expand a small file into a huge document (a 'billion laughs')."""


def _build(node: yaml.Node, path: PathKey, doc: Located, loader, problems: list[Problem], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig()
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(doc.file, "a mapping key must be a plain name",
                                        line=key_node.start_mark.line + 1, field=dotted(path) or None))
                continue
            key = loader.construct_object(key_node)
            child = path + (key,)
            if key in out:
                problems.append(Problem(
                    doc.file,
                    f"duplicate key '{key}' (first given on line {doc.lines[child]})",
                    line=key_node.start_mark.line + 1,
                    field=dotted(child),
                ))
                continue
            doc.lines[child] = key_node.start_mark.line + 1
            out[key] = _build(value_node, child, doc, loader, problems, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), doc, loader, problems, budget) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problems.append(Problem(doc.file, f"bad value: {exc}", line=node.start_mark.line + 1,
                                field=dotted(path) or None))
        return None
