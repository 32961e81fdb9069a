"""The phrases every report shares: money, shares, identifiers as words, a budget scope's sentence, assumptions
marked. The text of `negotiator evaluate` (report/text.py) and the round's view (report/view.py) both use them,
so a single place's text need not build the round's view.
"""

from __future__ import annotations

from ..results import BudgetResult, BudgetScopeResult, Catalogue
from ..values import fmt


def readiness_range(x) -> str:
    """A ranked place's readiness: the weights of the rules known to hold, with the lowest and highest any
    completion of its unknown facts gives where they differ."""
    low = x.score if x.score_lowest is None else x.score_lowest
    if low == x.score == x.score_if_unknowns_hold:
        return fmt(x.score)
    return f"{fmt(x.score)} (at least {fmt(low)}, up to {fmt(x.score_if_unknowns_hold)})"


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


def assumed(params: dict, name: str) -> str:
    """' (an assumption)' where a budget parameter's value is one (the pack's or a round config's)."""
    return " (an assumption)" if name in params and params[name].assumption else ""


def scope_sentence(b: BudgetResult, sc: BudgetScopeResult) -> str:
    """What a budget scope would cover and its money, every figure labelled a year or over the horizon."""
    comps = {c.id: c for c in sc.components}
    if not sc.in_scope:
        later = [c.title for c in sc.components if c.scope.value in ("needs_stronger_accountability", "undetermined")]
        if later:
            return ("covers nothing yet; with its power available it could cover " + ", ".join(later)
                    + ". No money is counted until then.")
        return "covers nothing (none of its components' powers is open to the place); no money is counted."
    text = "covers " + ", ".join(comps[c].title for c in sc.in_scope) + "."
    if sc.baseline_a_year is None:
        return text + " Its spending in the place is not known (the profile states no figure for these components)."
    p = b.parameters
    parts = [f"Known spending in scope {gbp(sc.baseline_a_year)} a year"]
    if "reduction_percent" in p:
        parts.append(f"{fmt(p['reduction_percent'].value)}%{assumed(p, 'reduction_percent')} less gives "
                     f"{gbp(sc.envelope_a_year)} a year")
    if sc.envelope_over_horizon is not None:
        years = fmt(p["horizon_years"].value)
        parts.append(f"{gbp(sc.envelope_over_horizon)} over {years} years{assumed(p, 'horizon_years')}")
        if sc.retained_over_horizon is not None:
            parts.append(f"the place keeps {fmt(p['retention_share'].value)}%{assumed(p, 'retention_share')} "
                         "of the saving: "
                         f"{gbp(sc.retained_over_horizon)} over {years} years")
    text += " " + "; ".join(parts) + "."
    if sc.unknown_baselines:
        text += " Not counted, for want of a figure: " + ", ".join(comps[c].title for c in sc.unknown_baselines) + "."
    return text


def mark_assumptions(cat: Catalogue, text: str) -> str:
    """Every parameter named in brackets, `(name)`, that is an assumption of the pack, marked as one."""
    for name, info in cat.parameters.items():
        if info.assumption and f"({name})" in text:
            text = text.replace(f"({name})", f"({name}, an assumption)")
    return text


def existence_word(note: str) -> str:
    """The heading of a place-existence note (vocab/timeline.existence_note): unknown or not existing."""
    return "EXISTENCE UNKNOWN" if ": whether it exists on " in note else "NOT EXISTING"
