"""Rule-pack consistency: static checks and properties, derived from the pack's own declarations.

Static checks look at the pack itself; properties are invariants of the
decisions a pack makes, checked over profiles generated from the pack's
vocabulary (hypothesis, shrunk to a small counterexample), or, with
--exhaustive, over every profile of the finite abstraction in space.py, at
every date on which the pack's law changes. Which facts count as "more
capable" comes from the pack's fact declarations (`better:`) and the order of
its accountability tiers, not from Python.

A check reports one of four outcomes: passed; failed (with counterexamples
that validate as place profiles); holds by construction (the rule language or
the decision procedure guarantees it; it is still verified, to catch a broken
engine, but not counted as a pass); or examined nothing (nothing in the pack
for it to look at; not counted as a pass).

Properties are checked with the plain-Python evaluator, profile by profile, or
(exhaustive mode and the search for reachable powers) with the vectorised
evaluator over whole grids of the abstraction at once (columns.py); the
differential tests find both equal to durable-rules on every bundled place and
on sampled profiles (evidence, not a proof).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

from ..decide.catalogue import pack_ref
from ..decide.decision import package_tiers, power_status, prerequisites, requirements_for
from ..engines.semantics import engine_facts
from ..pack.ir import Not, Pack, RuleRef, walk
from ..results import CheckOutcome, CheckReport, CheckSpace, Status, truth_word
from ..compiled import compiled
from ..compiled.space import Requests, Space

#: Largest abstraction `--exhaustive` decides whole, in columns (check/columns.py: the bundled pack's 11.8 million
#: profiles take about 2.5 s and 280 MB of CPU time and memory); beyond it, properties are sampled.
EXHAUSTIVE_LIMIT = 20_000_000
#: The same for a checker given its own decision function (tests), which decides one profile at a time.
PER_PROFILE_LIMIT = 2_000_000

PASSED, FAILED, BY_CONSTRUCTION, NOTHING = "passed", "failed", "holds by construction", "examined nothing"


@dataclass
class Outcome:
    """What a pack decides for one profile on one date, reduced to what the properties compare."""

    truths: dict
    statuses: dict[str, Status]
    eligible: bool | None
    power_tiers: dict[str, int]
    package_tier: int


@dataclass
class Check:
    id: str
    kind: str  # "static" or "property"
    statement: str
    how: str = ""
    by_construction: bool = False
    checked: int = 0
    failures: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: bool = False

    def fail(self, failure: dict) -> None:
        self.failed = True
        if len(self.failures) < 3:
            self.failures.append(failure)

    @property
    def status(self) -> str:
        if self.failed:
            return FAILED
        if self.checked == 0:
            return NOTHING
        return BY_CONSTRUCTION if self.by_construction else PASSED

    def result(self) -> CheckOutcome:
        """The check as the typed report carries it."""
        return CheckOutcome(id=self.id, kind=self.kind, statement=self.statement, status=self.status,
                            passed=not self.failed, checked=self.checked, how=self.how, failures=self.failures,
                            notes=self.notes)


class Checker:
    """Outcomes of the pack over the abstraction, with a cache."""

    def __init__(self, pack: Pack, decide_fn: Callable | None = None):
        self.pack = pack
        self.space = compiled(pack).space
        self._decide = decide_fn or outcome_of
        #: a decision function given by the caller (tests break the engine on purpose) cannot be vectorised
        self.custom = decide_fn is not None
        self._cache: dict[tuple, Outcome] = {}

    def outcome(self, facts: dict, requested: Requests, on: date) -> Outcome:
        return self._decide(self.pack, self.space, facts, requested, on)

    def cached(self, key: tuple, facts_fn: Callable[[], dict], requested: Requests, on: date) -> Outcome:
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self.outcome(facts_fn(), requested, on)
        return found


def outcome_of(pack: Pack, space: Space, facts: dict, requested: Requests, on: date) -> Outcome:
    truths = space.truths(facts, on)
    current = pack.tier_of_model(facts.get(pack.model_fact))
    statuses, tiers = {}, {}
    for power in pack.powers:
        status, low, _high, _u, _m = power_status(pack, truths, current, power, on)
        statuses[power.id], tiers[power.id] = status, low.rank
    low, _ = package_tiers(pack, truths, list(requested or ()))
    return Outcome(truths, statuses, truths.get(pack.negotiation_rule), tiers, low.rank)


# --- the properties, each one object: statement, the changes it speaks of, and how to decide ----------

@dataclass(frozen=True)
class PairProperty:
    """A property comparing the outcome before and after a one-fact change."""

    id: str
    statement: str
    moves: Callable[[Space, dict], list[tuple[str, Any]]]
    worse: Callable[[Status, Status], bool]
    facts: Callable[[Space], list[str]]
    by_construction: bool = False


@dataclass(frozen=True)
class SingleProperty:
    """A property of one outcome."""

    id: str
    statement: str
    violation: Callable[[Space, Outcome, Requests], dict | None]
    by_construction: bool = False


def _better_values(space: Space, fact: str, value: Any) -> list[Any]:
    """Values of `fact` the pack declares more capable than `value` (its `better:` direction)."""
    decl = space.pack.facts[fact]
    classes = [v for v in space.classes(fact, space.status_rules) if v is not None]
    if decl.better == "true":
        return [True] if value is not True else []
    if decl.better == "false":
        return [False] if value is not False else []
    if value is None:
        return []
    if decl.better in ("higher", "lower"):
        if decl.type == "choice":
            rank = decl.values.index(value)
            pick = [v for v in classes if (decl.values.index(v) > rank) == (decl.better == "higher")
                    and decl.values.index(v) != rank]
        else:
            pick = [v for v in classes if (v > value if decl.better == "higher" else v < value)]
        return pick
    return []


def _stronger_models(space: Space, fact: str, value: Any) -> list[Any]:
    if value is None:
        return []
    tier = space.pack.tier_of_model(value)
    if tier is None:
        return []
    classes = [v for v in space.classes(fact, space.status_rules) if v is not None]
    return [v for v in classes if (t := space.pack.tier_of_model(v)) is not None and t.rank > tier.rank]


def _directed_facts(space: Space) -> list[str]:
    return [f for f in space.status_facts if space.pack.facts[f].better is not None]


def _moves_for(facts_fn, values_fn):
    def moves(space: Space, facts: dict) -> list[tuple[str, Any]]:
        return [(f, v) for f in facts_fn(space) for v in values_fn(space, f, facts.get(f))]
    return moves


def _unknown_values(space: Space, fact: str, value: Any) -> list[Any]:
    return [v for v in space.classes(fact, space.status_rules) if v is not None] if value is None else []


def _optional_facts(space: Space) -> list[str]:
    return [f for f in space.status_facts if space.pack.facts[f].optional]


def _below_level(space: Space, out: Outcome, requested: Requests) -> dict | None:
    if out.eligible is False:
        offered = [p for p, s in out.statuses.items() if s not in (Status.not_available, Status.not_in_force)]
        if offered:
            return {"powers": offered, "eligible": False,
                    "statuses": {p: out.statuses[p].value for p in offered},
                    "rules_involved": [space.pack.negotiation_rule]}
    return None


def _package_tier(space: Space, out: Outcome, requested: Requests) -> dict | None:
    worse = [p for p in requested or () if out.statuses[p] == Status.available and out.power_tiers[p] > out.package_tier]
    if worse:
        return {"powers": worse, "package_tier": out.package_tier,
                "power_tiers": {p: out.power_tiers[p] for p in worse},
                "rules_involved": sorted({r.rule for r in space.pack.requirements})}
    return None


def _less_favourable(before: Status, after: Status) -> bool:
    return before == Status.available and after != Status.available


PAIR_PROPERTIES = (
    PairProperty("monotone", "Improving one fact in the direction the pack declares as more capable (facts.yaml, "
                 "better:) never turns an available power into a less favourable status.",
                 _moves_for(_directed_facts, _better_values), _less_favourable, _directed_facts),
    PairProperty("tier_monotone", "A model in a stronger accountability tier never turns an available power into a "
                 "less favourable status.",
                 _moves_for(lambda s: [s.pack.model_fact], _stronger_models), _less_favourable,
                 lambda s: [s.pack.model_fact]),
    PairProperty("unknown_not_yes", "An unknown fact never produces available where knowing it could produce "
                 "not_available.", _moves_for(_optional_facts, _unknown_values),
                 lambda b, a: b == Status.available and a == Status.not_available, _optional_facts,
                 by_construction=True),
)
SINGLE_PROPERTIES = (
    SingleProperty("package_tier", "The required tier of a package is at least the highest tier any of its available "
                   "powers needs.", _package_tier, by_construction=True),
    SingleProperty("below_level", "A place below the negotiation level is offered nothing.", _below_level,
                   by_construction=True),
)
OTHER_PROPERTIES = {
    "reachable": "Every power is available for some profile on some date it is in force.",
    "order_independent": "The outcome does not depend on the order of rules or of facts, and is the same on every run.",
}
STATIC = {
    "references": "Every fact, rule, parameter, tier, power and source a pack names exists.",
    "cycles": "No rule depends on itself through other rules.",
    "parameters": "Every parameter has a reference or an assumption note.",
    "triggerable": "Every rule holds for some profile.",
    "contradictions": "No profile meets both a rule that grants something and a rule that denies it in the same "
                      "condition.",
}
PROPERTY_IDS = [p.id for p in PAIR_PROPERTIES] + [p.id for p in SINGLE_PROPERTIES] + list(OTHER_PROPERTIES)
CHECK_IDS = list(STATIC) + PROPERTY_IDS


def _rules_that_differ(a: Outcome, b: Outcome) -> dict[str, list]:
    return {r: [truth_word(a.truths.get(r)), truth_word(b.truths.get(r))] for r in sorted(a.truths)
            if a.truths.get(r) != b.truths.get(r)}


def pair_failure(checker: Checker, prop: PairProperty, facts: dict, requested: Requests, on: date,
                  fact: str, new: Any) -> dict | None:
    before = checker.outcome(facts, requested, on)
    after = checker.outcome(dict(facts, **{fact: new}), requested, on)
    for pid, status in before.statuses.items():
        if prop.worse(status, after.statuses[pid]):
            power = checker.pack.power(pid)
            involved = prerequisites(checker.pack, power) + [r.rule for r in requirements_for(checker.pack, pid)]
            return {"power": pid, "as_of": on.isoformat(), "change": {fact: [shown(facts.get(fact)), shown(new)]},
                    "before": status.value, "after": after.statuses[pid].value,
                    "rules_involved": sorted(set(involved)), "rules_that_changed": _rules_that_differ(before, after),
                    "profile": checker.space.valid_profile(facts, requested, on)}
    return None


def shown(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    return "unknown" if v is None else v


def run_checks(pack: Pack, exhaustive: bool = False, examples: int = 300, decide_fn: Callable | None = None,
               durable_check: bool = True, only: Iterable[str] | None = None) -> CheckReport:
    """Every static check and property (or those named in `only`): the typed report (schema kind `check`)."""
    checker = Checker(pack, decide_fn)
    space = checker.space
    wanted = list(only) if only else list(CHECK_IDS)
    checks: list[Check] = []
    loaded = {"references": len(pack.rules) + len(pack.powers) + len(pack.facts), "cycles": len(pack.rules),
              "parameters": len(pack.parameters)}
    for cid in ("references", "cycles", "parameters"):
        if cid in wanted:
            checks.append(Check(cid, "static", STATIC[cid], how="enforced when the pack loads (a pack that breaks it "
                                "does not load)", by_construction=True, checked=loaded[cid]))
    if "triggerable" in wanted:
        checks.append(_triggerable(checker))
    if "contradictions" in wanted:
        checks.append(_contradictions(checker))

    facts = space.status_facts
    domains, size = space.space(facts)
    requests = space.request_classes
    total = size * len(requests) * len(space.epochs)
    space_info = {"facts": {f: [shown(v) for v in d] for f, d in zip(facts, domains)},
                  "requests": [list(r) if r is not None else "unknown" for r in requests], "dates": [d.isoformat() for d in space.epochs],
                  "size": total,
                  "ignored_facts": sorted(f for f in pack.facts if f not in facts and not space.is_request(f)
                                          and not pack.facts[f].computed)}
    limit = PER_PROFILE_LIMIT if checker.custom else EXHAUSTIVE_LIMIT
    mode = "exhaustive" if exhaustive and total <= limit else "sampling"
    if exhaustive and mode == "sampling":
        space_info["fallback"] = (f"the abstraction has {total:,} profiles, more than {limit:,}; "
                                  "properties were sampled instead")
    pairs = [p for p in PAIR_PROPERTIES if p.id in wanted]
    singles = [p for p in SINGLE_PROPERTIES if p.id in wanted]
    if pairs or singles:
        if mode == "exhaustive" and not checker.custom:
            from . import columns
            checks += columns.exhaustive(checker, facts, domains, requests, pairs, singles)
        elif mode == "exhaustive":
            checks += _exhaustive(checker, facts, domains, requests, pairs, singles)
        else:
            from .sampling import sampled
            checks += sampled(checker, examples, pairs, singles)
    if "reachable" in wanted:
        if not checker.custom and size <= EXHAUSTIVE_LIMIT:
            from . import columns
            checks.append(columns.reachable(checker, facts, domains, requests, total))
        else:
            checks.append(_reachable(checker, facts, domains, requests, total))
    if "order_independent" in wanted:
        checks.append(_order_independent(checker, durable_check))
    checks.sort(key=lambda c: CHECK_IDS.index(c.id))
    counted = {s: sum(1 for c in checks if c.status == s) for s in (PASSED, FAILED, BY_CONSTRUCTION, NOTHING)}
    return CheckReport(pack=pack_ref(pack), mode=mode, space=CheckSpace(**space_info),
                       checks=[c.result() for c in checks], summary=counted, passed=counted[FAILED] == 0)


#: How much evaluating `triggerable` and `contradictions` may each do, in rule evaluations (a profile evaluated
#: over a pack of R rules costs R). Within it, rules (or pairs) are checked over all their classes, the smallest
#: first, each taking at most an even share of what is left; one with more cases than its share is sampled
#: (deterministically, by its id) and the report says so. So `check` ends on packs of any size, and a pack whose
#: cases all fit is checked whole, as before.
WORK_BUDGET = 40_000_000
#: The fewest profiles any rule or pair is given.
MIN_SHARE = 20


def _shares(sizes: list[int], rules: int) -> list[tuple[int, bool]]:
    """For each item's number of cases: how many profiles it may evaluate, and whether that is all of them."""
    left = WORK_BUDGET // max(1, rules)
    out: list[tuple[int, bool]] = [(0, True)] * len(sizes)
    order = sorted(range(len(sizes)), key=lambda i: (sizes[i], i))
    for done, i in enumerate(order):
        share = max(MIN_SHARE, left // (len(order) - done))
        whole = sizes[i] <= share
        out[i] = (sizes[i] if whole else share, whole)
        left = max(0, left - out[i][0])
    return out


def _cases(space: Space, rng: Any, facts: list[str], domains: list, dates: list, requests: list, whole: bool,
           share: int):
    if whole:
        return ((on, requested, partial) for on in dates for requested in requests
                for partial in space.assignments(facts, domains))
    return ((rng.choice(dates), rng.choice(requests), {f: rng.choice(d) for f, d in zip(facts, domains)})
            for _ in range(share))


def _triggerable(checker: Checker) -> Check:
    import random
    import zlib
    space = checker.space
    c = Check("triggerable", "static", STATIC["triggerable"],
              how="every rule over the classes of the facts it reads, on every date its law changes")
    rules = sorted(checker.pack.rules)
    plans = []
    for rid in rules:
        rule = checker.pack.rules[rid]
        facts = space.cone([rid])
        domains, size = space.space(facts, space.cone_rules([rid]))
        dates = [d for d in space.epochs if rule.in_force.holds(d)] or space.epochs[:1]
        plans.append((rid, rule, facts, domains, size, dates, size * len(dates) * len(space.request_classes)))
    shares = _shares([p[-1] for p in plans], len(checker.pack.rules))
    sampled = 0
    for (rid, rule, facts, domains, size, dates, cases), (share, whole) in zip(plans, shares):
        sampled += not whole
        rng = random.Random(zlib.crc32(rid.encode("utf-8")))
        seen_true = seen_false = False
        for on, requested, partial in _cases(space, rng, facts, domains, dates, space.request_classes, whole, share):
            c.checked += 1
            value = space.truths(space.complete(partial, requested), on).get(rid)
            seen_true |= value is True
            seen_false |= value is False
            if seen_true and seen_false:
                break
        if not seen_true and whole:
            c.fail({"rule": rid, "where": str(rule.where),
                    "problem": f"no profile can make it hold (checked all {size:,} classes of "
                               f"{', '.join(facts) or 'no facts'})"})
        elif not seen_true:
            c.notes.append(f"{rid}: no profile made it hold in a sample of {share:,} of its {cases:,} cases "
                           "(too many to check all: not a proof either way)")
        elif not seen_false and whole:
            c.notes.append(f"{rid} holds for every profile")
    if sampled:
        c.how += f"; {sampled:,} rule(s) with more cases than the check's budget allows were sampled, not checked whole"
    return c


def _contradictions(checker: Checker) -> Check:
    import random
    import zlib
    space = checker.space
    c = Check("contradictions", "static", STATIC["contradictions"],
              how="rules read positively and negatively in one condition, over the classes of their facts")
    pairs = set()
    for rule in checker.pack.rules.values():
        for node in walk(rule.when):
            if hasattr(node, "items"):
                grants = [r for item in node.items for r in _positive_refs(item)]
                denies = [item.item.rule for item in node.items
                          if isinstance(item, Not) and isinstance(item.item, RuleRef)]
                pairs |= {(rule.id, g, d) for g in grants for d in denies}
    on = checker.pack.effective
    plans = []
    for owner, grant, deny in sorted(pairs):
        facts = space.cone([grant, deny])
        domains, size = space.space(facts, space.cone_rules([grant, deny]))
        plans.append((owner, grant, deny, facts, domains, size))
    shares = _shares([p[-1] for p in plans], len(checker.pack.rules))
    sampled = 0
    for (owner, grant, deny, facts, domains, _size), (share, whole) in zip(plans, shares):
        sampled += not whole
        rng = random.Random(zlib.crc32(f"{owner} {grant} {deny}".encode("utf-8")))
        for _on, _requested, partial in _cases(space, rng, facts, domains, [on], [()], whole, share):
            c.checked += 1
            full = space.complete(partial)
            truths = space.truths(full, on)
            if truths.get(grant) is True and truths.get(deny) is True:
                c.fail({"rules": [grant, deny], "in": owner,
                        "problem": f"{grant} grants and {deny} denies for the same profile",
                        "profile": space.valid_profile(full)})
                break
    if sampled:
        c.how += (f"; {sampled:,} pair(s) with more classes than the check's budget allows were sampled, not "
                  "checked whole")
    return c


def _positive_refs(node) -> list[str]:
    if isinstance(node, RuleRef):
        return [node.rule]
    if type(node).__name__ == "Any_":
        return [r for item in node.items for r in _positive_refs(item)]
    return []


def _exhaustive(checker: Checker, facts: list[str], domains: list[list[Any]], requests: list[Requests],
                pairs: list[PairProperty], singles: list[SingleProperty]) -> list[Check]:
    space = checker.space
    index = {f: i for i, f in enumerate(facts)}
    results = {p.id: Check(p.id, "property", p.statement, how="exhaustive over the abstraction, on every date "
                           "the pack's law changes", by_construction=p.by_construction) for p in pairs + singles}
    move_facts = {p.id: [f for f in p.facts(space) if f in index] for p in pairs}
    better: dict[tuple[str, str, Any], list[Any]] = {}  # (property, fact, value) -> values to move to
    # Power statuses do not depend on requests unless a rule they read does: then the pair properties
    # need one request class only, and the single properties see every class.
    pair_requests = requests if space.requests_matter_for_powers else requests[:1]
    for on, requested in itertools.product(space.epochs, requests):
        active_pairs = pairs if requested in pair_requests else []
        if not active_pairs and not singles:
            continue
        def outcome(combo: tuple) -> Outcome:
            return checker.cached((on, requested, combo), lambda: space.complete(dict(zip(facts, combo)), requested),
                                  requested, on)
        for combo in itertools.product(*domains):
            base = outcome(combo)
            for prop in active_pairs:
                check = results[prop.id]
                for fact in move_facts[prop.id]:
                    i = index[fact]
                    key = (prop.id, fact, combo[i])
                    targets = better.get(key)
                    if targets is None:
                        targets = better[key] = [v for f, v in prop.moves(space, {fact: combo[i]}) if f == fact]
                    for new in targets:
                        check.checked += 1
                        after = outcome(combo[:i] + (new,) + combo[i + 1:])
                        if len(check.failures) < 3 and any(prop.worse(s, after.statuses[p])
                                                           for p, s in base.statuses.items()):
                            full = space.complete(dict(zip(facts, combo)), requested)
                            failure = pair_failure(checker, prop, full, requested, on, fact, new)
                            if failure:
                                check.fail(failure)
            for single in singles:
                check = results[single.id]
                check.checked += 1
                if len(check.failures) < 3:
                    found = single.violation(space, base, requested)
                    if found:
                        full = space.complete(dict(zip(facts, combo)), requested)
                        found["as_of"] = on.isoformat()
                        found["profile"] = space.valid_profile(full, requested, on)
                        check.fail(found)
    for check in results.values():
        check.notes.append(f"{len(checker._cache):,} abstract profiles evaluated")
    return list(results.values())


def _reachable(checker: Checker, facts: list[str], domains: list[list[Any]], requests: list[Requests],
               size: int) -> Check:
    """Every power is available for some profile: searched over the abstraction, on dates it is in force."""
    space = checker.space
    c = Check("reachable", "property", OTHER_PROPERTIES["reachable"],
              how="search over the abstraction (a proof when none is found)")
    pending = {p.id for p in checker.pack.powers}
    requests = requests if space.requests_matter_for_powers else requests[:1]
    for on in space.epochs:
        for requested in requests:
            for partial in space.assignments(facts, domains):
                c.checked += 1
                out = checker.outcome(space.complete(partial, requested), requested, on)
                pending -= {p for p in pending if out.statuses[p] == Status.available}
                if not pending:
                    return c
    for pid in sorted(pending):
        power = checker.pack.power(pid)
        c.fail({"power": pid, "where": str(power.where),
                "problem": f"no profile makes it available (searched all {size:,} abstract profiles)",
                "rules_involved": prerequisites(checker.pack, power)})
    return c


def _order_independent(checker: Checker, durable_check: bool) -> Check:
    """Evaluate samples with rules and facts in reverse order, and twice with durable-rules."""
    import dataclasses
    import random

    from ..engines.python import PythonEvaluator

    space = checker.space
    c = Check("order_independent", "property", OTHER_PROPERTIES["order_independent"],
              how="rules and facts reversed and shuffled; durable-rules run twice")
    pack = checker.pack
    reversed_pack = dataclasses.replace(
        pack, rules=dict(reversed(list(pack.rules.items()))),
        strata=tuple(tuple(reversed(s)) for s in pack.strata))
    other = PythonEvaluator(reversed_pack)
    durable = None
    if durable_check:
        durable = compiled(pack).evaluator("durable")
    rng = random.Random(0)
    facts = space.status_facts
    domains, _ = space.space(facts)
    for _ in range(200):
        partial = {f: rng.choice(d) for f, d in zip(facts, domains)}
        requested = rng.choice(space.request_classes)
        on = rng.choice(space.epochs)
        full = engine_facts(space.complete(partial, requested))
        shuffled = dict(rng.sample(list(full.items()), len(full)))
        off = space.off(on)
        a = space.evaluator.truths(full, off)
        b = other.truths(shuffled, off)
        c.checked += 1
        if a != b:
            c.fail({"problem": "reordering rules or facts changed a conclusion",
                    "rules_that_changed": {r: [truth_word(a[r]), truth_word(b[r])] for r in a if a[r] != b.get(r)},
                    "profile": space.valid_profile(space.complete(partial, requested), requested, on)})
        if durable is not None:
            d1, d2 = durable.truths(full, off), durable.truths(shuffled, off)
            if d1 != d2 or d1 != a:
                c.fail({"problem": "durable-rules gave a different conclusion on a second run or against the "
                                   "reference semantics",
                        "profile": space.valid_profile(space.complete(partial, requested), requested, on)})
    return c
