"""Load a rule pack folder, validate it strictly, and build its intermediate form.

A pack is a folder of YAML files (see rules/route-map-2010/README.md). Loading
reports every problem at once, each with file, line and field: unknown keys,
unknown facts, rules, parameters, tiers, powers or sources, duplicate ids,
type mismatches, and cycles among rules.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from .errors import InputError, Problem, nearest
from .facts import vocabulary
from .ir import (
    OPS, All, Any_, Budget, BudgetComponent, Compare, Cond, FactSpec, Move, Not, Obligation, Pack, Parameter,
    Power, Requirement, Rule, RuleRef, Tier, Weight, Where, rules_in,
)
from .validation import problems_from
from .yamlio import Located, load_yaml

FILES = ("pack.yaml", "parameters.yaml", "accountability.yaml", "rules.yaml", "powers.yaml",
         "budget.yaml", "readiness.yaml", "moves.yaml", "obligations.yaml")
OPTIONAL_FILES = {"budget.yaml", "readiness.yaml", "moves.yaml", "obligations.yaml"}


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PackMeta(_M):
    id: str
    version: str
    title: str
    effective: date
    description: str = ""
    negotiation_rule: str
    office_of_the_mayor_rule: Optional[str] = None
    sources: dict[str, str] = Field(min_length=1)


class ParamSpec(_M):
    value: Union[int, float, str, bool]
    unit: str
    description: str
    reference: Optional[str] = None
    assumption: Optional[str] = None


class ParamsFile(_M):
    parameters: dict[str, ParamSpec]


class TierSpec(_M):
    id: str
    title: str
    models: list[str] = Field(min_length=1)
    statement: str
    source: str


class RequirementSpec(_M):
    id: str
    statement: str
    source: str
    when: Any
    tier: str
    applies_to: Union[Literal["all_powers", "package"], list[str]]


class AccountabilityFile(_M):
    tiers: list[TierSpec] = Field(min_length=1)
    requirements: list[RequirementSpec] = Field(default_factory=list)


class RuleSpec(_M):
    id: str
    statement: str
    source: str
    when: Any


class RulesFile(_M):
    rules: list[RuleSpec]


class PowerSpec(_M):
    id: str
    title: str
    menu: Literal["route_map", "extension"]
    tier: str
    requires: list[str] = Field(default_factory=list)
    statement: str
    source: str


class PowersFile(_M):
    powers: list[PowerSpec] = Field(min_length=1)


class ComponentSpec(_M):
    id: str
    title: str
    with_powers: list[str] = Field(min_length=1)
    source: str


class BudgetSpec(_M):
    power: str
    source: str
    components: list[ComponentSpec] = Field(min_length=1)


class BudgetFile(_M):
    budget: BudgetSpec


class WeightSpec(_M):
    rule: str
    weight: Union[int, float]
    rationale: str


class ReadinessFile(_M):
    readiness: list[WeightSpec]


class MoveSpec(_M):
    id: str
    title: str
    sets: dict[str, Union[str, int, float, bool]] = Field(min_length=1)
    cost: Union[int, float] = Field(gt=0)
    rationale: str


class MovesFile(_M):
    moves: list[MoveSpec]


class ObligationSpec(_M):
    id: str
    title: str
    statement: str
    source: str


class ObligationsFile(_M):
    obligations: list[ObligationSpec]


_SCHEMAS = {
    "pack.yaml": PackMeta, "parameters.yaml": ParamsFile, "accountability.yaml": AccountabilityFile,
    "rules.yaml": RulesFile, "powers.yaml": PowersFile, "budget.yaml": BudgetFile,
    "readiness.yaml": ReadinessFile, "moves.yaml": MovesFile, "obligations.yaml": ObligationsFile,
}


def bundled_rules_dir() -> Path:
    """The rules/ folder that ships with the package (installed or in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "bundled" / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise InputError([Problem(str(here), "the bundled rule packs are missing from this installation")])


DEFAULT_PACK = "route-map-2010"


def resolve_pack(name_or_path: str | None) -> Path:
    """A pack folder from a path, or from the name of a bundled pack."""
    if name_or_path is None:
        return bundled_rules_dir() / DEFAULT_PACK
    path = Path(name_or_path)
    if path.is_dir():
        return path
    if path.name == "pack.yaml" and path.is_file():
        return path.parent
    bundled = bundled_rules_dir()
    if (bundled / name_or_path).is_dir():
        return bundled / name_or_path
    names = sorted(p.name for p in bundled.iterdir() if p.is_dir())
    raise InputError([Problem(str(name_or_path), "no such rule pack folder or bundled pack name "
                              f"(bundled: {', '.join(names)})", suggestion=nearest(str(name_or_path), names))])


_CACHE: dict[tuple[str, str], Pack] = {}


def load_pack(name_or_path: str | Path | None = None) -> Pack:
    """Load, validate and build a pack once; later calls with unchanged files reuse it."""
    root = resolve_pack(None if name_or_path is None else str(name_or_path))
    texts = {}
    for name in FILES:
        file = root / name
        if file.is_file():
            texts[name] = file.read_bytes()
    digest = hashlib.sha256(json.dumps({k: v.decode("utf-8", "replace") for k, v in sorted(texts.items())},
                                       sort_keys=True).encode()).hexdigest()
    key = (str(root.resolve()), digest)
    if key not in _CACHE:
        _CACHE[key] = _build(root, digest)
    return _CACHE[key]


def _build(root: Path, digest: str) -> Pack:
    problems: list[Problem] = []
    docs: dict[str, Located] = {}
    specs: dict[str, Any] = {}
    for name in FILES:
        file = root / name
        display = _display(file)
        if not file.is_file():
            if name not in OPTIONAL_FILES:
                problems.append(Problem(display, "required file of a rule pack is missing"))
            continue
        try:
            doc = load_yaml(file, display)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        docs[name] = doc
        if not isinstance(doc.data, dict):
            problems.append(doc.problem((), "expected a mapping of fields"))
            continue
        try:
            specs[name] = _SCHEMAS[name].model_validate(doc.data)
        except Exception as exc:  # pydantic.ValidationError
            from pydantic import ValidationError
            if not isinstance(exc, ValidationError):
                raise
            problems.extend(problems_from(exc, _SCHEMAS[name], doc))
    unstructured = [n for n in FILES if n in docs and n not in specs]
    if problems or unstructured:
        raise InputError(problems)
    return _Builder(root, digest, docs, specs).build()


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _Builder:
    """Semantic validation across files, then the immutable Pack."""

    def __init__(self, root: Path, digest: str, docs: dict[str, Located], specs: dict[str, Any]):
        self.root, self.digest, self.docs, self.specs = root, digest, docs, specs
        self.problems: list[Problem] = []
        meta: PackMeta = specs["pack.yaml"]
        self.sources = dict(meta.sources)
        self.params = specs["parameters.yaml"].parameters
        self.power_ids = [p.id for p in specs["powers.yaml"].powers]
        self.vocab: dict[str, FactSpec] = vocabulary(self.power_ids)
        self.rule_where: dict[str, tuple[str, tuple]] = {}

    def err(self, file: str, path: tuple, message: str, suggestion: str | None = None) -> None:
        self.problems.append(self.docs[file].problem(path, message, suggestion))

    def check_source(self, file: str, path: tuple, key: str) -> None:
        if key not in self.sources:
            self.err(file, path, f"unknown source '{key}' (declare it under sources: in pack.yaml)",
                     nearest(key, self.sources))

    def build(self) -> Pack:
        meta: PackMeta = self.specs["pack.yaml"]
        acc: AccountabilityFile = self.specs["accountability.yaml"]
        parameters = self._parameters()
        tiers = self._tiers(acc)
        tier_ids = [t.id for t in tiers]

        # Every id names one thing: rules, requirements, powers and tiers share a namespace.
        seen: dict[str, tuple[str, tuple]] = {}
        def claim(ident: str, file: str, path: tuple) -> None:
            if ident in seen:
                other_file, other_path = seen[ident]
                line = self.docs[other_file].line_of(other_path)
                self.err(file, path, f"duplicate id '{ident}' (already used in {self.docs[other_file].file}:{line})")
            else:
                seen[ident] = (file, path)
        for i, t in enumerate(acc.tiers):
            claim(t.id, "accountability.yaml", ("tiers", i, "id"))
        rule_specs: list[tuple[str, tuple, Any]] = []
        for i, r in enumerate(self.specs["rules.yaml"].rules):
            claim(r.id, "rules.yaml", ("rules", i, "id"))
            rule_specs.append(("rules.yaml", ("rules", i), r))
        for i, r in enumerate(acc.requirements):
            claim(r.id, "accountability.yaml", ("requirements", i, "id"))
            rule_specs.append(("accountability.yaml", ("requirements", i), r))
        for i, p in enumerate(self.specs["powers.yaml"].powers):
            claim(p.id, "powers.yaml", ("powers", i, "id"))
        rule_ids = {spec.id for _, _, spec in rule_specs}
        self.rule_ids = rule_ids

        rules: dict[str, Rule] = {}
        for file, path, spec in rule_specs:
            self.check_source(file, path + ("source",), spec.source)
            cond = self._cond(file, path + ("when",), spec.when)
            if cond is not None and spec.id not in rules:
                rules[spec.id] = Rule(spec.id, spec.statement, spec.source, cond,
                                      Where(self.docs[file].file, self.docs[file].line_of(path + ("id",))))
                self.rule_where[spec.id] = (file, path)
        strata = self._strata(rules)

        for name, path in (("negotiation_rule", ("negotiation_rule",)),
                           ("office_of_the_mayor_rule", ("office_of_the_mayor_rule",))):
            value = getattr(meta, name)
            if value is not None and value not in rule_ids:
                self.err("pack.yaml", path, f"unknown rule '{value}'", nearest(value, rule_ids))

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
            for j, rid in enumerate(p.requires):
                if rid not in rule_ids:
                    self.err("powers.yaml", path + ("requires", j), f"unknown rule '{rid}'", nearest(rid, rule_ids))
            powers.append(Power(p.id, p.title, p.menu, p.tier, tuple(p.requires), p.source, p.statement,
                                Where(self.docs["powers.yaml"].file, self.docs["powers.yaml"].line_of(path + ("id",)))))

        budget = self._budget()
        readiness = self._readiness()
        moves = self._moves()
        obligations = []
        spec_o = self.specs.get("obligations.yaml")
        for i, o in enumerate(spec_o.obligations if spec_o else []):
            self.check_source("obligations.yaml", ("obligations", i, "source"), o.source)
            obligations.append(Obligation(o.id, o.title, o.statement, o.source))
        if self.problems:
            raise InputError(self.problems)
        return Pack(
            id=meta.id, version=meta.version, title=meta.title, effective=meta.effective, hash=self.digest,
            root=str(self.root), sources=self.sources, parameters=parameters, facts=self.vocab, rules=rules,
            strata=strata, tiers=tuple(tiers), requirements=tuple(requirements), powers=tuple(powers),
            budget=budget, negotiation_rule=meta.negotiation_rule, office_rule=meta.office_of_the_mayor_rule,
            readiness=readiness, moves=moves, obligations=tuple(obligations),
        )

    def _parameters(self) -> dict[str, Parameter]:
        out = {}
        for name, p in self.params.items():
            path = ("parameters", name)
            if p.reference is None and p.assumption is None:
                self.err("parameters.yaml", path, "a parameter needs a reference (a source) or an assumption "
                         "note with its rationale")
            if p.reference is not None:
                self.check_source("parameters.yaml", path + ("reference",), p.reference)
            out[name] = Parameter(name, p.value, p.unit, p.description, p.reference, p.assumption)
        return out

    def _tiers(self, acc: AccountabilityFile) -> list[Tier]:
        from .place import AccountabilityModel
        models = AccountabilityModel.__args__  # type: ignore[attr-defined]
        tiers, owner = [], {}
        for i, t in enumerate(acc.tiers):
            path = ("tiers", i)
            self.check_source("accountability.yaml", path + ("source",), t.source)
            for j, m in enumerate(t.models):
                if m not in models:
                    self.err("accountability.yaml", path + ("models", j), f"unknown accountability model '{m}'",
                             nearest(m, models))
                elif m in owner:
                    self.err("accountability.yaml", path + ("models", j), f"model '{m}' is already in tier '{owner[m]}'")
                else:
                    owner[m] = t.id
            tiers.append(Tier(t.id, i, t.title, tuple(t.models), t.statement, t.source))
        missing = [m for m in models if m not in owner]
        if missing:
            self.err("accountability.yaml", ("tiers",), f"models in no tier: {', '.join(missing)} "
                     "(every accountability model must have a tier)")
        return tiers

    def _cond(self, file: str, path: tuple, raw: Any) -> Cond | None:
        """Parse one condition; report problems and return None if it is broken."""
        if not isinstance(raw, dict):
            self.err(file, path, "a condition is a mapping: all, any, not, rule, or fact with one operator")
            return None
        keys = set(raw)
        if keys in ({"all"}, {"any"}):
            key = next(iter(keys))
            items = raw[key]
            if not isinstance(items, list) or not items:
                self.err(file, path + (key,), f"'{key}' takes a non-empty list of conditions")
                return None
            parsed = [self._cond(file, path + (key, i), item) for i, item in enumerate(items)]
            if any(p is None for p in parsed):
                return None
            return All(tuple(parsed)) if key == "all" else Any_(tuple(parsed))
        if keys == {"not"}:
            inner = self._cond(file, path + ("not",), raw["not"])
            return None if inner is None else Not(inner)
        if keys == {"rule"}:
            rid = raw["rule"]
            if rid not in self.rule_ids:
                self.err(file, path + ("rule",), f"unknown rule '{rid}'", nearest(str(rid), self.rule_ids))
                return None
            return RuleRef(rid)
        if "fact" in keys:
            return self._compare(file, path, raw)
        unknown = sorted(map(str, keys - {"all", "any", "not", "rule", "fact"}))
        hint = nearest(unknown[0], ["all", "any", "not", "rule", "fact"]) if unknown else None
        self.err(file, path, f"not a condition: keys {', '.join(map(str, sorted(keys, key=str)))} "
                 "(use all, any, not, rule, or fact with one operator)", hint)
        return None

    def _compare(self, file: str, path: tuple, raw: dict) -> Cond | None:
        fact = raw["fact"]
        ops = [k for k in raw if k != "fact"]
        if len(ops) != 1 or ops[0] not in OPS:
            bad = [k for k in ops if k not in OPS]
            hint = nearest(str(bad[0]), OPS) if bad else None
            self.err(file, path, f"a fact test takes exactly one operator of: {', '.join(OPS)}", hint)
            return None
        op = ops[0]
        spec = self.vocab.get(fact)
        if spec is None:
            self.err(file, path + ("fact",), f"unknown fact '{fact}'", nearest(str(fact), self.vocab))
            return None
        value, param = raw[op], None
        if isinstance(value, dict):
            if set(value) != {"param"}:
                self.err(file, path + (op,), "a value is a literal, a list, or {param: NAME}")
                return None
            param = value["param"]
            if param not in self.params:
                self.err(file, path + (op, "param"), f"unknown parameter '{param}'", nearest(str(param), self.params))
                return None
            value = self.params[param].value
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                self.err(file, path + (op,), f"'{op}' takes a non-empty list of values")
                return None
            for i, v in enumerate(value):
                if not self._value_fits(file, path + (op, i), spec, v):
                    return None
            return Compare(fact, op, tuple(value), param)
        if not self._value_fits(file, path + (op,), spec, value):
            return None
        if op in ("lt", "lte", "gt", "gte") and spec.type not in ("int", "float"):
            self.err(file, path + (op,), f"'{op}' compares numbers, but '{fact}' is {spec.type}")
            return None
        return Compare(fact, op, value, param)

    def _value_fits(self, file: str, path: tuple, spec: FactSpec, value: Any) -> bool:
        ok = {
            "enum": isinstance(value, str) and value in spec.values,
            "bool": isinstance(value, bool),
            "int": isinstance(value, (int, float)) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        }[spec.type]
        if not ok:
            if spec.type == "enum":
                self.err(file, path, f"'{value}' is not a value of '{spec.name}' (one of: {', '.join(spec.values)})",
                         nearest(str(value), spec.values))
            else:
                self.err(file, path, f"{value!r} does not fit fact '{spec.name}', which is {spec.type}")
        return ok

    def _strata(self, rules: dict[str, Rule]) -> tuple[tuple[str, ...], ...]:
        """Order rules into strata: a rule comes after every rule it reads. Report cycles."""
        deps = {rid: [d for d in rules_in(r.when) if d in rules] for rid, r in rules.items()}
        level: dict[str, int] = {}
        state: dict[str, int] = {}
        reported: set[frozenset] = set()

        def visit(rid: str, stack: list[str]) -> int:
            if state.get(rid) == 2:
                return level[rid]
            if state.get(rid) == 1:
                cycle = stack[stack.index(rid):] + [rid]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    file, path = self.rule_where[rid]
                    self.err(file, path + ("when",), "rules form a cycle: " + " -> ".join(cycle))
                return 0
            state[rid] = 1
            depth = 1 + max((visit(d, stack + [rid]) for d in deps[rid]), default=-1)
            state[rid] = 2
            level[rid] = depth
            return depth

        for rid in rules:
            visit(rid, [])
        if not level:
            return ()
        return tuple(tuple(sorted(r for r in rules if level[r] == k)) for k in range(max(level.values()) + 1))

    def _budget(self) -> Budget | None:
        spec: BudgetFile | None = self.specs.get("budget.yaml")
        if spec is None:
            return None
        b = spec.budget
        self.check_source("budget.yaml", ("budget", "source"), b.source)
        if b.power not in self.power_ids:
            self.err("budget.yaml", ("budget", "power"), f"unknown power '{b.power}'", nearest(b.power, self.power_ids))
        comps = []
        for i, c in enumerate(b.components):
            self.check_source("budget.yaml", ("budget", "components", i, "source"), c.source)
            for j, pid in enumerate(c.with_powers):
                if pid not in self.power_ids:
                    self.err("budget.yaml", ("budget", "components", i, "with_powers", j), f"unknown power '{pid}'",
                             nearest(pid, self.power_ids))
            comps.append(BudgetComponent(c.id, c.title, tuple(c.with_powers), c.source))
        for name in ("reduction_percent", "retention_share", "horizon_years"):
            if name not in self.params:
                self.err("parameters.yaml", ("parameters",), f"the budget needs parameter '{name}'")
        return Budget(b.power, tuple(comps), b.source)

    def _readiness(self) -> tuple[Weight, ...]:
        spec: ReadinessFile | None = self.specs.get("readiness.yaml")
        if spec is None:
            return ()
        out = []
        for i, w in enumerate(spec.readiness):
            if w.rule not in self.rule_ids:
                self.err("readiness.yaml", ("readiness", i, "rule"), f"unknown rule '{w.rule}'",
                         nearest(w.rule, self.rule_ids))
            out.append(Weight(w.rule, float(w.weight), w.rationale))
        return tuple(out)

    def _moves(self) -> tuple[Move, ...]:
        spec: MovesFile | None = self.specs.get("moves.yaml")
        if spec is None:
            return ()
        out = []
        for i, m in enumerate(spec.moves):
            for fact, value in m.sets.items():
                fspec = self.vocab.get(fact)
                if fspec is None:
                    self.err("moves.yaml", ("moves", i, "sets", fact), f"unknown fact '{fact}'", nearest(fact, self.vocab))
                else:
                    self._value_fits("moves.yaml", ("moves", i, "sets", fact), fspec, value)
            out.append(Move(m.id, m.title, tuple(sorted(m.sets.items())), float(m.cost), m.rationale))
        return tuple(out)
