"""From rule conclusions to decisions: eligibility, power statuses, tiers, budget, readiness.

The evaluator (durable-rules by default) settles every rule as true, false or
undetermined for a place's facts as of a date. This module only combines
those conclusions as the pack declares: a power needs the negotiation rule and
its own required rules; its required tier is its own tier raised by any
requirement that holds; its status compares that tier with the tier of the
place's accountability model. A power or rule not in force on the as-of date
is reported as such. Every conclusion points to the rules behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ..compiled import compiled
from ..engines import Evaluator
from ..engines.semantics import engine_facts, truth
from ..pack.ir import All, Any_, Compare, Cond, Not, Pack, Power, RuleRef, Tier, facts_in
from ..results import (
    Accountability, Evaluation, FactValue, Negotiation, PowerResult, Reason, SpecialCaseResult, Status,
    Step, Truth3, Upcoming,
)
from ..months import add_months
from ..values import show
from ..vocab.profile import Profile, facts_at
from .budget import budget_facts, budget_result
from ..vocab.timeline import existence_note
from .catalogue import catalogue, pack_in_force_note, pack_ref, place_ref
from .readiness import readiness

Truths = dict[str, bool | None]


# --- pure decision functions, shared by evaluation and the consistency checks ---------------------

def prerequisites(pack: Pack, power: Power) -> list[str]:
    """The rules a power needs: the negotiation rule first, always, then its own."""
    return [pack.negotiation_rule] + [r for r in power.requires if r != pack.negotiation_rule]


def requirements_for(pack: Pack, power_id: str | None) -> tuple:
    """Requirements that apply to a power (or, with None, to the package)."""
    return pack.requirements_by_power[power_id]


def tier_bounds(pack: Pack, truths: Truths, base: Tier, requirements: Sequence) -> tuple[Tier, Tier]:
    """The required tier if no undetermined requirement holds, and if all of them do."""
    low = high = base
    for req in requirements:
        value = truths.get(req.rule)
        tier = pack.tier(req.tier)
        if value is True and tier.rank > low.rank:
            low = tier
        if value is not False and tier.rank > high.rank:
            high = tier
    return low, (high if high.rank >= low.rank else low)


def tier_met(pack: Pack, current: Tier | None, low: Tier, high: Tier) -> bool | None:
    """Whether the place's tier meets a requirement known only to lie between low and high."""
    if high.rank == pack.tiers[0].rank:
        return True  # the weakest tier is met by any model, known or not
    if current is None:
        return None
    if current.rank >= high.rank:
        return True
    if current.rank < low.rank:
        return False
    return None


def power_status(pack: Pack, truths: Truths, current: Tier | None, power: Power,
                 on: date | None = None) -> tuple[Status, Tier, Tier, list[str], bool]:
    """A power's status and required tier bounds, with the undetermined rules and whether the model is missing."""
    reqs = requirements_for(pack, power.id)
    low, high = tier_bounds(pack, truths, pack.tier(power.tier), reqs)
    if on is not None and not power.in_force.holds(on):
        return Status.not_in_force, low, high, [], False
    values = {r: truths.get(r) for r in prerequisites(pack, power)}
    met = tier_met(pack, current, low, high)
    model_missing = current is None and met is None
    if any(v is False for v in values.values()):
        return Status.not_available, low, high, [], False
    if any(v is None for v in values.values()):
        return Status.undetermined, low, high, [r for r, v in values.items() if v is None], model_missing
    if met is True:
        return Status.available, low, high, [], False
    if met is False:
        return Status.needs_stronger_accountability, low, high, [], False
    return Status.undetermined, low, high, [req.rule for req in reqs if truths.get(req.rule) is None], model_missing


def package_tiers(pack: Pack, truths: Truths, requested: list[str]) -> tuple[Tier, Tier]:
    """The tier a package of requested powers needs: the most any of them needs, raised by package requirements."""
    low = high = pack.tiers[0]
    for pid in requested:
        power = pack.power(pid)
        p_low, p_high = tier_bounds(pack, truths, pack.tier(power.tier), requirements_for(pack, pid))
        low = p_low if p_low.rank > low.rank else low
        high = p_high if p_high.rank > high.rank else high
    pkg_low, pkg_high = tier_bounds(pack, truths, low, requirements_for(pack, None))
    return pkg_low, (pkg_high if pkg_high.rank > high.rank else high)


def failed_tests(cond: Cond, facts: dict[str, Any], truths: Truths) -> list[str]:
    """The tests that make a false condition false (descending only through false nodes)."""
    if truth(cond, facts, truths) is not False:
        return []
    if isinstance(cond, (All, Any_)):
        return [t for item in cond.items for t in failed_tests(item, facts, truths)]
    if isinstance(cond, Compare):
        return [f"{cond.text()} (is {show(facts.get(cond.fact))})"]
    if isinstance(cond, Not):
        inner = cond.item
        return [f"not {inner.text() if hasattr(inner, 'text') else 'all of its conditions'}"]
    return [cond.text()]


def _result_rules(pack: Pack, power: Power) -> tuple[str, ...]:
    """Every rule whose conclusion a power's result reads: what it needs, what raises its tier, and the conditions
    of every tier (those of the tier it ends up needing are listed)."""
    rules = prerequisites(pack, power) + [r.rule for r in requirements_for(pack, power.id)]
    rules += [c.rule for t in pack.tiers for c in t.conditions]
    return tuple(dict.fromkeys(rules))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _key(fields: dict) -> tuple:
    """A hashable key of a result's fields (lists as tuples)."""
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in fields.items())


class Shared:
    """Parts of results that many places have in common, built once for a batch of places (a round).

    A round of thousands of places would otherwise hold thousands of equal Step, PowerResult and other
    small result objects; here each distinct one is built once and shared (results are never changed
    once built). Keys are everything a part is made from, so sharing never changes a result.
    """

    #: Entries kept per kind before the table starts over (a bound on memory, never on correctness).
    LIMIT = 200_000

    def __init__(self):
        self._tables: dict[str, dict] = {}

    def get(self, kind: str, key: Any, build):
        table = self._tables.setdefault(kind, {})
        try:
            found = table.get(key)
        except TypeError:  # a key holding an unhashable value: not shared
            return build()
        if found is None:
            if len(table) >= self.LIMIT:
                table.clear()
            found = table[key] = build()
        return found


class Decision:
    """A place's facts as of a date, the conclusions of every rule, and what follows from them."""

    def __init__(self, pack: Pack, profile: Profile, as_of: date, as_of_note: str, facts: dict[str, Any],
                 truths: Truths, off: frozenset[str], shared: Shared | None = None):
        self.pack, self.profile, self.as_of, self.as_of_note = pack, profile, as_of, as_of_note
        self.facts, self.truths, self.off = facts, truths, off
        self.shared = shared
        self._missing: dict[str, list[str]] = {}

    def _share(self, kind: str, key: Any, build):
        return build() if self.shared is None else self.shared.get(kind, key, build)

    # --- rules ------------------------------------------------------------------------------------
    def missing(self, rule_id: str) -> list[str]:
        """Unknown facts that leave an undetermined rule undetermined (through the rules it reads)."""
        if rule_id in self._missing:
            return self._missing[rule_id]
        out: set[str] = set()
        if self.truths.get(rule_id) is None:
            facts, rules, _params = self.pack.reads[rule_id]
            out |= {self.stated_name(n) for n in facts if self.facts.get(n) is None}
            for dep in rules:
                out |= set(self.missing(dep))
        self._missing[rule_id] = sorted(out)
        return self._missing[rule_id]

    @staticmethod
    def stated_name(name: str) -> str:
        """The fact a profile states for a fact a rule reads (months since X is known when X is)."""
        return name.removesuffix("@months")

    def failed(self, rule_id: str) -> list[str]:
        """failed_tests of a false rule (shared between places whose facts and rules it reads are alike)."""
        facts, rules, _params = self.pack.reads[rule_id]
        key = (rule_id, tuple(self.facts.get(f) for f in facts), tuple(self.truths.get(r) for r in rules))
        return self._share("failed", key, lambda: failed_tests(self.pack.rules[rule_id].when, self.facts,
                                                                self.truths))

    def step(self, rule_id: str) -> Step:
        facts, rules, params = self.pack.reads[rule_id]
        value = self.truths.get(rule_id)
        in_force = rule_id not in self.off
        missing = self.missing(rule_id) if value is None else []
        failed = (self.failed(rule_id) if value is False and in_force
                  else (["not in force on " + self.as_of.isoformat()] if not in_force else []))
        return self._share("step", (rule_id, value, in_force, tuple(missing), tuple(failed)), lambda: Step(
            rule=rule_id, result=Truth3.of(value), facts=list(facts), rules=list(rules), parameters=dict(params),
            missing=missing, failed=failed, in_force=in_force,
        ))

    # --- decisions ----------------------------------------------------------------------------------
    @property
    def model(self) -> str | None:
        return self.facts.get(self.pack.model_fact)

    @property
    def current_tier(self) -> Tier | None:
        return self.pack.tier_of_model(self.model)

    def conditions(self, tier: Tier) -> list[str]:
        """Rules of tier conditions that hold for this place (e.g. an Office of the Mayor is needed)."""
        return [c.rule for c in tier.conditions if self.truths.get(c.rule) is True]

    def power(self, power: Power) -> PowerResult:
        """A power's result. With `shared`, found first by what it is made from (the conclusions of the rules it
        reads, with the unknown facts behind those undetermined; the place's tier; whether it is asked for and in
        force), so that a round's places, which share a few results per power, do not work each one out again."""
        if self.shared is None:
            return self._power(power)
        rules = self.shared.get("power's rules", power.id, lambda: _result_rules(self.pack, power))
        truths = self.truths
        values = tuple([truths.get(r) for r in rules])
        unknown = tuple([tuple(self.missing(r)) for r, v in zip(rules, values) if v is None]) if None in values else ()
        tier = self.current_tier
        key = (power.id, values, unknown, tier.id if tier is not None else None, self.requested(power.id),
               power.in_force.holds(self.as_of))
        return self.shared.get("power by what it reads", key, lambda: self._power(power))

    def _power(self, power: Power) -> PowerResult:
        status, low, high, unknown_rules, model_missing = power_status(
            self.pack, self.truths, self.current_tier, power, self.as_of)
        reqs = requirements_for(self.pack, power.id)
        missing = {m for r in unknown_rules for m in self.missing(r)}
        if model_missing:
            missing.add(self.pack.model_fact)
        prereqs = prerequisites(self.pack, power)
        fields = dict(
            id=power.id, status=status, requested=self.requested(power.id), required_tier=low.id,
            required_tier_if_undetermined_apply=high.id if high.rank > low.rank else None,
            prerequisites=prereqs, requirements=[r.rule for r in reqs],
            raised_by=[r.rule for r in reqs if r.tier == low.id and low.id != power.tier
                       and self.truths.get(r.rule) is True],
            failed=[r for r in prereqs if self.truths.get(r) is False] if status == Status.not_available else [],
            missing=sorted(missing) if status == Status.undetermined else [],
        )
        if status == Status.needs_stronger_accountability:
            fields["models"] = self.models_from(low)
        if status in (Status.available, Status.needs_stronger_accountability):
            fields["conditions"] = self.conditions(low)
        return self._share("power", _key(fields), lambda: PowerResult(**fields))

    def models_from(self, tier: Tier) -> list[str]:
        return [m for t in self.pack.tiers if t.rank >= tier.rank for m in t.models]

    def requested(self, power_id: str) -> bool:
        return bool(self.facts.get(f"requested.{power_id}"))

    def accountability(self, powers: list[PowerResult]) -> Accountability:
        requested = [p.id for p in self.pack.powers if self.requested(p.id)]
        low, high = package_tiers(self.pack, self.truths, requested)
        meets = tier_met(self.pack, self.current_tier, low, high)
        pkg = requirements_for(self.pack, None)
        current = self.current_tier
        return Accountability(
            fact=self.pack.model_fact, model=self.model, current_tier=current.id if current else None,
            required_tier=low.id, required_tier_if_undetermined_apply=high.id if high.rank > low.rank else None,
            meets_requirement=meets, requested=requested, requirements=[r.rule for r in pkg],
            raised_by=[r.rule for r in pkg if r.tier == low.id and self.truths.get(r.rule) is True],
            models=self.models_from(low) if meets is False else [],
            conditions=self.conditions(low) if requested else [],
        )

    def negotiation(self) -> Negotiation:
        rid = self.pack.negotiation_rule
        rule = self.pack.rules[rid]
        eligible = self.truths.get(rid)
        special = next((sc for sc in self.pack.special_cases if self.truths.get(sc.rule) is True), None)
        return Negotiation(rule=rid, eligible=eligible, decisive=self.decisive(rule.when),
                           reason=self.reason() if eligible is False else None,
                           missing=self.missing(rid),
                           special_case=SpecialCaseResult(rule=special.rule, title=special.title, text=special.text)
                           if special else None)

    def decisive(self, cond: Cond) -> list[str]:
        """The rules a condition reads that decide its outcome (for all: the false ones; for any: the true ones)."""
        value = truth(cond, self.facts, self.truths)
        if isinstance(cond, RuleRef):
            return [cond.rule]
        if isinstance(cond, Not):
            return self.decisive(cond.item)
        if isinstance(cond, (All, Any_)):
            picked = [item for item in cond.items if truth(item, self.facts, self.truths) == value]
            return list(dict.fromkeys(r for item in picked for r in self.decisive(item)))
        return []

    def reason(self) -> Reason | None:
        """Why the place cannot negotiate: the deciding rule that fails with the fewest failed tests, or,
        where a rule that holds bars it (read through `not`), that rule."""
        rid = self.pack.negotiation_rule
        cond = self.pack.rules[rid].when
        barring = self._barring(cond, False)
        if barring:
            return Reason(rule=barring[0], result=Truth3.true)
        failing = [r for r in self.decisive(cond) if self.truths.get(r) is False]
        if not failing:
            return Reason(rule=rid, result=Truth3.false, failed=failed_tests(cond, self.facts, self.truths))

        def closeness(r: str) -> tuple:
            tests = failed_tests(self.pack.rules[r].when, self.facts, self.truths)
            known = sum(1 for f in facts_in(self.pack.rules[r].when) if self.facts.get(f) is not None)
            return (len(tests), -known, r)
        best = min(failing, key=closeness)
        return Reason(rule=best, result=Truth3.false,
                      failed=failed_tests(self.pack.rules[best].when, self.facts, self.truths))

    def _barring(self, cond: Cond, negated: bool) -> list[str]:
        """Rules that hold and, read through `not`, make the condition false."""
        if truth(cond, self.facts, self.truths) is not (negated is True):
            return []
        if isinstance(cond, RuleRef):
            return [cond.rule] if negated and self.truths.get(cond.rule) is True else []
        if isinstance(cond, Not):
            return self._barring(cond.item, not negated)
        if isinstance(cond, (All, Any_)):
            return [r for item in cond.items for r in self._barring(item, negated)]
        return []

    def fact_values(self) -> dict[str, FactValue]:
        """The value of every known fact the pack reads, with the date it took effect and its source."""
        out: dict[str, FactValue] = {}
        for name, decl in self.pack.facts.items():
            if decl.computed:
                continue
            entry = self.profile.entry_at(decl, self.as_of)
            if entry is None or entry.value is None:
                continue
            out[name] = self._share("fact", (name, _hashable(entry.value), type(entry.value), entry.start,
                                             entry.source, entry.note, decl.measured),
                                    lambda: FactValue(value=entry.value, since=entry.start, source=entry.source,
                                                      note=entry.note, measured=decl.measured))
        for name in ("member_count", "requested_count"):
            if name in self.pack.facts:
                out[name] = FactValue(value=self.facts[name], source="computed from the profile")
        return out

    def upcoming(self, months: int = 24) -> list[Upcoming]:
        """Values of the facts the pack reads that take effect within `months` after the as-of date."""
        limit = add_months(self.as_of, months)
        out = []
        for name, history in sorted(self.profile.facts.items()):
            decl = self.pack.facts.get(name)
            if decl is None or decl.measured:
                continue
            for entry in history:
                if entry.start is not None and self.as_of < entry.start <= limit:
                    out.append(Upcoming(fact=name, value=entry.value, since=entry.start, source=entry.source))
        return sorted(out, key=lambda u: (u.since, u.fact))

    def evaluation(self, with_catalogue: bool = True) -> Evaluation:
        """The typed result, without advice (facts to collect and unlock lines are the advice layer's:
        advice/evaluation.py). Parts equal between places (a power's result, a step, the budget...) are built
        once when `shared` is given."""
        pack = self.pack
        powers = [self.power(p) for p in pack.powers]
        # what the shared parts are made from: every rule's conclusion and every fact a rule reads
        truths = tuple(self.truths.get(r) for r in pack.reads)
        read = tuple(_hashable(self.facts.get(f)) for f in pack.rule_facts)
        negotiation = self._share("negotiation", (truths, read), self.negotiation)
        missing = sorted({m for p in powers for m in p.missing} | set(negotiation.missing))
        requested = tuple(self.requested(p.id) for p in pack.powers)
        budget = None
        if pack.budget is not None:
            entries = []
            for name in budget_facts(pack.budget):
                entry = self.profile.entry_at(pack.facts[name], self.as_of)
                entries.append(None if entry is None else (_hashable(entry.value), entry.start))
            key = (tuple(p.status for p in powers), requested, tuple(entries))
            budget = self._share("budget", key, lambda: budget_result(self, powers))
        before_effect = pack_in_force_note(pack, self.as_of)
        exists, exists_note = existence_note(self.profile, self.as_of)
        return Evaluation(
            as_of=self.as_of, as_of_note=self.as_of_note, pack=self._share("pack", pack.hash, lambda: pack_ref(pack)),
            pack_in_force=before_effect is None, pack_in_force_note=before_effect,
            place_exists=exists, place_exists_note=exists_note,
            place=place_ref(self.profile),
            facts=self.fact_values(),
            steps={rid: self.step(rid) for rid in sorted(pack.rules)},
            negotiation=negotiation,
            accountability=self._share("accountability", (self.model, truths, requested),
                                       lambda: self.accountability(powers)),
            powers=powers,
            budget=budget,
            readiness=(self._share("readiness", tuple(self.truths.get(w.rule) for w in pack.readiness),
                                   lambda: readiness(pack, self.truths)) if pack.readiness else None),
            missing_facts=missing, upcoming=self.upcoming(),
            catalogue=catalogue(pack) if with_catalogue else None,
        )


def decide(pack: Pack, profile: Profile, as_of: date | None = None, evaluator: Evaluator | None = None,
           as_of_note: str | None = None, shared: Shared | None = None) -> Decision:
    """Evaluate one place as of a date (default: the pack's date of effect): settle every rule, then combine."""
    if as_of is None:
        as_of = pack.effective
        as_of_note = as_of_note or "the rule pack's date of effect; --as-of chooses another"
    evaluator = evaluator or compiled(pack).evaluator()
    facts = facts_at(profile, pack.vocabulary, as_of)
    off = frozenset(pack.rules) - pack.rules_in_force(as_of)
    truths = evaluator.truths(engine_facts(facts), off)
    return Decision(pack, profile, as_of, as_of_note or "given", facts, truths, off, shared)
