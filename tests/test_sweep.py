"""`negotiator sweep`: a round at every grid point (fast path), and exact tipping points from the thresholds."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from helpers import ROOT, cli
from negotiator.decide.decision import decide
from negotiator.compiled import compiled
from negotiator.errors import InputError
from negotiator.pack.load import load_pack
from negotiator.results import Status
from negotiator.round.config import default_config, load_config
from negotiator.round.plan import run_round
from negotiator.round.sweep import parse_param, run_sweep
from negotiator.vocab.places import load_places

CONFIG = ROOT / "rounds" / "forerunner-2011.yaml"
PARAMS = {"strategic_county_min_population": (200_000, 1_500_000, 100_000),
          "grouping_min_population": (400_000, 1_600_000, 300_000)}


@pytest.fixture(scope="module")
def setup(england_dir):
    folder = england_dir
    cfg, doc = load_config(CONFIG)
    pack = load_pack(None, cfg.parameters, set_by=str(CONFIG))
    loaded = load_places([str(folder), str(ROOT / "places")], pack)
    specs = [parse_param(f"{n}={a}..{b}:{s}") for n, (a, b, s) in PARAMS.items()]
    return cfg, doc, pack, loaded, run_sweep(pack, loaded, cfg, doc, specs), folder


def test_parse_param():
    assert parse_param("x=1..3") == ("x", [1, 2, 3])
    assert parse_param("x=0.5..1.5:0.25") == ("x", [0.5, 0.75, 1.0, 1.25, 1.5])
    assert parse_param("x=10..25:10") == ("x", [10, 20])
    for bad in ("x", "x=1", "x=3..1", "x=1..3:0", "x=a..b", "x=1..1000000:0.001"):
        with pytest.raises(InputError):
            parse_param(bad)


def test_a_grid_point_is_the_round_with_those_parameters(setup):
    cfg, doc, pack, loaded, sweep, _folder = setup
    assert len(sweep.points) == 14 * 5
    for point in (sweep.points[23], sweep.points[-1]):
        other = load_pack(None, {**cfg.parameters, **point.values}, set_by="test")
        r = run_round(other, loaded, cfg, doc, "fast")
        assert point.eligible == sorted(p.id for p in r.places if p.evaluation.negotiation.eligible)
        assert point.not_eligible == len(r.not_eligible)
        assert point.undetermined == len(r.eligibility_undetermined)
        assert point.first_tranche == (r.tranches[0].places if r.tranches else [])
        assert point.tranches == len(r.tranches)
        assert (point.coverage_population, point.coverage_share) == (r.coverage.population, r.coverage.share)
        assert point.available == sum(p.status == Status.available for rp in r.places for p in rp.evaluation.powers)


def test_tipping_points_are_exact(setup):
    """Each tipping point, checked by the per-place decision at the value and next to it."""
    cfg, _doc, _pack, loaded, sweep, _folder = setup
    by_id = {lp.id: lp for lp in loaded}
    checked = 0
    for name, tips in sweep.tipping.items():
        assert tips, name
        for tp in tips[:: max(1, len(tips) // 6)]:
            near = tp.value - 1 if tp.side == "at" else tp.value + 1
            before_at, after_at = (near, tp.value) if tp.side == "at" else (tp.value, near)
            outcome = []
            for value in (before_at, after_at):
                other = load_pack(None, {**cfg.parameters, name: value}, set_by="test")
                d = decide(other, by_id[tp.place].profile, cfg.date, compiled(other).evaluator("python"))
                outcome.append(d.truths[other.negotiation_rule])
            assert tuple(outcome) == tp.eligible, (name, tp)
            checked += 1
    assert checked >= 8


def test_councils_alone_by_threshold_matches_the_grid(setup):
    """The exact step function of councils negotiating alone agrees with the grid, point for point."""
    _cfg, _doc, _pack, _loaded, sweep, _folder = setup
    name = "strategic_county_min_population"
    steps = sweep.alone_steps[name]
    base_other = sweep.axes[1].base
    for point in sweep.points:
        if point.values["grouping_min_population"] != min(sweep.axes[1].values, key=lambda v: abs(v - base_other)):
            continue
        x = point.values[name]
        count = steps[0][2]
        for bound, side, n, _gained, _lost in steps[1:]:
            if x > bound or (side == "at" and x == bound):
                count = n
        assert count == len(point.alone), x
    assert any(row[4] for row in steps), "councils drop out as the threshold rises"


def test_the_command_writes_html_and_csv(setup, tmp_path):
    _cfg, _doc, _pack, _loaded, _sweep, folder = setup
    out = tmp_path / "sweep"
    result = cli("sweep", folder, ROOT / "places", "--config", CONFIG, "--param",
                 "strategic_county_min_population=300000..700000:50000", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "tipping points" in result.stderr
    html = (out / "sweep.html").read_text()
    assert "<svg" in html and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "East Sussex" in html, "a county area just above half a million tips"
    rows = list(csv.DictReader(io.StringIO((out / "sweep.csv").read_text())))
    assert len(rows) == 9 and int(rows[0]["councils_alone"]) >= int(rows[-1]["councils_alone"])
    tips = list(csv.DictReader(io.StringIO((out / "tipping-points.csv").read_text())))
    assert any(t["place"] == "wiltshire" for t in tips)
    routes = {r["council"]: r for r in csv.DictReader(io.StringIO((out / "routes.csv").read_text()))}
    in_sweep = {code for lp in _sweep.places for code in lp.profile.members}  # the councils of the sweep's date
    assert len(routes) == len(in_sweep) and "only through a grouping" in html
    assert routes["E08000025"]["route"] == "alone", "Birmingham"
    assert routes["E08000010"]["route"] == "grouping" and "greater-manchester" in routes["E08000010"]["through"]
    assert routes["E06000001"]["route"] == "none", "Hartlepool: no eligible place includes it"


@pytest.mark.parametrize("param, message", [
    ("strategic_county_minpopulation=1..2", "unknown parameter 'strategic_county_minpopulation'"),
    ("reduction_percent=5..20:5", "no rule tests 'reduction_percent'"),
    ("min_population=-5..3", "-5 is impossible: must be at least 1"),
    ("min_population=1..9", None),
])
def test_bad_parameters_are_one_line_each(param, message, tmp_path):
    rules = ["--rules", ROOT / "tests" / "packs" / "devolution-2022"] if param.startswith("min_") else []
    result = cli("sweep", *rules, "--param", param, "--out", tmp_path / "s")
    if message is None:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_a_package_tier_tipping_point(tmp_path):
    """A requirement on the package read through a parameter: New Combined Authority (700,000 people) asks for
    two powers of level 2 at most; while "a large area" starts at or below 700,000 its package needs level 3,
    above that level 2, and no power's own status changes."""
    pack_dir = tmp_path / "devolution-2022"
    shutil.copytree(ROOT / "tests" / "packs" / "devolution-2022", pack_dir)
    with open(pack_dir / "parameters.yaml", "a") as f:
        f.write("  large_area_population:\n    value: 600000\n    unit: people\n    min: 1\n"
                "    description: Smallest population of an area whose whole package needs a directly elected leader.\n"
                "    assumption: A test value, to exercise a package requirement read through a parameter.\n")
    with open(pack_dir / "rules.yaml", "a") as f:
        f.write("  - id: area.large\n    statement: The area is large.\n    source: test\n"
                "    when: {fact: population, gte: {param: large_area_population}}\n")
    acc = (pack_dir / "accountability.yaml").read_text().replace(
        "requirements: []", "requirements:\n  - id: accountability.large_area\n    statement: A large area's package "
        "needs a directly elected leader.\n    source: test\n    when: {rule: area.large}\n    tier: level_3\n"
        "    applies_to: package\n")
    (pack_dir / "accountability.yaml").write_text(acc)
    pack = load_pack(pack_dir)
    loaded = load_places([str(ROOT / "tests" / "packs" / "places")], pack)
    sweep = run_sweep(pack, loaded, default_config(pack.effective), None,
                      [parse_param("large_area_population=500000..900000:100000")])
    [tip] = sweep.tipping["large_area_population"]
    assert (tip.place, tip.value, tip.side) == ("new-combined-authority", 700_000, "above")
    assert tip.package == ("level_3", "level_2") and not tip.changes


def test_chart_ticks_fall_on_round_values_and_one_line_has_no_legend():
    """Invariant: every y tick is a whole multiple of a step of 1, 2, 2.5 or 5 times a power of ten, the axis
    reaches a tick at or above the highest value, counts have whole ticks; a chart of one line draws no legend
    (its title says what it is), a chart of two a legend entry for each."""
    import re

    from negotiator.report.sweep import line_chart, nice_step, pct
    share = [("all places", [(300_000, 0.0437), (500_000, 0.131), (800_000, 0.174)])]
    svg = line_chart("Coverage of the first tranche", "x", share, yfmt=pct)
    labels = re.findall(r'text-anchor="end">([^<]+)</text>', svg)
    assert labels == ["0%", "5%", "10%", "15%", "20%"]
    assert "all places" not in re.sub(r"<title>.*?</title>", "", svg)  # no legend: the label only in tooltips
    xs = re.findall(r'text-anchor="middle">([^<]+)</text>', svg)[:-1]
    assert xs == ["300,000", "400,000", "500,000", "600,000", "700,000", "800,000"]
    counts = [("a=1", [(1, 3), (2, 13)]), ("a=2", [(1, 4), (2, 11)])]
    svg = line_chart("Eligible places", "x", counts, counts=True)
    assert re.findall(r'text-anchor="end">([^<]+)</text>', svg) == ["0", "5", "10", "15"]
    assert svg.count('<rect x="70"') == 2 and ">a=1</text>" in svg and ">a=2</text>" in svg
    for span in (0.001, 0.7, 3, 13.1, 47, 999, 123_456):
        step = nice_step(span)
        assert span / step <= 5 + 1e-9 and round(step / 10 ** __import__("math").floor(
            __import__("math").log10(step)), 6) in (1, 2, 2.5, 5)
        assert nice_step(span, whole=True) >= 1 and float(nice_step(span, whole=True)).is_integer()


def test_the_readmes_routes_over_the_england_set_of_2011_are_what_the_sweep_writes(tmp_path):
    """The README's figures for routes.csv (councils alone, only through a grouping) are those a sweep writes
    over `england --as-of 2011-03-01`: 326 councils, each population known from the Census of 2011."""
    import re
    assert cli("england", "--as-of", "2011-03-01", "--out", tmp_path / "e").exit_code == 0
    result = cli("sweep", tmp_path / "e", ROOT / "places", "--param",
                 "strategic_county_min_population=500000..500000:1", "--out", tmp_path / "s")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader((tmp_path / "s" / "routes.csv").read_text(encoding="utf-8").splitlines()))
    alone = sorted(r["council_name"] for r in rows if r["route"] == "alone")
    grouping = sum(r["route"] == "grouping" for r in rows)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = re.search(r"over the England set as of 2011, (\d+) of (\d+) councils alone \(([^)]*)\) and (\d+) only "
                     r"through a grouping", readme)
    assert said, "the README states the routes over the England set as of 2011"
    assert (int(said[1]), int(said[2]), said[3].split(", "), int(said[4])) == (len(alone), len(rows), alone,
                                                                                grouping)
