"""True causes: for every change between two evaluations of a place, the inputs that make the difference.

The inputs of an evaluation are: each fact of the place (its value in force on the date; a measurement,
the one nearest it), the date months are counted to (for `months_since` tests), whether each rule and
each power is in force on the date, and each parameter of the pack. Moving the as-of date is not one
input: it changes the facts in force, the months since dated facts, and which rules and powers are in
force, and each of those is an input of its own.

An input is a cause of a change when, changed alone from its old value to its new one, it brings the
change about, or, changed back alone in the new state, it undoes it. Where no single input does either
(the change needs several together, none of them necessary alone), the smallest sets of changed inputs
that bring it about are named together. Inputs that changed but make no difference are never named.

The search re-evaluates the place with the plain-Python evaluator (tested equal to durable-rules) from
the evaluations' own facts; it first checks that it reproduces both evaluations, and gives no causes
(with a note saying why) where it cannot.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from types import SimpleNamespace
from typing import Any

from ..compiled import compiled
from ..decide.budget import budget_result
from ..decide.decision import (
    package_tiers,
    power_status,
    prerequisites,
    requirements_for,
)
from ..decide.readiness import readiness
from ..engines.python import PythonEvaluator
from ..engines.semantics import engine_facts
from ..pack.ir import Pack
from ..values import said
from ..results import Cause, Evaluation, Status
from ..months import months_between
from ..vocab.facts import MONTHS_SUFFIX, NEVER, NEVER_MONTHS
from ..vocab.profile import Entry, as_date

Key = tuple
Input = tuple[str, str]  # (kind, name)
MAX_TOGETHER = 3  # the largest set of inputs searched for a change no single input explains

def _evaluator(pack: Pack) -> PythonEvaluator:
    return compiled(pack).python


@dataclass(frozen=True)
class State:
    """Every input of an evaluation, apart from one another."""

    pack: Pack
    on: date                                  # the as-of date (for the record and the budget)
    stated: dict[str, Any]                    # each fact the place states (and member_count), None: unknown
    months_on: date                           # the date months since a dated fact are counted to
    rules_off: frozenset[str]
    powers_off: frozenset[str]


def state_of(pack: Pack, ev: Evaluation) -> State:
    """The inputs of an evaluation, read back from it (its facts and date) under the pack."""
    stated: dict[str, Any] = {}
    for name, decl in pack.facts.items():
        if decl.computed and name != "member_count":
            continue
        fv = ev.facts.get(name)
        value = fv.value if fv is not None else None
        if decl.type == "date":
            value = as_date(value)
        stated[name] = value
    on = ev.as_of
    return State(pack, on, stated, on, frozenset(pack.rules) - pack.rules_in_force(on),
                 frozenset(p.id for p in pack.powers if not p.in_force.holds(on)))


def _facts(s: State) -> dict[str, Any]:
    facts = dict(s.stated)
    pack = s.pack
    requests = pack.vocabulary.requests
    asked = s.stated.get(requests) if requests else None
    for name, decl in pack.facts.items():
        if not decl.computed or name == "member_count":
            continue
        if name == "requested_count":
            facts[name] = None if asked is None else len(asked)
        elif name.startswith("requested."):
            facts[name] = None if asked is None else name.split(".", 1)[1] in asked
        elif name.endswith(MONTHS_SUFFIX):
            value = s.stated.get(name[: -len(MONTHS_SUFFIX)])
            facts[name] = None if value is None else (NEVER_MONTHS if value == NEVER else
                                                      months_between(value, s.months_on))
    return facts


def budget_values(budget) -> dict[str, Any]:
    """The figures of a budget result that a change reports (place_change compares these)."""
    out: dict[str, Any] = {}
    if budget is None:
        return out
    for sc in budget.scopes:
        for key in ("status", "baseline_a_year", "envelope_a_year", "envelope_over_horizon", "saving_a_year",
                    "retained_over_horizon"):
            out[f"{sc.id}.{key}"] = getattr(sc, key)
    for key, p in budget.parameters.items():
        out[key] = p.value
    return out


class _Stated:
    """A profile-like view of stated values, for the budget (which reads its baselines from a profile)."""

    def __init__(self, stated: dict[str, Any]):
        self.stated = stated

    def entry_at(self, decl, _on):
        value = self.stated.get(decl.name)
        return None if value is None else Entry(value)


def outcome(s: State) -> dict[Key, Any]:
    """What an evaluation concludes from these inputs, as the values a change compares."""
    pack = s.pack
    facts = _facts(s)
    truths = _evaluator(pack).truths(engine_facts(facts), s.rules_off)
    current = pack.tier_of_model(facts.get(pack.model_fact))
    out: dict[Key, Any] = {("eligible",): truths.get(pack.negotiation_rule),
                           ("current_tier",): current.id if current else None}
    powers = []
    for p in pack.powers:
        status, low, _high, _u, _m = power_status(pack, truths, current, p, None)
        if p.id in s.powers_off:
            status = Status.not_in_force
        out[("power", p.id, "status")] = status
        out[("power", p.id, "required_tier")] = low.id
        powers.append(SimpleNamespace(id=p.id, status=status, requested=bool(facts.get(f"requested.{p.id}"))))
    requested = [p.id for p in powers if p.requested]
    out[("package_tier",)] = package_tiers(pack, truths, requested)[0].id
    out[("readiness",)] = readiness(pack, truths).score if pack.readiness else None
    if pack.budget is not None:
        shim = SimpleNamespace(pack=pack, profile=_Stated(s.stated), as_of=s.on)
        for k, v in budget_values(budget_result(shim, powers)).items():  # type: ignore[arg-type]  # duck-typed
            out[("budget", k)] = v
    out[("truths",)] = truths
    return out


def recorded(ev: Evaluation) -> dict[Key, Any]:
    """The same values, as an evaluation records them."""
    out: dict[Key, Any] = {("eligible",): ev.negotiation.eligible, ("current_tier",): ev.accountability.current_tier,
                           ("package_tier",): ev.accountability.required_tier,
                           ("readiness",): ev.readiness.score if ev.readiness else None}
    for p in ev.powers:
        out[("power", p.id, "status")] = p.status
        out[("power", p.id, "required_tier")] = p.required_tier
    for k, v in budget_values(ev.budget).items():
        out[("budget", k)] = v
    return out


# --- the inputs that differ, and a state with one of them changed -----------------------------------------

def changed_inputs(old: State, new: State) -> list[Input]:
    out: list[Input] = []
    for name in sorted(set(old.stated) | set(new.stated)):
        if old.stated.get(name) != new.stated.get(name):
            out.append(("fact", name))
    if old.months_on != new.months_on and _facts(replace(old, months_on=new.months_on)) != _facts(old):
        out.append(("date", "months"))
    for rid in sorted(old.rules_off ^ new.rules_off):
        out.append(("rule_in_force", rid))
    for pid in sorted(old.powers_off ^ new.powers_off):
        out.append(("power_in_force", pid))
    for name in sorted(set(old.pack.parameters) | set(new.pack.parameters)):
        a, b = old.pack.parameters.get(name), new.pack.parameters.get(name)
        if (a.value if a else None) != (b.value if b else None):
            out.append(("parameter", name))
    return out


def with_input(base: State, source: State, inp: Input, packs: Callable[[dict[str, Any]], Pack]) -> State:
    """`base` with one input taken from `source`."""
    kind, name = inp
    if kind == "fact":
        return replace(base, stated={**base.stated, name: source.stated.get(name)})
    if kind == "date":
        return replace(base, months_on=source.months_on)
    if kind == "rule_in_force":
        return replace(base, rules_off=(base.rules_off | {name}) if name in source.rules_off
                       else (base.rules_off - {name}))
    if kind == "power_in_force":
        return replace(base, powers_off=(base.powers_off | {name}) if name in source.powers_off
                       else (base.powers_off - {name}))
    values = {k: p.value for k, p in base.pack.parameters.items()}
    values[name] = source.pack.parameters[name].value
    return replace(base, pack=packs(values))


def describe(inp: Input, old: State, new: State) -> Cause:
    kind, name = inp
    if kind == "fact":
        a, b = old.stated.get(name), new.stated.get(name)
        return Cause(kind=kind, name=name, before=a, after=b, text=f"{name}: {said(a)} -> {said(b)}")
    if kind == "date":
        fa, fb = _facts(old), _facts(replace(old, months_on=new.months_on))
        moved = [f"{n.removesuffix(MONTHS_SUFFIX)} {said(fa[n])} -> {said(fb[n])}" for n in sorted(fa)
                 if n.endswith(MONTHS_SUFFIX) and fa[n] != fb[n]]
        return Cause(kind=kind, name="months", before=old.months_on, after=new.months_on,
                     text=f"the date, {old.months_on.isoformat()} -> {new.months_on.isoformat()}: months since "
                          + "; ".join(moved))
    if kind in ("rule_in_force", "power_in_force"):
        what = "rule" if kind == "rule_in_force" else "power"
        pack = new.pack
        force = (pack.rules[name].in_force if what == "rule" else pack.power(name).in_force)
        a = name not in (old.rules_off if what == "rule" else old.powers_off)
        b = name not in (new.rules_off if what == "rule" else new.powers_off)
        passed = f"the {what} {name}'s date of force" if b else f"the end of the {what} {name}'s force"
        return Cause(kind=kind, name=name, before=a, after=b,
                     text=f"the date passed {passed} ({force.text()}; as of {old.on.isoformat()} -> "
                          f"{new.on.isoformat()})")
    a, b = old.pack.parameters[name].value, new.pack.parameters[name].value
    return Cause(kind=kind, name=name, before=a, after=b, text=f"parameter {name}: {said(a)} -> {said(b)}")


def pack_loader(pack: Pack, set_by: str = "a search for causes") -> Callable[[dict[str, Any]], Pack]:
    """The pack (from its folder) with given values of its parameters."""
    from ..pack.load import load_pack
    found: dict[tuple, Pack] = {}

    def get(values: dict[str, Any]) -> Pack:
        key = tuple(sorted((k, repr(v)) for k, v in values.items()))
        if key not in found:
            found[key] = load_pack(pack.folder, values, set_by=set_by)
        return found[key]
    return get


# --- which inputs can reach which conclusion (to keep searches small) ------------------------------------

def rule_inputs(pack: Pack, rid: str, memo: dict[str, frozenset[Input]]) -> frozenset[Input]:
    """Every input a rule's truth can depend on (through the rules it reads)."""
    if rid in memo:
        return memo[rid]
    memo[rid] = frozenset()  # a guard; packs have no cycles
    facts, rules, params = pack.reads[rid]
    out: set[Input] = {("rule_in_force", rid)}
    requests = pack.vocabulary.requests
    for f in facts:
        if f.endswith(MONTHS_SUFFIX):
            out |= {("fact", f.removesuffix(MONTHS_SUFFIX)), ("date", "months")}
        elif f.startswith("requested.") or f == "requested_count":
            out.add(("fact", requests or ""))
        else:
            out.add(("fact", f))
    out |= {("parameter", name) for name, _value in params}
    for r in rules:
        out |= rule_inputs(pack, r, memo)
    memo[rid] = frozenset(out)
    return memo[rid]


def key_inputs(pack: Pack, key: Key, memo: dict) -> frozenset[Input] | None:
    """The inputs a conclusion can depend on (None: any of them)."""
    rules: list[str] = []
    extra: set[Input] = set()
    if key[0] == "eligible":
        rules = [pack.negotiation_rule]
    elif key[0] == "current_tier":
        return frozenset({("fact", pack.model_fact)})
    elif key[0] == "readiness":
        rules = [w.rule for w in pack.readiness]
    elif key[0] == "power":
        power = pack.power(key[1])
        reqs = [r.rule for r in requirements_for(pack, power.id)]
        rules = reqs if key[2] == "required_tier" else prerequisites(pack, power) + reqs
        if key[2] == "status":
            extra = {("fact", pack.model_fact), ("power_in_force", power.id)}
    else:
        return None
    out = set(extra)
    for r in rules:
        out |= rule_inputs(pack, r, memo)
    return frozenset(out)


# --- the search ----------------------------------------------------------------------------------------

@dataclass
class Found:
    """The causes of every changed conclusion, and the inputs of each rule (to name only rules that matter)."""

    causes: dict[Key, list[Cause]]
    rule_inputs: Callable[[str], frozenset[Input]]
    inputs_of: dict[Key, list[Input]]
    note: str | None = None


def find_causes(old: State, new: State, old_ev: Evaluation, new_ev: Evaluation,
                packs: Callable[[dict[str, Any]], Pack]) -> Found:
    """Causes of each conclusion that differs between two evaluations, by changing one input at a time."""
    memo: dict[str, frozenset[Input]] = {}

    def inputs_of_rule(rid: str) -> frozenset[Input]:
        return rule_inputs(new.pack, rid, memo)

    base, end = outcome(old), outcome(new)
    want_old, want_new = recorded(old_ev), recorded(new_ev)
    for got, want in ((base, want_old), (end, want_new)):
        if any(got.get(k) != v for k, v in want.items()):
            return Found({}, inputs_of_rule, {}, note="the rule pack found now does not give the results "
                         "recorded (it has changed since), so the causes cannot be found by changing one input "
                         "at a time")
    keys = [k for k in want_new if base.get(k) != end.get(k)]
    inputs = changed_inputs(old, new)
    if not keys or not inputs:
        return Found({}, inputs_of_rule, {})
    if len(inputs) == 1:
        only = describe(inputs[0], old, new)
        return Found({k: [only] for k in keys}, inputs_of_rule, {k: list(inputs) for k in keys})
    forward = {i: outcome(with_input(old, new, i, packs)) for i in inputs}
    backward = {i: outcome(with_input(new, old, i, packs)) for i in inputs}
    causes: dict[Key, list[Cause]] = {}
    chosen: dict[Key, list[Input]] = {}
    for k in keys:
        v1 = end[k]
        found = [i for i in inputs if forward[i][k] == v1 or backward[i][k] != v1]
        how = "one at a time"
        if not found:
            how = "together"
            reach = key_inputs(new.pack, k, memo)
            candidates = [i for i in inputs if reach is None or i in reach]
            found = _together(old, new, k, v1, candidates, packs) or candidates
        chosen[k] = found
        causes[k] = [describe(i, old, new).model_copy(update={"found": how}) for i in found]
    return Found(causes, inputs_of_rule, chosen)


def _together(old: State, new: State, key: Key, v1: Any, candidates: list[Input],
              packs: Callable[[dict[str, Any]], Pack]) -> list[Input]:
    """The inputs of the smallest sets that, changed together, bring the change about."""
    for size in range(2, min(MAX_TOGETHER, len(candidates)) + 1):
        hits: list[Input] = []
        for combo in itertools.combinations(candidates, size):
            state = old
            for i in combo:
                state = with_input(state, new, i, packs)
            if outcome(state)[key] == v1:
                hits += [i for i in combo if i not in hits]
        if hits:
            return [i for i in candidates if i in hits]
    return []


# --- a place's tranche: the round's inputs, one at a time ------------------------------------------------

@dataclass(frozen=True)
class RoundState:
    """What the round's selection reads: its config settings, the pack (its round-policy parameters), and
    each place's standing (what the gate reads of it, its population and its member councils)."""

    capacity: int
    devolved: tuple[str, ...]
    pack: Pack
    places: dict[str, tuple]


def round_state(r, pack: Pack) -> RoundState:
    from .gate import from_evaluation
    places = {}
    for p in r.places:
        ev = p.evaluation
        pop = ev.facts["population"].value if "population" in ev.facts else None
        places[p.id] = (from_evaluation(pack, ev), pop, tuple(ev.place.members))
    return RoundState(r.round.capacity, tuple(sorted(r.already_devolved)), pack, places)


def _tranches(s: RoundState) -> dict[str, int]:
    from .plan import select
    ids = sorted(s.places)
    config = SimpleNamespace(capacity=s.capacity, already_devolved=list(s.devolved))
    members = {pid: s.places[pid][2] for pid in ids}
    gates = {pid: s.places[pid][0] for pid in ids}
    population = {pid: s.places[pid][1] for pid in ids}
    sel = select(s.pack, config, ids, members, gates, population)  # type: ignore[arg-type]  # reads capacity, already_devolved
    return sel.tranche_of


def tranche_causes(old: RoundState, new: RoundState, names: dict[str, str],
                   packs: Callable[[dict[str, Any]], Pack]) -> tuple[dict[str, list[Cause]], str | None]:
    """For each place whose tranche differs: the round's inputs that make the difference, one at a time (a
    round-config setting, a round-policy parameter, the place's own standing, another place's standing)."""
    if set(old.places) != set(new.places):
        return {}, "the rounds hold different places"
    inputs: list[Input] = []
    if old.capacity != new.capacity:
        inputs.append(("config", "capacity"))
    if old.devolved != new.devolved:
        inputs.append(("config", "already_devolved"))
    policy = new.pack.round_policy
    for name in (policy.min_readiness_param, policy.other_count_param, policy.other_share_param):
        if name and old.pack.parameters[name].value != new.pack.parameters[name].value:
            inputs.append(("parameter", name))
    inputs += [("place", pid) for pid in sorted(old.places) if old.places[pid] != new.places[pid]]

    def take(base: RoundState, source: RoundState, inp: Input) -> RoundState:
        kind, name = inp
        if inp == ("config", "capacity"):
            return replace(base, capacity=source.capacity)
        if inp == ("config", "already_devolved"):
            return replace(base, devolved=source.devolved)
        if kind == "parameter":
            values = {k: p.value for k, p in base.pack.parameters.items()}
            values[name] = source.pack.parameters[name].value
            return replace(base, pack=packs(values))
        return replace(base, places={**base.places, name: source.places[name]})

    def describe_round(inp: Input, pid: str) -> Cause:
        kind, name = inp
        if kind == "config":
            a, b = (old.capacity, new.capacity) if name == "capacity" else (list(old.devolved), list(new.devolved))
            return Cause(kind="config", name=name, before=a, after=b, text=f"round config {name}: {said(a)} -> {said(b)}")
        if kind == "parameter":
            a, b = old.pack.parameters[name].value, new.pack.parameters[name].value
            return Cause(kind=kind, name=name, before=a, after=b, text=f"parameter {name}: {said(a)} -> {said(b)}")
        whose = "its own standing" if name == pid else f"the standing of {names.get(name, name)} ({name})"
        return Cause(kind="place", name=name, text=f"{whose} in the round (eligibility, readiness or what it could "
                                                    "be offered; see its changes)")

    start, end = _tranches(old), _tranches(new)
    moved = sorted(pid for pid in old.places if start.get(pid) != end.get(pid))
    if not moved or not inputs:
        return {}, None
    forward = {i: _tranches(take(old, new, i)) for i in inputs}
    backward = {i: _tranches(take(new, old, i)) for i in inputs}
    out: dict[str, list[Cause]] = {}
    for pid in moved:
        v1 = end.get(pid)
        found = [i for i in inputs if forward[i].get(pid) == v1 or backward[i].get(pid) != v1]
        how = "one at a time"
        if not found:
            how, found = "together", inputs
        out[pid] = [describe_round(i, pid).model_copy(update={"found": how}) for i in found]
    return out, None
