"""`negotiator footprints`: the three forms (check, within, plan) and their reports (the CLI stays thin)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..pack.load import load_pack
from .results import FootprintCheck, FootprintList, FootprintPlan

DEFAULT_PACK = "english-devolution-2026"


def run(mode: str, refs: list[str], rules: str | None, on: date | None, within: str | None, power: str | None,
        limit: int, seconds: float) -> tuple[FootprintCheck | FootprintList | FootprintPlan, Callable]:
    from ..decide.catalogue import pack_ref
    from . import render
    from .judge import area_councils, judge, qualifying_rule, resolve
    pack = load_pack(rules or DEFAULT_PACK)
    qualifying_rule(pack)
    on = on or pack.effective
    if mode == "check":
        found = resolve(pack, refs, on)
        return FootprintCheck(as_of=on, pack=pack_ref(pack), footprints=[judge(pack, fp, on) for fp in found]), \
            render.render_check
    name, area = area_councils(pack, within)
    if mode == "plan":
        from .plan import plan
        return plan(pack, name, area, on, seconds=seconds), render.render_plan
    from .search import enumerate_footprints
    return enumerate_footprints(pack, name, area, on, power, limit), render.render_list


def write(data: FootprintCheck | FootprintList | FootprintPlan, folder: Path) -> None:
    """footprints.json, footprints.csv and footprints.html, replaced as a set."""
    from ..atomic import write_set
    from ..errors import InputError, Problem
    from ..text import html_safe, json_safe
    from .page import csv_text, html_page
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(str(folder), "--out must be a folder, but a file is there", code="file")])
    try:
        write_set(folder, {"footprints.json": json_safe(data.model_dump_json(indent=2)) + "\n",
                           "footprints.csv": csv_text(data), "footprints.html": html_safe(html_page(data))},
                  kind="footprints")
    except OSError as exc:
        raise InputError([Problem(str(folder), f"cannot write the reports ({exc.strerror or exc})", code="file")]) from None
