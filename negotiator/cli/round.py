"""`negotiator round`: rank places, assign tranches, count coverage, write deal sheets."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any, Callable, List, Optional

import typer

from ..errors import InputError, Problem
from .common import (ENGINE_HELP, ConfigOption, Engine, RulesOption, app, json_option, line, out_folder, out_option,
                     parse_sets, some_names)


@app.command(name="round")
def round_(
    places: List[str] = typer.Argument(None, metavar="PLACES...",
                                       help="Place profiles or folders of them (default: the workspace's places/)."),
    out: str = out_option("Folder for round.json, round.md, round.csv and round.html."),
    rules: Optional[str] = RulesOption,
    config: Optional[Path] = ConfigOption,
    engine: Engine = typer.Option(Engine.durable, "--engine", help=ENGINE_HELP),
    indent: Optional[int] = typer.Option(None, "--indent", min=0, max=8,
                                         help="Indent round.json for people (default: compact)."),
    sets: List[str] = typer.Option(None, "--set", metavar="NAME=VALUE",
                                   help="Change a setting of the round config (capacity, date, ...) or a parameter "
                                        "of the pack (repeatable)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = json_option("the round, as round.json holds it (schema kind round), instead of the files' "
                                "names"),
) -> None:
    """Run a negotiation round: rank places, assign tranches, count coverage, write deal sheets.

    Every place is evaluated as of the round's date.
    Example: negotiator round places/ --config rounds/forerunner-2011.yaml --out out/round
    """
    from .. import workspace
    from ..pack.load import load_pack
    from ..report.files import write_reports
    from ..round.config import default_config, load_config
    from ..round.evaluate import paused_gc
    from ..round.plan import run_round
    from ..vocab.places import load_places
    from ..vocab.timeline import on_date
    changes = parse_sets(sets or [])
    if config:
        cfg, doc = load_config(config)
    else:
        cfg, doc = default_config(load_pack(rules).effective), None
    cfg = _round_settings(cfg, changes)
    pack = load_pack(rules, cfg.parameters, set_by=workspace.display(config) if config else "round config")
    inputs = [*(places or [str(workspace.current().places)]), config, pack.folder]
    folder = out_folder(out, "round", inputs)
    loaded = load_places(places or [str(workspace.current().places)], pack)
    with paused_gc():  # thousands of result objects, no cycles: the collector would only re-scan them
        existing = len(on_date(loaded, cfg.date)[0])  # the round evaluates only the places of its date
        data = _with_progress(existing, quiet, partial(run_round, pack, loaded, cfg, doc, engine.value))
        written = write_reports(data, folder, indent, inputs)
        said = _said(data, pack)
        dumped = None
        if as_json:
            from ..text import json_safe
            dumped = json_safe(data.model_dump_json(indent=2)) + "\n"
        # freed here by reference counting, while the collector is paused: resumed with the round still held,
        # its first collection would scan every object of it (about 2% of a 30,000-place round)
        del data, loaded
    for text in said:
        line(text, err=True)
    if dumped is not None:
        sys.stdout.write(dumped)
        return
    for path in written:
        line(str(path))


def _said(data: Any, pack: Any) -> list[str]:
    """What the command says on stderr of a round it ran: the summary, places left out, a pack not in force."""
    from ..workspace import from_here
    first = data.tranches[0].places if data.tranches else []
    cov = data.coverage
    summary = (f"{data.round.name} ({data.round.date.isoformat()}): {_count(len(data.places), 'place')}; tranche 1: "
               f"{_count(len(first), 'place')}; {_count(len(data.tranches), 'tranche')}; "
               f"{len(data.depends_on_unknowns)} ready or not depending on unknown facts; coverage "
               f"{cov.share * 100:.1f}% of {cov.base_name}; rule pack {pack.id} from {from_here(pack.root)}")
    day = data.round.date.isoformat()
    gone = [lo.name for lo in data.left_out if not lo.existence_unknown]
    unsure = [lo.name for lo in data.left_out if lo.existence_unknown]
    notes = ([f"{len(gone)} place(s) left out, not existing on {day} (each with its reason in round.md): "
              f"{some_names(gone)}"] if gone else []) + \
        ([f"{len(unsure)} place(s) left out, whose existence on {day} is unknown (no source found records them "
          f"then; each with its reason in round.md): {some_names(unsure)}"] if unsure else []) + \
        [f"Decided, not applied: {change}." for change in data.decided_not_applied]
    if not data.pack_in_force:
        notes.append(f"NOT IN FORCE: {data.pack_in_force_note}.")
    return [summary, *notes]


def _count(n: int, noun: str) -> str:
    """`1 place`, `2 places`: a count with its noun in the right number."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _round_settings(cfg: Any, changes: dict) -> Any:
    """A round config with --set changes: its own settings, or (any other name) a pack parameter."""
    from pydantic import ValidationError

    from ..bounds import parse_date
    from ..round.config import RoundConfig
    if not changes:
        return cfg
    data = cfg.model_dump()
    params = dict(data.get("parameters") or {})
    own = set(RoundConfig.model_fields) - {"parameters", "scenarios", "population_base", "already_devolved"}
    for name, value in changes.items():
        if name in own:
            if name in ("date", "negotiations_start") and value is not None:
                value = parse_date(str(value), "--set", field=name)
            data[name] = value
        else:
            params[name] = value
    data["parameters"] = params
    try:
        return RoundConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError([Problem("--set", f"{err['msg']}", field=".".join(map(str, err["loc"])))
                          for err in exc.errors(include_url=False)]) from None


def _with_progress(total: int, quiet: bool, work: Callable[[Any], Any]) -> Any:
    """Run `work(tick)` with a progress bar on stderr unless quiet or stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        return work(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    with Progress(TextColumn("evaluating {task.fields[place]:<28}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("round", total=total, place="")
        return work(lambda place_id: bar.update(task, advance=1, place=place_id))
