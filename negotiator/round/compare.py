"""Then versus now: one place under an earlier framework and a later one, power by power.

The later pack declares, in its `counterparts.yaml`, which of its powers answer to each power of
an earlier pack's menu, with a note per pair:

    counterparts:
      route-map-2010:
        single_place_budget:
          now: [integrated_settlement]
          note: The route-map's single place budget, realised as the integrated settlement.

Every power of the earlier pack has an entry (`now: []` where nothing answers to it), every id
must exist in its pack, and problems are reported with file, line and field. A place is evaluated
under each pack as of its own date; each power of the earlier menu is set beside its counterparts
with the rules behind both statuses, and a verdict (kept, gained, lost, neither, undetermined, no
counterpart). Powers of the later menu that no earlier power maps to are listed as new.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from .. import workspace
from ..decide.catalogue import pack_ref, place_ref
from ..decide.decision import Decision, decide, prerequisites, requirements_for
from ..vocab.timeline import existence_note
from ..compiled import compiled
from ..errors import InputError, Problem, nearest
from ..pack.ir import Pack, Power, rules_in
from ..values import show
from ..pack.load import load_pack, resolve_pack
from ..results import (
    Comparison, CounterpartRow, PlaceComparison, PowerSide, RuleBehind, SideSummary, Status, Verdict,
)
from ..validation import validate_model
from ..months import months_between
from ..vocab.facts import MONTHS_SUFFIX, NEVER
from ..vocab.places import LoadedPlace
from ..yamlio import Located, load_yaml

FILE = "counterparts.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PairSpec(_Strict):
    now: list[str]
    note: str = Field(min_length=1)


class CounterpartsSpec(_Strict):
    counterparts: dict[str, dict[str, PairSpec]] = Field(min_length=1)


@dataclass(frozen=True)
class Counterparts:
    """The validated mapping of one earlier pack's menu onto a later pack's."""

    file: str
    then_pack: str
    now_pack: str
    pairs: dict[str, tuple[tuple[str, ...], str]]  # earlier power -> (later powers, note), in the earlier menu's order

    def mapped(self) -> set[str]:
        return {p for now, _ in self.pairs.values() for p in now}


def _read(now_root: Path) -> tuple[CounterpartsSpec, Located]:
    path = now_root / FILE
    if not path.is_file():
        raise InputError([Problem(workspace.display(path), "no such file: the later rule pack declares no "
                                  "counterparts (see rules/README.md)")])
    doc = load_yaml(path, workspace.display(path))
    return validate_model(CounterpartsSpec, doc), doc


def load_counterparts(now: Pack, now_root: Path, then: Pack) -> Counterparts:
    """The mapping from `then`'s menu onto `now`'s, checked against both packs; every problem located."""
    spec, doc = _read(now_root)
    return _check(spec, doc, now, then)


def _check(spec: CounterpartsSpec, doc: Located, now: Pack, then: Pack) -> Counterparts:
    problems: list[Problem] = []
    entries = spec.counterparts.get(then.id)
    if entries is None:
        raise InputError([doc.problem(("counterparts",), f"names no counterparts for rule pack '{then.id}' (it "
                                      f"names: {', '.join(spec.counterparts)})", nearest(then.id, spec.counterparts))])
    then_ids = [p.id for p in then.powers]
    now_ids = [p.id for p in now.powers]
    for pid, pair in entries.items():
        where = ("counterparts", then.id, pid)
        if pid not in then_ids:
            problems.append(doc.problem(where, f"unknown power '{pid}' of rule pack {then.id}", nearest(pid, then_ids)))
        for i, target in enumerate(pair.now):
            if target not in now_ids:
                problems.append(doc.problem(where + ("now", i), f"unknown power '{target}' of rule pack {now.id}",
                                            nearest(target, now_ids)))
            elif pair.now.index(target) != i:
                problems.append(doc.problem(where + ("now", i), f"'{target}' is listed twice"))
    for pid in then_ids:
        if pid not in entries:
            problems.append(doc.problem(("counterparts", then.id), f"power '{pid}' of rule pack {then.id} has no entry "
                                        "(give now: [] and a note where nothing answers to it)"))
    if problems:
        raise InputError(problems)
    pairs = {pid: (tuple(entries[pid].now), entries[pid].note) for pid in then_ids}
    return Counterparts(doc.file, then.id, now.id, pairs)


def check_file(now_root: Path) -> list[str]:
    """For `validate`: check a pack's counterparts.yaml against every pack it names; return what was checked."""
    now = load_pack(now_root)
    spec, doc = _read(now_root)
    problems: list[Problem] = []
    checked = []
    for pack_id in spec.counterparts:
        try:
            then = load_pack(resolve_pack(pack_id))
        except InputError:
            problems.append(doc.problem(("counterparts", pack_id), f"no rule pack '{pack_id}' in "
                                        f"{workspace.current().describe()}", nearest(pack_id, workspace.current().packs())))
            continue
        try:
            cp = _check(spec, doc, now, then)
            checked.append(f"counterparts of rule pack {now.id} for {then.id}: {len(cp.pairs)} powers mapped ({doc.file})")
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return checked


def find_now_pack(then_id: str) -> Path:
    """The one pack of the workspace whose counterparts.yaml maps the earlier pack's menu."""
    ws = workspace.current()
    found = []
    for name in ws.packs():
        path = ws.rules / name / FILE
        if name == then_id or not path.is_file():
            continue
        try:
            data = load_yaml(path).data
        except InputError:
            continue
        if isinstance(data, dict) and isinstance(data.get("counterparts"), dict) and then_id in data["counterparts"]:
            found.append(name)
    if len(found) != 1:
        which = f"several do ({', '.join(found)})" if found else "none does"
        raise InputError([Problem("--now", f"name the later rule pack: a pack declares in its {FILE} the counterparts "
                                  f"of {then_id}'s powers, and {which}")])
    return ws.rules / found[0]


# --- one side: a place under one pack on one date -------------------------------------------------

def _fact_line(d: Decision, name: str) -> str:
    """'name = value (since date)' for a fact a rule read, or 'months since X = N (X = date)'."""
    if name.endswith(MONTHS_SUFFIX):
        base = name[: -len(MONTHS_SUFFIX)]
        entry = d.profile.entry_at(d.pack.facts[base], d.as_of)
        if entry is None or entry.value is None:
            return f"months since {base} = unknown"
        if entry.value == NEVER:
            return f"months since {base}: never"
        since = f", since {entry.start.isoformat()}" if entry.start not in (None, entry.value) else ""
        return f"months since {base} = {months_between(entry.value, d.as_of)} ({base} = {show(entry.value)}{since})"
    decl = d.pack.facts.get(name)
    value = d.facts.get(name)
    if value is None:
        return f"{name} = unknown"
    since = ""
    if decl is not None and not decl.computed:
        entry = d.profile.entry_at(decl, d.as_of)
        if entry is not None and entry.start is not None:
            since = f" ({'measured' if decl.measured else 'since'} {entry.start.isoformat()})"
    shown = ", ".join(value) if isinstance(value, list) else show(value)
    return f"{name} = {shown}{since}"


def rule_behind(d: Decision, rule_id: str) -> RuleBehind:
    rule = d.pack.rules[rule_id]
    step = d.step(rule_id)
    return RuleBehind(rule=rule_id, result=step.result, statement=rule.statement, source=d.pack.cite(rule.source),
                      facts=[_fact_line(d, f) for f in step.facts], failed=step.failed, missing=step.missing)


def power_side(d: Decision, power: Power) -> PowerSide:
    """A power's status for the place with the rules behind it: those that hold for a power on offer, those that
    fail for one that is not, those undetermined for one that is undetermined."""
    r = d.power(power)
    pack = d.pack
    prereqs = prerequisites(pack, power)
    barred = None
    if r.status == Status.not_available:
        chosen = list(r.failed)
        if pack.negotiation_rule in chosen:  # why the place cannot negotiate, not every rule it could have met
            reason = d.negotiation().reason
            barred = reason.rule if reason else pack.negotiation_rule
            chosen = [barred] + [x for x in chosen if x != pack.negotiation_rule]
    elif r.status == Status.undetermined:
        chosen = [x for x in prereqs if d.truths.get(x) is None]
        chosen += [q.rule for q in requirements_for(pack, power.id) if d.truths.get(q.rule) is None]
    elif r.status == Status.not_in_force:
        chosen = []
    else:
        chosen = prereqs + r.raised_by
    # the negotiation rule, where it holds, is in the side's summary; each rule brings the rules it is built from
    chosen = [x for x in chosen if x != pack.negotiation_rule]
    current = d.current_tier
    return PowerSide(power=power.id, title=power.title, status=r.status, required_tier=r.required_tier,
                     current_tier=current.id if current else None, models=r.models, missing=r.missing,
                     failed=[x for x in r.failed if x != pack.negotiation_rule], not_negotiable=barred,
                     in_force=power.in_force.text(), statement=power.statement, source=pack.cite(power.source),
                     rules=[rule_behind(d, x) for x in _with_parts(d, chosen)])


def _with_parts(d: Decision, rule_ids: list[str], depth: int = 3) -> list[str]:
    """The rules, each followed by the rules that decide its outcome (to `depth` levels), each once."""
    out: dict[str, None] = {}

    def add(rid: str, level: int) -> None:
        if rid in out:
            return
        out[rid] = None
        if level < depth and d.truths.get(rid) is not None:
            for sub in d.decisive(d.pack.rules[rid].when):
                add(sub, level + 1)
    for rid in rule_ids:
        add(rid, 0)
    return list(out)


def on_record(pack: Pack) -> list[str]:
    """Rules no decision reads: not the negotiation rule, a power's, a requirement, a tier condition, a readiness
    weight, nor a part of another rule (what a place has, kept for the record)."""
    read = {pack.negotiation_rule} | {r for p in pack.powers for r in p.requires}
    read |= {q.rule for q in pack.requirements} | {c.rule for t in pack.tiers for c in t.conditions}
    read |= {w.rule for w in pack.readiness} | {r for rule in pack.rules.values() for r in rules_in(rule.when)}
    return [rid for rid in sorted(pack.rules) if rid not in read]


def side_summary(d: Decision) -> SideSummary:
    neg = d.negotiation()
    rules = [neg.reason.rule] if neg.reason is not None and neg.reason.rule != neg.rule else list(neg.decisive)
    model_entry = d.profile.entry_at(d.pack.facts[d.pack.model_fact], d.as_of)
    tier = d.current_tier
    powers = [d.power(p) for p in d.pack.powers]
    missing = sorted({m for p in powers for m in p.missing} | set(neg.missing))
    return SideSummary(pack=pack_ref(d.pack), as_of=d.as_of, as_of_note=d.as_of_note,
                       place_exists_note=existence_note(d.profile, d.as_of)[1], eligible=neg.eligible,
                       negotiation_rule=neg.rule, decisive=[rule_behind(d, x) for x in rules], model=d.model,
                       model_since=model_entry.start if model_entry is not None else None,
                       current_tier=tier.id if tier else None, current_tier_title=tier.title if tier else None,
                       missing_facts=missing,
                       on_record=[rule_behind(d, x) for x in on_record(d.pack) if d.truths.get(x) is True])


def verdict(then: PowerSide, now: list[PowerSide]) -> Verdict:
    if not now:
        return Verdict.no_counterpart
    then_on = then.status == Status.available
    now_on = any(p.status == Status.available for p in now)
    if then.status == Status.undetermined or (not now_on and any(p.status == Status.undetermined for p in now)):
        return Verdict.undetermined
    if then_on and now_on:
        return Verdict.kept
    if now_on:
        return Verdict.gained
    if then_on:
        return Verdict.lost
    return Verdict.neither


WITHIN_FACT = "authority.within"  # the later pack's fact naming the authority (a place id) a place is within


def compare_place(cp: Counterparts, then_d: Decision, now_d: Decision,
                  host: Optional[tuple[Decision, str]] = None) -> PlaceComparison:
    """Each earlier power beside its counterparts. Where the place is within another strategic authority now
    (`host`: its decision and name), a power the place no longer holds itself but the authority does is
    reported as held by that authority, named, rather than lost."""
    now_sides = {p.id: power_side(now_d, p) for p in now_d.pack.powers}
    host_sides = {p.id: power_side(host[0], p) for p in host[0].pack.powers} if host else {}
    rows = []
    for p in then_d.pack.powers:
        targets, note = cp.pairs[p.id]
        then_side = power_side(then_d, p)
        mine = [now_sides[t] for t in targets]
        row = CounterpartRow(then=then_side, now=mine, note=note, verdict=verdict(then_side, mine))
        theirs = [host_sides[t] for t in targets] if host else []
        if host is not None and row.verdict == Verdict.lost and any(s.status == Status.available for s in theirs):
            row = row.model_copy(update={"verdict": Verdict.held_by_authority, "held_by": host[0].profile.id,
                                         "held_by_name": host[1], "held_by_now": theirs})
        rows.append(row)
    mapped = cp.mapped()
    new = [now_sides[p.id] for p in now_d.pack.powers if p.id not in mapped]
    counts = Counter(r.verdict.value for r in rows)
    counts[Verdict.new.value] = len(new)
    return PlaceComparison(place=place_ref(now_d.profile), then=side_summary(then_d), now=side_summary(now_d),
                           rows=rows, new_powers=new, counts={v.value: counts.get(v.value, 0) for v in Verdict})


def compare(then: Pack, now: Pack, cp: Counterparts, places: list[LoadedPlace], then_as_of: Optional[date],
            now_as_of: Optional[date], then_note: Optional[str] = None, now_note: Optional[str] = None,
            engine: str = "durable", leave_out_absent: bool = False) -> Comparison:
    """Every place under both packs, each as of its own date (default: the pack's date of effect). With
    `leave_out_absent` (a set of places), a place known to exist on neither date is left out and named: there is
    nothing it was offered then or holds now (East Surrey, from 2027, in a comparison of 2011 with 2026)."""
    then_eval, now_eval = compiled(then).evaluator(engine), compiled(now).evaluator(engine)
    by_id = {lp.id: lp for lp in places}
    out = []
    left_out = []
    on_then, on_now = then_as_of or then.effective, now_as_of or now.effective
    for lp in places:
        if leave_out_absent and lp.profile.existence(on_then) is False and lp.profile.existence(on_now) is False:
            note = existence_note(lp.profile, on_now)[1] or ""
            left_out.append(f"{lp.profile.name}: " + note.split(": ", 1)[-1].split("; what follows")[0]
                            + f", and not on {on_then.isoformat()} either")
            continue
        then_d = decide(then, lp.profile, then_as_of, then_eval, then_note)
        now_d = decide(now, lp.profile, now_as_of, now_eval, now_note)
        host = None
        within = now_d.facts.get(WITHIN_FACT) if WITHIN_FACT in now.facts else None
        if within and within != lp.id:
            found = by_id.get(within) or _load_host(within, now)
            if found is not None:
                host_d = decide(now, found.profile, now_as_of, now_eval, now_note)
                title = host_d.facts.get("grouping.name")  # the authority's own name, where the profile records it
                host = (host_d, title if isinstance(title, str) and title else found.profile.name)
        out.append(compare_place(cp, then_d, now_d, host))
    return Comparison(then_pack=pack_ref(then), now_pack=pack_ref(now), then_as_of=then_as_of or then.effective,
                      now_as_of=now_as_of or now.effective, counterparts=cp.file, places=out, left_out=left_out)


def _load_host(place_id: str, pack: Pack) -> Optional[LoadedPlace]:
    """The authority a place is within, from the workspace's places (None where it has no profile there)."""
    from ..vocab.places import load_places
    try:
        return load_places([place_id], pack)[0]
    except (InputError, IndexError):
        return None


__all__ = ["Counterparts", "load_counterparts", "check_file", "find_now_pack", "compare", "verdict", "FILE"]
