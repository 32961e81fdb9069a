"""Round reports say only what is known: charts from the text's own figures, wording from the pack and the
round config, assumptions marked as such, the pack's hash for its files only."""

from __future__ import annotations

import csv
import re
from html import unescape

import pytest
import yaml

from helpers import ROOT, cli
from negotiator.pack.load import load_pack
from negotiator.report.phrases import pct
from negotiator.report.view import coverage_figures
from negotiator.results import Round

FORERUNNER = ROOT / "rounds" / "forerunner-2011.yaml"
PROGRAMME = ROOT / "rounds" / "programme-2026.yaml"


def run(tmp, *args) -> tuple[Round, str, str, str]:
    result = cli("round", ROOT / "places", *args, "--out", tmp, "--quiet")
    assert result.exit_code == 0, result.stderr
    return read(tmp)


def read(tmp) -> tuple[Round, str, str, str]:
    r = Round.model_validate_json((tmp / "round.json").read_text())
    return r, (tmp / "round.md").read_text(), (tmp / "round.html").read_text(), (tmp / "round.csv").read_text()


@pytest.fixture(scope="module")
def forerunner(forerunner_dir):
    return read(forerunner_dir)


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    return run(tmp_path_factory.mktemp("programme"), "--rules", "english-devolution-2026", "--config", PROGRAMME)


def coverage_bars(html: str) -> list[tuple[str, str]]:
    """(label, percentage) of each bar of the coverage chart, as drawn."""
    start = html.index('aria-label="Coverage')
    svg = html[start:html.index("</svg>", start)]
    texts = [unescape(t) for t in re.findall(r">([^<>]+)</text>", svg)]
    return [(texts[i], texts[i + 1]) for i in range(0, len(texts) - 1, 2) if texts[i + 1].endswith("%")]


@pytest.mark.parametrize("which", ["forerunner", "programme"])
def test_every_coverage_bar_is_a_figure_the_text_beside_it_states(which, request):
    r, md, html, _csv = request.getfixturevalue(which)
    bars = coverage_bars(html)
    assert bars == [(label, pct(cov.share)) for label, cov in coverage_figures(r)]
    coverage_text = md[md.index("## Coverage"):md.index("## Money")]
    for _label, share in bars:
        assert share in coverage_text, share


def test_the_first_tranche_and_already_devolved_bar_is_the_headline_figure(forerunner):
    r, md, html, _csv = forerunner
    bars = dict(coverage_bars(html))
    assert bars["First tranche"] == pct(r.coverage.share)
    assert bars["First tranche + already devolved"] == pct(r.coverage_with_devolved.share)
    assert f"With places already devolved (Greater London): {r.coverage_with_devolved.population:,} people, " \
           f"**{pct(r.coverage_with_devolved.share)}**" in md


@pytest.mark.parametrize("which", ["forerunner", "programme"])
def test_every_readiness_bar_is_labelled_with_the_tables_figure(which, request):
    from negotiator.report.phrases import readiness_range
    r, _md, html, _csv = request.getfixturevalue(which)
    start = html.index('aria-label="Readiness ranking"')
    labels = [unescape(t) for t in re.findall(r">([^<>]+)</text>", html[start:html.index("</svg>", start)])]
    for x in r.ranking:
        assert f"{readiness_range(x)} (tranche {x.tranche})" in labels, x.place
        assert f">{readiness_range(x)}<" in html.replace("</td>", "<"), x.place  # the table's cell


def test_the_2026_round_never_quotes_the_route_map(programme):
    r, md, html, csv_text = programme
    for text in (md, html, csv_text, r.model_dump_json()):  # round.json too: its catalogue of powers and facts
        assert "route-map" not in text.lower() and "route map" not in text.lower()
    assert "a quarter" not in html and r.round.coverage_lines == []
    assert r.round.envelope_note == "The round config states no financial envelope."


def test_the_forerunner_rounds_money_and_reference_line_are_the_route_maps_with_its_source(forerunner):
    r, md, html, _csv = forerunner
    pack = load_pack("route-map-2010")
    assert r.round.envelope_note.startswith(pack.round_policy.envelope_text)
    assert pack.sources["route-map-s7-timetable"] in r.round.envelope_note
    [line] = r.round.coverage_lines
    assert (line.share, line.label) == (0.25, "a quarter") and "Delivering a Localist Future" in line.source


def test_a_scenario_adds_the_already_devolved_only_when_it_says_so(tmp_path):
    config = yaml.safe_load(FORERUNNER.read_text())
    arithmetic = config["scenarios"][0]
    assert arithmetic["with_already_devolved"] is True  # the route-map's sum says "along with ... London"
    config["scenarios"].append({"name": "The four alone", "places": arithmetic["places"]})
    path = tmp_path / "round.yaml"
    path.write_text(yaml.safe_dump(config))
    r, md, _html, _csv = run(tmp_path / "out", "--config", path)
    with_london, alone = r.scenarios
    assert with_london.with_already_devolved == ["greater-london"] and "greater-london" in with_london.coverage.places
    assert alone.with_already_devolved == [] and "greater-london" not in alone.coverage.places
    assert alone.coverage.population < with_london.coverage.population


def test_priorities_not_recorded_are_told_apart_from_asking_for_nothing(forerunner):
    r, md, _html, _csv = forerunner
    sheets = md[md.index("## Deal sheets"):]
    for p in r.places:
        if p.id in r.special_cases:
            continue
        sheet = sheets[sheets.index(f"### {p.name} ("):]
        sheet = sheet[:sheet.index("\n### ", 1) if "\n### " in sheet[1:] else len(sheet)]
        recorded = p.evaluation.facts.get("requested_count")
        asked = [pw for pw in p.evaluation.powers if pw.requested]
        if recorded is None or recorded.value is None:
            assert "its priorities are not recorded" in sheet, p.id
        elif not [pw for pw in asked if pw.status.value == "available"]:
            assert "nothing the place asked for" in sheet, p.id


def test_assumptions_and_judgments_are_marked_wherever_their_values_appear(forerunner):
    r, md, html, text_csv = forerunner
    assert "(first\\_tranche\\_min\\_readiness, an assumption)" in md
    assert "(first_tranche_min_readiness, an assumption)" in html
    assert "budgets 10% (an assumption) below today's spend" in md
    assert "readiness (assumed weights)" in md and "Every readiness weight is an assumption" in md
    assert "population ≥ 500,000 (strategic\\_county\\_min\\_population, an assumption)" in md  # Wiltshire
    assert "a tier the pack assigns by judgment" in md
    rows = list(csv.DictReader(text_csv.splitlines()))
    transport = next(row for row in rows if row["place"] == "birmingham" and row["power"] == "transport")
    assert transport["required_tier_basis"] == "judgment"
    assert "readiness weights" in transport["assumptions"]
    assert "large_city_min_population" in transport["assumptions"]
    result = cli("evaluate", "wiltshire", "--as-of", "2011-03-01")
    assert "(strategic_county_min_population, an assumption)" in " ".join(result.stdout.split())


def test_the_packs_hash_is_its_files_whoever_sets_the_parameters(forerunner, tmp_path):
    r, md, _html, _csv = forerunner
    alone = cli("evaluate", "kent", "--as-of", "2011-03-01", "--json")
    assert alone.exit_code == 0
    from negotiator.results import Evaluation
    assert Evaluation.model_validate_json(alone.stdout).pack.hash == r.pack.hash
    assert r.catalogue.parameters["reduction_percent"].set_by.endswith("forerunner-2011.yaml")
    assert r.catalogue.parameters["grouping_min_population"].set_by == "rule pack"
    assert "reduction\\_percent = 10% (an assumption; set by " in md
    changed, *_ = run(tmp_path, "--config", FORERUNNER, "--set", "reduction_percent=15")
    assert changed.pack.hash == r.pack.hash
    assert changed.catalogue.parameters["reduction_percent"].value == 15


def test_a_scenarios_rule_statement_reads_as_a_clause_in_its_sentence(programme):
    """A scenario counted where a rule holds quotes the rule's statement in brackets inside a sentence:
    without the statement's own full stop, so the text never reads '...powers.):'."""
    _, md, html, _ = programme
    for text in (md, html):
        assert "holds (The place is a strategic authority" in text
        assert ".):" not in text
