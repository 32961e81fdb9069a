"""Parameter sweeps: a round at every point of a grid of parameter values, and each place's tipping points.

`negotiator sweep PLACES --param NAME=START..STOP:STEP` evaluates every place at
every grid point at once on the fast path (engines/fast.py takes a parameter's
value per column), then plans the round at each point with the round's own
policy (round/plan.py: ranking, tranches, coverage), so a point of the sweep is
the round `negotiator round` would run with those parameter values (tests check
it). Parameters override the round config's and the pack's, as a round config's
do.

A place's *tipping points* are found from the pack, not from the grid: a
parameter enters the rules only through tests `fact OP {param: NAME}`, so as the
parameter moves, a test on a place flips exactly at the value of the fact it
reads (population 1,463,740 against `gte: {param: ...}` holds up to 1,463,740 and
fails above it). The place's outcome (eligibility and every power's status) is
piecewise constant between those values; it is evaluated at each of them and
between them, and every change is reported with the exact value where it occurs.
Each parameter is moved alone, the others at their base values (config or pack).

A *council* is a place with one member council. At each point a council can
negotiate alone (its own place is eligible), only through a grouping (a place
of several councils including it is eligible), or not at all.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from ..bounds import MAX_NUMBER_TEXT, number_text_problem, value_problem
from ..compiled import compiled
from ..decide.decision import prerequisites
from ..engines.fast import AVAILABLE, NOT_AVAILABLE, NOT_IN_FORCE, STATUS_NAMES, Columns
from ..engines.semantics import engine_facts
from ..errors import InputError, Problem, nearest
from ..pack.ir import Compare, Pack, walk
from ..values import number
from ..vocab.councils import register
from ..vocab.places import LoadedPlace
from ..vocab.timeline import LeftOut, on_date
from ..vocab.profile import facts_at
from ..yamlio import Located
from .config import RoundConfig, check_config_places
from .evaluate import paused_gc
from .gate import GateInput
from .plan import coverage, population_base, select, without_places

#: Most grid points a sweep runs.
MAX_POINTS = 10_000
#: Columns (places x grid points) decided in one batch.
BATCH_COLUMNS = 200_000


@dataclass(frozen=True)
class Axis:
    """One swept parameter: its grid values and its base value (config or pack)."""

    name: str
    values: tuple[Any, ...]
    base: Any


def parse_param(text: str) -> tuple[str, list[Any]]:
    """`NAME=START..STOP:STEP` (STOP included when the steps reach it exactly) -> name and values."""
    where = "--param"
    if "=" not in text:
        raise InputError([Problem(where, f"'{text[:80]}' is not NAME=START..STOP:STEP")])
    name, spec = (s.strip() for s in text.split("=", 1))
    try:
        span, step_text = spec.rsplit(":", 1) if ":" in spec else (spec, None)
        start_text, stop_text = span.split("..", 1)
        for part in (start_text, stop_text, step_text or "1"):  # before any conversion (bounds)
            too_long = number_text_problem(part) or (f"a number of {len(part.strip())} characters is longer than "
                                                     f"{MAX_NUMBER_TEXT}" if len(part.strip()) > MAX_NUMBER_TEXT else None)
            if too_long:
                raise InputError([Problem(where, too_long, field=name)])
        start, stop = Decimal(start_text.strip()), Decimal(stop_text.strip())
        step = Decimal(step_text.strip()) if step_text is not None else Decimal(1)
    except (ValueError, InvalidOperation):
        raise InputError([Problem(where, f"'{text[:80]}' is not NAME=START..STOP:STEP (numbers, e.g. "
                                         "grouping_min_population=300000..700000:10000)", field=name)]) from None
    if not all(x.is_finite() for x in (start, stop, step)) or step <= 0 or stop < start:
        raise InputError([Problem(where, f"'{text}': give START <= STOP and a STEP above 0", field=name)])
    ratio = (stop - start) / step  # compared before int(): a step of 1e-5000 makes a number of 5,000 digits
    if ratio >= MAX_POINTS:
        shown = f"{int(ratio) + 1:,}" if ratio < 10 ** 15 else f"about {ratio:.1E}"
        raise InputError([Problem(where, f"'{text[:80]}' has {shown} values; at most {MAX_POINTS:,}", field=name)])
    count = int(ratio) + 1
    integral = all(x == x.to_integral_value() for x in (start, step))
    values = [int(v) if integral else float(v) for v in (start + i * step for i in range(count))]
    for value in (values[0], values[-1]):
        beyond = value_problem(value) or (value_problem(float(step)) if not integral else None)
        if beyond:
            raise InputError([Problem(where, beyond, field=name)])
    return name, values


def axes_for(pack: Pack, specs: list[tuple[str, list[Any]]]) -> list[Axis]:
    """Check the swept parameters against the pack: numeric parameters the rules test, every value allowed."""
    from ..pack.load import load_pack
    problems = []
    seen = set()
    out = []
    for name, values in specs:
        if name in seen:
            problems.append(Problem("--param", f"'{name}' is swept twice", field=name))
            continue
        seen.add(name)
        param = pack.parameters.get(name)
        if param is None:
            problems.append(Problem("--param", f"unknown parameter '{name}' of the rule pack", field=name,
                                    suggestion=nearest(name, pack.parameters)))
            continue
        if isinstance(param.value, bool) or not isinstance(param.value, (int, float)):
            problems.append(Problem("--param", f"'{name}' is not a number, so it cannot be swept", field=name))
            continue
        if not uses(pack, name):
            problems.append(Problem("--param", f"no rule tests '{name}', so sweeping it changes nothing the round "
                                               "decides", field=name))
            continue
        try:  # the bounds and types the pack declares, checked as a round config's values are
            for value in {values[0], values[-1]}:
                load_pack(pack.folder, {**_set_params(pack), name: value}, set_by="--param")
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        out.append(Axis(name, tuple(values), param.value))
    if problems:
        raise InputError(problems)
    points = int(np.prod([len(a.values) for a in out]))
    if points > MAX_POINTS:
        raise InputError([Problem("--param", f"the grid has {points:,} points; at most {MAX_POINTS:,}")])
    return out


def _set_params(pack: Pack) -> dict[str, Any]:
    return {n: p.value for n, p in pack.parameters.items() if p.set_by != "rule pack"}


def uses(pack: Pack, name: str) -> list[Compare]:
    """The tests of the pack's rules that read a parameter."""
    return [n for r in pack.rules.values() for n in walk(r.when) if isinstance(n, Compare) and n.param == name]


# --- results ----------------------------------------------------------------------------------------

@dataclass
class Point:
    """The round at one grid point."""

    values: dict[str, Any]
    eligible: list[str]
    not_eligible: int
    undetermined: int
    alone: list[str]                  # councils (one-member places) that can negotiate alone
    through_grouping: int             # councils that only a grouping including them can bring in
    no_route: int
    first_tranche: list[str]
    tranches: int
    coverage_population: int
    coverage_share: float
    available: int                    # (place, power) pairs available
    available_by_power: dict[str, int]


@dataclass
class Tipping:
    """Where a place's outcome changes as one parameter moves (the others at their base values)."""

    place: str
    name: str
    param: str
    value: Any
    side: str                         # "at": the new outcome holds from `value` on; "above": beyond it
    fact: str
    fact_value: Any
    eligible: tuple[bool | None, bool | None]
    changes: list[tuple[str, str, str]] = field(default_factory=list)   # (power, before, after)
    package: tuple[str, str] | None = None    # the tier the requested package needs, before and after

    def words(self) -> str:
        where = (f"from {number(self.value)} up" if self.side == "at" else f"above {number(self.value)}")
        bits = []
        if self.eligible[0] != self.eligible[1]:
            bits.append(f"{_eligible_word(self.eligible[0])} -> {_eligible_word(self.eligible[1])}")
        gained = [p for p, _b, a in self.changes if a == "available"]
        lost = [p for p, b, _a in self.changes if b == "available"]
        if gained:
            bits.append("gains " + ", ".join(gained))
        if lost:
            bits.append("loses " + ", ".join(lost))
        if self.package is not None:
            bits.append(f"the package asked for needs {self.package[0]} -> {self.package[1]}")
        if not bits:
            bits.append("; ".join(f"{p}: {b} -> {a}" for p, b, a in self.changes))
        return f"{where}: " + "; ".join(bits)


def _eligible_word(value: bool | None) -> str:
    return {True: "eligible", False: "not eligible", None: "undetermined"}[value]


@dataclass
class Sweep:
    pack: Pack
    config: RoundConfig
    axes: list[Axis]
    places: list[LoadedPlace]
    points: list[Point]
    tipping: dict[str, list[Tipping]]                 # param -> tipping points, by value
    alone_steps: dict[str, list[tuple[Any, str, int, list[str], list[str]]]]  # param -> alone_by_threshold rows
    councils: int
    routes: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # council code -> route (see routes())
    left_out: list[LeftOut] = field(default_factory=list)  # places not existing on the config's date, and why
    #: decided reorganisations due by the date, replacing councils of the places, that the register does not apply
    decided_not_applied: list[str] = field(default_factory=list)

    @property
    def names(self) -> dict[str, str]:
        return {lp.id: lp.profile.name for lp in self.places}


# --- the sweep ------------------------------------------------------------------------------------------

class _Places:
    """The places' facts as of the round's date, as columns, with what planning needs."""

    def __init__(self, pack: Pack, loaded: list[LoadedPlace], on: date):
        self.fast = compiled(pack).fast
        self.ids = [lp.id for lp in loaded]
        facts = [facts_at(lp.profile, pack.vocabulary, on) for lp in loaded]
        self.facts = facts
        self.engine = [engine_facts(f) for f in facts]
        self.cols = self.fast.columns(self.engine)
        self.members = {lp.id: lp.profile.members for lp in loaded}
        self.population = {lp.id: f.get("population") if "population" in pack.facts else None
                           for lp, f in zip(loaded, facts)}
        self.singles = {lp.id: lp.profile.members[0] for lp in loaded if len(lp.profile.members) == 1}
        self.names = {lp.id: lp.profile.name for lp in loaded}

    def tiled(self, index: np.ndarray) -> Columns:
        return self.cols.take(index)


def run_sweep(pack: Pack, loaded: list[LoadedPlace], config: RoundConfig, doc: Located | None,
              specs: list[tuple[str, list[Any]]]) -> Sweep:
    """Every grid point's round, and every place's tipping points for each swept parameter, over the places that
    exist on the config's date (the others are listed in `left_out`, with the reason)."""
    check_config_places(config, doc, [lp.id for lp in loaded])
    loaded, left_out = on_date(loaded, config.date)
    config = without_places(config, {lo.id for lo in left_out})
    ids = [lp.id for lp in loaded]
    axes = axes_for(pack, specs)
    with paused_gc():
        places = _Places(pack, loaded, config.date)
        grid = list(itertools.product(*(a.values for a in axes)))
        points = []
        n = len(ids)
        per_batch = max(1, BATCH_COLUMNS // max(n, 1))
        for start in range(0, len(grid), per_batch):
            chunk = grid[start:start + per_batch]
            index = np.tile(np.arange(n), len(chunk))
            params = {a.name: np.repeat(np.array([p[k] for p in chunk]), n) for k, a in enumerate(axes)}
            out = places.fast.decide(places.tiled(index), config.date, params)
            for g, values in enumerate(chunk):
                points.append(_plan(pack, config, places, out, g * n, n, dict(zip((a.name for a in axes), values))))
        tipping = {a.name: tipping_points(pack, places, config.date, a) for a in axes}
        steady = _alone_at_base(places, config.date)
        route = routes(places, config.date)
        steps = {a.name: alone_by_threshold(places, tipping[a.name], steady) for a in axes}
    councils = len({c for m in places.members.values() for c in m})
    pending = register().pending_on(config.date, {c for m in places.members.values() for c in m})
    return Sweep(pack, config, axes, loaded, points, tipping, steps, councils, route, left_out,
                 [change.sentence() for change in pending])


def _plan(pack: Pack, config: RoundConfig, places: _Places, out, offset: int, n: int,
          values: dict[str, Any]) -> Point:
    """The round at one grid point: run_round's ranking, tranches and coverage over the decided columns."""
    ids = places.ids
    t, f = out.eligible
    t, f = t[offset:offset + n], f[offset:offset + n]
    statuses = out.statuses[:, offset:offset + n]
    sel = select(pack, config, ids, places.members, gate_columns(pack, out, offset, n, ids), places.population)
    first = sel.tranches[0] if sel.tranches else []
    covered = coverage(sorted(first), places.members, population_base(config))
    yes = {pid for i, pid in enumerate(ids) if t[i]}
    alone_codes = {places.singles[pid] for pid in yes if pid in places.singles}
    grouped = {c for pid in yes if pid not in places.singles for c in places.members[pid]}
    councils = {c for m in places.members.values() for c in m}
    available = statuses == AVAILABLE
    return Point(
        values=values, eligible=sorted(yes), not_eligible=len(sel.not_eligible), undetermined=len(sel.undetermined),
        alone=sorted(pid for pid in yes if pid in places.singles),
        through_grouping=len((grouped - alone_codes) & councils), no_route=len(councils - alone_codes - grouped),
        first_tranche=list(first), tranches=len(sel.tranches), coverage_population=covered.population,
        coverage_share=covered.share, available=int(available.sum()),
        available_by_power={p.id: int(available[k].sum()) for k, p in enumerate(pack.powers)},
    )


def gate_columns(pack: Pack, out, offset: int, n: int, ids: list[str]) -> dict[str, GateInput]:
    """round/gate.py's inputs for every place of one grid point, from the fast path's conclusions."""
    def rule(rid: str):
        t, f = out.rules[rid]
        return t[offset:offset + n], f[offset:offset + n]

    def three(t, f, i) -> bool | None:
        return True if t[i] else False if f[i] else None
    statuses = out.statuses[:, offset:offset + n]
    specials = [rule(sc.rule) for sc in pack.special_cases]
    weights = [(w.weight, rule(w.rule)) for w in pack.readiness]
    prereqs = [[rule(r) for r in prerequisites(pack, p)] for p in pack.powers]
    usable = (statuses != NOT_IN_FORCE) & (statuses != NOT_AVAILABLE)
    sure = np.zeros(n, dtype=bool)
    for k, reqs in enumerate(prereqs):
        held = usable[k].copy()
        for t, _f in reqs:
            held &= t
        sure |= held
    some = usable.any(axis=0)
    et, ef = out.eligible
    et, ef = et[offset:offset + n], ef[offset:offset + n]
    gates = {}
    for i, pid in enumerate(ids):
        values = [three(t, f, i) for t, f in specials]
        special = True if True in values else (None if None in values else False)
        score = lowest = highest = 0.0
        for w, (t, f) in weights:
            if t[i]:
                score, lowest, highest = score + w, lowest + w, highest + w
            elif not f[i]:
                lowest, highest = lowest + min(w, 0.0), highest + max(w, 0.0)
        offer = True if sure[i] else (None if some[i] else False)
        gates[pid] = GateInput(three(et, ef, i), special, score, lowest, highest, offer)
    return gates


def tipping_points(pack: Pack, places: _Places, on: date, axis: Axis) -> list[Tipping]:
    """Each place's exact tipping points for one parameter (see the module docstring)."""
    tests = uses(pack, axis.name)
    n = len(places.ids)
    candidates: list[list[tuple[Any, str]]] = []
    for i in range(n):
        found: dict[int | float, str] = {}
        for node in tests:
            v = places.engine[i].get(node.fact)
            if v is not None and not isinstance(v, bool) and isinstance(v, (int, float)):
                found.setdefault(v, node.fact)
        candidates.append(sorted(found.items()))
    # probe points per place: below, at and between its candidates, and above
    col_index, probes, owners = [], [], []
    for i, cands in enumerate(candidates):
        if not cands:
            continue
        values = [c for c, _f in cands]
        pts = [values[0] - 1]
        for k, c in enumerate(values):
            pts.append(c)
            pts.append((c + values[k + 1]) / 2 if k + 1 < len(values) else c + 1)
        for p in pts:
            col_index.append(i)
            probes.append(p)
        owners.append((i, len(pts)))
    if not probes:
        return []
    index = np.array(col_index)
    out = places.fast.decide(places.tiled(index), on, {axis.name: np.array(probes, dtype=np.float64)})
    t, f = out.eligible
    asks = np.zeros(out.n, dtype=bool)
    for asked in out.requested.values():
        asks |= asked
    result: list[Tipping] = []
    at = 0
    for i, count in owners:
        cands = candidates[i]
        # the package's tier is part of the outcome of a place that asks for something
        outcome = [(_truth(t[at + k], f[at + k]), tuple(out.statuses[:, at + k].tolist()),
                    int(out.package_low[at + k]) if asks[at + k] else None,
                    int(out.package_high[at + k]) if asks[at + k] else None) for k in range(count)]
        for k in range(count - 1):
            if outcome[k] == outcome[k + 1]:
                continue
            # probe k+1 is a candidate when k is even (below/between), else probe k is the candidate
            if k % 2 == 0:
                value, fact = cands[k // 2]
                side = "at"
            else:
                value, fact = cands[(k - 1) // 2]
                side = "above"
            before, after = outcome[k], outcome[k + 1]
            changes = [(p.id, STATUS_NAMES[before[1][j]], STATUS_NAMES[after[1][j]])
                       for j, p in enumerate(pack.powers) if before[1][j] != after[1][j]]
            package = None
            if before[2:] != after[2:]:
                package = (_tier_span(pack, before[2], before[3]), _tier_span(pack, after[2], after[3]))
            result.append(Tipping(places.ids[i], places.names[places.ids[i]], axis.name, _as_param(value, axis),
                                  side, fact, value, (before[0], after[0]), changes, package))
        at += count
    param = pack.parameters[axis.name]
    result = [tp for tp in result if (param.minimum is None or tp.value >= param.minimum)
              and (param.maximum is None or tp.value <= param.maximum)]
    result.sort(key=lambda x: (x.value, x.side == "above", x.place))
    return result


def _tier_span(pack: Pack, low: int | None, high: int | None) -> str:
    """A required tier, or the range it lies in while requirements are undetermined."""
    assert low is not None and high is not None  # a place that asks for something has a package tier
    names = {t.rank: t.id for t in pack.tiers}
    return names[low] if low == high else f"{names[low]} (or {names[high]} if undetermined requirements apply)"


def _as_param(value: Any, axis: Axis) -> Any:
    return int(value) if isinstance(axis.base, int) and float(value).is_integer() else value


def _truth(t, f) -> bool | None:
    return True if t else False if f else None


def alone_by_threshold(places: _Places, tips: list[Tipping], at_base: set[str]):
    """How many councils can negotiate alone as one parameter moves (the others at their base values), exactly.

    Rows (bound, side, count, gained, lost): the count below every tipping point (bound None), then at each
    tipping point of a council's eligibility, from that value up ("at") or above it ("above").
    """
    changes = [tp for tp in tips if tp.place in places.singles and tp.eligible[0] != tp.eligible[1]]
    moving = {tp.place for tp in changes}
    others = len(at_base - moving)  # councils whose eligibility this parameter never changes
    state: dict[str, bool] = {}
    for tp in changes:
        state.setdefault(tp.place, tp.eligible[0] is True)
    rows: list[tuple[Any, str, int, list[str], list[str]]] = [(None, "below", sum(state.values()) + others, [], [])]
    i = 0
    while i < len(changes):
        key = (changes[i].value, changes[i].side)
        gained: list[str] = []
        lost: list[str] = []
        while i < len(changes) and (changes[i].value, changes[i].side) == key:
            tp = changes[i]
            now = tp.eligible[1] is True
            if now != state[tp.place]:
                (gained if now else lost).append(tp.place)
                state[tp.place] = now
            i += 1
        rows.append((key[0], key[1], sum(state.values()) + others, sorted(gained), sorted(lost)))
    return rows


def routes(places: _Places, on: date) -> dict[str, tuple[str, list[str]]]:
    """At the base parameter values, how each member council could take part: ("alone", [its place]),
    ("grouping", [eligible places of several councils including it]), or ("none", [])."""
    t = places.fast.decide(places.cols, on).eligible[0]
    eligible = [pid for i, pid in enumerate(places.ids) if t[i]]
    alone = {places.singles[pid]: pid for pid in eligible if pid in places.singles}
    via: dict[str, list[str]] = {}
    for pid in eligible:
        if pid not in places.singles:
            for code in places.members[pid]:
                via.setdefault(code, []).append(pid)
    out = {}
    for code in sorted({c for m in places.members.values() for c in m}):
        if code in alone:
            out[code] = ("alone", [alone[code]])
        elif code in via:
            out[code] = ("grouping", sorted(via[code]))
        else:
            out[code] = ("none", [])
    return out


def _alone_at_base(places: _Places, on: date) -> set[str]:
    """Councils (one-member places) eligible at the base parameter values."""
    t = places.fast.decide(places.cols, on).eligible[0]
    return {pid for i, pid in enumerate(places.ids) if pid in places.singles and t[i]}
