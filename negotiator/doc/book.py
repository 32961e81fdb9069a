"""A rule pack as a document: every fact, rule, tier, power, menu, move, counterpart, parameter,
obligation and source in words, each with where it is declared, its dates of force, what it uses
and what uses it.

The rulebook is a pure function of the pack (and of the policy cases and counterparts read beside
it), so the same pack gives byte-identical pages. Entries refer to each other by `Ref` (a kind and
an id); the renderers turn a Ref into a link (HTML) or into words (Markdown).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..pack.ir import All, Any_, Compare, Cond, Not, Pack, RuleRef, walk
from ..values import show, yes_no
from ..vocab.facts import MONTHS_SUFFIX, FactDecl
from .model import KIND_WORD, PAGE, SECTIONS, Book, Case, Entry, Line, Pairing, Part, Ref, Section

__all__ = ["build_book", "Book", "Case", "Entry", "Line", "Pairing", "Ref", "Section", "KIND_WORD", "PAGE",
           "SECTIONS"]

OP_WORDS = {"eq": "is", "ne": "is not", "lt": "is less than", "lte": "is at most", "gt": "is more than",
            "gte": "is at least", "in": "is one of", "not_in": "is none of"}


class _Builder:
    def __init__(self, pack: Pack, description: str, cases: list[Case], pairings: list[Pairing]):
        self.pack = pack
        self.description = description
        self.cases = cases
        self.pairings = pairings
        self.used_by: dict[tuple[str, str], list[tuple[str, Ref]]] = defaultdict(list)

    # --- words -------------------------------------------------------------------------------------
    def fact_title(self, name: str) -> str:
        base = name.removesuffix(MONTHS_SUFFIX)
        decl = self.pack.facts.get(base)
        title = (decl.title if decl and decl.title else base)
        return f"months since {title[:1].lower() + title[1:]}" if name.endswith(MONTHS_SUFFIX) else title

    def fact_ref(self, name: str) -> Ref:
        base = name.removesuffix(MONTHS_SUFFIX)
        return Ref("fact", base, self.fact_title(name))

    def rule_ref(self, rid: str) -> Ref:
        rule = self.pack.rules.get(rid)
        return Ref("rule", rid, _short(rule.statement) if rule else rid)

    def power_ref(self, pid: str) -> Ref:
        try:
            return Ref("power", pid, self.pack.power(pid).title)
        except KeyError:
            return Ref("power", pid, pid)

    def tier_ref(self, tid: str) -> Ref:
        try:
            return Ref("tier", tid, self.pack.tier(tid).title)
        except KeyError:
            return Ref("tier", tid, tid)

    def source_ref(self, key: str | None) -> Ref | None:
        if not key:
            return None
        return Ref("source", key, self.pack.cite(key))

    def param_ref(self, name: str) -> Ref:
        prm = self.pack.parameters.get(name)
        return Ref("parameter", name, _param_title(name, prm.description if prm is not None else ""))

    def value_words(self, fact: str, value: Any) -> str:
        decl = self.pack.facts.get(fact.removesuffix(MONTHS_SUFFIX))
        if isinstance(value, tuple):
            return ", ".join(self.value_words(fact, v) for v in value)
        if isinstance(value, bool):
            return yes_no(value)
        if decl is not None and decl.type == "choice" and isinstance(value, str):
            return decl.title_of(value)
        if decl is not None and decl.type == "list" and decl.of == "power" and isinstance(value, str):
            return self.power_ref(value).title
        text = show(value)
        if fact.endswith(MONTHS_SUFFIX):
            return f"{text} months"
        if decl is not None and decl.unit and isinstance(value, (int, float)):
            return f"{text} {decl.unit}"
        return text

    def condition(self, cond: Cond, depth: int = 0) -> list[Line]:
        if isinstance(cond, Compare):
            decl = self.pack.facts.get(cond.fact.removesuffix(MONTHS_SUFFIX))
            if decl is not None and decl.type == "boolean" and cond.op in ("eq", "ne") and isinstance(cond.value, bool):
                word = yes_no((cond.value is True) == (cond.op == "eq"))
                return [Line(depth, (self.fact_ref(cond.fact), f": {word}"))]
            parts: list[Part] = [self.fact_ref(cond.fact), f" {OP_WORDS[cond.op]} {self.value_words(cond.fact, cond.value)}"]
            if cond.param:
                parts += [" (parameter ", self.param_ref(cond.param), ")"]
            return [Line(depth, tuple(parts))]
        if isinstance(cond, RuleRef):
            return [Line(depth, ("rule holds: ", self.rule_ref(cond.rule)))]
        if isinstance(cond, Not):
            inner = self.condition(cond.item, depth + 1)
            if len(inner) == 1:
                return [Line(depth, ("not: ",) + inner[0].parts)]
            return [Line(depth, ("not all of the following:",))] + inner
        if isinstance(cond, (All, Any_)):
            word = "all of:" if isinstance(cond, All) else "any of:"
            return [Line(depth, (word,))] + [ln for item in cond.items for ln in self.condition(item, depth + 1)]
        return [Line(depth, (str(cond),))]

    def use(self, target: tuple[str, str], how: str, by: Ref) -> None:
        pair = (how, by)
        if pair not in self.used_by[target]:
            self.used_by[target].append(pair)

    # --- sections ----------------------------------------------------------------------------------
    def rules(self) -> list[Entry]:
        out = []
        special = {s.rule: s for s in self.pack.special_cases}
        weights = {w.rule: w for w in self.pack.readiness}
        for rid, rule in self.pack.rules.items():
            e = Entry("rule", rid, _short(rule.statement), rule.statement, self.source_ref(rule.source),
                      rule.in_force.text(), str(rule.where), lines=self.condition(rule.when),
                      lines_title="It holds when")
            if rid == self.pack.negotiation_rule:
                e.facts.append(("role", "the negotiation rule: a place negotiates only where it holds"))
            if rid in special:
                e.facts.append(("special case", f"{special[rid].title}: {special[rid].text}"))
            if rid in weights:
                e.facts.append(("readiness weight", f"{weights[rid].weight:g} (assumption: {weights[rid].assumption})"))
            for node in walk(rule.when):
                if isinstance(node, Compare):
                    self.use(("fact", node.fact.removesuffix(MONTHS_SUFFIX)), "read by", e.ref)
                    if node.param:
                        self.use(("parameter", node.param), "used by", e.ref)
                elif isinstance(node, RuleRef):
                    self.use(("rule", node.rule), "read by", e.ref)
            e.uses = _dedupe([self.fact_ref(n.fact) for n in walk(rule.when) if isinstance(n, Compare)]
                             + [self.rule_ref(n.rule) for n in walk(rule.when) if isinstance(n, RuleRef)]
                             + [self.param_ref(n.param) for n in walk(rule.when) if isinstance(n, Compare) and n.param])
            if e.source:
                self.use(("source", e.source.id), "cited by", e.ref)
            out.append(e)
        return out

    def powers(self) -> list[Entry]:
        out = []
        for menu, title in self.pack.menus.items():
            members = [p for p in self.pack.powers if p.menu == menu]
            e = Entry("menu", menu, title, lines=[Line(0, (self.power_ref(p.id),)) for p in members],
                      lines_title="Its powers")
            out.append(e)
        for p in self.pack.powers:
            e = Entry("power", p.id, p.title, p.statement, self.source_ref(p.source), p.in_force.text(), str(p.where))
            if p.menu:
                e.facts.append(("menu", self.pack.menus.get(p.menu, p.menu)))
            e.facts.append(("accountability its substance needs", self.pack.tier(p.tier).title))
            needs = [self.pack.negotiation_rule] + [r for r in p.requires if r != self.pack.negotiation_rule]
            e.lines = [Line(0, (self.rule_ref(r),)) for r in needs]
            e.lines_title = "Rules that must hold (the negotiation rule always)"
            raised = [req for req in self.pack.requirements_by_power.get(p.id, ())]
            for req in raised:
                e.lines.append(Line(0, ("where ", self.rule_ref(req.rule), " holds, it needs at least ",
                                        self.tier_ref(req.tier))))
            e.uses = _dedupe([self.tier_ref(p.tier)] + [self.rule_ref(r) for r in needs]
                             + [self.rule_ref(req.rule) for req in raised] + [self.tier_ref(req.tier) for req in raised])
            for r in needs:
                self.use(("rule", r), "required by", e.ref)
            for req in raised:
                self.use(("rule", req.rule), "raises the tier of", e.ref)
                self.use(("tier", req.tier), "needed by", e.ref)
            self.use(("tier", p.tier), "needed by", e.ref)
            # a menu lists its powers under "Its powers": not again as what uses it
            if e.source:
                self.use(("source", e.source.id), "cited by", e.ref)
            out.append(e)
        b = self.pack.budget
        if b is not None:
            e = Entry("budget", "budget", b.title, b.total_note, self.source_ref(b.source))
            e.facts.append(("unit", b.unit))
            for name, label in ((b.reduction_param, "reduction"), (b.retention_param, "retention"),
                                (b.horizon_param, "horizon")):
                if name:
                    prm = self.pack.parameters[name]
                    e.facts.append((label, f"{show(prm.value)} {prm.unit} (parameter {name})"))
                    self.use(("parameter", name), "used by", e.ref)
            for s in b.scopes:
                e.lines.append(Line(0, (f"{s.title}: granted with ", self.power_ref(s.power))))
                for cid in s.components:
                    c = b.component(cid)
                    parts: list[Part] = [c.title]
                    if c.baseline_fact:
                        parts += [", today's spend from ", self.fact_ref(c.baseline_fact)]
                        self.use(("fact", c.baseline_fact), "read by", e.ref)
                    e.lines.append(Line(1, tuple(parts)))
                self.use(("power", s.power), "grants the budget scope", e.ref)
            if b.total_fact:
                self.use(("fact", b.total_fact), "read by", e.ref)
            e.lines_title = "Scopes and their components"
            if e.source:
                self.use(("source", e.source.id), "cited by", e.ref)
            out.append(e)
        return out

    def tiers(self) -> list[Entry]:
        out = []
        model = self.pack.model_fact
        for t in self.pack.tiers:
            e = Entry("tier", t.id, t.title, t.statement, self.source_ref(t.source))
            e.facts.append(("rank", f"{t.rank + 1} of {len(self.pack.tiers)} (weakest first)"))
            e.lines = [Line(0, (self.fact_ref(model), f" is {self.value_words(model, m)}")) for m in t.models]
            e.lines_title = "Accountability models at this tier"
            for c in t.conditions:
                e.lines.append(Line(0, ("where ", self.rule_ref(c.rule), f" holds, it brings: {c.text}")))
                self.use(("rule", c.rule), "sets a condition of", e.ref)
            self.use(("fact", model), "read by", e.ref)
            if e.source:
                self.use(("source", e.source.id), "cited by", e.ref)
            out.append(e)
        if self.pack.unlisted_models != "unknown":
            out[0].facts.append(("a model no tier lists", f"counts as {self.pack.tier(self.pack.unlisted_models).title}"))
        return out

    def facts(self) -> list[Entry]:
        out = []
        for name in sorted(self.pack.facts):
            decl = self.pack.facts[name]
            if name.startswith("requested."):
                continue
            e = Entry("fact", name, decl.title or name, decl.description, self.source_ref(decl.source),
                      declared=decl.declared_in)
            e.facts.append(("kind of value", _type_words(decl, self)))
            if decl.unit:
                e.facts.append(("unit", decl.unit))
            if decl.minimum is not None or decl.maximum is not None:
                lo = "" if decl.minimum is None else (("more than " if decl.exclusive_minimum else "at least ")
                                                      + show(decl.minimum))
                hi = "" if decl.maximum is None else f"at most {show(decl.maximum)}"
                e.facts.append(("range", " and ".join(x for x in (lo, hi) if x)))
            if decl.better:
                e.facts.append(("more capable when", {"true": "yes", "false": "no"}.get(decl.better, decl.better)))
            if decl.measured:
                e.facts.append(("dates", "a measurement: the one nearest the date of evaluation is used"))
            elif decl.computed:
                e.facts.append(("dates", "computed from the profile, never stated in it"))
            else:
                e.facts.append(("dates", "a history of values, each with the date it took effect; unknown before "
                                         "the first"))
            if decl.type == "choice":
                e.lines = [Line(0, (f"{decl.title_of(v)} ({v})",)) for v in decl.values]
                e.lines_title = "Its values" + (", least to most capable" if decl.ordered else "")
            if name == self.pack.vocabulary.requests:
                e.facts.append(("role", "the powers a place asks for: 'asks for' in the rules reads it"))
            if e.source:
                self.use(("source", e.source.id), "cited by", e.ref)
            out.append(e)
        return out

    def parameters(self) -> list[Entry]:
        out = []
        for name, prm in self.pack.parameters.items():
            title = _param_title(name, prm.description)
            said = prm.description if " ".join(prm.description.split()).rstrip(".") != title else ""
            e = Entry("parameter", name, title, said, self.source_ref(prm.reference))
            e.facts.append(("value", f"{show(prm.value)} {prm.unit}".strip()))
            if prm.minimum is not None or prm.maximum is not None:
                e.facts.append(("may be set", " and ".join(x for x in (
                    f"at least {show(prm.minimum)}" if prm.minimum is not None else "",
                    f"at most {show(prm.maximum)}" if prm.maximum is not None else "") if x)))
            e.facts.append(("basis", f"assumption: {prm.assumption}" if prm.assumption else
                            f"from the source: {self.pack.cite(prm.reference or '')}"))
            if e.source:
                self.use(("source", e.source.id), "cited by", e.ref)
            out.append(e)
        rp = self.pack.round_policy
        lines: list[Line] = []
        for label, param in (("least readiness to go in a tranche", rp.min_readiness_param),
                             ("months a negotiation takes", rp.negotiation_months_param),
                             ("other negotiations under way", rp.other_count_param),
                             ("share of capacity they use", rp.other_share_param)):
            if param:
                lines.append(Line(0, (f"{label}: ", self.param_ref(param))))
        if rp.needs_an_offer:
            lines.append(Line(0, ("a place goes in a tranche only with something that can be decided now",)))
        for w in self.pack.readiness:
            lines.append(Line(0, (f"readiness weight {w.weight:g} where ", self.rule_ref(w.rule),
                                  f" holds (assumption: {w.assumption})")))
        lines += [Line(0, (note,)) for note in rp.notes]
        if lines:
            e = Entry("round", "round", "How a round chooses who goes first", rp.other_title or "",
                      self.source_ref(rp.timetable_source), lines=lines, lines_title="The round's policy")
            for param in (rp.min_readiness_param, rp.negotiation_months_param, rp.other_count_param,
                          rp.other_share_param):
                if param:
                    self.use(("parameter", param), "used by", e.ref)
            for w in self.pack.readiness:
                self.use(("rule", w.rule), "weighs readiness in", e.ref)
            out.append(e)
        return out

    def moves(self) -> list[Entry]:
        out = []
        for m in list(self.pack.moves) + ([self.pack.join] if self.pack.join else []):
            e = Entry("move", m.id, m.title, "", self.source_ref(m.source))
            e.facts.append(("cost", f"{m.cost:g} (relative effort: 1 a matter for the councils, higher a formal "
                                    "change)"))
            e.facts.append(("time", f"{m.months:g} months"))
            if m.wait_months:
                e.facts.append(("waits", f"{m.wait_months} months"))
            if m.note:
                e.facts.append(("assumption" if not m.source else "note", m.note))
            e.lines = [Line(0, (self.fact_ref(f), " becomes " + ("the date of the move" if v == "as_of"
                                                                 else self.value_words(f, v))))
                       for f, v in m.sets]
            e.lines_title = "What it changes"
            for f, _v in m.sets:
                self.use(("fact", f), "set by", e.ref)
                if f == self.pack.model_fact:
                    tier = self.pack.tier_of_model(_v)
                    if tier:
                        self.use(("tier", tier.id), "reached by", e.ref)
            if m.requires is not None:
                e.lines.append(Line(0, ("It can be made only where:",)))
                e.lines += self.condition(m.requires, 1)
                for node in walk(m.requires):
                    if isinstance(node, Compare):
                        self.use(("fact", node.fact.removesuffix(MONTHS_SUFFIX)), "needed before", e.ref)
                    elif isinstance(node, RuleRef):
                        self.use(("rule", node.rule), "needed before", e.ref)
            if e.source:
                self.use(("source", e.source.id), "cited by", e.ref)
            out.append(e)
        return out

    def counterparts(self) -> list[Entry]:
        out = []
        for pg in self.pairings:
            this_then = pg.then_pack == self.pack.id
            for then_id, then_title, now, note in pg.pairs:
                if this_then:
                    e = Entry("counterpart", then_id, f"{then_title} → {pg.now_pack}", note, declared=pg.file)
                    e.lines = [Line(0, (self.power_ref(then_id), f" answers to {title} ({pid}) in {pg.now_pack}"))
                               for pid, title in now] or [Line(0, (f"no counterpart in {pg.now_pack}",))]
                    self.use(("power", then_id), f"has counterparts in {pg.now_pack}:", e.ref)
                else:
                    e = Entry("counterpart", then_id, f"{then_title} ({pg.then_pack})", note, declared=pg.file)
                    e.lines = [Line(0, (self.power_ref(pid),)) for pid, _t in now] or [
                        Line(0, ("no counterpart in this pack",))]
                    for pid, _t in now:
                        self.use(("power", pid), f"answers to a power of {pg.then_pack}:", e.ref)
                e.lines_title = "Counterparts"
                out.append(e)
            if not this_then and pg.new:
                e = Entry("counterpart", f"new-in-{self.pack.id}", f"New in this framework (no power of "
                          f"{pg.then_pack} maps to them)", declared=pg.file,
                          lines=[Line(0, (self.power_ref(pid),)) for pid, _t in pg.new], lines_title="Powers")
                out.append(e)
        return out

    def obligations(self) -> list[Entry]:
        out = []
        for o in self.pack.obligations:
            e = Entry("obligation", o.id, o.title, o.statement, self.source_ref(o.source))
            if e.source:
                self.use(("source", e.source.id), "cited by", e.ref)
            out.append(e)
        return out

    def case_entries(self) -> list[Entry]:
        out = []
        for c in self.cases:
            e = Entry("case", _slug(c.name), c.name, declared=c.file)
            e.facts.append(("place", c.place))
            e.facts.append(("as of", c.as_of or f"the pack's date of effect ({self.pack.effective.isoformat()})"))
            if c.failures is not None:
                e.facts.append(("today", "holds" if not c.failures else "FAILS: " + "; ".join(c.failures)))
            lines = []
            if c.change:
                lines.append(Line(0, ("With these facts changed:",)))
                for f, v in c.change:
                    if f in self.pack.facts:
                        lines.append(Line(1, (self.fact_ref(f), " = " + ("unknown" if v is None
                                                                          else self.value_words(f, v)))))
                        self.use(("fact", f), "changed in", e.ref)
                    else:
                        lines.append(Line(1, (f"{f} = {v}",)))
            when = None
            for path, v, on in c.expect:
                if on != when or when is None:
                    when = on
                    lines.append(Line(0, (f"As of {on}, the evaluation concludes:" if on
                                          else "The evaluation concludes:",)))
                lines.append(Line(1, self.expectation(path, v)))
            for rid in c.rules_true:
                lines.append(Line(1, ("rule holds: ", self.rule_ref(rid))))
                self.use(("rule", rid), "shown in", e.ref)
            for rid in c.rules_false:
                lines.append(Line(1, ("rule fails: ", self.rule_ref(rid))))
                self.use(("rule", rid), "shown in", e.ref)
            e.lines = lines
            e.lines_title = "Worked through"
            out.append(e)
        return out

    def expectation(self, path: str, value: Any) -> tuple[Part, ...]:
        words = value.replace("_", " ") if isinstance(value, str) else show(value)
        if path == "negotiation.eligible":
            return ("at the negotiation level: " + (yes_no(value) if isinstance(value, bool) else words),)
        if path.startswith("powers.") and path.endswith(".status"):
            pid = path[len("powers."):-len(".status")]
            return ("power ", self.power_ref(pid), f": {words}")
        if path.startswith("accountability.") and isinstance(value, str):
            label = path.split(".", 1)[1].replace("_", " ") + ": "
            if value in {t.id for t in self.pack.tiers}:
                return (label, self.tier_ref(value))
            return (label + self.value_words(self.pack.model_fact, value),)
        return (f"{path}: {words}",)

    def sources(self) -> list[Entry]:
        return [Entry("source", key, text) for key, text in self.pack.sources.items()]

    def build(self) -> Book:
        made = {"rule": self.rules(), "power": self.powers(), "tier": self.tiers(), "fact": self.facts(),
                "parameter": self.parameters(), "move": self.moves(), "counterpart": self.counterparts(),
                "obligation": self.obligations(), "case": self.case_entries(), "source": self.sources()}
        for entries in made.values():
            for e in entries:
                e.used_by = list(self.used_by.get((e.kind, e.id), []))
        sections = [Section(kind, page, title, INTRO[kind], made[kind]) for kind, page, title in SECTIONS
                    if made[kind]]
        p = self.pack
        return Book(p.id, p.title, p.version, p.effective.isoformat(), p.hash, p.root, self.description,
                    p.files, sections)


INTRO = {
    "rule": "Each rule is a derived fact: for a place on a date it holds, fails, or is undetermined (a fact it "
            "needs is unknown, never taken as false). A rule not in force on the date fails.",
    "power": "The menus and the powers on them: the accountability each power's substance needs, the rules that "
             "must hold for it, and the rules that raise the tier it needs.",
    "tier": "Accountability tiers, weakest first. A power is available only where the place's model reaches the "
            "tier it needs (the sliding scale).",
    "fact": "Every fact the pack may read, as a profile states it (facts of other packs a profile may also "
            "carry are not listed). An absent fact is unknown.",
    "parameter": "Every number the rules use: its value, and the source it comes from or the assumption it "
                 "rests on. A round config or --set may change it.",
    "move": "Changes a place can make, which `negotiator unlock` combines: what each changes, what it needs "
            "first, and its cost and time (assumptions for ranking, not estimates from the sources).",
    "counterpart": "How this pack's powers and another pack's answer to each other (counterparts.yaml), as "
                   "`negotiator compare` reads them.",
    "obligation": "What a deal asks of the place in return.",
    "case": "Worked examples: each policy case in cases/ is a sentence with a place, a date, any facts changed, "
            "and what the evaluation must conclude. `negotiator test` runs them.",
    "source": "Every source the pack cites, and what cites it.",
}


def _param_title(name: str, description: str) -> str:
    """A parameter's heading: what it is, from its description (its id is shown beside it), else its id in words."""
    return _short(description) if description.strip() else name.replace("_", " ")


def _short(statement: str, limit: int = 90) -> str:
    """The first sentence of a statement (cut at a word, at most `limit` characters)."""
    text = " ".join(statement.split())
    for end in (". ", "; "):
        cut = text.find(end)
        if 0 < cut < limit:
            return text[:cut]
    if len(text) <= limit:
        return text.rstrip(".")
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _slug(text: str) -> str:
    import re
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _dedupe(refs: list[Ref]) -> list[Ref]:
    return list(dict.fromkeys(refs))


def _type_words(decl: FactDecl, b: _Builder) -> str:
    if decl.type == "choice":
        return "one of named values" + (" (a ladder)" if decl.ordered else "")
    if decl.type == "list":
        return "a list of the pack's powers" if decl.of == "power" else "a list of text"
    if decl.type == "date":
        return "a date" + (" or never" if decl.never else "")
    return {"boolean": "yes or no", "integer": "a whole number", "number": "a number",
            "text": "text" + (f" ({decl.pattern_hint})" if decl.pattern_hint else "")}.get(decl.type, decl.type)


def build_book(pack: Pack, description: str = "", cases: list[Case] | None = None,
               pairings: list[Pairing] | None = None) -> Book:
    """The rulebook of a pack: a pure function of its arguments."""
    return _Builder(pack, description, cases or [], pairings or []).build()
