"""negotiator footprints: the programme's footprints and the authorities of 2024-26 judged on their dates,
plans checked against the adjacency independently of the solver, and the command's reports."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from helpers import ROOT, cli

from negotiator.footprints.judge import area_councils, judge, resolve
from negotiator.footprints.plan import plan
from negotiator.pack.load import load_pack

PACK = "english-devolution-2026"
PROGRAMME_ANNOUNCED = date(2025, 2, 5)  # the six areas of the Devolution Priority Programme (S16)
PROGRAMME = ["cheshire-and-warrington", "cumbria", "greater-essex", "hampshire-and-the-solent", "norfolk-and-suffolk",
             "sussex-and-brighton"]


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


def _authorities_formed_2024_26() -> list[tuple[str, date]]:
    rows = csv.DictReader((ROOT / "negotiator/data/strategic-authorities.csv").read_text("utf-8").splitlines())
    return [(r["id"], date.fromisoformat(r["from"])) for r in rows
            if date(2024, 1, 1) <= date.fromisoformat(r["from"]) <= date(2026, 12, 31)]


def _passes_or_fails_on_scale_alone(j) -> None:
    """Passes, or the only condition not met (false or undetermined) is the assumed scale, below 1.5 million
    people, whose exception no source in places/ records."""
    if j.qualifies is True:
        return
    unmet = [c.rule for c in j.conditions if c.met is not True]
    assert unmet == ["footprint.scale"], (j.name, unmet)
    assert j.population < 1_500_000


@pytest.mark.parametrize("place", PROGRAMME)
def test_each_programme_footprint_passes_on_its_announcement_or_fails_only_on_the_assumed_scale(pack, place):
    [fp] = resolve(pack, [place], PROGRAMME_ANNOUNCED)
    j = judge(pack, fp, PROGRAMME_ANNOUNCED)
    _passes_or_fails_on_scale_alone(j)
    assert j.facts["footprint.contiguous"] is True and not j.islands and not j.overlap
    if j.population >= 1_500_000:
        assert j.qualifies is True


def test_the_four_programme_footprints_of_15_million_or_more_qualify(pack):
    judged = {p: judge(pack, resolve(pack, [p], PROGRAMME_ANNOUNCED)[0], PROGRAMME_ANNOUNCED) for p in PROGRAMME}
    assert {p for p, j in judged.items() if j.qualifies is True} == {
        "greater-essex", "hampshire-and-the-solent", "norfolk-and-suffolk", "sussex-and-brighton"}


@pytest.mark.parametrize("place,on", _authorities_formed_2024_26())
def test_each_authority_formed_in_2024_26_passes_on_the_day_it_began_or_fails_only_on_scale(pack, place, on):
    [fp] = resolve(pack, [place], on)
    j = judge(pack, fp, on)
    _passes_or_fails_on_scale_alone(j)
    assert not j.overlap, "its own area is not an overlap"


def test_the_isle_of_wight_is_in_hampshire_and_the_solent_only_through_its_ferries(pack):
    j = judge(pack, resolve(pack, ["hampshire-and-the-solent"], PROGRAMME_ANNOUNCED)[0], PROGRAMME_ANNOUNCED)
    assert j.parts and len(j.parts) == 1
    assert all(a.whole for a in j.areas if a.kind in ("police", "fire"))


def test_tower_hamlets_with_croydon_is_not_one_area_and_overlaps_greater_london(pack):
    j = judge(pack, resolve(pack, ["Tower Hamlets", "Croydon"], PROGRAMME_ANNOUNCED)[0], PROGRAMME_ANNOUNCED)
    assert j.qualifies is False
    assert "footprint.contiguous" in j.failed and "footprint.no_overlap" in j.failed
    assert {o.authority for o in j.overlap} == {"greater-london"}


# --- a plan, checked against the adjacency without the solver's help ------------------------------------------

def _adjacency() -> dict[str, set[str]]:
    import yaml
    adjacent: dict[str, set[str]] = {}
    pairs = [(r["lad_code_a"], r["lad_code_b"]) for r in csv.DictReader(
        (ROOT / "negotiator/data/council-neighbours-2021.csv").read_text("utf-8").splitlines())]
    pairs += [tuple(link["between"]) for link in
              yaml.safe_load((ROOT / "rules/footprints/links.yaml").read_text("utf-8"))["links"]]
    for a, b in pairs:
        adjacent.setdefault(a, set()).add(b)
        adjacent.setdefault(b, set()).add(a)
    return adjacent


def _connected(codes: set[str], adjacent: dict[str, set[str]]) -> bool:
    start = min(codes)
    seen, todo = {start}, [start]
    while todo:
        for n in adjacent.get(todo.pop(), ()):
            if n in codes and n not in seen:
                seen.add(n)
                todo.append(n)
    return seen == codes


@pytest.mark.parametrize("area,on", [("East of England", date(2026, 4, 29)), ("South West", date(2025, 2, 5)),
                                     ("South East", date(2025, 2, 5))])
def test_a_plans_footprints_are_contiguous_disjoint_free_and_each_qualifies(pack, area, on):
    """Every footprint of a plan is one connected area by the bundled adjacency (read here from the CSV
    files), no two share a council, none takes a council already in an authority, and each qualifies:
    the pack, asked again about the footprint alone, says so, and it has the assumed 1.5 million people."""
    name, councils = area_councils(pack, area)
    result = plan(pack, name, councils, on, seconds=20)
    assert result.status in ("OPTIMAL", "FEASIBLE") and result.footprints
    adjacent = _adjacency()
    authorities = csv.DictReader((ROOT / "negotiator/data/strategic-authorities.csv").read_text("utf-8").splitlines())
    taken = {c for r in authorities if date.fromisoformat(r["from"]) <= on for c in r["members"].split()}
    seen: set[str] = set()
    for j in result.footprints:
        codes = {m.code for m in j.members}
        assert _connected(codes, adjacent), j.name
        assert not codes & seen and not codes & taken
        seen |= codes
        again = judge(pack, resolve(pack, sorted(codes), on)[0], on)
        assert again.qualifies is True and again.population >= 1_500_000
    unplaced = {u.council.code for u in result.unplaced}
    assert not unplaced & seen and (seen | unplaced) == set(councils) - taken
    assert all(u.reason for u in result.unplaced)
    plans = [sorted(sorted(m.code for m in j.members) for j in result.footprints)]
    for alternative in result.alternatives:
        assert alternative.footprints not in plans
        plans.append(alternative.footprints)
        codes = [c for f in alternative.footprints for c in f]
        assert len(codes) == len(set(codes)) and all(_connected(set(f), adjacent) for f in alternative.footprints)


def test_the_east_of_england_plan_finds_the_programmes_essex_and_norfolk_and_suffolk(pack):
    name, councils = area_councils(pack, "East of England")
    result = plan(pack, name, councils, date(2025, 2, 5), seconds=20)
    found = {frozenset(m.code for m in j.members) for j in result.footprints}
    for place in ("greater-essex", "norfolk-and-suffolk"):
        assert frozenset(resolve(pack, [place], date(2025, 2, 5))[0].members) in found
    assert result.optimal


# --- the command -----------------------------------------------------------------------------------------------

def test_check_prints_the_typed_result_with_its_schema_kind():
    r = cli("footprints", "--check", "greater-essex", "--as-of", "2025-02-05", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["kind"] == "footprints-check" and data["footprints"][0]["qualifies"] is True
    schema = json.loads(cli("schema", "footprints-check").stdout)
    import jsonschema
    jsonschema.validate(data, schema)


def test_an_unknown_place_or_council_is_one_error_line_with_a_suggestion_and_exit_2():
    r = cli("footprints", "--check", "grater-essex")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: grater-essex: ") and "greater-essex" in r.stderr
    assert cli("footprints", "--within", "Atlantis").exit_code == 2


def test_out_writes_json_csv_and_a_self_contained_page_with_a_graph_each_the_same_bytes_twice(tmp_path):
    args = ["footprints", "--check", "hampshire-and-the-solent", "E06000033", "E06000034", "--as-of", "2025-02-05"]
    assert cli(*args, "--out", tmp_path / "a").exit_code == 0
    assert cli(*args, "--out", tmp_path / "b").exit_code == 0
    for name in ("footprints.json", "footprints.csv", "footprints.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    page = (tmp_path / "a" / "footprints.html").read_text("utf-8")
    assert page.count("<svg") == 2 and "<script" not in page and "src=" not in page
    rows = list(csv.DictReader((tmp_path / "a" / "footprints.csv").read_text("utf-8").splitlines()))
    assert [r["qualifies"] for r in rows] == ["yes", "no"]  # Southend and Thurrock share no boundary

    # every council's name is drawn whole (a long one on two lines), and no two labels, nor a label and a circle,
    # overlap, judged on boxes as wide as the text at 0.6 em a character
    import re
    from negotiator.footprints.page import place_labels
    hampshire = page.split("<svg")[1]
    drawn = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", hampshire))
    for name in ("Isle of Wight", "Southampton", "Portsmouth", "New Forest"):
        assert name in drawn
    import math
    for n in (1, 2, 5, 14, 40):
        nodes = [((160 + 120 * math.cos(2 * math.pi * i / n), 160 + 120 * math.sin(2 * math.pi * i / n)),
                  6 + (i * 7) % 14, f"Council with a long name {i}") for i in range(n)]
        labels = place_labels(nodes, (160, 160))
        circles = [(x - r, y - r, x + r, y + r) for (x, y), r, _ in nodes]
        for i, a in enumerate(labels):
            assert " ".join(a.lines) == nodes[i][2]
            for b in labels[i + 1:] + circles:
                box = b.box if hasattr(b, "box") else b
                assert not (a.box[0] < box[2] and box[0] < a.box[2] and a.box[1] < box[3] and box[1] < a.box[3])


def test_within_lists_groupings_each_contiguous_and_qualifying_first():
    r = cli("footprints", "--within", "East of England", "--as-of", "2025-02-05", "--json", "--limit", "20")
    data = json.loads(r.stdout)
    adjacent = _adjacency()
    assert data["footprints"] and data["footprints"][0]["qualifies"] is True
    for j in data["footprints"]:
        assert _connected({m["code"] for m in j["members"]}, adjacent)
    seen_false = False
    for j in data["footprints"]:
        seen_false = seen_false or j["qualifies"] is not True
        assert not (seen_false and j["qualifies"] is True)


def test_every_grouping_unlock_proposes_is_one_connected_area():
    adjacent = _adjacency()
    for place, pack_args in (("tower-hamlets", ["--as-of", "2011-05-01"]), ("wiltshire", ["--as-of", "2011-05-01"])):
        r = cli("unlock", place, "--power", "single_place_budget", "--json", *pack_args)
        data = json.loads(r.stdout)
        for option in data.get("join") or []:
            if option.get("place") is None:
                assert _connected(set(option["members"]), adjacent), option


@pytest.mark.parametrize("area", ["South East", "Kent"])
def test_the_search_meets_every_connected_grouping_once(pack, area):
    """Invariant: the enumeration yields each connected set of free units (up to four) exactly once: the same
    sets as trying every combination of units and keeping the connected ones."""
    import itertools

    from negotiator.vocab.geo import geography
    from negotiator.footprints.search import Growth, units
    name, councils = area_councils(pack, area)
    free, adjacent = units(tuple(sorted(councils)), date(2026, 4, 29))
    people = {u.id: geography().people(u.members) for u in free}
    found = [frozenset(ids) for ids, _ in Growth(free, adjacent, people, stop=10**9, max_units=4)]
    assert len(found) == len(set(found))
    ids = [u.id for u in free]

    def connected(group):
        seen, todo = {group[0]}, [group[0]]
        while todo:
            for n in adjacent[todo.pop()]:
                if n in group and n not in seen:
                    seen.add(n)
                    todo.append(n)
        return len(seen) == len(group)
    every = {frozenset(c) for k in range(1, 5) for c in itertools.combinations(ids, k) if connected(c)}
    assert set(found) == every


def test_the_web_footprint_view_gives_what_the_command_prints_and_never_reads_a_path():
    from fastapi.testclient import TestClient

    from negotiator.web.app import create_app
    app = create_app([str(ROOT / "rules" / PACK)], ROOT / "places", ROOT / "rounds")
    with TestClient(app, base_url="http://127.0.0.1") as client:
        got = client.get("/api/footprints", params={"check": ["greater-essex"], "as_of": "2025-02-05"})
        assert got.status_code == 200
        expected = json.loads(cli("footprints", "--check", "greater-essex", "--as-of", "2025-02-05", "--json").stdout)
        data = got.json()
        assert data["footprints"] == expected["footprints"] and data["kind"] == "footprints-check"
        page = client.get("/footprints.html", params={"check": ["hampshire-and-the-solent"], "as_of": "2025-02-05"})
        assert page.status_code == 200 and "<svg" in page.text and "<script" not in page.text
        assert client.get("/api/footprints", params={"check": ["../places/kent.yaml"]}).status_code == 422
        assert client.get("/api/schema/footprints-plan").status_code == 200


def test_within_a_power_lists_only_groupings_that_would_have_it_and_within_one_county_its_districts(pack):
    """With --power, every grouping listed would have the power in one of its forms; within a single county
    area the units are its districts, so a grouping may be part of the county."""
    from negotiator.footprints.search import enumerate_footprints
    name, councils = area_councils(pack, "South East")
    listed = enumerate_footprints(pack, name, councils, date(2026, 4, 29), power="police_and_crime_commissioner")
    assert "Brighton and Hove + East Sussex + West Sussex" in [j.name for j in listed.footprints]  # Sussex Police
    assert all(any("police_and_crime_commissioner" in f.available for f in j.unlocks) for j in listed.footprints)
    name, councils = area_councils(pack, "Kent")
    from negotiator.footprints.search import units
    free, _ = units(tuple(sorted(councils)), date(2025, 2, 5))
    assert len(free) == 12 and all(len(u.members) == 1 for u in free)


def test_footprints_text_is_wrapped_once_to_the_terminals_width():
    """Text for people fits the width it is read at, each long line wrapped once with its continuation
    hanging under it (no fixed 100-column wrap first, which at 80 made a staircase of short lines)."""
    out = cli("footprints", "--check", "hampshire-and-the-solent", "--as-of", "2025-02-05", columns=80).stdout
    assert out and all(len(text) <= 80 for text in out.splitlines())
    assert "Wight, Basingstoke and Deane, East Hampshire" in out
    wide = cli("footprints", "--check", "hampshire-and-the-solent", "--as-of", "2025-02-05").stdout
    assert "Isle of Wight, Basingstoke and Deane, East Hampshire, Eastleigh, Fareham, Gosport, Hart, Havant, New " \
           "Forest, Rushmoor, Test Valley, Winchester" in wide


def test_footprints_before_the_pack_takes_effect_say_it_was_not_in_force():
    """Judged on a date before the pack takes effect, no power of it is available: the text says why
    ('no power available' alone read as if the footprint could get nothing), and on a date in force it
    does not."""
    before = cli("footprints", "--check", "hampshire-and-the-solent", "--as-of", "2025-02-05").stdout
    assert "NOT IN FORCE: rule pack english-devolution-2026 takes effect on 2026-04-29" in before
    after = cli("footprints", "--check", "hampshire-and-the-solent", "--as-of", "2026-11-23").stdout
    assert "NOT IN FORCE" not in after


def test_a_list_states_each_condition_once_then_each_footprints_marks():
    """`--within` and `--plan` text: the conditions' statements and sources once, above the list; each footprint
    gives its marks (a mark kept with its rule on a line) and, for --within, what it strands in words."""
    text = cli("footprints", "--within", "East of England", "--as-of", "2025-02-05", columns=80).stdout
    statement = "The footprint is one area"
    assert " ".join(text.split()).count(statement) == 1
    assert "✓\u00a0footprint.contiguous" in text and "Strands no council;" in text
    assert text.index("Each footprint is judged on these conditions") < text.index("1. ")
