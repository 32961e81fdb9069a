"""The pack builder: semantic validation across the files of a rule pack, then the immutable Pack."""

from __future__ import annotations

import graphlib
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import workspace
from ..bounds import value_problem
from ..errors import InputError, Problem, nearest
from ..vocab.facts import FactDecl, Vocabulary, computed_facts, months_decl
from ..yamlio import Located
from .conditions import Conditions
from .ir import (
    Budget,
    BudgetComponent,
    BudgetScope,
    InForce,
    Move,
    Obligation,
    Pack,
    Parameter,
    Power,
    Requirement,
    RoundPolicy,
    Rule,
    SpecialCase,
    Tier,
    TierCondition,
    Weight,
    Where,
    rules_in,
)
from .layout import ITEM_ID, MAX_RULES, PACK_ID, RULE_ID

if TYPE_CHECKING:
    from . import spec as S
else:
    from .layout import S  # pack/spec.py, imported when a pack is built


class Builder(Conditions):
    """Semantic validation across files, then the immutable Pack."""

    def __init__(self, root: Path, digest: str, docs: dict[str, Located], specs: dict[str, Any]):
        self.root, self.digest, self.docs, self.specs = root, digest, docs, specs
        self.problems: list[Problem] = []
        self.meta: S.PackMeta = specs["pack.yaml"]
        self.sources = dict(self.meta.sources)
        params_file = specs.get("parameters.yaml")
        self.params = params_file.parameters if params_file else {}
        self.power_ids = [p.id for p in specs["powers.yaml"].powers]
        self.rule_where: dict[str, tuple[str, tuple]] = {}
        self.rule_ids: set[str] = set()
        self.set_by: dict[str, str] = {}
        self.broken_params: set[str] = set()

    def err(self, file: str, path: tuple, message: str, suggestion: str | None = None) -> None:
        self.problems.append(self.docs[file].problem(path, message, suggestion))

    def check_source(self, file: str, path: tuple, key: str) -> None:
        if key not in self.sources:
            self.err(file, path, f"unknown source '{key}' (declare it under sources: in pack.yaml)",
                     nearest(key, self.sources))

    # --- the vocabulary -------------------------------------------------------------------------
    def vocabulary(self) -> Vocabulary:
        facts: dict[str, FactDecl] = {}
        owner: dict[str, str] = {}
        for i, name in enumerate(self.meta.uses):
            key = f"uses/{name}/facts.yaml"
            if key not in self.docs:
                self.err("pack.yaml", ("uses", i), f"no shared vocabulary '{name}' (a folder beside the pack, or in "
                         "the workspace's rules/, holding facts.yaml)")
                continue
            doc = self.docs[key]
            from ..vocab.declare import read_facts
            decls, extends, problems = read_facts(doc, {})
            self.problems += problems
            if extends:
                self.problems.append(doc.problem(("extends",), "a shared vocabulary cannot extend facts"))
            own_sources = doc.data.get("sources", {}) if isinstance(doc.data, dict) else {}
            for skey, text in (own_sources or {}).items():
                if skey in self.sources and self.sources[skey] != text:
                    self.err("pack.yaml", ("sources", skey), f"source '{skey}' is also declared, differently, in "
                             f"{doc.file}")
                self.sources.setdefault(skey, text)
            for n, d in decls.items():
                # the footprints vocabulary declares facts computed from the members (negotiator/footprints)
                facts[n] = replace(d, computed=True) if name == "footprints" else d
                owner[n] = doc.file
        if "facts.yaml" in self.docs:
            doc = self.docs["facts.yaml"]
            from ..vocab.declare import read_facts
            decls, extends, problems = read_facts(doc, self.sources)
            self.problems += problems
            own_sources = doc.data.get("sources", {}) if isinstance(doc.data, dict) else {}
            for skey, text in (own_sources or {}).items():
                self.sources.setdefault(skey, text)
            for n, d in decls.items():
                if n in facts:
                    self.err("facts.yaml", ("facts", n), f"fact '{n}' is already declared in {owner[n]}; "
                             "use extends: to add values")
                    continue
                facts[n] = d
            for n, ext in extends.items():
                base = facts.get(n)
                if base is None or base.type != "choice":
                    self.err("facts.yaml", ("extends", n), f"only a declared choice fact can be extended, not '{n}'",
                             nearest(n, [k for k, v in facts.items() if v.type == "choice"]))
                    continue
                clash = [v for v in ext.values if v in base.values]
                if clash:
                    self.err("facts.yaml", ("extends", n, clash[0]), f"'{clash[0]}' is already a value of '{n}'")
                    continue
                facts[n] = replace(base, values=base.values + tuple(ext.values),
                                   value_titles=base.value_titles + tuple(ext.values.items()))
        requests = self.meta.requests
        if requests is not None:
            decl = facts.get(requests)
            if decl is None or decl.type != "list" or decl.of != "power":
                self.err("pack.yaml", ("requests",), f"'{requests}' must be a declared list fact with of: power",
                         nearest(requests, facts))
                requests = None
        for n, d in list(facts.items()):
            if d.type == "list" and d.of == "power":
                facts[n] = replace(d, values=tuple(self.power_ids))
            if d.type == "date":
                m = months_decl(d)
                facts[m.name] = m
        facts.update(computed_facts(self.power_ids, requests))
        return Vocabulary(dict(sorted(facts.items())), requests=requests)

    # --- the whole pack ---------------------------------------------------------------------------
    def build(self) -> Pack:
        meta = self.meta
        if not PACK_ID.fullmatch(meta.id):
            self.err("pack.yaml", ("id",), f"'{meta.id}' is not a pack id (lower-case letters, digits and single "
                     "hyphens, e.g. route-map-2010)")
        for key, text in meta.sources.items():
            if not text.strip():
                self.err("pack.yaml", ("sources", key), "a source needs a title")
        for key in meta.menus:
            if not ITEM_ID.fullmatch(key):
                self.err("pack.yaml", ("menus", key), f"'{key}' is not a menu id (lower-case letters and underscores)")
        self.vocab = self.vocabulary()
        if self.problems:  # rules cannot be checked against a broken vocabulary
            raise InputError(self.problems)
        acc: S.AccountabilityFile = self.specs["accountability.yaml"]
        parameters = self._parameters()
        tiers = self._tiers(acc)
        tier_ids = [t.id for t in tiers]

        # Every id names one thing: rules, requirements, powers and tiers share a namespace.
        seen: dict[str, tuple[str, tuple]] = {}

        def claim(ident: str, file: str, path: tuple, pattern: re.Pattern, what: str) -> None:
            if not pattern.fullmatch(ident):
                self.err(file, path, f"'{ident}' is not a {what} id (lower-case letters, digits, underscores"
                         + (", hyphens and dots" if pattern is RULE_ID else "") + ")")
            if ident in seen:
                other_file, other_path = seen[ident]
                line = self.docs[other_file].line_of(other_path)
                self.err(file, path, f"duplicate id '{ident}' (already used in {self.docs[other_file].file}:{line})")
            else:
                seen[ident] = (file, path)
        for i, t in enumerate(acc.tiers):
            claim(t.id, "accountability.yaml", ("tiers", i, "id"), ITEM_ID, "tier")
        rule_specs: list[tuple[str, tuple, Any]] = []
        for i, r in enumerate(self.specs["rules.yaml"].rules):
            claim(r.id, "rules.yaml", ("rules", i, "id"), RULE_ID, "rule")
            rule_specs.append(("rules.yaml", ("rules", i), r))
        for i, r in enumerate(acc.requirements):
            claim(r.id, "accountability.yaml", ("requirements", i, "id"), RULE_ID, "rule")
            rule_specs.append(("accountability.yaml", ("requirements", i), r))
        for i, p in enumerate(self.specs["powers.yaml"].powers):
            claim(p.id, "powers.yaml", ("powers", i, "id"), ITEM_ID, "power")
        self.rule_ids = {s.id for _, _, s in rule_specs}
        if len(rule_specs) > MAX_RULES:
            self.err("rules.yaml", ("rules",), f"{len(rule_specs):,} rules and requirements: a pack may hold at most {MAX_RULES:,} "
                     "(split it into packs)")

        rules: dict[str, Rule] = {}
        for file, path, spec in rule_specs:
            self.check_source(file, path + ("source",), spec.source)
            in_force = self._in_force(file, path, spec.from_, spec.until)
            cond = self._checked_cond(file, path + ("when",), spec.when)
            if cond is not None and spec.id not in rules:
                rules[spec.id] = Rule(spec.id, spec.statement, spec.source, cond,
                                      Where(self.docs[file].file, self.docs[file].line_of(path + ("id",))), in_force)
                self.rule_where[spec.id] = (file, path)
        strata = self._strata(rules)

        if meta.negotiation_rule not in self.rule_ids:
            self.err("pack.yaml", ("negotiation_rule",), f"unknown rule '{meta.negotiation_rule}'",
                     nearest(meta.negotiation_rule, self.rule_ids))
        for i, t in enumerate(acc.tiers):
            for j, c in enumerate(t.conditions):
                if c.rule not in self.rule_ids:
                    self.err("accountability.yaml", ("tiers", i, "conditions", j, "rule"), f"unknown rule '{c.rule}'",
                             nearest(c.rule, self.rule_ids))

        requirements = []
        for i, r in enumerate(acc.requirements):
            path = ("requirements", i)
            if r.tier not in tier_ids:
                self.err("accountability.yaml", path + ("tier",), f"unknown tier '{r.tier}'", nearest(r.tier, tier_ids))
            applies = r.applies_to
            if isinstance(applies, list):
                for j, pid in enumerate(applies):
                    if pid not in self.power_ids:
                        self.err("accountability.yaml", path + ("applies_to", j), f"unknown power '{pid}'",
                                 nearest(pid, self.power_ids))
            requirements.append(Requirement(r.id, r.tier, tuple(applies) if isinstance(applies, list) else (applies,),
                                            applies == "all_powers"))

        powers = []
        for i, p in enumerate(self.specs["powers.yaml"].powers):
            path = ("powers", i)
            self.check_source("powers.yaml", path + ("source",), p.source)
            if p.tier not in tier_ids:
                self.err("powers.yaml", path + ("tier",), f"unknown tier '{p.tier}'", nearest(p.tier, tier_ids))
            if meta.menus and p.menu is None:
                self.err("powers.yaml", path, f"a power needs a menu (one of: {', '.join(meta.menus)})")
            elif p.menu is not None and p.menu not in meta.menus:
                self.err("powers.yaml", path + ("menu",), f"unknown menu '{p.menu}' (declare it under menus: in "
                         "pack.yaml)", nearest(p.menu, meta.menus))
            for j, rid in enumerate(p.requires):
                if rid not in self.rule_ids:
                    self.err("powers.yaml", path + ("requires", j), f"unknown rule '{rid}'", nearest(rid, self.rule_ids))
            in_force = self._in_force("powers.yaml", path, p.from_, p.until)
            powers.append(Power(p.id, p.title, p.menu, p.tier, tuple(p.requires), p.source, p.statement,
                                Where(self.docs["powers.yaml"].file, self.docs["powers.yaml"].line_of(path + ("id",))),
                                in_force, p.tier_judgment))

        budget = self._budget()
        readiness = self._readiness()
        round_policy = self._round_policy()
        special = []
        for i, sc in enumerate(meta.special_cases):
            if sc.rule not in self.rule_ids:
                self.err("pack.yaml", ("special_cases", i, "rule"), f"unknown rule '{sc.rule}'",
                         nearest(sc.rule, self.rule_ids))
            special.append(SpecialCase(sc.rule, sc.title, sc.text))
        moves, join = self._moves()
        obligations = []
        spec_o = self.specs.get("obligations.yaml")
        for i, o in enumerate(spec_o.obligations if spec_o else []):
            self.check_source("obligations.yaml", ("obligations", i, "source"), o.source)
            obligations.append(Obligation(o.id, o.title, o.statement, o.source))
        if self.problems:
            raise InputError(self.problems)
        return Pack(
            id=meta.id, version=meta.version, title=meta.title, effective=meta.effective, hash=self.digest,
            root=workspace.record(self.root), folder=str(self.root), sources=dict(sorted(self.sources.items())), parameters=parameters,
            vocabulary=self.vocab, rules=rules, strata=strata, tiers=tuple(tiers), requirements=tuple(requirements),
            powers=tuple(powers), budget=budget, negotiation_rule=meta.negotiation_rule, model_fact=acc.model_fact,
            menus=dict(meta.menus), unlisted_models=acc.unlisted_models, readiness=readiness,
            round_policy=round_policy, special_cases=tuple(special), moves=moves, join=join,
            obligations=tuple(obligations), files=tuple(sorted(d.file for d in self.docs.values())),
        )

    def _in_force(self, file: str, path: tuple, start: date | None, end: date | None) -> InForce:
        if start is not None and end is not None and end <= start:
            self.err(file, path + ("until",), f"until ({end}) must come after from ({start})")
        return InForce(start, end)

    def _parameters(self) -> dict[str, Parameter]:
        out = {}
        for name, p in self.params.items():
            path = ("parameters", name)
            if not ITEM_ID.fullmatch(name):
                self.err("parameters.yaml", path, f"'{name}' is not a parameter name (lower-case letters, digits, "
                         "underscores)")
            if p.reference is None and p.assumption is None:
                self.err("parameters.yaml", path, "a parameter needs a reference (a source) or an assumption "
                         "note with its rationale")
            if p.reference is not None:
                self.check_source("parameters.yaml", path + ("reference",), p.reference)
            if isinstance(p.value, float) and p.value != p.value or p.value in (float("inf"), float("-inf")):
                self.err("parameters.yaml", path + ("value",), f"{p.value!r} is not a finite number")
                self.broken_params.add(name)
            elif found := value_problem(p.value):
                self.err("parameters.yaml", path + ("value",), found)
                self.broken_params.add(name)
            if isinstance(p.value, (int, float)) and not isinstance(p.value, bool):
                if p.min is not None and p.value < p.min or p.max is not None and p.value > p.max:
                    self.err("parameters.yaml", path + ("value",), f"{p.value} is outside its own bounds "
                             f"({p.min} to {p.max})")
            out[name] = Parameter(name, p.value, p.unit, p.description, p.reference, p.assumption, p.min, p.max,
                                  self.set_by.get(name, "rule pack"))
        return out

    def _tiers(self, acc: S.AccountabilityFile) -> list[Tier]:
        model = self.vocab.facts.get(acc.model_fact)
        if model is None or model.type != "choice":
            self.err("accountability.yaml", ("model_fact",), f"'{acc.model_fact}' must be a declared choice fact "
                     "(the place's accountability model)", nearest(acc.model_fact, self.vocab.facts))
            models: tuple[str, ...] = ()
        else:
            models = model.values
        tiers: list[Tier] = []
        owner: dict[str, str] = {}
        for i, t in enumerate(acc.tiers):
            path = ("tiers", i)
            self.check_source("accountability.yaml", path + ("source",), t.source)
            for j, m in enumerate(t.models):
                if models and m not in models:
                    self.err("accountability.yaml", path + ("models", j), f"'{m}' is not a value of "
                             f"'{acc.model_fact}'", nearest(m, models))
                elif m in owner:
                    self.err("accountability.yaml", path + ("models", j), f"model '{m}' is already in tier '{owner[m]}'")
                else:
                    owner[m] = t.id
            tiers.append(Tier(t.id, i, t.title, tuple(t.models), t.statement, t.source,
                              tuple(TierCondition(c.rule, c.text) for c in t.conditions)))
        if acc.unlisted_models != "unknown" and acc.unlisted_models not in [t.id for t in acc.tiers]:
            self.err("accountability.yaml", ("unlisted_models",), f"'{acc.unlisted_models}' is neither unknown nor a "
                     "tier", nearest(acc.unlisted_models, [t.id for t in acc.tiers] + ["unknown"]))
        return tiers

    def _strata(self, rules: dict[str, Rule]) -> tuple[tuple[str, ...], ...]:
        """Order rules into strata: a rule comes after every rule it reads. Report a cycle."""
        deps = {rid: [d for d in rules_in(r.when) if d in rules] for rid, r in rules.items()}
        try:
            order = list(graphlib.TopologicalSorter(deps).static_order())
        except graphlib.CycleError as exc:
            cycle = list(reversed(exc.args[1]))
            file, path = self.rule_where[cycle[0]]
            self.err(file, path + ("when",), "rules form a cycle: " + " -> ".join(cycle))
            return ()
        level: dict[str, int] = {}
        for rid in order:
            level[rid] = 1 + max((level[d] for d in deps[rid]), default=-1)
        if not level:
            return ()
        return tuple(tuple(sorted(r for r in rules if level[r] == k)) for k in range(max(level.values()) + 1))

    # --- the optional files -----------------------------------------------------------------------
    def _param_ref(self, file: str, path: tuple, ref: S.ParamRef | None) -> str | None:
        if ref is None:
            return None
        if ref.param not in self.params:
            self.err(file, path + ("param",), f"unknown parameter '{ref.param}'", nearest(ref.param, self.params))
            return None
        value = self.params[ref.param].value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err(file, path + ("param",), f"parameter '{ref.param}' must be a number")
        return ref.param

    def _budget(self) -> Budget | None:
        spec: S.BudgetFile | None = self.specs.get("budget.yaml")
        if spec is None:
            return None
        b = spec.budget
        path = ("budget",)
        self.check_source("budget.yaml", path + ("source",), b.source)
        comps = []
        for i, c in enumerate(b.components):
            where = path + ("components", i)
            self.check_source("budget.yaml", where + ("source",), c.source)
            for j, pid in enumerate(c.with_powers):
                if pid not in self.power_ids:
                    self.err("budget.yaml", where + ("with_powers", j), f"unknown power '{pid}'",
                             nearest(pid, self.power_ids))
            if c.baseline is not None:
                self._number_fact("budget.yaml", where + ("baseline",), c.baseline)
            comps.append(BudgetComponent(c.id, c.title, tuple(c.with_powers), c.source, c.baseline))
        comp_ids = [c.id for c in b.components]
        scopes = []
        for i, sc in enumerate(b.scopes):
            where = path + ("scopes", i)
            self.check_source("budget.yaml", where + ("source",), sc.source)
            if sc.power not in self.power_ids:
                self.err("budget.yaml", where + ("power",), f"unknown power '{sc.power}'",
                         nearest(sc.power, self.power_ids))
            for j, cid in enumerate(sc.components):
                if cid not in comp_ids:
                    self.err("budget.yaml", where + ("components", j), f"unknown component '{cid}'",
                             nearest(cid, comp_ids))
            scopes.append(BudgetScope(sc.id, sc.title, sc.power, tuple(sc.components), sc.source))
        if b.total is not None:
            self._number_fact("budget.yaml", path + ("total", "fact"), b.total.fact)
        return Budget(
            b.title, b.source, b.unit, tuple(comps), tuple(scopes),
            b.total.fact if b.total else None, b.total.note if b.total else "",
            self._param_ref("budget.yaml", path + ("reduction",), b.reduction),
            self._param_ref("budget.yaml", path + ("retention",), b.retention),
            self._param_ref("budget.yaml", path + ("horizon",), b.horizon),
            b.available_as,
        )

    def _number_fact(self, file: str, path: tuple, name: str) -> None:
        decl = self.vocab.facts.get(name)
        if decl is None or decl.type not in ("integer", "number"):
            self.err(file, path, f"'{name}' must be a declared number fact",
                     nearest(name, [n for n, d in self.vocab.facts.items() if d.type in ("integer", "number")]))

    def _round_policy(self) -> RoundPolicy:
        spec: S.RoundFile | None = self.specs.get("round.yaml")
        if spec is None:
            return RoundPolicy()
        r = spec.round
        path = ("round",)
        out: dict[str, Any] = {}
        if r.first_tranche is not None:
            out["min_readiness_param"] = self._param_ref("round.yaml", path + ("first_tranche", "min_readiness"),
                                                         r.first_tranche.min_readiness)
            out["needs_an_offer"] = r.first_tranche.needs_an_offer
        if r.timetable is not None:
            self.check_source("round.yaml", path + ("timetable", "source"), r.timetable.source)
            out["negotiation_months_param"] = self._param_ref("round.yaml", path + ("timetable", "negotiation_months"),
                                                              r.timetable.negotiation_months)
            out["timetable_source"] = r.timetable.source
        if r.other_negotiations is not None:
            o = r.other_negotiations
            self.check_source("round.yaml", path + ("other_negotiations", "source"), o.source)
            out.update(other_title=o.title, other_source=o.source,
                       other_count_param=self._param_ref("round.yaml", path + ("other_negotiations", "count"), o.count),
                       other_share_param=self._param_ref("round.yaml", path + ("other_negotiations", "share"), o.share))
            if o.tranches is not None:
                out["other_tranches_param"] = self._param_ref("round.yaml", path + ("other_negotiations", "tranches"),
                                                              o.tranches)
        if r.capacity is not None:
            out["capacity_param"] = self._param_ref("round.yaml", path + ("capacity",), r.capacity)
        if r.envelope is not None:
            self.check_source("round.yaml", path + ("envelope", "source"), r.envelope.source)
            out.update(envelope_text=r.envelope.text, envelope_source=r.envelope.source)
        for i, line in enumerate(r.coverage_lines):
            self.check_source("round.yaml", path + ("coverage_lines", i, "source"), line.source)
        out["coverage_lines"] = tuple((line.share, line.label, line.source) for line in r.coverage_lines)
        return RoundPolicy(notes=tuple(r.notes), **out)

    def _readiness(self) -> tuple[Weight, ...]:
        spec: S.ReadinessFile | None = self.specs.get("readiness.yaml")
        if spec is None:
            return ()
        out = []
        for i, w in enumerate(spec.readiness):
            if w.rule not in self.rule_ids:
                self.err("readiness.yaml", ("readiness", i, "rule"), f"unknown rule '{w.rule}'",
                         nearest(w.rule, self.rule_ids))
            if isinstance(w.weight, float) and (w.weight != w.weight or abs(w.weight) == float("inf")):
                self.err("readiness.yaml", ("readiness", i, "weight"), f"{w.weight!r} is not a finite number")
            out.append(Weight(w.rule, float(w.weight), w.assumption))
        return tuple(out)

    def _moves(self) -> tuple[tuple[Move, ...], Move | None]:
        spec: S.MovesFile | None = self.specs.get("moves.yaml")
        if spec is None:
            return (), None
        out = []
        ids: set[str] = set()
        for i, m in enumerate(spec.moves):
            path = ("moves", i)
            if m.id in ids:
                self.err("moves.yaml", path + ("id",), f"duplicate move id '{m.id}'")
            ids.add(m.id)
            if not m.sets and m.wait_months is None:
                self.err("moves.yaml", path, "a move sets facts or waits months (wait_months)")
            move = self._move(path, m.id, m.title, m.sets, m.cost, m.months, m.source, m.assumption)
            requires = None
            if m.requires is not None:
                requires = self._checked_cond("moves.yaml", path + ("requires",), m.requires)
            out.append(Move(move.id, move.title, move.sets, move.cost, move.months, move.note, move.source,
                            m.wait_months, requires))
        join = None
        if spec.join is not None:
            j = spec.join
            join = self._move(("join",), "join", j.title, j.sets, j.cost, j.months, j.source, j.assumption)
        return tuple(out), join

    def _move(self, path: tuple, mid: str, title: str, sets: dict, cost: float, months: float,
              source: str | None, assumption: str | None) -> Move:
        if source is None and assumption is None:
            self.err("moves.yaml", path, "a move needs a source or an assumption note with its rationale")
        if source is not None:
            self.check_source("moves.yaml", path + ("source",), source)
        for fact, value in sets.items():
            decl = self.vocab.facts.get(fact)
            if decl is None or decl.computed:
                self.err("moves.yaml", path + ("sets", fact), f"unknown fact '{fact}'",
                         nearest(fact, [n for n, d in self.vocab.facts.items() if not d.computed]))
            elif not (decl.type == "date" and value == "as_of"):
                found = decl.problem_with(value)
                if found:
                    self.err("moves.yaml", path + ("sets", fact), found[0], found[1])
        note = assumption or (self.sources.get(source, source) if source else "")
        return Move(mid, title, tuple(sorted(sets.items())), float(cost), float(months), note, source)
