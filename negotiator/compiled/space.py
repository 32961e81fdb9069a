"""The finite abstraction of a pack that `negotiator check` and the advice (facts to collect) reason over.

Each fact is split into the classes of values the pack cannot tell apart:
numbers and dates cut at the thresholds the pack compares them with (with a
value between each pair of cuts), named values grouped by the tests (and, for
the accountability model, the tier) they meet, booleans, and unknown. The
requests a place makes are split the same way: the empty request, each power
alone, every power, and sets of each size the pack counts, chosen from the
weakest and the strongest powers. Every decision is the same for every profile
in a class, so one representative per class proves a property for all.

Counterexamples are turned back into place profiles and validated, so that
what `check` prints is a file `validate` accepts.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from functools import cached_property
from typing import Any, Iterable, Iterator

from ..census import councils
from ..engines.python import PythonEvaluator
from ..engines.semantics import compare, engine_facts
from ..errors import InputError
from ..pack.ir import Compare, Pack, facts_in, rules_in, walk
from ..months import months_before
from ..vocab.facts import MONTHS_SUFFIX, NEVER, FactDecl
from ..vocab.profile import parse_profile
from ..yamlio import Located

Requests = tuple[str, ...] | None  # None: the profile does not say what the place asks for


class Space:
    """Value classes of a pack's facts and requests, computed once and kept."""

    def __init__(self, pack: Pack, evaluator: PythonEvaluator | None = None):
        self.pack = pack
        self.evaluator = evaluator or PythonEvaluator(pack)
        self._classes: dict[tuple[str, frozenset[str] | None], list[Any]] = {}
        self._cones: dict[frozenset[str], list[str]] = {}

    # --- dates on which the pack's law changes ---------------------------------------------------
    @cached_property
    def epochs(self) -> list[date]:
        """The pack's date of effect and every date a rule or power comes into or goes out of force."""
        dates = {self.pack.effective}
        for item in list(self.pack.rules.values()) + list(self.pack.powers):
            for d in (item.in_force.start, item.in_force.end):
                if d is not None:
                    dates.add(d)
        return sorted(dates)

    def off(self, on: date) -> frozenset[str]:
        found = self._off.get(on)
        if found is None:
            found = self._off[on] = frozenset(self.pack.rules) - self.pack.rules_in_force(on)
        return found

    @cached_property
    def _off(self) -> dict[date, frozenset[str]]:
        return {}

    @cached_property
    def _date_facts(self) -> list[str]:
        return [n for n, d in self.pack.facts.items() if d.type == "date"]

    @cached_property
    def requests_matter_for_powers(self) -> bool:
        """Whether any rule a power's status depends on reads what the place asks for."""
        roots = [self.pack.negotiation_rule] + [r for p in self.pack.powers for r in p.requires]
        roots += [req.rule for p in self.pack.powers for req in self.pack.requirements_by_power[p.id]]
        roots += [c.rule for t in self.pack.tiers for c in t.conditions]
        return any(self.is_request(f) for rid in self.cone_rules(roots) for f in facts_in(self.pack.rules[rid].when))

    # --- rules and the facts they read ------------------------------------------------------------
    def cone_rules(self, rule_ids: Iterable[str]) -> list[str]:
        """The given rules and every rule they read, directly or through others."""
        key = frozenset(rule_ids)
        found = self._cones.get(key)
        if found is None:
            seen: set[str] = set()
            stack = list(key)
            while stack:
                rid = stack.pop()
                if rid not in seen:
                    seen.add(rid)
                    stack += rules_in(self.pack.rules[rid].when)
            found = self._cones[key] = sorted(seen)
        return found

    def cone(self, rule_ids: Iterable[str]) -> list[str]:
        """Base facts the given rules read (requests excluded: they are a dimension of their own)."""
        return sorted({f for rid in self.cone_rules(rule_ids) for f in facts_in(self.pack.rules[rid].when)
                       if not self.is_request(f)})

    def is_request(self, fact: str) -> bool:
        return fact == "requested_count" or fact.startswith("requested.")

    @cached_property
    def status_rules(self) -> list[str]:
        """Every rule a power's status, the package tier or eligibility depends on."""
        roots = [self.pack.negotiation_rule] + [r for p in self.pack.powers for r in p.requires]
        roots += [req.rule for req in self.pack.requirements]
        roots += [c.rule for t in self.pack.tiers for c in t.conditions]
        return self.cone_rules(roots)

    @cached_property
    def status_facts(self) -> list[str]:
        return sorted(set(self.cone(self.status_rules)) | {self.pack.model_fact})

    # --- value classes ------------------------------------------------------------------------------
    def tests_on(self, fact: str, rules: Iterable[str] | None = None) -> list[Compare]:
        chosen = self.pack.rules.values() if rules is None else [self.pack.rules[r] for r in rules]
        return [n for r in chosen for n in walk(r.when) if isinstance(n, Compare) and n.fact == fact]

    def classes(self, fact: str, rules: Iterable[str] | None = None) -> list[Any]:
        """One representative value per class the given rules (default: all) cannot tell apart; None = unknown."""
        key = (fact, None if rules is None else frozenset(rules))
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = self._compute_classes(fact, rules)
        return found

    def _compute_classes(self, fact: str, rules: Iterable[str] | None) -> list[Any]:
        decl = self.pack.facts[fact]
        tests = self.tests_on(fact, rules)
        candidates = self._candidates(decl, tests)
        seen: dict[tuple, Any] = {}
        for value in candidates:
            signature: tuple[Any, ...] = tuple(compare(t, value) for t in tests)
            if fact == self.pack.model_fact:
                tier = self.pack.tier_of_model(value)
                signature += (None if tier is None else tier.rank,)
            seen.setdefault(signature, value)
        reps = list(seen.values())
        if decl.type == "choice":
            if decl.ordered:
                reps.sort(key=decl.values.index)
            elif fact == self.pack.model_fact:
                def rank(v: Any) -> int:
                    tier = self.pack.tier_of_model(v)
                    return tier.rank if tier else -1
                reps.sort(key=lambda v: (-rank(v), decl.values.index(v)))
        elif decl.type in ("integer", "number"):
            reps.sort()
        elif decl.type == "date":
            reps.sort(key=lambda v: date.min if v == NEVER else v)
        return reps + ([None] if decl.optional else [])

    def _candidates(self, decl: FactDecl, tests: list[Compare]) -> list[Any]:
        t = decl.type
        if t == "boolean":
            return [True, False]
        if t == "choice":
            return list(decl.values)
        if t == "text":
            literals = sorted({v for c in tests for v in (c.value if isinstance(c.value, tuple) else (c.value,))})
            return literals + ["any other text"]
        if t == "date":
            dated = sorted({v for c in tests for v in (c.value if isinstance(c.value, tuple) else (c.value,))
                            if isinstance(v, date)})
            base = dated or [self.pack.effective]
            days: set[date] = set()
            for day in base:
                days |= {day - timedelta(days=1), day, day + timedelta(days=1)}
            for first, then in zip(base, base[1:]):
                days.add(first + (then - first) / 2)
            values: list[Any] = sorted(days)
            return values + ([NEVER] if decl.never else [])
        # numbers
        cuts = sorted({v for c in tests for v in (c.value if isinstance(c.value, tuple) else (c.value,))
                       if isinstance(v, (int, float)) and not isinstance(v, bool)})
        low = decl.minimum if decl.minimum is not None else (0 if decl.name.endswith(MONTHS_SUFFIX) else 1)
        if decl.exclusive_minimum:
            low = low + (1 if t == "integer" else 0.5)
        high = decl.maximum if decl.maximum is not None else 10**9
        out = {low}
        for c in cuts:
            out |= {c - 1, c, c + 1}
        for a, b in zip(cuts, cuts[1:]):
            mid = (a + b) / 2
            out.add(int(mid) if t == "integer" else mid)
        values = sorted(v for v in out if low <= v <= high)
        return [int(v) if t == "integer" else float(v) for v in values]

    # --- requests -------------------------------------------------------------------------------------
    @cached_property
    def request_classes(self) -> list[Requests]:
        """Sets of requested powers the pack can tell apart (see the module docstring)."""
        if not self.pack.vocabulary.requests:
            return [()]
        powers = [p.id for p in self.pack.powers]
        by_tier = sorted(powers, key=lambda p: (self.pack.tier(self.pack.power(p).tier).rank, powers.index(p)))
        sizes = {v for c in self.tests_on("requested_count") for v in
                 (c.value if isinstance(c.value, tuple) else (c.value,)) if isinstance(v, (int, float))}
        counts = {n for s in sizes for n in (int(s) - 1, int(s), int(s) + 1) if 0 <= n <= len(powers)}
        candidates: list[Requests] = [(), tuple(powers)]
        candidates += [(p,) for p in powers]
        for n in sorted(counts):
            candidates += [tuple(by_tier[:n]), tuple(by_tier[len(by_tier) - n:])]
        tested = sorted({c.fact.split(".", 1)[1] for r in self.pack.rules.values() for c in walk(r.when)
                         if isinstance(c, Compare) and c.fact.startswith("requested.")})
        if len(tested) <= 6:
            for k in range(len(tested) + 1):
                candidates += [tuple(combo) for combo in itertools.combinations(tested, k)]
        seen: dict[tuple, Requests] = {}
        tests = [c for r in self.pack.rules.values() for c in walk(r.when)
                 if isinstance(c, Compare) and self.is_request(c.fact)]
        specific = {p: tuple(sorted(r.rule for r in self.pack.requirements
                                    if not r.all_powers and p in r.applies_to)) for p in powers}
        for req in candidates:
            facts = self.request_facts(req)
            assert req is not None
            # requests that every test reads alike, with powers of the same tiers and requirements, are one class
            signature = (tuple(compare(t, facts.get(t.fact)) for t in tests),
                         frozenset((self.pack.power(p).tier, specific[p]) for p in req))
            seen.setdefault(signature, tuple(sorted(req, key=powers.index)))
        return list(dict.fromkeys(seen.values())) + [None]

    def request_facts(self, requested: Requests) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not self.pack.vocabulary.requests:
            return out
        out["requested_count"] = None if requested is None else len(requested)
        for p in self.pack.powers:
            out[f"requested.{p.id}"] = None if requested is None else p.id in requested
        return out

    # --- assignments ------------------------------------------------------------------------------------
    def space(self, facts: list[str], rules: Iterable[str] | None = None) -> tuple[list[list[Any]], int]:
        rules = list(self.status_rules if rules is None else rules)
        domains = [self.classes(f, rules) for f in facts]
        size = 1
        for d in domains:
            size *= len(d)
        return domains, size

    @staticmethod
    def assignments(facts: list[str], domains: list[list[Any]]) -> Iterator[dict]:
        for combo in itertools.product(*domains):
            yield dict(zip(facts, combo))

    def complete(self, partial: dict, requested: Requests = ()) -> dict:
        """A full fact dict (raw values) from a partial assignment: the rest unknown, computed facts consistent."""
        facts: dict[str, Any] = {name: None for name in self.pack.facts}
        facts.update({k: v for k, v in partial.items() if not self.is_request(k)})
        if facts.get("member_count") is None:
            facts["member_count"] = 1
        facts.update(self.request_facts(requested))
        return facts

    def truths(self, facts: dict, on: date) -> dict:
        if self._date_facts:
            facts = dict(facts)
            for name in self._date_facts:
                if facts.get(name) is not None:
                    facts[name] = engine_facts({name: facts[name]})[name]
        return self.evaluator.truths(facts, self.off(on))

    # --- profiles for people ---------------------------------------------------------------------------
    def profile(self, facts: dict, requested: Requests = (), on: date | None = None) -> dict:
        """A place profile (as YAML would hold it) with these facts; it validates against the pack."""
        on = on or self.pack.effective
        data: dict[str, Any] = {"id": "counterexample", "name": "Counterexample"}
        codes = sorted(councils())
        data["members"] = codes[: max(1, facts.get("member_count") or 1)]
        stated: dict[str, Any] = {}
        for name, value in sorted(facts.items()):
            decl = self.pack.facts.get(name)
            if value is None or decl is None:
                continue
            if name.endswith(MONTHS_SUFFIX):
                base = name[: -len(MONTHS_SUFFIX)]
                if facts.get(base) is None:
                    stated[base] = NEVER if value >= 10**5 and self.pack.facts[base].never else \
                        months_before(on, value)
                continue
            if decl.computed:
                continue
            stated[name] = value
        if self.pack.vocabulary.requests and requested is not None:
            stated[self.pack.vocabulary.requests] = list(requested)
        for name, value in stated.items():
            node = data
            parts = name.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        data["sources"] = ["generated by negotiator check"]
        return data

    def valid_profile(self, facts: dict, requested: Requests = (), on: date | None = None) -> dict:
        """`profile`, checked: it must validate as a place profile of this pack (a bug otherwise)."""
        data = self.profile(facts, requested, on)
        try:
            from ..vocab.places import profile_vocabulary
            parse_profile(Located("counterexample", data), profile_vocabulary(self.pack))
        except InputError as exc:  # pragma: no cover - would be a bug in check
            raise AssertionError(f"check built an invalid counterexample: {exc}") from exc
        return data
