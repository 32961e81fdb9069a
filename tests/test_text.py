"""text.py: hostile text shown, never obeyed, in the terminal, Markdown and spreadsheets.

The properties, in words:
- terminal: the output never contains a character in the C0/C1 control ranges other than newline
  and tab, nor DEL, a bidi override or isolate, or a lone surrogate; text without any of those
  comes back unchanged.
- terminal_line: the output contains no control character at all (not even newline or tab) and no
  bidi override or isolate; it is terminal's output with newline and tab written as \\n and \\t.
- md_text: the output never contains '<', '>', a line break or a control character, and every
  Markdown punctuation character that can start a link, emphasis, code or math in it is escaped
  ('(', ')' and '!' stay: with '[' and ']' escaped they make no link or image, and read as plain
  text); a CommonMark parser renders it as one plain paragraph, no tags, showing exactly the input
  (line breaks as spaces, controls as terminal shows them, surrounding whitespace dropped).
- md_cell: the output never contains an unescaped '|', a '<' or a newline; put in a table row, the
  row keeps its number of cells and the cell shows exactly the input.
- csv_cell: the output, when a string, never starts with = + - @ tab or CR, nor with whitespace
  then = + - @; taking off the added quote gives the input back; numbers pass unchanged.
- json_safe_bytes: on UTF-8 JSON it writes what json_safe writes of the same text; on any bytes at all it
  replaces exactly what its pattern, scanned over the whole text, would (it only looks where a match can start).
"""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from negotiator.text import _JSON_UNSAFE_BYTES, csv_cell, json_safe, json_safe_bytes, md_cell, md_text, terminal, \
    terminal_line

B = "\\"  # one backslash, to keep the expected strings readable

# input, terminal, terminal_line, md_text, md_cell, csv_cell
HOSTILE = [
    ("<script>alert(1)</script>", "<script>alert(1)</script>", "<script>alert(1)</script>",
     r"&lt;script&gt;alert(1)&lt;/script&gt;", r"&lt;script&gt;alert(1)&lt;/script&gt;",
     "<script>alert(1)</script>"),
    ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>",
     r"&lt;img src=x onerror=alert(1)&gt;", r"&lt;img src=x onerror=alert(1)&gt;",
     "<img src=x onerror=alert(1)>"),
    ("[click](javascript:alert(1))", "[click](javascript:alert(1))", "[click](javascript:alert(1))",
     r"\[click\](javascript\:alert(1))", r"\[click\](javascript\:alert(1))",
     "[click](javascript:alert(1))"),
    ("![x](http://evil/x.png)", "![x](http://evil/x.png)", "![x](http://evil/x.png)",
     r"!\[x\](http\://evil/x.png)", r"!\[x\](http\://evil/x.png)", "![x](http://evil/x.png)"),
    ("a|b\nc", "a|b\nc", r"a|b\nc", "a|b c", r"a\|b c", "a|b\nc"),
    ('=HYPERLINK("http://evil","x")', '=HYPERLINK("http://evil","x")', '=HYPERLINK("http://evil","x")',
     r'\=HYPERLINK("http\://evil","x")', r'\=HYPERLINK("http\://evil","x")',
     '\'=HYPERLINK("http://evil","x")'),
    ("+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0",
     r"\+cmd|' /C calc'!A0", r"\+cmd\|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "-2+3", "-2+3", r"\-2+3", r"\-2+3", "'-2+3"),
    ("@SUM(A1)", "@SUM(A1)", "@SUM(A1)", r"@SUM(A1)", r"@SUM(A1)", "'@SUM(A1)"),
    ("\x1b[31mred", r"\x1b[31mred", r"\x1b[31mred", r"\\x1b\[31mred", r"\\x1b\[31mred", "\x1b[31mred"),
    ("\x1b]0;title\x07", r"\x1b]0;title\x07", r"\x1b]0;title\x07", r"\\x1b\]0;title\\x07",
     r"\\x1b\]0;title\\x07", "\x1b]0;title\x07"),
    ("\x1b[2J", r"\x1b[2J", r"\x1b[2J", r"\\x1b\[2J", r"\\x1b\[2J", "\x1b[2J"),
    ("\u202eevil", r"\u202eevil", r"\u202eevil", r"\\u202eevil", r"\\u202eevil", "\u202eevil"),
    # more of the same families
    ("tab\there\r\n", "tab\there\\x0d\n", r"tab\there\x0d\n", "tab here", "tab here", "tab\there\r\n"),
    ("\x9b31m C1 CSI, \x7f DEL, \x00 NUL", r"\x9b31m C1 CSI, \x7f DEL, \x00 NUL",
     r"\x9b31m C1 CSI, \x7f DEL, \x00 NUL", r"\\x9b31m C1 CSI, \\x7f DEL, \\x00 NUL",
     r"\\x9b31m C1 CSI, \\x7f DEL, \\x00 NUL", "\x9b31m C1 CSI, \x7f DEL, \x00 NUL"),
    ("\u2066isolate\u2069 bad-\udcff-byte", r"\u2066isolate\u2069 bad-\udcff-byte",
     r"\u2066isolate\u2069 bad-\udcff-byte", r"\\u2066isolate\\u2069 bad-\\udcff-byte",
     r"\\u2066isolate\\u2069 bad-\\udcff-byte", "\u2066isolate\u2069 bad-\udcff-byte"),
    ("<http://evil> www.evil.com", "<http://evil> www.evil.com", "<http://evil> www.evil.com",
     r"&lt;http\://evil&gt; www\.evil.com", r"&lt;http\://evil&gt; www\.evil.com", "<http://evil> www.evil.com"),
    ("# *bold* _it_ `code` ~~del~~ $x$ \\", "# *bold* _it_ `code` ~~del~~ $x$ \\", "# *bold* _it_ `code` ~~del~~ $x$ \\",
     r"\# \*bold\* \_it\_ \`code\` \~\~del\~\~ \$x\$ \\", r"\# \*bold\* \_it\_ \`code\` \~\~del\~\~ \$x\$ \\",
     "# *bold* _it_ `code` ~~del~~ $x$ \\"),
    ("1. not a list & Tom's", "1. not a list & Tom's", "1. not a list & Tom's", r"1\. not a list & Tom's",
     r"1\. not a list & Tom's", "1. not a list & Tom's"),
    ("&amp; &#38; &#x26; &copy;", "&amp; &#38; &#x26; &copy;", "&amp; &#38; &#x26; &copy;",
     "&amp;amp; &amp;#38; &amp;#x26; &amp;copy;", "&amp;amp; &amp;#38; &amp;#x26; &amp;copy;",
     "&amp; &#38; &#x26; &copy;"),
    ("1.0.0", "1.0.0", "1.0.0", "1.0.0", "1.0.0", "1.0.0"),
    ("2) not a list (either)", "2) not a list (either)", "2) not a list (either)", r"2\) not a list (either)",
     r"2\) not a list (either)", "2) not a list (either)"),
    ("  \t=1+1", "  \t=1+1", r"  \t=1+1", r"\=1+1", r"\=1+1", "'  \t=1+1"),
    ("\r=cmd", r"\x0d=cmd", r"\x0d=cmd", r"\=cmd", r"\=cmd", "'\r=cmd"),
    ("Kent (County), Method: sum", "Kent (County), Method: sum", "Kent (County), Method: sum",
     r"Kent (County), Method: sum", r"Kent (County), Method: sum", "Kent (County), Method: sum"),
]


@pytest.mark.parametrize("text, want_terminal, want_line, want_md, want_cell, want_csv", HOSTILE,
                         ids=[repr(h[0])[1:30] for h in HOSTILE])
def test_hostile_text_exactly(text, want_terminal, want_line, want_md, want_cell, want_csv):
    assert terminal(text) == want_terminal
    assert terminal_line(text) == want_line
    assert md_text(text) == want_md
    assert md_cell(text) == want_cell
    assert csv_cell(text) == want_csv


def test_the_backslash_written_for_esc_is_one_backslash():
    assert terminal("\x1b") == B + "x1b" and len(terminal("\x1b")) == 4


@pytest.mark.parametrize("value", [-2, -2.5, 0, 3, 1e9, float("-inf"), None, True])
def test_numbers_and_non_strings_pass_csv_cell_unchanged(value):
    assert csv_cell(value) is value


def test_functions_take_any_object():
    assert terminal(3) == "3" and md_text(None) == "None" and md_cell(-2) == r"\-2"


# --- properties ---------------------------------------------------------------------------------

HOSTILE_PIECES = ["<", ">", "&", "|", "\\", "[", "]", "(", ")", "!", "*", "_", "`", "~", "$", "#", "-", "+", "=", "@",
                  ":", ".", " ", "\n", "\r", "\t", "\x1b", "\x07", "\x9b", "\x7f", "\x00", "\u202e", "\u2066", "\u2028",
                  "\udcff", "a", "1", "www", "http://", "javascript:", "<script>", "](", "&amp;", "é", "£"]
hostile = st.one_of(st.text(), st.lists(st.sampled_from(HOSTILE_PIECES), max_size=30).map("".join))

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def escaped(text: str, i: int) -> bool:
    """Whether the character at i follows an odd run of backslashes."""
    run = len(text[:i]) - len(text[:i].rstrip("\\"))
    return run % 2 == 1


def visible(text: str) -> str:
    """What the Markdown should show: one line, controls shown as terminal shows them, no surrounding space."""
    return terminal(re.sub("\r\n|[\n\r\t\x0b\x0c\x85\u2028\u2029]", " ", text)).strip()


@settings(max_examples=500)
@given(hostile)
def test_terminal_output_has_no_control_characters_but_newline_and_tab(text):
    out = terminal(text)
    assert not CONTROL.search(out)
    if not CONTROL.search(text):
        assert out == text


@settings(max_examples=500)
@given(hostile)
def test_terminal_line_output_has_no_control_characters_at_all(text):
    out = terminal_line(text)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", out)
    assert out == terminal(text).replace("\n", "\\n").replace("\t", "\\t")


def markdown():
    markdown_it = pytest.importorskip("markdown_it")  # installed with rich
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@settings(max_examples=500, deadline=None)
@given(hostile)
def test_md_text_renders_as_exactly_the_text_and_nothing_else(text):
    out = md_text(text)
    assert not re.search("[<>\n\r]", out) and not CONTROL.search(out)
    for i, ch in enumerate(out):
        if ch in "[]*_`~$":
            assert escaped(out, i), (out, i)
    rendered = markdown().render(out)
    if not visible(text):
        assert rendered == ""
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n") and rendered.count("<") == 2, rendered
    assert html.unescape(rendered[3:-5]) == visible(text)


@settings(max_examples=500, deadline=None)
@given(hostile)
def test_md_cell_keeps_a_table_row_one_row(text):
    out = md_cell(text)
    assert "<" not in out and "\n" not in out
    for i, ch in enumerate(out):
        if ch == "|":
            assert escaped(out, i), (out, i)
    rendered = markdown().render(f"| a | b | c |\n|---|---|---|\n| x | {out} | z |\n")
    body = rendered.split("<tbody>")[1]
    cells = re.findall(r"<td>(.*?)</td>", body, flags=re.S)
    assert body.count("<tr>") == 1 and len(cells) == 3, rendered
    assert cells[0] == "x" and cells[2] == "z"
    assert html.unescape(cells[1]) == visible(text)


@settings(max_examples=500)
@given(st.one_of(hostile, st.integers(), st.floats(allow_nan=False)))
def test_csv_cell_output_never_starts_a_formula(value):
    out = csv_cell(value)
    if not isinstance(value, str):
        assert out is value
        return
    assert not re.match(r"[=+\-@\t\r]|\s*[=+\-@]", out)
    formula_like = re.match(r"[=+\-@\t\r]|\s*[=+\-@]", value) is not None  # what a spreadsheet would run
    assert out == ("'" + value if formula_like else value)


@settings(max_examples=500)
@given(hostile)
def test_json_safe_bytes_writes_what_json_safe_writes(text):
    assume(not any("\ud800" <= c <= "\udfff" for c in text))  # lone surrogates are not UTF-8: JSON never holds them
    assert json_safe_bytes(text.encode("utf-8")) == json_safe(text).encode("utf-8")


@settings(max_examples=1000)
@given(st.lists(st.sampled_from([b"a", b"\x7f", b"\xc2", b"\x80", b"\x9f", b"\xa0", b"\xe2", b"\x81", b"\xa6",
                                 b"\xa9", b"\xa8", b"\xae", b"\xaf", b"\\u"]), max_size=40).map(b"".join))
def test_json_safe_bytes_replaces_what_its_pattern_matches_anywhere(data):
    whole = _JSON_UNSAFE_BYTES.sub(lambda m: f"\\u{ord(m.group().decode('utf-8')):04x}".encode(), data)
    assert json_safe_bytes(data) == whole
