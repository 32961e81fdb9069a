"""What would it take: what-if, unlock, joining neighbours, facts to collect.

Properties stated in words in each docstring: every reported set of moves really unlocks; no proper
subset of a reported set does; no cheaper unlocking set is missed (checked against brute force over
every subset of the moves, on the test pack); settling a fact to collect does settle the conclusions
it names.
"""

from __future__ import annotations

import itertools
import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import PACK, ROOT, TEST_PACK, cli
from negotiator.check.sampling import profiles
from negotiator.options.collect import facts_to_collect, space
from negotiator.options.state import apply_moves, decide_facts, facts_with
from negotiator.options.unlock import search
from negotiator.pack.load import load_pack
from negotiator.results import Status
from negotiator.months import months_between
from negotiator.vocab.facts import MONTHS_SUFFIX

TEST = load_pack(TEST_PACK)
ROUTE_MAP = load_pack(PACK)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
ON = st.dates(date(2022, 6, 1), date(2026, 1, 1))


def test_whatif_shows_only_what_changes_with_the_rules_responsible():
    result = cli("whatif", "greater-manchester", "--as-of", "2011-05-01",
                 "--set", "accountability.model=directly_elected_mayor")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert any("(single_place_budget)" in line and "status needs stronger accountability -> available" in line
               for line in out.splitlines())  # powers changing alike, for the same causes, share a line
    assert "current tier: Joint governance (joint committee or combined authority) (joint_governance) -> A single, " \
           "directly elected, highly visible figure (high_visibility)" in out
    assert "because accountability.model: combined_authority -> directly_elected_mayor" in out
    assert "tier changed" not in out, "the cause is the input, the model, not the tier it gives"
    assert "(adult_skills)" not in out, "only what changes"


def test_whatif_on_a_parameter_names_the_rule_that_flips():
    data = json.loads(cli("whatif", "wiltshire", "--as-of", "2011-03-01", "--set",
                          "strategic_county_min_population=450000", "--json").stdout)
    assert data["change"]["eligible"] == [False, True]
    flipped = {r["rule"]: r for r in data["change"]["eligibility_rules"]}
    assert flipped["level.strategic_county"]["result"] == ["false", "true"]
    assert flipped["level.strategic_county"]["parameters"]["strategic_county_min_population"] == [500000, 450000]
    assert [(c["kind"], c["name"]) for c in data["change"]["eligibility_causes"]] == [
        ("parameter", "strategic_county_min_population")]


def test_whatif_rejects_what_is_neither_a_fact_nor_a_parameter():
    result = cli("whatif", "kent", "--set", "capacity.total_place_pilto=true")
    assert result.exit_code == 2
    assert "did you mean 'capacity.total_place_pilot'?" in result.stderr
    bad = cli("whatif", "kent", "--set", "capacity.total_place_pilot=maybe")
    assert bad.exit_code == 2 and "expected true or false" in bad.stderr


def test_round_set_changes_the_config_and_a_parameter(tmp_path):
    config = ROOT / "rounds" / "forerunner-2011.yaml"
    a = cli("round", ROOT / "places", "--config", config, "--out", tmp_path / "a", "--quiet")
    b = cli("round", ROOT / "places", "--config", config, "--out", tmp_path / "b", "--quiet",
            "--set", "capacity=8", "--set", "strategic_county_min_population=450000")
    assert a.exit_code == 0 and b.exit_code == 0, b.stderr
    diff = json.loads(cli("diff", tmp_path / "a" / "round.json", tmp_path / "b" / "round.json", "--json").stdout)
    assert diff["config"]["capacity"] == [12, 8]
    assert diff["parameters"]["strategic_county_min_population"] == [500000, 450000]
    bad = cli("round", "--out", tmp_path / "c", "--set", "capacity=none")
    assert bad.exit_code == 2 and "capacity" in bad.stderr


def test_unlock_greater_manchester_in_2010_names_the_accountability_move_behind_the_single_place_budget():
    data = json.loads(cli("unlock", "greater-manchester", "--power", "single_place_budget", "--as-of",
                          "2010-06-01", "--json").stdout)
    first = data["answers"][0]
    ids = {m["id"] for m in first["moves"]}
    assert ids & {"adopt_directly_elected_mayor", "propose_visible_alternative"}
    assert first["outcome"]["single_place_budget"][1] == "available"


def test_unlock_on_tower_hamlets_proposes_groupings_with_their_populations():
    result = cli("unlock", "tower-hamlets", "--power", "transport", "--as-of", "2011-03-01")
    assert result.exit_code == 0
    assert "Groupings that would reach it" in result.stdout and "population" in result.stdout
    data = json.loads(cli("unlock", "tower-hamlets", "--power", "transport", "--as-of", "2011-03-01",
                          "--json").stdout)
    assert data["join"] and all(o["population"] for o in data["join"])
    assert any(o["eligible"] for o in data["join"])


def test_unlock_on_a_power_already_available_says_there_is_nothing_to_unlock():
    result = cli("unlock", "birmingham", "--power", "public_health", "--as-of", "2011-03-01")
    assert "Nothing: it is available already" in result.stdout


def test_unlock_says_plainly_when_no_declared_move_unlocks_it():
    data = json.loads(cli("unlock", "kent", "--power", "city_region_mayor_powers", "--as-of", "2011-03-01",
                          "--json").stdout)
    assert data["answers"] == [] and any("level.grouping" in r for r in data["why_not"])


def test_time_is_a_move_too():
    data = json.loads(cli("unlock", ROOT / "tests" / "packs" / "places" / "new-combined-authority.yaml",
                          "--power", "adult_skills", "--rules", TEST_PACK, "--as-of", "2023-07-01", "--json").stdout)
    assert [m["id"] for m in data["answers"][0]["moves"]] == ["wait_a_year"]


def _unlocks(pack, profile, on, target, moves) -> bool | None:
    applied = apply_moves(pack, profile, on, list(moves))
    if applied is None:
        return None
    facts, later = applied
    return decide_facts(pack, facts, later).statuses[target] == Status.available


@SETTINGS
@given(profiles(TEST), ON)
def test_unlock_answers_are_minimal_really_unlock_and_none_cheaper_is_missed(profile, on):
    """Every reported set unlocks; no proper subset of it does; the cheapest of all unlocking sets, found by
    brute force over every subset of the moves, costs no less than the first answer."""
    for power in TEST.powers:
        answers, base = search(TEST, profile, on, power.id, limit=50)
        if base.statuses[power.id] == Status.available:
            continue
        by_id = {m.id: m for m in TEST.moves}
        for a in answers:
            moves = [by_id[m.id] for m in a.moves]
            assert _unlocks(TEST, profile, on, power.id, moves) is True
            for k in range(len(moves)):
                for sub in itertools.combinations(moves, k):
                    assert _unlocks(TEST, profile, on, power.id, sub) is not True, (power.id, a.moves, sub)
        brute = [sum(m.cost for m in combo) for k in range(1, len(TEST.moves) + 1)
                 for combo in itertools.combinations(TEST.moves, k)
                 if _unlocks(TEST, profile, on, power.id, combo) is True]
        if brute:
            assert answers and answers[0].cost == min(brute)
        else:
            assert not answers


@SETTINGS
@given(profiles(ROUTE_MAP), st.dates(date(2010, 3, 1), date(2014, 1, 1)))
def test_settling_a_fact_to_collect_settles_the_conclusions_it_names(profile, on):
    """Whatever value a fact to collect turns out to have, the conclusions it names are no longer undetermined."""
    for f in facts_to_collect(ROUTE_MAP, profile, on):
        months = f.fact + MONTHS_SUFFIX
        values = [v for v in space(ROUTE_MAP).classes(f.fact) if v is not None]
        for value in values:
            facts = facts_with(ROUTE_MAP, profile, on, {f.fact: value})
            if months in ROUTE_MAP.facts:
                facts[months] = months_between(value, on)
            out = decide_facts(ROUTE_MAP, facts, on)
            for conclusion in f.settles:
                if conclusion == "negotiation level":
                    assert out.eligible is not None
                else:
                    assert out.statuses[conclusion.removeprefix("power ")] != Status.undetermined


def test_evaluate_shows_the_facts_to_collect_first():
    out = cli("evaluate", "west-midlands", "--as-of", "2011-03-01").stdout
    assert "Collect first: accountability.model" in out


def test_the_round_report_lists_the_facts_to_collect_and_what_it_would_take(forerunner_dir):
    md = (forerunner_dir / "round.md").read_text()
    assert "## Facts to collect first" in md and "**What it would take:**" in md


def test_on_a_young_mayoral_authority_unlock_names_the_time_and_assurance_steps(tmp_path):
    """Hull and East Yorkshire's mayor took office on 1 May 2025; with its record and oversight known (here
    supposed, for the test) and no assurance framework yet, the steps to established status are: publish the
    framework and wait for the mayor's eighteenth month."""
    profile = tmp_path / "hull.yaml"
    profile.write_text((ROOT / "places" / "hull-and-east-yorkshire.yaml").read_text().replace(
        "mayor:\n", "  track_record: true\n  assurance_framework: false\noversight:\n  last: never\nmayor:\n"))
    data = json.loads(cli("unlock", profile, "--power", "integrated_settlement", "--rules", "english-devolution-2026",
                          "--as-of", "2026-05-01", "--json").stdout)
    first = {m["id"] for m in data["answers"][0]["moves"]}
    assert "publish_assurance_framework" in first and first & {"wait_6_months", "wait_12_months", "wait_18_months"}


def test_a_move_s_requires_is_read_before_the_move_is_made():
    """"Form a combined authority only where there is none": the test pack's move requires that the
    institution is not a combined authority yet, and sets it to one. Read after the move, that could never
    hold; read before, it holds for a county council and fails for a place that already has one."""
    from negotiator.vocab.places import load_place
    by_id = {m.id: m for m in TEST.moves}
    places = ROOT / "tests" / "packs" / "places"
    county = load_place(places / "shire-county.yaml", TEST).profile
    existing = load_place(places / "new-combined-authority.yaml", TEST).profile
    on = date(2025, 1, 1)
    made = apply_moves(TEST, county, on, [by_id["form_combined_authority"]])
    assert made is not None and made[0]["institution.kind"] == "combined_authority"
    assert made[0]["institution.established"] == on
    assert apply_moves(TEST, existing, on, [by_id["form_combined_authority"]]) is None


def test_moves_of_a_set_are_made_in_the_pack_s_order_each_reading_the_place_as_it_is_just_then(tmp_path):
    """A move may require what an earlier move of the same set brings about (police functions go to a
    combined authority formed first); two moves setting one fact differently contradict each other and are
    never made together; a set is made by the date its waits end."""
    import shutil
    pack_dir = tmp_path / "pack"
    shutil.copytree(TEST_PACK, pack_dir)
    moves = pack_dir / "moves.yaml"
    moves.write_text(moves.read_text(encoding="utf-8") + """
  - id: police_through_the_authority
    title: Align the police area with the combined authority's
    sets: {police.force_area_aligned: true}
    requires: {fact: institution.kind, eq: combined_authority}
    cost: 1
    months: 6
    assumption: A test value.
""", encoding="utf-8")
    pack = load_pack(pack_dir)
    by_id = {m.id: m for m in pack.moves}
    from negotiator.vocab.places import load_place
    county = load_place(ROOT / "tests" / "packs" / "places" / "shire-county.yaml", pack).profile
    on = date(2025, 1, 1)
    assert apply_moves(pack, county, on, [by_id["police_through_the_authority"]]) is None
    both = apply_moves(pack, county, on, [by_id["police_through_the_authority"], by_id["form_combined_authority"]])
    assert both is not None and both[0]["police.force_area_aligned"] is True
    assert apply_moves(pack, county, on, [by_id["elect_leader"], by_id["form_combined_authority"]]) is None
    waited = apply_moves(pack, county, on, [by_id["wait_a_year"], by_id["police_through_the_authority"]])
    assert waited is None  # the combined authority is not formed by waiting
    made = apply_moves(pack, county, on, [by_id["wait_a_year"], by_id["form_combined_authority"]])
    assert made is not None and made[1] == date(2026, 1, 1)


def test_unlock_never_explains_by_moves_that_contradict_each_other(tmp_path):
    """A county council below the population threshold: no move changes its population, so nothing unlocks
    bus franchising. A pack that also declares handing the powers to a joint committee (a downgrade, which
    contradicts forming a combined authority) must not explain the refusal by the joint committee: the
    county council is a single institution as it is, and only the population stands in the way."""
    import shutil

    from negotiator.options.unlock import unlock
    from negotiator.vocab.places import load_place
    pack_dir = tmp_path / "pack"
    shutil.copytree(TEST_PACK, pack_dir)
    moves = pack_dir / "moves.yaml"
    moves.write_text(moves.read_text(encoding="utf-8").replace("moves:\n", """moves:
  - id: hand_to_joint_committee
    title: Hand the powers to a joint committee
    sets: {institution.kind: joint_committee}
    cost: 1
    months: 3
    assumption: A test value.
""", 1), encoding="utf-8")
    pack = load_pack(pack_dir)
    place = tmp_path / "small-county.yaml"
    place.write_text((ROOT / "tests" / "packs" / "places" / "shire-county.yaml").read_text(encoding="utf-8")
                     .replace("id: shire-county", "id: small-county").replace("1582000", "300000"), encoding="utf-8")
    profile = load_place(place, pack).profile
    result = unlock(pack, profile, date(2025, 1, 1), "bus_franchising", join=False)
    assert result.answers == []
    text = " ".join(result.why_not)
    assert "level.eligible is false for the place as it is" in text and "population" in text
    assert "joint_committee" not in text and "institution.single" not in text, result.why_not


@SETTINGS
@given(profiles(TEST), ON)
def test_a_rule_unlock_says_no_consistent_set_makes_true_is_true_with_no_set_of_moves_that_can_be_made(profile, on):
    """Whenever unlock finds nothing and says a rule is false whatever consistent set of moves is made, that
    rule is not true after any set of the pack's moves that can be made together (brute force over every
    subset)."""
    from negotiator.options.unlock import why_not
    for power in TEST.powers:
        answers, _ = search(TEST, profile, on, power.id, limit=1)
        if answers:
            continue
        reasons, _missing = why_not(TEST, profile, on, power.id)
        named = [r.split(" is false for the place", 1)[0] for r in reasons if " is false for the place" in r]
        for rid in named:
            for k in range(len(TEST.moves) + 1):
                for combo in itertools.combinations(TEST.moves, k):
                    applied = apply_moves(TEST, profile, on, list(combo))
                    if applied is None:
                        continue
                    assert decide_facts(TEST, *applied).truths.get(rid) is not True, (power.id, rid, combo)
