"""The register of English councils in time (negotiator/vocab/councils.py, negotiator/data/councils.yaml)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import cli
from negotiator.census import councils as census
from negotiator.vocab.councils import KINDS, build, register

D2011 = date(2011, 5, 1)
D2026 = date(2026, 11, 23)
SURREY = ["E07000207", "E07000208", "E07000209", "E07000210", "E07000211", "E07000212", "E07000213", "E07000214",
          "E07000215", "E07000216", "E07000217"]


def test_england_had_326_councils_in_2011_and_296_from_april_2023():
    """The counts ONS published for the 2011 Census (326 districts) and after the 2023 changes (296)."""
    reg = register()
    assert len(reg.councils_on(D2011, tier="lower")) == 326
    assert len(reg.councils_on(date(2023, 4, 1), tier="lower")) == 296
    assert len(reg.councils_on(date(2023, 3, 31), tier="lower")) == 309  # the Census table: 17 districts of Cumbria, North Yorkshire, Somerset for 4 unitaries


def test_buckinghamshire_is_a_county_with_four_districts_until_april_2020_then_one_unitary():
    reg = register()
    assert reg.kind("E10000002", D2011) == "county" and not reg.exists("E06000060", D2011)
    assert [c.name for c in reg.districts_of("E10000002", D2011)] == ["Aylesbury Vale", "Chiltern", "South Bucks",
                                                                     "Wycombe"]
    assert reg.exists("E10000002", date(2020, 3, 31)) and not reg.exists("E10000002", date(2020, 4, 1))
    assert reg.kind("E06000060", date(2020, 4, 1)) == "unitary"
    assert set(reg.predecessors("E06000060")) == {"E07000004", "E07000005", "E07000006", "E07000007", "E10000002"}
    assert reg.successors("E07000005", D2026) == ("E06000060",)
    assert reg.successors("E07000005", D2011) == ()  # it still existed
    assert "Buckinghamshire (Structural Changes) Order 2019" in reg.why_not("E07000005", D2026)


def test_surrey_is_twelve_councils_until_april_2027_then_east_and_west_surrey():
    reg = register()
    before, after = date(2027, 3, 31), date(2027, 4, 1)
    assert all(reg.exists(code, before) for code in SURREY + ["E10000030"])
    assert not any(reg.exists(code, after) for code in SURREY + ["E10000030"])
    assert {c.code for c in reg.councils_on(after) if c.code.endswith("surrey")} == {"east-surrey", "west-surrey"}
    assert reg.successors("E07000211", after) == ("east-surrey",)   # Reigate and Banstead
    assert reg.successors("E10000030", after) == ("east-surrey", "west-surrey")
    assert reg.created_by("east-surrey").decided == date(2025, 10, 28)
    east = reg.population("east-surrey", after)
    assert east.value == sum(census()[c].population_2021 for c in ("E07000207", "E07000208", "E07000210",
                                                                  "E07000211", "E07000215"))


def test_a_chain_of_changes_is_followed_to_the_date():
    """Taunton Deane became Somerset West and Taunton in 2019, which became part of Somerset in 2023."""
    reg = register()
    assert reg.successors("E07000190", date(2019, 4, 1)) == ("E07000246",)
    assert reg.successors("E07000190", date(2023, 4, 1)) == ("E06000066",)


def test_the_2009_unitaries_replace_their_counties_and_districts_on_1_april_2009():
    reg = register()
    new = {"E06000052": 7, "E06000047": 8, "E06000057": 7, "E06000051": 6, "E06000054": 5, "E06000055": 2,
           "E06000056": 3, "E06000049": 4, "E06000050": 4}
    for code, n in new.items():
        r = reg.created_by(code)
        assert r.day == date(2009, 4, 1) and r.status == "in_force", code
        assert len(reg.predecessors(code)) == n, code
        assert not reg.exists(code, date(2009, 3, 31)) and reg.exists(code, date(2009, 4, 1))
    assert reg.council("cornwall-county-council").notes  # no GSS code: said so
    assert not reg.council("cornwall-county-council").gss and reg.council("E07000019").gss


def test_populations_are_census_counts_or_sums_over_the_same_area_or_unknown():
    reg = register()
    assert reg.population("E08000003", D2011).value == census()["E08000003"].population_2011
    assert reg.population("E08000003", D2026).value == census()["E08000003"].population_2021
    cumberland = reg.population("E06000063", D2026)
    assert cumberland.value == sum(census()[c].population_2021 for c in ("E07000026", "E07000028", "E07000029"))
    assert "Allerdale" in cumberland.source
    assert reg.population("E10000002", D2011).value == census()["E06000060"].population_2011
    aylesbury = reg.population("E07000004", D2011)  # abolished in 2020: its own Census 2011 count
    assert aylesbury.value == 174137 and "boundaries then" in aylesbury.source
    assert reg.population("E07000019", D2011) is None  # Caradon, abolished in 2009: no bundled count, unknown
    assert reg.population_of(["E07000004"], 2021) is None  # no 2021 count of a council gone by then


def test_the_census_2011_counts_of_councils_abolished_since_sum_to_their_successors_counts():
    """Every council with its own Census 2011 count (abolished between 2011 and 2021) is counted once in the
    Census table's 2011 count of the councils that took over its area: its own count and those of the other
    councils that merged with it sum exactly to the successor's (Buckinghamshire's four districts to
    Buckinghamshire Council's 505,283), so the bundled counts are the same Census on other boundaries."""
    reg = register()
    own = {code: c for code, c in reg.councils.items() if c.census_2011 is not None}
    assert len(own) == 25
    successors: dict[str, set[str]] = {}
    for code in own:
        for succ in reg._table_successors(code):
            successors.setdefault(succ, set()).add(code)
    assert successors  # every one reaches a council of the table
    for succ, preds in successors.items():
        area = reg._area_of([succ])
        assert set(area) >= preds
        total = sum(own[a].census_2011 if a in own else census()[a].population_2011 for a in area)
        assert total == census()[succ].population_2011, succ
    for c in own.values():
        assert any("2011 Census" in s and "boundaries" in s for s in c.sources)


def test_every_place_of_the_england_set_as_of_2011_has_a_census_2011_population(tmp_path):
    from negotiator.cli import app
    from typer.testing import CliRunner
    out = tmp_path / "e"
    result = CliRunner().invoke(app, ["england", "--as-of", "2011-03-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    texts = {p.name: p.read_text() for p in out.glob("*.yaml")}
    assert len(texts) == 346
    assert not [n for n, t in texts.items() if "value:" not in t or "Population unknown" in t]
    assert "value: 174137, from: 2011-03-27" in texts["aylesbury-vale.yaml"]
    assert "value: 412905, from: 2011-03-27" in texts["dorset.yaml"]  # with Christchurch, later in BCP
    assert "2021-03-21" not in texts["dorset.yaml"]  # that area was not counted in 2021: unknown


def test_members_of_a_place_follow_the_register_through_its_changes():
    reg = register()
    cumbria = ["E07000026", "E07000027", "E07000028", "E07000029", "E07000030", "E07000031"]
    assert reg.members_on(cumbria, D2026) == (("E06000063", "E06000064"), [])
    assert reg.members_on(cumbria, D2011) == (tuple(cumbria), [])
    bdp, problems = reg.members_on(["E06000058", "E06000059"], D2011)
    assert not problems and len(bdp) == 8 and "E07000048" in bdp
    # part of a successor's area is not the place: said so, with the change
    _members, problems = reg.members_on(["E07000165", "E08000035"], D2026)
    assert problems and "North Yorkshire" in problems[0] and "Harrogate" in problems[0]


def test_proposals_are_recorded_and_change_no_date():
    reg = register()
    assert {p.id for p in reg.proposals} >= {"essex-southend-and-thurrock", "west-sussex"}
    assert all(p.sources for p in reg.proposals)
    assert reg.exists("E10000012", date(2040, 1, 1))  # Essex County Council: no decided end


def test_decisions_that_split_districts_are_recorded_with_their_vesting_day_and_applied_to_no_date():
    """Norfolk and Suffolk (decided 25 March 2026, from 1 April 2028): their new councils' areas split districts,
    so the register keeps the councils as they are and names the decision for every date from its vesting day."""
    reg = register()
    assert {p.id for p in reg.pending} == {"norfolk-2028", "suffolk-2028"}
    assert not {"norfolk", "suffolk"} & {p.id for p in reg.proposals}  # decided: no longer proposals
    after = date(2028, 4, 1)
    assert reg.exists("E10000020", date(2040, 1, 1)) and reg.exists("E07000148", after)  # Norwich: not applied
    assert reg.pending_on(date(2028, 3, 31)) == []
    assert [p.id for p in reg.pending_on(after)] == ["norfolk-2028", "suffolk-2028"]
    assert [p.id for p in reg.pending_on(after, ["E07000202"])] == ["suffolk-2028"]  # Ipswich
    assert reg.pending_on(after, ["E07000066"]) == []  # Basildon: Essex's decision was not found
    for p in reg.pending:
        assert p.sources and p.decided < p.day and all(reg.exists(c, p.day) for c in p.councils)
        assert "not applied" in p.sentence() and p.day.isoformat() in p.sentence()


def test_england_on_a_date_after_a_decision_not_applied_says_so(tmp_path):
    out = cli("england", "--as-of", "2028-06-01", "--out", tmp_path / "england")
    assert out.exit_code == 0
    assert "Decided, not applied: West Norfolk, East Norfolk and Greater Norwich City" in " ".join(out.stderr.split())


def test_every_council_and_change_has_a_source_and_a_known_kind():
    reg = register()
    for c in reg.councils.values():
        assert c.sources, c.code
        assert c.kind in KINDS, c.code
    for r in reg.reorganisations:
        assert r.sources and r.status in ("in_force", "decided")
        for succ, preds in r.successors.items():
            assert all(reg.council(p).end == r.day for p in preds)
            assert reg.council(succ).start == r.day


def test_a_change_naming_an_unknown_council_is_refused():
    text = """
sources: {s: a source}
councils: []
reorganisations:
  - {id: x, title: X, status: in_force, date: 2020-04-01, sources: [s], successors: {E99999999: [E07000004]}}
"""
    with pytest.raises(ValueError, match="E99999999"):
        build(text)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)))
def test_on_any_day_each_councils_area_is_covered_once(day):
    """On any day, every council of the 2011 set is either existing or succeeded by councils existing that day,
    and no two councils existing that day have a predecessor in common (no area is counted twice)."""
    reg = register()
    for c in reg.councils_on(D2011, tier="lower"):
        assert c.exists(day) or all(reg.exists(s, day) for s in reg.successors(c.code, day))
    lower = reg.councils_on(day, tier="lower")
    seen: dict[str, str] = {}
    for c in lower:
        for p in reg.predecessors(c.code):
            if reg.council(p).kind != "county":
                assert p not in seen, (p, c.code, seen.get(p))
                seen[p] = c.code
    assert len(reg.councils_on(day + timedelta(days=0), tier="lower")) == len(lower)
