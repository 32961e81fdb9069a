"""Evaluating before a pack's date of effect says so: evaluate, explain and round, in text and JSON."""

from __future__ import annotations

import json

from helpers import ROOT, cli


def test_evaluate_in_1900_is_not_plain_eligible_but_says_the_pack_was_not_in_force():
    out = cli("evaluate", "kent", "--as-of", "1900-01-01").stdout
    assert "NOT IN FORCE: rule pack route-map-2010 takes effect on 2010-03-01" in out
    assert "Negotiation: ELIGIBLE to negotiate a deal, were the pack in force (it was not on 1900-01-01)" in out
    data = json.loads(cli("evaluate", "kent", "--as-of", "1900-01-01", "--json").stdout)
    assert data["pack_in_force"] is False and "2010-03-01" in data["pack_in_force_note"]
    now = json.loads(cli("evaluate", "kent", "--as-of", "2011-03-01", "--json").stdout)
    assert now["pack_in_force"] is True and now["pack_in_force_note"] is None
    assert "NOT IN FORCE" not in cli("evaluate", "kent", "--as-of", "2011-03-01").stdout


def test_explain_before_the_date_of_effect_says_so():
    out = cli("explain", "kent", "transport", "--as-of", "1900-01-01").stdout
    assert "were the pack in force" in out.splitlines()[0] and "NOT IN FORCE" in out
    data = json.loads(cli("explain", "kent", "transport", "--as-of", "1900-01-01", "--json").stdout)
    assert data["pack_in_force"] is False


def test_a_round_dated_before_the_pack_took_effect_says_so(tmp_path):
    config = tmp_path / "early.yaml"
    config.write_text((ROOT / "rounds" / "forerunner-2011.yaml").read_text(encoding="utf-8")
                      .replace("date: 2011-03-01", "date: 1900-01-01"), encoding="utf-8")
    result = cli("round", ROOT / "places", "--config", config, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "NOT IN FORCE: rule pack route-map-2010 takes effect on 2010-03-01" in result.stderr
    data = json.loads((tmp_path / "out" / "round.json").read_text(encoding="utf-8"))
    assert data["pack_in_force"] is False
    assert "**Not in force:** rule pack route-map-2010" in (tmp_path / "out" / "round.md").read_text(encoding="utf-8")
    assert "Not in force:" in (tmp_path / "out" / "round.html").read_text(encoding="utf-8")


def test_the_one_sentence_summary_says_the_pack_was_not_in_force_too():
    out = cli("evaluate", "kent", "--as-of", "1900-01-01").stdout
    summary = next(line for line in out.splitlines() if line.startswith("In sum:"))
    assert "NOT IN FORCE on 1900-01-01" in summary
