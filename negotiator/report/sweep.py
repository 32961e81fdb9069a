"""Sweep reports: sweep.html (self-contained, inline SVG charts), sweep.csv (a row per grid point) and
tipping-points.csv (a row per place and parameter value where its outcome changes).

Every text drawn in HTML is escaped here; CSV cells are neutralised like round.csv's.
"""

from __future__ import annotations

import csv
import io
import math
from html import escape
from typing import Any

from ..results import truth_word
from ..round.sweep import Point, Sweep
from ..values import number
from ..text import csv_cell, html_safe, terminal_line
from .phrases import pct

COLOURS = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf3989", "#9a6700", "#1b7c83", "#57606a"]
#: Lines drawn per chart (one per combination of the other parameters' values).
MAX_LINES = 8
#: Grid points shown in the page's table (the CSV has them all).
MAX_ROWS = 400


def sweep_files(s: Sweep) -> dict[str, str]:
    return {"sweep.html": to_html(s), "sweep.csv": to_csv(s), "tipping-points.csv": tipping_csv(s),
            "routes.csv": routes_csv(s)}


def routes_csv(s: Sweep) -> str:
    """How each member council could take part at the base parameter values."""
    from ..vocab.councils import register
    reg = register()
    names = s.names
    rows = [["council", "council_name", "route", "through", "through_names"]]
    for code, (route, via) in s.routes.items():
        rows.append([code, reg.name(code) if reg.get(code) else "", route, " ".join(via),
                     "; ".join(names[p] for p in via)])
    return _csv(rows)


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow([csv_cell(terminal_line(v)) if isinstance(v, str) else v for v in row])
    return buf.getvalue()


def to_csv(s: Sweep) -> str:
    powers = [p.id for p in s.pack.powers]
    head = [a.name for a in s.axes] + ["eligible", "not_eligible", "undetermined", "councils_alone",
                                       "councils_through_grouping", "councils_no_route", "first_tranche", "tranches",
                                       "coverage_population", "coverage_share", "available"]
    head += [f"available.{p}" for p in powers]
    rows = [head]
    for pt in s.points:
        rows.append([pt.values[a.name] for a in s.axes] + [
            len(pt.eligible), pt.not_eligible, pt.undetermined, len(pt.alone), pt.through_grouping, pt.no_route,
            len(pt.first_tranche), pt.tranches, pt.coverage_population, pt.coverage_share, pt.available,
        ] + [pt.available_by_power[p] for p in powers])
    return _csv(rows)


def tipping_csv(s: Sweep) -> str:
    rows = [["parameter", "value", "side", "place", "place_name", "fact", "fact_value", "eligible_before",
             "eligible_after", "changes", "package_tier", "in_words"]]
    for axis in s.axes:
        for tp in s.tipping[axis.name]:
            rows.append([axis.name, tp.value, tp.side, tp.place, tp.name, tp.fact, tp.fact_value,
                         truth_word(tp.eligible[0]), truth_word(tp.eligible[1]),
                         "; ".join(f"{p}: {b} -> {a}" for p, b, a in tp.changes),
                         " -> ".join(tp.package) if tp.package else "", tp.words()])
    return _csv(rows)


# --- charts -------------------------------------------------------------------------------------------

def nice_step(span: float, whole: bool = False, most: int = 5) -> float:
    """The step between axis ticks: 1, 2, 2.5 or 5 times a power of ten, the smallest that needs at most `most`
    steps over `span` (so ticks fall on round values: 0%, 5%, 10%, not 4.4%, 8.7%); at least 1 when `whole`."""
    if span <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if whole and (step < 1 or step != int(step)):
            continue
        if span / step <= most + 1e-9:
            return step
    return 10 * power if not whole else max(1.0, math.ceil(span / most))


def ticks(start: float, end: float, step: float) -> list[float]:
    """Multiples of `step` from `start` to `end` (both within), rounded so 0.1 + 0.2 prints as 0.3."""
    count = int(math.floor((end - start) / step + 1e-9))
    return [round(start + k * step, 10) for k in range(count + 1)]


def line_chart(title: str, xlabel: str, series: list[tuple[str, list[tuple[float, float]]]],
               yfmt=lambda v: number(round(v, 4)), base: float | None = None, counts: bool = False) -> str:
    """An inline SVG line chart; every text escaped. Ticks at round values (`nice_step`); with `counts`, the y
    axis's ticks are whole numbers. A legend only for more than one line."""
    width, height, left, right, top, bottom = 660, 260, 70, 40, 30, 44
    xs = [x for _l, pts in series for x, _y in pts]
    ys = [y for _l, pts in series for _x, y in pts]
    if not xs:
        return "<p>No points.</p>"
    x0, x1 = min(xs), max(xs)
    ystep = nice_step(max(max(ys), 0) - min(min(ys), 0), whole=counts)
    y0 = math.floor(min(min(ys), 0) / ystep) * ystep
    y1 = max(math.ceil(max(ys) / ystep) * ystep, y0 + ystep)  # the axis ends at a tick above the highest value
    if x1 == x0:
        x1 = x0 + 1
    legend = len(series) > 1  # one line needs no legend: the chart's title says what it is
    extra = 18 * len(series) if legend else 0

    def sx(x):
        return left + (x - x0) / (x1 - x0) * (width - left - right)

    def sy(y):
        return top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom)
    out = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height + extra}" '
           f'viewBox="0 0 {width} {height + extra}" xmlns="http://www.w3.org/2000/svg">',
           f'<text x="{left}" y="16" font-size="14" font-weight="600">{escape(title)}</text>']
    for y in ticks(y0, y1, ystep):
        out.append(f'<line x1="{left}" y1="{sy(y):.1f}" x2="{width - right}" y2="{sy(y):.1f}" stroke="#eaeef2"/>')
        out.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" font-size="11" text-anchor="end">'
                   f'{escape(yfmt(y).replace(".0%", "%"))}</text>')  # a round tick: 5%, not 5.0%
    xstep = nice_step(x1 - x0)
    for x in ticks(math.ceil(x0 / xstep - 1e-9) * xstep, x1, xstep):
        out.append(f'<text x="{sx(x):.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle">'
                   f'{escape(number(round(x, 6)))}</text>')
    out.append(f'<text x="{(left + width - right) / 2:.1f}" y="{height - 6}" font-size="12" text-anchor="middle">'
               f'{escape(xlabel)}</text>')
    if base is not None and x0 <= base <= x1:
        out.append(f'<line x1="{sx(base):.1f}" y1="{top}" x2="{sx(base):.1f}" y2="{height - bottom}" '
                   'stroke="#9a6700" stroke-dasharray="4 3"><title>base value</title></line>')
    for i, (label, pts) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        if len(pts) <= 120:
            for x, y in pts:
                out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{colour}"><title>'
                           f'{escape(label)} {escape(number(x))}: {escape(yfmt(y))}</title></circle>')
        if not legend:
            continue
        ly = height + 12 + 18 * i
        out.append(f'<rect x="{left}" y="{ly - 9}" width="12" height="4" fill="{colour}"/>'
                   f'<text x="{left + 18}" y="{ly}" font-size="12">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _series(s: Sweep, axis_index: int, metric) -> list[tuple[str, list[tuple[float, float]]]]:
    """One line per combination of the other parameters' values (at most MAX_LINES), x = this parameter."""
    axes = s.axes
    others = [a for k, a in enumerate(axes) if k != axis_index]
    groups: dict[tuple, list[Point]] = {}
    for pt in s.points:
        groups.setdefault(tuple(pt.values[a.name] for a in others), []).append(pt)
    keys = list(groups)
    if len(keys) > MAX_LINES:  # the base values first, then evenly spaced combinations
        base = tuple(min(a.values, key=lambda v: abs(v - a.base)) for a in others)
        step = len(keys) / (MAX_LINES - 1)
        picked = [keys[int(i * step)] for i in range(MAX_LINES - 1)]
        keys = [base] + [k for k in picked if k != base]
    out = []
    name = axes[axis_index].name
    for key in keys[:MAX_LINES]:
        label = ", ".join(f"{a.name}={number(v)}" for a, v in zip(others, key)) or "all places"
        out.append((label, [(pt.values[name], metric(pt)) for pt in groups[key]]))
    return out


def to_html(s: Sweep) -> str:
    r = s.config
    axes = s.axes
    e = escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(r.name)}: parameter sweep</title>",
        "<style>body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328}"
        "main{max-width:1100px;margin:0 auto;padding:24px}h2{margin-top:36px;border-bottom:1px solid #d0d7de}"
        "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:3px 8px;"
        "text-align:left;vertical-align:top}th{background:#f6f8fa}td.num{text-align:right}.muted{color:#59636e}"
        ".charts{display:flex;flex-wrap:wrap;gap:12px}svg text{font-family:system-ui,sans-serif}</style>",
        "</head>", "<body>", "<main>",
        f"<h1>Parameter sweep: {e(r.name)}</h1>",
        f'<p class="muted">Rule pack {e(s.pack.id)} v{e(s.pack.version)} (hash <code>{e((s.pack.files_hash or s.pack.hash)[:12])}</code>); '
        f"{len(s.places):,} places ({s.councils:,} member councils) evaluated as of {e(r.date.isoformat())}; "
        f"{len(s.points):,} grid points, each a round planned as <code>negotiator round</code> plans it "
        f"({_ceiling_text(s)}).</p>",
        "<p>Swept: " + "; ".join(f"<strong>{e(a.name)}</strong> from {e(number(a.values[0]))} to "
                                 f"{e(number(a.values[-1]))} ({len(a.values)} values; base value "
                                 f"{e(number(a.base))}: {e(s.pack.parameters[a.name].description.rstrip('.'))})"
                                 for a in axes) + ".</p>",
        "<p class=\"muted\">A <em>council</em> here is a place of one member council. It can negotiate "
        "<em>alone</em> when its own place is eligible, <em>only through a grouping</em> when a place of several "
        "councils that includes it is eligible. Tipping points come from the pack's thresholds, not from the grid: "
        "a place's outcome changes exactly where a parameter crosses the value of the fact the rule compares it "
        "with; each parameter is moved alone, the others at their base values.</p>",
    ]
    if s.left_out:
        parts.append(f'<details class="muted"><summary>{len(s.left_out)} places left out, not existing or not known '
                     f"to exist on {e(r.date.isoformat())} (the council register and each place's dates)</summary><ul>"
                     + "".join(f"<li>{e(lo.name)}: {e(lo.reason)}</li>" for lo in s.left_out) + "</ul></details>")
    if s.decided_not_applied:
        parts.append('<p class="muted">Decided, not applied (the council register cannot give the new councils\' '
                     "areas, so the councils are given as before the change):</p><ul>"
                     + "".join(f"<li>{e(change)}.</li>" for change in s.decided_not_applied) + "</ul>")
    parts += _routes_html(s)
    for k, axis in enumerate(axes):
        parts.append(f'<h2 id="{e(axis.name)}">{e(axis.name)}</h2><div class="charts">')
        base = float(axis.base)
        parts.append(line_chart("Coverage of the first tranche", axis.name,
                                _series(s, k, lambda pt: pt.coverage_share), yfmt=pct, base=base))
        parts.append(line_chart("Eligible places", axis.name, _series(s, k, lambda pt: len(pt.eligible)), base=base,
                                counts=True))
        parts.append(line_chart("Councils that could negotiate alone", axis.name,
                                _series(s, k, lambda pt: len(pt.alone)), base=base, counts=True))
        parts.append(line_chart("Powers available (place and power pairs)", axis.name,
                                _series(s, k, lambda pt: pt.available), base=base, counts=True))
        parts.append("</div>")
        steps = s.alone_steps[axis.name]
        parts.append(f"<h3>How many councils could negotiate alone, by {e(axis.name)}</h3>")
        if steps:
            parts.append("<table><thead><tr><th>" + e(axis.name) + "</th><th>councils alone</th><th>gain</th>"
                         "<th>lose</th></tr></thead><tbody>")
            for bound, side, count, gained, lost in steps:
                if bound is None:  # before the first change: below its value, or up to it when it changes above
                    first = steps[1] if len(steps) > 1 else None
                    where = ("any value" if first is None else
                             ("below " if first[1] == "at" else "up to ") + number(first[0]))
                else:
                    where = ("from " if side == "at" else "above ") + number(bound)
                parts.append(f'<tr><td>{e(where)}</td><td class="num">{count}</td><td>{e(_names(s, gained))}</td>'
                             f"<td>{e(_names(s, lost))}</td></tr>")
            parts.append("</tbody></table>")
        else:
            parts.append("<p>No council's eligibility depends on it.</p>")
        tips = s.tipping[axis.name]
        parts.append(f"<h3>Tipping points ({len(tips):,})</h3>")
        if tips:
            parts.append("<table><thead><tr><th>value</th><th>place</th><th>fact</th><th>what changes</th></tr>"
                         "</thead><tbody>")
            for tp in tips:
                parts.append(f'<tr><td class="num">{e(number(tp.value))}</td><td>{e(tp.name)}</td>'
                             f"<td>{e(tp.fact)} = {e(number(tp.fact_value))}</td><td>{e(tp.words())}</td></tr>")
            parts.append("</tbody></table>")
        else:
            parts.append("<p>No place's outcome depends on it.</p>")
    parts.append("<h2>Every grid point</h2>")
    shown = s.points[:MAX_ROWS]
    parts.append("<table><thead><tr>" + "".join(f"<th>{e(a.name)}</th>" for a in axes) +
                 "<th>eligible</th><th>councils alone</th><th>only through a grouping</th><th>no route</th>"
                 "<th>tranche 1</th><th>coverage</th><th>powers available</th></tr></thead><tbody>")
    for pt in shown:
        parts.append("<tr>" + "".join(f'<td class="num">{e(number(pt.values[a.name]))}</td>' for a in axes) +
                     f'<td class="num">{len(pt.eligible)}</td><td class="num">{len(pt.alone)}</td>'
                     f'<td class="num">{pt.through_grouping}</td><td class="num">{pt.no_route}</td>'
                     f'<td class="num">{len(pt.first_tranche)}</td><td class="num">{e(pct(pt.coverage_share))}</td>'
                     f'<td class="num">{pt.available}</td></tr>')
    parts.append("</tbody></table>")
    if len(s.points) > MAX_ROWS:
        parts.append(f'<p class="muted">The first {MAX_ROWS} of {len(s.points):,} points; sweep.csv has them all.</p>')
    parts += ['<p class="muted">Made by negotiator sweep. sweep.csv: one row per grid point; tipping-points.csv: one '
              "row per change; routes.csv: how each council could take part at the base values.</p>",
              "</main>", "</body>", "</html>"]
    return html_safe("\n".join(parts) + "\n")


def _routes_html(s: Sweep) -> list[str]:
    from ..vocab.councils import register
    reg = register()
    e = escape
    names = s.names
    groups: dict[str, list[tuple[str, list[str]]]] = {"alone": [], "grouping": [], "none": []}
    for code, (route, via) in s.routes.items():
        groups[route].append((reg.name(code), via))
    base = ", ".join(f"{a.name} = {number(a.base)}" for a in s.axes)
    out = [f"<h2>At the base values ({e(base)})</h2>",
           f"<p><strong>{len(groups['alone'])}</strong> of {s.councils} councils could negotiate alone; "
           f"<strong>{len(groups['grouping'])}</strong> only through a grouping that includes them; "
           f"<strong>{len(groups['none'])}</strong> through no eligible place (routes.csv lists every council).</p>"]
    titles = {"alone": "Could negotiate alone", "grouping": "Only through a grouping",
              "none": "Through no eligible place"}
    for route in ("alone", "grouping", "none"):
        items = sorted(groups[route])
        out.append(f"<details{' open' if route == 'alone' else ''}><summary>{titles[route]} ({len(items)})</summary>"
                   "<p>" + "; ".join(e(name) + (f" ({e(', '.join(names[p] for p in via))})" if route == "grouping"
                                                else "") for name, via in items) + "</p></details>")
    return out


def _names(s: Sweep, ids: list[str]) -> str:
    return ", ".join(s.names[i] for i in ids)


def _ceiling_text(s) -> str:
    from ..round.plan import capacity_ceiling
    ceiling = capacity_ceiling(s.pack, s.config)
    return "no ceiling on negotiations at once" if ceiling is None else f"at most {ceiling} negotiations at once"
