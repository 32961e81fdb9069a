"""Broken rule packs: every problem on its own line with file, line and field; exit 2.

Each case copies the bundled pack and changes one thing in one file.
"""

from __future__ import annotations

import re
import shutil

import pytest

from helpers import PACK, cli

CASES = [
    ("unknown fact", "rules.yaml", "{fact: member_count, gte: 2}", "{fact: member_cuont, gte: 2}",
     r"rules\.yaml:\d+: rules\[2\]\.when\.all\[1\]\.fact: unknown fact 'member_cuont' .*did you mean 'member_count'\?"),
    ("unknown rule in a power", "powers.yaml", "[capacity.track_record, capacity.place_budget_evidence]",
     "[capacity.track_record, capacity.place_budget_evidnce]",
     r"powers\.yaml:\d+: powers\[9\]\.requires\[1\]: unknown rule 'capacity\.place_budget_evidnce'; "
     r"did you mean 'capacity\.place_budget_evidence'\?"),
    ("unknown tier", "powers.yaml", "tier: existing_governance\n    requires: [capacity.track_record]\n    until",
     "tier: existing_governence\n    requires: [capacity.track_record]\n    until",
     r"powers\.yaml:\d+: powers\[0\]\.tier: unknown tier 'existing_governence'; did you mean 'existing_governance'\?"),
    ("duplicate id", "rules.yaml", "  - id: level.strategic_county", "  - id: level.large_city",
     r"rules\.yaml:\d+: rules\[1\]\.id: duplicate id 'level\.large_city' \(already used in .*rules\.yaml:\d+\)"),
    ("rule cycle", "rules.yaml", "        - {fact: kind, in: [core_city, large_city]}",
     "        - {fact: kind, in: [core_city, large_city]}\n        - {rule: level.eligible}",
     r"rules\.yaml:\d+: .*rules form a cycle: level\.\w+ -> .*level\.\w+"),
    ("unknown parameter", "rules.yaml", "{param: large_city_min_population}", "{param: large_city_min_pop}",
     r"unknown parameter 'large_city_min_pop'; did you mean 'large_city_min_population'\?"),
    ("parameter with no source or assumption", "parameters.yaml",
     "    description: How long one negotiation takes, so how long a tranche lasts.\n    reference: route-map-s7-level",
     "    description: How long one negotiation takes, so how long a tranche lasts.",
     r"parameters\.yaml:\d+: parameters\.negotiation_months: a parameter needs a reference"),
    ("unknown source", "powers.yaml", "source: nlgn-2010", "source: nlgn-2011",
     r"powers\.yaml:\d+: powers\[4\]\.source: unknown source 'nlgn-2011'.*did you mean 'nlgn-2010'\?"),
    ("unknown enum value", "rules.yaml", "in: [core_city, large_city]", "in: [core_city, big_city]",
     r"rules\.yaml:\d+: rules\[0\]\.when\.all\[0\]\.in\[1\]: 'big_city' is not one of: .*\(for fact 'kind'\); "
     r"did you mean 'large_city'\?"),
    ("misspelt key", "rules.yaml", "    statement: A large city such as Birmingham", "    statment: A large city such as Birmingham",
     r"rules\.yaml:\d+: rules\[0\]\.statment: unknown field 'statment'; did you mean 'statement'\?"),
    ("unknown operator", "rules.yaml", "{fact: member_count, gte: 2}", "{fact: member_count, gteq: 2}",
     r"rules\.yaml:\d+: rules\[2\]\.when\.all\[1\]: a fact test takes exactly one operator.*did you mean 'gte'\?"),
    ("comparison on a non-number", "rules.yaml", "{fact: kind, eq: greater_london}", "{fact: kind, gt: greater_london}",
     r"'gt' compares numbers, dates or an ordered choice, but 'kind' is choice"),
    ("malformed YAML", "budget.yaml", "  power: single_place_budget", "  power: [single_place_budget",
     r"budget\.yaml:\d+: malformed YAML"),
    ("requirement for an unknown power", "accountability.yaml", "applies_to: all_powers",
     "applies_to: [transprt]",
     r"accountability\.yaml:\d+: requirements\[0\]\.applies_to\[0\]: unknown power 'transprt'; did you mean 'transport'\?"),
    ("a model in two tiers", "accountability.yaml", "models: [joint_committee, combined_authority]",
     "models: [joint_committee, combined_authority, leader_cabinet]",
     r"tiers\[1\]\.models\[2\]: model 'leader_cabinet' is already in tier 'existing_governance'"),
    ("a model that is not a value", "accountability.yaml", "models: [joint_committee, combined_authority]",
     "models: [joint_committee, combined_authorty]",
     r"'combined_authorty' is not a value of 'accountability\.model'; did you mean 'combined_authority'\?"),
    ("a pack id that is not a slug", "pack.yaml", "id: route-map-2010", "id: ../../etc/passwd",
     r"pack\.yaml:\d+: id: '\.\./\.\./etc/passwd' is not a pack id"),
    ("a rule id with capitals", "rules.yaml", "  - id: capacity.track_record", "  - id: Capacity.Track_Record",
     r"rules\.yaml:\d+: rules\[\d+\]\.id: 'Capacity\.Track_Record' is not a rule id"),
    ("an empty rule id", "rules.yaml", "  - id: capacity.track_record", "  - id: ''",
     r"rules\.yaml:\d+: rules\[\d+\]\.id: '' is not a rule id"),
    ("a parameter that is not a number", "parameters.yaml", "    value: 500000\n    unit: people\n    min: 1\n    description: Smallest population at which a single",
     "    value: .nan\n    unit: people\n    min: 1\n    description: Smallest population at which a single",
     r"parameters\.yaml:\d+: parameters\.large_city_min_population\.value: nan is not a finite number"),
    ("an undeclared fact", "facts.yaml", "  capacity.peer_challenge:\n", "  capacity.peer_challenges:\n",
     r"unknown fact 'capacity\.peer_challenge' \(declare it in facts\.yaml\); did you mean 'capacity\.peer_challenges'\?"),
    ("a fact of the wrong type in a rule", "rules.yaml", "{fact: capacity.total_place_pilot, eq: true}",
     "{fact: capacity.total_place_pilot, eq: 3}",
     r"3 \.\.\. expected true or false"),
    ("a condition nested too deep", "rules.yaml", "when: {fact: kind, eq: greater_london}",
     "when: " + "{not: " * 40 + "{fact: kind, eq: greater_london}" + "}" * 40,
     r"a condition nested 41 levels deep; at most 32"),
]


def broken_pack(tmp_path, file, old, new):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    text = (pack / file).read_text()
    assert text.count(old) >= 1, f"fixture text not found in {file}: {old!r}"
    (pack / file).write_text(text.replace(old, new, 1))
    return pack


@pytest.mark.parametrize("name,file,old,new,pattern", CASES, ids=[c[0] for c in CASES])
def test_a_broken_pack_is_rejected_with_a_precise_line(tmp_path, name, file, old, new, pattern):
    pack = broken_pack(tmp_path, file, old, new)
    result = cli("validate", pack)
    assert result.exit_code == 2, result.stdout
    for part in pattern.split(r" \.\.\. "):
        assert re.search(part, result.stderr), result.stderr
    for line in result.stderr.splitlines():
        assert line.startswith("Error: ") and ".yaml" in line, line
    evaluated = cli("evaluate", "kent", "--rules", pack)
    assert evaluated.exit_code == 2
    assert evaluated.stdout == ""


def test_a_missing_pack_file_is_named(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    (pack / "powers.yaml").unlink()
    result = cli("validate", pack)
    assert result.exit_code == 2
    assert "powers.yaml: required file of a rule pack is missing" in result.stderr


def test_several_problems_in_a_pack_are_all_reported(tmp_path):
    pack = broken_pack(tmp_path, "rules.yaml", "{fact: member_count, gte: 2}", "{fact: member_cuont, gte: 2}")
    text = (pack / "powers.yaml").read_text().replace("source: nlgn-2010", "source: nlgn-2011")
    (pack / "powers.yaml").write_text(text)
    result = cli("validate", pack)
    assert result.exit_code == 2
    assert "member_cuont" in result.stderr and "nlgn-2011" in result.stderr


def test_an_unknown_pack_name_suggests_the_bundled_one():
    result = cli("evaluate", "kent", "--rules", "route-map-2011")
    assert result.exit_code == 2
    assert "did you mean 'route-map-2010'?" in result.stderr


def test_a_folder_without_pack_yaml_is_one_line(tmp_path):
    (tmp_path / "rules.yaml").write_text("rules: []\n")
    result = cli("evaluate", "kent", "--rules", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path}: is not a rule pack: it has no pack.yaml\n"


def test_a_pack_that_uses_an_unknown_vocabulary_is_named(tmp_path):
    pack = broken_pack(tmp_path, "pack.yaml", "uses: [common]", "uses: [comon]")
    result = cli("validate", pack)
    assert result.exit_code == 2
    assert "uses[0]: no shared vocabulary 'comon'" in result.stderr
