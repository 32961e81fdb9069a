"""`negotiator list`: the places, rule packs, or a pack's powers or facts."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from ..errors import InputError
from .common import RulesOption, app


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
) -> None:
    """List the places, rule packs, round configs, or a pack's powers or facts.

    Example: negotiator list powers --rules route-map-2010
    """
    from .. import workspace
    from ..pack.load import load_pack
    from ..text import terminal_line
    ws = workspace.current()
    lines: list[str] = []
    if kind == ListKind.packs:
        for name in ws.packs():
            try:
                p = load_pack(ws.rules / name)
                lines.append(f"{name}\t{p.version}\t{p.title} (effective {p.effective.isoformat()})")
            except InputError as exc:
                lines.append(f"{name}\t-\tbroken: {exc.problems[0]}")
    elif kind == ListKind.places:
        from ..vocab.places import load_places
        pack = load_pack(rules)
        for lp in load_places([str(ws.places)], pack):
            lines.append(f"{lp.id}\t{lp.profile.name}\t{lp.doc.file}")
    elif kind == ListKind.rounds:
        from ..round.config import load_config
        for path in sorted(ws.rounds.glob("*.yaml")) if ws.rounds.is_dir() else []:
            try:
                cfg, _doc = load_config(path)
                lines.append(f"{path.stem}\t{cfg.date.isoformat()}\t{cfg.name}")
            except InputError as exc:
                lines.append(f"{path.stem}\t-\tbroken: {exc.problems[0]}")
    elif kind == ListKind.powers:
        pack = load_pack(rules)
        for power in pack.powers:
            lines.append(f"{power.id}\t{power.tier}\t{power.title}" + (
                f" ({power.in_force.text()})" if power.in_force.start or power.in_force.end else ""))
    else:
        pack = load_pack(rules)
        for name, d in pack.facts.items():
            if name.startswith("requested.") or name.endswith("@months"):
                continue
            extra = f" ({', '.join(d.values)})" if d.type == "choice" else ""
            lines.append(f"{name}\t{d.type}{' computed' if d.computed else ''}\t{d.title}{extra}")
    typer.echo(f"# from {ws.describe()}", err=True)
    for text in lines:
        typer.echo(terminal_line(text).replace("\\t", "\t"))
