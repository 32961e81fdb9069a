"""The framework in force today (rules/english-devolution-2026), its places, a round, and then versus now."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import pytest

from helpers import ROOT, cli, without_own_script
from negotiator.check.run import EXHAUSTIVE_LIMIT, run_checks
from negotiator.compiled import compiled
from negotiator.pack.load import load_pack
from negotiator.results import Comparison
from negotiator.vocab.places import load_places
from negotiator.vocab.profile import facts_at

PACK = ROOT / "rules" / "english-devolution-2026"
CONFIG = ROOT / "rounds" / "programme-2026.yaml"
RULES = ("--rules", "english-devolution-2026")


def test_greater_manchester_is_an_established_mayoral_strategic_authority_with_dated_reasons():
    text = cli("evaluate", "greater-manchester", *RULES).stdout
    assert "As of 2026-04-29 (the rule pack's date of effect" in text
    assert "✓ sa.established_mayoral: Criteria met, eligible to request" in text
    assert "✓ established.mayor_18_months" in text and "(mayor.first_in_post = 2017-05-04)" in text
    assert "authority.assurance_framework = true (since 2017-03-01)" in text
    assert re.search(r"source \[\d+\]: Integrated Settlement: policy document \(MHCLG, 11 June 2025\)", text)
    assert "The integrated settlement of an established mayoral strategic authority: criteria met: eligible to request" in text
    for power in ("integrated_settlement", "police_and_crime_commissioner", "fire_and_rescue"):
        assert text.index(power) < text.index("The integrated settlement of an established mayoral"), power
    assert "Available now (12)" in text

    today = json.loads(cli("evaluate", "greater-manchester", *RULES, "--as-of", "2026-11-23", "--json").stdout)
    status = {p["id"]: p["status"] for p in today["powers"]}
    assert status["integrated_settlement"] == status["police_and_crime_commissioner"] == \
        status["fire_and_rescue"] == "available"
    assert today["steps"]["sa.established_mayoral"]["result"] == "true"
    assert today["steps"]["settlement.in_place"]["result"] == "true"
    assert today["facts"]["settlement.integrated_from"]["value"] == "2025-04-01"
    assert today["facts"]["police.mayor_functions_from"]["value"] == "2017-05-08"
    text = cli("evaluate", "greater-manchester", *RULES, "--as-of", "2026-11-23").stdout
    assert "On record" in text and "✓ settlement.in_place" in text and "✓ police.transferred" in text


def test_before_its_mayors_eighteenth_month_greater_manchester_is_not_yet_established():
    data = json.loads(cli("evaluate", "greater-manchester", *RULES, "--as-of", "2018-11-03", "--json").stdout)
    assert data["steps"]["sa.mayoral"]["result"] == "true"
    assert data["steps"]["sa.established_mayoral"]["result"] == "false"
    step = data["steps"]["established.mayor_18_months"]
    assert step["result"] == "false" and step["failed"] == ["months since mayor.first_in_post ≥ 18 (established_mayor_months) (is 17)"]
    text = cli("evaluate", "greater-manchester", *RULES, "--as-of", "2018-11-03").stdout
    assert "✓ sa.mayoral_not_established: A mayoral strategic authority not yet established" in text
    assert "✗ established.mayor_18_months" in text
    assert "months since mayor.first_in_post = 17 (mayor.first_in_post = 2017-05-04)" in " ".join(text.split())
    text = cli("explain", "greater-manchester", "integrated_settlement", *RULES, "--as-of", "2018-11-03").stdout
    assert "✗ sa.established_mayoral is false" in text


def test_the_pack_validates_and_its_checks_pass():
    result = cli("validate", PACK)
    assert result.exit_code == 0, result.stderr
    assert "counterparts of rule pack english-devolution-2026 for route-map-2010: 16 powers mapped" in result.stdout
    report = run_checks(load_pack(PACK), examples=25, durable_check=False)
    assert report.passed, [c for c in report.checks if c.status == "failed"]
    assert report.space.size <= EXHAUSTIVE_LIMIT, "--exhaustive checks the whole abstraction"
    monotone = next(c for c in report.checks if c.id == "monotone")
    assert monotone.status == "passed" and monotone.checked > 0


def test_the_engines_agree_on_todays_places():
    pack = load_pack(PACK)
    durable, python = compiled(pack).evaluator("durable"), compiled(pack).evaluator("python")
    from negotiator.engines.semantics import engine_facts
    for lp in load_places([str(ROOT / "places")], pack):
        facts = engine_facts(facts_at(lp.profile, pack.vocabulary, date(2026, 11, 23)))
        assert durable.truths(facts, frozenset()) == python.truths(facts, frozenset()), lp.id


@pytest.fixture(scope="module")
def round_data(tmp_path_factory):
    out = tmp_path_factory.mktemp("programme")
    result = cli("round", ROOT / "places", *RULES, "--config", CONFIG, "--out", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    return out, json.loads((out / "round.json").read_text())


def test_a_round_over_todays_places_ranks_the_authorities_seeking_the_next_step(round_data):
    out, data = round_data
    assert data["round"]["date"] == "2026-11-23" and data["pack"]["id"] == "english-devolution-2026"
    assert "greater-manchester" in data["already_devolved"]
    first = data["tranches"][0]["places"]
    assert 0 < len(first) <= 6 and not set(first) & set(data["already_devolved"])
    assert {"birmingham", "tower-hamlets"} <= set(data["not_eligible"])
    ranked = [pid for t in data["tranches"] for pid in t["places"]]
    assert "kent" in ranked                          # in no authority, it can ask to become one
    assert {"cheshire-and-warrington", "cumbria", "hampshire-and-the-solent"} <= set(data["not_ready"])
    assert ranked.index("tees-valley") < ranked.index("kent")
    md = (out / "round.md").read_text()
    sheet = md[md.index("### Cambridgeshire and Peterborough"):]
    assert "Police and crime commissioner functions, exercised by the mayor" in sheet[:2000]
    assert "**Obligations:** A published Local Assurance Framework" in sheet[:3000]


def test_the_deal_sheets_word_the_integrated_settlement_as_eligibility_to_request_never_as_available_now(round_data):
    """The power is that the criteria are met and the authority may ask (policy document, paragraph 4); the
    settlement is the government's to announce. No deal sheet says the settlement is "available now"."""
    out, _data = round_data
    md = (out / "round.md").read_text()
    lines = [ln for ln in md.splitlines() if ln.startswith("**Integrated settlement, ")]
    assert lines and not any("available now" in ln for ln in lines)
    sheet = md[md.index("### Greater Manchester"):]
    assert "criteria met: eligible to request" in sheet[:3000]
    assert "criteria met: eligible to request" in (out / "round.html").read_text()


def test_a_county_in_no_authority_is_not_called_a_foundation_strategic_authority():
    """Kent's leader and cabinet is the leadership of the foundation tier; the tier's title must not say Kent is a
    foundation strategic authority, which it is not (it is in no authority: sa.prospective, not sa.foundation)."""
    result = cli("compare", "kent", "--then-as-of", "2011-05-01", "--now-as-of", "2026-12-04")
    assert result.exit_code == 0, result.stderr
    assert "Council leaders (a foundation strategic authority)" not in " ".join(result.stdout.split())
    assert "Council leaders, as in a foundation strategic authority" in " ".join(result.stdout.split())


def test_the_devolution_priority_programme_is_its_six_areas_about_15_percent_of_england(round_data):
    """The programme's figure counts its six areas' own councils, not the places already devolved."""
    _out, data = round_data
    programme = next(sc for sc in data["scenarios"] if sc["name"] == "The Devolution Priority Programme")
    assert programme["with_already_devolved"] == []
    assert sorted(programme["coverage"]["places"]) == [
        "cheshire-and-warrington", "cumbria", "greater-essex", "hampshire-and-the-solent", "norfolk-and-suffolk",
        "sussex-and-brighton"]
    assert programme["coverage"]["population"] == 8_694_700
    assert 0.15 <= programme["coverage"]["share"] <= 0.16


def test_the_headline_figures_are_defined_by_rules_under_a_strategic_authority_and_under_a_mayor_in_post(round_data):
    """Each headline names the rule that decides which places count; undetermined places are named, not counted."""
    out, data = round_data
    by_name = {sc["name"]: sc for sc in data["scenarios"]}
    sa, mayor = by_name["Under a strategic authority"], by_name["Under a mayor in post"]
    assert sa["where"] == "sa.strategic_authority" and mayor["where"] == "sa.mayor_in_post"
    assert "cheshire-and-warrington" in sa["coverage"]["places"]       # a mayoral authority awaiting its mayor
    assert "cheshire-and-warrington" not in mayor["coverage"]["places"]
    assert "lancashire" in sa["coverage"]["places"] and "lancashire" not in mayor["coverage"]["places"]
    assert "greater-london" in mayor["coverage"]["places"]
    assert mayor["coverage"]["population"] < sa["coverage"]["population"]
    assert "greater-essex" in sa["undetermined"] and "greater-essex" not in sa["coverage"]["places"]
    md = (out / "round.md").read_text()
    assert "the places for which sa.mayor\\_in\\_post holds" in md or "sa.mayor\\_in\\_post" in md


def test_then_versus_now_for_greater_manchester():
    result = cli("compare", "greater-manchester", "--then-as-of", "2011-05-01", "--now-as-of", "2026-11-23", "--json")
    assert result.exit_code == 0, result.stderr
    data = Comparison.model_validate_json(result.stdout)
    assert (data.then_pack.id, data.now_pack.id) == ("route-map-2010", "english-devolution-2026")
    gm = data.places[0]
    rows = {r.then.power: r for r in gm.rows}
    budget = rows["single_place_budget"]
    assert budget.then.status.value == "needs_stronger_accountability"
    assert [p.power for p in budget.now] == ["integrated_settlement"] and budget.now[0].status.value == "available"
    assert budget.verdict.value == "gained"
    assert "established.mayor_18_months" in [r.rule for r in budget.now[0].rules]
    assert rows["transport"].verdict.value == "kept"
    assert rows["general_power_of_competence"].verdict.value == "no_counterpart"
    assert {p.power for p in gm.new_powers} == {"rail_devolution_request", "housing_and_strategic_planning",
                                                "environment_and_climate_change"}, \
        "the platinum powers answer to a mayor's functions; no source shows the HCA's or EA's functions transferred"
    assert rows["national_body_functions"].verdict.value == "no_counterpart"
    assert gm.then.eligible is True and gm.now.eligible is True
    assert any(r.rule == "settlement.in_place" for r in gm.now.on_record)
    text = cli("compare", "greater-manchester", "--then-as-of", "2011-05-01", "--now-as-of", "2026-11-23").stdout
    flat = " ".join(text.split())
    assert ("granted now, not offered then: A \"more for less\" single place budget across public services "
            "(single_place_budget) was available with stronger accountability; now Eligible to request an integrated "
            "settlement (a single funding settlement across departments): available") in flat
    assert flat.index("In sum:") < flat.index("Why, power by power"), "the answer comes first"


def test_then_versus_now_names_the_authority_that_holds_birmingham_s_powers_now():
    """Birmingham negotiated alone in 2011; today the West Midlands Combined Authority, whose constituent council
    it is, holds those powers: the verdict says so and names it, rather than "not granted now"."""
    result = cli("compare", "birmingham", "--then-as-of", "2011-03-01", "--now-as-of", "2026-11-23", "--json")
    assert result.exit_code == 0, result.stderr
    rows = {r.then.power: r for r in Comparison.model_validate_json(result.stdout).places[0].rows}
    transport = rows["transport"]
    assert transport.then.status.value == "available" and transport.now[0].status.value == "not_available"
    assert transport.verdict.value == "held_by_authority" and transport.held_by == "west-midlands"
    assert transport.held_by_now[0].status.value == "available"
    assert not [r for r in rows.values() if r.verdict.value == "lost"]
    text = " ".join(cli("compare", "birmingham", "--then-as-of", "2011-03-01", "--now-as-of", "2026-11-23")
                    .stdout.split())
    assert "offered then, held now by the authority the place is within (West Midlands" in text


def test_then_versus_now_for_a_round_writes_markdown_and_html(tmp_path):
    result = cli("compare", "--config", CONFIG, "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "compare.json").read_text())
    # every place of places/ but those existing on neither date (East and West Surrey, from 1 April 2027), named
    assert data["now_as_of"] == "2026-11-23"
    assert len(data["places"]) + len(data["left_out"]) == len(list((ROOT / "places").glob("*.yaml")))
    assert [lo.split(":")[0] for lo in data["left_out"]] == ["East Surrey", "West Surrey"]
    assert "it exists from 2027-04-01" in data["left_out"][0] and "left out, existing on neither date" in result.stderr
    import jsonschema
    jsonschema.validate(data, json.loads(cli("schema", "compare").stdout))
    md = (tmp_path / "compare.md").read_text()
    assert md.startswith("# Then versus now") and "## Places" in md and "## Greater Manchester" in md
    html = (tmp_path / "compare.html").read_text()
    assert 'id="place-greater-manchester"' in html and "<script" not in without_own_script(html)
    assert len(html.encode()) < 1_000_000 and "<details" in html, "every place: collapsed, under 1 MB"


def test_a_counterpart_naming_an_unknown_power_is_a_located_error(tmp_path):
    pack = tmp_path / "english-devolution-2026"
    shutil.copytree(PACK, pack)
    path = pack / "counterparts.yaml"
    text = path.read_text()
    path.write_text(text.replace("    transport:\n", "    transprt:\n")
                    .replace("now: [integrated_settlement]", "now: [integrated_setlement]"))
    result = cli("validate", pack)
    assert result.exit_code == 2
    err = result.stderr
    assert "counterparts.route-map-2010.transprt: unknown power 'transprt' of rule pack route-map-2010; " \
           "did you mean 'transport'?" in err
    assert "unknown power 'integrated_setlement' of rule pack english-devolution-2026; did you mean " \
           "'integrated_settlement'?" in err
    assert "power 'transport' of rule pack route-map-2010 has no entry" in err
    line = text.splitlines().index("    transport:") + 1
    assert f"counterparts.yaml:{line}: counterparts.route-map-2010.transprt" in err
    result = cli("compare", "greater-manchester", "--now", pack)
    assert result.exit_code == 2 and "unknown power 'transprt'" in result.stderr


def _unlock(place, power, as_of="2026-11-23"):
    result = cli("unlock", place, "--power", power, *RULES, "--as-of", as_of, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_an_area_awaiting_its_first_mayor_reaches_the_integrated_settlement_through_its_first_election():
    """Cheshire and Warrington votes in May 2027: the way to the settlement is the statutory first election, then
    eighteen months with the mayor in post (with the record and the framework), about two years in all."""
    data = _unlock("cheshire-and-warrington", "integrated_settlement")
    assert data["answers"], data.get("why_not")
    first = data["answers"][0]
    ids = [m["id"] for m in first["moves"]]
    assert "hold_first_mayoral_election" in ids and "wait_18_months" in ids
    assert ids.index("hold_first_mayoral_election") < ids.index("wait_18_months")
    assert first["months"] >= 18 + 5          # the election is about five months off; the 18 months follow it
    assert first["outcome"]["integrated_settlement"][1] == "available"


def test_a_mayor_past_eighteen_months_waits_only_for_the_clear_record_and_the_move_says_so():
    """York and North Yorkshire's mayor took office in May 2024: the eighteen months unlock waits for in December 2026
    are criterion (c)'s, counted from a clean record kept from now (the record is not known), and the move's words
    say so rather than that the mayor must still serve them."""
    data = _unlock("york-and-north-yorkshire", "integrated_settlement")
    first = data["answers"][0]
    ids = [m["id"] for m in first["moves"]]
    assert "keep_a_clean_record" in ids and "wait_18_months" in ids and "hold_first_mayoral_election" not in ids
    wait = next(m for m in first["moves"] if m["id"] == "wait_18_months")
    assert "clear of notices" in wait["title"] and "criterion (c)" in wait["note"]


def test_the_first_election_waits_for_the_date_its_regulations_set():
    """Hampshire and the Solent's first election is on 4 May 2028: six months' wait is not enough to hold it."""
    from negotiator.options.state import apply_moves
    from negotiator.vocab.places import load_place
    from negotiator.pack.load import load_pack
    pack = load_pack(ROOT / "rules" / "english-devolution-2026")
    by_id = {m.id: m for m in pack.moves}
    profile = load_place(ROOT / "places" / "hampshire-and-the-solent.yaml", pack).profile
    on = date(2026, 11, 23)
    assert apply_moves(pack, profile, on, [by_id["wait_6_months"], by_id["hold_first_mayoral_election"]]) is None
    made = apply_moves(pack, profile, on, [by_id["wait_6_months"], by_id["wait_12_months"],
                                           by_id["hold_first_mayoral_election"]])
    assert made is not None and made[0]["accountability.model"] == "directly_elected_mayor"
    assert made[0]["mayor.first_in_post"] == date(2028, 5, 23)


def test_adopting_a_mayor_makes_a_combined_county_authority_mayoral():
    """Lancashire's combined county authority has no mayor: adopting one makes it a mayoral strategic authority,
    awaiting its first election; the election makes the mayor's functions possible."""
    from negotiator.options.state import apply_moves, decide_facts
    from negotiator.vocab.places import load_place
    from negotiator.pack.load import load_pack
    pack = load_pack(ROOT / "rules" / "english-devolution-2026")
    by_id = {m.id: m for m in pack.moves}
    profile = load_place(ROOT / "places" / "lancashire.yaml", pack).profile
    on = date(2026, 11, 23)
    facts, later = apply_moves(pack, profile, on, [by_id["adopt_a_mayor_combined_county_authority"]])
    assert facts["authority.kind"] == "mayoral_combined_county_authority"
    out = decide_facts(pack, facts, later)
    assert out.truths["sa.mayoral"] is True and out.truths["readiness.awaiting_mayor"] is True
    assert out.statuses["mayoral_commissioners"].value == "needs_stronger_accountability"
    facts, later = apply_moves(pack, profile, on, [by_id["adopt_a_mayor_combined_county_authority"],
                                                   by_id["hold_first_mayoral_election"]])
    assert decide_facts(pack, facts, later).statuses["mayoral_commissioners"].value == "available"


def test_a_county_with_no_authority_reaches_the_areas_of_competence_by_designation_or_a_new_authority():
    """Kent is in no strategic authority: seeking designation as a single foundation strategic authority, or
    forming a combined or combined county authority, gives it the seven areas of competence."""
    data = _unlock("kent", "transport_and_local_infrastructure")
    ways = [{m["id"] for m in a["moves"]} for a in data["answers"]]
    assert {"seek_single_foundation_designation"} in ways
    assert {"form_combined_county_authority"} in ways or {"form_combined_authority"} in ways
    settlement = _unlock("kent", "integrated_settlement")
    assert settlement["answers"] and "hold_first_mayoral_election" in \
        {m["id"] for m in settlement["answers"][0]["moves"]}


def test_a_set_of_moves_takes_until_its_last_move_is_done_after_the_waits_before_it():
    """Moves run side by side, but a move listed after a wait starts when the wait is over."""
    from negotiator.options.state import finish_months
    from negotiator.pack.load import load_pack
    pack = load_pack(ROOT / "rules" / "english-devolution-2026")
    by_id = {m.id: m for m in pack.moves}
    assert finish_months(pack, [by_id["publish_assurance_framework"], by_id["demonstrate_track_record"]]) == 12
    assert finish_months(pack, [by_id["wait_6_months"], by_id["hold_first_mayoral_election"],
                                by_id["wait_18_months"]]) == 24
