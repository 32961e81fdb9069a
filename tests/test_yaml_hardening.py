"""Hostile or odd YAML gets one located line per problem, never a traceback.

Each case asserts the exact message and line. Most run with both libyaml's
parser and the pure-Python one, since a machine may lack libyaml.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Literal, Union

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from helpers import ROOT
from negotiator import yamlio
from negotiator.errors import InputError
from negotiator.pack.load import load_pack
from negotiator.validation import problems_from
from negotiator.vocab.places import profile_vocabulary
from negotiator.vocab.profile import parse_profile
from negotiator.yamlio import MAX_DEPTH, load_yaml, parse_yaml


def validate_place(doc):
    """A place profile read against the bundled pack's vocabulary."""
    return parse_profile(doc, profile_vocabulary(load_pack(ROOT / "rules" / "route-map-2010")))

LOADERS = [pytest.param(yaml.SafeLoader, id="python")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))

KENT = (ROOT / "places" / "kent.yaml").read_text(encoding="utf-8")
KENT_LINES = KENT.count("\n")


@pytest.fixture(params=LOADERS)
def loader(request, monkeypatch):
    monkeypatch.setattr(yamlio, "_Loader", request.param)
    return request.param


def errors(text: str, name: str = "f.yaml") -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_yaml(text, name)
    return [str(p) for p in caught.value.problems]


def file_errors(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_yaml(path, path.name)
    return [str(p) for p in caught.value.problems]


# 1. nesting ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line", [
    ("x: " + "[" * 5000 + "]" * 5000 + "\n", 2),
    ("x: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", 2),
    ("x:\n" + "- " * 5000 + "x\n", 3),
])
def test_deep_nesting_is_one_located_line(loader, text, line):
    assert errors("id: deep\n" + text) == [f"f.yaml:{line}: nested more than {MAX_DEPTH} levels deep"]


def test_deep_block_nesting_names_the_line_where_it_goes_too_deep(loader):
    text = "".join("  " * i + f"k{i}:\n" for i in range(150)) + "  " * 150 + "end\n"
    # the root mapping is level 1, so level 101 opens on line 101
    assert errors(text) == [f"f.yaml:{MAX_DEPTH + 1}: nested more than {MAX_DEPTH} levels deep"]


def test_nesting_up_to_the_limit_is_fine(loader):
    doc = parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH, "f.yaml")
    depth, data = 0, doc.data
    while isinstance(data, list):
        depth, data = depth + 1, (data[0] if data else None)
    assert depth == MAX_DEPTH


def test_aliases_cannot_nest_past_the_limit(loader):
    text = "a0: &a0 " + "[" * 90 + "]" * 90 + "\n" + "a1: &a1 " + "[" * 20 + "*a0" + "]" * 20 + "\n"
    assert errors(text) == [f"f.yaml:2: nested more than {MAX_DEPTH} levels deep once aliases are expanded"]


# 2. characters YAML does not allow -----------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x9f"])
def test_a_control_character_is_one_located_line(loader, char):
    assert errors(f"id: a\r\nname: b\r\nnotes: [c{char}]\r\n") == [
        f"f.yaml:3: contains a control character (U+{ord(char):04X}) that YAML does not allow"]


def test_a_nul_byte_in_a_file(loader, tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"id: a\nname: b\x00c\n")
    assert file_errors(path) == ["nul.yaml:2: contains a control character (U+0000) that YAML does not allow"]


def test_other_characters_yaml_forbids(loader):
    assert errors("id: a\nname: \ufffe\n") == ["f.yaml:2: contains a character (U+FFFE) that YAML does not allow"]
    assert errors("id: a\nname: x\udc80\n") == ["f.yaml:2: contains a character (U+DC80) that YAML does not allow"]


def test_tabs_and_a_byte_order_mark_are_allowed(loader):
    assert parse_yaml("\ufeffid: a\nname: 'b\tc'\n", "f.yaml").data == {"id": "a", "name": "b\tc"}


# 3. impossible dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, real", [
    ("2011-02-30", "a real date"), ("2011-13-01", "a real date"), ("2011-00-10", "a real date"),
    ("2011-01-01 25:00:00", "a real date and time"),
])
def test_an_impossible_date_is_one_located_line(loader, value, real):
    assert errors(f"name: Round\ndate: {value}\n") == [f"f.yaml:2: date: '{value}' is not {real}"]


def test_real_dates_still_load(loader):
    from datetime import date
    assert parse_yaml("date: 2012-02-29\n", "f.yaml").data == {"date": date(2012, 2, 29)}


def test_other_values_that_cannot_be_read(loader):
    assert errors("a: 0b_\nb: !!int abc\nc: !!bool maybe\n") == [
        "f.yaml:1: a: '0b_' cannot be read as a number",
        "f.yaml:2: b: 'abc' cannot be read as a number",
        "f.yaml:3: c: 'maybe' cannot be read as true/false",
    ]
    long = errors("a: " + "1" * 5000 + "\n")
    assert long == ["f.yaml:1: a: '" + "1" * 60 + "...' (5,000 characters) cannot be read as a number: longer "
                    "than 40 characters"]


# 4. tags ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    ("!!python/object:os.system x", "unknown YAML tag '!!python/object:os.system'"),
    ("!!python/object/apply:os.system ['ls']", "unknown YAML tag '!!python/object/apply:os.system'"),
    ("!foo bar", "unknown YAML tag '!foo'"),
    ("!foo {a: 1}", "unknown YAML tag '!foo'"),
    ("!!set {a: null}", "YAML tag '!!set' is not supported"),
    ("!!binary aGVsbG8=", "YAML tag '!!binary' is not supported"),
    ("!!str [a]", "YAML tag '!!str' cannot be used on a list"),
])
def test_a_tag_is_one_located_line(loader, value, message):
    assert errors(f"id: a\nname: {value}\n") == [f"f.yaml:2: name: {message}"]


def test_standard_tags_still_work(loader):
    data = parse_yaml("a: !!str 12\nb: !!int '12'\nd: !!map {x: 1}\n", "f.yaml").data
    assert data == {"a": "12", "b": 12, "d": {"x": 1}}


# 5. not UTF-8 ----------------------------------------------------------------------------------------------

def test_non_utf8_names_the_line_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: a\nname: café\nnotes: [naïve]\n".encode("utf-8").replace("ï".encode(), b"\xef"))
    assert file_errors(path) == [
        "latin1.yaml:3: not UTF-8 text (byte 0xEF: invalid continuation byte); save the file as UTF-8"]


def test_utf16_is_refused_on_line_1(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes("id: a\n".encode("utf-16"))
    assert file_errors(path) == ["utf16.yaml:1: not UTF-8 text (byte 0xFF: invalid start byte); save the file as UTF-8"]


# 6. aliases and big files ----------------------------------------------------------------------------------

def bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_refused_before_it_expands(loader):
    assert errors(bomb()) == ["f.yaml:6: more than 200,000 values once aliases are expanded; "
                              "write the data out without YAML anchors and aliases"]


def test_aliases_within_the_budget_expand_with_the_lines_of_their_anchor(loader):
    doc = parse_yaml("a: &a {x: 1}\nb: &b {y: *a}\nc: *b\nd:\n  - *b\n", "f.yaml")
    assert doc.data == {"a": {"x": 1}, "b": {"y": {"x": 1}}, "c": {"y": {"x": 1}}, "d": [{"y": {"x": 1}}]}
    assert doc.data["c"] is not doc.data["b"]
    assert doc.lines[("c",)] == 3 and doc.lines[("c", "y")] == 2 and doc.lines[("c", "y", "x")] == 1
    assert doc.lines[("d", 0)] == 5 and doc.lines[("d", 0, "y", "x")] == 1


def test_broken_aliases_are_located(loader):
    assert errors("a: *nope\nb: &r [1, *r]\n") == [
        "f.yaml:1: a: alias '*nope' has no anchor '&nope' before it",
        "f.yaml:2: b[1]: alias '*r' is used inside the value it names",
    ]


def test_too_many_values_in_all_is_one_located_line(loader, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_VALUES", 1000)
    assert len(parse_yaml("notes:\n" + "  - x\n" * 998, "f.yaml").data["notes"]) == 998
    assert errors("notes:\n" + "  - x\n" * 1000) == [
        "f.yaml:1000: holds more than 1,000 values; split it into smaller files"]
    many = "a: &a [" + ", ".join(["x"] * 400) + "]\nb: *a\nc: *a\n"
    assert errors(many) == ["f.yaml:3: holds more than 1,000 values; split it into smaller files"]


def test_nested_anchors_do_not_copy_their_lines(loader):
    text = "&a0 " + "".join(f"[&a{i} " for i in range(1, 90)) + "[" + "x, " * 20_000 + "x]" + "]" * 89 + "\n"
    assert len(parse_yaml(text, "f.yaml").lines) == 20_091


def big_profile(megabytes: float) -> str:
    head = KENT.split("notes:")[0] + "notes:\n"
    note = "  - Note {} - members are the 12 district councils of the county area, census table row.\n"
    count = int(megabytes * 2**20 / len(note.format(100000)))
    return head + "".join(note.format(i) for i in range(count))


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="libyaml is not installed")
def test_a_big_plain_profile_loads_with_its_lines(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(big_profile(5), encoding="utf-8")
    doc = load_yaml(path)
    place = validate_place(doc)
    assert len(place.notes) > 50_000
    assert doc.line_of(("notes", 50_000)) == KENT.split("notes:")[0].count("\n") + 2 + 50_000


def test_both_parsers_give_the_same_data_and_lines_for_every_yaml_file_in_the_repository(monkeypatch):
    files = sorted(p for p in ROOT.rglob("*.yaml") if ".venv" not in p.parts)
    assert len(files) > 40
    for path in files:
        text = path.read_text(encoding="utf-8")
        results = []
        for parser in [p.values[0] for p in LOADERS]:
            monkeypatch.setattr(yamlio, "_Loader", parser)
            try:
                doc = parse_yaml(text, "f")
                results.append((doc.data, doc.lines))
            except InputError as exc:
                results.append([(p.line, p.field) for p in exc.problems])
        assert all(r == results[0] for r in results), path
        if isinstance(results[0], tuple):
            assert results[0][0] == yaml.safe_load(text), path


# 7. files that are not files, or too big -------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_without_reading_it():
    with pytest.raises(InputError) as caught:
        load_yaml("/dev/zero")  # reading it would never end
    assert str(caught.value) == "/dev/zero: is not a regular file (a device)"


def test_a_file_over_the_size_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_BYTES", 2 * 2**20)
    path = tmp_path / "huge.yaml"
    path.write_text("notes:\n" + "  - x\n" * (2**20 // 3), encoding="utf-8")
    assert file_errors(path) == ["huge.yaml: is larger than 2 MB"]
    path.write_text("notes:\n" + "  - x\n" * 1000, encoding="utf-8")
    assert len(load_yaml(path).data["notes"]) == 1000


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="no /dev/fd")
def test_a_pipe_given_as_dev_fd_is_read_up_to_the_cap(monkeypatch):
    """As `--config <(...)` gives it: a pipe the command line names as /dev/fd/N."""
    monkeypatch.setattr(yamlio, "MAX_BYTES", 2**20)

    def feed(data: bytes) -> tuple[str, int, threading.Thread]:
        read, write = os.pipe()

        def send():
            try:
                with open(write, "wb") as out:
                    out.write(data)
            except BrokenPipeError:  # the reader stopped at the cap
                pass
        thread = threading.Thread(target=send, daemon=True)
        thread.start()
        return f"/dev/fd/{read}", read, thread

    name, read, writer = feed(b"id: piped\n")
    assert load_yaml(name).data == {"id": "piped"}
    os.close(read)  # the shell's end, as a command's exit closes it
    writer.join(5)
    name, read, writer = feed(b"notes:\n" + b"  - x\n" * 2**20)
    with pytest.raises(InputError, match="is larger than 1 MB"):
        load_yaml(name)
    os.close(read)  # the writer then meets a closed pipe instead of waiting on a full one
    writer.join(5)
    assert not writer.is_alive()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_is_refused_by_kind_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    assert file_errors(pipe) == ["pipe.yaml: is not a regular file (a named pipe (FIFO))"]


def test_a_folder_and_a_missing_file(tmp_path):
    assert file_errors(tmp_path) == [f"{tmp_path.name}: is a folder, expected a YAML file"]
    assert file_errors(tmp_path / "none.yaml") == ["none.yaml: no such file"]


# 8. keys with brackets -------------------------------------------------------------------------------------

def test_a_key_with_brackets_is_shown_as_written(loader):
    doc = parse_yaml(KENT + "grouping[x]: 1\n", "kent.yaml")
    with pytest.raises(InputError) as caught:
        validate_place(doc)
    assert [str(p) for p in caught.value.problems] == [
        f"kent.yaml:{KENT_LINES + 1}: grouping[x]: unknown field 'grouping[x]'; did you mean 'grouping'?"]


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    mode: Union[Literal["fast", "slow"], int] = "fast"
    tags: dict[str, int] = {}
    when: int


def test_pydantic_union_tags_are_still_dropped():
    doc = parse_yaml("mode: quick\ntags:\n  a[1]: x\n", "c.yaml")
    with pytest.raises(ValidationError) as caught:
        Choice.model_validate(doc.data)
    assert [str(p) for p in problems_from(caught.value, Choice, doc)] == [
        "c.yaml:1: mode: 'quick' is not one of: fast, slow",
        "c.yaml:1: mode: expected a whole number, got text 'quick'",
        "c.yaml:3: tags.a[1]: expected a whole number, got text 'x'",
        "c.yaml:1: when: required field is missing",
    ]


# 9. keys that are not text ---------------------------------------------------------------------------------

def test_keys_that_are_not_text_are_one_line_each(loader):
    assert errors("id: a\n1: x\ntrue: y\nnull: z\n[a]: b\n{c: d}: e\n2011-03-01: f\n") == [
        "f.yaml:2: key '1' is read as a number, not text; put it in quotes if it is a name",
        "f.yaml:3: key 'true' is read as true/false, not text; put it in quotes if it is a name",
        "f.yaml:4: key 'null' is read as nothing (null), not text; put it in quotes if it is a name",
        "f.yaml:5: a mapping key must be a plain name, not a list",
        "f.yaml:6: a mapping key must be a plain name, not a mapping",
        "f.yaml:7: key '2011-03-01' is read as a date, not text; put it in quotes if it is a name",
    ]


def test_quoted_keys_are_names(loader):
    assert parse_yaml("'1': x\n\"true\": y\n", "f.yaml").data == {"1": "x", "true": "y"}


def test_other_key_problems(loader):
    assert errors("a:\n  b: 1\n  ? \n  : 2\n  <<: {c: 3}\n  b: 4\n") == [
        "f.yaml:3: a: a mapping key is empty",
        "f.yaml:5: a: YAML merge keys ('<<') are not supported; write the fields out",
        "f.yaml:6: a.b: duplicate key 'b' (first given on line 2)",
    ]


# empty files and several documents -------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("\n  \n", "the file is empty"),
    ("# only\n# comments\n", "holds only comments, no data"),
])
def test_a_file_with_no_data(loader, text, message):
    assert errors(text) == [f"f.yaml:1: {message}"]


@pytest.mark.parametrize("text, line", [
    ("id: a\n---\nid: b\n", 2),
    ("---\nid: a\n...\n---\nid: b\n", 4),
    ("id: a\n---\n", 2),
])
def test_several_documents_are_one_located_line(loader, text, line):
    assert errors(text) == [f"f.yaml:{line}: holds several YAML documents; give one"]


# end to end ------------------------------------------------------------------------------------------------

COMMAND = Path(sys.executable).with_name("negotiator")
BAD_FILES = {
    "deep.yaml": (b"id: deep\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n", "2: nested more than 100 levels deep"),
    "nul.yaml": (b"id: a\nname: b\x00\n", "2: contains a control character (U+0000) that YAML does not allow"),
    "date.yaml": (b"id: a\ndate: 2011-02-30\n", "2: date: '2011-02-30' is not a real date"),
    "tag.yaml": (b"id: a\nname: !!python/object:os.system x\n",
                 "2: name: unknown YAML tag '!!python/object:os.system'"),
    "latin1.yaml": (b"id: a\nname: caf\xe9\n",
                    "2: not UTF-8 text (byte 0xE9: invalid continuation byte); save the file as UTF-8"),
    "key.yaml": (b"id: a\n1: x\n", "2: key '1' is read as a number, not text; put it in quotes if it is a name"),
    "docs.yaml": (b"id: a\n---\nid: b\n", "2: holds several YAML documents; give one"),
    "empty.yaml": (b"", "1: the file is empty"),
    "bomb.yaml": (bomb().encode(), "6: more than 200,000 values once aliases are expanded; "
                                   "write the data out without YAML anchors and aliases"),
    "bracket.yaml": ((KENT + "grouping[x]: 1\n").encode(),
                     f"{KENT_LINES + 1}: grouping[x]: unknown field 'grouping[x]'; did you mean 'grouping'?"),
}


@pytest.mark.skipif(not COMMAND.exists(), reason="the negotiator command is not installed next to python")
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_the_command_prints_one_error_line_and_exits_2(tmp_path, name):
    content, expected = BAD_FILES[name]
    (tmp_path / name).write_bytes(content)
    run = subprocess.run([str(COMMAND), "validate", name], capture_output=True, text=True, cwd=tmp_path,
                         timeout=60, env={**os.environ, "NEGOTIATOR_DEBUG": ""})
    assert run.returncode == 2, run.stderr
    assert run.stderr == f"Error: {name}:{expected}\n"
    assert "Traceback" not in run.stderr and "Internal error" not in run.stderr


@pytest.mark.skipif(not COMMAND.exists(), reason="the negotiator command is not installed next to python")
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_the_command_refuses_a_device_as_round_config(tmp_path):
    run = subprocess.run([str(COMMAND), "round", "--config", "/dev/zero", "--out", str(tmp_path / "out"), "-q"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr == "Error: /dev/zero: is not a regular file (a device)\n"


# malformed YAML in negotiator's words --------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("id: x\nname: [X\nmembers: [E06000052]\n",
     "f.yaml:3: malformed YAML (column 8): a list in [brackets] is not closed, or two of its items have no comma "
     "between them"),
    ("a: {b: 1\nc: 2\n", "f.yaml:2: malformed YAML (column 2): a mapping in {braces} is not closed, or two of its "
                         "fields have no comma between them"),
    ("id: x\n  name: X\n", "f.yaml:2: malformed YAML (column 7): a ': ' where a value was expected: a field indented "
                           "under a key that already has a value, or a value holding ': ' that needs quotes"),
    ('id: x\nname: "X\n', "f.yaml:3: malformed YAML (column 1): a quoted text is not closed (a quote mark with no "
                          "partner)"),
    ("a:\n\t- b\n", "f.yaml:2: malformed YAML (column 1): a tab: YAML indents with spaces only"),
    ('a: "x\\q"\n', "f.yaml:1: malformed YAML (column 7): a backslash in double-quoted text that starts no escape: "
                    "use single quotes, or write two backslashes for one"),
    ("a:\n  - b\n c: 1\n", "f.yaml:3: malformed YAML (column 2): the indentation does not match the lines above "
                           "(fields of one mapping start in one column, list items too)"),
])
def test_malformed_yaml_is_told_in_negotiators_words(text, expected):
    """Whatever the parser objects to, the message is ours (what is wrong, where, and what to do), never
    the parser's own wording of its states."""
    assert errors(text) == [expected]
