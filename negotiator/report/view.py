"""One view model of a round for the Markdown and HTML reports: every sentence decided here, once.

The templates (templates/round.md.j2, round.html.j2) only lay it out; user
text is escaped by the template environment (Markdown escaping, HTML
autoescape), never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results import (
    STATUS_LABEL, BudgetResult, Catalogue, Evaluation, PowerResult, Round, RoundPlace, Scope, Status,
)

STATUS_COLOUR = {
    Status.available: "#1a7f37",
    Status.needs_stronger_accountability: "#d4a72c",
    Status.not_available: "#cf222e",
    Status.undetermined: "#8c959f",
    Status.not_in_force: "#57606a",
}


def fmt(value: Any) -> str:
    """A value for people: thousands separated, floats to one place, unknown for None."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)


def pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def gbp(value: float | None) -> str:
    return "unknown" if value is None else f"£{value:,.0f}m"


def words(identifier: str) -> str:
    return identifier.replace("_", " ")


def models_text(models: list[str]) -> str:
    """'joint committee or combined authority' from a list of model ids."""
    names = [words(m) for m in models]
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1] if names else "none"


@dataclass
class Item:
    id: str
    title: str
    requested: bool
    text: str = ""


@dataclass
class Deal:
    id: str
    name: str
    where: str
    file: str
    on_offer: list[Item]
    stronger: list[Item]
    package: str | None
    budget: tuple[str, str] | None      # (status label, sentence)
    budget_status: Status | None
    blocked: list[Item]
    undetermined: list[tuple[str, list[Item]]]
    not_in_force: list[Item]
    obligations: list[tuple[str, str]]
    missing_facts: list[str]


@dataclass
class RoundView:
    r: Round
    names: dict[str, str]
    deals: list[Deal] = field(default_factory=list)
    not_eligible: list[tuple[str, str, str]] = field(default_factory=list)
    undetermined: list[tuple[str, str, str]] = field(default_factory=list)
    budget_terms: str | None = None


def budget_sentence(b: BudgetResult) -> str:
    scope = ", ".join(c.title for c in b.components if c.scope == Scope.in_scope) or "none yet"
    text = f"in scope: {scope}."
    if b.baseline is None:
        missing = ", ".join(b.missing) or "a baseline"
        return text + f" Baseline unknown: the profile does not state {missing}."
    since = f" ({b.baseline_since.isoformat()})" if b.baseline_since else ""
    p = b.parameters
    parts = [f"Baseline {gbp(b.baseline)} a year{since}"]
    if "reduction_percent" in p:
        parts.append(f"{fmt(p['reduction_percent'].value)}% less gives {gbp(b.annual_envelope)} a year")
    if b.envelope_over_horizon is not None:
        years = fmt(p["horizon_years"].value)
        parts.append(f"{gbp(b.envelope_over_horizon)} over {years} years")
        if b.retained_savings_over_horizon is not None:
            parts.append(f"the place keeps {fmt(p['retention_share'].value)}% of the saving: "
                         f"{gbp(b.retained_savings_over_horizon)} over {years} years")
    return text + " " + "; ".join(parts) + "."


def where_text(p: RoundPlace) -> str:
    if p.already_devolved:
        return "already devolved"
    return f"tranche {p.tranche}, rank {p.rank}" if p.tranche else "not in this round"


def stronger_text(cat: Catalogue, power: PowerResult) -> str:
    tier = cat.tier(power.required_tier)
    stronger = " or stronger" if tier.rank < len(cat.tiers) - 1 else ""
    text = f"needs {tier.title[0].lower()}{tier.title[1:]}{stronger}"
    for rule in power.conditions:
        text += f"; {tier.conditions[rule]}"
    return text


def package_text(cat: Catalogue, ev: Evaluation) -> str | None:
    acc = ev.accountability
    if not acc.requested:
        return None
    met = {True: "met", False: "not met", None: "undetermined"}[acc.meets_requirement]
    titles = ", ".join(cat.powers[p].title for p in acc.requested)
    current = words(acc.current_tier) if acc.current_tier else "an unknown tier"
    return f"{titles}. It needs {words(acc.required_tier)}; the place has {current}: {met}."


def reason_text(cat: Catalogue, ev: Evaluation) -> str:
    """Why a place cannot negotiate, in a sentence: the deciding rule and the tests it fails."""
    reason = ev.negotiation.reason
    if reason is None:
        return "it is not at the negotiation level"
    statement = cat.rules[reason.rule].statement
    if reason.result.value == "true":
        return f"{statement} ({reason.rule})"
    if reason.failed:
        return f"{statement} ({reason.rule}) fails on: {'; '.join(reason.failed)}"
    return f"{statement} ({reason.rule}) does not hold"


def deal(cat: Catalogue, p: RoundPlace) -> Deal:
    ev = p.evaluation
    by_status: dict[Status, list[PowerResult]] = {s: [] for s in Status}
    for power in ev.powers:
        by_status[power.status].append(power)

    def item(power: PowerResult, text: str = "") -> Item:
        return Item(power.id, cat.powers[power.id].title, power.requested, text)

    groups: dict[str, list[Item]] = {}
    for power in by_status[Status.undetermined]:
        groups.setdefault(", ".join(power.missing) or "unknown", []).append(item(power))
    blocked = [item(pw, "; ".join(f"{cat.rules[r].statement} ({r})" for r in pw.failed))
               for pw in by_status[Status.not_available]]
    budget = None
    if ev.budget:
        budget = (STATUS_LABEL[ev.budget.status], budget_sentence(ev.budget))
    return Deal(
        id=p.id, name=p.name, where=where_text(p), file=p.file,
        on_offer=[item(pw) for pw in by_status[Status.available]],
        stronger=[item(pw, stronger_text(cat, pw)) for pw in by_status[Status.needs_stronger_accountability]],
        package=package_text(cat, ev), budget=budget, budget_status=ev.budget.status if ev.budget else None,
        blocked=blocked, undetermined=sorted(groups.items()),
        not_in_force=[item(pw, cat.powers[pw.id].in_force) for pw in by_status[Status.not_in_force]],
        obligations=[(o.title, o.statement) for o in cat.obligations],
        missing_facts=ev.missing_facts,
    )


def round_view(r: Round) -> RoundView:
    cat = r.catalogue
    view = RoundView(r=r, names={p.id: p.name for p in r.places})
    view.deals = [deal(cat, p) for p in r.places]
    by_id = {p.id: p for p in r.places}
    view.not_eligible = [(pid, view.names[pid], reason_text(cat, by_id[pid].evaluation)) for pid in r.not_eligible]
    view.undetermined = [(pid, view.names[pid], ", ".join(by_id[pid].evaluation.negotiation.missing) or "unknown")
                         for pid in r.eligibility_undetermined]
    budgets = [p.evaluation.budget for p in r.places if p.evaluation.budget]
    if budgets:
        params = budgets[0].parameters
        bits = []
        if "reduction_percent" in params:
            bits.append(f"budgets {fmt(params['reduction_percent'].value)}% below today's spend")
        if "horizon_years" in params:
            bits.append(f"over {fmt(params['horizon_years'].value)} years")
        if "retention_share" in params:
            bits.append(f"the place keeping {fmt(params['retention_share'].value)}% of the saving")
        view.budget_terms = ", ".join(bits) if bits else None
    return view
