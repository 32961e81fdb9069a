"""Exhaustive checking in columns: the abstraction decided as arrays by the vectorised evaluator.

For each date on which the pack's law changes and each request class, the
product of the facts' value classes is one grid: axis j holds the classes of
fact j, in the order `itertools.product` visits them, so the flat index of a
profile is its place in the per-profile loop of run.py. engines/fast.py
decides every profile of the grid at once (rules, then every power's status
and tier, the package's tier, eligibility). A one-fact change is then a move
along one axis: "before" and "after" are two slices of the same status array,
and a pair property's `worse` becomes a 5 x 5 table over status codes,
read as boolean masks of where each status is.

A grid is decided once per date and request class, but most rules read no
request and are in force alike on several dates: the grid settles each such
rule once per combination of its dated rules being in force, and gives it to
later decisions as settled; the statuses of the request classes the search for
reachable powers reads are kept for it (tests check both against deciding
afresh).

Only the first violations in the per-profile order are turned into reports,
and each is rebuilt, exactly as run.py builds it, from the per-profile
decision (`Checker.outcome`) and `Space.valid_profile`: counterexamples and
counts are the ones the per-profile loop gives. A custom decision function
(`run_checks(decide_fn=...)`, used by tests to break the engine on purpose)
cannot be vectorised: run.py then keeps the per-profile loop.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import numpy as np

from ..engines.fast import AVAILABLE, NOT_AVAILABLE, NOT_IN_FORCE, STATUS_NAMES, Columns, Conclusions, Pair
from ..pack.ir import engine_value, facts_in
from ..results import Status
from ..compiled import compiled
from ..compiled.space import Requests, Space


class Grid:
    """The abstraction's profiles for one request class, as columns (flat index = product order)."""

    def __init__(self, space: Space, facts: list[str], domains: list[list[Any]]):
        self.space, self.facts, self.domains = space, facts, domains
        self.shape = tuple(len(d) for d in domains)
        self.size = int(np.prod(self.shape, dtype=np.int64)) if domains else 1
        self.fast = compiled(space.pack).fast
        index = np.indices(self.shape).reshape(len(self.shape), self.size) if domains else np.zeros((0, 1), int)
        self._grid: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for j, (fact, domain) in enumerate(zip(facts, domains)):
            if fact not in self.fast.encodings:
                continue
            # each class as complete() states it (member_count defaults to 1), as the engines see it
            raw = [engine_value(space.complete({fact: v}).get(fact)) for v in domain]
            values, known = self.fast.encode(fact, raw)
            self._grid[fact] = (values[index[j]], known[index[j]])

        pack = space.pack
        dated = {rid for rid, rule in pack.rules.items() if rule.in_force.start or rule.in_force.end}
        #: rules whose truth on the grid does not depend on the request class, each with the dated rules it
        #: reads: such a rule is settled once per combination of those rules being in force, and reused
        self._reusable: dict[str, list[str]] = {}
        for rid in pack.rules:
            cone = space.cone_rules([rid])
            if not any(space.is_request(f) for r in cone for f in facts_in(pack.rules[r].when)):
                self._reusable[rid] = [r for r in cone if r in dated]
        self._settled: dict[tuple, Pair] = {}
        self._statuses: dict[tuple, np.ndarray] = {}

    def columns(self, requested: Requests) -> Columns:
        base = {name: engine_value(v) for name, v in self.space.complete({}, requested).items()}
        values, known = {}, {}
        for name in self.fast.facts:
            if name in self._grid:
                values[name], known[name] = self._grid[name]
            else:  # the same for every profile of the grid: one value, broadcast (read only, no copy)
                v, k = self.fast.encode(name, [base.get(name)])
                values[name], known[name] = np.broadcast_to(v, (self.size,)), np.broadcast_to(k, (self.size,))
        return Columns(self.size, values, known)

    def decide(self, requested: Requests, on: date, keep: bool = False) -> Conclusions:
        """The grid decided for a request class on a date; rules that neither read requests nor change with
        the date since an earlier call are taken from it, as they were settled (the same columns). With
        `keep`, the powers' statuses are kept for `statuses` (within KEEP_STATUSES)."""
        given: dict[str, Pair] = {}
        new: dict[str, tuple] = {}
        for rid, dated in self._reusable.items():
            key = (rid, tuple(self.space.pack.rules[r].in_force.holds(on) for r in dated))
            found = self._settled.get(key)
            if found is None:
                new[rid] = key
            else:
                given[rid] = found
        out = self.fast.decide(self.columns(requested), on, given=given)
        for rid, key in new.items():
            self._settled[key] = out.rules[rid]
        if keep and out.statuses.nbytes * (len(self._statuses) + 1) <= KEEP_STATUSES:
            self._statuses[(on, requested)] = out.statuses
        return out

    def statuses(self, requested: Requests, on: date) -> np.ndarray:
        """Every power's status over the grid: as an earlier decide left them, or decided now."""
        found = self._statuses.get((on, requested))
        return found if found is not None else self.decide(requested, on).statuses

    def combo(self, flat: int) -> tuple:
        """The class values of the profile at a flat index."""
        at = np.unravel_index(flat, self.shape) if self.shape else ()
        return tuple(d[int(i)] for d, i in zip(self.domains, at))


#: Bytes of decided statuses a grid keeps for later checks (the search for reachable powers reads them again).
KEEP_STATUSES = 128 * 2**20


def grid_of(checker, facts: list[str], domains: list[list[Any]]) -> Grid:
    """The checker's grid of these facts, made once: what one check decides, the next reuses."""
    grids = checker.__dict__.setdefault("_grids", {})
    key = tuple(facts)
    if key not in grids:
        grids[key] = Grid(checker.space, facts, domains)
    return grids[key]


class _StatusMasks:
    """Where each power status is, over a decided grid, made once per status or set of statuses."""

    def __init__(self, statuses: np.ndarray):
        self.statuses = statuses
        self._equal: dict[int, np.ndarray] = {}

    def equal(self, code: int) -> np.ndarray:
        found = self._equal.get(code)
        if found is None:
            found = self._equal[code] = self.statuses == code
        return found

    def among(self, codes: list[int]) -> np.ndarray:
        """Where the status is one of `codes` (read as "not any other" when that is shorter)."""
        others = [c for c in range(len(STATUS_NAMES)) if c not in codes]
        if len(others) < len(codes):
            return ~np.logical_or.reduce([self.equal(c) for c in others]) if others else \
                np.ones(self.statuses.shape, dtype=bool)
        return np.logical_or.reduce([self.equal(c) for c in codes])


def _worse_table(prop) -> np.ndarray:
    statuses = [Status(name) for name in STATUS_NAMES]
    return np.array([[bool(prop.worse(b, a)) for a in statuses] for b in statuses], dtype=bool)


def exhaustive(checker, facts: list[str], domains: list[list[Any]], requests: list[Requests], pairs, singles) -> list:
    """run._exhaustive over columns: the same checks, counts, notes and counterexamples."""
    from .run import Check, pair_failure  # run.py imports this module lazily; no cycle at import time

    space = checker.space
    grid = grid_of(checker, facts, domains)
    index = {f: i for i, f in enumerate(facts)}
    results = {p.id: Check(p.id, "property", p.statement, how="exhaustive over the abstraction, on every date "
                           "the pack's law changes", by_construction=p.by_construction) for p in pairs + singles}
    move_facts = {p.id: [f for f in p.facts(space) if f in index] for p in pairs}
    worse = {p.id: _worse_table(p) for p in pairs}
    # moves along each axis: (property, fact) -> per class index, the class indices it moves to
    moves: dict[tuple[str, str], list[list[int]]] = {}
    for prop in pairs:
        for fact in move_facts[prop.id]:
            domain = domains[index[fact]]
            moves[(prop.id, fact)] = [[_position(domain, v) for f, v in prop.moves(space, {fact: value}) if f == fact]
                                      for value in domain]
    pair_requests = requests if space.requests_matter_for_powers else requests[:1]
    reach_requests = pair_requests  # the classes the search for reachable powers reads (reachable below)
    evaluated = 0
    for on, requested in itertools.product(space.epochs, requests):
        active_pairs = pairs if requested in pair_requests else []
        if not active_pairs and not singles:
            continue
        out = grid.decide(requested, on, keep=requested in reach_requests)
        evaluated += grid.size
        statuses = out.statuses.reshape((out.statuses.shape[0],) + grid.shape)
        masks = _StatusMasks(statuses)
        for prop in active_pairs:
            check = results[prop.id]
            found: list[tuple[int, int, int]] = []  # (flat index, fact position, target position)
            # worse[before, after] as masks: for each status before, where it is and where the status after is
            # one the table calls worse (both over every profile of the grid)
            rows = [(masks.equal(b), masks.among(np.flatnonzero(worse[prop.id][b]).tolist()))
                    for b in range(len(STATUS_NAMES)) if worse[prop.id][b].any()]
            for k, fact in enumerate(move_facts[prop.id]):
                j = index[fact]
                for a, targets in enumerate(moves[(prop.id, fact)]):
                    check.checked += (grid.size // grid.shape[j]) * len(targets)
                    if check.failed and len(check.failures) >= 3:
                        continue
                    at_a = (slice(None),) * (1 + j) + (a,)
                    for t, b in enumerate(targets):
                        at_b = (slice(None),) * (1 + j) + (b,)
                        hits = [was[at_a] & now[at_b] for was, now in rows]
                        if not any(h.any() for h in hits):
                            continue
                        bad = np.logical_or.reduce(hits).any(axis=0)
                        if bad.any():
                            at = list(np.nonzero(bad))
                            at.insert(j, np.full(len(at[0]), a))
                            cells = np.ravel_multi_index(tuple(at), grid.shape)
                            found += [(int(x), k, t) for x in cells[:3]]
            for cell, k, t in sorted(found):
                if len(check.failures) >= 3:
                    break
                fact = move_facts[prop.id][k]
                combo = grid.combo(cell)
                new = domains[index[fact]][moves[(prop.id, fact)][combo_index(domains, index[fact], combo)][t]]
                full = space.complete(dict(zip(facts, combo)), requested)
                failure = pair_failure(checker, prop, full, requested, on, fact, new)
                if failure:
                    check.fail(failure)
        for prop in singles:
            check = results[prop.id]
            check.checked += grid.size
            if len(check.failures) >= 3:
                continue
            flagged = _single_violations(prop, space, out, requested)
            if flagged is None:  # no column form: the per-profile test on every profile of the grid
                flagged = np.array([
                    prop.violation(space, checker.outcome(space.complete(dict(zip(facts, grid.combo(i))), requested),
                                                          requested, on), requested) is not None
                    for i in range(grid.size)], dtype=bool)
            for hit in np.nonzero(flagged)[0]:
                if len(check.failures) >= 3:
                    break
                full = space.complete(dict(zip(facts, grid.combo(int(hit)))), requested)
                found_one = prop.violation(space, checker.outcome(full, requested, on), requested)
                if found_one:
                    found_one["as_of"] = on.isoformat()
                    found_one["profile"] = space.valid_profile(full, requested, on)
                    check.fail(found_one)
    for check in results.values():
        check.notes.append(f"{evaluated:,} abstract profiles evaluated")
    return list(results.values())


def combo_index(domains: list[list[Any]], j: int, combo: tuple) -> int:
    return _position(domains[j], combo[j])


def _position(domain: list[Any], value: Any) -> int:
    """The index of a class value (by identity of type too: True is not 1)."""
    for i, v in enumerate(domain):
        if v == value and type(v) is type(value):
            return i
    raise ValueError(f"{value!r} is not a class of this fact")


def _single_violations(prop, space: Space, out: Conclusions, requested: Requests) -> np.ndarray | None:
    """The profiles breaking a single-outcome property, for the properties with a column form."""
    pack = space.pack
    if prop.id == "below_level":
        offered = ((out.statuses != NOT_AVAILABLE) & (out.statuses != NOT_IN_FORCE)).any(axis=0)
        return out.eligible[1] & offered
    if prop.id == "package_tier":
        bad = np.zeros(out.n, dtype=bool)
        for k, power in enumerate(pack.powers):
            if power.id in (requested or ()):
                bad |= (out.statuses[k] == AVAILABLE) & (out.power_low[k] > out.package_low)
        return bad
    return None


def reachable(checker, facts: list[str], domains: list[list[Any]], requests: list[Requests], size: int):
    """run._reachable over columns: the same search order, count and report."""
    from ..decide.decision import prerequisites
    from .run import OTHER_PROPERTIES, Check

    space = checker.space
    c = Check("reachable", "property", OTHER_PROPERTIES["reachable"],
              how="search over the abstraction (a proof when none is found)")
    powers = [p.id for p in checker.pack.powers]
    pending = set(powers)
    requests = requests if space.requests_matter_for_powers else requests[:1]
    grid = grid_of(checker, facts, domains)
    for on in space.epochs:
        for requested in requests:
            statuses = grid.statuses(requested, on)
            first = {}
            for k, pid in enumerate(powers):
                if pid in pending:
                    hits = np.flatnonzero(statuses[k] == AVAILABLE)
                    if len(hits):
                        first[pid] = int(hits[0])
            if set(first) == pending:
                c.checked += max(first.values()) + 1
                return c
            pending -= set(first)
            c.checked += grid.size
    for pid in sorted(pending):
        power = checker.pack.power(pid)
        c.fail({"power": pid, "where": str(power.where),
                "problem": f"no profile makes it available (searched all {size:,} abstract profiles)",
                "rules_involved": prerequisites(checker.pack, power)})
    return c
