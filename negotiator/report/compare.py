"""Then versus now for people: terminal text, and compare.md and compare.html written as a set.

One view model (every sentence decided here) feeds the text and both templates
(templates/compare.md.j2, compare.html.j2); user text is escaped by the
template environment, as for rounds (files.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from ..atomic import write_set
from ..results import (
    STATUS_LABEL, TRUTH_MARK, VERDICT_TITLE, Comparison, CounterpartRow, PlaceComparison, PowerSide, RuleBehind, SideSummary,
    Status, Verdict, dump,
)
from ..text import html_safe
from .files import _env
from .phrases import existence_word, models_text, words
from .view import STATUS_COLOUR

VERDICT_COLOUR = {
    Verdict.kept: "#1a7f37", Verdict.gained: "#0969da", Verdict.lost: "#cf222e", Verdict.neither: "#57606a",
    Verdict.undetermined: "#8c959f", Verdict.no_counterpart: "#6e7781", Verdict.new: "#8250df",
    Verdict.held_by_authority: "#1f6feb",
}
ORDER = [Verdict.gained, Verdict.kept, Verdict.held_by_authority, Verdict.lost, Verdict.neither, Verdict.undetermined,
         Verdict.no_counterpart, Verdict.new]


# --- the view model ---------------------------------------------------------------------------------

@dataclass
class Why:
    """Why a power has its status on one side: a sentence and the rules behind it."""

    status: str
    sentence: str
    rules: list[RuleBehind] = field(default_factory=list)


def status_sentence(p: PowerSide) -> str:
    if p.status == Status.available:
        return f"available: every rule it needs holds, and it needs {words(p.required_tier)}, which the place has"
    if p.status == Status.needs_stronger_accountability:
        return (f"with stronger accountability: it needs {words(p.required_tier)}, the place has "
                f"{words(p.current_tier) if p.current_tier else 'an unknown tier'} ({models_text(p.models)} would do)")
    if p.status == Status.not_available:
        parts = [f"the place cannot negotiate ({p.not_negotiable})"] if p.not_negotiable else []
        if p.failed:
            parts.append(", ".join(p.failed) + (" does not hold" if len(p.failed) == 1 else " do not hold"))
        return "not available: " + ("; ".join(parts) or "a rule it needs does not hold")
    if p.status == Status.undetermined:
        return "undetermined until these facts are known: " + (", ".join(p.missing) or "unknown")
    return f"not in force ({p.in_force})"


def why(p: PowerSide) -> Why:
    return Why(STATUS_LABEL[p.status], status_sentence(p), p.rules)


def side_text(s: SideSummary) -> str:
    word = {True: "eligible", False: "not eligible", None: "eligibility undetermined"}[s.eligible]
    held = [f"{TRUTH_MARK[r.result.value]} {r.rule}" for r in s.decisive]
    model = words(s.model) if s.model else "unknown"
    since = f" since {s.model_since.isoformat()}" if s.model_since else ""
    tier = s.current_tier_title or "unknown tier"
    warn = f"{existence_word(s.place_exists_note)}: {s.place_exists_note}. " if s.place_exists_note else ""
    return (warn + f"{s.pack.id} v{s.pack.version} as of {s.as_of.isoformat()} ({s.as_of_note}): {word}"
            + (f" ({'; '.join(held)})" if held else "") + f"; model {model}{since}: {tier}")


@dataclass
class PlaceView:
    c: PlaceComparison
    then: str
    now: str
    counts: list[tuple[str, int, str]]  # (verdict title, count, colour)


def place_view(c: PlaceComparison) -> PlaceView:
    counts = [(VERDICT_TITLE[v], c.counts.get(v.value, 0), VERDICT_COLOUR[v]) for v in ORDER if c.counts.get(v.value)]
    return PlaceView(c, side_text(c.then), side_text(c.now), counts)


def row_line(row: CounterpartRow) -> str:
    now = "; ".join(f"{p.power}: {STATUS_LABEL[p.status]}" for p in row.now) or "nothing"
    held = f" ({row.held_by_name})" if row.held_by_name else ""
    return f"{row.then.power}: {STATUS_LABEL[row.then.status]} -> {now}: {VERDICT_TITLE[row.verdict]}{held}"


# --- terminal text ----------------------------------------------------------------------------------

class _Cites:
    """Sources cited once, by number, and listed at the end; rules shown in full once a place, then named."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def __call__(self, source: str) -> str:
        n = self.numbers.setdefault(source, len(self.numbers) + 1)
        return f"[{n}]"

    def lines(self) -> list[str]:
        return ["Sources"] + [f"  [{n}] {text}" for text, n in self.numbers.items()] if self.numbers else []


def _rule_lines(r: RuleBehind, indent: str, cite: _Cites, seen: set[str]) -> list[str]:
    if r.rule in seen:
        return [f"{indent}{TRUTH_MARK[r.result.value]} {r.rule} (as above)"]
    seen.add(r.rule)
    out = [f"{indent}{TRUTH_MARK[r.result.value]} {r.rule}: {r.statement} {cite(r.source)}"]
    if r.facts:
        out.append(f"{indent}    facts: " + "; ".join(r.facts))
    if r.failed:
        out.append(f"{indent}    fails on: " + "; ".join(r.failed))
    if r.missing:
        out.append(f"{indent}    missing: " + ", ".join(r.missing))
    return out


def _side_lines(label: str, p: PowerSide, cite: _Cites, seen: set[str]) -> list[str]:
    out = [f"      {label} {p.title} ({p.power}): {status_sentence(p)}"]
    for r in p.rules:
        out += _rule_lines(r, "          ", cite, seen)
    return out


_WORD = {Status.available: "available", Status.needs_stronger_accountability: "available with stronger "
         "accountability", Status.not_available: "not available", Status.undetermined: "undetermined",
         Status.not_in_force: "not in force"}


def _row_summary(row: CounterpartRow) -> str:
    now = "; ".join(f"{p.title}: {_WORD[p.status]}" for p in row.now) or "nothing answers to it"
    if row.held_by_name:
        held = "; ".join(f"{p.title}: {_WORD[p.status]}" for p in row.held_by_now)
        now += f" to the place itself; {row.held_by_name} ({row.held_by}) holds it ({held})"
    title = VERDICT_TITLE[row.verdict] + (f" ({row.held_by_name})" if row.held_by_name else "")
    return f"{title}: {row.then.title} ({row.then.power}) was {_WORD[row.then.status]}; now {now}"


def render_text(c: Comparison, width: int = 100) -> str:
    """Answers first: the verdicts of every place (and, for several places, a line each), then the detail
    power by power with the rules behind both sides; a source is cited once by number and listed at the
    end, and a rule shown in full once per place."""
    from .fit import fit
    cite = _Cites()
    lines = [f"Then versus now: {c.then_pack.title} ({c.then_pack.id}) against {c.now_pack.title} "
             f"({c.now_pack.id})"]
    if len(c.places) > 1:
        lines += ["", "In sum, place by place"]
        for pc in c.places:
            lines.append(f"  {pc.place.name}: " + "; ".join(f"{title} {n}" for title, n, _ in place_view(pc).counts))
    for pc in c.places:
        v = place_view(pc)
        seen: set[str] = set()
        lines += ["", f"{pc.place.name} ({pc.place.id})",
                  "  In sum: " + "; ".join(f"{title}: {n}" for title, n, _ in v.counts),
                  "  Then: " + v.then, "  Now: " + v.now, ""]
        for row in pc.rows:
            lines.append("  - " + _row_summary(row))
        for p in pc.new_powers:
            lines.append(f"  - {VERDICT_TITLE[Verdict.new]}: {p.title} ({p.power}) is {_WORD[p.status]}")
        lines += ["", "  Why, power by power"]
        for row in pc.rows:
            lines += ["", "    " + _row_summary(row), f"      note: {row.note}"]
            lines += _side_lines("then", row.then, cite, seen)
            for p in row.now:
                lines += _side_lines("now", p, cite, seen)
        if pc.new_powers:
            lines += ["", "    New now, with no counterpart then:"]
            for p in pc.new_powers:
                lines += _side_lines("now", p, cite, seen)
        for label, side in (("then", pc.then), ("now", pc.now)):
            if side.on_record:
                lines += ["", f"  On record {label} (rules that hold which no decision reads):"]
                for r in side.on_record:
                    lines += _rule_lines(r, "      ", cite, seen)
    lines += ["", f"Counterparts from {c.counterparts}"]
    if cite.numbers:
        lines += [""] + cite.lines()
    return fit("\n".join(lines) + "\n", width)


# --- files --------------------------------------------------------------------------------------------

def _chip(text: str, cls: str) -> Markup:
    return Markup(f'<b class="chip {cls}">{Markup.escape(text)}</b>')


def chip_styles() -> Markup:
    """The chips' colours, once in the style sheet (a chip names its class, not its colour)."""
    return Markup("".join([f".s-{s.value}{{background:{colour}}}" for s, colour in STATUS_COLOUR.items()]
                          + [f".v-{v.value}{{background:{colour}}}" for v, colour in VERDICT_COLOUR.items()]))


def _context(c: Comparison) -> dict:
    return {"c": c, "views": [place_view(pc) for pc in c.places], "why": why, "label": STATUS_LABEL,
            "verdict": VERDICT_TITLE, "row_line": row_line, "order": ORDER, "words": words,
            "status_chip": lambda s: _chip(STATUS_LABEL[Status(s)], f"s-{Status(s).value}"),
            "verdict_chip": lambda v: _chip(VERDICT_TITLE[Verdict(v)], f"v-{Verdict(v).value}"),
            "mark": TRUTH_MARK, "cite": _Cites(), "chip_styles": chip_styles(), "open_places": len(c.places) == 1}


def to_markdown(c: Comparison) -> str:
    text = _env("md").get_template("compare.md.j2").render(**_context(c))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"


def to_html(c: Comparison) -> str:
    return html_safe(_env("html").get_template("compare.html.j2").render(**_context(c)))


def write_compare(c: Comparison, out: Path, inputs=()) -> list[Path]:
    """compare.json, compare.md and compare.html in `out`, replacing an earlier set as a whole."""
    return write_set(out, {"compare.json": dump(c, 2), "compare.md": to_markdown(c), "compare.html": to_html(c)},
                     kind="compare", inputs=inputs)
