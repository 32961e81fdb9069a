"""Compare two rounds (round.json files): who gains or loses what, and which rules made the difference."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError, Problem
from ..pack.ir import Pack
from ..results import (
    DIFF_READS,
    Cause,
    Diff,
    PlaceChange,
    PowerChange,
    Round,
    RoundRef,
    Step,
    StepChange,
)
from .causes import (
    Found,
    State,
    budget_values,
    find_causes,
    pack_loader,
    round_state,
    state_of,
    tranche_causes,
)

MAX_BYTES = 1 << 30


def load_round(path: str) -> Round:
    """Read and validate a round.json written by `negotiator round`."""
    file = Path(path)
    try:
        if not file.is_file():
            raise InputError([Problem(path, "no such file" if not file.exists() else "not a round.json file", code="not_found")])
        if file.stat().st_size > MAX_BYTES:
            raise InputError([Problem(path, f"is larger than {MAX_BYTES >> 20} MB; not a round.json file", code="file")])
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem(path, "not UTF-8 text; not a round.json file", code="yaml")]) from None
    except OSError as exc:
        raise InputError([Problem(path, f"cannot be read ({exc.strerror})", code="file")]) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(path, f"malformed JSON: {exc.msg}", line=exc.lineno, code="yaml")]) from None
    except RecursionError:
        raise InputError([Problem(path, "malformed JSON: nested too deeply", code="yaml")]) from None
    except ValueError:  # an integer of more than 4,300 digits (Python's limit on converting one)
        raise InputError([Problem(path, "malformed JSON: a number too long to read", code="yaml")]) from None
    if not isinstance(raw, dict) or "places" not in raw or "round" not in raw:
        raise InputError([Problem(path, "not a round.json written by 'negotiator round'")])
    version = raw.get("format_version")
    if version not in DIFF_READS:
        raise InputError([Problem(path, f"round.json format {version or 'before 2.0'} cannot be compared; this "
                                        f"negotiator reads formats {' and '.join(DIFF_READS)} (run the round again)")])
    try:
        return Round.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False)[:5]:
            where = ".".join(str(p) for p in err["loc"])
            problems.append(Problem(path, f"not a valid round.json: {err['msg']}", field=where, code="bad_value"))
        raise InputError(problems) from None


def _changed_steps(rules: list[str], old: dict[str, Step], new: dict[str, Step]) -> list[StepChange]:
    """The given rules whose truth differs between two evaluations."""
    out = []
    for rid in rules:
        a, b = old.get(rid), new.get(rid)
        ra, rb = (a.result if a else None), (b.result if b else None)
        if ra != rb:
            out.append(StepChange(rule=rid, result=[ra, rb]))
    return out


def _cone(rules: list[str], steps: dict[str, Step]) -> list[str]:
    """The given rules and every rule they read, in order, once each."""
    out: list[str] = []
    stack = list(reversed(rules))
    while stack:
        rid = stack.pop()
        if rid in out:
            continue
        out.append(rid)
        step = steps.get(rid)
        stack.extend(reversed(step.rules if step else []))
    return out


class _Explainer:
    """The causes of each change and the rules whose truth changed because of them (see causes.py)."""

    def __init__(self, ea, eb, found: Found | None):
        self.ea, self.eb, self.found = ea, eb, found

    def causes(self, key: tuple) -> list[Cause]:
        return list(self.found.causes.get(key, [])) if self.found else []

    def rules(self, key: tuple, roots: list[str]) -> list[StepChange]:
        """Rules read by `roots` whose truth changed, each only where it reads a cause of this change (with the
        causes' values); with no causes known, every such rule."""
        steps = _changed_steps(_cone(roots, self.eb.steps), self.ea.steps, self.eb.steps)
        if not self.found or self.found.note:
            return steps
        chosen = set(self.found.inputs_of.get(key, []))
        out = []
        for step in steps:
            reads = self.found.rule_inputs(step.rule) & chosen
            if not reads:
                continue
            for kind, name in sorted(reads):
                cause = next(c for c in self.found.causes[key] if (c.kind, c.name) == (kind, name))
                if kind == "fact":
                    step.facts[name] = [cause.before, cause.after]
                elif kind == "parameter":
                    step.parameters[name] = [cause.before, cause.after]
            out.append(step)
        return out


def place_change(pid: str, name: str, ea, eb, old: State | None = None, new: State | None = None,
                 packs: Callable[[dict[str, Any]], Pack] | None = None) -> PlaceChange:
    """What changed for one place between two evaluations; with the inputs of both (`old`, `new`), the
    inputs that make each difference, found by changing one input at a time, and the rules whose truth
    changed because of them."""
    c = PlaceChange(place=pid, name=name)
    found = find_causes(old, new, ea, eb, packs) if old is not None and new is not None and packs else None
    if found is not None and found.note:
        c.note = found.note
    x = _Explainer(ea, eb, found)
    if ea.negotiation.eligible != eb.negotiation.eligible:
        c.eligible = [ea.negotiation.eligible, eb.negotiation.eligible]
        c.eligibility_causes = x.causes(("eligible",))
        c.eligibility_rules = x.rules(("eligible",), [eb.negotiation.rule])
    if ea.accountability.required_tier != eb.accountability.required_tier:
        c.package_tier = [ea.accountability.required_tier, eb.accountability.required_tier]
        c.package_causes = x.causes(("package_tier",))
        c.package_rules = x.rules(("package_tier",), eb.accountability.requirements)
    if ea.accountability.current_tier != eb.accountability.current_tier:
        c.current_tier = [ea.accountability.current_tier, eb.accountability.current_tier]
        c.current_tier_causes = x.causes(("current_tier",))
    sa = ea.readiness.score if ea.readiness else None
    sb = eb.readiness.score if eb.readiness else None
    if sa != sb:
        c.readiness = [sa, sb]
        c.readiness_causes = x.causes(("readiness",))
        c.readiness_rules = x.rules(("readiness",), [part.rule for part in (eb.readiness.parts if eb.readiness else [])])
    ba, bb = budget_values(ea.budget), budget_values(eb.budget)
    for figure in list(ba) + [k for k in bb if k not in ba]:
        if ba.get(figure) != bb.get(figure):
            c.budget[figure] = [ba.get(figure), bb.get(figure)]
            if x.causes(("budget", figure)):
                c.budget_causes[figure] = x.causes(("budget", figure))
    before = {p.id: p for p in ea.powers}
    for p in eb.powers:
        q = before.pop(p.id, None)
        if q is None:
            c.powers.append(PowerChange(power=p.id, status=[None, p.status]))
            continue
        change = PowerChange(power=p.id)
        keys: list[tuple] = []
        if q.status != p.status:
            change.status = [q.status, p.status]
            keys.append(("power", p.id, "status"))
        if q.required_tier != p.required_tier:
            change.required_tier = [q.required_tier, p.required_tier]
            keys.append(("power", p.id, "required_tier"))
        if keys:
            for key in keys:
                change.causes += [cause for cause in x.causes(key) if cause not in change.causes]
                for step in x.rules(key, p.prerequisites + p.requirements):
                    if all(step.rule != s.rule for s in change.rules):
                        change.rules.append(step)
            c.powers.append(change)
    for gone in sorted(before):
        c.powers.append(PowerChange(power=gone, status=[before[gone].status, None]))
    return c


def _round_pack(r: Round) -> Pack:
    """The pack a round used, loaded again (from its folder if it is there, else by its id), with the round's
    parameter values."""
    from ..pack.load import load_pack
    where = r.pack.path if r.pack.path and (Path(r.pack.path) / "pack.yaml").is_file() else r.pack.id
    return load_pack(where, {k: p.value for k, p in r.catalogue.parameters.items()}, set_by="the round")


def diff_rounds(old: Round, new: Round) -> Diff:
    config: dict[str, list[Any]] = {}
    for key in ("name", "date", "capacity"):
        a, b = getattr(old.round, key), getattr(new.round, key)
        if a != b:
            config[key] = [a, b]
    old_places = {p.id: p for p in old.places}
    new_places = {p.id: p for p in new.places}
    refs = Diff(
        old=RoundRef(round=old.round.name, date=old.round.date, pack=old.pack.id, version=old.pack.version,
                     hash=old.pack.hash),
        new=RoundRef(round=new.round.name, date=new.round.date, pack=new.pack.id, version=new.pack.version,
                     hash=new.pack.hash),
        parameters={}, config=config, changes=[],
        places_added=sorted(set(new_places) - set(old_places)),
        places_removed=sorted(set(old_places) - set(new_places)),
        coverage=[old.coverage.share, new.coverage.share])
    if old.pack.id != new.pack.id:
        return refs.model_copy(update={"different_packs": (
            f"The rounds use different rule packs ({old.pack.id} and {new.pack.id}): their powers, rules and "
            f"parameters are not the same, so places are not compared power by power. To set a place's powers "
            f"under the two side by side: negotiator compare PLACE --then {old.pack.id} --now {new.pack.id}")})
    params = {k: [old.catalogue.parameters[k].value if k in old.catalogue.parameters else None,
                  new.catalogue.parameters[k].value if k in new.catalogue.parameters else None]
              for k in sorted(set(old.catalogue.parameters) | set(new.catalogue.parameters))}
    params = {k: v for k, v in params.items() if v[0] != v[1]}
    note: str | None = None
    loaded: tuple[Pack, Pack] | None = None
    try:
        loaded = (_round_pack(old), _round_pack(new))
    except InputError as exc:
        note = (f"rule pack {new.pack.id} cannot be loaded here ({exc.problems[0].message}), so the causes of "
                "the changes are not found; the rules whose truth changed are named")
    moved: dict[str, list[Cause]] = {}
    packs = None
    if loaded is not None:
        packs = pack_loader(loaded[1])
        moved, why = tranche_causes(round_state(old, loaded[0]), round_state(new, loaded[1]),
                                    {p.id: p.name for p in new.places}, packs)
        note = note or (f"{why}, so the causes of tranche changes are not found" if why else None)
    changes = []
    for pid in sorted(set(old_places) & set(new_places)):
        a, b = old_places[pid], new_places[pid]
        if loaded is not None:
            c = place_change(pid, b.name, a.evaluation, b.evaluation, state_of(loaded[0], a.evaluation),
                             state_of(loaded[1], b.evaluation), packs)
        else:
            c = place_change(pid, b.name, a.evaluation, b.evaluation)
        if a.tranche != b.tranche:
            c.tranche = [a.tranche, b.tranche]
            c.tranche_causes = moved.get(pid, [])
        if c.model_dump(exclude_defaults=True).keys() - {"place", "name"}:
            changes.append(c)
    return refs.model_copy(update={"parameters": params, "changes": changes, "note": note})
