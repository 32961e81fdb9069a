"""Broken rule packs: every problem on its own line with file, line and field; exit 2.

Each case copies the bundled pack and changes one thing in one file.
"""

from __future__ import annotations

import re
import shutil

import pytest

from helpers import ROOT, cli

PACK = ROOT / "rules" / "route-map-2010"

CASES = [
    ("unknown fact", "rules.yaml", "{fact: member_count, gte: 2}", "{fact: member_cuont, gte: 2}",
     r"rules\.yaml:\d+: rules\[2\]\.when\.all\[1\]\.fact: unknown fact 'member_cuont'; did you mean 'member_count'\?"),
    ("unknown rule in a power", "powers.yaml", "[capacity.track_record, scale.partnership]",
     "[capacity.track_record, scale.partnershp]",
     r"powers\.yaml:\d+: powers\[0\]\.requires\[1\]: unknown rule 'scale\.partnershp'; did you mean 'scale\.partnership'\?"),
    ("unknown tier", "powers.yaml", "tier: joint_governance\n    requires: [capacity.track_record, scale",
     "tier: joint_govenance\n    requires: [capacity.track_record, scale",
     r"powers\.yaml:\d+: powers\[0\]\.tier: unknown tier 'joint_govenance'; did you mean 'joint_governance'\?"),
    ("duplicate id", "rules.yaml", "  - id: level.strategic_county", "  - id: level.large_city",
     r"rules\.yaml:\d+: rules\[1\]\.id: duplicate id 'level\.large_city' \(already used in .*rules\.yaml:\d+\)"),
    ("rule cycle", "rules.yaml", "        - {fact: kind, in: [core_city, large_city]}",
     "        - {fact: kind, in: [core_city, large_city]}\n        - {rule: level.eligible}",
     r"rules\.yaml:\d+: .*rules form a cycle: level\.\w+ -> .*level\.\w+"),
    ("unknown parameter", "rules.yaml", "{param: large_city_min_population}", "{param: large_city_min_pop}",
     r"unknown parameter 'large_city_min_pop'; did you mean 'large_city_min_population'\?"),
    ("parameter with no source or assumption", "parameters.yaml",
     "    description: How many negotiations the centre can run at once (\"a dozen or so\").\n    reference: route-map-s7-level",
     "    description: How many negotiations the centre can run at once (\"a dozen or so\").",
     r"parameters\.yaml:\d+: parameters\.negotiations_at_once: a parameter needs a reference"),
    ("unknown source", "powers.yaml", "source: nlgn-2010", "source: nlgn-2011",
     r"powers\.yaml:\d+: powers\[3\]\.source: unknown source 'nlgn-2011'.*did you mean 'nlgn-2010'\?"),
    ("unknown enum value", "rules.yaml", "in: [core_city, large_city]", "in: [core_city, big_city]",
     r"rules\.yaml:\d+: rules\[0\]\.when\.all\[0\]\.in\[1\]: 'big_city' is not a value of 'kind'"),
    ("misspelt key", "rules.yaml", "    statement: A large city such as Birmingham", "    statment: A large city such as Birmingham",
     r"rules\.yaml:\d+: rules\[0\]\.statment: unknown field 'statment'; did you mean 'statement'\?"),
    ("unknown operator", "rules.yaml", "{fact: member_count, gte: 2}", "{fact: member_count, gteq: 2}",
     r"rules\.yaml:\d+: rules\[2\]\.when\.all\[1\]: a fact test takes exactly one operator.*did you mean 'gte'\?"),
    ("comparison on a non-number", "rules.yaml", "{fact: kind, eq: greater_london}", "{fact: kind, gt: greater_london}",
     r"'gt' compares numbers, but 'kind' is enum"),
    ("malformed YAML", "budget.yaml", "  power: single_place_budget", "  power: [single_place_budget",
     r"budget\.yaml:\d+: malformed YAML"),
    ("requirement for an unknown power", "accountability.yaml", "applies_to: package\n  - id: accountability.significant",
     "applies_to: [transprt]\n  - id: accountability.significant",
     r"accountability\.yaml:\d+: requirements\[1\]\.applies_to\[0\]: unknown power 'transprt'; did you mean 'transport'\?"),
    ("a model in no tier", "accountability.yaml", "models: [joint_committee, combined_authority]", "models: [joint_committee]",
     r"models in no tier: combined_authority"),
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
    assert re.search(pattern, result.stderr), result.stderr
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
