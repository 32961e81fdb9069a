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
    from ..workspace import from_here
    problems: list[Problem] = []
    checked: list[str] = []
    warnings: list[str] = []
    absent: dict[str, list[str]] = {}  # per place file, the facts the pack reads that it does not state
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
                shown = from_here(str(lp.doc.file))  # as seen from the current folder
                checked.append(f"place {lp.id} ({shown})")
                absent[shown] = [n for n in needed if not lp.profile.stated(n)]
                bare = unsourced(lp.profile)
                if bare:
                    warnings.append(f"{shown}: no source for {grouped(bare)} (add a source to the dated value "
                                    "or a 'fact: source' line under sources:)")
            except InputError as exc:
                problems.extend(exc.problems)
    for text in checked:
        line(f"ok: {text}")
    for text in _unstated(absent, pack.id) + warnings:
        first, *more = text.split("\n")
        line(f"Warning: {first}", err=True)
        for detail in more:
            line(f"  {detail}", err=True)
    if problems:
        raise InputError(problems)


def _unstated(absent: dict[str, list[str]], pack_id: str) -> list[str]:
    """Warnings for the facts places leave unknown, laid out for people: those no place states once, then each
    place's others, grouped by what they are part of, one group a line."""
    out = []
    places = [file for file, names in absent.items() if names]
    common = set.intersection(*(set(absent[f]) for f in places)) if len(places) > 1 else set()
    if common:
        names = [n for n in absent[places[0]] if n in common]
        out.append(f"{_facts(len(names))} that rule pack {pack_id} reads {'is' if len(names) == 1 else 'are'} "
                   f"stated by none of the {len(places)} places with facts missing, so unknown for each:\n"
                   + grouped(names))
    for file in places:
        names = [n for n in absent[file] if n not in common]
        if names:
            also = " also" if common else ""
            out.append(f"{file}: {_facts(len(names))} that rule pack {pack_id} reads {'is' if len(names) == 1 else 'are'}"
                       f"{also} not stated, so unknown:\n" + grouped(names))
    return out


def _facts(n: int) -> str:
    return f"{n} fact" if n == 1 else f"{n} facts"


def grouped(names: list[str]) -> str:
    """Fact names grouped by what they are part of, each part written once, one part a line, for people:
    'capacity.conditions: governance, staff_alignment\nspend: rda_gbp_m' (a name alone in its part stays whole)."""
    parts: dict[str, list[str]] = {}
    for name in names:
        head, _, tail = name.rpartition(".")
        parts.setdefault(head, []).append(tail)
    out = []
    for head, tails in sorted(parts.items()):
        if not head:
            out += tails
        elif len(tails) == 1:
            out.append(f"{head}.{tails[0]}")
        else:
            out.append(f"{head}: {', '.join(tails)}")
    return "\n".join(out)


def _looks_like_round_config(path: Path) -> bool:
    """A round config has a date and no members; everything else is read as a place profile."""
    from ..yamlio import load_yaml
    try:
        data = load_yaml(path).data
    except InputError:
        return False
    return isinstance(data, dict) and "date" in data and "members" not in data
