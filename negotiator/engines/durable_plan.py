"""A rule pack compiled for durable-rules, kept within the library's fixed limits (listed in
negotiator/engines/durable.py, the only module that imports durable-rules) for any valid pack:


1. Each rule's condition is put in negation normal form over small atoms:
   `in` becomes an any-of `eq` atoms, `not_in` an all-of `ne` atoms, `not` is
   pushed to the leaves by flipping operators (De Morgan holds in Kleene
   logic), nested all-in-all and any-in-any are flattened, and a node with
   more than `MAX_CHILDREN` children becomes a balanced tree of same-kind
   nodes (Kleene all/any are associative).
2. Every rule becomes a pair of durable rules: one matching when its
   condition is definitely true, one when definitely false; neither firing
   means undetermined. Each pattern is a flat disjunction of at most
   `MAX_PATHS` conjunctions of at most `MAX_ATOMS` atoms
   (`{$and: [{t: place}, atom...]}` or `{$and: [{t: place}, {$or: [...]}]}`).
   A compound sub-condition that would not fit is hoisted into an auxiliary
   internal rule, with its own conclusion (true, false or absent), decided in
   an earlier stratum and read back as an atom `{rN: true/false}`.
3. Field names are given by index (`f12` for a fact, `r40` for a rule or
   auxiliary rule), never by mangling names, so distinct ids never share a
   conclusion; names whose FNV-1a hash (which durable-rules uses in place of
   the name) would collide are renamed.
4. Strata are computed over real and auxiliary rules (a rule after
   everything it reads). Within a stratum the durable rules are packed into
   several rulesets, each with at most `RULESET_PATHS` alpha paths (the sink
   included; a fact can never push more than that many nodes on the 64-deep
   stack) and a fact of at most `RULESET_FIELDS` fields: only the ones its
   rules read. One evaluation asserts one fact per ruleset, in a session of
   its own that is always deleted; the conclusions of a stratum are merged
   before the next.

Pure Python: compiling a pack (`engine_limits`, `negotiator validate`) does not load durable-rules.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..errors import Problem
from ..pack.ir import All, Any_, Compare, Cond, Not, Pack, RuleRef, engine_value, rules_in, walk

Truth = bool | None

#: Children of one normalised all/any node; larger ones become balanced trees.
MAX_CHILDREN = 8
#: Alpha paths (disjuncts) of one durable rule's pattern.
MAX_PATHS = 8
#: Atoms in one alpha path.
MAX_ATOMS = 16
#: Alpha paths of one ruleset, the sink's included (the C stack holds 64 nodes).
RULESET_PATHS = 48
#: Fields of one asserted fact, `t` and `sid` excluded (the C limit is 255 properties).
RULESET_FIELDS = 200
#: Rulesets of one pack: each costs about half a MiB, and the C library holds at most 131,072
#: ruleset handles in one process (MAX_HANDLES). The size guards of negotiator/pack/build.py (limits in
#: pack/layout.py) keep real packs far below.
PACK_RULESETS = 20_000

_NEGATE = {"eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "lte": "gt", "gt": "lte"}
_DURABLE_OP = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
_PLACE = "place"
# Names durable-rules gives a meaning to in a fact or a pattern (the HASH_ constants of its C code,
# which compares names by hash): a field must not hash like any of them.
_RESERVED = ("t", "sid", "id", "m", "$s", "$m", "$l", "$r", "$i", "$eq", "$neq", "$lt", "$lte", "$gt", "$gte",
             "$ex", "$nex", "$mt", "$imt", "$iall", "$iany", "$and", "$or", "$add", "$sub", "$mul", "$div",
             "$forward", "all", "any", "cap", "count", "dist", "name", "pri", "run")

# An atom is ("f", fact name, op, value) or ("r", rule key, wanted truth).
Atom = tuple
Path = tuple  # of atoms, all required
Dnf = tuple  # of paths, any suffices


class EngineError(RuntimeError):
    """durable-rules failed while evaluating (an internal problem, not bad input)."""


# --- 1. normal form --------------------------------------------------------------------------

def _literal_negation(atom: Atom) -> Atom:
    if atom[0] == "f":
        return ("f", atom[1], _NEGATE[atom[2]], atom[3])
    return ("r", atom[1], not atom[2])


def _nnf(cond: Cond, positive: bool, key_of: Mapping[str, Any]) -> Any:
    """`cond` (negated unless `positive`) as atoms under ("all"|"any", children) nodes."""
    if isinstance(cond, Compare):
        value = engine_value(cond.value)  # dates as day numbers, as the facts are given
        if cond.op in ("in", "not_in"):
            values = tuple(dict.fromkeys(value))
            member = (cond.op == "in") == positive
            atoms = tuple(("f", cond.fact, "eq" if member else "ne", v) for v in values)
            return _node("any" if member else "all", atoms)
        return ("f", cond.fact, cond.op if positive else _NEGATE[cond.op], value)
    if isinstance(cond, RuleRef):
        return ("r", key_of[cond.rule], positive)
    if isinstance(cond, Not):
        return _nnf(cond.item, not positive, key_of)
    if isinstance(cond, (All, Any_)):
        kind = "all" if isinstance(cond, All) == positive else "any"
        return _node(kind, tuple(_nnf(item, positive, key_of) for item in cond.items))
    raise TypeError(f"not a condition: {cond!r}")


def _is_node(x: Any) -> bool:
    return x[0] in ("all", "any")


def _node(kind: str, children: tuple) -> Any:
    """A flattened, de-duplicated node, split into a balanced tree if it is too wide."""
    flat: list = []
    for child in children:
        if _is_node(child) and child[0] == kind:
            flat.extend(child[1])
        else:
            flat.append(child)
    flat = list(dict.fromkeys(flat))
    return _split(kind, flat)


def _split(kind: str, items: list) -> Any:
    if len(items) == 1:
        return items[0]
    if len(items) <= MAX_CHILDREN:
        return (kind, tuple(items))
    groups = min(MAX_CHILDREN, math.ceil(len(items) / MAX_CHILDREN))
    size, extra = divmod(len(items), groups)
    out, start = [], 0
    for g in range(groups):
        end = start + size + (1 if g < extra else 0)
        out.append(_split(kind, items[start:end]))
        start = end
    return (kind, tuple(out))


# --- 2. patterns of at most MAX_PATHS paths, hoisting what does not fit -----------------------

@dataclass
class _Decider:
    """A real or auxiliary rule: when it is definitely true, and when definitely false."""

    key: int
    rule: str | None  # the pack's rule id; None for an auxiliary rule
    true: Dnf
    false: Dnf
    origin: str | None = None  # the rule an auxiliary rule was made for (the first one, if shared)
    level: int = 0
    fields: frozenset = frozenset()

    @property
    def paths(self) -> int:
        return len(self.true) + len(self.false)


def _shape(dnf_list: list[Dnf], conjunctive: bool) -> tuple[int, int]:
    """(paths, longest path) of the conjunction or disjunction of DNFs, without building it."""
    if conjunctive:
        return math.prod(len(d) for d in dnf_list), sum(max(len(p) for p in d) for d in dnf_list)
    return sum(len(d) for d in dnf_list), max(max(len(p) for p in d) for d in dnf_list)


def _fits(paths: int, longest: int) -> bool:
    return paths <= MAX_PATHS and longest <= MAX_ATOMS


def _conjoin(dnf_list: list[Dnf]) -> Dnf:
    out: list[Path] = [()]
    for dnf in dnf_list:
        out = [tuple(dict.fromkeys(p + q)) for p in out for q in dnf]
    return tuple(dict.fromkeys(out))


def _disjoin(dnf_list: list[Dnf]) -> Dnf:
    return tuple(dict.fromkeys(p for dnf in dnf_list for p in dnf))


class _Compiler:
    def __init__(self, first_aux_key: int):
        self.aux: list[_Decider] = []
        self.next_key = first_aux_key
        self._shared: dict[tuple[Dnf, Dnf], int] = {}
        self.origin: str | None = None

    def hoist(self, true: Dnf, false: Dnf) -> Atom:
        """An auxiliary rule deciding (true, false); the atom reading its conclusion as true."""
        key = self._shared.get((true, false))
        if key is None:
            key = self._shared[(true, false)] = self.next_key
            self.next_key += 1
            self.aux.append(_Decider(key, None, true, false, origin=self.origin))
        return ("r", key, True)

    def build(self, node: Any) -> tuple[Dnf, Dnf]:
        """The (definitely true, definitely false) patterns of a normalised node, each fitting the limits."""
        if not _is_node(node):
            return ((node,),), ((_literal_negation(node),),)
        kind, children = node
        parts: list[tuple[Dnf, Dnf]] = []
        compound: list[int] = []
        for i, child in enumerate(children):
            parts.append(self.build(child))
            if _is_node(child):
                compound.append(i)
        conj_true = kind == "all"  # all: true needs every child; false needs one. any: the reverse
        while True:
            trues, falses = [p[0] for p in parts], [p[1] for p in parts]
            if _fits(*_shape(trues, conj_true)) and _fits(*_shape(falses, not conj_true)):
                break
            # hoist the compound child contributing most paths; with none left, every child is
            # one atom and the node (at most MAX_CHILDREN children) fits
            i = max(compound, key=lambda j: (len(parts[j][0]) + len(parts[j][1]), -j))
            compound.remove(i)
            atom = self.hoist(*parts[i])
            parts[i] = (((atom,),), ((_literal_negation(atom),),))
        trues, falses = [p[0] for p in parts], [p[1] for p in parts]
        if conj_true:
            return _conjoin(trues), _disjoin(falses)
        return _disjoin(trues), _conjoin(falses)


# --- 3. field names ---------------------------------------------------------------------------

def _fnv1a(name: str) -> int:
    """The 32-bit FNV-1a hash durable-rules keys a property by (json.c getStringAndHash)."""
    h = 0x811C9DC5
    for byte in name.encode("utf-8"):
        if byte >= 0x80:  # the C code reads a signed char
            byte -= 0x100
        h ^= byte & 0xFFFFFFFF
        h = (h * 16777619) & 0xFFFFFFFF
    return h


class _Names:
    """Injective field names whose durable-rules hashes are distinct as well."""

    def __init__(self) -> None:
        self.taken = {_fnv1a(n) for n in _RESERVED}

    def make(self, base: str) -> str:
        for suffix in itertools.chain([""], (f"_{i}" for i in itertools.count())):
            name = base + suffix
            h = _fnv1a(name)
            if h not in self.taken:
                self.taken.add(h)
                return name
        raise AssertionError("unreachable")


# --- 4. the plan: strata of rulesets ----------------------------------------------------------

@dataclass
class _RulesetPlan:
    name: str
    deciders: list[_Decider] = field(default_factory=list)
    paths: int = 1  # the sink's
    fields: set = field(default_factory=set)
    inputs: tuple = ()  # (field, is_fact, fact name or rule key)


@dataclass
class Plan:
    """A pack compiled for durable-rules: what to register and in which order to assert."""

    deciders: list[_Decider]
    real: dict[str, int]  # rule id -> key
    fact_field: dict[str, str]
    rule_field: dict[int, str]
    strata: list[list[_RulesetPlan]]
    problems: list[Problem]

    @property
    def rulesets(self) -> list[_RulesetPlan]:
        return [rs for stratum in self.strata for rs in stratum]


def _rule_order(pack: Pack) -> tuple[list[str], list[str]]:
    """Rule ids with every rule after the rules it reads (Kahn), and the ids left in cycles."""
    ids = list(dict.fromkeys([r for s in pack.strata for r in s] + list(pack.rules)))
    deps = {rid: [d for d in rules_in(pack.rules[rid].when) if d in pack.rules] for rid in ids}
    waiting = {rid: len(set(d)) for rid, d in deps.items()}
    readers: dict[str, list[str]] = {rid: [] for rid in ids}
    for rid, ds in deps.items():
        for d in set(ds):
            readers[d].append(rid)
    ready = deque(rid for rid in ids if waiting[rid] == 0)
    order: list[str] = []
    while ready:
        rid = ready.popleft()
        order.append(rid)
        for r in readers[rid]:
            waiting[r] -= 1
            if waiting[r] == 0:
                ready.append(r)
    return order, [rid for rid in ids if waiting[rid] > 0]


def _where(pack: Pack, rid: str) -> tuple[str, int | None]:
    rule = pack.rules[rid]
    return rule.where.file, rule.where.line


def _value_problem(value: Any) -> str | None:
    if isinstance(value, bool) or isinstance(value, str):
        return None
    if isinstance(value, int):
        return None if abs(value) <= 2 ** 53 else f"the number {value} is too large for durable-rules (at most 2^53)"
    if isinstance(value, float):
        return None if math.isfinite(value) and abs(value) <= 2.0 ** 53 else \
            f"the number {value} cannot be compared by durable-rules (not finite, or beyond 2^53)"
    return f"the value {value!r} cannot be sent to durable-rules (a string, number or true/false is needed)"


def compile_pack(pack: Pack) -> Plan:
    """Compile a pack: deciders, field names and rulesets per stratum (kept with the pack: compiled(pack).plan)."""
    problems: list[Problem] = []
    order, cyclic = _rule_order(pack)
    for rid in cyclic:
        file, line = _where(pack, rid)
        problems.append(Problem(file, f"rule {rid} is in, or reads, a cycle of rules and cannot be decided", line, code="engine_limit"))
    real = {rid: k for k, rid in enumerate(order + cyclic)}
    # a rule reference outside the pack never has a conclusion (undetermined), as in engines/semantics.py
    unknown = {r for rid in real for r in rules_in(pack.rules[rid].when) if r not in real}
    key_of = dict(real, **{r: len(real) + i for i, r in enumerate(sorted(unknown))})
    compiler = _Compiler(len(key_of))
    # creation order is an order of dependency: real rules are compiled after the rules they
    # read, and an auxiliary rule is made from a sub-condition before the rule containing it
    ordered: list[_Decider] = []
    for rid in order:
        file, line = _where(pack, rid)
        for node in walk(pack.rules[rid].when):
            if isinstance(node, Compare):
                value = engine_value(node.value)
                values = value if node.op in ("in", "not_in") else (value,)
                for v in values:
                    bad = _value_problem(v)
                    if bad:
                        problems.append(Problem(file, f"rule {rid}: fact {node.fact}: {bad}", line, code="engine_limit"))
        before = len(compiler.aux)
        compiler.origin = rid
        true, false = compiler.build(_nnf(pack.rules[rid].when, True, key_of))
        ordered.extend(compiler.aux[before:])
        ordered.append(_Decider(real[rid], rid, true, false))

    level: dict[int, int] = {}
    for d in ordered:
        reads = {a[1] for dnf in (d.true, d.false) for p in dnf for a in p if a[0] == "r"}
        d.level = 1 + max((level.get(k, -1) for k in reads), default=-1)
        level[d.key] = d.level

    names = _Names()
    fact_field: dict[str, str] = {}
    rule_field: dict[int, str] = {}
    for d in ordered:
        used = set()
        for dnf in (d.true, d.false):
            for p in dnf:
                for a in p:
                    if a[0] == "f":
                        if a[1] not in fact_field:
                            fact_field[a[1]] = names.make(f"f{len(fact_field)}")
                        used.add(fact_field[a[1]])
                    else:
                        if a[1] not in rule_field:
                            rule_field[a[1]] = names.make(f"r{a[1]}")
                        used.add(rule_field[a[1]])
        d.fields = frozenset(used)

    by_level: dict[int, list[_Decider]] = {}
    for d in ordered:
        by_level.setdefault(d.level, []).append(d)
    strata: list[list[_RulesetPlan]] = []
    for k in range(len(by_level)):
        open_sets: list[_RulesetPlan] = []
        for d in by_level[k]:
            if d.paths + 1 > RULESET_PATHS or len(d.fields) > RULESET_FIELDS:
                # not reachable with the limits above (at most 2 * MAX_PATHS paths, MAX_PATHS * MAX_ATOMS
                # fields a rule); kept so that changing a limit cannot silently break the engine
                named = d.rule or d.origin
                file, line = _where(pack, named) if named else (pack.root, None)
                what = f"rule {named}" if d.rule else f"a part of rule {named}"
                problems.append(Problem(file, f"{what} needs {d.paths} alpha paths and {len(d.fields)} fields, "
                                        f"more than one durable-rules ruleset holds ({RULESET_PATHS - 1} paths, "
                                        f"{RULESET_FIELDS} fields)", line, code="engine_limit"))
                continue
            for rs in open_sets:
                if rs.paths + d.paths <= RULESET_PATHS and len(rs.fields | d.fields) <= RULESET_FIELDS:
                    break
            else:
                rs = _RulesetPlan(f"pack_{pack.hash[:12]}_s{k}_{len(open_sets)}")
                open_sets.append(rs)
            rs.deciders.append(d)
            rs.paths += d.paths
            rs.fields |= d.fields
        strata.append(open_sets)

    count = sum(len(stratum) for stratum in strata)
    if count > PACK_RULESETS:
        file = next(iter(pack.rules.values())).where.file if pack.rules else pack.root
        problems.append(Problem(file, f"the pack compiles to {count:,} durable-rules rulesets (at most "
                                f"{PACK_RULESETS:,}): too many tests in all; long in-lists cost the most", code="engine_limit"))

    by_field = {v: ("f", n) for n, v in fact_field.items()} | {v: ("r", n) for n, v in rule_field.items()}
    for stratum in strata:
        for rs in stratum:
            rs.inputs = tuple((f, by_field[f][0] == "f", by_field[f][1]) for f in sorted(rs.fields))
    return Plan(deciders=ordered, real=real, fact_field=fact_field,
                rule_field=rule_field, strata=strata, problems=problems)


def engine_limits(pack: Pack) -> list[Problem]:
    """What of this pack durable-rules could not evaluate within its fixed limits, each located."""
    return list(compile_pack(pack).problems)
