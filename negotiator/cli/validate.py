"""`negotiator validate`: check place profiles, round configs and rule packs, reporting every problem."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError, Problem
from .common import Reported, RulesOption, app, json_option, line


@app.command()
def validate(
    paths: List[str] = typer.Argument(..., metavar="PATH...",
                                      help="Place profiles, folders of them, round configs, or rule pack folders."),
    rules: Optional[str] = RulesOption,
    as_json: bool = json_option("what was read, the warnings and the problems (schema kind validation)"),
) -> None:
    """Check place profiles, round configs and rule packs, reporting every problem (not just the first).

    A folder with a pack.yaml is a rule pack; a YAML file with a date and no members is a round
    config; anything else is a place profile. Warnings name facts the pack reads that a profile
    does not state, and stated facts without a source.
    Example: negotiator validate places/ rounds/ rules/route-map-2010
    """
    from ..decide.catalogue import pack_ref
    from ..pack.load import load_pack
    from ..results import Checked, Problem as TypedProblem, Validation, ValidationWarning
    from ..vocab.places import expand, load_place
    from ..vocab.profile import unsourced
    problems: list[Problem] = []
    checked: list[Checked] = []
    warnings: list[ValidationWarning] = []
    pack = load_pack(rules)
    needed = pack.facts_read
    for ref in paths:
        path = Path(ref)
        if (path.is_dir() and (path / "pack.yaml").is_file()) or path.name == "pack.yaml":
            try:
                other = load_pack(path)
                from ..engines.durable import engine_limits
                limits = engine_limits(other)
                if limits:
                    raise InputError(limits)
                checked.append(Checked(kind="rule pack", id=other.id, file=ref, text=(
                    f"rule pack {other.id} v{other.version}: {len(other.rules)} rules, {len(other.powers)} powers, "
                    f"{sum(1 for d in other.facts.values() if not d.computed)} facts ({ref})")))
                folder = path if path.is_dir() else path.parent
                from ..round.compare import FILE, check_file
                if (folder / FILE).is_file():
                    checked += [Checked(kind="counterparts", id=other.id, file=str(folder / FILE), text=text)
                                for text in check_file(folder)]
            except InputError as exc:
                problems.extend(exc.problems)
            continue
        if path.is_dir() and (path / "facts.yaml").is_file() and not (path / "pack.yaml").is_file():
            checked.append(Checked(kind="shared vocabulary", file=ref,
                                   text=f"shared vocabulary ({ref}), read by the packs that use it"))
            continue
        try:
            files = expand([ref])
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for file in files:
            try:
                if _looks_like_round_config(file):
                    from ..round.config import load_config
                    cfg, _doc = load_config(file)
                    checked.append(Checked(kind="round config", id=cfg.name, file=str(file),
                                           text=f"round config '{cfg.name}' ({file})"))
                    continue
                lp = load_place(file, pack)
                checked.append(Checked(kind="place", id=lp.id, file=lp.doc.file, text=f"place {lp.id} ({lp.doc.file})"))
                absent = [n for n in needed if not lp.profile.stated(n)]
                if absent:
                    warnings.append(ValidationWarning(
                        kind="not_stated", file=lp.doc.file, facts=absent,
                        text=f"{lp.doc.file}: {len(absent)} fact(s) that rule pack {pack.id} reads are not stated, so "
                             f"unknown: {', '.join(absent)}"))
                bare = unsourced(lp.profile)
                if bare:
                    warnings.append(ValidationWarning(
                        kind="no_source", file=lp.doc.file, facts=list(bare),
                        text=f"{lp.doc.file}: no source for {', '.join(bare)} (add a source to the dated value or a "
                             "'fact: source' line under sources:)"))
            except InputError as exc:
                problems.extend(exc.problems)
    found = InputError(problems).problems  # sorted and each once, as the Error: lines are
    if as_json:
        from ..text import json_safe
        result = Validation(pack=pack_ref(pack), checked=checked, warnings=warnings,
                            problems=[TypedProblem.of(p) for p in found], passed=not found)
        sys.stdout.write(json_safe(result.model_dump_json(indent=2)) + "\n")
    else:
        for item in checked:
            line(f"ok: {item.text}")
    for warning in warnings:
        line(f"Warning: {warning.text}", err=True)
    if found:
        raise (Reported if as_json else InputError)(found)


def _looks_like_round_config(path: Path) -> bool:
    """A round config has a date and no members; everything else is read as a place profile."""
    from ..yamlio import load_yaml
    try:
        data = load_yaml(path).data
    except InputError:
        return False
    return isinstance(data, dict) and "date" in data and "members" not in data
