"""Plain-text renderings of changes for people: `diff` of two rounds, `whatif` and `unlock`.

Split from report/text.py (evaluations and explanations) along its seam: these render what changes
between two states and the moves that would change it. As there, `fit` wraps each to its width.
"""

from __future__ import annotations


from ..results import Catalogue, Diff
from .fit import fit
from ..values import changed, fmt
from .phrases import existence_word, words

def render_diff(d: Diff) -> str:
    lines = [f"Old: {d.old.round} ({d.old.date}) with {d.old.pack} v{d.old.version} ({d.old.hash[:12]})",
             f"New: {d.new.round} ({d.new.date}) with {d.new.pack} v{d.new.version} ({d.new.hash[:12]})", ""]
    if d.config:
        lines.append("Round config changed:")
        lines += [f"  {k}: {changed(a)} -> {changed(b)}" for k, (a, b) in d.config.items()]
        lines.append("")
    if d.parameters:
        lines.append("Rule-pack parameters changed:")
        lines += [f"  {k}: {changed(a)} -> {changed(b)}" for k, (a, b) in d.parameters.items()]
        lines.append("")
    if d.places_added:
        lines.append(f"Places added: {', '.join(d.places_added)}")
    if d.places_removed:
        lines.append(f"Places removed: {', '.join(d.places_removed)}")
    a, b = d.coverage
    if a != b and a is not None and b is not None:
        lines.append(f"Coverage: {a * 100:.1f}% -> {b * 100:.1f}%")
    if d.different_packs:
        lines.append(d.different_packs)
        return "\n".join(lines) + "\n"
    if d.note:
        lines.append(f"Causes not given: {d.note}.")
    if not d.changes:
        lines.append("No place gains or loses a power, tier, tranche or budget figure.")
    for c in d.changes:
        lines.append(f"{c.name} ({c.place})")
        lines += _change_lines(c)
    return "\n".join(lines) + "\n"


def _step(step) -> str:
    bits = []
    if step.result:
        bits.append(f"{changed(step.result[0])} -> {changed(step.result[1])}")
    for name, (a, b) in list(step.facts.items()) + list(step.parameters.items()):
        bits.append(f"{name} {changed(a)} -> {changed(b)}")
    return f"because {step.rule}: " + ", ".join(bits)


def _why(causes, rules, pad: str = "    ") -> list[str]:
    """The inputs that make a difference, then the rules whose truth changed because of them."""
    out = []
    if causes and any(c.found == "together" for c in causes):
        out.append(pad + "because, together: " + "; ".join(c.text for c in causes))
    else:
        out += [pad + "because " + c.text for c in causes]
    if rules:
        out.append(pad + "rules whose truth changed: " + ", ".join(
            f"{s.rule} {changed(s.result[0])} -> {changed(s.result[1])}" for s in rules if s.result))
    return out


def _budget_key(key: str, cat: Catalogue | None) -> str:
    """'scope Around the core outcomes (core_outcomes): status' for 'core_outcomes.status'; totals in words."""
    scope, _, field = key.rpartition(".")
    if not scope:
        return words(key)
    return f"scope {words(scope)}: {words(field)}"


def _change_lines(c, cat: Catalogue | None = None) -> list[str]:
    lines = []
    if c.note:
        lines.append(f"  (causes not given: {c.note})")
    def tier(value) -> str:
        tid = changed(value)
        found = next((t for t in cat.tiers if t.id == tid), None) if cat else None
        return f"{found.title} ({tid})" if found else words(tid)

    for key, label, causes, rules in (
            ("eligible", "eligible", c.eligibility_causes, c.eligibility_rules),
            ("tranche", "tranche", c.tranche_causes, []),
            ("current_tier", "current tier", c.current_tier_causes, []),
            ("package_tier", "package needs", c.package_causes, c.package_rules),
            ("readiness", "readiness (the sum of the weights of the rules that hold)", c.readiness_causes,
             c.readiness_rules)):
        value = getattr(c, key)
        if value is not None:
            old, new = (tier(value[0]), tier(value[1])) if key.endswith("tier") else (changed(value[0]), changed(value[1]))
            lines.append(f"  {label}: {old} -> {new}")
            lines += _why(causes, rules)
    for key, (x, y) in c.budget.items():
        lines.append(f"  budget, {_budget_key(key, cat)}: {words(changed(x))} -> {words(changed(y))}")
        lines += _why(c.budget_causes.get(key, []), [])
    groups: dict[str, list[str]] = {}
    shown: dict[str, list[str]] = {}
    for p in c.powers:
        what = "; ".join(f"{words(k)} {words(changed(v[0]))} -> {words(changed(v[1]))}" for k, v in
                         (("status", p.status), ("required_tier", p.required_tier)) if v is not None)
        body = _why(p.causes, p.rules)
        key = what + "\n" + "\n".join(body)
        groups.setdefault(key, []).append(p.power)
        shown[key] = [what] + body
    for key, powers in groups.items():
        what, *body = shown[key]
        names = [_power_name(cat, pid) for pid in powers]
        lines.append(f"  {what}: " + "; ".join(names) if len(powers) > 1 else f"  {names[0]}: {what}")
        lines += body
    return lines


def render_whatif(w, cat: Catalogue | None = None) -> str:
    lines = [f"What if, for {w.place.name} ({w.place.id}) as of {w.as_of.isoformat()}, rule pack {w.pack.id}:"]
    if w.place_exists_note:
        lines.append(f"  {existence_word(w.place_exists_note)}: {w.place_exists_note}.")
    for s in w.settings:
        lines.append(f"  {s.kind} {s.name}: {changed(s.before)} -> {changed(s.after)}")
    lines.append("")
    if w.unchanged:
        lines.append("Nothing changes: no power, tier, eligibility or budget figure.")
    else:
        lines.append("What changes (and the rules that make the difference):")
        lines += _change_lines(w.change, cat)
    return "\n".join(lines) + "\n"


COST_UNIT = "relative effort"


def _power_name(cat: Catalogue | None, pid: str) -> str:
    """A power in words, its id after: 'Transport (transport)'; the id alone without a catalogue."""
    info = cat.powers.get(pid) if cat else None
    return f"{info.title} ({pid})" if info else pid


def render_unlock(u, width: int = 100, cat: Catalogue | None = None) -> str:
    what = "the whole package asked for" if u.target == "package" else _power_name(cat, u.target)
    lines = [f"What would it take for {u.place.name} ({u.place.id}) to have {what}, as of {u.as_of.isoformat()} "
             f"(rule pack {u.pack.id})"]
    if u.already:
        lines.append("  Nothing: it is available already, so there is nothing to unlock.")
    elif u.answers:
        lines.append(f"  The cheapest sets of declared moves (each minimal: no smaller set does it; cost in "
                     f"{COST_UNIT}, the pack's scale, time in months):")
        for i, a in enumerate(u.answers, 1):
            lines.append(f"    {i}. " + " + ".join(m.title for m in a.moves) + f": cost {a.cost:g} ({COST_UNIT}), "
                         f"about {a.months:g} months")
            for m in a.moves:
                lines.append("         " + (m.note if len(a.moves) == 1 else f"{m.title}: {m.note}"))
            shown = [f"{_power_name(cat, u.target)} {words(changed(b))} -> {words(changed(c))}"
                     for p, (b, c) in a.outcome.items() if p == u.target]
            others: dict[str, int] = {}
            for p, (b, c) in a.outcome.items():
                if p != u.target:
                    change = f"{words(changed(b))} -> {words(changed(c))}"
                    others[change] = others.get(change, 0) + 1
            shown += [f"{n} other power{'s' if n > 1 else ''}: {change}" for change, n in others.items()]
            if shown:
                lines.append("         then: " + "; ".join(shown))
    else:
        lines.append("  No set of the pack's declared moves " + ("that was tried " if u.incomplete else "")
                     + "unlocks it, because:")
        for reason in u.why_not:
            lines.append(f"    - {reason}")
    if u.incomplete:
        lines.append(f"  Not a complete search: {u.incomplete}.")
    for change in u.changes_ahead:
        lines.append(f"  Ahead: {change}.")
    if u.join:
        lines.append("")
        lines.append(f"Below the negotiation level, it could {u.join_move.title.lower()} (cost "
                     f"{u.join_move.cost:g}, {COST_UNIT}; about {u.join_move.months:g} months). Groupings that would "
                     "reach it (each one connected area by the ONS adjacency of districts):")
        for o in u.join:
            state = {True: "eligible", False: "not eligible", None: "eligibility undetermined"}[o.eligible]
            pop = f"{fmt(o.population)} people" if o.population is not None else "unknown"
            lines.append(f"  - {o.how}: {', '.join(o.names)}; population {pop} ({o.population_year} Census); {state}")
    return fit("\n".join(lines) + "\n", width)
