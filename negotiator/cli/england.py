"""`negotiator england`: generate a whole-England place set from the bundled Census table."""

from __future__ import annotations

from typing import Any, Optional


from .common import RulesOption, app, line, out_folder, out_option


@app.command()
def england(
    out: str = out_option("Folder for the generated place profiles."),
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
    inputs: list[Any] = [ws.places, pack.root]
    folder = out_folder(out, "england", inputs)
    bundled = load_places([str(ws.places)], pack)
    files = england_files({lp.id: lp.profile.members for lp in bundled})
    write_set(folder, files, kind="england", inputs=inputs)
    line(f"{len(files)} generated places in {out}; with the {len(bundled)} places of "
         f"{workspace.display(ws.places)}/ they make the whole-England set:", err=True)
    line(f"negotiator round {out} {workspace.display(ws.places)} --out OUT")
