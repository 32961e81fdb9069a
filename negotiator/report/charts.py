"""Inline SVG charts for round.html: coverage, readiness ranking, and powers by place.

Every text drawn is escaped here; the template marks the result safe.
"""

from __future__ import annotations

from html import escape

from ..results import STATUS_LABEL, Round
from .phrases import pct, readiness_range
from .view import STATUS_COLOUR, coverage_figures

TRANCHE_COLOUR = ["#0969da", "#8250df", "#bf3989", "#1b7c83", "#9a6700"]


def coverage_svg(r: Round) -> str:
    """The coverage figures of the text beside it (view.coverage_figures), with the pack's reference lines."""
    rows = [(label, cov.share) for label, cov in coverage_figures(r)]
    left, bar = 260, 440
    width = left + bar + 80
    height = 30 * len(rows) + 40
    out = [f'<svg role="img" aria-label="Coverage of the population" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, share) in enumerate(rows):
        y = 10 + i * 30
        out.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(label[:40])}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{bar}" height="20" fill="#eaeef2"/>')
        out.append(f'<rect x="{left}" y="{y}" width="{bar * min(share, 1):.1f}" height="20" fill="#0969da"/>')
        out.append(f'<text x="{left + bar + 8}" y="{y + 15}" font-size="13">{pct(share)}</text>')
    for line in r.round.coverage_lines:  # the pack's marks (round.yaml: coverage_lines), never this code's
        x = left + bar * line.share
        out.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 24}" stroke="#cf222e" '
                   f'stroke-dasharray="4 3"><title>{escape(line.label)}: {escape(line.source)}</title></line>')
        out.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="12" text-anchor="middle" fill="#cf222e">'
                   f'{escape(line.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def ranking_svg(r: Round, names: dict[str, str]) -> str:
    if not r.ranking:
        return "<p>No eligible places.</p>"
    top = max(max(x.score_if_unknowns_hold for x in r.ranking), 1)
    left, bar = 280, 380
    width = left + bar + 290  # room for the readiness label: known, at least, up to, tranche
    height = 24 * len(r.ranking) + 30
    out = [f'<svg role="img" aria-label="Readiness ranking" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, x in enumerate(r.ranking):
        y = 6 + i * 24
        colour = TRANCHE_COLOUR[(x.tranche - 1) % len(TRANCHE_COLOUR)]
        best = bar * max(x.score_if_unknowns_hold, 0) / top
        got = bar * max(x.score, 0) / top
        out.append(f'<text x="0" y="{y + 14}" font-size="13">{x.rank}. {escape(names[x.place][:36])}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{best:.1f}" height="18" fill="{colour}" opacity="0.25"/>')
        out.append(f'<rect x="{left}" y="{y}" width="{got:.1f}" height="18" fill="{colour}"/>')
        out.append(f'<text x="{left + max(best, got) + 6:.1f}" y="{y + 14}" font-size="12">{escape(readiness_range(x))} '
                   f'(tranche {x.tranche})</text>')
    out.append("</svg>")
    return "\n".join(out)


def matrix_svg(r: Round) -> str:
    places = r.places
    powers = list(r.catalogue.powers)
    cell, left, topm = 22, 250, 210
    width = left + cell * len(powers) + 160  # room for the slanted column labels
    height = topm + cell * len(places) + 10
    out = [f'<svg role="img" aria-label="Powers by place, coloured by status" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for j, pid in enumerate(powers):
        x = left + j * cell + cell / 2
        out.append(f'<text transform="translate({x + 4:.1f},{topm - 6}) rotate(-60)" font-size="12">{escape(pid)}</text>')
    for i, p in enumerate(places):
        y = topm + i * cell
        out.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(p.name[:34])}</text>')
        for j, power in enumerate(p.evaluation.powers):
            x = left + j * cell
            title = r.catalogue.powers[power.id].title
            out.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                       f'fill="{STATUS_COLOUR[power.status]}"><title>{escape(p.name)}: {escape(title)}: '
                       f'{escape(STATUS_LABEL[power.status])}</title></rect>')
            if power.requested:
                out.append(f'<circle cx="{x + (cell - 2) / 2}" cy="{y + (cell - 2) / 2}" r="3" fill="#fff"/>')
    out.append("</svg>")
    legend = " ".join(f'<span><i style="background:{c}"></i>{escape(STATUS_LABEL[s])}</span>'
                      for s, c in STATUS_COLOUR.items())
    return "\n".join(out) + f'\n<p class="legend">{legend} <span>○ = asked for</span></p>'
