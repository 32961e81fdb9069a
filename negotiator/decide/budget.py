"""The single budget a pack may declare (budget.yaml): its scopes, what each would cover, and the money.

A budget has components (health spending, DWP worklessness spending, ...) and
scopes (around the core outcomes, or the whole of public spending), each scope
a power with its own accountability and evidence. A component is in a scope's
cover when the scope's power is available and at least one of the
component's powers is available. The money counts only the components in
scope whose spend the profile states (never the whole mapped spend, which
includes what councils already control); the reduction and the retained share
apply to that. Every figure says whether it is a year's or the horizon's.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..results import (
    BudgetComponentResult, BudgetParameter, BudgetResult, BudgetScopeResult, PowerResult, Scope, Status,
)

if TYPE_CHECKING:
    from .decision import Decision

_CLOSED = (Status.not_available, Status.not_in_force)


def component_scope(budget_status: Status, linked: list[Status]) -> Scope:
    if budget_status in _CLOSED or all(s in _CLOSED for s in linked):
        return Scope.out_of_scope
    if budget_status == Status.available and Status.available in linked:
        return Scope.in_scope
    if budget_status == Status.undetermined or not ({Status.available, Status.needs_stronger_accountability} & set(linked)):
        return Scope.undetermined
    return Scope.needs_stronger_accountability


def budget_facts(spec) -> list[str]:
    """Every fact the budget reads (each component's baseline, the mapped total): all a result depends on
    besides the powers' statuses and requests and the parameters (decision.Shared keys on them)."""
    return [name for name in [c.baseline_fact for c in spec.components] + [spec.total_fact] if name]


def budget_result(decision: "Decision", powers: list[PowerResult]) -> BudgetResult | None:
    pack = decision.pack
    spec = pack.budget
    if spec is None:
        return None
    by_id = {p.id: p for p in powers}
    params: dict[str, BudgetParameter] = {}
    for role, name in (("reduction_percent", spec.reduction_param), ("retention_share", spec.retention_param),
                       ("horizon_years", spec.horizon_param)):
        if name is not None:
            p = pack.parameters[name]
            params[role] = BudgetParameter(value=float(p.value), set_by=p.set_by,
                                           # the pack's basis for the value, whoever set it (the setter
                                           # gives no source): an assumption stays one
                                           assumption=p.assumption is not None)
    baselines: dict[str, tuple[float, date | None] | None] = {}
    for c in spec.components:
        entry = decision.profile.entry_at(pack.facts[c.baseline_fact], decision.as_of) if c.baseline_fact else None
        baselines[c.id] = (float(entry.value), entry.start) if entry is not None and entry.value is not None else None
    reduction = params["reduction_percent"].value if "reduction_percent" in params else 0.0
    horizon = params["horizon_years"].value if "horizon_years" in params else None
    retention = params["retention_share"].value if "retention_share" in params else None
    scopes = []
    for sc in spec.scopes:
        power = by_id[sc.power]
        comps = []
        for cid in sc.components:
            c = spec.component(cid)
            known = baselines[cid]
            comps.append(BudgetComponentResult(
                id=c.id, title=c.title, with_powers=list(c.with_powers),
                scope=component_scope(power.status, [by_id[p].status for p in c.with_powers]),
                baseline=known[0] if known else None, baseline_since=known[1] if known else None, source=c.source))
        in_scope = [c for c in comps if c.scope == Scope.in_scope]
        result = BudgetScopeResult(id=sc.id, title=sc.title, power=sc.power, status=power.status,
                                   requested=power.requested, components=comps, in_scope=[c.id for c in in_scope],
                                   unknown_baselines=[c.id for c in in_scope if c.baseline is None])
        figures = [c.baseline for c in in_scope if c.baseline is not None]
        if figures:
            base = round(sum(figures), 1)
            result.baseline_a_year = base
            result.envelope_a_year = round(base * (1 - reduction / 100), 1)
            result.saving_a_year = round(base * reduction / 100, 1)
            if horizon is not None:
                result.envelope_over_horizon = round(result.envelope_a_year * horizon, 1)
                if retention is not None:
                    result.retained_over_horizon = round(result.saving_a_year * horizon * retention / 100, 1)
        scopes.append(result)
    out = BudgetResult(title=spec.title, source=spec.source, unit=spec.unit, horizon_years=horizon, parameters=params,
                       scopes=scopes, mapped_total_note=spec.total_note, available_as=spec.available_as)
    if spec.total_fact:
        entry = decision.profile.entry_at(pack.facts[spec.total_fact], decision.as_of)
        if entry is not None and entry.value is not None:
            out.mapped_total_a_year = float(entry.value)
            out.mapped_total_since = entry.start
    return out
