"""From rule conclusions to decisions: eligibility, power statuses, tiers, budget.

The evaluator (durable-rules by default) settles every rule as true, false or
undetermined. This module only combines those conclusions as the pack
declares: a power needs the negotiation rule and its own required rules; its
required tier is its own tier raised by any requirement that holds; the status
compares that tier with the tier of the place's accountability model. Every
conclusion carries the steps (rules, facts, sources) behind it.
"""

from __future__ import annotations

from typing import Any

from .evaluators import Evaluator, evaluator_for
from .facts import place_facts
from .logic import truth
from .ir import All, Any_, Compare, Not, Pack, Power, RuleRef, Tier, facts_in, rules_in, walk
from .place import Place

Truth = bool | None
STATUSES = ("available", "needs_stronger_accountability", "not_available", "undetermined")


def result_word(value: Truth) -> str:
    return {True: "true", False: "false", None: "undetermined"}[value]


def tier_json(tier: Tier | None) -> dict | None:
    return None if tier is None else {"id": tier.id, "rank": tier.rank, "title": tier.title}


class Decision:
    """Everything decided about one place under one pack."""

    def __init__(self, pack: Pack, place: Place, truths: dict[str, Truth], facts: dict[str, Any],
                 budget_params: dict[str, float] | None = None):
        self.pack, self.place, self.truths, self.facts = pack, place, truths, facts
        self.budget_params = dict(budget_params or {})

    # --- steps -----------------------------------------------------------------------------
    def missing(self, rule_id: str) -> list[str]:
        """Unknown facts that leave an undetermined rule undetermined (through the rules it reads)."""
        if self.truths.get(rule_id) is not None:
            return []
        out: list[str] = []
        rule = self.pack.rules[rule_id]
        for name in facts_in(rule.when):
            if self.facts.get(name) is None:
                out.append(name)
        for dep in rules_in(rule.when):
            out.extend(self.missing(dep))
        return sorted(set(out))

    def step(self, rule_id: str) -> dict:
        rule = self.pack.rules[rule_id]
        value = self.truths.get(rule_id)
        step = {
            "rule": rule_id,
            "statement": rule.statement,
            "source": self.pack.cite(rule.source),
            "facts": {name: self.facts.get(name) for name in facts_in(rule.when)},
            "result": result_word(value),
        }
        params = {n.param: n.value for n in walk(rule.when) if isinstance(n, Compare) and n.param}
        if params:
            step["parameters"] = params
        deps = rules_in(rule.when)
        if deps:
            step["rules"] = {dep: result_word(self.truths.get(dep)) for dep in deps}
        if value is None:
            step["missing"] = self.missing(rule_id)
        elif value is False:
            step["failed"] = self.failed_tests(rule.when)
        return step

    def failed_tests(self, cond) -> list[str]:
        """The tests that make a false condition false (descending only through false nodes)."""
        if truth(cond, self.facts, self.truths) is not False:
            return []
        if isinstance(cond, (All, Any_)):
            return [t for item in cond.items for t in self.failed_tests(item)]
        if isinstance(cond, Compare):
            return [f"{cond.text()} (is {self.facts.get(cond.fact)!r})".replace("True", "true").replace("False", "false")]
        if isinstance(cond, Not):
            inner = cond.item
            return [f"not {inner.text() if hasattr(inner, 'text') else 'condition'}"]
        return [cond.text()]

    def chain(self, rule_id: str) -> list[dict]:
        """A rule's step followed by the steps of every rule it reads, depth first, once each."""
        seen: list[str] = []
        def visit(rid: str) -> None:
            if rid in seen:
                return
            seen.append(rid)
            for dep in rules_in(self.pack.rules[rid].when):
                visit(dep)
        visit(rule_id)
        return [self.step(r) for r in seen]

    def tier_step(self) -> dict:
        model = self.facts.get("accountability.model")
        tier = self.pack.tier_of_model(model)
        if tier is None:
            return {"rule": "accountability.model", "statement": "The place's accountability model is not known.",
                    "source": "place profile", "facts": {"accountability.model": None}, "result": "undetermined",
                    "missing": ["accountability.model"]}
        return {"rule": tier.id, "statement": tier.statement, "source": self.pack.cite(tier.source),
                "facts": {"accountability.model": model}, "result": "true"}

    # --- decisions ---------------------------------------------------------------------------
    @property
    def current_tier(self) -> Tier | None:
        return self.pack.tier_of_model(self.facts.get("accountability.model"))

    def requirements_for(self, power_id: str | None) -> list:
        return requirements_for(self.pack, power_id)

    def tier_bounds(self, base: Tier, requirements: list) -> tuple[Tier, Tier]:
        return tier_bounds(self.pack, self.truths, base, requirements)

    def power(self, power: Power) -> dict:
        prereqs = prerequisites(self.pack, power)
        reqs = self.requirements_for(power.id)
        current = self.current_tier
        status, low, high, unknown_rules, model_missing = power_status(self.pack, self.truths, current, power)
        reasons = [dict(self.step(r), role="prerequisite") for r in prereqs]
        reasons.append({"rule": power.id, "statement": power.statement, "source": self.pack.cite(power.source),
                        "facts": {}, "result": "true", "role": "power_tier", "tier": power.tier})
        reasons += [dict(self.step(req.rule), role="requirement", tier=req.tier) for req in reqs]
        reasons.append(dict(self.tier_step(), role="current_tier"))
        missing = [m for r in unknown_rules for m in self.missing(r)]
        if model_missing:
            missing.append("accountability.model")
        entry = {
            "id": power.id,
            "title": power.title,
            "menu": power.menu,
            "status": status,
            "required_tier": tier_json(low),
            "requested": power.id in self.place.priorities,
            "reasons": reasons,
        }
        if high.rank > low.rank:
            entry["required_tier_if_undetermined_apply"] = tier_json(high)
        if missing:
            entry["missing"] = sorted(set(missing))
        if status == "needs_stronger_accountability":
            entry["models"] = [m for t in self.pack.tiers if t.rank >= low.rank for m in t.models]
            entry["office_of_the_mayor"] = self.office_needed(low)
        elif status == "available":
            entry["office_of_the_mayor"] = self.office_needed(low)
        return entry

    def office_needed(self, tier: Tier) -> bool:
        top = self.pack.tiers[-1]
        return bool(self.pack.office_rule and tier.rank == top.rank and self.truths.get(self.pack.office_rule) is True)

    def accountability(self, powers: list[dict]) -> dict:
        requested = [p for p in self.pack.powers if p.id in self.place.priorities]
        current = self.current_tier
        low, high = package_tiers(self.pack, self.truths, [p.id for p in requested])
        meets = tier_met(self.pack, current, low, high)
        pkg_reqs = self.requirements_for(None)
        reasons = [dict(self.tier_step(), role="current_tier")]
        for p in requested:
            entry = next(e for e in powers if e["id"] == p.id)
            reasons.append({"rule": p.id, "statement": f"The package asks for {p.title}, which needs "
                            f"{entry['required_tier']['id']}.", "source": self.pack.cite(p.source),
                            "facts": {f"requested.{p.id}": True}, "result": "true", "role": "requested_power",
                            "tier": entry["required_tier"]["id"]})
        reasons += [dict(self.step(req.rule), role="requirement", tier=req.tier) for req in pkg_reqs]
        out = {
            "model": self.facts.get("accountability.model"),
            "current_tier": tier_json(current),
            "required_tier": tier_json(low),
            "meets_requirement": meets,
            "requested": [p.id for p in requested],
            "reasons": reasons,
        }
        if high.rank > low.rank:
            out["required_tier_if_undetermined_apply"] = tier_json(high)
        if meets is False:
            out["models"] = [m for t in self.pack.tiers if t.rank >= low.rank for m in t.models]
        out["office_of_the_mayor"] = self.office_needed(low) if requested else False
        return out

    def budget(self, powers: list[dict]) -> dict | None:
        spec = self.pack.budget
        if spec is None:
            return None
        by_id = {p["id"]: p for p in powers}
        budget_power = by_id[spec.power]
        status = budget_power["status"]
        params = self.pack.parameters
        chosen = {name: self.budget_params.get(name, params[name].value)
                  for name in ("reduction_percent", "retention_share", "horizon_years")}
        reduction = float(chosen["reduction_percent"])
        retention = float(chosen["retention_share"])
        horizon = int(chosen["horizon_years"])
        components = []
        for comp in spec.components:
            linked = [by_id[p]["status"] for p in comp.with_powers]
            if status == "not_available" or all(s == "not_available" for s in linked):
                scope = "out_of_scope"
            elif status == "available" and "available" in linked:
                scope = "in_scope"
            elif status == "undetermined" or not ({"available", "needs_stronger_accountability"} & set(linked)):
                scope = "undetermined"
            else:
                scope = "needs_stronger_accountability"
            components.append({"id": comp.id, "title": comp.title, "with_powers": list(comp.with_powers),
                               "scope": scope, "source": self.pack.cite(comp.source)})
        spend = self.place.spend
        baseline = spend.total_gbp_m if spend else None
        out: dict[str, Any] = {
            "power": spec.power,
            "status": status,
            "requested": budget_power["requested"],
            "components": components,
            "baseline": baseline,
            "baseline_year": spend.year if spend else None,
            "baseline_unit": "GBP million a year (mapped total public spend in the place)",
            "baseline_note": ("The baseline is the whole mapped public spend, the route-map's most ambitious scope; "
                              "profiles do not yet split it by component."),
            "reduction_percent": reduction,
            "retention_share": retention,
            "horizon_years": horizon,
            "source": self.pack.cite(spec.source),
            "parameters": {name: {"value": chosen[name],
                                  "set_by": "round config" if name in self.budget_params else "rule pack",
                                  "assumption": params[name].assumption is not None and name not in self.budget_params}
                           for name in chosen},
        }
        if baseline is not None:
            annual = baseline * (1 - reduction / 100)
            saving = baseline * reduction / 100
            out.update({
                "annual_envelope": round(annual, 1),
                "envelope_over_horizon": round(annual * horizon, 1),
                "annual_saving": round(saving, 1),
                "retained_savings_over_horizon": round(saving * horizon * retention / 100, 1),
            })
        else:
            out["missing"] = ["spend.total_gbp_m"]
        return out

    def negotiation(self) -> dict:
        rule = self.pack.rules[self.pack.negotiation_rule]
        return {"eligible": self.truths.get(self.pack.negotiation_rule),
                "decisive": self.decisive(rule.when),
                "reasons": self.chain(self.pack.negotiation_rule)}

    def decisive(self, cond) -> list[str]:
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

    def readiness(self) -> dict:
        """The pack's readiness score: weights of the rules that hold; unknowns reported apart."""
        score = best = 0.0
        parts = []
        for w in self.pack.readiness:
            value = self.truths.get(w.rule)
            if value is True:
                score += w.weight
                best += w.weight
            elif value is None and w.weight > 0:
                best += w.weight
            parts.append({"rule": w.rule, "weight": w.weight, "result": result_word(value),
                          "rationale": w.rationale})
        return {"score": score, "score_if_unknowns_hold": best, "parts": parts}

    def to_json(self) -> dict:
        powers = [self.power(p) for p in self.pack.powers]
        missing = sorted({m for p in powers for m in p.get("missing", [])}
                         | set(self.missing(self.pack.negotiation_rule)))
        return {
            "place": {"id": self.place.id, "name": self.place.name, "kind": self.place.kind,
                      "population": self.place.population, "population_year": self.place.population_year,
                      "members": list(self.place.members)},
            "rule_pack": {"id": self.pack.id, "version": self.pack.version, "hash": self.pack.hash},
            "negotiation": self.negotiation(),
            "accountability": self.accountability(powers),
            "powers": powers,
            "budget": self.budget(powers),
            "readiness": self.readiness(),
            "missing_facts": missing,
        }


# --- pure decision functions, shared by Decision and the consistency checks ---------------------

def prerequisites(pack: Pack, power: Power) -> list[str]:
    """The rules a power needs: the negotiation rule first, always, then its own."""
    return [pack.negotiation_rule] + [r for r in power.requires if r != pack.negotiation_rule]


def requirements_for(pack: Pack, power_id: str | None) -> list:
    """Requirements that apply to a power (or, with None, to the package)."""
    out = []
    for req in pack.requirements:
        if power_id is None and "package" in req.applies_to:
            out.append(req)
        elif power_id is not None and (req.all_powers or power_id in req.applies_to):
            out.append(req)
    return out


def tier_bounds(pack: Pack, truths: dict[str, Truth], base: Tier, requirements: list) -> tuple[Tier, Tier]:
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


def tier_met(pack: Pack, current: Tier | None, low: Tier, high: Tier) -> Truth:
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


def power_status(pack: Pack, truths: dict[str, Truth], current: Tier | None,
                 power: Power) -> tuple[str, Tier, Tier, list[str], bool]:
    """A power's status and required tier bounds, with the undetermined rules and whether the model is missing."""
    values = {r: truths.get(r) for r in prerequisites(pack, power)}
    reqs = requirements_for(pack, power.id)
    low, high = tier_bounds(pack, truths, pack.tier(power.tier), reqs)
    met = tier_met(pack, current, low, high)
    model_missing = current is None and met is None
    if any(v is False for v in values.values()):
        return "not_available", low, high, [], False
    if any(v is None for v in values.values()):
        return "undetermined", low, high, [r for r, v in values.items() if v is None], model_missing
    if met is True:
        return "available", low, high, [], False
    if met is False:
        return "needs_stronger_accountability", low, high, [], False
    return "undetermined", low, high, [req.rule for req in reqs if truths.get(req.rule) is None], model_missing


def package_tiers(pack: Pack, truths: dict[str, Truth], requested: list[str]) -> tuple[Tier, Tier]:
    """The tier a package of requested powers needs: the most any of them needs, raised by package requirements."""
    low = high = pack.tiers[0]
    for pid in requested:
        power = pack.power(pid)
        p_low, p_high = tier_bounds(pack, truths, pack.tier(power.tier), requirements_for(pack, pid))
        low = p_low if p_low.rank > low.rank else low
        high = p_high if p_high.rank > high.rank else high
    pkg_low, pkg_high = tier_bounds(pack, truths, low, requirements_for(pack, None))
    return pkg_low, (pkg_high if pkg_high.rank > high.rank else high)


def decide(pack: Pack, place: Place, evaluator: Evaluator | None = None,
           budget_params: dict[str, float] | None = None) -> Decision:
    """Evaluate one place: settle every rule with the evaluator, then combine."""
    evaluator = evaluator or evaluator_for(pack)
    facts = place_facts(place, pack.facts)
    return Decision(pack, place, evaluator.truths(facts), facts, budget_params)


def evaluate(pack: Pack, place: Place, evaluator: Evaluator | None = None,
             budget_params: dict[str, float] | None = None) -> dict:
    """The JSON-ready result of evaluating a place."""
    return decide(pack, place, evaluator, budget_params).to_json()
