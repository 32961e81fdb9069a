"""Terminal text that fits, and colour only where it helps.

What is checked, in words:
- fitting text to a width only moves line breaks: the words, in order, are those of the unwrapped
  text (no word is split, nothing is lost); every line is at most the width unless it is a single
  word longer than the width (a path is never split); text that fits is unchanged;
- at 80 and at 120 columns (COLUMNS), no line of the commands a policy officer runs is longer than
  the terminal, and each says at 80 columns exactly the words it says at 1,000;
- without a terminal (piped) the width is 80;
- colour (ANSI escapes, through rich) only on a terminal, never with NO_COLOR or when piped;
- answers first: evaluate opens with its summary, compare with its verdicts; a source is cited in
  full once; powers refused for the same reasons are listed together with the reasons said once;
- figures carry units, and titles come in words (unlock's cost, whatif's budget lines).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import ROOT, cli, on_a_terminal
from negotiator.report.fit import fit

COMMANDS = [
    ("evaluate", "greater-manchester", "--as-of", "2011-05-01"),
    ("evaluate", "birmingham", "--rules", "english-devolution-2026", "--as-of", "2026-11-23"),
    ("explain", "birmingham", "single_place_budget"),
    ("unlock", "greater-manchester", "--power", "single_place_budget"),
    ("unlock", "wiltshire", "--power", "transport"),
    ("whatif", "greater-manchester", "--set", "accountability.model=directly_elected_mayor"),
    ("compare", "greater-manchester", "--then-as-of", "2011-05-01", "--now-as-of", "2026-11-23"),
    pytest.param(("check",), marks=pytest.mark.slow, id="check"),  # the checks take seconds even made once
    ("footprints", "--check", "hampshire-and-the-solent", "--as-of", "2025-02-05"),
    ("validate", str(ROOT / "places"), str(ROOT / "rounds")),
    ("list", "facts"),
    ("list", "powers", "--rules", "english-devolution-2026"),
    ("schema", "--help"),
    ("round", str(ROOT / "places"), "--config", str(ROOT / "rounds/forerunner-2011.yaml"), "--out", "{tmp}/r"),
    ("england", "--as-of", "2011-03-01", "--out", "{tmp}/e"),
    pytest.param(("sweep", str(ROOT / "places"), "--config", str(ROOT / "rounds/forerunner-2011.yaml"), "--param",
                  "grouping_min_population=300000..700000:200000", "--out", "{tmp}/s"), marks=pytest.mark.slow,
                 id="sweep"),
    ("list", "places"),
    ("evaluate", "manchster"),  # an Error: line with its suggestion, on stderr
    ("round", str(ROOT / "places"), "--config", str(ROOT / "rounds/programme-2026.yaml"), "--out", "{tmp}/bad"),
]

words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=30)
paragraphs = st.lists(st.tuples(st.integers(0, 12), st.lists(words, max_size=40)), max_size=8).map(
    lambda ls: "\n".join(" " * indent + " ".join(ws) for indent, ws in ls))


@settings(max_examples=300, deadline=None)
@given(paragraphs, st.integers(30, 140))
def test_fitting_moves_only_line_breaks_and_keeps_every_line_within_the_width(text, width):
    out = fit(text, width)
    assert out.split() == text.split()
    for line in out.splitlines():
        assert len(line) <= width or len(line.split()) == 1, (width, line)
    assert fit(out, width) == out


def test_a_path_longer_than_the_width_is_never_split():
    path = "/a/very/long/path/" + "folder/" * 12 + "round.html"
    out = fit(f"wrote {path} and more words after it", 40)
    assert path in [line.strip() for line in out.splitlines()]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_no_line_overflows_at_80_or_120_columns_and_no_word_is_split(args, monkeypatch, tmp_path):
    # The command runs three times, at three widths: what it computes does not depend on the width, so the checks
    # `check` runs are made once and the same report is rendered at each width.
    from negotiator.check import run as check_run
    reports: dict = {}
    run_checks = check_run.run_checks

    def once(*a, **k):
        key = (tuple(getattr(x, "hash", id(x)) for x in a), repr(sorted(k.items())))
        if key not in reports:
            reports[key] = run_checks(*a, **k)
        return reports[key]
    monkeypatch.setattr(check_run, "run_checks", once)
    args = tuple(a.replace("{tmp}", str(tmp_path)) for a in args)
    wide = cli(*args, columns=1000)
    assert wide.exit_code in (0, 1) or (wide.exit_code == 2 and "Error: " in wide.stderr), wide.output
    for columns in (80, 120):
        result = cli(*args, columns=columns)
        for stream in (result.stdout, result.stderr):  # a single word (a path) longer than the width stays whole
            too_long = [line for line in stream.splitlines()  # Error: lines, piped, are one a problem (below)
                        if len(line) > columns and len(line.removesuffix(" \\").split()) > 1
                        and not line.startswith("Error: ")]
            assert not too_long, too_long[:3]
        def words(text):  # a command to copy may be broken with a shell's line continuation (` \\`)
            return [w for w in text.split() if w != "\\"]
        assert words(result.stdout) == words(wide.stdout)
        assert words(result.stderr) == words(wide.stderr)


def test_a_command_to_copy_is_broken_with_shell_continuations_and_reads_as_the_same_command(tmp_path):
    from negotiator.cli.common import command_lines
    command = f"negotiator round {tmp_path}/" + "deep/" * 12 + "england places --out OUT"
    lines = command_lines(command, 80)
    assert len(lines) > 1 and all(len(x) <= 80 or len(x.removesuffix(" \\").split()) == 1 for x in lines)
    assert all(x.endswith(" \\") for x in lines[:-1])
    assert " ".join(x.removesuffix(" \\").strip() for x in lines) == command
    assert command_lines("negotiator round out/e places --out OUT", 80) == ["negotiator round out/e places --out OUT"]


def test_piped_output_is_80_columns_and_has_no_colour():
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "negotiator.cli", "evaluate", "greater-manchester"], cwd=ROOT,
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stdout
    assert max(len(line) for line in run.stdout.splitlines()) <= 80


def test_error_lines_are_wrapped_on_a_terminal_and_one_a_problem_when_piped(tmp_path):
    """At a terminal of 80 columns an Error: line is wrapped at word boundaries (its continuation indented);
    piped (into a log or a script) each problem is one line."""
    args = ["round", ROOT / "places", "--config", ROOT / "rounds" / "programme-2026.yaml", "--out", tmp_path / "r",
            "--quiet"]
    code, err = on_a_terminal(*args, stream="stderr", env={"COLUMNS": "80"})
    assert code == 2
    shown = [x for x in err.replace("\r", "").split("\n") if x]
    assert shown[0].startswith("Error: ") and len(shown) > 1
    assert all(len(x) <= 80 for x in shown) and all(x.startswith("  ") for x in shown[1:])
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env |= {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": "80"}
    piped = subprocess.run([sys.executable, "-m", "negotiator.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                           text=True, env=env)
    assert piped.returncode == 2 and len(piped.stderr.splitlines()) == 1
    assert piped.stderr.split() == " ".join(shown).split()


def test_colour_on_a_terminal_and_none_with_no_color():
    _, coloured = on_a_terminal("evaluate", "greater-manchester", env={"COLUMNS": "100"})
    assert "\x1b[" in coloured and "✓" in coloured
    _, plain = on_a_terminal("evaluate", "greater-manchester", env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert "\x1b[" not in plain and "✓" in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_evaluate_opens_with_its_answer_and_cites_a_source_once():
    out = cli("evaluate", "greater-manchester", "--as-of", "2011-05-01").stdout
    assert out.index("In sum: ELIGIBLE to negotiate; available now: 7 powers") < out.index("Negotiation:")
    full = "Delivering a Localist Future (2010), section 7 'The level for negotiations'"
    assert out.count(full) == 1 and "(above)" in out


def test_powers_refused_for_the_same_reasons_are_grouped():
    out = cli("evaluate", "birmingham", "--rules", "english-devolution-2026", "--as-of", "2026-11-23").stdout
    assert "these 7 powers, because:" in out
    assert out.count("fails sa.eligible: ") == 1


def test_compare_opens_with_its_verdicts():
    out = cli("compare", "greater-manchester", "--then-as-of", "2011-05-01", "--now-as-of", "2026-11-23").stdout
    assert out.index("In sum:") < out.index("Why, power by power")
    sources = out[out.index("\nSources\n"):]
    assert sources.count("[1]") == 1 and out.count("English Devolution and Community Empowerment Act 2026 (c.23") == 1


def test_unlock_gives_units_and_each_move_title_once():
    out = cli("unlock", "greater-manchester", "--power", "single_place_budget").stdout
    assert "cost 2 (relative effort), about 6 months" in out
    assert out.count("Propose an alternative of similar visibility and accountability") == 1
    assert 'to have A "more for less" single place budget across public services (single_place_budget)' in out


def test_whatif_says_budget_changes_in_words():
    out = cli("whatif", "greater-manchester", "--as-of", "2009-12-15", "--set",
              "accountability.model=directly_elected_mayor").stdout
    assert "budget, scope full: status: needs stronger accountability -> available" in out
    assert "full.status" not in out and "needs_stronger_accountability" not in out


def test_did_you_mean_ranks_the_packs_own_names_by_likeness():
    from negotiator.errors import nearest
    models = ["association_of_councils", "directly_elected_mayor", "elected_governor", "elected_sheriff",
              "elected_commissioner", "leader_cabinet"]
    assert nearest("elected_mayer", models) == "directly_elected_mayor"
    params = ["grouping_min_population", "large_city_min_population", "strategic_county_min_population"]
    assert nearest("county_min_population", params) == "strategic_county_min_population"
    assert nearest("transprt", ["transport", "public_health"]) == "transport"
    assert nearest("zzz", ["transport"]) is None
    out = cli("whatif", "kent", "--set", "accountability.model=elected_mayer")
    assert out.exit_code == 2 and "did you mean 'directly_elected_mayor'?" in out.stderr


def test_a_number_with_thousands_separators_is_told_so_once(tmp_path):
    text = (ROOT / "places" / "kent.yaml").read_text()
    assert "value: 1463740" in text
    bad = tmp_path / "kent.yaml"
    bad.write_text(text.replace("value: 1463740", "value: 1,463,740", 1))
    result = cli("validate", bad)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.exit_code == 2 and len(errors) == 1
    assert "thousands separators" in errors[0] and "write it without commas (1463740)" in errors[0]
