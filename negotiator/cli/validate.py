"""`negotiator validate`: check place profiles, round configs and rule packs, reporting every problem."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError, Problem
from .common import RulesOption, app, line


@app.command()
def validate(
    paths: List[str] = typer.Argument(..., metavar="PATH...",
                                      help="Place profiles, folders of them, round configs, or rule pack folders."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Check place profiles, round configs and rule packs, reporting every problem (not just the first).

    A folder with a pack.yaml is a rule pack; a YAML file with a date and no members is a round
    config; anything else is a place profile. Warnings name facts the pack reads that a profile
    does not state, and stated facts without a source.
    Example: negotiator validate places/ rounds/ rules/route-map-2010
    """
    from ..pack.load import load_pack
    from ..vocab.places import expand, load_place
    from ..vocab.profile import unsourced
    problems: list[Problem] = []
    checked: list[str] = []
    warnings: list[str] = []
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
                checked.append(f"rule pack {other.id} v{other.version}: {len(other.rules)} rules, "
                               f"{len(other.powers)} powers, {sum(1 for d in other.facts.values() if not d.computed)} "
                               f"facts ({ref})")
                folder = path if path.is_dir() else path.parent
                from ..round.compare import FILE, check_file
                if (folder / FILE).is_file():
                    checked += check_file(folder)
            except InputError as exc:
                problems.extend(exc.problems)
            continue
        if path.is_dir() and (path / "facts.yaml").is_file() and not (path / "pack.yaml").is_file():
            checked.append(f"shared vocabulary ({ref}), read by the packs that use it")
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
                    checked.append(f"round config '{cfg.name}' ({file})")
                    continue
                lp = load_place(file, pack)
                checked.append(f"place {lp.id} ({lp.doc.file})")
                absent = [n for n in needed if not lp.profile.stated(n)]
                if absent:
                    warnings.append(f"{lp.doc.file}: {len(absent)} fact(s) that rule pack {pack.id} reads are not "
                                    f"stated, so unknown: {', '.join(absent)}")
                bare = unsourced(lp.profile)
                if bare:
                    warnings.append(f"{lp.doc.file}: no source for {', '.join(bare)} (add a source to the dated value "
                                    "or a 'fact: source' line under sources:)")
            except InputError as exc:
                problems.extend(exc.problems)
    for text in checked:
        line(f"ok: {text}")
    for text in warnings:
        line(f"Warning: {text}", err=True)
    if problems:
        raise InputError(problems)


def _looks_like_round_config(path: Path) -> bool:
    """A round config has a date and no members; everything else is read as a place profile."""
    from ..yamlio import load_yaml
    try:
        data = load_yaml(path).data
    except InputError:
        return False
    return isinstance(data, dict) and "date" in data and "members" not in data
