"""`negotiator sweep`: a round at every point of a parameter grid, and each place's exact tipping points."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, List, Optional

import typer

from .common import RulesOption, app, collect, json_option, line, out_folder, out_option, some_names


@app.command()
def sweep(
    places: List[str] = typer.Argument(None, metavar="PLACES...",
                                       help="Place profiles or folders of them (default: the workspace's places/)."),
    param: List[str] = typer.Option(..., "--param", metavar="NAME=START..STOP:STEP",
                                    help="A pack parameter and its grid (repeatable: the grid is the product)."),
    out: str = out_option("Folder for sweep.html, sweep.csv, tipping-points.csv and routes.csv."),
    rules: Optional[str] = RulesOption,
    config: Optional[Path] = typer.Option(None, "--config", "-c", metavar="ROUND.yaml",
                                          help="Round config (date, capacity, base parameters, coverage base)."),
    as_json: bool = json_option("the grid's points, tipping points and routes (schema kind sweep)"),
) -> None:
    """Run a round at every point of a parameter grid (fast path), and find each place's exact tipping points.

    Answers questions such as how many councils could negotiate alone if a threshold were X, naming the
    places at each tipping point. Parameters override the config's and the pack's.
    Example: negotiator sweep places/ --param strategic_county_min_population=300000..800000:5000 --out out/s
    """
    from .. import workspace
    from ..atomic import write_set
    from ..pack.load import load_pack
    from ..report.sweep import sweep_files
    from ..round.config import default_config, load_config
    from ..round.sweep import parse_param, run_sweep
    from ..values import number
    from ..vocab.places import load_places
    specs = collect(param, parse_param)
    if config:
        cfg, doc = load_config(config)
        pack = load_pack(rules, cfg.parameters, set_by=workspace.display(config))
    else:
        pack = load_pack(rules)
        cfg, doc = default_config(pack.effective), None
    inputs: list[Any] = [*(places or [str(workspace.current().places)]), config, pack.folder]
    folder = out_folder(out, "sweep", inputs)
    loaded = load_places(places or [str(workspace.current().places)], pack)
    result = run_sweep(pack, loaded, cfg, doc, specs)
    written = write_set(folder, sweep_files(result), kind="sweep", inputs=inputs)
    if as_json:
        from ..round.sweep_typed import typed_sweep
        from ..text import json_safe
        sys.stdout.write(json_safe(typed_sweep(result, [str(p) for p in written]).model_dump_json(indent=2)) + "\n")
    gone = [lo.name for lo in result.left_out if not lo.unknown]
    unsure = [lo.name for lo in result.left_out if lo.unknown]
    if gone:
        line(f"{len(gone)} place(s) left out, not existing on {cfg.date.isoformat()} (each with its "
             f"reason in sweep.html): {some_names(gone)}", err=True)
    if unsure:
        line(f"{len(unsure)} place(s) left out, whose existence on {cfg.date.isoformat()} is unknown (no source "
             f"found records them then; each with its reason in sweep.html): {some_names(unsure)}", err=True)
    for change in result.decided_not_applied:
        line(f"Decided, not applied: {change}.", err=True)
    for axis in result.axes:
        alone = [len(pt.alone) for pt in result.points]
        line(f"{axis.name}: {len(axis.values)} values from {number(axis.values[0])} to "
             f"{number(axis.values[-1])}; {len(result.tipping[axis.name])} tipping points; "
             f"councils that could negotiate alone: {min(alone)} to {max(alone)}", err=True)
    if not as_json:
        for path in written:
            line(str(path))
