"""Text for people fitted to a width: every line longer than the width is wrapped at word boundaries.

A wrapped line continues under its own text: indented as the line was, plus the width of its list
marker (`- `, `* `, `1. `, `✓ `, `✗ `, `? `) or two spaces. A word is never split, so a path, a URL
or an id longer than the width stays whole on a line of its own (the only line that may then be
longer than the width). Lines that fit are left exactly as they are, so fitting twice changes
nothing. Widths are counted in characters (the marks used are one column wide).
"""

from __future__ import annotations

import re
import textwrap

_MARKER = re.compile(r"(\s*)((?:[-*•✓✗?=]|\d+\.|\[[ x]\])\s+)?")
MIN_WIDTH = 30


def fit_line(line: str, width: int, hang: str | None = None) -> list[str]:
    """One line wrapped to `width`; continuation lines start with `hang` when given (a column), else as
    the module's docstring says."""
    if len(line) <= width or len(line.split()) <= 1:
        return [line]
    if hang is None:
        m = _MARKER.match(line)
        assert m is not None  # the pattern matches the empty string
        indent, marker = m.group(1), m.group(2) or ""
        hang = indent + " " * (len(marker) if marker else 2)
    if len(hang) > width // 2:  # deep indents: keep some room for words
        hang = " " * (width // 2)
    return textwrap.wrap(line, width=width, subsequent_indent=hang, break_long_words=False,
                         break_on_hyphens=False, drop_whitespace=True) or [line]


def fit(text: str, width: int) -> str:
    """`text` with every line wrapped to `width` columns at word boundaries (see the module's docstring)."""
    width = max(MIN_WIDTH, width)
    end = "\n" if text.endswith("\n") else ""
    lines = text[: len(text) - len(end)].split("\n")
    return "\n".join(out for line in lines for out in fit_line(line, width)) + end
