"""`negotiator england`: generate a whole-England place set from the bundled Census table."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import RulesOption, app, line, out_folder


@app.command()
def england(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the generated place profiles."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Generate a whole-England place set: every English council and county area, from the bundled Census table.

    Only kind, members and population (Census 2011 and 2021) are stated; everything else is unknown.
    Places already profiled in the workspace's places/ (and every grouping there) complete the set,
    so a round reads both folders.
    Example: negotiator england --out out/england && negotiator round out/england places/ --out out/r
    """
    from .. import workspace
    from ..atomic import write_set
    from ..pack.load import load_pack
    from ..vocab.england import england_files
    from ..vocab.places import load_places
    ws = workspace.current()
    pack = load_pack(rules)
    bundled = load_places([str(ws.places)], pack)
    out_folder(out)
    files = england_files({lp.id: lp.profile.members for lp in bundled})
    write_set(out, files)
    line(f"{len(files)} generated places in {out}; with the {len(bundled)} places of "
         f"{workspace.display(ws.places)}/ they make the whole-England set:", err=True)
    line(f"negotiator round {out} {workspace.display(ws.places)} --out OUT")
