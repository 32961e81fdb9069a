"""Compare two rounds (round.json files): who gains or loses what, and which rules made the difference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError, Problem
from ..results import (
    FORMAT_VERSION, Diff, PlaceChange, PowerChange, Round, RoundRef, Step, StepChange,
)

MAX_BYTES = 1 << 30


def load_round(path: str) -> Round:
    """Read and validate a round.json written by `negotiator round`."""
    file = Path(path)
    try:
        if not file.is_file():
            raise InputError([Problem(path, "no such file" if not file.exists() else "not a round.json file")])
        if file.stat().st_size > MAX_BYTES:
            raise InputError([Problem(path, f"is larger than {MAX_BYTES >> 20} MB; not a round.json file")])
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem(path, "not UTF-8 text; not a round.json file")]) from None
    except OSError as exc:
        raise InputError([Problem(path, f"cannot be read ({exc.strerror})")]) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(path, f"malformed JSON: {exc.msg}", line=exc.lineno)]) from None
    except RecursionError:
        raise InputError([Problem(path, "malformed JSON: nested too deeply")]) from None
    if not isinstance(raw, dict) or "places" not in raw or "round" not in raw:
        raise InputError([Problem(path, "not a round.json written by 'negotiator round'")])
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        raise InputError([Problem(path, f"round.json format {version or 'before 2.0'} cannot be compared; this "
                                        f"negotiator reads format {FORMAT_VERSION} (run the round again)")])
    try:
        return Round.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False)[:5]:
            where = ".".join(str(p) for p in err["loc"])
            problems.append(Problem(path, f"not a valid round.json: {err['msg']}", field=where))
        raise InputError(problems) from None


def _changed_steps(rules: list[str], old: dict[str, Step], new: dict[str, Step]) -> list[StepChange]:
    """The given rules whose result, facts' values or parameters differ between two evaluations."""
    out = []
    for rid in rules:
        a, b = old.get(rid), new.get(rid)
        if a is None or b is None:
            if a is not b:
                out.append(StepChange(rule=rid, result=[a.result if a else None, b.result if b else None]))
            continue
        change = StepChange(rule=rid)
        if a.result != b.result:
            change.result = [a.result, b.result]
        moved = {k: [a.parameters.get(k), b.parameters.get(k)] for k in sorted(set(a.parameters) | set(b.parameters))
                 if a.parameters.get(k) != b.parameters.get(k)}
        change.parameters = moved
        if change.result or change.parameters:
            out.append(change)
    return out


def _with_facts(changes: list[StepChange], old_facts: dict, new_facts: dict, old_steps: dict[str, Step],
                new_steps: dict[str, Step]) -> list[StepChange]:
    for change in changes:
        step = new_steps.get(change.rule) or old_steps.get(change.rule)
        for name in step.facts if step else []:
            a, b = old_facts.get(name), new_facts.get(name)
            va, vb = (a.value if a else None), (b.value if b else None)
            if va != vb:
                change.facts[name] = [va, vb]
    return changes


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


def place_change(pid: str, name: str, ea, eb) -> PlaceChange:
    """What changed for one place between two evaluations, with the rules that made the difference."""
    c = PlaceChange(place=pid, name=name)
    if ea.negotiation.eligible != eb.negotiation.eligible:
        c.eligible = [ea.negotiation.eligible, eb.negotiation.eligible]
        rules = _cone([eb.negotiation.rule], eb.steps)
        c.eligibility_rules = _with_facts(_changed_steps(rules, ea.steps, eb.steps), ea.facts, eb.facts,
                                          ea.steps, eb.steps)
    if ea.accountability.required_tier != eb.accountability.required_tier:
        c.package_tier = [ea.accountability.required_tier, eb.accountability.required_tier]
        rules = _cone(eb.accountability.requirements, eb.steps)
        c.package_rules = _with_facts(_changed_steps(rules, ea.steps, eb.steps), ea.facts, eb.facts,
                                      ea.steps, eb.steps)
    if ea.accountability.current_tier != eb.accountability.current_tier:
        c.current_tier = [ea.accountability.current_tier, eb.accountability.current_tier]
    sa = ea.readiness.score if ea.readiness else None
    sb = eb.readiness.score if eb.readiness else None
    if sa != sb:
        c.readiness = [sa, sb]
    if ea.budget or eb.budget:
        scopes_a = {s.id: s for s in (ea.budget.scopes if ea.budget else [])}
        scopes_b = {s.id: s for s in (eb.budget.scopes if eb.budget else [])}
        for sid in sorted(set(scopes_a) | set(scopes_b)):
            for key in ("status", "baseline_a_year", "envelope_a_year", "envelope_over_horizon", "saving_a_year",
                        "retained_over_horizon"):
                va = getattr(scopes_a[sid], key) if sid in scopes_a else None
                vb = getattr(scopes_b[sid], key) if sid in scopes_b else None
                if va != vb:
                    c.budget[f"{sid}.{key}"] = [va, vb]
        pa = {k: v.value for k, v in (ea.budget.parameters.items() if ea.budget else [])}
        pb = {k: v.value for k, v in (eb.budget.parameters.items() if eb.budget else [])}
        for key in sorted(set(pa) | set(pb)):
            if pa.get(key) != pb.get(key):
                c.budget[key] = [pa.get(key), pb.get(key)]
    before = {p.id: p for p in ea.powers}
    for p in eb.powers:
        q = before.pop(p.id, None)
        if q is None:
            c.powers.append(PowerChange(power=p.id, status=[None, p.status]))
            continue
        change = PowerChange(power=p.id)
        if q.status != p.status:
            change.status = [q.status, p.status]
        if q.required_tier != p.required_tier:
            change.required_tier = [q.required_tier, p.required_tier]
        if change.status or change.required_tier:
            rules = _cone(p.prerequisites + p.requirements, eb.steps)
            change.rules = _with_facts(_changed_steps(rules, ea.steps, eb.steps), ea.facts, eb.facts,
                                       ea.steps, eb.steps)
            c.powers.append(change)
    for gone in sorted(before):
        c.powers.append(PowerChange(power=gone, status=[before[gone].status, None]))
    return c


def diff_rounds(old: Round, new: Round) -> Diff:
    params = {k: [old.catalogue.parameters[k].value if k in old.catalogue.parameters else None,
                  new.catalogue.parameters[k].value if k in new.catalogue.parameters else None]
              for k in sorted(set(old.catalogue.parameters) | set(new.catalogue.parameters))}
    params = {k: v for k, v in params.items() if v[0] != v[1]}
    config: dict[str, list[Any]] = {}
    for key in ("name", "date", "capacity"):
        a, b = getattr(old.round, key), getattr(new.round, key)
        if a != b:
            config[key] = [a, b]
    old_places = {p.id: p for p in old.places}
    new_places = {p.id: p for p in new.places}
    changes = []
    for pid in sorted(set(old_places) & set(new_places)):
        a, b = old_places[pid], new_places[pid]
        c = place_change(pid, b.name, a.evaluation, b.evaluation)
        if a.tranche != b.tranche:
            c.tranche = [a.tranche, b.tranche]
        if c.model_dump(exclude_defaults=True).keys() - {"place", "name"}:
            changes.append(c)
    return Diff(
        old=RoundRef(round=old.round.name, date=old.round.date, pack=old.pack.id, version=old.pack.version,
                     hash=old.pack.hash),
        new=RoundRef(round=new.round.name, date=new.round.date, pack=new.pack.id, version=new.pack.version,
                     hash=new.pack.hash),
        parameters=params, config=config,
        places_added=sorted(set(new_places) - set(old_places)),
        places_removed=sorted(set(old_places) - set(new_places)),
        coverage=[old.coverage.share, new.coverage.share], changes=changes,
    )
