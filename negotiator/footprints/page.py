"""Footprint reports as files: CSV (a row per footprint) and a self-contained HTML page.

The page draws each footprint as a graph of its councils: a schematic from the adjacency (no boundary
geometry ships), councils on a circle in the order a walk from the most populous one meets them, an
edge for each shared boundary or declared link, the area of each circle in proportion to its people.
Everything is escaped; nothing is loaded from elsewhere.
"""

from __future__ import annotations

import csv
import io
import math
from html import escape

from ..vocab.geo import geography
from .results import FootprintCheck, FootprintList, FootprintPlan, Judgement

COLUMNS = ["rank", "name", "place", "qualifies", "failed", "population", "population_year", "councils", "members",
           "parts", "islands", "overlap", "police_whole_percent", "fire_whole_percent", "counties_whole"]


def _footprints(data) -> list[Judgement]:
    return list(data.footprints)


def csv_text(data: FootprintCheck | FootprintList | FootprintPlan) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for i, j in enumerate(_footprints(data), 1):
        f = j.facts
        w.writerow([i, j.name, j.place or "", {True: "yes", False: "no", None: "undetermined"}[j.qualifies],
                    " ".join(j.failed), j.population, j.population_year, len(j.members),
                    " ".join(m.code for m in j.members), len(j.parts), " ".join(c.code for c in j.islands),
                    " ".join(o.council.code for o in j.overlap), f.get("footprint.police_whole_percent"),
                    f.get("footprint.fire_whole_percent"), f.get("footprint.counties_whole")])
    if isinstance(data, FootprintPlan):
        for u in data.unplaced:
            w.writerow(["", u.council.name, "", "unplaced", u.rule or "", u.council.population, 2021, 1,
                        u.council.code, 1, "", "", "", "", ""])
    return out.getvalue()


def svg(j: Judgement, size: int = 320) -> str:
    """The footprint's councils as a graph: circles on a ring, edges where they border each other."""
    geo = geography()
    codes = [m.code for m in j.members]
    inside = set(codes)
    start = max(codes, key=lambda c: (geo.population[c], c))
    order: list[str] = []
    todo = [start]
    while todo or len(order) < len(codes):
        if not todo:
            todo = [min(inside - set(order))]
        c = todo.pop(0)
        if c in order:
            continue
        order.append(c)
        todo += [n for n in geo.neighbours(c) if n in inside and n not in order]
    centre, radius = size / 2, size / 2 - 40
    pos = {}
    for i, c in enumerate(order):
        angle = 2 * math.pi * i / len(order) - math.pi / 2
        pos[c] = (centre + (radius if len(order) > 1 else 0) * math.cos(angle),
                  centre + (radius if len(order) > 1 else 0) * math.sin(angle))
    biggest = max(geo.population[c] for c in codes) or 1
    size_of = {c: 6 + 14 * math.sqrt(geo.population[c] / biggest) for c in order}
    labels = place_labels([(pos[c], size_of[c], geo.names[c]) for c in order], (centre, centre))
    boxes = [(x - r, y - r, x + r, y + r) for (x, y), r in ((pos[c], size_of[c]) for c in order)]
    boxes += [lab.box for lab in labels]
    x0, y0 = min(b[0] for b in boxes) - 4, min(b[1] for b in boxes) - 4
    w, h = max(b[2] for b in boxes) + 4 - x0, max(b[3] for b in boxes) + 4 - y0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.0f} {y0:.0f} {w:.0f} {h:.0f}" '
             f'width="{w:.0f}" height="{h:.0f}" '
             f'role="img" aria-label="{escape(j.name)}: its councils and the boundaries they share">']
    for a in order:
        for b in geo.neighbours(a):
            if b in inside and a < b:
                (x1, y1), (x2, y2) = pos[a], pos[b]
                parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#888"/>')
    for c, lab in zip(order, labels):
        x, y = pos[c]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size_of[c]:.1f}" fill="#4a7fb5" fill-opacity="0.8">'
                     f'<title>{escape(geo.names[c])}: {geo.population[c]:,} people</title></circle>')
        parts.append(lab.svg())
    parts.append("</svg>")
    return "".join(parts)


FONT = 9  # px, the labels' size
CHAR = 0.6 * FONT  # a generous width of a character, so an estimated box holds the drawn text
LINE = FONT + 2


class Label:
    """A council's name beside its circle: its lines, anchor and the box it takes (x0, y0, x1, y1)."""

    def __init__(self, lines: list[str], x: float, top: float, anchor: str):
        width = max(len(t) for t in lines) * CHAR
        left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
        self.lines, self.x, self.top, self.anchor = lines, x, top, anchor
        self.box = (left, top, left + width, top + LINE * len(lines))

    def svg(self) -> str:
        spans = "".join(f'<tspan x="{self.x:.1f}" y="{self.top + FONT + LINE * k:.1f}">{escape(t)}</tspan>'
                        for k, t in enumerate(self.lines))
        return f'<text font-size="{FONT}" text-anchor="{self.anchor}">{spans}</text>'


def _lines(name: str, most: int = 18) -> list[str]:
    """A name on one line, or two split at the space nearest its middle when it is long."""
    if len(name) <= most or " " not in name:
        return [name]
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return [name[:cut], name[cut + 1:]]


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(nodes: list[tuple[tuple[float, float], float, str]], centre: tuple[float, float]) -> list[Label]:
    """Each circle's name outside it, away from the centre, moved further out until it overlaps no other label
    and no circle (every name whole: long ones on two lines)."""
    circles = [(x - r, y - r, x + r, y + r) for (x, y), r, _n in nodes]
    placed: list[Label] = []
    for (x, y), r, name in nodes:
        dx, dy = x - centre[0], y - centre[1]
        norm = math.hypot(dx, dy)
        ux, uy = (dx / norm, dy / norm) if norm else (0.0, -1.0)
        lines = _lines(name)
        height = LINE * len(lines)
        anchor = "start" if ux > 0.35 else "end" if ux < -0.35 else "middle"
        label = None
        for step in range(40):
            dist = r + 3 + 5 * step
            ax, ay = x + dist * ux, y + dist * uy
            top = ay if uy > 0.35 else ay - height if uy < -0.35 else ay - height / 2
            label = Label(lines, ax, top, anchor)
            if not any(_overlap(label.box, o.box) for o in placed) and not any(
                    _overlap(label.box, c) for c in circles):
                break
        assert label is not None
        placed.append(label)
    return placed


def html_page(data: FootprintCheck | FootprintList | FootprintPlan) -> str:
    from .render import judgement_lines
    within = getattr(data, "within", "")
    title = {"footprints-check": "Footprints judged", "footprints-within": f"Groupings within {within}",
             "footprints-plan": f"A plan for {within}"}[data.kind]
    head = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}section{border-top:1px solid #ccc;"
            "padding:1em 0;display:flex;gap:2em;flex-wrap:wrap}pre{white-space:pre-wrap;font-size:0.9em;flex:1;"
            "min-width:28em}</style></head><body>")
    body = [f"<h1>{escape(title)}</h1>",
            f"<p>Rule pack {escape(data.pack.id)} {escape(data.pack.version)}, as of {data.as_of}.</p>"]
    if isinstance(data, FootprintPlan):
        body.append(f"<p>Solver {escape(data.solver)}: {escape(data.status)}"
                    f"{' (proved optimal among these candidates)' if data.optimal else ' (not proved optimal)'}. {escape(data.objective)}. "
                    f"Covers {data.people_covered:,} of {data.people_free:,} people.</p>")
        if data.unplaced:
            body.append("<h2>Cannot be placed</h2><ul>" + "".join(
                f"<li>{escape(u.council.name)}: {escape(u.reason)}</li>" for u in data.unplaced) + "</ul>")
    for i, j in enumerate(data.footprints, 1):
        body.append(f"<section><div><h2>{i}. {escape(j.name)}</h2>{svg(j)}</div>"
                    f"<pre>{escape(chr(10).join(judgement_lines(j)))}</pre></section>")
    return head + "".join(body) + "</body></html>\n"
