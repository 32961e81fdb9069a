"""The vectorised evaluator: a pack compiled, from the same validated form, into numpy operations on columns.

A *column* holds one fact for many profiles at once (a values array and a
known mask). Three-valued (Kleene) logic is a pair of boolean arrays per
condition, (known true, known false); undetermined is neither:

    not (T, F)          = (F, T)
    all of (Ti, Fi)     = (AND Ti, OR Fi)
    any of (Ti, Fi)     = (OR Ti, AND Fi)

which is exactly semantics.truth, one profile per element. Rules are settled
stratum by stratum; a rule not in force on a column's date is false there.
Then the decision procedure of decide/decision.py is applied column-wise:
required tier bounds, whether a tier is met, every power's status (with
not_in_force), the package's tier, eligibility and readiness. The functions
of fast_decision.py mirror `tier_bounds`, `tier_met`, `power_status` and `package_tiers`
one for one; tests/test_fast_engine.py checks them equal to the per-profile
functions and to durable-rules on every bundled place and on sampled generated profiles.

Facts are given as the engines see them (`engine_value`: dates as day
numbers, "never" as -1). Numbers and dates are compared as int64 (integer
facts, dates) or float64 (number facts); booleans, named values and text
become small integer codes read through a truth table per test. Parameters
may be overridden per column (`params`), so a sweep over a parameter's grid
is one evaluation.

This module is numpy only; the plain-Python evaluator (python.py) and
durable-rules (durable.py) stay the per-profile references.
"""

from __future__ import annotations

import operator
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..pack.ir import All, Any_, Compare, Cond, Not, Pack, RuleRef, engine_value, walk
from ..vocab.facts import MONTHS_SUFFIX

from .fast_columns import OTHER_CODE, _SHIFT, Columns, _Encoding, _Reading
from .fast_decision import (  # noqa: F401  (re-exported: the column-wise decisions)
    AVAILABLE, NEEDS_STRONGER, NOT_AVAILABLE, NOT_IN_FORCE, STATUS_NAMES, UNDETERMINED, Conclusions, Pair, Truth,
    _allocate, _cut, _in_force, package_tiers, power_status, prerequisites, readiness, tier_bounds, tier_met,
)

_ORDER_OPS = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge,
              "eq": operator.eq, "ne": operator.ne}
_NUMERIC = ("integer", "number", "date")


def _months(name: str) -> bool:
    return name.endswith(MONTHS_SUFFIX)


class FastEvaluator:
    """A pack's rules and decision procedure over columns of profiles (numpy)."""

    name = "fast"

    def __init__(self, pack: Pack):
        self.pack = pack
        self._order = [rid for stratum in pack.strata for rid in stratum]
        self._order += [rid for rid in pack.rules if rid not in set(self._order)]
        literals: dict[str, list[Any]] = {}
        for rule in pack.rules.values():
            for node in walk(rule.when):
                if isinstance(node, Compare):
                    vals = node.value if isinstance(node.value, tuple) else (node.value,)
                    literals.setdefault(node.fact, []).extend(engine_value(v) for v in vals)
        names = list(literals)
        if pack.model_fact not in literals:
            names.append(pack.model_fact)
        if pack.vocabulary.requests:
            names += [f"requested.{p.id}" for p in pack.powers if f"requested.{p.id}" not in literals]
        self.facts: tuple[str, ...] = tuple(names)
        self.encodings: dict[str, _Encoding] = {name: self._encoding(name, literals.get(name, []))
                                                for name in self.facts}
        # the tier rank of each code of the model fact (-1: unknown)
        model = self.encodings[pack.model_fact]
        table = np.full(len(model.codes) + _SHIFT, -1, dtype=np.int16)
        for value, code in model.codes.items():
            tier = pack.tier_of_model(value)
            table[code + _SHIFT] = -1 if tier is None else tier.rank
        other = pack.tier_of_model("\0 a model no tier lists")
        table[OTHER_CODE + _SHIFT] = -1 if other is None else other.rank
        self._model_rank = table
        # (table, literal, the node: keeps its id taken, how to test it)
        self._tables: dict[int, tuple[np.ndarray, Any, Any, tuple[str, tuple[int, ...]]]] = {}
        self._reading = _Reading(self.facts, self.encodings)

    # --- compiling -------------------------------------------------------------------------------
    def _encoding(self, name: str, literals: list[Any]) -> _Encoding:
        decl = self.pack.facts.get(name)
        kind = decl.type if decl is not None else "text"
        if _months(name) or kind in _NUMERIC:
            return _Encoding(name, "num", np.float64 if kind == "number" else np.int64)
        values: list[Any] = []
        if kind == "boolean":
            values = [False, True]
        elif kind == "choice" and decl is not None:
            values = list(decl.values)
        values += literals
        if name == self.pack.model_fact:  # every model a tier lists, so that each gets its own tier
            values += [m for tier in self.pack.tiers for m in tier.models]
        codes: dict[Any, int] = {}
        for v in values:
            codes.setdefault(v, len(codes))
        return _Encoding(name, "code", np.int16, codes)

    def _table(self, node: Compare, literal: Any) -> np.ndarray:
        """For a test on a coded fact: its truth for every code (a value no test names included)."""
        enc = self.encodings[node.fact]
        table = np.zeros(len(enc.codes) + _SHIFT, dtype=bool)
        for value, code in enc.codes.items():
            table[code + _SHIFT] = _holds(node.op, value, literal)
        table[OTHER_CODE + _SHIFT] = node.op in ("ne", "not_in")
        return table

    # --- columns --------------------------------------------------------------------------------
    def columns(self, profiles: Sequence[Mapping[str, Any]]) -> Columns:
        """Columns from per-profile fact dicts (engine values, None or absent for unknown).

        Every fact is read from each dict in one pass (a C-level getter); the coded facts are coded through one
        table, None, True and False from their addresses (see `_Reading`)."""
        return self._reading.columns(profiles)

    def encode(self, name: str, raw: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        """One fact's engine values as a column."""
        return self.encodings[name].encode(raw)

    # --- rules ------------------------------------------------------------------------------------
    def rule_truths(self, cols: Columns, on: date | np.ndarray | None = None, off: Iterable[str] = (),
                    params: Mapping[str, Any] | None = None, given: Mapping[str, Pair] | None = None
                    ) -> dict[str, Pair]:
        """Every rule's (known true, known false) for every column.

        `on` (a date, or day numbers per column) switches off rules not in force; `off` names rules to
        treat as false everywhere (as the per-profile evaluators take them); `params` replaces parameter
        values (a number, or an array with one value per column); `given` holds rules' truths the caller
        has already settled for these columns (as they would be settled here), taken as they are.
        """
        n = cols.n
        off = frozenset(off)
        derived: dict[str, Pair] = {}
        none = np.zeros(n, dtype=bool)
        every = np.ones(n, dtype=bool)
        ctx = _Context(self, cols, derived, params or {}, none)
        for rid in self._order:
            rule = self.pack.rules[rid]
            if given is not None and rid in given:
                derived[rid] = given[rid]
                continue
            if rid in off:
                derived[rid] = (none, every)
                continue
            force = _in_force(rule.in_force, on)
            if force is False:
                derived[rid] = (none, every)
                continue
            t, f = ctx.cond(rule.when)
            if force is not True:
                t, f = t & force, f | ~force
            derived[rid] = (t, f)
        return derived

    def truths(self, facts: Mapping[str, Any], off: frozenset[str] = frozenset()) -> dict[str, Truth]:
        """Every rule's conclusion for one profile (the Evaluator protocol); rules in `off` conclude false."""
        pairs = self.rule_truths(self.columns([facts]), off=off)
        return {rid: (True if t[0] else False if f[0] else None) for rid, (t, f) in
                ((r, pairs[r]) for r in self._order)}

    def truths_many(self, profiles: Sequence[Mapping[str, Any]], on: date | None = None,
                    off: frozenset[str] = frozenset()) -> list[dict[str, Truth]]:
        """Every rule's conclusion for each of many profiles, as per-profile dicts."""
        pairs = self.rule_truths(self.columns(profiles), on=on, off=off)
        return unpack(pairs, len(profiles), self._order)

    # --- decisions --------------------------------------------------------------------------------
    def current_rank(self, cols: Columns) -> np.ndarray:
        """The tier rank of each column's accountability model (-1: unknown)."""
        return self._model_rank[cols.values[self.pack.model_fact].astype(np.intp) + _SHIFT]

    def requested(self, cols: Columns) -> dict[str, np.ndarray]:
        """For each power, whether each column asks for it."""
        out = {}
        for p in self.pack.powers:
            name = f"requested.{p.id}"
            if name in cols.values:
                enc = self.encodings[name]
                yes = enc.codes[True]
                out[p.id] = cols.known[name] & (cols.values[name] == yes)
            else:
                out[p.id] = np.zeros(cols.n, dtype=bool)
        return out

    #: Profiles decided in one block: longer columns are decided block by block, so that every intermediate
    #: array of a block stays in the processor's cache (one block of 100,000 profiles is markedly slower).
    BLOCK = 16_384

    def decide(self, cols: Columns, on: date | np.ndarray, params: Mapping[str, Any] | None = None,
               rules: dict[str, Pair] | None = None, block: int | None = None,
               given: Mapping[str, Pair] | None = None) -> "Conclusions":
        """Rules, then every power's status and tiers, the package's tier, eligibility and readiness.

        Columns are decided `block` (default BLOCK) at a time; the conclusions are the same whatever the size
        of the blocks, since each profile is decided from its own column entries only. `given`: as in
        rule_truths."""
        n = cols.n
        block = block or self.BLOCK
        if n <= block:
            return self._decide(cols, on, params, rules, given)
        out: Conclusions | None = None
        for start in range(0, n, block):
            stop = min(n, start + block)
            part = self._decide(
                cols.slice(start, stop), _cut(on, start, stop),
                None if params is None else {k: _cut(v, start, stop) for k, v in params.items()},
                None if rules is None else {r: (t[start:stop], f[start:stop]) for r, (t, f) in rules.items()},
                None if given is None else {r: (t[start:stop], f[start:stop]) for r, (t, f) in given.items()})
            if out is None:
                out = _allocate(part, n, rules)
            out.put(part, start, stop, rules is None)
        assert out is not None
        return out

    def _decide(self, cols: Columns, on: date | np.ndarray, params: Mapping[str, Any] | None,
                rules: dict[str, Pair] | None, given: Mapping[str, Pair] | None = None) -> "Conclusions":
        pack = self.pack
        rt = rules if rules is not None else self.rule_truths(cols, on=on, params=params, given=given)
        current = self.current_rank(cols)
        n = cols.n
        statuses = np.empty((len(pack.powers), n), dtype=np.int8)
        low = np.empty((len(pack.powers), n), dtype=np.int16)
        high = np.empty((len(pack.powers), n), dtype=np.int16)
        shared: dict = {}  # what powers with the same prerequisites, tier or dates have in common, made once
        for i, power in enumerate(pack.powers):
            statuses[i], low[i], high[i] = power_status(pack, rt, current, power, on, n, shared)
        requested = self.requested(cols)
        pkg_low, pkg_high = package_tiers(pack, rt, requested, n, (low, high))
        meets = tier_met(pack, current, pkg_low, pkg_high)
        score, best = readiness(pack, rt, n)
        return Conclusions(pack, rt, statuses, low, high, pkg_low, pkg_high, meets, current, score, best,
                           requested)

    def close(self) -> None:
        pass


def _holds(op: str, value: Any, literal: Any) -> bool:
    if op == "in":
        return value in literal
    if op == "not_in":
        return value not in literal
    return bool(_ORDER_OPS[op](value, literal))


class _Context:
    """One evaluation: columns, rule conclusions so far, parameter overrides."""

    def __init__(self, ev: FastEvaluator, cols: Columns, derived: dict[str, Pair], params: Mapping[str, Any],
                 none: np.ndarray):
        self.ev, self.cols, self.derived, self.params, self.none = ev, cols, derived, params, none
        self.index: dict[str, np.ndarray] = {}  # a coded fact's column as indexes into truth tables

    def cond(self, cond: Cond) -> Pair:
        if isinstance(cond, Compare):
            return self.compare(cond)
        if isinstance(cond, RuleRef):
            found = self.derived.get(cond.rule)
            return found if found is not None else (self.none, self.none)
        if isinstance(cond, Not):
            t, f = self.cond(cond.item)
            return f, t
        parts = [self.cond(item) for item in cond.items]
        if isinstance(cond, All):
            t, f = parts[0]
            for pt, pf in parts[1:]:
                t, f = t & pt, f | pf
            return t, f
        assert isinstance(cond, Any_)
        t, f = parts[0]
        for pt, pf in parts[1:]:
            t, f = t | pt, f & pf
        return t, f

    def compare(self, node: Compare) -> Pair:
        ev = self.ev
        enc = ev.encodings[node.fact]
        vals = self.cols.values.get(node.fact)
        if vals is None:  # a fact the columns do not carry is unknown everywhere
            return self.none, self.none
        known = self.cols.known[node.fact]
        literal = node.value
        if node.param is not None and node.param in self.params:
            literal = self.params[node.param]
        if enc.kind == "num":
            lit = literal if isinstance(literal, np.ndarray) else engine_value(literal)
            if node.op in ("in", "not_in"):
                hit = np.isin(vals, np.asarray(lit))
                if node.op == "not_in":
                    hit = ~hit
            else:
                hit = _ORDER_OPS[node.op](vals, lit)
        else:
            if isinstance(literal, np.ndarray):
                raise ValueError(f"parameter {node.param} of a test on {node.fact} cannot vary by column")
            key = id(node)
            cached = ev._tables.get(key)
            if cached is None or cached[1] is not literal:
                table = ev._table(node, engine_value(literal))
                ev._tables[key] = cached = (table, literal, node, _plan(table))
            side, codes = cached[3]
            if side == "table":
                index = self.index.get(node.fact)
                if index is None:  # made once per fact, shared by every test on it
                    index = self.index[node.fact] = vals.astype(np.intp) + _SHIFT
                hit = cached[0][index]
                return known & hit, known & ~hit
            # a few codes compared for equality: cheaper than a look-up in the table, and the same truth
            found = (vals == codes[0]) if codes else self.none
            for code in codes[1:]:
                found = found | (vals == code)
            return (found, known & ~found) if side == "true" else (known & ~found, found)
        return known & hit, known & ~hit


#: A test on a coded fact is read by comparing codes for equality when at most this many codes decide it.
_EQUALITIES = 4


def _plan(table: np.ndarray) -> tuple[str, tuple[int, ...]]:
    """How to read a test from its truth table: ("true", codes where it holds), ("false", codes where it fails),
    or ("table", ()) to look each column up. Unknown (code -1) is neither; a value no test names is code -2."""
    codes = [OTHER_CODE] + list(range(len(table) - _SHIFT))
    true = tuple(c for c in codes if table[c + _SHIFT])
    false = tuple(c for c in codes if not table[c + _SHIFT])
    if min(len(true), len(false)) > _EQUALITIES:
        return "table", ()
    return ("true", true) if len(true) <= len(false) else ("false", false)


def unpack(pairs: Mapping[str, Pair], n: int, order: Iterable[str]) -> list[dict[str, Truth]]:
    """Per-profile truth dicts from (known true, known false) pairs."""
    order = list(order)
    codes = {rid: (pairs[rid][0].astype(np.int8) - pairs[rid][1].astype(np.int8)).tolist() for rid in order}
    word = {1: True, -1: False, 0: None}
    out = []
    for i in range(n):
        out.append({rid: word[codes[rid][i]] for rid in order})
    return out
