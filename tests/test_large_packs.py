"""Packs far larger than the bundled one: durable-rules still agrees with the reference semantics.

durable-rules' C core has fixed limits; past them it aborts the process, hangs, or
fails with an error code. negotiator/engines/durable_plan.py splits
conditions and rulesets to stay inside them. Each generated pack (tests/large_packs.py)
is evaluated in a child process, so that a native abort or hang fails the tests
instead of killing pytest.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading

import pytest

from helpers import ROOT
import large_packs as lp
from negotiator.engines.durable_plan import (
    MAX_ATOMS, MAX_PATHS, RULESET_FIELDS, RULESET_PATHS, compile_pack, engine_limits,
)
from negotiator.pack.load import load_pack

SCRIPT = ROOT / "tests" / "large_packs.py"
TIMEOUT = 300  # seconds: a hang inside durable-rules fails the test instead of stalling the run

#: kind -> (seed, profiles). "yaml" is the bundled pack plus 1,000 generated rules, written as YAML.
RUNS = {"yaml": (11, 150), "chain": (12, 100), "lists": (13, 150), "deep": (14, 250), "wide": (15, 20),
        "overflow": (0, 0)}


class Child:
    """One child process running every comparison in turn, one JSON line each (this machine kind has
    one core's worth of CPU, so running them side by side would gain nothing)."""

    def __init__(self, folder):
        runs = {kind: [seed, profiles, str(folder) if kind == "yaml" else None]
                for kind, (seed, profiles) in RUNS.items()}
        self.proc = subprocess.Popen([sys.executable, str(SCRIPT), "--runs", json.dumps(runs)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.results: dict[str, dict] = {}
        self.timer = threading.Timer(TIMEOUT, self.proc.kill)
        self.timer.start()

    def result(self, kind: str) -> dict:
        while kind not in self.results:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait()
                self.timer.cancel()
                err = self.proc.stderr.read()
                if self.proc.returncode == -signal.SIGKILL:
                    pytest.fail(f"{kind}: durable-rules hung (no result within {TIMEOUT} s)")
                pytest.fail(f"{kind}: the child died with code {self.proc.returncode} before this result:\n"
                            f"{err[-3000:]}")
            done = json.loads(line)
            self.results[done["kind"]] = done["result"]
        return self.results[kind]

    def close(self) -> None:
        self.timer.cancel()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


@pytest.fixture(scope="module")
def child(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed-pack")
    lp.write_pack(folder, {rid: lp.to_yaml(cond) for rid, cond in lp.mixed(RUNS["yaml"][0], 1000).items()})
    running = Child(folder)
    yield running
    running.close()


#: The comparisons with the reference run durable-rules on packs of hundreds to a thousand generated rules, in
#: one child process: about 9 s of CPU together, so they run with the whole suite (`-m "slow or not slow"`, as CI
#: does); that every ruleset of each generated pack stays within durable-rules' limits is checked in the quick
#: run too (test_every_ruleset_of_a_generated_pack_stays_within_the_limits).
SLOW = pytest.mark.slow


def check_agreement(result: dict) -> None:
    assert result["mismatch_count"] == 0, json.dumps(result["mismatches"], indent=1)[:3000]
    counts = result["counts"]
    assert min(counts.values()) > 0.03 * sum(counts.values()), counts  # every outcome is exercised


@SLOW
def test_the_bundled_pack_plus_1000_mixed_rules_agrees_with_the_reference(child):
    """1,000 rules of 1-4 clauses mixing all, any, not and in over the facts and earlier rules, from YAML."""
    result = child.result("yaml")
    assert result["rules"] == len(lp.base_pack().rules) + 1000
    check_agreement(result)


@SLOW
def test_a_chain_of_300_derived_rules_agrees_with_the_reference(child):
    result = child.result("chain")
    assert result["rulesets"] >= 300  # one stratum per link
    check_agreement(result)


@SLOW
def test_membership_in_lists_of_300_values_agrees_with_the_reference(child):
    check_agreement(child.result("lists"))


@SLOW
def test_conditions_nested_20_deep_agree_with_the_reference(child):
    check_agreement(child.result("deep"))


@SLOW
def test_hundreds_of_rules_matching_at_once_agree_with_the_reference(child):
    """The shapes that aborted or hung the process: many rules matching one fact, rules reading hundreds."""
    check_agreement(child.result("wide"))


@SLOW
def test_a_native_failure_is_an_engine_error_not_an_abort(child):
    """Lift the path budget and durable-rules fails (code 303); the session is not deleted (that
    corrupts the heap), the host is dropped, and the caller gets an EngineError each time."""
    result = child.result("overflow")
    assert len(result["errors"]) == 3
    assert all("error code: 303" in e for e in result["errors"]), result["errors"]


@pytest.mark.parametrize("kind", sorted(lp.KINDS))
def test_every_ruleset_of_a_generated_pack_stays_within_the_limits(kind):
    """Checked on the compiled plan, without durable-rules: the bounds that keep its C core safe."""
    pack = lp.with_rules(lp.base_pack(), lp.KINDS[kind](1), f"limits-{kind}")
    assert engine_limits(pack) == []
    plan = compile_pack(pack)
    assert {d.rule for d in plan.deciders if d.rule} == set(pack.rules)
    position = {}
    for k, stratum in enumerate(plan.strata):
        for rs in stratum:
            assert rs.paths == 1 + sum(d.paths for d in rs.deciders) <= RULESET_PATHS
            assert len(rs.inputs) <= RULESET_FIELDS
            for d in rs.deciders:
                position[d.key] = k
                for dnf in (d.true, d.false):
                    assert 1 <= len(dnf) <= MAX_PATHS and all(1 <= len(p) <= MAX_ATOMS for p in dnf)
    for d in plan.deciders:  # a rule is decided after every rule it reads
        for dnf in (d.true, d.false):
            for path in dnf:
                for atom in path:
                    if atom[0] == "r" and atom[1] in position:
                        assert position[atom[1]] < position[d.key]


def test_a_condition_too_deep_or_too_large_is_refused_with_a_located_line(tmp_path):
    """Deeper than 32 levels, or more than 2,000 parts (tests, list values, all/any/not)."""
    from helpers import cli
    deep: dict = {"fact": "member_count", "gte": 1}
    for i in range(40):
        deep = {"all" if i % 2 else "any": [deep, {"fact": "kind", "eq": "county"}]}
    extra = {"big.deep": deep,
             "big.wide": {"any": [{"fact": "member_count", "in": list(range(2500))}]},
             "big.fine": {"fact": "population", "in": list(range(0, 1_000_000, 1000))}}
    folder = lp.write_pack(tmp_path / "pack", extra)
    result = cli("validate", folder)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert all(line.startswith("Error: ") for line in lines), lines
    assert any("rules.yaml:" in line and ".when: a condition nested 41 levels deep; at most 32" in line
               for line in lines), lines
    assert any("rules.yaml:" in line and "a condition of 2,502 parts; at most 2,000" in line for line in lines), lines
    assert len(lines) == 2, lines



def test_a_pack_with_too_many_rules_is_refused_with_a_located_line(tmp_path, monkeypatch):
    """The limit is 5,000; lowered here so that the test does not write and parse 5,000 rules."""
    from helpers import cli
    from negotiator.pack import build as pack_module
    monkeypatch.setattr(pack_module, "MAX_RULES", 30)
    folder = lp.write_pack(tmp_path / "many", {f"many.r{i}": {"fact": "member_count", "gte": i} for i in range(8)})
    result = cli("validate", folder)
    assert result.exit_code == 2
    assert "Error: " in result.stderr and "rules.yaml:" in result.stderr
    assert "33 rules and requirements: a pack may hold at most 30" in result.stderr, result.stderr


def test_a_pack_at_the_guards_loads_and_is_within_the_engine_limits(tmp_path):
    deep: dict = {"fact": "member_count", "gte": 1}
    for i in range(31):
        deep = {"all" if i % 2 else "any": [deep, {"fact": "kind", "eq": "county"}]}
    extra = {"edge.deep": deep, "edge.wide": {"fact": "member_count", "in": list(range(1999))}}
    pack = load_pack(lp.write_pack(tmp_path / "pack", extra))
    assert engine_limits(pack) == []


@pytest.mark.slow
def test_a_condition_nested_hundreds_deep_is_an_error_line_not_a_crash(tmp_path):
    """PyYAML reads nesting recursively: far past the guard, the file itself cannot be read."""
    from helpers import cli
    folder = lp.write_pack(tmp_path / "pack", {})
    when = "{fact: member_count, gte: 1}"
    for _ in range(600):
        when = "{all: [" + when + "]}"
    with open(folder / "rules.yaml", "a", encoding="utf-8") as out:
        out.write(f"- id: deep.x\n  statement: x\n  source: {lp.SOURCE}\n  when: {when}\n")  # as safe_dump writes
    result = cli("validate", folder)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "rules.yaml" in result.stderr, result.stderr
    assert "nested more than 100 levels deep" in result.stderr
