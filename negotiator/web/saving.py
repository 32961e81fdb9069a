"""Writing a profile as YAML laid out as the bundled profiles are (`POST /api/save`)."""

from __future__ import annotations

from typing import Any

def _comment(text: Any) -> str:
    from ..text import terminal_line
    return terminal_line(text).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _put(data: dict, parts: list[str], value: Any) -> None:
    """Set (or, for None, remove) a dotted fact in nested profile data, pruning emptied mappings."""
    head, rest = parts[0], parts[1:]
    if not rest:
        if value is None:
            data.pop(head, None)
        else:
            data[head] = value
        return
    child = data.get(head)
    if not isinstance(child, dict):
        if value is None:
            return
        child = {}
        data[head] = child
    _put(child, rest, value)
    if not child:
        data.pop(head, None)


class _Flow(dict):
    """A dated value, written on one line: {value: ..., from: ..., source: ...}."""


class _FlowList(list):
    """A list of ids (members, powers), written on one line."""


def _dumper():
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(),
                                                                     flow_style=True))
    Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v,
                                                                        flow_style=True))
    return Dumper


_Dumper = _dumper()


def _plain(value: Any, key: Any = None) -> Any:
    """Data laid out as the bundled profiles are: a dated value and a list of ids on one line, text in a
    list one item a line; a date a JSON profile gives as text in `from` is written as a date."""
    from ..vocab.profile import as_date
    if isinstance(value, dict):
        out = {k: _plain(v, k) for k, v in value.items()}
        return _Flow(out) if "value" in value else out
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        ids = all(isinstance(v, (str, int, float, bool)) and not (isinstance(v, str) and " " in v) for v in value)
        return _FlowList(items) if ids else items
    if key == "from":
        return as_date(value)
    return value
