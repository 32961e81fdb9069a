"""The single budget a pack may declare (budget.yaml): its scope by component, and its arithmetic.

A component is in scope when the budget's power is available and at least one
of the component's powers is available to the place. Where the pack names a
baseline fact and the profile states it, the envelope is the baseline less
the reduction, over the horizon, and the place keeps its share of the saving.
Every figure says whether it is a year's or the horizon's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..results import BudgetComponentResult, BudgetParameter, BudgetResult, PowerResult, Scope, Status

if TYPE_CHECKING:
    from .decision import Decision


def component_scope(budget_status: Status, linked: list[Status]) -> Scope:
    if budget_status in (Status.not_available, Status.not_in_force) or \
            all(s in (Status.not_available, Status.not_in_force) for s in linked):
        return Scope.out_of_scope
    if budget_status == Status.available and Status.available in linked:
        return Scope.in_scope
    if budget_status == Status.undetermined or not ({Status.available, Status.needs_stronger_accountability} & set(linked)):
        return Scope.undetermined
    return Scope.needs_stronger_accountability


def budget_result(decision: "Decision", powers: list[PowerResult]) -> BudgetResult | None:
    pack = decision.pack
    spec = pack.budget
    if spec is None:
        return None
    by_id = {p.id: p for p in powers}
    power = by_id[spec.power]
    components = [
        BudgetComponentResult(id=c.id, title=c.title, with_powers=list(c.with_powers),
                              scope=component_scope(power.status, [by_id[p].status for p in c.with_powers]),
                              source=c.source)
        for c in spec.components
    ]
    params = {}
    for role, name in (("reduction_percent", spec.reduction_param), ("retention_share", spec.retention_param),
                       ("horizon_years", spec.horizon_param)):
        if name is not None:
            p = pack.parameters[name]
            params[role] = BudgetParameter(value=float(p.value), set_by=p.set_by,
                                           assumption=p.assumption is not None and p.set_by == "rule pack")
    out = BudgetResult(power=spec.power, title=spec.title, status=power.status, requested=power.requested,
                       components=components, baseline_unit=spec.baseline_unit, baseline_note=spec.baseline_note,
                       parameters=params, source=spec.source)
    if spec.baseline_fact is None:
        return out
    decl = pack.facts[spec.baseline_fact]
    entry = decision.profile.entry_at(decl, decision.as_of)
    if entry is None or entry.value is None:
        out.missing = [spec.baseline_fact]
        return out
    out.baseline = float(entry.value)
    out.baseline_since = entry.start
    reduction = params["reduction_percent"].value if "reduction_percent" in params else 0.0
    out.annual_envelope = round(out.baseline * (1 - reduction / 100), 1)
    out.annual_saving = round(out.baseline * reduction / 100, 1)
    if "horizon_years" in params:
        horizon = params["horizon_years"].value
        out.envelope_over_horizon = round(out.annual_envelope * horizon, 1)
        if "retention_share" in params:
            out.retained_savings_over_horizon = round(out.annual_saving * horizon * params["retention_share"].value / 100, 1)
    return out
