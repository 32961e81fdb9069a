"""The decision procedure of decide/decision.py column-wise, for the vectorised evaluator (fast.py).

The functions below mirror `prerequisites`, `tier_bounds`, `tier_met`,
`power_status`, `package_tiers` and readiness one for one, in integer and
boolean arithmetic over columns (no masked writes); tests/test_fast_engine.py
checks them equal to the per-profile functions on every bundled place and on
generated profiles. `Conclusions` is what a pack decides for columns of
profiles, decided block by block (fast.FastEvaluator.decide).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

import numpy as np

from ..pack.ir import Pack, Power

Truth = bool | None
Pair = tuple[np.ndarray, np.ndarray]  # (known true, known false)

#: Power statuses as small integers, in the order of results.Status.
STATUS_NAMES = ("available", "needs_stronger_accountability", "not_available", "undetermined", "not_in_force")
AVAILABLE, NEEDS_STRONGER, NOT_AVAILABLE, UNDETERMINED, NOT_IN_FORCE = range(5)


def _in_force(in_force, on: date | np.ndarray | None):
    """True, False, or a mask per column (day numbers), for a rule's or power's dates of force."""
    if on is None:
        return True
    if isinstance(on, date):
        return in_force.holds(on)
    if in_force.start is None and in_force.end is None:
        return True
    mask = np.ones(len(on), dtype=bool)
    if in_force.start is not None:
        mask &= on >= in_force.start.toordinal()
    if in_force.end is not None:
        mask &= on < in_force.end.toordinal()
    return mask


def _cut(value: Any, start: int, stop: int) -> Any:
    """One block of a per-column value (an array), or the value itself (the same for every column)."""
    return value[start:stop] if isinstance(value, np.ndarray) and value.ndim else value


def _allocate(part: "Conclusions", n: int, rules: dict[str, Pair] | None) -> "Conclusions":
    """Empty conclusions for `n` columns, shaped as the block `part` (the caller's rule truths if given)."""
    joined: Mapping[str, Pair] = _Joined() if rules is None else rules

    def like(a: np.ndarray) -> np.ndarray:
        return np.empty(a.shape[:-1] + (n,), dtype=a.dtype)
    return Conclusions(part.pack, joined, like(part.statuses), like(part.power_low), like(part.power_high),
                       like(part.package_low), like(part.package_high), (like(part.meets[0]), like(part.meets[1])),
                       like(part.current), like(part.score), like(part.best),
                       {pid: like(asked) for pid, asked in part.requested.items()})


# --- the decision procedure, column-wise (mirrors decide/decision.py one for one) -----------------------

def prerequisites(pack: Pack, power: Power) -> list[str]:
    """decision.prerequisites: the negotiation rule first, then the power's own."""
    return [pack.negotiation_rule] + [r for r in power.requires if r != pack.negotiation_rule]


def _rule(rt: Mapping[str, Pair], rid: str, n: int) -> Pair:
    found = rt.get(rid)
    if found is None:
        none = np.zeros(n, dtype=bool)
        return none, none
    return found


def tier_bounds(pack: Pack, rt: Mapping[str, Pair], base: int | np.ndarray, requirements, n: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """decision.tier_bounds: the required tier rank if no undetermined requirement holds, and if all do."""
    low = base.astype(np.int16) if isinstance(base, np.ndarray) else np.full(n, base, dtype=np.int16)
    high = low.copy()
    # Ranks are never negative, so "raise to `rank` where the rule holds" is a maximum with rank * holds
    # (integer arithmetic on the masks: no masked writes, no branches).
    for req in requirements:
        t, f = _rule(rt, req.rule, n)
        rank = np.int16(pack.tier(req.tier).rank)
        np.maximum(low, t * rank, out=low)
        np.maximum(high, ~f * rank, out=high)
    return low, np.maximum(high, low)


def tier_met(pack: Pack, current: np.ndarray, low: np.ndarray, high: np.ndarray) -> Pair:
    """decision.tier_met: whether the tier of rank `current` (-1 unknown) meets one between low and high."""
    weakest = high == pack.tiers[0].rank
    known = current >= 0
    yes = weakest | (known & (current >= high))
    no = ~weakest & known & (current < high) & (current < low)
    return yes, no


def power_status(pack: Pack, rt: Mapping[str, Pair], current: np.ndarray, power: Power,
                 on: date | np.ndarray | None, n: int, shared: dict | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """decision.power_status: the status code of a power for every column, with its required tier bounds.

    `shared` (a dict the caller keeps for one set of columns, date and rule truths) holds what powers with the
    same tier and requirements, prerequisites or dates have in common, so each is computed once."""
    shared = {} if shared is None else shared
    bounds_key = _bounds_key(pack, power)
    found = shared.get(bounds_key)
    if found is None:
        low, high = tier_bounds(pack, rt, pack.tier(power.tier).rank, pack.requirements_by_power[power.id], n)
        found = shared[bounds_key] = (low, high, *tier_met(pack, current, low, high))
    low, high, met_yes, met_no = found
    force = _in_force(power.in_force, on)
    if force is False:
        return np.full(n, NOT_IN_FORCE, dtype=np.int8), low, high
    prereqs = tuple(prerequisites(pack, power))
    status_key = (prereqs, bounds_key, power.in_force.start, power.in_force.end)
    status = shared.get(status_key)
    if status is None:
        held = shared.get(prereqs)
        if held is None:
            any_false = np.zeros(n, dtype=bool)
            any_known = np.ones(n, dtype=bool)
            for rid in prereqs:
                t, f = _rule(rt, rid, n)
                any_false |= f
                any_known &= t | f
            held = shared[prereqs] = (any_false, ~any_known)
        any_false, unknown = held
        # The order of precedence as disjoint masks, then the code in integer arithmetic (no masked writes):
        # available 0, needs stronger 1, not available 2, undetermined 3 = 2 * (not available or undetermined)
        # + (undetermined or needs stronger); out of force 4.
        ok = ~(any_false | unknown)
        neither = ok & ~(met_yes | met_no)
        undetermined = (unknown & ~any_false) | neither
        needs = ok & ~met_yes & met_no
        twos = (any_false | undetermined).view(np.uint8)
        status = twos + twos + (undetermined | needs).view(np.uint8)
        if force is not True:
            status *= force.view(np.uint8)
            status += (~force).view(np.uint8) * np.uint8(NOT_IN_FORCE)
        status = shared[status_key] = status.view(np.int8)
    return status, low, high


def _bounds_key(pack: Pack, power: Power) -> tuple:
    """What a power's required tier bounds depend on: its tier and its requirements (rule, tier)."""
    return ("bounds", power.tier, tuple((r.rule, r.tier) for r in pack.requirements_by_power[power.id]))


def package_tiers(pack: Pack, rt: Mapping[str, Pair], requested: Mapping[str, np.ndarray], n: int,
                  power_tiers: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """decision.package_tiers: the tier the requested powers need together, raised by package requirements."""
    weakest = pack.tiers[0].rank
    low = np.full(n, weakest, dtype=np.int16)
    high = low.copy()
    # Powers of the same tier and requirements have the same bounds: one group, asked for where any of them is.
    groups: dict[tuple, tuple[int, np.ndarray]] = {}
    for i, power in enumerate(pack.powers):
        asked = requested.get(power.id)
        if asked is None or not asked.any():
            continue
        key = _bounds_key(pack, power)
        first = groups.get(key)
        groups[key] = (i, asked) if first is None else (first[0], first[1] | asked)
    for i, asked in groups.values():
        if power_tiers is not None:
            p_low, p_high = power_tiers[0][i], power_tiers[1][i]
        else:
            power = pack.powers[i]
            p_low, p_high = tier_bounds(pack, rt, pack.tier(power.tier).rank, pack.requirements_by_power[power.id], n)
        # the strongest tier among the requested powers: ranks are never negative, so a maximum with rank * asked
        np.maximum(low, p_low * asked, out=low)
        np.maximum(high, p_high * asked, out=high)
    pkg_low, pkg_high = tier_bounds(pack, rt, low, pack.requirements_by_power[None], n)
    return pkg_low, np.maximum(pkg_high, high)


def readiness(pack: Pack, rt: Mapping[str, Pair], n: int) -> tuple[np.ndarray, np.ndarray]:
    """decide/readiness.py: the score and the score if every undetermined positive rule held (same sums)."""
    weights = [float(w.weight) for w in pack.readiness]
    if all(w.is_integer() and abs(w) < 2**20 for w in weights) and len(weights) < 255:
        # Whole weights: sums of whole numbers are exact in any order, so count the rules that hold per weight
        # (bytes) and multiply, in integers, then give the floats the per-profile sum gives.
        held: dict[int, list[np.ndarray]] = {}
        hopeful: dict[int, list[np.ndarray]] = {}
        for w in pack.readiness:
            t, f = _rule(rt, w.rule, n)
            held.setdefault(int(w.weight), []).append(t)
            # a positive weight counts where the rule is true or unknown, i.e. not false
            hopeful.setdefault(int(w.weight), []).append(~f if w.weight > 0 else t)
        return _weighted(held, n), _weighted(hopeful, n)
    score = np.zeros(n, dtype=np.float64)
    best = np.zeros(n, dtype=np.float64)
    for w in pack.readiness:
        t, f = _rule(rt, w.rule, n)
        weight = float(w.weight)
        score += t * weight
        best += (~f if w.weight > 0 else t) * weight
    return score, best


def _weighted(by_weight: Mapping[int, list[np.ndarray]], n: int) -> np.ndarray:
    """The sum over weights of weight times how many of its masks hold, per column, as float64."""
    total = np.zeros(n, dtype=np.int32)
    for weight, masks in by_weight.items():
        count = masks[0].view(np.uint8)
        for mask in masks[1:]:
            count = count + mask.view(np.uint8)
        total += count.astype(np.int32) * weight
    return total.astype(np.float64)


class _Joined(Mapping[str, Pair]):
    """Rule truths kept in the blocks they were decided in: a rule's whole columns are joined when first read
    (most callers read a few rules, and copying every rule's columns would cost as much as deciding them)."""

    def __init__(self) -> None:
        self.blocks: list[Mapping[str, Pair]] = []
        self._joined: dict[str, Pair] = {}

    def __getitem__(self, rid: str) -> Pair:
        found = self._joined.get(rid)
        if found is None:
            parts = [block[rid] for block in self.blocks]
            found = self._joined[rid] = (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
        return found

    def __iter__(self):
        return iter(self.blocks[0] if self.blocks else ())

    def __len__(self) -> int:
        return len(self.blocks[0]) if self.blocks else 0


@dataclass
class Conclusions:
    """What a pack decides for columns of profiles."""

    pack: Pack
    rules: Mapping[str, Pair]
    statuses: np.ndarray          # (powers, n) status codes (STATUS_NAMES)
    power_low: np.ndarray         # (powers, n) required tier rank
    power_high: np.ndarray        # (powers, n) required tier rank if undetermined requirements apply
    package_low: np.ndarray       # (n,)
    package_high: np.ndarray      # (n,)
    meets: Pair                   # the place's tier meets the package's
    current: np.ndarray           # (n,) tier rank of the model, -1 unknown
    score: np.ndarray             # (n,) readiness score
    best: np.ndarray              # (n,) readiness score if unknowns hold
    requested: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return self.statuses.shape[1]

    @property
    def eligible(self) -> Pair:
        return self.rules[self.pack.negotiation_rule]

    def eligible_values(self) -> list[Truth]:
        t, f = self.eligible
        return [True if a else False if b else None for a, b in zip(t.tolist(), f.tolist())]

    def status_names(self, i: int) -> dict[str, str]:
        """Power id -> status name for column i."""
        return {p.id: STATUS_NAMES[self.statuses[k, i]] for k, p in enumerate(self.pack.powers)}

    def truths(self, i: int) -> dict[str, Truth]:
        return {rid: (True if t[i] else False if f[i] else None) for rid, (t, f) in self.rules.items()}

    def put(self, part: "Conclusions", start: int, stop: int, with_rules: bool = True) -> None:
        """Copy the conclusions of a block of columns into columns `start` to `stop`."""
        if with_rules:
            assert isinstance(self.rules, _Joined)
            self.rules.blocks.append(part.rules)
        for name in ("statuses", "power_low", "power_high", "package_low", "package_high", "current", "score",
                     "best"):
            getattr(self, name)[..., start:stop] = getattr(part, name)
        self.meets[0][start:stop] = part.meets[0]
        self.meets[1][start:stop] = part.meets[1]
        for pid, asked in part.requested.items():
            self.requested[pid][start:stop] = asked


