"""Reliability: the audit's hostile and broken inputs, each a one-line located error and exit 2, or accepted.

Each case runs the installed command in a subprocess, so that an abort in native code
or an `Internal error` (exit 3) would fail the test rather than the test run. The
YAML-level cases (NUL bytes, deep nesting, impossible dates, tags, encodings, sizes)
are in test_yaml_hardening.py; the report writer's kill tests in test_atomic.py; the
hostile text in every output format in test_hostile_text.py; large packs in
test_large_packs.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import PACK, ROOT

EXE = str(Path(sys.executable).parent / "negotiator")
KENT = (ROOT / "places" / "kent.yaml").read_text()


def run(*args, cwd=ROOT, timeout=120):
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def assert_one_error(result, *parts):
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for part in parts:
        assert part in lines[0], lines[0]
    assert "Traceback" not in result.stderr and "Internal error" not in result.stderr


def pack_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "rules" / "common", tmp_path / "common")
    return Path(shutil.copytree(PACK, tmp_path / "route-map-2010"))


@pytest.mark.parametrize("old,new,parts", [
    ("population:\n  - {value: 1463740", "population:\n  - {value: 1000000000000000000000000000000000000000",
     ("population[0].value", "is impossible: must be at most 60,000,000")),
    ("name: Kent", "name: '   '", ("name: expected a name",)),
    ("id: kent", "id: '../../etc/passwd'", ("id: '../../etc/passwd' is not a slug",)),
    ("capacity:", "spend:\n  total_gbp_m: .inf\ncapacity:", ("spend.total_gbp_m: inf is not a finite number",)),
])
def test_impossible_values_in_a_profile_are_rejected_with_the_bound(tmp_path, old, new, parts):
    bad = tmp_path / "kent.yaml"
    assert old in KENT
    bad.write_text(KENT.replace(old, new, 1))
    assert_one_error(run("validate", bad), str(bad), *parts)


def test_a_population_base_of_one_is_rejected(tmp_path):
    config = tmp_path / "round.yaml"
    config.write_text("name: R\ndate: 2011-03-01\npopulation_base: {population: 1, year: 2011, source: x}\n")
    assert_one_error(run("round", "--config", config, "--out", tmp_path / "out"),
                     "population_base.population: 1 is impossible")


def test_a_population_base_smaller_than_the_population_covered_is_rejected(tmp_path):
    config = tmp_path / "round.yaml"
    config.write_text("name: R\ndate: 2011-03-01\npopulation_base: {population: 5000, year: 2011, source: x}\n")
    assert_one_error(run("round", "--config", config, "--out", tmp_path / "out"),
                     "is smaller than the population the round covers")
    assert not (tmp_path / "out" / "round.json").exists(), "nothing half-written"


@pytest.mark.parametrize("file,old,new,parts", [
    ("parameters.yaml", "    value: 500000\n    unit: people\n    min: 1\n    description: Smallest population at which a single",
     "    value: .nan\n    unit: people\n    min: 1\n    description: Smallest population at which a single",
     ("parameters.large_city_min_population.value: nan is not a finite number",)),
    ("rules.yaml", "  - id: capacity.track_record", "  - id: Capacity.Track_Record", ("'Capacity.Track_Record' is not a rule id",)),
    ("pack.yaml", "id: route-map-2010", "id: ''", ("id: '' is not a pack id",)),
])
def test_broken_pack_values_are_rejected(tmp_path, file, old, new, parts):
    pack = pack_copy(tmp_path)
    text = (pack / file).read_text()
    assert old in text
    (pack / file).write_text(text.replace(old, new, 1))
    result = run("validate", pack)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert all(line.startswith("Error: ") for line in result.stderr.splitlines())
    assert any(all(p in line for p in parts) for line in result.stderr.splitlines()), result.stderr


def test_rule_ids_that_differ_only_in_punctuation_are_different_rules(tmp_path):
    pack = pack_copy(tmp_path)
    with (pack / "rules.yaml").open("a") as f:
        f.write("  - id: cap-x\n    statement: Test.\n    source: route-map-s7\n    when: {fact: member_count, gte: 2}\n"
                "  - id: cap_x\n    statement: Test.\n    source: route-map-s7\n    when: {fact: member_count, lt: 2}\n")
    for engine in ("durable", "python"):
        data = json.loads(run("evaluate", "kent", "--rules", pack, "--json", "--engine", engine).stdout)
        assert data["steps"]["cap-x"]["result"] == "true" and data["steps"]["cap_x"]["result"] == "false", engine


def test_diff_validates_its_inputs(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"format_version": "2.0", "round": {"name": 1}, "places": [{}]}))
    result = run("diff", tmp_path / "bad.json", tmp_path / "bad.json")
    assert result.returncode == 2 and "not a valid round.json" in result.stderr
    assert "Traceback" not in result.stderr and "Internal error" not in result.stderr


def test_a_folder_that_looks_like_a_pack_without_pack_yaml_is_one_line(tmp_path):
    shutil.copy(PACK / "rules.yaml", tmp_path / "rules.yaml")
    assert_one_error(run("validate", tmp_path), "has no pack.yaml")


def test_a_device_is_not_a_place_or_a_config(tmp_path):
    assert_one_error(run("validate", "/dev/zero"), "is not a regular file")
    assert_one_error(run("round", "--config", "/dev/zero", "--out", tmp_path / "o"), "is not a regular file")


def test_terminal_escapes_in_a_file_name_do_not_reach_the_terminal(tmp_path):
    name = tmp_path / "evil\x1b[2J.yaml"
    result = run("evaluate", name)
    assert result.returncode == 2 and "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr
