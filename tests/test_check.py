"""`negotiator check`: the bundled pack passes; deliberately broken packs fail with a readable report.

Each broken pack is the bundled pack with one thing changed (see BROKEN), checked with
`--only` the check it breaks. The properties that the rule language guarantees by
construction (a package needs at least the tier of its available powers; a place below
the negotiation level is offered nothing; an unknown fact is never a silent yes) cannot be
broken by a pack, so they are shown to catch a deliberately broken decision function, and
they are reported as holding by construction, not counted as passes.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from helpers import PACK, ROOT, TEST_PACK, cli
from negotiator.check.run import PAIR_PROPERTIES, SINGLE_PROPERTIES, OTHER_PROPERTIES, STATIC, outcome_of, run_checks
from negotiator.compiled.space import Space
from negotiator.pack.load import load_pack
from negotiator.results import Status

NEW_RULE = """
  - id: test.{name}
    statement: A rule added by the test to break the pack.
    source: route-map-s7
    when: {when}
"""

# check id -> (edits: file to append to or patch, old, new, expected text in the report)
BROKEN = {
    "monotone": [
        ("accountability.yaml", None,
         "  - id: accountability.pilots_need_a_mayor\n    statement: Places that ran a Total Place pilot need a mayor "
         "for transport.\n    source: route-map-s7-accountability\n    when: {fact: capacity.total_place_pilot, eq: true}\n"
         "    tier: high_visibility\n    applies_to: [transport]\n",
         "transport: available -> "),
    ],
    "tier_monotone": [
        ("rules.yaml", None, NEW_RULE.format(name="mayorless", when="{fact: accountability.model, in: [committee_system, "
                                                                     "leader_cabinet, joint_committee, combined_authority]}"),
         None),
        ("powers.yaml", "requires: [capacity.track_record]\n    statement: Public health",
         "requires: [capacity.track_record, test.mayorless]\n    statement: Public health",
         "public_health: available -> not_available when accountability.model changes"),
    ],
    "reachable": [
        ("powers.yaml", "requires: [capacity.track_record]\n    statement: >-\n      Transport powers",
         "requires: [capacity.track_record, level.too_small_alone]\n    statement: >-\n      Transport powers",
         "problem: no profile makes it available (searched all"),
    ],
    "triggerable": [
        ("rules.yaml", None, NEW_RULE.format(name="impossible",
                                             when="{all: [{fact: kind, eq: district}, {fact: kind, eq: county}]}"),
         "problem: no profile can make it hold"),
    ],
    "contradictions": [
        ("rules.yaml", "when: {fact: kind, in: [district, london_borough]}",
         "when: {fact: kind, in: [district, london_borough, core_city]}",
         "level.large_city grants and level.too_small_alone denies for the same profile"),
    ],
}


def make_broken(tmp_path, edits):
    pack = tmp_path / "route-map-2010"
    shutil.copytree(PACK, pack)
    shutil.copytree(ROOT / "rules" / "common", tmp_path / "common")
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
    result = cli("check", "--examples", "60")
    assert result.exit_code == 0, result.stdout
    out = result.stdout
    for word in ("monotone", "tier_monotone", "reachable", "order_independent", "triggerable", "contradictions"):
        assert f"✓ {word}:" in out
    for word in ("package_tier", "below_level", "unknown_not_yes", "references", "cycles", "parameters"):
        assert f"= {word}:" in out, "a guarantee of the language is said to hold by construction"
    assert "Result: 6 passed, 0 failed; 6 hold by construction" in out
    size = Space(load_pack(PACK))
    domains, n = size.space(size.status_facts)
    assert f"the abstraction has {n * len(size.request_classes) * len(size.epochs):,} profiles" in out


def test_exhaustive_mode_proves_a_property_over_the_whole_abstraction():
    report = run_checks(load_pack(PACK), exhaustive=True, only=["tier_monotone"], durable_check=False)
    assert report.mode == "exhaustive"
    check = report.checks[0]
    assert check.status == "passed" and check.checked > 10_000
    assert report.space.facts["population"] == [1, 500000, "unknown"]


@pytest.mark.parametrize("check_id", sorted(BROKEN))
def test_a_broken_pack_fails_with_a_counterexample(tmp_path, check_id):
    pack = make_broken(tmp_path, BROKEN[check_id])
    result = cli("check", "--rules", pack, "--only", check_id, "--exhaustive")  # a proof: found whatever the seed
    assert result.exit_code == 1, result.stdout
    out = result.stdout
    assert f"✗ {check_id}:" in out
    expected = [e[3] for e in BROKEN[check_id] if e[3]][0]
    assert expected in " ".join(out.split()), out
    assert f"failed: {check_id}" in out


def test_the_counterexample_is_a_small_profile_that_validates(tmp_path):
    pack = make_broken(tmp_path, BROKEN["monotone"])
    report = json.loads(cli("check", "--rules", pack, "--only", "monotone", "--json", "--exhaustive").stdout)
    failure = report["checks"][0]["failures"][0]
    assert list(failure["change"]) == ["capacity.total_place_pilot"]
    assert "accountability.pilots_need_a_mayor" in failure["rules_involved"]
    assert failure["rules_that_changed"]["accountability.pilots_need_a_mayor"] == ["false", "true"]
    profile = tmp_path / "counterexample.yaml"
    profile.write_text(yaml.safe_dump(failure["profile"]))
    assert cli("validate", profile, "--rules", pack).exit_code == 0
    assert len(yaml.safe_load(profile.read_text())) <= 12, "facts the failure does not need are left out"


def test_a_pack_that_does_not_load_is_bad_input(tmp_path):
    pack = make_broken(tmp_path, [("rules.yaml", "{fact: member_count, gte: 2}", "{fact: member_cuont, gte: 2}", None)])
    result = cli("check", "--rules", pack)
    assert result.exit_code == 2
    assert "unknown fact 'member_cuont'" in result.stderr


def test_only_names_a_real_check():
    result = cli("check", "--only", "monotonic")
    assert result.exit_code == 2 and "did you mean 'monotone'?" in result.stderr


def _broken_decision(break_what):
    """A decision function with a deliberate bug, to show a guaranteed property is still checked."""
    def decide(pack, space, facts, requested, on):
        out = outcome_of(pack, space, facts, requested, on)
        if break_what == "below_level":
            out.statuses = {p: Status.available for p in out.statuses}
        elif break_what == "package_tier":
            out.package_tier = -1
        elif break_what == "unknown_not_yes":
            hopeful = {"boolean": True, "integer": 10**9, "number": 10.0**9}
            optimistic = {k: (hopeful.get(pack.facts[k].type, v) if v is None else v) for k, v in facts.items()}
            out = outcome_of(pack, space, optimistic, requested, on)
        return out
    return decide


@pytest.mark.parametrize("prop", ["below_level", "package_tier", "unknown_not_yes"])
def test_a_property_guaranteed_by_the_language_still_catches_a_broken_engine(prop):
    """Over the whole abstraction of the small test pack (6,480 profiles, one at a time), so the bug is found
    whatever order the tests run in (sampling the bundled pack's 8 million can miss it)."""
    report = run_checks(load_pack(TEST_PACK), decide_fn=_broken_decision(prop), exhaustive=True, durable_check=False,
                        only=[prop])
    assert report.mode == "exhaustive"
    check = report.checks[0]
    assert check.status == "failed" and check.failures[0]["profile"]


def test_every_check_is_stated_in_words_in_the_pack_documentation():
    readme = " ".join((PACK / "README.md").read_text().replace("`", "").split())
    statements = {p.id: p.statement for p in PAIR_PROPERTIES + SINGLE_PROPERTIES} | OTHER_PROPERTIES | STATIC
    for check_id, words in statements.items():
        assert words.rstrip(".").replace("`", "") in readme, check_id


def test_the_documented_size_of_the_abstraction_is_the_real_one():
    space = Space(load_pack(PACK))
    _, n = space.space(space.status_facts)
    size = f"{n * len(space.request_classes) * len(space.epochs):,}"
    assert f"({size} for the bundled pack)" in (ROOT / "README.md").read_text()
    assert f"{size} profiles for this pack" in (PACK / "README.md").read_text()
