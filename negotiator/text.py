"""Hostile text made harmless for the terminal, Markdown and spreadsheets.

Place names, sources, notes, round configs and rule packs are files anyone can write, and their
text reaches the terminal, round.md and round.csv. (HTML is escaped where it is built and JSON is
safe by construction.) These pure functions take any text and return text that shows the same
words but cannot act:

terminal(text)
    For text printed to a terminal. Control characters are shown, not obeyed: every C0 control
    except newline and tab (so ESC, which starts colour, cursor and title sequences, BEL, CR,
    backspace...), DEL, every C1 control (U+0080-U+009F, including the one-character CSI U+009B)
    becomes a backslash escape ``\\xNN``: ESC is the four characters ``\\x1b``. The rest of an
    escape sequence (``[31m``) is plain text once its ESC is gone. Bidirectional override and
    isolate characters (U+202A-U+202E, U+2066-U+2069: the "Trojan Source" characters that make a
    terminal show text in another order than it is) become ``\\u202e`` and so on, and lone
    surrogates (undecodable bytes in file names) ``\\udcff``, so printing never fails. A backslash
    already in the text is left as it is, so a literal ``\\x1b`` typed by someone looks the same
    as an escaped ESC: harmless, and Windows paths stay readable.
terminal_line(text)
    As terminal, and newline and tab become ``\\n`` and ``\\t``: for one-line contexts (``Error:``
    lines, table cells) where a newline could forge a second, innocent-looking line.
md_text(text)
    Inline Markdown that renders as exactly the text: line breaks (and tabs) become spaces,
    surrounding whitespace goes, control characters are escaped as by terminal (a .md file is
    also read with cat), then ``&``, ``<``, ``>`` become entities (no raw HTML, no ``<scheme:...>``
    autolinks), and ``\\ [ ] * _ ` ~ $`` are backslash-escaped (no links, images, emphasis, code or
    math; with ``[`` and ``]`` escaped, ``(``, ``)`` and ``!`` cannot make a link or an image, so they
    stay as they are and the file reads as plain text too). A ``:`` between a letter or digit and more text (``javascript:alert``,
    ``http://``, ``data:``, ``mailto:``, but also ``12:30``) is escaped and so is the ``.`` of
    ``www.``: that stops GitHub's extended autolinks. At the start, where the text may begin a line, ``#``, ``-``, ``+``, ``=``
    and the ``.`` of ``1. `` (or ``)`` of ``1) ``) are escaped so it cannot become a heading, list or rule. (GitHub still
    turns a bare e-mail address into a mailto link: that happens after parsing, on plain text.)
md_cell(text)
    As md_text, and ``|`` is escaped, so a table row stays one row with its columns.
json_safe(text), json_safe_bytes(data)
    For JSON text already serialised: DEL, every C1 control (U+0085 and the CSI U+009B among them),
    the line and paragraph separators U+2028 and U+2029 and the bidi overrides and isolates, which
    JSON allows raw inside strings, become ``\\u`` escapes (``\\u202e``), so ``cat round.json`` cannot
    reorder or recolour a terminal and the text stays the same JSON value. (C0 controls are escaped
    by every JSON writer already.) These characters can only occur inside strings, so the whole text
    may be passed.
html_safe(text)
    For an HTML page already rendered (and escaped): C0 controls except tab and newline, DEL, C1,
    the separators, bidi overrides and isolates and lone surrogates become visible backslash escapes
    as in terminal(), so neither a browser nor ``cat`` acts on them. Markup never needs them, so the
    whole page may be passed.
csv_cell(value)
    A string a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, tab
    or carriage return, or with one of these after leading whitespace) gets a leading ``'``, as
    OWASP's CSV injection guidance says; other strings are unchanged. Numbers given as numbers
    (int, float) pass unchanged, negative ones too, so numeric columns stay numeric; a number
    given as a string such as "-2" is treated as text and prefixed.

This module imports nothing from the rest of the package.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["terminal", "terminal_line", "md_text", "md_cell", "csv_cell", "json_safe", "json_safe_bytes",
           "html_safe"]

# C0 except tab and newline, DEL, C1, bidi overrides/isolates, lone surrogates.
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_TERMINAL_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: object) -> str:
    """Text safe to print: control, bidi and surrogate characters escaped; newline and tab kept."""
    return _TERMINAL.sub(_escape, str(text))


def terminal_line(text: object) -> str:
    """Text safe to print on one line: as terminal, with newline and tab escaped as well."""
    return _terminal_line(text) if type(text) is str else _TERMINAL_LINE.sub(_escape, str(text))


@lru_cache(maxsize=1 << 16)
def _terminal_line(text: str) -> str:
    return _TERMINAL_LINE.sub(_escape, text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The same characters in UTF-8: DEL; C2 80-9F (C1); E2 80 A8-AE (U+2028-U+202E); E2 81 A6-A9 (U+2066-U+2069).
_JSON_UNSAFE_BYTES = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
_HTML_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _u_escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_safe(text: str) -> str:
    """Serialised JSON with the characters a terminal would act on escaped (same JSON value)."""
    return _JSON_UNSAFE.sub(_u_escape, text)


#: The first bytes of what _JSON_UNSAFE_BYTES matches; none of its matches holds another of them past its first.
_JSON_LEADS = (b"\x7f", b"\xc2", b"\xe2")


def json_safe_bytes(data: bytes) -> bytes:
    """As json_safe, for UTF-8 JSON bytes.

    The pattern is tried only where one of its first bytes is (found by bytes.find, at C speed): a regular
    expression scanning the whole text tried every position, and took a third of writing round.json. Its
    matches cannot overlap, so these are the matches re.sub replaces."""
    spans = []
    for lead in _JSON_LEADS:
        at = data.find(lead)
        while at >= 0:
            found = _JSON_UNSAFE_BYTES.match(data, at)
            if found:
                spans.append(found.span())
            at = data.find(lead, at + 1)
    if not spans:
        return data
    spans.sort()
    out: list[bytes] = []
    last = 0
    for start, end in spans:
        out += (data[last:start], f"\\u{ord(data[start:end].decode('utf-8')):04x}".encode())
        last = end
    out.append(data[last:])
    return b"".join(out)


def html_safe(text: str) -> str:
    """A rendered HTML page with control, separator, bidi and surrogate characters shown as escapes."""
    return _HTML_UNSAFE.sub(_escape, text)


_BREAKS = re.compile("\r\n|[\n\r\t\x0b\x0c\x85\u2028\u2029]")
_MD_INLINE = (
    r"[\\<>\[\]*_`~${cell}]"
    r"|&(?=#?[A-Za-z0-9]+;)"          # an '&' that would start an entity (&amp;, &#38;); "Christchurch & Poole" stays
    r"|(?<=[A-Za-z0-9+.\-]):(?=\S)"  # the ':' of javascript:alert(1), http://, data:, mailto:
    r"|(?<=[Ww][Ww][Ww])\."           # the '.' of www.
)
_MD = re.compile(_MD_INLINE.replace("{cell}", ""))
_MD_CELL = re.compile(_MD_INLINE.replace("{cell}", "|"))
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINE_START = re.compile(r"^(?:[#+=-]|[0-9]+(?=[.)](?:\s|$)))")  # heading, list, rule; "1. ", "1) " (not "1.0")


def _md_escape(match: re.Match) -> str:
    ch = match.group()
    return _ENTITY.get(ch, "\\" + ch)


def _md(text: object, pattern: re.Pattern) -> str:
    plain = terminal(_BREAKS.sub(" ", str(text))).strip()
    escaped = pattern.sub(_md_escape, plain)
    start = _LINE_START.match(escaped)
    if start:
        if start.group()[0].isdigit():  # "1." or "1)" would start an ordered list
            escaped = start.group() + "\\" + escaped[start.end():]
        else:
            escaped = "\\" + escaped
    return escaped


@lru_cache(maxsize=1 << 16)
def _md_str(text: str, cell: bool) -> str:
    return _md(text, _MD_CELL if cell else _MD)


def md_text(text: object) -> str:
    """Inline Markdown that shows exactly `text` on one line: no HTML, links, images or emphasis."""
    return _md_str(text, False) if type(text) is str else _md(text, _MD)


def md_cell(text: object) -> str:
    """As md_text, with '|' escaped too, for a cell of a Markdown table."""
    return _md_str(text, True) if type(text) is str else _md(text, _MD_CELL)


_FORMULA = re.compile(r"^(?:[\t\r]|\s*[=+\-@])")


def csv_cell(value):
    """A CSV cell a spreadsheet will not run: formula-like strings get a leading "'"; numbers pass."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value
