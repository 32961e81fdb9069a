"""`negotiator england`: generate a whole-England place set from the bundled Census table."""

from __future__ import annotations

import sys
from typing import Any, Optional

import typer


from .common import RulesOption, app, json_option, line, out_folder, out_option, parse_date


@app.command()
def england(
    out: str = out_option("Folder for the generated place profiles."),
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE",
                                        help="Only the councils and county areas that exist on this date (the "
                                             "council register); default: the councils of the Census table."),
    as_json: bool = json_option("the files written and what to run next (schema kind files)"),
) -> None:
    """Generate a whole-England place set: every English council and county area, from the bundled Census table.

    Only kind, members and population (Census 2011 and 2021) are stated; everything else is unknown.
    Places already profiled in the workspace's places/ (and every grouping there) complete the set,
    so a round reads both folders.
    With --as-of, the set is that of the date (the council register, negotiator/data/councils.yaml):
    councils abolished since are places, councils created later are not, and each place states the dates
    it exists; bundled places that do not exist on the date are left out of the comparison and named.
    Example: negotiator england --out out/england && negotiator round out/england places/ --out out/r
    """
    from .. import workspace
    from ..atomic import write_set
    from ..pack.load import load_pack
    from ..vocab.england import england_count, england_places, england_places_on
    from ..vocab.places import load_places
    ws = workspace.current()
    pack = load_pack(rules)
    inputs: list[Any] = [ws.places, pack.folder]
    folder = out_folder(out, "england", inputs)
    bundled = load_places([str(ws.places)], pack)
    left_out: list[Any] = []
    pending: list[Any] = []
    names = {lp.id: lp.profile.name for lp in bundled}
    on = None
    if as_of is None:
        members = {lp.id: lp.profile.members for lp in bundled}
    else:
        from ..vocab.timeline import on_date
        on = parse_date(as_of, "--as-of")
        assert on is not None  # as_of was given
        kept, left_out = on_date(bundled, on)
        members = {lp.id: () for lp in bundled} | {lp.id: lp.profile.members for lp in kept}
        from ..vocab.councils import register
        pending = register().pending_on(on)
    made = england_places(members) if on is None else england_places_on(members, on)
    files = {f"{g.id}.yaml": g.text for g in made}
    written = write_set(folder, files, kind="england", inputs=inputs)
    notes = [f"Decided, not applied: {change.sentence()}." for change in pending]
    if left_out:
        notes.append(f"{len(left_out)} bundled place(s) not existing (or not known to exist) on {as_of}, left out of "
                     f"a round of that date: {', '.join(lo.name for lo in left_out)}")
    notes.append(f"{england_count(made, members, names, on)}. Written to {out}; with the {len(bundled)} places "
                 f"of {workspace.display(ws.places)}/ (the groupings among them) they make the whole-England set:")
    then = f"negotiator round {out} {workspace.display(ws.places)} --out OUT"
    if as_json:
        from ..results import FilesWritten, LeftOutPlace
        from ..text import json_safe
        result = FilesWritten(command="england", folder=str(folder), files=[str(p) for p in written], notes=notes,
                              next=then, left_out=[LeftOutPlace(id=lo.id, name=lo.name, reason=lo.reason,
                                                                existence_unknown=lo.unknown)
                                                   for lo in left_out])
        sys.stdout.write(json_safe(result.model_dump_json(indent=2)) + "\n")
        return
    for note in notes:
        line(note, err=True)
    line(then, wrap=False)  # a command to copy
