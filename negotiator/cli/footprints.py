"""`negotiator footprints`: which groupings of neighbouring councils could form a strategic authority."""

from __future__ import annotations

import typer

from ..errors import InputError, Problem
from .common import AsOfOption, app, json_option, out_folder, out_option, parse_date, show


@app.command()
def footprints(
    places: list[str] | None = typer.Argument(None, metavar="[PLACE...]",
                                                 help="With --check: places (profiles or ids), and councils "
                                                      "(ONS codes or names) taken together as one footprint."),
    check_: bool = typer.Option(False, "--check", help="Judge the footprints of the places given."),
    plan: bool = typer.Option(False, "--plan", help="Partition the councils not yet in an authority into "
                                                    "qualifying footprints (OR-Tools CP-SAT)."),
    within: str | None = typer.Option(None, "--within", metavar="AREA",
                                         help="England (default), a region, a county area or a place."),
    power: str | None = typer.Option(None, "--power", "-p", metavar="ID",
                                        help="Only groupings that would have this power available."),
    rules: str | None = typer.Option(None, "--rules", "-r", metavar="PACK",
                                        help="Rule pack (default: english-devolution-2026, the pack with "
                                             "footprint rules)."),
    as_of: str | None = AsOfOption,
    limit: int = typer.Option(10, "--limit", min=1, max=200, help="How many groupings to list."),
    seconds: float = typer.Option(30.0, "--seconds", min=1, max=600,
                                  help="Work allowed to the plan's solver, in its deterministic seconds (roughly "
                                       "seconds of one core; the same plan on a busy machine)."),
    as_json: bool = json_option("the typed result"),
    out: str | None = out_option("Write footprints.json, footprints.csv and footprints.html there.", required=False),
) -> None:
    """Which groupings of neighbouring councils could form a strategic authority, judged by a pack.

    --check PLACE... judges existing or proposed footprints: each condition met or not, with its rule and
    source, whom it strands and what it would unlock. Without it, lists the contiguous groupings of
    councils not yet in an authority that meet the pack's conditions, ranked; --plan partitions them.
    Example: negotiator footprints --check hampshire-and-the-solent --as-of 2025-02-05
    """
    from ..footprints import command
    if check_ and plan:
        raise InputError([Problem("footprints", "give --check or --plan, not both")])
    if check_ and not places:
        raise InputError([Problem("footprints", "--check needs places or councils, e.g. --check greater-essex")])
    if places and not check_:
        raise InputError([Problem("footprints", f"places are judged with --check (footprints --check {places[0]}); "
                                                "--within names an area to search")])
    mode = "check" if check_ else "plan" if plan else "within"
    folder = out_folder(out, "footprints", places or []) if out is not None else None
    data, render = command.run(mode, places or [], rules, parse_date(as_of), within, power, limit, seconds)
    if folder is not None:
        command.write(data, folder)
    show(data, as_json, render)
