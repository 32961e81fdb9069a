"""`negotiator check`: the bundled pack passes; deliberately broken packs fail with a readable report.

Each broken pack is the bundled pack with one thing changed (see BROKEN). The
properties that the rule language guarantees by construction (a package needs
at least the tier of its available powers; a place below the negotiation level
is offered nothing; an unknown fact is never a silent yes) cannot be broken by
a pack, so they are shown to catch a deliberately broken decision function.
"""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import ROOT, cli
from negotiator.check import Checker, run_checks
from negotiator.pack import load_pack

PACK = ROOT / "rules" / "route-map-2010"

NEW_RULE = """
  - id: test.{name}
    statement: A rule added by the test to break the pack.
    source: route-map-s7
    when: {when}
"""

# check id -> (file to append to or patch, old, new, expected text in the report)
BROKEN = {
    "capacity_monotone": [
        ("accountability.yaml", None,
         "  - id: accountability.pilots_need_a_mayor\n    statement: Places that ran a Total Place pilot need a mayor for transport.\n"
         "    source: route-map-s7-accountability\n    when: {fact: capacity.total_place_pilot, eq: true}\n"
         "    tier: high_visibility\n    applies_to: [transport]\n",
         "transport: available -> "),
    ],
    "tier_monotone": [
        ("rules.yaml", None, NEW_RULE.format(name="mayorless", when="{fact: accountability.model, in: [committee_system, "
                                                                     "leader_cabinet, joint_committee, combined_authority]}"), None),
        ("powers.yaml", "requires: [capacity.track_record]\n    statement: Public health", "requires: [capacity.track_record, test.mayorless]\n    statement: Public health",
         "public_health: available -> not_available when accountability.model changes"),
    ],
    "grouping_monotone": [
        ("rules.yaml", None, NEW_RULE.format(name="informal_only", when="{fact: grouping.status, in: [none, informal_partnership, "
                                                                         "multi_area_agreement]}"), None),
        ("powers.yaml", "requires: [capacity.track_record]\n    statement: >-\n      Adult skills",
         "requires: [capacity.track_record, test.informal_only]\n    statement: >-\n      Adult skills",
         "adult_skills: available -> not_available when grouping.status changes"),
    ],
    "reachable": [
        ("powers.yaml", "requires: [capacity.track_record]\n    statement: >-\n      Transport powers",
         "requires: [capacity.track_record, level.too_small_alone]\n    statement: >-\n      Transport powers",
         "problem: no profile makes it available (searched all"),
    ],
    "triggerable": [
        ("rules.yaml", None, NEW_RULE.format(name="impossible", when="{all: [{fact: kind, eq: district}, {fact: kind, eq: county}]}"),
         "problem: no profile can make it hold"),
    ],
    "contradictions": [
        ("rules.yaml", "when: {fact: kind, in: [district, london_borough]}", "when: {fact: kind, in: [district, london_borough, core_city]}",
         "level.large_city grants and level.too_small_alone denies for the same profile"),
    ],
}


def make_broken(tmp_path, edits):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    for file, old, new, _ in edits:
        text = (pack / file).read_text()
        if old is None:
            text += new
        else:
            assert old in text, f"fixture text not in {file}: {old!r}"
            text = text.replace(old, new, 1)
        (pack / file).write_text(text)
    return pack


def test_the_bundled_pack_passes_every_check_and_says_what_it_checked():
    result = cli("check")
    assert result.exit_code == 0, result.stdout
    out = result.stdout
    assert "Result: 13 of 13 checks passed" in out
    for word in ("capacity_monotone", "tier_monotone", "grouping_monotone", "package_tier", "below_level",
                 "reachable", "order_independent", "unknown_not_yes", "triggerable", "contradictions"):
        assert f"✓ {word}:" in out
    assert "the abstraction has 77,760 profiles" in out


def test_exhaustive_mode_proves_the_properties_over_the_whole_abstraction():
    result = cli("check", "--exhaustive", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["mode"] == "exhaustive" and report["space"]["size"] == 77760
    monotone = next(c for c in report["checks"] if c["id"] == "capacity_monotone")
    assert monotone["passed"] and monotone["checked"] > 77760
    assert "77,760 abstract profiles evaluated" in monotone["notes"]
    assert report["space"]["facts"]["population"] == [1, 500000, "unknown"] or \
        report["space"]["facts"]["population"][1] == 500000


@pytest.mark.parametrize("check_id", sorted(BROKEN))
def test_a_broken_pack_fails_with_a_counterexample(tmp_path, check_id):
    pack = make_broken(tmp_path, BROKEN[check_id])
    result = cli("check", "--rules", pack)
    assert result.exit_code == 1, result.stdout
    out = result.stdout
    assert f"✗ {check_id}:" in out
    expected = [e[3] for e in BROKEN[check_id] if e[3]][0]
    assert expected in out, out
    assert "Result: 12 of 13 checks passed; failed: " + check_id in out or f"failed: {check_id}" in out


def test_the_counterexample_is_a_valid_small_profile(tmp_path):
    import yaml

    from negotiator.place import Place
    pack = make_broken(tmp_path, BROKEN["capacity_monotone"])
    report = json.loads(cli("check", "--rules", pack, "--json").stdout)
    failure = next(c for c in report["checks"] if c["id"] == "capacity_monotone")["failures"][0]
    profile = failure["profile"]
    Place.model_validate(yaml.safe_load(yaml.safe_dump(profile)))
    assert failure["change"] == {"capacity.total_place_pilot": [False, True]} or \
        list(failure["change"]) == ["capacity.total_place_pilot"]
    assert "accountability.pilots_need_a_mayor" in failure["rules_involved"]
    assert failure["rules_that_changed"]["accountability.pilots_need_a_mayor"] == ["false", "true"]


def test_a_pack_that_does_not_load_is_bad_input(tmp_path):
    pack = make_broken(tmp_path, [("rules.yaml", "{fact: member_count, gte: 2}", "{fact: member_cuont, gte: 2}", None)])
    result = cli("check", "--rules", pack)
    assert result.exit_code == 2
    assert "unknown fact 'member_cuont'" in result.stderr


def _broken_decision(break_what):
    """A decision function with a deliberate bug, to show a guaranteed property is still checked."""
    def decide(pack, evaluator, facts, requested):
        out = Checker._outcome(pack, evaluator, facts, requested)
        if break_what == "below_level":
            out.statuses = {p: "available" for p in out.statuses}
        elif break_what == "package_tier":
            out.package_tier = -1
        elif break_what == "unknown_not_yes":
            hopeful = {"bool": True, "int": 10**9, "float": 10.0**9}
            optimistic = {k: (hopeful.get(pack.facts[k].type, v) if v is None else v) for k, v in facts.items()}
            out = Checker._outcome(pack, evaluator, optimistic, requested)
        return out
    return decide


@pytest.mark.parametrize("prop", ["below_level", "package_tier", "unknown_not_yes"])
def test_a_property_guaranteed_by_the_language_still_catches_a_broken_engine(prop):
    report = run_checks(load_pack(PACK), decide_fn=_broken_decision(prop), examples=200, durable_check=False)
    check = next(c for c in report["checks"] if c["id"] == prop)
    assert not check["passed"] and check["failures"][0]["profile"]


def test_every_property_is_stated_in_words_in_the_pack_documentation():
    from negotiator.check import PROPERTIES
    readme = (PACK / "README.md").read_text()
    for prop, words in PROPERTIES.items():
        if prop in ("tier_monotone", "grouping_monotone"):
            words = words.split(" never ")[0]
        assert words.rstrip(".").replace("`", "") in readme.replace("`", ""), prop


def test_the_documented_size_of_the_abstraction_is_the_real_one():
    from negotiator.check import Checker
    checker = Checker(load_pack(PACK))
    size = f"{checker.space(checker.status_facts())[1]:,}"
    assert f"({size} for the bundled pack)" in (ROOT / "README.md").read_text()
    assert f"{size} profiles for this pack" in (PACK / "README.md").read_text()
