"""End to end: hostile text in place profiles and a round config is shown, never obeyed.

Places whose names, grouping names, notes and sources carry HTML, Markdown links, spreadsheet
formulas, terminal escape sequences and bidi overrides go through `negotiator round`, `evaluate`
and `explain`; the reports and the terminal output must neutralise all of it (text.py).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
import yaml

from helpers import ROOT, cli, without_own_script

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [SCRIPT, "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "![x](http://evil/x.png)", "a|b\nc",
           '=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\x1b[31mred",
           "\x1b]0;title\x07", "\x1b[2J", "\u202eevil", "\x85next", "\x9b31m", "\u2066iso\u2069", "\u2028sep",
           "\x08back"]
FORMULAS = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
ALL = " ".join(HOSTILE)
# Every control character but newline (and tab), DEL, C1, bidi overrides and isolates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# As CONTROL, with the line and paragraph separators: what no JSON or HTML output may carry raw.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def hostile_place(source: str, name: str) -> dict:
    data = yaml.safe_load((ROOT / "places" / f"{source}.yaml").read_text())
    data["name"] = name
    # known to show no sign of failure, so that the round has tranches to lay out (test data, not a fact)
    data.setdefault("capacity", {})["failure_warning"] = False
    data.setdefault("grouping", {})["name"] = ALL
    data["notes"] = data.get("notes", []) + HOSTILE
    data["sources"] = data["sources"] + [f"capacity: {h}" for h in HOSTILE]
    return data


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    places = root / "places"
    places.mkdir()
    # Each formula leads one name, so it starts a CSV cell; the rest of the hostile text follows.
    for source, formula in zip(("kent", "essex", "birmingham", "wiltshire"), FORMULAS):
        (places / f"{source}.yaml").write_text(yaml.safe_dump(hostile_place(source, f"{formula} {ALL}"),
                                                              allow_unicode=True, sort_keys=False))
    for source in ("greater-manchester", "tower-hamlets"):  # and two bundled places as they are
        (places / f"{source}.yaml").write_text((ROOT / "places" / f"{source}.yaml").read_text())
    config = root / "round.yaml"
    config.write_text(yaml.safe_dump({
        "name": f"Round {ALL}", "date": datetime.date(2011, 3, 1), "description": ALL, "capacity": 3,
        "population_base": {"name": f"England {ALL}", "population": 53012456, "year": 2011, "source": ALL},
        "scenarios": [{"name": f"Scenario {ALL}", "places": ["kent", "essex"], "note": ALL}],
    }, allow_unicode=True, sort_keys=False))
    out = root / "out"
    result = cli("round", places, "--config", config, "--out", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    return {"places": places, "out": out, "round": result}


def assert_terminal_safe(text: str) -> None:
    assert "\x1b" not in text
    assert not CONTROL.search(text), repr(CONTROL.search(text).group())


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


def test_round_md_has_no_html_links_or_images_and_its_tables_stay_whole(hostile):
    md = (hostile["out"] / "round.md").read_text(encoding="utf-8")
    for raw in ("<script", "<img", "<http", "\x1b", "\u202e"):
        assert raw not in md, raw
    assert not re.search(r"(?<!\\)\]\(", md), "no link or image: every ']' before a '(' is escaped"
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) >= 5
    assert {unescaped_pipes(row) for row in rows} == {5}, "every row keeps its four columns"
    assert r"\=HYPERLINK(" in md and "&lt;script&gt;" in md, "the text is shown, not dropped"
    lines = md.splitlines()
    assert lines[0].startswith("# Round &lt;script&gt;") and lines[0].endswith("(2011-03-01)"), "one heading line"


def test_round_md_renders_as_text(hostile):
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(
        (hostile["out"] / "round.md").read_text(encoding="utf-8"))
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert not tags & {"script", "img", "a", "em", "del"}, tags


def test_no_round_csv_cell_starts_a_formula(hostile):
    rows = list(csv.reader(io.StringIO((hostile["out"] / "round.csv").read_text(encoding="utf-8"))))
    names = set()
    for row in rows[1:]:
        names.add(row[1])
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") or re.match(r"\s+[=+\-@]", cell):
                float(cell)  # only a number may start so
    assert {name[:2] for name in names if name.startswith("'")} == {"'=", "'+", "'-", "'@"}
    assert "Greater Manchester" in names


def whole_rows(r) -> str:
    """round.csv as the plain way writes it: every row's cells worked out and handed to csv.writer whole."""
    from negotiator.report.files import CSV_COLUMNS, _parameters_read
    from negotiator.values import fmt
    from negotiator.text import csv_cell, terminal_line
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    assumed = {n for n, info in r.catalogue.parameters.items() if info.assumption}
    for p in r.places:
        ev = p.evaluation
        read = _parameters_read(ev.steps)
        for power in ev.powers:
            info = r.catalogue.powers[power.id]
            basis = "judgment" if info.tier_judgment and power.required_tier == info.tier else "source"
            marks = sorted({n for rule in power.prerequisites + power.requirements for n in read(rule)} & assumed)
            if ev.readiness and r.round.readiness_note:
                marks.append("readiness weights")
            row = [p.id, p.name, ev.as_of.isoformat(), fmt(ev.negotiation.eligible), p.standing,
                   " ".join(p.settled_by), p.tranche or "", p.rank or "",
                   fmt(ev.readiness.score) if ev.readiness else "", power.id, info.title, info.menu or "",
                   power.status.value, "yes" if power.requested else "no", power.required_tier, basis,
                   ev.accountability.current_tier or "unknown", " ".join(power.missing), " ".join(power.failed),
                   " ".join(marks)]
            writer.writerow([csv_cell(terminal_line(v)) if isinstance(v, str) else v for v in row])
    return buf.getvalue()


def test_round_csv_is_its_rows_written_whole(hostile):
    """round.csv is written from parts of rows, each part as CSV once (report/files.csv_chunks); the file is the
    one csv.writer writes from whole rows, for names holding commas, quotes, line breaks and formulas."""
    from negotiator.results import Round
    r = Round.model_validate_json((hostile["out"] / "round.json").read_text(encoding="utf-8"))
    expected = whole_rows(r)
    assert '"' in expected and "'=" in expected, "the names are quoted and neutralised"
    assert (hostile["out"] / "round.csv").read_text(encoding="utf-8") == expected


def test_terminal_output_of_round_evaluate_and_explain_has_no_control_characters(hostile):
    assert_terminal_safe(hostile["round"].stdout + hostile["round"].stderr)
    assert "\\x1b[31mred" in hostile["round"].stderr, "the round's name is shown, escaped"
    for command in (("evaluate", hostile["places"] / "kent.yaml"),
                    ("explain", hostile["places"] / "essex.yaml", "transport")):
        result = cli(*command)
        assert result.exit_code == 0, result.stderr
        assert_terminal_safe(result.stdout + result.stderr)
        assert "\\x1b[31mred" in result.stdout and "\\u202eevil" in result.stdout


def test_error_lines_show_hostile_file_names_and_fields_escaped(tmp_path):
    bad = tmp_path / "kent\x1b]0;owned\x07.yaml"
    bad.write_text(yaml.safe_dump(hostile_place("kent", "Kent"), allow_unicode=True) + '"\\ecapasity\\u202e\\a": 1\n')
    for command in (("evaluate", bad), ("validate", bad), ("evaluate", tmp_path / "missing\x1b[2J\nError: fake.yaml")):
        result = cli(*command)
        assert result.exit_code == 2
        assert_terminal_safe(result.stdout + result.stderr)
        errors = result.stderr.splitlines()
        assert errors and all(line.startswith("Error: ") for line in errors), errors
    assert "\\x1bcapasity\\u202e\\x07: unknown field" in cli("evaluate", bad).stderr


def test_round_html_and_json_stay_safe(hostile):
    html = (hostile["out"] / "round.html").read_text(encoding="utf-8")
    assert "<script" not in without_own_script(html) and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    data = json.loads((hostile["out"] / "round.json").read_text(encoding="utf-8"))
    kent = next(p for p in data["places"] if p["id"] == "kent")
    assert kent["name"] == f"{FORMULAS[0]} {ALL}", "round.json keeps the text exactly"
    assert data["round"]["name"] == f"Round {ALL}"


def test_json_and_html_outputs_carry_no_raw_control_bidi_or_separator_characters(hostile, tmp_path):
    """Every JSON output escapes them (as \\u202e: the same JSON value) and every HTML page shows them escaped."""
    for name in ("round.json", "round.html"):
        text = (hostile["out"] / name).read_text(encoding="utf-8")
        assert not RAW.search(text), (name, RAW.search(text))
    assert "\\u202eevil" in (hostile["out"] / "round.json").read_text(encoding="utf-8")
    assert "\\u202eevil" in (hostile["out"] / "round.html").read_text(encoding="utf-8")
    for command in (("evaluate", hostile["places"] / "kent.yaml", "--json"),
                    ("explain", hostile["places"] / "essex.yaml", "transport", "--json")):
        result = cli(*command)
        assert result.exit_code == 0, result.stderr
        assert not RAW.search(result.stdout), (command, RAW.search(result.stdout))
        json.loads(result.stdout)
    out = tmp_path / "compare"
    result = cli("compare", hostile["places"] / "kent.yaml", "--then-as-of", "2011-05-01", "--now-as-of",
                 "2026-11-23", "--out", out)
    assert result.exit_code == 0, result.stderr
    for name in ("compare.json", "compare.html"):
        assert not RAW.search((out / name).read_text(encoding="utf-8")), name
    out = tmp_path / "sweep"
    result = cli("sweep", hostile["places"], "--param", "strategic_county_min_population=400000..500000:100000",
                 "--out", out)
    assert result.exit_code == 0, result.stderr
    assert not RAW.search((out / "sweep.html").read_text(encoding="utf-8"))
