"""Round reports: round.json, round.md, round.csv and a self-contained round.html.

Every file is a pure function of the typed round, so the same inputs give
byte-identical files. The Markdown and HTML reports share one view model
(view.py) and are laid out by Jinja2 templates: HTML with autoescape,
Markdown with every value escaped (no raw HTML, no links from user text,
table cells kept whole). CSV cells a spreadsheet would run as a formula are
neutralised. The four files are replaced as a set (atomic.py).
"""

from __future__ import annotations

import csv
import re
import io
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..atomic import write_set
from ..cache import template_cache
from ..results import STATUS_LABEL, Round, Status, dump
from ..text import csv_cell, html_safe, json_safe_bytes, md_cell, terminal_line
from . import charts
from ..values import fmt, yes_no
from .phrases import gbp, pct, readiness_range
from .view import STATUS_COLOUR, round_view


def write_reports(r: Round, out: Path, indent: int | None = None, inputs=()) -> list[Path]:
    """Write the four reports into `out`, replacing any earlier set as a whole.

    Each file is produced while it is written (round.json place by place, round.html as the template
    renders), so a round of thousands of places never holds the four files in memory at once; the
    bytes are those of to_json, to_markdown, to_csv and to_html. `out` must not hold anything but an
    earlier round's reports, nor any of `inputs` (atomic.write_set).
    """
    shared: dict = {}

    def view():
        if "ctx" not in shared:
            shared["ctx"] = _context(r)
        return shared["ctx"]

    def markdown():
        yield from markdown_chunks(r, view())

    files = {
        "round.json": json_chunks(r, indent),
        "round.md": markdown(),
        "round.csv": csv_chunks(r),
        "round.html": html_chunks(r, view),
    }
    return write_set(out, files, kind="round", inputs=inputs)


def to_json(r: Round, indent: int | None = None) -> str:
    return dump(r, indent)


#: The top-level end of round.json's places list, as pydantic writes it compact and indented.
_PLACES = {None: ',"places":[],"catalogue":', 2: '\n  "places": [],\n  "catalogue": '}


def json_chunks(r: Round, indent: int | None = None) -> Iterator[bytes]:
    """round.json (the bytes of `to_json`), one place at a time."""
    if indent not in (None, 2) or not r.places:
        yield to_json(r, indent).encode("utf-8")  # dump escapes as json_safe does
        return
    empty = r.model_copy(update={"places": []})
    shell = empty.__pydantic_serializer__.to_json(empty, indent=indent).decode("utf-8")
    marker = _PLACES[indent]
    at = shell.rfind(marker)
    assert at >= 0, "round.json no longer has places just before the catalogue"
    cut = at + marker.index("[") + 1
    yield json_safe_bytes(shell[:cut].encode("utf-8"))
    serializer = r.places[0].__pydantic_serializer__
    for i, place in enumerate(r.places):
        text = json_safe_bytes(serializer.to_json(place, indent=indent))
        if indent is None:
            yield (b"," if i else b"") + text
        else:  # nested two levels deep: every line of the item moves right by four spaces
            yield (b",\n    " if i else b"\n    ") + text.replace(b"\n", b"\n    ")
    yield ((b"" if indent is None else b"\n  ") + json_safe_bytes(shell[cut:].encode("utf-8")) + b"\n")


def _md_finalize(value: object) -> object:
    return value if isinstance(value, Markup) else md_cell("" if value is None else value)


@lru_cache(maxsize=2)
def _env(kind: str) -> Environment:
    compiled = template_cache()  # the templates compiled once, not on every run (about 70 ms)
    if kind == "md":
        env = Environment(loader=PackageLoader("negotiator.report", "templates"), autoescape=False,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                          undefined=StrictUndefined, finalize=_md_finalize, bytecode_cache=compiled)
    else:
        env = Environment(loader=PackageLoader("negotiator.report", "templates"),
                          autoescape=select_autoescape(["html", "j2"], default=True),
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                          undefined=StrictUndefined, bytecode_cache=compiled)
    env.globals.update(fmt=fmt, pct=pct, gbp=gbp, label=STATUS_LABEL, readiness_range=readiness_range)
    return env


def _context(r: Round) -> dict:
    view = round_view(r)
    ranking = {x.place: x for x in r.ranking}
    budget_title = next((p.evaluation.budget.title for p in r.places if p.evaluation.budget), "Budget")
    return {"r": r, "v": view, "ranking": ranking, "budget_title": budget_title,
            "devolved": ", ".join(view.names[p] for p in r.already_devolved)}


def to_markdown(r: Round, context: dict | None = None) -> str:
    return "".join(markdown_chunks(r, context))


_NEWLINES = re.compile(r"(\n+)")


def markdown_chunks(r: Round, context: dict | None = None) -> Iterator[str]:
    """round.md as the template renders it, with runs of blank lines closed up to one and a single newline
    at the end; streamed, so a round of any size is never held whole in memory."""
    pending = 0  # newlines seen and not yet written: a run is written, at most two of it, when text follows
    for chunk in _gathered(_env("md").get_template("round.md.j2").generate(**(context or _context(r)))):
        out = []
        for part in _NEWLINES.split(chunk):
            if not part:
                continue
            if part[0] == "\n":
                pending += len(part)
            else:
                if pending:
                    out.append("\n" * min(pending, 2))
                    pending = 0
                out.append(part)
        if out:
            yield "".join(out)
    yield "\n"


#: A template's many small pieces are gathered into strings of about this length before they are processed.
GATHER = 1 << 16


def _gathered(pieces: Iterator[str]) -> Iterator[str]:
    """The same text in fewer, longer strings (each about GATHER characters): per-piece work done once a run."""
    run: list[str] = []
    size = 0
    for piece in pieces:
        run.append(piece)
        size += len(piece)
        if size >= GATHER:
            yield "".join(run)
            run, size = [], 0
    if run:
        yield "".join(run)


@lru_cache(maxsize=None)  # a handful of statuses, on every deal sheet
def _chip(status: str) -> Markup:
    """A status in words on its colour (the colours are classes of round.html's style sheet: `chip_styles`)."""
    s = Status(status)
    return Markup(f'<span class="chip c-{s.value}">{Markup.escape(STATUS_LABEL[s])}</span>')


#: A status's class and mark in round.html's compact table of powers by place.
_GRID = {"available": ("a", "A"), "needs_stronger_accountability": ("s", "S"), "not_available": ("n", "N"),
         "undetermined": ("u", "?"), "not_in_force": ("f", "-")}


def _grid_cells() -> Callable[[list], Markup]:
    """A place's cells in the compact table of powers by place: each power's status as its mark, `*` where asked
    for; made once for every place whose power results are the same objects (a round shares them)."""
    made: dict[tuple, Markup] = {}

    def cells(powers: list) -> Markup:
        key = tuple(map(id, powers))
        found = made.get(key)
        if found is None:
            found = made[key] = Markup("".join(
                f'<td class="m{_GRID[p.status.value][0]}">{_GRID[p.status.value][1]}{"*" if p.requested else ""}</td>'
                for p in powers))
        return found
    return cells


def chip_styles() -> Markup:
    return Markup("".join(f".c-{s.value}{{background:{colour}}}" for s, colour in STATUS_COLOUR.items()))


#: Above this many places, round.html shows the powers by place as a compact table, not an SVG chart of a
#: rectangle a cell (the chart alone would be about 2.6 kB a place).
MATRIX_CHART_MAX = 60


def to_html(r: Round) -> str:
    return "".join(html_chunks(r))


def html_chunks(r: Round, context=None) -> Iterator[str]:
    """round.html as the template renders it (`context`: a function giving the shared view context)."""
    ctx = dict(context() if context else _context(r))
    view = ctx["v"]
    package_state = {}
    for p in r.places:
        acc = p.evaluation.accountability
        package_state[p.id] = ({True: "met", False: "not met", None: "undetermined"}[acc.meets_requirement]
                               if acc.requested else "none asked")
    ctx.update(
        charts={"coverage": Markup(charts.coverage_svg(r)), "ranking": Markup(charts.ranking_svg(r, view.names)),
                "matrix": Markup(charts.matrix_svg(r)) if len(r.places) <= MATRIX_CHART_MAX else None},
        deals={d.id: d for d in view.deals}, package_state=package_state, chip=_chip, label=STATUS_LABEL,
        chip_styles=chip_styles(), open_sheets=len(view.deals) <= 12, grid_cells=_grid_cells(),
        compact=len(r.places) > MATRIX_CHART_MAX,  # a big round: a budget scope that covers nothing says only so
        # a big round names each profile's folder once, above the sheets, and each sheet its file's name
        profile_folders=sorted({p.file.rpartition("/")[0] for p in r.places if "/" in p.file}),
    )
    for chunk in _gathered(_env("html").get_template("round.html.j2").generate(**ctx)):
        yield html_safe(chunk)  # character by character, so the same on the template's pieces or on runs of them


CSV_COLUMNS = ["place", "place_name", "as_of", "eligible", "standing", "settled_by", "tranche", "rank", "readiness", "power", "power_title",
               "menu", "status", "requested", "required_tier", "required_tier_basis", "current_tier", "missing_facts",
               "failed_rules", "assumptions"]


def _parameters_read(steps: dict):
    """rule -> the parameters it reads, directly or through the rules it reads (memoised per place)."""
    memo: dict[str, frozenset[str]] = {}

    def read(rule: str) -> frozenset[str]:
        if rule not in memo:
            memo[rule] = frozenset()  # a guard; packs have no cycles
            step = steps.get(rule)
            memo[rule] = frozenset(step.parameters) | frozenset().union(*(read(x) for x in step.rules)) \
                if step else frozenset()
        return memo[rule]
    return read


def to_csv(r: Round) -> str:
    return "".join(csv_chunks(r))


def csv_chunks(r: Round) -> Iterator[str]:
    """round.csv, a place's rows at a time.

    A row is the place's cells, the power's, the place's current tier, the power's again and the assumptions
    it rests on; each part is written as CSV once and the parts joined (a field is quoted, or not, on its own
    text alone, so the row reads as csv.writer writes it whole). The power's parts are kept per result object
    (a round shares equal power results between places) and the assumptions per power result and place's
    rules as they read parameters."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    cells: dict[str, str] = {}  # a string as a safe cell (the same strings recur on every place's rows)

    def safe(v):
        return (cells.get(v) or cells.setdefault(v, csv_cell(terminal_line(v)))) if isinstance(v, str) else v

    def encoded(row: list) -> str:
        """Cells as csv.writer writes them in a row, without the line's end (a part of two or more cells)."""
        writer.writerow([safe(v) for v in row])
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text[:-1]

    yield encoded(CSV_COLUMNS) + "\n"
    cat = r.catalogue
    assumed = {n for n, info in cat.parameters.items() if info.assumption}
    by_power: dict[int, tuple[str, str, list[str]]] = {}  # id(PowerResult) -> its two parts, rules it rests on
    readers: dict[tuple, tuple[int, Callable[[str], frozenset[str]]]] = {}  # rules' shape -> (number, reader)
    shapes: dict[int, tuple] = {}  # id(Step) -> what _parameters_read reads of it
    marks_of: dict[tuple, str] = {}
    readiness_mark = ["readiness weights"] if r.round.readiness_note else []
    for p in r.places:
        ev = p.evaluation
        shape = tuple((rid, shapes.get(id(step)) or shapes.setdefault(id(step), (tuple(step.parameters),
                                                                                  tuple(step.rules))))
                      for rid, step in ev.steps.items())
        found = readers.get(shape)
        if found is None:
            found = readers[shape] = (len(readers), _parameters_read(ev.steps))
        number, read = found
        mark_more = readiness_mark if ev.readiness else []
        head = encoded([p.id, p.name, ev.as_of.isoformat(), fmt(ev.negotiation.eligible), p.standing,
                        " ".join(p.settled_by), p.tranche or "", p.rank or "",
                        fmt(ev.readiness.score) if ev.readiness else "", "x"])[:-1]
        tier = encoded([ev.accountability.current_tier or "unknown", "x"])[:-1]
        rows = []
        for power in ev.powers:
            parts = by_power.get(id(power))
            if parts is None:
                info = cat.powers[power.id]
                basis = "judgment" if info.tier_judgment and power.required_tier == info.tier else "source"
                parts = by_power[id(power)] = (
                    encoded([power.id, info.title, info.menu or "", power.status.value,
                             yes_no(power.requested), power.required_tier, basis]),
                    encoded([" ".join(power.missing), " ".join(power.failed)]),
                    power.prerequisites + power.requirements)
            key = (number, id(power), bool(mark_more))
            marks = marks_of.get(key)
            if marks is None:
                marks = marks_of[key] = encoded(
                    ["x", " ".join(sorted({n for rule in parts[2] for n in read(rule)} & assumed) + mark_more)])[2:]
            rows.append(f"{head}{parts[0]},{tier}{parts[1]},{marks}\n")
        yield "".join(rows)
