"""Round reports: round.json, round.md, round.csv and a self-contained round.html.

Only this module knows about HTML. Every file is a pure function of the round
data, so the same inputs give byte-identical files. User text is escaped.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from html import escape
from pathlib import Path

from .render import fmt_value, gbp

STATUS_LABEL = {
    "available": "available now",
    "needs_stronger_accountability": "with stronger accountability",
    "not_available": "not available",
    "undetermined": "undetermined",
}
STATUS_COLOUR = {
    "available": "#1a7f37",
    "needs_stronger_accountability": "#d4a72c",
    "not_available": "#cf222e",
    "undetermined": "#8c959f",
}
TRANCHE_COLOUR = ["#0969da", "#8250df", "#bf3989", "#1b7c83", "#9a6700"]


def write_reports(data: dict, out: Path) -> list[Path]:
    """Write the four reports into `out`, all or nothing."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "round.json": to_json(data),
        "round.md": to_markdown(data),
        "round.csv": to_csv(data),
        "round.html": to_html(data),
    }
    staging = Path(tempfile.mkdtemp(prefix=".negotiator-", dir=out))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="")
        written = []
        for name in files:
            os.replace(staging / name, out / name)
            written.append(out / name)
        return written
    finally:
        for leftover in staging.glob("*"):
            leftover.unlink()
        staging.rmdir()


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def pct(share: float) -> str:
    return f"{share * 100:.1f}%"


# --- sentences shared by the Markdown and HTML deal sheets ---------------------------------------

def where_text(d: dict) -> str:
    if d["already_devolved"]:
        return "already devolved"
    return f"tranche {d['tranche']}, rank {d['rank']}" if d["tranche"] else "not in this round"


def package_text(pkg: dict) -> str:
    met = {True: "met", False: "not met", None: "undetermined"}[pkg["meets_requirement"]]
    return (f"{', '.join(pkg['requested'])}. It needs {pkg['required_tier'].replace('_', ' ')}; the place has "
            f"{(pkg['current_tier'] or 'unknown').replace('_', ' ')}: {met}.")


def budget_text(b: dict) -> str:
    scope = ", ".join(c["title"] for c in b["components"] if c["scope"] == "in_scope") or "none yet"
    text = f"in scope: {scope}."
    if b["baseline"] is None:
        return text + " Baseline unknown: the profile records no mapped public spend."
    year = f" ({b['baseline_year']})" if b["baseline_year"] else ""
    return (text + f" Baseline {gbp(b['baseline'])} a year{year}; {fmt_value(b['reduction_percent'])}% less gives "
            f"{gbp(b['annual_envelope'])} a year and {gbp(b['envelope_over_horizon'])} over {b['horizon_years']} "
            f"years; the place keeps {fmt_value(b['retention_share'])}% of the saving: "
            f"{gbp(b['retained_savings_over_horizon'])}.")


def stronger_text(item: dict) -> str:
    """'needs Joint governance (...) or stronger' for a power that needs more accountability."""
    stronger = " or stronger" if item["or_stronger"] else ""
    office = "; an Office of the Mayor is needed to support the figure" if item["office_of_the_mayor"] else ""
    return f"needs {item['required_tier_title'][0].lower()}{item['required_tier_title'][1:]}{stronger}{office}"


def grouped_undetermined(items: list[dict]) -> list[tuple[str, list[dict]]]:
    """Undetermined powers grouped by the facts they wait for, so each missing fact is named once."""
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(", ".join(item["missing"]) or "unknown", []).append(item)
    return sorted(groups.items())


# --- Markdown -------------------------------------------------------------------------------

def to_markdown(data: dict) -> str:
    r, pack, cov = data["round"], data["rule_pack"], data["coverage"]
    names = {d["place"]: d["name"] for d in data["deals"]}
    lines = [f"# {r['name']} ({r['date']})", ""]
    if r["description"]:
        lines += [r["description"], ""]
    lines += [
        f"Rule pack **{pack['id']}** v{pack['version']} (hash `{pack['hash'][:12]}`); the centre runs at most "
        f"**{r['capacity']}** negotiations at once; budgets {fmt_value(r['reduction_percent'])}% below today's spend "
        f"over {r['horizon_years']} years, the place keeping {fmt_value(r['retention_share'])}% of the saving.", "",
        "## Tranches", "",
    ]
    ranking = {x["place"]: x for x in data["ranking"]}
    for t in data["tranches"]:
        lines += [f"### Tranche {t['number']}", "", "| rank | place | readiness | population |", "|---:|---|---:|---:|"]
        for pid in t["places"]:
            x = ranking[pid]
            lines.append(f"| {x['rank']} | {names[pid]} | {fmt_value(x['score'])} (up to "
                         f"{fmt_value(x['score_if_unknowns_hold'])}) | {fmt_value(x['population'])} |")
        lines.append("")
    lines += [r["tie_break"], "", "## Coverage", "",
              f"First tranche plus places already devolved ({', '.join(names[p] for p in data['already_devolved']) or 'none'}): "
              f"**{fmt_value(cov['population'])}** people, **{pct(cov['share'])}** of {cov['base_name']} "
              f"({fmt_value(cov['base'])}, {cov['base_year']}; {cov['base_source']}). Method: {cov['method']}.", ""]
    for sc in data["scenarios"]:
        lines += [f"- {sc['name']}: {', '.join(names[p] for p in sc['places'])}: {fmt_value(sc['population'])} "
                  f"people, **{pct(sc['share'])}**. {sc['note']}"]
    if data["scenarios"]:
        lines.append("")
    lines += ["## Conflicts", "", r["conflict_rule"], ""]
    for c in data["conflicts"]:
        lines.append(f"- {names[c['places'][0]]} and {names[c['places'][1]]} share {', '.join(c['council_names'])}: "
                     f"{c['resolution']}.")
    if not data["conflicts"]:
        lines.append("- none")
    lines += ["", "## Not eligible to negotiate", ""]
    deals = {d["place"]: d for d in data["deals"]}
    for pid in data["not_eligible"]:
        lines.append(f"- {names[pid]}: {miss_text(deals[pid]['sheet']['nearest_miss'])}")
    if not data["not_eligible"]:
        lines.append("- none")
    lines += ["", "## Eligibility undetermined", ""]
    for pid in data["eligibility_undetermined"]:
        missing = deals[pid]["evaluation"]["negotiation"]["reasons"][0].get("missing", [])
        lines.append(f"- {names[pid]}: missing {', '.join(missing)}")
    if not data["eligibility_undetermined"]:
        lines.append("- none")
    lines += ["", "## Deal sheets", ""]
    for d in data["deals"]:
        lines += _deal_markdown(d)
    return "\n".join(lines) + "\n"


def _deal_markdown(d: dict) -> list[str]:
    s = d["sheet"]
    out = [f"### {d['name']} ({where_text(d)})", ""]
    def star(item: dict) -> str:
        return " (asked for)" if item["requested"] else ""
    out.append("**On offer now:** " + (", ".join(f"{i['title']}{star(i)}" for i in s["on_offer_now"]) or "nothing"))
    out.append("")
    if s["with_stronger_accountability"]:
        out.append("**With stronger accountability:**")
        for i in s["with_stronger_accountability"]:
            out.append(f"- {i['title']}{star(i)}: {stronger_text(i)}")
        out.append("")
    if s["package"]["requested"]:
        out += [f"**Package asked for:** {package_text(s['package'])}", ""]
    if s["budget"]:
        out += [f"**Single place budget:** {STATUS_LABEL[s['budget']['status']]}; {budget_text(s['budget'])}", ""]
    if s["blocked"]:
        out.append("**Blocked:**")
        for i in s["blocked"]:
            out.append(f"- {i['title']}: " + "; ".join(f"{f['rule']}: {f['statement']}" for f in i["failed"]))
        out.append("")
    if s["undetermined"]:
        out.append("**Undetermined until these facts are known:**")
        for missing, items in grouped_undetermined(s["undetermined"]):
            out.append(f"- {missing}: {', '.join(i['title'] + star(i) for i in items)}")
        out.append("")
    out.append("**Obligations:** " + "; ".join(o["title"] for o in s["obligations"]))
    out.append("")
    return out


# --- CSV --------------------------------------------------------------------------------------

CSV_COLUMNS = ["place", "place_name", "eligible", "tranche", "rank", "readiness", "power", "power_title", "menu",
               "status", "requested", "required_tier", "current_tier", "missing_facts", "failed_rules"]


def to_csv(data: dict) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in data["deals"]:
        ev = d["evaluation"]
        current = ev["accountability"]["current_tier"]
        for p in ev["powers"]:
            failed = [s["rule"] for s in p["reasons"] if s.get("role") == "prerequisite" and s["result"] == "false"]
            writer.writerow([
                d["place"], d["name"], fmt_value(ev["negotiation"]["eligible"]), d["tranche"] or "", d["rank"] or "",
                fmt_value(d["readiness"]["score"]), p["id"], p["title"], p["menu"], p["status"],
                "yes" if p["requested"] else "no", p["required_tier"]["id"], current["id"] if current else "unknown",
                " ".join(p.get("missing", [])), " ".join(failed),
            ])
    return buf.getvalue()


# --- HTML -------------------------------------------------------------------------------------

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px} h2{margin-top:36px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{margin:24px 0 6px} .muted{color:#59636e} .big{font-size:32px;font-weight:700}
table{border-collapse:collapse;margin:8px 0} th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa} td.num{text-align:right}
.chip{display:inline-block;padding:1px 7px;border-radius:10px;color:#fff;font-size:12px;white-space:nowrap}
.sheet{border:1px solid #d0d7de;border-radius:6px;padding:8px 16px;margin:16px 0}
.legend span{margin-right:14px} .legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
svg text{font-family:system-ui,sans-serif} nav a{margin-right:12px}
ul{margin:4px 0}
"""


def to_html(data: dict) -> str:
    r, pack, cov = data["round"], data["rule_pack"], data["coverage"]
    names = {d["place"]: d["name"] for d in data["deals"]}
    h = escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(r['name'])}: negotiation round report</title>", f"<style>{CSS}</style>", "</head>", "<body>", "<main>",
        f"<h1>{h(r['name'])}</h1>",
        f"<p class=\"muted\">Round date {h(r['date'])} · rule pack {h(pack['id'])} v{h(pack['version'])} "
        f"(hash <code>{h(pack['hash'][:12])}</code>) · at most {r['capacity']} negotiations at once</p>",
    ]
    if r["description"]:
        parts.append(f"<p>{h(r['description'])}</p>")
    parts.append(
        "<details open><summary><strong>How to read this report</strong></summary>"
        "<p>Each place was evaluated against the rule pack. A power is <em>available now</em> when the place "
        "meets every rule it needs and its accountability is strong enough; <em>with stronger accountability</em> "
        "when only a stronger model (a joint body, or a directly elected, highly visible figure) stands in the way; "
        "<em>not available</em> when a rule it needs fails; <em>undetermined</em> when a fact the rules need is "
        "not known yet (it is never taken as a no). The most ready places form the first tranche, up to the number "
        "of negotiations the centre can run at once; the rest follow in later tranches. Every conclusion can be "
        "traced to its rules and sources with <code>negotiator explain PLACE POWER</code>.</p></details>")
    parts.append('<nav><a href="#tranches">Tranches</a><a href="#coverage">Coverage</a><a href="#ranking">Readiness</a>'
                 '<a href="#matrix">Powers by place</a><a href="#conflicts">Conflicts</a><a href="#others">Not in the round</a>'
                 '<a href="#deals">Deal sheets</a></nav>')

    parts.append('<h2 id="tranches">Tranches</h2>')
    ranking = {x["place"]: x for x in data["ranking"]}
    for t in data["tranches"]:
        parts.append(f"<h3>Tranche {t['number']} ({len(t['places'])} place{'s' if len(t['places']) != 1 else ''})</h3>")
        parts.append("<table><thead><tr><th>Rank</th><th>Place</th><th>Readiness</th><th>Population</th>"
                     "<th>Package</th></tr></thead><tbody>")
        deals = {d["place"]: d for d in data["deals"]}
        for pid in t["places"]:
            x = ranking[pid]
            pkg = deals[pid]["sheet"]["package"]
            met = {True: "met", False: "not met", None: "undetermined"}[pkg["meets_requirement"]] if pkg["requested"] else "none asked"
            parts.append(f"<tr><td class=\"num\">{x['rank']}</td><td><a href=\"#deal-{h(pid)}\">{h(names[pid])}</a></td>"
                         f"<td class=\"num\">{h(fmt_value(x['score']))}</td><td class=\"num\">{h(fmt_value(x['population']))}</td>"
                         f"<td>{h(met)}</td></tr>")
        parts.append("</tbody></table>")
    parts.append(f"<p class=\"muted\">{h(r['tie_break'])}</p>")

    parts.append('<h2 id="coverage">Coverage</h2>')
    parts.append(f"<p><span class=\"big\">{pct(cov['share'])}</span> of {h(cov['base_name'])} "
                 f"({h(fmt_value(cov['population']))} of {h(fmt_value(cov['base']))} people, {cov['base_year']}) "
                 f"would be covered by the first tranche together with places already devolved "
                 f"({h(', '.join(names[p] for p in data['already_devolved']) or 'none')}).</p>")
    parts.append(coverage_svg(data, names))
    parts.append(f"<p class=\"muted\">Method: {h(cov['method'])}. Base: {h(cov['base_source'])}.</p>")
    for sc in data["scenarios"]:
        parts.append(f"<p><strong>{h(sc['name'])}</strong>: {h(', '.join(names[p] for p in sc['places']))}, with "
                     f"{h(', '.join(names[p] for p in sc['with_already_devolved']) or 'no place')} already devolved: "
                     f"<strong>{pct(sc['share'])}</strong> ({h(fmt_value(sc['population']))} people). "
                     f"<span class=\"muted\">{h(sc['note'])}</span></p>")

    parts.append('<h2 id="ranking">Readiness ranking</h2>')
    parts.append("<p class=\"muted\">Readiness is the sum of the weights, declared in the rule pack, of the evidence "
                 "that holds for a place; the pale bar shows what it would score if every unknown fact turned out in "
                 "its favour.</p>")
    parts.append(ranking_svg(data, names))

    parts.append('<h2 id="matrix">Powers by place</h2>')
    parts.append(matrix_svg(data, names))
    parts.append(matrix_table(data, names))

    parts.append('<h2 id="conflicts">Conflicts</h2>')
    parts.append(f"<p>{h(r['conflict_rule'])}</p>")
    if data["conflicts"]:
        parts.append("<table><thead><tr><th>Places</th><th>Shared councils</th><th>Kind</th><th>Resolution</th></tr></thead><tbody>")
        for c in data["conflicts"]:
            parts.append(f"<tr><td>{h(names[c['places'][0]])} and {h(names[c['places'][1]])}</td>"
                         f"<td>{h(', '.join(c['council_names']))}</td><td>{h(c['kind'].replace('_', ' '))}</td>"
                         f"<td>{h(c['resolution'])}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>None.</p>")

    parts.append('<h2 id="others">Not in the round</h2>')
    deals = {d["place"]: d for d in data["deals"]}
    parts.append("<h3>Not eligible to negotiate</h3><ul>")
    for pid in data["not_eligible"]:
        parts.append(f"<li><a href=\"#deal-{h(pid)}\">{h(names[pid])}</a>: {h(miss_text(deals[pid]['sheet']['nearest_miss']))}</li>")
    parts.append("</ul>" if data["not_eligible"] else "<li>none</li></ul>")
    parts.append("<h3>Eligibility undetermined</h3><ul>")
    for pid in data["eligibility_undetermined"]:
        missing = deals[pid]["evaluation"]["negotiation"]["reasons"][0].get("missing", [])
        parts.append(f"<li><a href=\"#deal-{h(pid)}\">{h(names[pid])}</a>: facts needed: {h(', '.join(missing))}</li>")
    parts.append("</ul>" if data["eligibility_undetermined"] else "<li>none</li></ul>")

    parts.append('<h2 id="deals">Deal sheets</h2>')
    for d in data["deals"]:
        parts.append(deal_html(d))
    parts.append(f"<p class=\"muted\">Made by negotiator with rule pack {h(pack['id'])} v{h(pack['version'])}. "
                 "Every conclusion can be traced with <code>negotiator explain PLACE POWER</code>.</p>")
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def miss_text(miss: dict | None) -> str:
    """Why a place cannot negotiate, in a sentence: the rule it came closest to, and what failed."""
    if miss is None:
        return "it is not at the negotiation level"
    if not miss["failed"]:
        return f"{miss['statement']} ({miss['rule']})"
    return f"closest to {miss['rule']} ({miss['statement']}), which fails on: {'; '.join(miss['failed'])}"


def chip(status: str) -> str:
    return f'<span class="chip" style="background:{STATUS_COLOUR[status]}">{escape(STATUS_LABEL[status])}</span>'


def deal_html(d: dict) -> str:
    h = escape
    s = d["sheet"]
    out = [f'<section class="sheet" id="deal-{h(d["place"])}">',
           f"<h3>{h(d['name'])} <span class=\"muted\">({h(where_text(d))})</span></h3>"]
    def star(item: dict) -> str:
        return " <strong>(asked for)</strong>" if item["requested"] else ""
    out.append(f"<p>{chip('available')} " + (", ".join(f"{h(i['title'])}{star(i)}" for i in s["on_offer_now"]) or "nothing") + "</p>")
    if s["with_stronger_accountability"]:
        out.append(f"<p>{chip('needs_stronger_accountability')}</p><ul>")
        for i in s["with_stronger_accountability"]:
            out.append(f"<li>{h(i['title'])}{star(i)}: {h(stronger_text(i))}</li>")
        out.append("</ul>")
    if s["package"]["requested"]:
        out.append(f"<p><strong>Package asked for</strong>: {h(package_text(s['package']))}</p>")
    if s["budget"]:
        out.append(f"<p><strong>Single place budget</strong>: {chip(s['budget']['status'])} {h(budget_text(s['budget']))}</p>")
    if s["blocked"]:
        out.append(f"<p>{chip('not_available')}</p><ul>")
        for i in s["blocked"]:
            reasons = "; ".join(f"{f['statement']} ({f['rule']})" for f in i["failed"])
            out.append(f"<li>{h(i['title'])}{star(i)}: {h(reasons)}</li>")
        out.append("</ul>")
    if s["undetermined"]:
        out.append(f"<p>{chip('undetermined')} until these facts are known:</p><ul>")
        for missing, items in grouped_undetermined(s["undetermined"]):
            out.append(f"<li><strong>{h(missing)}</strong>: " + ", ".join(h(i["title"]) + star(i) for i in items) + "</li>")
        out.append("</ul>")
    out.append("<p><strong>Obligations in return</strong>:</p><ul>")
    for o in s["obligations"]:
        out.append(f"<li><strong>{h(o['title'])}</strong>: {h(o['statement'])}</li>")
    out.append("</ul></section>")
    return "\n".join(out)


def coverage_svg(data: dict, names: dict) -> str:
    cov = data["coverage"]
    rows = [("First tranche + already devolved", cov["share"])]
    rows += [(sc["name"], sc["share"]) for sc in data["scenarios"]]
    left, bar = 260, 440
    width = left + bar + 80
    height = 30 * len(rows) + 40
    out = [f'<svg role="img" aria-label="Coverage of the population" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, share) in enumerate(rows):
        y = 10 + i * 30
        out.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(label)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{bar}" height="20" fill="#eaeef2"/>')
        out.append(f'<rect x="{left}" y="{y}" width="{bar * min(share, 1):.1f}" height="20" fill="#0969da"/>')
        out.append(f'<text x="{left + bar + 8}" y="{y + 15}" font-size="13">{pct(share)}</text>')
    quarter = left + bar * 0.25
    out.append(f'<line x1="{quarter:.1f}" y1="4" x2="{quarter:.1f}" y2="{height - 24}" stroke="#cf222e" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{quarter:.1f}" y="{height - 8}" font-size="12" text-anchor="middle" fill="#cf222e">a quarter</text>')
    out.append("</svg>")
    return "\n".join(out)


def ranking_svg(data: dict, names: dict) -> str:
    ranking = data["ranking"]
    if not ranking:
        return "<p>No eligible places.</p>"
    top = max(max(x["score_if_unknowns_hold"] for x in ranking), 1)
    left, bar = 280, 380
    width = left + bar + 150
    height = 24 * len(ranking) + 30
    out = [f'<svg role="img" aria-label="Readiness ranking" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, x in enumerate(ranking):
        y = 6 + i * 24
        colour = TRANCHE_COLOUR[(x["tranche"] - 1) % len(TRANCHE_COLOUR)]
        best = bar * max(x["score_if_unknowns_hold"], 0) / top
        got = bar * max(x["score"], 0) / top
        out.append(f'<text x="0" y="{y + 14}" font-size="13">{x["rank"]}. {escape(names[x["place"]])}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{best:.1f}" height="18" fill="{colour}" opacity="0.25"/>')
        out.append(f'<rect x="{left}" y="{y}" width="{got:.1f}" height="18" fill="{colour}"/>')
        out.append(f'<text x="{left + max(best, got) + 6:.1f}" y="{y + 14}" font-size="12">{escape(fmt_value(x["score"]))} '
                   f'(tranche {x["tranche"]})</text>')
    out.append("</svg>")
    return "\n".join(out)


def matrix_svg(data: dict, names: dict) -> str:
    deals = data["deals"]
    powers = deals[0]["evaluation"]["powers"] if deals else []
    cell, left, topm = 22, 250, 210
    width = left + cell * len(powers) + 160  # room for the slanted column labels
    height = topm + cell * len(deals) + 10
    out = [f'<svg role="img" aria-label="Powers by place, coloured by status" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for j, p in enumerate(powers):
        x = left + j * cell + cell / 2
        out.append(f'<text transform="translate({x + 4:.1f},{topm - 6}) rotate(-60)" font-size="12">{escape(p["id"])}</text>')
    for i, d in enumerate(deals):
        y = topm + i * cell
        out.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(d["name"])}</text>')
        for j, p in enumerate(d["evaluation"]["powers"]):
            x = left + j * cell
            out.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{STATUS_COLOUR[p["status"]]}">'
                       f'<title>{escape(d["name"])}: {escape(p["title"])}: {escape(STATUS_LABEL[p["status"]])}</title></rect>')
            if p["requested"]:
                out.append(f'<circle cx="{x + (cell - 2) / 2}" cy="{y + (cell - 2) / 2}" r="3" fill="#fff"/>')
    out.append("</svg>")
    legend = " ".join(f'<span><i style="background:{c}"></i>{escape(STATUS_LABEL[s])}</span>' for s, c in STATUS_COLOUR.items())
    return "\n".join(out) + f'\n<p class="legend">{legend} <span>○ = asked for</span></p>'


def matrix_table(data: dict, names: dict) -> str:
    deals = data["deals"]
    if not deals:
        return ""
    powers = deals[0]["evaluation"]["powers"]
    out = ['<details><summary>The same as a table</summary><table><thead><tr><th>Place</th>']
    out += [f"<th>{escape(p['id'])}</th>" for p in powers]
    out.append("</tr></thead><tbody>")
    for d in deals:
        out.append(f"<tr><td>{escape(d['name'])}</td>")
        for p in d["evaluation"]["powers"]:
            out.append(f"<td>{escape(STATUS_LABEL[p['status']])}{' *' if p['requested'] else ''}</td>")
        out.append("</tr>")
    out.append("</tbody></table></details>")
    return "".join(out)
