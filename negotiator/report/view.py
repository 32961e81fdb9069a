"""One view model of a round for the Markdown and HTML reports: every sentence decided here, once.

The templates (templates/round.md.j2, round.html.j2) only lay it out; user
text is escaped by the template environment (Markdown escaping, HTML
autoescape), never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..values import fmt, rounded
from .phrases import assumed, mark_assumptions, scope_sentence, words
from ..results import Catalogue, Evaluation, PowerResult, Status

if TYPE_CHECKING:  # only annotations: `negotiator evaluate` (report/text.py) need not build a round's models
    from ..results import Coverage, Ranked, Round, RoundPlace

STATUS_COLOUR = {
    Status.available: "#1a7f37",
    Status.needs_stronger_accountability: "#d4a72c",
    Status.not_available: "#cf222e",
    Status.undetermined: "#8c959f",
    Status.not_in_force: "#57606a",
}


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
    placement: str
    file: str
    on_offer: list[Item]
    also_open: list[Item]
    priorities_known: bool
    stronger: list[Item]
    package: str | None
    budget: list[tuple[str, str, Status]]      # (scope title, sentence, status)
    blocked: list[Item]
    blocked_groups: list[tuple[str, list[Item]]]   # each failing rule's statement once, with the powers it blocks
    blocked_by_one: bool                           # one rule blocks every power that is not available
    undetermined: list[tuple[str, list[Item]]]
    not_in_force: list[Item]
    obligations: list[tuple[str, str]]
    missing_facts: list[str]
    unlock: list[tuple[str, str]]
    collect: list[str]
    upcoming: list[str]
    #: the place's end and reorganisations of its councils after the round's date ("Ahead:", as unlock prints them)
    ahead: list[str] = field(default_factory=list)
    #: how the pack words a budget scope whose power is available (None: the status label, "available now")
    budget_available_as: str | None = None
    #: decided reorganisations due by the round's date that the register does not apply to its councils
    not_applied: list[str] = field(default_factory=list)
    #: facts every undetermined power waits for (when more than one), and the powers waiting for more besides
    undetermined_common: list[str] = field(default_factory=list)
    undetermined_more: list[tuple[str, list[Item]]] = field(default_factory=list)


@dataclass
class RoundView:
    r: Round
    names: dict[str, str]
    deals: list[Deal] = field(default_factory=list)
    not_eligible: list[tuple[str, str, str]] = field(default_factory=list)
    undetermined: list[tuple[str, str, str]] = field(default_factory=list)
    not_ready: list[tuple[str, str, str]] = field(default_factory=list)
    depends: list[tuple[str, str, str]] = field(default_factory=list)
    special: list[tuple[str, str, str]] = field(default_factory=list)
    budget_terms: str | None = None
    parameters: list[str] = field(default_factory=list)
    timetable: dict[int, str] = field(default_factory=dict)
    #: what is the same in every deal sheet, said once above them: the obligations, the powers not in force
    obligations: list[tuple[str, str]] = field(default_factory=list)
    not_in_force: list[tuple[str, str]] = field(default_factory=list)
    #: the places that could still rise (the round's `rising`), by the highest readiness they could reach:
    #: (that readiness, [(name, rank or None)]), highest first, names in alphabetical order
    rising: list[tuple[str, list[tuple[str, int | None]]]] = field(default_factory=list)
    #: the ranked places whose tranche number may still move, each with its score for ranking, in words
    moving: list[tuple[Ranked, str]] = field(default_factory=list)


def where_text(p: RoundPlace) -> str:
    if p.already_devolved:
        return "already devolved"
    return f"tranche {p.tranche}, rank {p.rank}" if p.tranche else "not in a tranche"


def stronger_text(cat: Catalogue, power: PowerResult) -> str:
    tier = cat.tier(power.required_tier)
    stronger = " or stronger" if tier.rank < len(cat.tiers) - 1 else ""
    text = f"needs {tier.title[0].lower()}{tier.title[1:]}{stronger}"
    for rule in power.conditions:
        text += f"; {tier.conditions[rule]}"
    info = cat.powers[power.id]
    if info.tier_judgment and power.required_tier == info.tier:
        text += " (a tier the pack assigns by judgment)"
    return text


def parameter_lines(cat: Catalogue) -> list[str]:
    """The pack's parameter values in effect, each with who set it and whether it is sourced or assumed."""
    out = []
    for name, info in cat.parameters.items():
        basis = "an assumption" if info.assumption else (f"from {cat.cite(info.reference)}" if info.reference else "")
        unit = "%" if info.unit == "percent" else (f" {info.unit}" if info.unit else "")
        value = info.value
        shown = f"{value:,.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else fmt(value)
        out.append(f"{name} = {shown}{unit} ({basis + '; ' if basis else ''}set by {info.set_by})")
    return out


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
        return f"{statement} ({reason.rule}) fails on: {mark_assumptions(cat, '; '.join(reason.failed))}"
    return f"{statement} ({reason.rule}) does not hold"


def deal(cat: Catalogue, p: RoundPlace, by_powers: dict[tuple, dict] | None = None) -> Deal:
    """A place's deal sheet. `by_powers`: what the sheets of a round say of their places' power results, kept by
    those result objects (a round's places share them, and these parts are made from them alone; 3,000 places:
    0.15 -> 0.06 s)."""
    ev = p.evaluation
    key = tuple(map(id, ev.powers))
    parts = None if by_powers is None else by_powers.get(key)
    if parts is None:
        parts = _power_parts(cat, ev.powers)
        if by_powers is not None:
            by_powers[key] = parts
    budget = [(sc.title, scope_sentence(ev.budget, sc), sc.status) for sc in ev.budget.scopes] if ev.budget else []
    return Deal(
        id=p.id, name=p.name, where=where_text(p), placement=p.placement, file=p.file,
        priorities_known=ev.facts.get("requested_count") is not None
        and ev.facts["requested_count"].value is not None,
        package=package_text(cat, ev), budget=budget,
        obligations=[(o.title, o.statement) for o in cat.obligations],
        missing_facts=ev.missing_facts,
        unlock=[(cat.powers[u.power].title, u.text) for u in ev.unlock],
        collect=[collect_text(f) for f in ev.facts_to_collect[:3]],
        upcoming=[f"{u.fact} becomes {fmt(u.value)} on {u.since.isoformat()}" for u in ev.upcoming],
        ahead=list(p.changes_ahead), not_applied=list(p.not_applied),
        budget_available_as=ev.budget.available_as if ev.budget else None,
        **parts,
    )


def _power_parts(cat: Catalogue, powers: list[PowerResult]) -> dict:
    """What a deal sheet says of a place's power results: on offer, blocked and why, undetermined until what..."""
    by_status: dict[Status, list[PowerResult]] = {s: [] for s in Status}
    for power in powers:
        by_status[power.status].append(power)

    def item(power: PowerResult, text: str = "") -> Item:
        return Item(power.id, cat.powers[power.id].title, power.requested, text)

    groups: dict[str, list[Item]] = {}
    for power in by_status[Status.undetermined]:
        groups.setdefault(", ".join(power.missing) or "unknown", []).append(item(power))
    waiting = by_status[Status.undetermined]
    common = [f for f in waiting[0].missing if all(f in pw.missing for pw in waiting)] if len(waiting) > 1 else []
    more: dict[str, list[Item]] = {}
    for power in waiting if common else []:
        extra = [f for f in power.missing if f not in common]
        if extra:
            more.setdefault(", ".join(extra), []).append(item(power))
    blocked = [item(pw, "; ".join(f"{cat.rules[r].statement} ({r})" for r in pw.failed))
               for pw in by_status[Status.not_available]]
    reasons: dict[str, list[Item]] = {}  # each failing rule said once, with the powers it blocks
    for pw in by_status[Status.not_available]:
        for r in pw.failed:
            reasons.setdefault(f"{cat.rules[r].statement} ({r})", []).append(item(pw))
    available = by_status[Status.available]
    return dict(
        on_offer=[item(pw) for pw in available if pw.requested],
        also_open=[item(pw) for pw in available if not pw.requested],
        stronger=[item(pw, stronger_text(cat, pw)) for pw in by_status[Status.needs_stronger_accountability]],
        blocked=blocked, blocked_groups=list(reasons.items()),
        blocked_by_one=len(blocked) > 1 and any(len(items) == len(blocked) for items in reasons.values()),
        undetermined=sorted(groups.items()), undetermined_common=common, undetermined_more=list(more.items()),
        not_in_force=[item(pw, cat.powers[pw.id].in_force) for pw in by_status[Status.not_in_force]],
    )


def collect_text(f) -> str:
    bits = []
    if f.settles:
        bits.append(f"settles {len(f.settles)} conclusion{'s' if len(f.settles) != 1 else ''} whatever its value "
                    f"({', '.join(f.settles[:4])}{', ...' if len(f.settles) > 4 else ''})")
    if f.may_settle:
        bits.append(f"may settle {len(f.may_settle)} more")
    return f"{f.fact} ({f.title}): " + "; ".join(bits)


def coverage_figures(r: Round) -> list[tuple[str, Coverage]]:
    """The round's coverage figures, labelled: what the coverage text states and the chart draws, both."""
    out = [("First tranche", r.coverage)]
    if r.coverage_with_devolved is not None:
        out.append(("First tranche + already devolved", r.coverage_with_devolved))
    out += [(sc.name, sc.coverage) for sc in r.scenarios]
    return out


def round_view(r: Round) -> RoundView:
    cat = r.catalogue
    view = RoundView(r=r, names={p.id: p.name for p in r.places}, parameters=parameter_lines(cat))
    by_id = {p.id: p for p in r.places}
    special = set(r.special_cases)
    by_powers: dict[tuple, dict] = {}
    view.deals = [deal(cat, p, by_powers) for p in r.places if p.id not in special]
    view.special = sorted((pid, view.names[pid], sc.text) for pid in special
                          if (sc := by_id[pid].evaluation.negotiation.special_case) is not None)
    view.not_eligible = [(pid, view.names[pid], reason_text(cat, by_id[pid].evaluation)) for pid in r.not_eligible]
    view.undetermined = [(pid, view.names[pid], ", ".join(by_id[pid].evaluation.negotiation.missing) or "unknown")
                         for pid in r.eligibility_undetermined]
    view.not_ready = [(pid, view.names[pid], by_id[pid].placement.split(": ", 1)[-1]) for pid in r.not_ready]
    view.depends = [(pid, view.names[pid], by_id[pid].placement.split(": ", 1)[-1]) for pid in r.depends_on_unknowns]
    by_reach: dict[float, list[tuple[str, int | None]]] = {}
    for x in r.rising:
        by_reach.setdefault(x.score_if_unknowns_hold, []).append((view.names.get(x.place, x.place), x.rank))
    view.rising = [(rounded(reach), sorted(names)) for reach, names in by_reach.items()]
    view.moving = [(x, rounded(x.score_lowest if x.score_lowest is not None else x.score)) for x in r.ranking
                   if x.tranche_may_move_with or x.tranche_may_move_with_rising]
    view.timetable = {t.number: f"{t.starts.strftime('%B %Y')} to {t.concludes.strftime('%B %Y')}" for t in r.timetable}
    view.obligations = [(o.title, o.statement) for o in cat.obligations]
    if view.deals:
        view.not_in_force = [(i.title, i.text) for i in view.deals[0].not_in_force]
    budgets = [p.evaluation.budget for p in r.places if p.evaluation.budget]
    if budgets:
        params = budgets[0].parameters
        bits = []
        if "reduction_percent" in params:
            bits.append(f"budgets {fmt(params['reduction_percent'].value)}%{assumed(params, 'reduction_percent')} "
                        "below today's spend")
        if "horizon_years" in params:
            bits.append(f"over {fmt(params['horizon_years'].value)} years{assumed(params, 'horizon_years')}")
        if "retention_share" in params:
            bits.append(f"the place keeping {fmt(params['retention_share'].value)}%"
                        f"{assumed(params, 'retention_share')} of the saving")
        view.budget_terms = ", ".join(bits) if bits else None
    return view


