"""`negotiator list`: the places, rule packs, or a pack's powers or facts."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Optional

import typer

from ..errors import InputError
from ..report.fit import fit_line
from .common import RulesOption, app, json_option, say, width


class ListKind(str, Enum):
    places = "places"
    powers = "powers"
    packs = "packs"
    facts = "facts"
    rounds = "rounds"


@app.command(name="list")
def list_(
    kind: ListKind = typer.Argument(..., help="What to list: places, powers, packs, facts or rounds."),
    rules: Optional[str] = RulesOption,
    as_json: bool = json_option("the list (schema kind list)"),
    tsv: bool = typer.Option(False, "--tsv", help="Print tab-separated columns (id first) for scripts, one a line."),
) -> None:
    """List the places, rule packs, round configs, or a pack's powers or facts.

    For people: a heading, then each item's id with its description beside it, wrapped to the width.
    Example: negotiator list powers --rules route-map-2010
    """
    from .. import workspace
    from ..pack.load import load_pack
    from ..results import ListItem, Listing, Problem
    from ..text import terminal_line
    ws = workspace.current()
    items: list[ListItem] = []
    lines: list[str] = []
    pack = None
    rows: list[tuple[str, ...]] = []  # the columns of each item: id first
    details: list[str] = []  # for people: what each row says beside its id
    if kind == ListKind.packs:
        heading = "rule packs"
        for name in ws.packs():
            try:
                p = load_pack(ws.rules / name)
                items.append(ListItem(id=name, title=p.title, version=p.version, date=p.effective.isoformat(),
                                      file=workspace.display(ws.rules / name)))
                lines.append(f"{name}\t{p.version}\t{p.title} (effective {p.effective.isoformat()})")
            except InputError as exc:
                items.append(ListItem(id=name, title=name, file=workspace.display(ws.rules / name),
                                      problem=Problem.of(exc.problems[0])))
                lines.append(f"{name}\t-\tbroken: {exc.problems[0]}")
                rows.append((name, "-", f"broken: {exc.problems[0]}"))
                details.append(f"broken: {exc.problems[0]}")
                continue
            rows.append((name, p.version, f"{p.title} (effective {p.effective.isoformat()})"))
            details.append(f"v{p.version}, in force from {p.effective.isoformat()}: {p.title}")
    elif kind == ListKind.places:
        from ..vocab.places import load_places
        pack = load_pack(rules)
        heading = f"places in {workspace.display(ws.places)}/"
        for lp in load_places([str(ws.places)], pack):
            items.append(ListItem(id=lp.id, title=lp.profile.name, file=lp.doc.file))
            lines.append(f"{lp.id}\t{lp.profile.name}\t{lp.doc.file}")
            rows.append((lp.id, lp.profile.name, str(lp.doc.file)))
            details.append(f"{lp.profile.name} ({lp.doc.file})")
    elif kind == ListKind.rounds:
        from ..round.config import load_config
        heading = "round configs (run one by its name: negotiator round places/ --config NAME --out DIR)"
        for path in sorted(ws.rounds.glob("*.yaml")) if ws.rounds.is_dir() else []:
            try:
                cfg, _doc = load_config(path)
                items.append(ListItem(id=path.stem, title=cfg.name, date=cfg.date.isoformat(),
                                      file=workspace.display(path)))
                lines.append(f"{path.stem}\t{cfg.date.isoformat()}\t{cfg.name}")
            except InputError as exc:
                items.append(ListItem(id=path.stem, title=path.stem, file=workspace.display(path),
                                      problem=Problem.of(exc.problems[0])))
                lines.append(f"{path.stem}\t-\tbroken: {exc.problems[0]}")
                rows.append((path.stem, "-", f"broken: {exc.problems[0]}"))
                details.append(f"broken: {exc.problems[0]}")
                continue
            rows.append((path.stem, cfg.date.isoformat(), cfg.name))
            details.append(f"{cfg.name}, as of {cfg.date.isoformat()}")
    elif kind == ListKind.powers:
        pack = load_pack(rules)
        heading = f"powers of rule pack {pack.id} and the tier each needs"
        tiers = {t.id: t for t in pack.tiers}
        for power in pack.powers:
            limited = power.in_force.start or power.in_force.end
            items.append(ListItem(id=power.id, title=power.title, tier=power.tier,
                                  in_force=power.in_force.text() if limited else None))
            lines.append(f"{power.id}\t{power.tier}\t{power.title}" + (
                f" ({power.in_force.text()})" if limited else ""))
            force = f" ({power.in_force.text()})" if power.in_force.start or power.in_force.end else ""
            rows.append((power.id, power.tier, power.title + force))
            tier = tiers.get(power.tier)
            needs = f"tier {tier.rank + 1} of {len(tiers)}, {tier.title}" if tier else power.tier
            details.append(f"{power.title}{force}; needs {needs}")
    else:
        pack = load_pack(rules)
        heading = f"facts that rule pack {pack.id} reads (a place's profile states them)"
        for name, d in pack.facts.items():
            if name.startswith("requested.") or name.endswith("@months"):
                continue
            choices = list(d.values) if d.type == "choice" else []
            items.append(ListItem(id=name, title=d.title, type=d.type, computed=bool(d.computed), values=choices))
            extra = f" ({', '.join(d.values)})" if d.type == "choice" else ""
            lines.append(f"{name}\t{d.type}{' computed' if d.computed else ''}\t{d.title}{extra}")
            kind_text = f"{d.type}{' computed' if d.computed else ''}"
            extra = f" ({', '.join(d.values)})" if d.type == "choice" else ""
            rows.append((name, kind_text, d.title + extra))
            what = {"boolean": "yes or no", "choice": "one of the values", "list": "a list",
                    "integer": "a whole number", "number": "a number"}.get(d.type, d.type)
            unit = f" in {d.unit}" if getattr(d, "unit", None) else ""
            values = f": {', '.join(d.values)}" if d.type == "choice" else ""
            details.append(f"{d.title} [{what}{unit}{', computed' if d.computed else ''}{values}]")
    if as_json:
        from ..decide.catalogue import pack_ref
        from ..text import json_safe
        listing = Listing(kind=kind.value, workspace=ws.describe(), pack=pack_ref(pack) if pack else None,
                          items=items)
        sys.stdout.write(json_safe(listing.model_dump_json(indent=2)) + "\n")
        return
    typer.echo(f"# from {ws.describe()}", err=True)
    if tsv:
        for text in lines:
            typer.echo(terminal_line(text).replace("\\t", "\t"))
        return
    say(layout(f"{len(rows)} {heading}:", [(row[0], text) for row, text in zip(rows, details)], width()))


def layout(heading: str, items: list[tuple[str, str]], width: int) -> str:
    """A heading, then each item's id in a column and its text beside it, continuation lines under the text
    (an id too long for the column has its text on the next line)."""
    column = min(max((len(key) for key, _ in items), default=0), max(12, width // 3)) + 4
    lines = [heading]
    for key, text in items:
        lead = "  " + key
        if len(lead) + 2 > column:
            lines.append(lead)
            lead = ""
        lines += fit_line(lead.ljust(column) + text, width, hang=" " * column)
    return "\n".join(lines) + "\n"
