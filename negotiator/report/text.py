"""Plain-text renderings of results for people: evaluate summaries and explanations.

Renderers return text; the CLI decides whether it goes to a terminal (with
colour) or elsewhere (plain). User text passes through `text.terminal` at the
CLI, so no escape sequence from a profile reaches the terminal.
"""

from __future__ import annotations

from datetime import date

from ..results import (
    STATUS_TITLE, TRUTH_MARK, Catalogue, CondNode, Evaluation, Explanation, FactValue, PowerResult, RuleChain, Status,
    Step,
)
from ..months import months_between
from ..vocab.facts import NEVER
from .fit import fit
from ..values import fmt
from ..workspace import from_here, where_from_here
from .phrases import existence_word, gbp, mark_assumptions, models_text, scope_sentence, words

STATUS_ORDER = (Status.available, Status.needs_stronger_accountability, Status.not_available, Status.undetermined,
                Status.not_in_force)


def wrap(text: str, indent: str, width: int = 100) -> list[str]:
    """One logical line: `fit` wraps every rendering to its width at the end (words whole, continuation lines
    under their own text), so what is indented below a line is wrapped as well as the line itself."""
    return [indent + " ".join(text.split())]


def fact_text(name: str, fv: FactValue | None) -> str:
    if fv is None:
        return f"{name} = unknown"
    since = ""
    if fv.since is not None:
        since = f" ({'measured' if fv.measured else 'since'} {fv.since.isoformat()})"
    return f"{name} = {fmt(fv.value) if not isinstance(fv.value, list) else ', '.join(fv.value) or 'none'}{since}"


def cite_once(cited: dict[str, int], text: str) -> str:
    """'source [n]: TEXT' the first time a source is cited, 'source [n] (above)' after."""
    if text in cited:
        return f"source [{cited[text]}] (above)"
    cited[text] = len(cited) + 1
    return f"source [{cited[text]}]: {text}"


def _tier_of(tiers: dict, tier_id: str) -> str:
    """A tier in words: 'tier 2 of 3, Joint governance (...)'."""
    t = tiers.get(tier_id)
    return f"tier {t.rank + 1} of {len(tiers)}, {t.title}" if t else words(tier_id)


def tier_words(cat: Catalogue, tier_id: str) -> str:
    return _tier_of({t.id: t for t in cat.tiers}, tier_id)


class _Renderer:
    def __init__(self, ev: Evaluation, cat: Catalogue, width: int):
        self.ev, self.cat, self.width = ev, cat, width
        self.cited: dict[str, int] = {}
        self.said: set[str] = set()  # rules whose statement a power's reasons have shown already

    def wrap(self, text: str, indent: str) -> list[str]:
        return wrap(text, indent, self.width)

    def step_lines(self, step: Step, indent: str) -> list[str]:
        info = self.cat.rules[step.rule]
        out = self.wrap(f"{TRUTH_MARK[step.result.value]} {step.rule}: {info.statement}", indent)
        if not step.in_force:
            out += self.wrap(f"{info.in_force}: not in force on {self.ev.as_of.isoformat()}", indent + "    ")
        if step.facts:
            shown = [fact_text(n, self.ev.facts.get(n)) if not n.endswith("@months") else self.months_text(n)
                     for n in step.facts]
            out += self.wrap("facts: " + "; ".join(shown), indent + "    ")
        if step.missing:
            out += self.wrap(f"missing: {', '.join(step.missing)}", indent + "    ")
        if step.failed:
            out += self.wrap(f"fails on: {mark_assumptions(self.cat, '; '.join(step.failed))}", indent + "    ")
        out += self.wrap(self.cite(self.cat.cite(info.source)), indent + "    ")
        return out

    def cite(self, text: str) -> str:
        """A source in full the first time, then by its number."""
        return cite_once(self.cited, text)

    def months_text(self, name: str) -> str:
        """'months since X = N (X = DATE)' for a months_since test, from the date fact it reads."""
        base = name.removesuffix("@months")
        fv = self.ev.facts.get(base)
        if fv is None:
            return f"months since {base} = unknown"
        if fv.value == NEVER:
            return f"months since {base}: never ({fact_text(base, fv)})"
        start = fv.value if isinstance(fv.value, date) else date.fromisoformat(str(fv.value))
        shown = f"{base} = {start.isoformat()}" if fv.since in (None, start) else fact_text(base, fv)
        return f"months since {base} = {months_between(start, self.ev.as_of)} ({shown})"

    def sub_steps(self, rule_id: str, indent: str, shown: set[str], depth: int = 0) -> list[str]:
        """The rules a rule reads, each with its facts, below it (for rules built from other rules)."""
        out: list[str] = []
        if depth >= 4:
            return out
        for sub in self.ev.steps[rule_id].rules:
            if sub in shown:
                continue
            shown.add(sub)
            out += self.step_lines(self.ev.steps[sub], indent)
            out += self.sub_steps(sub, indent + "    ", shown, depth + 1)
        return out

    def tier_words(self, tier_id: str) -> str:
        return tier_words(self.cat, tier_id)

    def why(self, p: PowerResult) -> list[str]:
        tier = self.cat.tier(p.required_tier)
        info = self.cat.powers[p.id]
        judged = " (a tier the pack assigns by judgment)" if info.tier_judgment and p.required_tier == info.tier else ""
        if p.status == Status.available:
            text = f"needs {self.tier_words(p.required_tier)}{judged}: met"
            for rule in p.conditions:
                text += f"; {tier.conditions[rule]}"
            return self.wrap(text, "")
        if p.status == Status.needs_stronger_accountability:
            raised = f" (raised by {', '.join(p.raised_by)})" if p.raised_by else ""
            text = f"needs {self.tier_words(p.required_tier)}{raised}{judged}: {models_text(p.models)} would do"
            for rule in p.conditions:
                text += f"; {tier.conditions[rule]}"
            return self.wrap(text, "")
        if p.status == Status.not_available:
            out = []
            for rid in p.failed:
                if rid in self.said:
                    out += self.wrap(f"fails {rid} (as above)", "")
                    continue
                self.said.add(rid)
                step = self.ev.steps[rid]
                facts = "; ".join(fact_text(n, self.ev.facts.get(n)) for n in step.facts)
                out += self.wrap(f"fails {rid}: {self.cat.rules[rid].statement}" + (f" [{facts}]" if facts else ""), "")
            return out
        if p.status == Status.not_in_force:
            return self.wrap(f"{self.cat.powers[p.id].in_force}; not in force on {self.ev.as_of.isoformat()}", "")
        return self.wrap("missing: " + ", ".join(p.missing), "")


def on_record(ev: Evaluation, cat: Catalogue) -> list[str]:
    """Rules no decision reads (not the negotiation rule, a power's, a requirement, a tier condition, a readiness
    weight, nor a part of another rule): what a place has, kept for the record (e.g. a settlement in force)."""
    read = {ev.negotiation.rule, *ev.accountability.requirements}
    read |= {r for p in cat.powers.values() for r in p.requires}
    read |= {r for p in ev.powers for r in p.requirements}
    read |= {r for t in cat.tiers for r in t.conditions}
    read |= {part.rule for part in (ev.readiness.parts if ev.readiness else [])}
    read |= {r for step in ev.steps.values() for r in step.rules}
    return [rid for rid in sorted(ev.steps) if rid not in read]


def summary(ev: Evaluation, cat: Catalogue) -> str:
    """The answer in one sentence: eligibility, how many powers have each status, the package's tier."""
    word = {True: "ELIGIBLE to negotiate", False: "NOT ELIGIBLE to negotiate",
            None: "UNDETERMINED whether it can negotiate"}[ev.negotiation.eligible]
    if not ev.pack_in_force:
        word = f"the pack was NOT IN FORCE on {ev.as_of.isoformat()}; were it in force: " + word
    counts = [(STATUS_TITLE[st], sum(1 for p in ev.powers if p.status == st)) for st in STATUS_ORDER]
    parts = [word, "; ".join(f"{title.lower()}: {n} power{'s' if n != 1 else ''}" for title, n in counts if n)]
    asked = [p for p in ev.powers if p.requested]
    if asked:
        ready = sum(1 for p in asked if p.status == Status.available)
        parts.append(f"of the {len(asked)} power{'s' if len(asked) != 1 else ''} asked for, {ready} available now")
    acc = ev.accountability
    if acc.requested and acc.required_tier:
        met = {True: "met", False: "NOT met", None: "undetermined"}[acc.meets_requirement]
        parts.append(f"the package needs {tier_words(cat, acc.required_tier)}: {met}")
    return "; ".join(parts) + "."


def render_evaluation(ev: Evaluation, cat: Catalogue | None = None, width: int = 100) -> str:
    """A readable summary of one evaluation."""
    cat = cat or ev.catalogue
    assert cat is not None
    R = _Renderer(ev, cat, width)
    place, pack = ev.place, ev.pack
    lines = []
    kind = ev.facts.get("kind")
    pop = ev.facts.get("population")
    pop_text = (f"population {fmt(pop.value)} ({'measured ' + pop.since.isoformat() if pop.since else 'undated'})"
                if pop else "population unknown")
    head = f"{place.name} ({place.id}): " + (f"{words(str(kind.value))}, " if kind else "") + \
        f"{pop_text}, {len(place.members)} member council{'s' if len(place.members) != 1 else ''}"
    lines += R.wrap(head, "")
    lines.append(f"As of {ev.as_of.isoformat()} ({ev.as_of_note})")
    lines += R.wrap(f"Rule pack {pack.id} v{pack.version} (hash {pack.hash[:12]}) from "
                    f"{from_here(pack.path)}; profile {from_here(place.file)}", "")
    if not ev.pack_in_force:
        lines += R.wrap(f"NOT IN FORCE: {ev.pack_in_force_note}.", "")
    if ev.place_exists_note:
        lines += R.wrap(f"{existence_word(ev.place_exists_note)}: {ev.place_exists_note}.", "")
    lines.append("")
    lines += R.wrap("In sum: " + summary(ev, cat), "")
    lines.append("")

    neg = ev.negotiation
    word = {True: "ELIGIBLE to negotiate a deal", False: "NOT ELIGIBLE to negotiate a deal",
            None: "UNDETERMINED whether it can negotiate (facts missing)"}[neg.eligible]
    if not ev.pack_in_force:
        word += f", were the pack in force (it was not on {ev.as_of.isoformat()})"
    lines.append(f"Negotiation: {word}")
    lines += R.step_lines(ev.steps[neg.rule], "  ")
    shown = {neg.rule, *neg.decisive}
    for rid in neg.decisive:
        lines += R.step_lines(ev.steps[rid], "    ")
        lines += R.sub_steps(rid, "        ", shown)
    if neg.reason and neg.reason.rule not in shown:
        lines += R.step_lines(ev.steps[neg.reason.rule], "    ")
    lines.append("")

    acc = ev.accountability
    lines.append("Accountability")
    model = ev.facts.get(acc.fact)
    current = cat.tier(acc.current_tier) if acc.current_tier else None
    lines += R.wrap(f"Model: {fact_text(acc.fact, model).split(' = ', 1)[1]}; "
                    + (R.tier_words(current.id) if current else "tier unknown"), "  ")
    if acc.requested:
        req = cat.tier(acc.required_tier)
        met = {True: "met", False: "NOT met", None: "undetermined"}[acc.meets_requirement]
        lines += R.wrap(f"The package asked for ({', '.join(acc.requested)}) needs {R.tier_words(req.id)}: {met}",
                        "  ")
        for rid in acc.raised_by:
            lines += R.step_lines(ev.steps[rid], "    ")
        if acc.models:
            lines += R.wrap(f"To meet it: {models_text(acc.models)}", "  ")
        for rule in acc.conditions:
            lines += R.wrap(f"Where this tier is needed: {req.conditions[rule]} ({rule}).", "  ")
    else:
        lines.append("  The profile asks for no powers, so no package tier applies.")
    lines.append("")

    lines.append("Powers (* = asked for)")
    for status in STATUS_ORDER:
        items = [p for p in ev.powers if p.status == status]
        if not items:
            continue
        lines.append(f"  {STATUS_TITLE[status]} ({len(items)})")
        groups: dict[tuple, list[PowerResult]] = {}
        for p in items:  # powers with the same reasons are listed together, the reasons said once
            key = {Status.not_available: lambda: tuple(p.failed),
                   Status.available: lambda: (p.required_tier, tuple(p.conditions)),
                   Status.needs_stronger_accountability: lambda: (p.required_tier, tuple(p.models),
                                                                  tuple(p.conditions), tuple(p.raised_by)),
                   Status.undetermined: lambda: tuple(p.missing)}.get(status, lambda: (p.id,))()
            groups.setdefault(key, []).append(p)
        for group in groups.values():
            for p in group:
                star = "*" if p.requested else " "
                lines.append(f"   {star} {cat.powers[p.id].title} ({p.id})")
            if len(group) > 1:
                lines.append(f"        these {len(group)} powers, because:")
            lines += [f"        {line}" for line in R.why(group[0])]
    lines.append("")

    b = ev.budget
    if b:
        lines.append(b.title)
        if b.mapped_total_a_year is not None:
            since = f" ({b.mapped_total_since.isoformat()})" if b.mapped_total_since else ""
            lines += R.wrap(f"All public spending mapped in the place: {gbp(b.mapped_total_a_year)} a year{since}, "
                            "for context; the budget counts only the spending in its scope.", "  ")
        for sc in b.scopes:
            state = b.available_as if b.available_as and sc.status.value == "available" else words(sc.status.value)
            lines += R.wrap(f"{sc.title}: {state}" + (" (asked for)" if sc.requested else "")
                            + f"; {scope_sentence(b, sc)}", "  ")
        assumed = [k for k, v in b.parameters.items() if v.assumption]
        if assumed:
            lines += R.wrap(f"Assumed parameters (not in the sources): {', '.join(assumed)}", "  ")
        lines.append("")

    recorded = [rid for rid in on_record(ev, cat) if ev.steps[rid].result.value == "true"]
    if recorded:
        lines.append("On record (rules that hold which no decision reads)")
        for rid in recorded:
            lines += R.step_lines(ev.steps[rid], "  ")
        lines.append("")


    if ev.negotiation.special_case:
        case = ev.negotiation.special_case
        lines += R.wrap(f"Special case ({case.title}): {case.text}", "")
        lines.append("")

    if ev.upcoming:
        lines += R.wrap("Known changes after this date: " + "; ".join(
            f"{u.fact} becomes {fmt(u.value)} on {u.since.isoformat()}" for u in ev.upcoming), "")
        lines.append("")
    if ev.unlock:
        lines.append("What it would take (powers asked for; negotiator unlock PLACE --power ID for more)")
        for u in ev.unlock:
            lines += R.wrap(f"{u.power}: {u.text}", "  ")
        lines.append("")
    if ev.missing_facts:
        lines += R.wrap("Unknown facts that leave conclusions undetermined: " + ", ".join(ev.missing_facts), "")
        for f in ev.facts_to_collect[:3]:
            what = []
            if f.settles:
                what.append(f"settles {', '.join(f.settles)} whatever its value")
            if f.may_settle:
                what.append(f"may settle {', '.join(f.may_settle)}")
            lines += R.wrap(f"Collect first: {f.fact} ({f.title}): {'; '.join(what)}", "  ")
        lines.append("")
    ref = place.id if place.file.endswith(f"places/{place.id}.yaml") else place.file
    lines.append(f"Why a power has its status: negotiator explain {ref} POWER --as-of {ev.as_of.isoformat()}")
    return fit("\n".join(lines) + "\n", width)


def render_explanation(data: Explanation, width: int = 100) -> str:
    """The chain of rules behind one power, with each condition's outcome."""
    p, info = data.power, data.power_info
    lines = [f"{info.title} ({p.id}) for {data.place.name}: {words(p.status.value).upper()}"
             + ("" if data.pack_in_force else f", were the pack in force (it was not on {data.as_of.isoformat()})")]
    lines.append(f"  As of {data.as_of.isoformat()} ({data.as_of_note}); power {info.in_force}")
    if not data.pack_in_force:
        lines += wrap(f"NOT IN FORCE: {data.pack_in_force_note}.", "  ", width)
    if data.place_exists_note:
        lines += wrap(f"{existence_word(data.place_exists_note)}: {data.place_exists_note}.", "  ", width)
    tiers = {t.id: t for t in data.tiers}
    lines += wrap(f"{info.statement} Needs at least {_tier_of(tiers, info.tier)} on its own.", "  ", width)
    lines += wrap(f"source: {info.source} ({where_from_here(info.where)})", "    ", width)
    tier = next(t for t in data.tiers if t.id == p.required_tier)
    current = next((t for t in data.tiers if t.id == data.current_tier), None)
    model = fact_text("model", data.model).split(" = ", 1)[1]
    lines += wrap(f"Required: {_tier_of(tiers, tier.id)}; the place's model, {model}, is "
                  + (_tier_of(tiers, current.id) if current else "of unknown tier"), "  ", width)
    if p.required_tier_if_undetermined_apply:
        lines.append(f"  If undetermined requirements hold, it needs {p.required_tier_if_undetermined_apply}")
    if p.models:
        lines += wrap("Would be available with: " + models_text(p.models), "  ", width)
    if p.missing:
        lines += wrap("Missing facts: " + ", ".join(p.missing), "  ", width)
    lines.append("")
    lines.append("Prerequisites (all must hold)")
    cited: dict[str, int] = {}
    for chain in data.prerequisites:
        lines += _chain_lines(chain, "  ", width, cited)
    if data.requirements:
        lines.append("")
        lines.append("Accountability requirements that can raise the tier")
        for chain in data.requirements:
            lines += _chain_lines(chain, "  ", width, cited)
    return fit("\n".join(lines) + "\n", width)


def _chain_lines(chain: RuleChain, indent: str, width: int, cited: dict[str, int] | None = None) -> list[str]:
    head = f"{TRUTH_MARK[chain.result.value]} {chain.rule} is {chain.result.value}" + \
        (f" (raises the tier to {chain.tier})" if chain.tier else "")
    out = [indent + head]
    out += wrap(chain.statement, indent + "    ", width)
    cited = {} if cited is None else cited
    out += wrap(f"{cite_once(cited, chain.source)}; declared at {where_from_here(chain.where)}; {chain.in_force}", indent + "    ",
                width)
    known = [fact_text(n, fv) for n, fv in chain.facts.items() if fv is not None and fv.since is not None]
    if known:
        out += wrap("dated values used: " + "; ".join(known), indent + "    ", width)
    out += _cond_lines(chain.conditions, indent + "    ")
    if chain.missing:
        out += wrap(f"missing: {', '.join(chain.missing)}", indent + "    ", width)
    for sub in chain.because:
        out += _chain_lines(sub, indent + "    ", width, cited)
    return out


def _cond_lines(node: CondNode, indent: str) -> list[str]:
    mark = TRUTH_MARK[node.result.value]
    if node.kind == "test":
        return [f"{indent}{mark} {node.text}   ({node.fact} = {fmt(node.value)})"]
    if node.kind == "rule":
        return [f"{indent}{mark} {node.text}"]
    if node.kind == "not":
        return [f"{indent}{mark} not:"] + _cond_lines(node.items[0], indent + "    ")
    out = [f"{indent}{mark} {'all of:' if node.kind == 'all' else 'any of:'}"]
    for child in node.items:
        out += _cond_lines(child, indent + "    ")
    return out
