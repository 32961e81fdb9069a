"""`negotiator list`: the places, rule packs, or a pack's powers or facts."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Optional

import typer

from ..errors import InputError
from .common import RulesOption, app, json_option


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
) -> None:
    """List the places, rule packs, round configs, or a pack's powers or facts.

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
    if kind == ListKind.packs:
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
    elif kind == ListKind.places:
        from ..vocab.places import load_places
        pack = load_pack(rules)
        for lp in load_places([str(ws.places)], pack):
            items.append(ListItem(id=lp.id, title=lp.profile.name, file=lp.doc.file))
            lines.append(f"{lp.id}\t{lp.profile.name}\t{lp.doc.file}")
    elif kind == ListKind.rounds:
        from ..round.config import load_config
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
    elif kind == ListKind.powers:
        pack = load_pack(rules)
        for power in pack.powers:
            limited = power.in_force.start or power.in_force.end
            items.append(ListItem(id=power.id, title=power.title, tier=power.tier,
                                  in_force=power.in_force.text() if limited else None))
            lines.append(f"{power.id}\t{power.tier}\t{power.title}" + (
                f" ({power.in_force.text()})" if limited else ""))
    else:
        pack = load_pack(rules)
        for name, d in pack.facts.items():
            if name.startswith("requested.") or name.endswith("@months"):
                continue
            values = list(d.values) if d.type == "choice" else []
            items.append(ListItem(id=name, title=d.title, type=d.type, computed=bool(d.computed), values=values))
            extra = f" ({', '.join(d.values)})" if d.type == "choice" else ""
            lines.append(f"{name}\t{d.type}{' computed' if d.computed else ''}\t{d.title}{extra}")
    if as_json:
        from ..decide.catalogue import pack_ref
        from ..text import json_safe
        listing = Listing(kind=kind.value, workspace=ws.describe(), pack=pack_ref(pack) if pack else None,
                          items=items)
        sys.stdout.write(json_safe(listing.model_dump_json(indent=2)) + "\n")
        return
    typer.echo(f"# from {ws.describe()}", err=True)
    for text in lines:
        typer.echo(terminal_line(text).replace("\\t", "\t"))
