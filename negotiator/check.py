"""Rule-pack consistency: static analysis and property-based verification.

Static checks look at the pack itself; properties are invariants of the
decisions a pack makes, checked over profiles generated from the place profile
schema (hypothesis, shrunk to a small counterexample), or, with --exhaustive,
over every profile of a finite abstraction: each fact split into the classes of
values the pack cannot tell apart (numbers cut at the thresholds the pack
compares them with, enum values grouped by the tests and tiers they meet,
booleans, and unknown). Every decision is the same for all profiles in a
class, so checking one representative per class proves a property for all.

Properties are checked with the plain-Python evaluator, which the test suite
proves equal to durable-rules; see tests/test_engines.py.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from .decide import package_tiers, power_status, prerequisites, requirements_for
from .facts import place_facts
from .ir import Compare, Pack, facts_in, rules_in, walk
from .logic import PythonEvaluator, compare
from .place import GROUPING_LADDER, Place

EXHAUSTIVE_LIMIT = 400_000

#: Each property, stated in words (also in rules/route-map-2010/README.md and the tests).
PROPERTIES = {
    "capacity_monotone": "More capacity evidence never turns an available power into a less favourable status.",
    "tier_monotone": "A stronger accountability tier never turns an available power into a less favourable status.",
    "grouping_monotone": "A more formal grouping never turns an available power into a less favourable status.",
    "package_tier": "The required tier of a package is at least the highest tier any of its available powers needs.",
    "below_level": "A place below the negotiation level is offered nothing.",
    "reachable": "Every power is available for some profile.",
    "order_independent": "The outcome does not depend on the order of rules or of facts, and is the same on every run.",
    "unknown_not_yes": "An unknown fact never produces available where knowing it could produce not_available.",
}
STATIC = {
    "references": "Every fact, rule, parameter, tier, power and source a pack names exists (checked on load).",
    "cycles": "No rule depends on itself through other rules (checked on load).",
    "parameters": "Every parameter has a reference or an assumption note (checked on load).",
    "triggerable": "Every rule holds for some profile.",
    "contradictions": "No profile meets both a rule that grants something and a rule that denies it in the same condition.",
}


@dataclass
class Outcome:
    """What a pack decides for one profile, reduced to what the properties compare."""

    truths: dict
    statuses: dict[str, str]
    eligible: bool | None
    power_tiers: dict[str, int]
    package_tier: int


@dataclass
class Check:
    id: str
    kind: str  # "static" or "property"
    statement: str
    passed: bool = True
    checked: int = 0
    how: str = ""
    failures: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, failure: dict) -> None:
        self.passed = False
        if len(self.failures) < 3:
            self.failures.append(failure)

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "statement": self.statement, "passed": self.passed,
                "checked": self.checked, "how": self.how, "failures": self.failures, "notes": self.notes}


class Checker:
    def __init__(self, pack: Pack, decide_fn: Callable | None = None):
        self.pack = pack
        self.evaluator = PythonEvaluator(pack)
        self._decide = decide_fn or self._outcome
        self._status_rules: list[str] | None = None

    # --- evaluating ------------------------------------------------------------------------
    def outcome(self, facts: dict, requested: list[str]) -> Outcome:
        return self._decide(self.pack, self.evaluator, facts, requested)

    @staticmethod
    def _outcome(pack: Pack, evaluator, facts: dict, requested: list[str]) -> Outcome:
        truths = evaluator.truths(facts)
        current = pack.tier_of_model(facts.get("accountability.model"))
        statuses, tiers = {}, {}
        for power in pack.powers:
            status, low, _high, _u, _m = power_status(pack, truths, current, power)
            statuses[power.id], tiers[power.id] = status, low.rank
        low, _ = package_tiers(pack, truths, requested)
        return Outcome(truths, statuses, truths.get(pack.negotiation_rule), tiers, low.rank)

    # --- the abstraction -------------------------------------------------------------------
    def tests_on(self, fact: str, rules: Iterable[str] | None = None) -> list[Compare]:
        chosen = self.pack.rules.values() if rules is None else [self.pack.rules[r] for r in rules]
        return [n for r in chosen for n in walk(r.when) if isinstance(n, Compare) and n.fact == fact]

    def classes(self, fact: str, rules: Iterable[str] | None = None) -> list[Any]:
        """One representative value per class of values the given rules (default: all) cannot tell apart.

        None stands for unknown, where the fact may be absent.
        """
        spec = self.pack.facts[fact]
        tests = self.tests_on(fact, rules)
        if spec.type == "enum":
            candidates: list[Any] = list(spec.values)
        elif spec.type == "bool":
            candidates = [True, False]
        else:
            low = {"member_count": 1, "requested_count": 0}.get(fact, 1)
            high = {"requested_count": len(self.pack.powers), "member_count": 400}.get(fact, 10**9)
            cuts = sorted({v for t in tests for v in (t.value if isinstance(t.value, tuple) else (t.value,))
                           if isinstance(v, (int, float))})
            candidates = sorted({low} | {int(c + d) for c in cuts for d in (-1, 0, 1) if low <= c + d <= high})
        seen: dict[tuple, Any] = {}
        cuts_all = [t.value for t in tests if isinstance(t.value, (int, float)) and not isinstance(t.value, bool)]
        if spec.type in ("int", "float") and cuts_all:  # represent each class by a value next to a threshold
            candidates.sort(key=lambda v: (min(abs(v - c) for c in cuts_all), v))
        for value in candidates:
            signature = tuple(compare(t, value) for t in tests)
            if fact == "accountability.model":
                signature += (self.pack.tier_of_model(value).rank,)
            seen.setdefault(signature, value)
        reps = list(seen.values())
        if spec.type in ("int", "float"):
            reps.sort()
        if fact == "grouping.status":  # keep one value per rung the pack can tell apart, in ladder order
            reps.sort(key=GROUPING_LADDER.index)
        if fact == "accountability.model":
            reps.sort(key=lambda v: -self.pack.tier_of_model(v).rank)
        return reps + ([None] if spec.optional else [])

    def cone_rules(self, rule_ids: Iterable[str]) -> list[str]:
        """The given rules and every rule they read, directly or through others."""
        seen: set[str] = set()
        stack = list(rule_ids)
        while stack:
            rid = stack.pop()
            if rid not in seen:
                seen.add(rid)
                stack += rules_in(self.pack.rules[rid].when)
        return sorted(seen)

    def cone(self, rule_ids: Iterable[str]) -> list[str]:
        """Base facts the given rules read, directly or through other rules."""
        return sorted({f for rid in self.cone_rules(rule_ids) for f in facts_in(self.pack.rules[rid].when)})

    def status_rules(self) -> list[str]:
        """Every rule a power's status or a package's tier depends on."""
        if self._status_rules is not None:
            return self._status_rules
        roots = [self.pack.negotiation_rule] + [r for p in self.pack.powers for r in p.requires]
        roots += [req.rule for req in self.pack.requirements]
        self._status_rules = self.cone_rules(roots)
        return self._status_rules

    def status_facts(self) -> list[str]:
        return sorted(set(self.cone(self.status_rules())) | {"accountability.model"})

    def space(self, facts: list[str], rules: Iterable[str] | None = None) -> tuple[list[list[Any]], int]:
        """The classes of each fact (as the given rules, default those statuses depend on, see them) and their product."""
        rules = list(self.status_rules() if rules is None else rules)
        domains = [self.classes(f, rules) for f in facts]
        size = 1
        for d in domains:
            size *= len(d)
        return domains, size

    def assignments(self, facts: list[str], domains: list[list[Any]]) -> Iterator[dict]:
        for combo in itertools.product(*domains):
            yield dict(zip(facts, combo))

    def requested_for(self, facts: dict) -> list[str]:
        count = facts.get("requested_count") or 0
        return [p.id for p in self.pack.powers][:count]

    def complete(self, partial: dict) -> dict:
        """A full fact dict from a partial assignment: unassigned facts unknown, computed facts consistent."""
        facts = {name: None for name in self.pack.facts}
        facts.update(partial)
        facts.setdefault("member_count", 1)
        if facts.get("member_count") is None:
            facts["member_count"] = 1
        if facts.get("kind") is None:
            facts["kind"] = "unitary"
        requested = self.requested_for(facts)
        facts["requested_count"] = len(requested)
        for p in self.pack.powers:
            facts[f"requested.{p.id}"] = p.id in requested
        return facts

    # --- profiles for people -----------------------------------------------------------------
    def profile(self, facts: dict) -> dict:
        """A place profile (as YAML would hold it) with these facts."""
        from .census import councils
        data: dict[str, Any] = {"id": "counterexample", "name": "Counterexample", "kind": facts.get("kind") or "unitary"}
        if facts.get("population") is not None:
            data["population"] = facts["population"]
            data["population_year"] = 2011
        codes = sorted(councils())
        data["members"] = codes[: max(1, facts.get("member_count") or 1)]
        for name, value in sorted(facts.items()):
            if value is None or name in ("kind", "population", "member_count", "requested_count") \
                    or name.startswith("requested.") or name == "population_year":
                continue
            node = data
            parts = name.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        data["priorities"] = self.requested_for(facts)
        data["sources"] = ["generated by negotiator check"]
        return data


def _rules_that_differ(a: Outcome, b: Outcome) -> dict[str, list]:
    return {r: [_word(a.truths.get(r)), _word(b.truths.get(r))] for r in sorted(a.truths)
            if a.truths.get(r) != b.truths.get(r)}


def _word(v) -> str:
    return {True: "true", False: "false", None: "undetermined"}[v]


def _better_values(checker: Checker, fact: str, value: Any) -> list[Any]:
    """Values of `fact` that are more capable than `value` (for the monotonicity properties)."""
    spec = checker.pack.facts[fact]
    classes = [v for v in checker.classes(fact, checker.status_rules()) if v is not None]
    if spec.better == "true":
        return [True] if value is not True else []
    if spec.better == "false":
        return [False] if value is not False else []
    if fact == "grouping.status":
        if value is None:
            return []
        return [v for v in classes if GROUPING_LADDER.index(v) > GROUPING_LADDER.index(value)]
    if fact == "accountability.model":
        if value is None:
            return []
        rank = checker.pack.tier_of_model(value).rank
        return [v for v in classes if checker.pack.tier_of_model(v).rank > rank]
    return []


MOVE_FACTS = {
    "capacity_monotone": lambda c: [f for f, s in c.pack.facts.items() if f.startswith("capacity.") and s.better in ("true", "false")],
    "tier_monotone": lambda c: ["accountability.model"],
    "grouping_monotone": lambda c: ["grouping.status"],
}


def _pair_failure(checker: Checker, facts: dict, fact: str, new: Any, prop: str) -> dict | None:
    before = checker.outcome(facts, checker.requested_for(facts))
    after_facts = dict(facts, **{fact: new})
    after = checker.outcome(after_facts, checker.requested_for(after_facts))
    for pid, status in before.statuses.items():
        if prop == "unknown_not_yes":
            bad = status == "available" and after.statuses[pid] == "not_available"
        else:
            bad = status == "available" and after.statuses[pid] != "available"
        if bad:
            power = checker.pack.power(pid)
            involved = prerequisites(checker.pack, power) + [r.rule for r in requirements_for(checker.pack, pid)]
            return {"power": pid, "change": {fact: [facts.get(fact), new]},
                    "before": status, "after": after.statuses[pid],
                    "rules_involved": sorted(set(involved)), "rules_that_changed": _rules_that_differ(before, after),
                    "profile": checker.profile(facts)}
    return None


def _single_failure(checker: Checker, facts: dict, prop: str) -> dict | None:
    requested = checker.requested_for(facts)
    out = checker.outcome(facts, requested)
    if prop == "below_level" and out.eligible is False:
        offered = [p for p, s in out.statuses.items() if s != "not_available"]
        if offered:
            return {"powers": offered, "eligible": False, "statuses": {p: out.statuses[p] for p in offered},
                    "rules_involved": [checker.pack.negotiation_rule], "profile": checker.profile(facts)}
    if prop == "package_tier":
        worse = [p for p in requested if out.statuses[p] == "available" and out.power_tiers[p] > out.package_tier]
        if worse:
            return {"powers": worse, "package_tier": out.package_tier,
                    "power_tiers": {p: out.power_tiers[p] for p in worse},
                    "rules_involved": sorted({r.rule for r in checker.pack.requirements}), "profile": checker.profile(facts)}
    return None


def run_checks(pack: Pack, exhaustive: bool = False, examples: int = 300,
               decide_fn: Callable | None = None, durable_check: bool = True) -> dict:
    """Every static check and property; returns the JSON-ready report."""
    checker = Checker(pack, decide_fn)
    checks: list[Check] = []
    for cid in ("references", "cycles", "parameters"):
        c = Check(cid, "static", STATIC[cid], how="enforced when the pack loads")
        c.checked = {"references": len(pack.rules) + len(pack.powers), "cycles": len(pack.rules),
                     "parameters": len(pack.parameters)}[cid]
        checks.append(c)
    checks.append(_triggerable(checker))
    checks.append(_contradictions(checker))

    facts = checker.status_facts()
    domains, size = checker.space(facts)
    space_info = {"facts": {f: [_show(v) for v in d] for f, d in zip(facts, domains)}, "size": size,
                  "ignored_facts": sorted(set(pack.facts) - set(facts) - {"requested_count"}
                                          - {f for f in pack.facts if f.startswith("requested.")})}
    mode = "exhaustive" if exhaustive and size <= EXHAUSTIVE_LIMIT else "sampling"
    if exhaustive and mode == "sampling":
        space_info["fallback"] = (f"the abstraction has {size:,} profiles, more than {EXHAUSTIVE_LIMIT:,}; "
                                  "properties were sampled instead")
    if mode == "exhaustive":
        checks += _exhaustive(checker, facts, domains)
    else:
        checks += _sampled(checker, examples)
    checks.append(_reachable(checker, facts, domains, size))
    checks.append(_order_independent(checker, durable_check))
    order = list(STATIC) + list(PROPERTIES)
    checks.sort(key=lambda c: order.index(c.id))
    return {
        "rule_pack": {"id": pack.id, "version": pack.version, "hash": pack.hash},
        "mode": mode,
        "space": space_info,
        "checks": [c.to_json() for c in checks],
        "passed": all(c.passed for c in checks),
    }


def _show(v: Any) -> Any:
    return "unknown" if v is None else v


def _triggerable(checker: Checker) -> Check:
    c = Check("triggerable", "static", STATIC["triggerable"], how="every rule over the classes of the facts it reads")
    for rid in sorted(checker.pack.rules):
        facts = checker.cone([rid])
        domains, size = checker.space(facts, checker.cone_rules([rid]))
        seen_true = seen_false = False
        for partial in checker.assignments(facts, domains):
            c.checked += 1
            value = checker.evaluator.truths(checker.complete(partial)).get(rid)
            seen_true |= value is True
            seen_false |= value is False
            if seen_true and seen_false:
                break
        if not seen_true:
            rule = checker.pack.rules[rid]
            c.fail({"rule": rid, "where": f"{rule.where.file}:{rule.where.line}",
                    "problem": f"no profile can make it hold (checked all {size:,} classes of {', '.join(facts) or 'no facts'})"})
        elif not seen_false:
            c.notes.append(f"{rid} holds for every profile")
    return c


def _contradictions(checker: Checker) -> Check:
    c = Check("contradictions", "static", STATIC["contradictions"],
              how="rules read positively and negatively in one condition, over the classes of their facts")
    pairs = set()
    for rule in checker.pack.rules.values():
        for node in walk(rule.when):
            if hasattr(node, "items"):
                grant = [r for item in node.items for r in _positive_refs(item)]
                deny = [item.item.rule for item in node.items if type(item).__name__ == "Not" and hasattr(item.item, "rule")]
                pairs |= {(rule.id, g, d) for g in grant for d in deny}
    for owner, grant, deny in sorted(pairs):
        facts = checker.cone([grant, deny])
        domains, _ = checker.space(facts, checker.cone_rules([grant, deny]))
        for partial in checker.assignments(facts, domains):
            c.checked += 1
            truths = checker.evaluator.truths(checker.complete(partial))
            if truths.get(grant) is True and truths.get(deny) is True:
                full = checker.complete(partial)
                c.fail({"rules": [grant, deny], "in": owner,
                        "problem": f"{grant} grants and {deny} denies for the same profile",
                        "profile": checker.profile(full)})
                break
    return c


def _positive_refs(node) -> list[str]:
    name = type(node).__name__
    if name == "RuleRef":
        return [node.rule]
    if name == "Any_":
        return [r for item in node.items for r in _positive_refs(item)]
    return []


def _exhaustive(checker: Checker, facts: list[str], domains: list[list[Any]]) -> list[Check]:
    cache: dict[tuple, Outcome] = {}
    index = {f: i for i, f in enumerate(facts)}

    def outcome(combo: tuple) -> Outcome:
        found = cache.get(combo)
        if found is None:
            full = checker.complete(dict(zip(facts, combo)))
            found = cache[combo] = checker.outcome(full, checker.requested_for(full))
        return found

    results = {pid: Check(pid, "property", PROPERTIES[pid], how="exhaustive over the abstraction")
               for pid in ("capacity_monotone", "tier_monotone", "grouping_monotone", "package_tier", "below_level",
                           "unknown_not_yes")}
    move_facts = {prop: [f for f in MOVE_FACTS[prop](checker) if f in index] for prop in MOVE_FACTS}
    for combo in itertools.product(*domains):
        base = outcome(combo)
        full = None
        for prop, mfacts in move_facts.items():
            check = results[prop]
            for fact in mfacts:
                i = index[fact]
                for better in _better_values(checker, fact, combo[i]):
                    check.checked += 1
                    after = outcome(combo[:i] + (better,) + combo[i + 1:])
                    if any(s == "available" and after.statuses[p] != "available" for p, s in base.statuses.items()) \
                            and len(check.failures) < 3:
                        full = full or checker.complete(dict(zip(facts, combo)))
                        failure = _pair_failure(checker, full, fact, better, prop)
                        if failure:
                            check.fail(failure)
        unknown = results["unknown_not_yes"]
        for fact, i in index.items():
            if combo[i] is not None:
                continue
            for value in domains[i]:
                if value is None:
                    continue
                unknown.checked += 1
                after = outcome(combo[:i] + (value,) + combo[i + 1:])
                if any(s == "available" and after.statuses[p] == "not_available" for p, s in base.statuses.items()) \
                        and len(unknown.failures) < 3:
                    full = full or checker.complete(dict(zip(facts, combo)))
                    failure = _pair_failure(checker, full, fact, value, "unknown_not_yes")
                    if failure:
                        unknown.fail(failure)
        for prop in ("package_tier", "below_level"):
            results[prop].checked += 1
            if len(results[prop].failures) < 3:
                failure = _single_failure(checker, checker.complete(dict(zip(facts, combo))), prop) \
                    if _quick_single(checker, base, combo, facts, prop) else None
                if failure:
                    results[prop].fail(failure)
    for check in results.values():
        check.notes.append(f"{len(cache):,} abstract profiles evaluated")
    return list(results.values())


def _quick_single(checker: Checker, base: Outcome, combo: tuple, facts: list[str], prop: str) -> bool:
    if prop == "below_level":
        return base.eligible is False and any(s != "not_available" for s in base.statuses.values())
    requested = checker.requested_for(dict(zip(facts, combo)))
    return any(base.statuses[p] == "available" and base.power_tiers[p] > base.package_tier for p in requested)


def _sampled(checker: Checker, examples: int) -> list[Check]:
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample

    from .generate import place_data

    # Profiles drawn from the classes of values the pack can tell apart hit its thresholds and
    # combinations far more often than raw values do; raw schema-generated profiles add variety.
    facts_list = checker.status_facts()
    abstract = st.fixed_dictionaries({f: st.sampled_from(checker.classes(f)) for f in facts_list}).map(
        lambda partial: checker.profile(checker.complete(partial)))
    profiles = st.one_of(abstract, abstract, place_data(checker.pack))
    opts = settings(max_examples=examples, database=None, derandomize=True, deadline=None,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.generate, Phase.shrink])
    vocab = checker.pack.facts

    def facts_of(data: dict) -> dict:
        return place_facts(Place.model_validate(data), vocab)

    out = []
    for prop in ("capacity_monotone", "tier_monotone", "grouping_monotone", "unknown_not_yes"):
        check = Check(prop, "property", PROPERTIES[prop],
                      how=f"hypothesis, {examples} generated profiles with every change from each, shrunk")
        if prop == "unknown_not_yes":
            fact_choices = sorted(f for f, s in vocab.items() if s.optional)
        else:
            fact_choices = MOVE_FACTS[prop](checker)
        def moves(facts: dict, fact_choices=fact_choices, prop=prop) -> list[tuple[str, Any]]:
            """Every one-fact change the property speaks of, from this profile."""
            options = []
            for fact in fact_choices:
                if prop == "unknown_not_yes":
                    if facts.get(fact) is None:
                        options += [(fact, v) for v in checker.classes(fact) if v is not None]
                else:
                    options += [(fact, v) for v in _better_values(checker, fact, facts.get(fact))]
            return options
        counter = {"n": 0}

        def first_violation(data: dict, prop=prop, moves=moves, counter=counter) -> tuple[str, Any] | None:
            facts = facts_of(data)
            for fact, value in moves(facts):
                counter["n"] += 1
                if _pair_failure(checker, facts, fact, value, prop) is not None:
                    return fact, value
            return None
        try:
            data = find(profiles, lambda d, fv=first_violation: fv(d) is not None, settings=opts)
            fact, value = first_violation(data)
            facts = _forget(checker, facts_of(data), lambda f, fact=fact, value=value, prop=prop:
                            _pair_failure(checker, f, fact, value, prop) is not None, keep={fact})
            check.fail(_pair_failure(checker, facts, fact, value, prop))
        except NoSuchExample:
            pass
        check.checked = counter["n"]
        out.append(check)
    for prop in ("package_tier", "below_level"):
        check = Check(prop, "property", PROPERTIES[prop], how=f"hypothesis, {examples} generated profiles, shrunk")
        counter = {"n": 0}

        def single(data: dict, prop=prop, counter=counter) -> bool:
            counter["n"] += 1
            return _single_failure(checker, facts_of(data), prop) is not None
        try:
            data = find(profiles, single, settings=opts)
            facts = _forget(checker, facts_of(data), lambda f, prop=prop: _single_failure(checker, f, prop) is not None)
            check.fail(_single_failure(checker, facts, prop))
        except NoSuchExample:
            pass
        check.checked = counter["n"]
        out.append(check)
    return out


def _forget(checker: Checker, facts: dict, still_fails: Callable[[dict], bool], keep: set[str] = frozenset()) -> dict:
    """Shrink a counterexample further: make each fact unknown where the failure survives without it."""
    facts = dict(facts)
    for name in sorted(facts):
        spec = checker.pack.facts[name]
        if name in keep or not spec.optional or facts[name] is None:
            continue
        trial = dict(facts, **{name: None})
        if still_fails(trial):
            facts = trial
    return facts


def _reachable(checker: Checker, facts: list[str], domains: list[list[Any]], size: int) -> Check:
    """Every power is available for some profile: searched over the abstraction, best values first."""
    c = Check("reachable", "property", PROPERTIES["reachable"], how="search over the abstraction (a proof when none is found)")
    pending = {p.id for p in checker.pack.powers}
    witnesses: dict[str, dict] = {}
    for partial in checker.assignments(facts, domains):
        c.checked += 1
        full = checker.complete(partial)
        out = checker.outcome(full, checker.requested_for(full))
        for pid in [p for p in pending if out.statuses[p] == "available"]:
            pending.discard(pid)
            witnesses[pid] = full
        if not pending:
            break
    for pid in sorted(pending):
        power = checker.pack.power(pid)
        c.fail({"power": pid, "where": f"{power.where.file}:{power.where.line}",
                "problem": f"no profile makes it available (searched all {size:,} abstract profiles)",
                "rules_involved": prerequisites(checker.pack, power)})
    return c


def _order_independent(checker: Checker, durable_check: bool) -> Check:
    """Evaluate the bundled-size sample with rules and facts in reverse order, and twice with durable-rules."""
    import dataclasses
    import random

    c = Check("order_independent", "property", PROPERTIES["order_independent"],
              how="rules and facts reversed and shuffled; durable-rules run twice")
    pack = checker.pack
    reversed_pack = dataclasses.replace(
        pack, hash=pack.hash + "-reversed", rules=dict(reversed(list(pack.rules.items()))),
        strata=tuple(tuple(reversed(s)) for s in pack.strata))
    other = PythonEvaluator(reversed_pack)
    durable = None
    if durable_check:
        from .evaluators import evaluator_for
        durable = evaluator_for(pack, "durable")
    rng = random.Random(0)
    facts_list = checker.status_facts()
    domains, _ = checker.space(facts_list)
    for _ in range(200):
        partial = {f: rng.choice(d) for f, d in zip(facts_list, domains)}
        full = checker.complete(partial)
        shuffled = dict(rng.sample(list(full.items()), len(full)))
        a = checker.evaluator.truths(full)
        b = other.truths(shuffled)
        c.checked += 1
        if a != b:
            c.fail({"problem": "reordering rules or facts changed a conclusion",
                    "rules_that_changed": {r: [_word(a[r]), _word(b[r])] for r in a if a[r] != b.get(r)},
                    "profile": checker.profile(full)})
        if durable is not None:
            d1, d2 = durable.truths(full), durable.truths(shuffled)
            if d1 != d2 or d1 != a:
                c.fail({"problem": "durable-rules gave a different conclusion on a second run or against the "
                                   "reference semantics", "profile": checker.profile(full)})
    return c

