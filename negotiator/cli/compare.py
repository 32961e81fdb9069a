"""`negotiator compare`: then versus now, an earlier framework's offer against a later one's grant."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError, Problem
from .common import Engine, app, json_option, line, out_folder, out_option, parse_date, show, width


@app.command()
def compare(
    places: List[str] = typer.Argument(None, metavar="PLACE...",
                                       help="Place profiles, folders of them, or place ids (with --config and none "
                                            "given: the workspace's places/)."),
    then: Optional[str] = typer.Option(None, "--then", metavar="PACK",
                                       help="The earlier rule pack (default: the pack marked default: true)."),
    then_as_of: Optional[str] = typer.Option(None, "--then-as-of", metavar="DATE",
                                             help="Evaluate the earlier pack as of this date (default: its date of "
                                                  "effect)."),
    now: Optional[str] = typer.Option(None, "--now", metavar="PACK",
                                      help="The later rule pack (default: the pack whose counterparts.yaml maps the "
                                           "earlier one's powers)."),
    now_as_of: Optional[str] = typer.Option(None, "--now-as-of", metavar="DATE",
                                            help="Evaluate the later pack as of this date (default: its date of "
                                                 "effect, or the round's date with --config)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", metavar="ROUND.yaml",
                                          help="A round config of the later pack: its date and parameters."),
    as_json: bool = json_option("the comparison"),
    out: Optional[str] = out_option("Folder for compare.json, compare.md and compare.html (a folder of its own: "
                                    "the three are replaced as a set).", required=False),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Evaluator: durable-rules (of record) or python."),
) -> None:
    """Then versus now: what an earlier framework would have offered a place and what a later one grants,
    power by power, with the rules behind each side.

    Powers are matched through the counterparts.yaml the later pack declares.
    Example: negotiator compare greater-manchester --then-as-of 2011-05-01 --now-as-of 2026-11-23
    """
    from .. import workspace
    from ..pack.load import load_pack, resolve_pack
    from ..report.compare import render_text, write_compare
    from ..round.compare import compare as run, find_now_pack, load_counterparts
    from ..vocab.places import load_places
    then_pack = load_pack(then)
    now_root = resolve_pack(now) if now is not None else find_now_pack(then_pack.id)
    on_then = parse_date(then_as_of, "--then-as-of")
    on_now = parse_date(now_as_of, "--now-as-of")
    now_note = "given with --now-as-of" if on_now else "the rule pack's date of effect; --now-as-of chooses another"
    if config is not None:
        from ..round.config import load_config
        if on_now is not None:
            raise InputError([Problem("--now-as-of", "give --now-as-of or --config, not both (a round config "
                                      "sets the date)")])
        cfg, _doc = load_config(config)
        now_pack = load_pack(now_root, cfg.parameters, set_by=workspace.display(config))
        on_now, now_note = cfg.date, f"the date of the round '{cfg.name}'"
    else:
        now_pack = load_pack(now_root)
    if now_pack.id == then_pack.id:
        raise InputError([Problem("--now", f"the earlier and the later rule pack are both {now_pack.id}")])
    cp = load_counterparts(now_pack, now_root, then_pack)
    refs = places or ([str(workspace.current().places)] if config is not None else [])
    if not refs:
        raise InputError([Problem("compare", "name at least one place (a profile, a folder of them or a place id)")])
    inputs = [*refs, config, then_pack.folder, now_pack.folder]
    folder = out_folder(out, "compare", inputs) if out is not None else None
    loaded = load_places(refs, now_pack)
    data = run(then_pack, now_pack, cp, loaded, on_then, on_now,
               "given with --then-as-of" if on_then else "the rule pack's date of effect; --then-as-of chooses "
                                                          "another",
               now_note, engine.value, leave_out_absent=any(Path(r).is_dir() for r in refs))
    if folder is None:
        show(data, as_json, lambda d: render_text(d, width()))
        return
    written = write_compare(data, folder, inputs)
    line(f"{len(data.places)} place(s): {then_pack.id} as of {data.then_as_of.isoformat()} "
         f"against {now_pack.id} as of {data.now_as_of.isoformat()}", err=True)
    if data.left_out:
        line(f"{len(data.left_out)} place(s) left out, existing on neither date: "
             + "; ".join(data.left_out), err=True)
    for path in written:
        line(str(path))
