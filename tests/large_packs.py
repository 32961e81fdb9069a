"""Generated large rule packs, and a runner comparing durable-rules with the reference semantics.

Run as a script (tests/test_large_packs.py does, in a child process, so that an
abort inside durable-rules' C code fails a test instead of killing pytest):

    python tests/large_packs.py KIND SEED PROFILES [PACK_FOLDER]

prints one JSON line: how many profiles were checked, the first disagreements
between DurableEvaluator and logic.PythonEvaluator, and how many conclusions
were true, false and undetermined (so that a test can tell the check was not
vacuous).
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path
from typing import Any

import yaml

from negotiator.pack.ir import All, Any_, Compare, Cond, Not, Pack, Rule, RuleRef, Where, rules_in, walk
from negotiator.pack.load import load_pack

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "rules" / "route-map-2010"
SOURCE = "route-map-s7-level"


def base_pack() -> Pack:
    return load_pack(BUNDLED)


def usable(pack: Pack) -> list[str]:
    """Facts a generated rule may test: named values, booleans and numbers (not text, dates or lists)."""
    return sorted(n for n, s in pack.facts.items() if s.type in ("choice", "boolean", "integer", "number")
                  and not n.endswith("@months"))


def thresholds(pack: Pack) -> dict[str, list]:
    """For each numeric fact: the values rules of the bundled pack compare it with, and a few small ones."""
    found: dict[str, set] = {n: {0, 1, 2, 5} for n, s in pack.facts.items() if s.type in ("integer", "number")}
    for rule in pack.rules.values():
        for node in walk(rule.when):
            if isinstance(node, Compare) and node.fact in found:
                found[node.fact].update(node.value if isinstance(node.value, tuple) else (node.value,))
    return {n: sorted(v) for n, v in found.items()}


def random_leaf(rng: random.Random, pack: Pack, refs: list[str], numbers: dict[str, list]) -> Cond:
    if refs and rng.random() < 0.3:
        return RuleRef(rng.choice(refs))
    name = rng.choice(usable(pack))
    spec = pack.facts[name]
    if spec.type == "choice":
        op = rng.choice(["eq", "ne", "in", "not_in"])
        if op in ("in", "not_in"):
            return Compare(name, op, tuple(rng.sample(spec.values, rng.randint(1, min(4, len(spec.values))))))
        return Compare(name, op, rng.choice(spec.values))
    if spec.type == "boolean":
        return Compare(name, rng.choice(["eq", "ne"]), rng.random() < 0.5)
    pool = numbers[name]
    op = rng.choice(["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in"])
    if op in ("in", "not_in"):
        return Compare(name, op, tuple(rng.sample(pool, rng.randint(1, min(3, len(pool))))))
    return Compare(name, op, rng.choice(pool))


def random_cond(rng: random.Random, pack: Pack, refs: list[str], numbers: dict[str, list], clauses: int) -> Cond:
    """A condition of `clauses` leaves mixing all, any and not."""
    if clauses == 1:
        cond = random_leaf(rng, pack, refs, numbers)
    else:
        parts = rng.randint(2, clauses)
        sizes = [1] * parts
        for _ in range(clauses - parts):
            sizes[rng.randrange(parts)] += 1
        items = tuple(random_cond(rng, pack, refs, numbers, s) for s in sizes)
        cond = All(items) if rng.random() < 0.5 else Any_(items)
    return Not(cond) if rng.random() < 0.2 else cond


def with_rules(base: Pack, extra: dict[str, Cond], tag: str) -> Pack:
    """The base pack with more rules (each may read any rule defined before it)."""
    rules = dict(base.rules)
    for rid, cond in extra.items():
        rules[rid] = Rule(rid, f"generated rule {rid}", SOURCE, cond, Where("generated", None))
    return dataclasses.replace(base, rules=rules, strata=strata(rules))


def strata(rules: dict[str, Rule]) -> tuple[tuple[str, ...], ...]:
    level: dict[str, int] = {}
    for rid in rules:  # every generated rule reads only rules before it
        level[rid] = 1 + max((level[d] for d in rules_in(rules[rid].when)), default=-1)
    top = max(level.values())
    return tuple(tuple(sorted(r for r in rules if level[r] == k)) for k in range(top + 1))


# --- the packs --------------------------------------------------------------------------------

def mixed(seed: int, count: int = 1000) -> dict[str, Cond]:
    """`count` rules of 1-4 clauses over the bundled facts and earlier rules."""
    base = base_pack()
    rng, numbers = random.Random(seed), thresholds(base)
    refs = list(base.rules)
    out: dict[str, Cond] = {}
    for i in range(count):
        rid = f"gen.r{i}"
        out[rid] = random_cond(rng, base, refs, numbers, rng.randint(1, 4))
        refs.append(rid)
    return out


def chain(seed: int, length: int = 300) -> dict[str, Cond]:
    """Each rule reads the one before it, with a fact test or two."""
    base = base_pack()
    rng, numbers = random.Random(seed), thresholds(base)
    out: dict[str, Cond] = {"chain.0": random_leaf(rng, base, [], numbers)}
    for i in range(1, length):
        previous: Cond = RuleRef(f"chain.{i - 1}")
        if rng.random() < 0.3:
            previous = Not(previous)
        other = random_cond(rng, base, [], numbers, rng.randint(1, 2))
        out[f"chain.{i}"] = (All if rng.random() < 0.5 else Any_)((previous, other))
    return out


LONG_LISTS = {"population": list(range(0, 3_000_000, 10_000)), "member_count": list(range(300)),
              "requested_count": list(range(0, 600, 2))}


def long_lists(seed: int, count: int = 12) -> dict[str, Cond]:
    """Rules testing membership in lists of 300 values, alone or combined."""
    base = base_pack()
    rng, numbers = random.Random(seed), thresholds(base)
    out: dict[str, Cond] = {}
    refs: list[str] = []
    for i in range(count):
        fact = rng.choice(sorted(LONG_LISTS))
        values = rng.sample(LONG_LISTS[fact] + [v + 1 for v in LONG_LISTS[fact]], 300)
        cond: Cond = Compare(fact, rng.choice(["in", "not_in"]), tuple(values))
        shape = rng.random()
        if shape < 0.3:
            cond = Not(cond)
        elif shape < 0.7:
            others = tuple(random_cond(rng, base, refs, numbers, rng.randint(1, 3)) for _ in range(rng.randint(1, 3)))
            cond = (All if rng.random() < 0.5 else Any_)((cond,) + others)
        rid = f"lists.r{i}"
        out[rid] = cond
        refs.append(rid)
    return out


def deep(seed: int, count: int = 12, depth: int = 20) -> dict[str, Cond]:
    """Conditions nesting all and any `depth` levels deep, one to three clauses a level."""
    base = base_pack()
    rng, numbers = random.Random(seed), thresholds(base)
    out: dict[str, Cond] = {}
    refs = list(base.rules)
    for i in range(count):
        cond = random_leaf(rng, base, refs, numbers)
        for level in range(depth):
            items = [cond] + [random_cond(rng, base, refs, numbers, rng.randint(1, 2))
                              for _ in range(rng.randint(1, 3))]
            rng.shuffle(items)
            cond = All(tuple(items)) if (level + i) % 2 else Any_(tuple(items))
            if rng.random() < 0.15:
                cond = Not(cond)
        rid = f"deep.r{i}"
        out[rid] = cond
        refs.append(rid)
    return out


def wide(seed: int, count: int = 600) -> dict[str, Cond]:
    """Hundreds of one-test rules that a profile matches all at once, and rules reading hundreds of rules.

    One durable ruleset holding these aborted the process (a fact matching more than 64 alpha paths),
    or hung it (more than 512 children of one node).
    """
    rng = random.Random(seed)
    out: dict[str, Cond] = {}
    for i in range(count):
        out[f"wide.n{i}"] = rng.choice([
            Compare("member_count", rng.choice(["gte", "lt", "ne"]), i % 7),
            Compare("population", rng.choice(["gte", "lte"]), 1000 * i),
            Compare("kind", "in", ("core_city", "large_city", "county")),
            Compare("capacity.shared_services", "eq", True),
            All((Compare("requested_count", "gte", 0), Compare("kind", "ne", "district"),
                 Compare("member_count", "gte", 0))),
        ])
    refs = list(out)
    out["wide.all"] = All(tuple(RuleRef(r) for r in refs[:300]))
    out["wide.any"] = Any_(tuple(RuleRef(r) for r in refs[300:]))
    out["wide.mixed"] = Any_(tuple(Not(RuleRef(r)) if i % 3 else RuleRef(r) for i, r in enumerate(refs[::2])))
    return out


KINDS = {"mixed": mixed, "chain": chain, "lists": long_lists, "deep": deep, "wide": wide}


def random_facts(rng: random.Random, pack: Pack, numbers: dict[str, list], unknown: float = 0.2) -> dict[str, Any]:
    """A profile over the pack's facts: enums from their values, numbers near thresholds, bools, None for unknown."""
    out: dict[str, Any] = {}
    for name in usable(pack):
        spec = pack.facts[name]
        if rng.random() < unknown:
            out[name] = None
        elif spec.type == "choice":
            out[name] = rng.choice(spec.values)
        elif spec.type == "boolean":
            out[name] = rng.random() < 0.5
        elif name in LONG_LISTS and rng.random() < 0.5:
            out[name] = rng.choice(LONG_LISTS[name]) + rng.choice([0, 0, 1])
        elif spec.type == "integer":
            out[name] = int(rng.choice(numbers[name])) + rng.choice([-1, 0, 0, 1])
        else:
            out[name] = float(rng.choice(numbers[name])) + rng.choice([-0.5, 0.0, 0.0, 0.5])
    return out


# --- YAML ------------------------------------------------------------------------------------

def to_yaml(cond: Cond) -> dict:
    if isinstance(cond, Compare):
        return {"fact": cond.fact, cond.op: list(cond.value) if isinstance(cond.value, tuple) else cond.value}
    if isinstance(cond, RuleRef):
        return {"rule": cond.rule}
    if isinstance(cond, Not):
        return {"not": to_yaml(cond.item)}
    return {"all" if isinstance(cond, All) else "any": [to_yaml(c) for c in cond.items]}


def write_pack(folder: Path, extra: dict[str, Any]) -> Path:
    """A copy of the bundled pack with `extra` rules (id -> condition as YAML data) appended."""
    folder.mkdir(parents=True, exist_ok=True)
    common = folder.parent / "common"
    if not common.exists():
        common.mkdir()
        (common / "facts.yaml").write_bytes((BUNDLED.parent / "common" / "facts.yaml").read_bytes())
    for file in BUNDLED.iterdir():
        if file.suffix == ".yaml" and file.name != "rules.yaml":
            (folder / file.name).write_bytes(file.read_bytes())
    data = yaml.safe_load((BUNDLED / "rules.yaml").read_text(encoding="utf-8"))
    for rid, when in extra.items():
        data["rules"].append({"id": rid, "statement": f"generated rule {rid}", "source": SOURCE, "when": when})
    (folder / "rules.yaml").write_text(yaml.safe_dump(data, sort_keys=False, width=200), encoding="utf-8")
    return folder


# --- the runner ------------------------------------------------------------------------------

def compare(pack: Pack, seed: int, profiles: int) -> dict:
    from negotiator.engines.durable import DurableEvaluator
    from negotiator.engines.python import PythonEvaluator

    rng, numbers = random.Random(seed), thresholds(base_pack())
    durable, python = DurableEvaluator(pack), PythonEvaluator(pack)
    counts = {"true": 0, "false": 0, "undetermined": 0}
    mismatches = []
    for _ in range(profiles):
        facts = random_facts(rng, pack, numbers, unknown=rng.choice([0.0, 0.1, 0.3]))
        got, want = durable.truths(facts), python.truths(facts)
        for value in want.values():
            counts["undetermined" if value is None else str(value).lower()] += 1
        if got != want:
            diff = {r: [got.get(r), want[r]] for r in want if got.get(r) != want[r]}
            mismatches.append({"facts": facts, "rules": dict(list(diff.items())[:5]),
                               "extra": sorted(set(got) - set(want))})
    return {"checked": profiles, "rules": len(pack.rules), "rulesets": len(durable.plan.rulesets),
            "mismatches": mismatches[:3], "mismatch_count": len(mismatches), "counts": counts}


def overflow() -> dict:
    """With the path budget lifted, durable-rules fails natively: an EngineError, and no abort."""
    from negotiator.engines import durable_plan
    from negotiator.engines.durable import DurableEvaluator, EngineError

    durable_plan.RULESET_PATHS = 1000
    pack = with_rules(base_pack(), {f"many.r{i}": Compare("member_count", "gte", i) for i in range(100)}, "overflow")
    evaluator = DurableEvaluator(pack)
    errors = []
    for _ in range(3):  # the failed host is dropped and a fresh one registered each time
        try:
            evaluator.truths({"kind": "core_city", "member_count": 1000, "requested_count": 0})
        except EngineError as exc:
            errors.append(str(exc))
    return {"errors": errors, "rulesets": len(evaluator.plan.rulesets)}


def run(kind: str, seed: int = 0, profiles: int = 0, folder: str | None = None) -> dict:
    if kind == "overflow":
        return overflow()
    if kind == "yaml":  # a pack folder written by write_pack
        pack = load_pack(folder)
    else:
        pack = with_rules(base_pack(), KINDS[kind](seed), f"{kind}-{seed}")
    return compare(pack, seed, profiles)


def main(argv: list[str]) -> None:
    """`KIND SEED PROFILES [FOLDER]`, or `--runs JSON`: {kind: [seed, profiles, folder]}, one JSON line each."""
    if argv[0] == "--runs":
        for kind, (seed, profiles, folder) in json.loads(argv[1]).items():
            print(json.dumps({"kind": kind, "result": run(kind, seed, profiles, folder)}), flush=True)
        return
    print(json.dumps(run(argv[0], *map(int, argv[1:3]), *argv[3:4])))


if __name__ == "__main__":
    main(sys.argv[1:])
