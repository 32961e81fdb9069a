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
    from ..workspace import from_here
    problems: list[Problem] = []
    checked: list[Checked] = []
    warnings: list[ValidationWarning] = []
    unstated: dict[str, list[str]] = {}  # per place file, the facts the pack reads that it does not state
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
                shown = from_here(str(lp.doc.file))  # as seen from the current folder
                checked.append(Checked(kind="place", id=lp.id, file=lp.doc.file, text=f"place {lp.id} ({shown})"))
                absent = [n for n in needed if not lp.profile.stated(n)]
                unstated[shown] = absent
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
    people = _unstated(unstated, pack.id) + [w.text for w in warnings if w.kind != "not_stated"]
    for text in people:  # for people: the facts no place states said once, each place's others grouped
        first, *more = text.split("\n")
        line(f"Warning: {first}", err=True)
        for detail in more:
            line(f"  {detail}", err=True)
    if found:
        raise (Reported if as_json else InputError)(found)


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
