"""Plain-text rendering of `negotiator check`'s consistency report for people.

Split from report/text.py along its seam; `fit` wraps it to the width as the other renderings.
"""

from __future__ import annotations

from ..results import CheckReport
from ..values import fmt
from ..workspace import from_here, where_from_here
from .fit import fit
from .text import wrap


def render_check(report: CheckReport, width: int = 100) -> str:
    """The consistency report: each check, and for a failure its counterexample and the rules involved."""
    import yaml

    pack = report.pack
    space = report.space
    lines = [f"Rule pack {pack.id} v{pack.version} (hash {pack.hash[:12]}) from {from_here(pack.path)}"]
    dates = ", ".join(space.dates)
    if report.mode == "exhaustive":
        lines += wrap(f"Mode: exhaustive over {space.size:,} abstract profiles (every fact split into the classes "
                      f"of values the pack can tell apart, unknown included; {len(space.requests)} kinds of "
                      f"request; as of {dates})", "", width)
    else:
        lines += wrap(f"Mode: sampling with hypothesis (the abstraction has {space.size:,} profiles; "
                      f"--exhaustive checks them all; as of {dates})", "", width)
        if space.fallback:
            lines.append(f"  {space.fallback}")
    lines.append("")
    marks = {"passed": "✓", "failed": "✗", "holds by construction": "=", "examined nothing": "-"}
    for kind, title in (("static", "Static checks"), ("property", "Properties")):
        chosen = [c for c in report.checks if c.kind == kind]
        if not chosen:
            continue
        lines.append(title)
        for c in chosen:
            extra = "" if c.status in ("passed", "failed") else f"; {c.status}"
            lines += wrap(f"{marks[c.status]} {c.id}: {c.statement} [{c.how}; {c.checked:,} "
                          f"checked{extra}]", "  ", width)
            for note in c.notes:
                lines += wrap(f"note: {note}", "      ", width)
            for f in c.failures:
                lines += _failure_lines(f, yaml, width)
        lines.append("")
    s = report.summary
    lines.append(f"Result: {s['passed']} passed, {s['failed']} failed; {s['holds by construction']} hold by "
                 f"construction (verified, not counted as passes); {s['examined nothing']} examined nothing"
                 + ("" if report.passed else "; failed: " + ", ".join(c.id for c in report.checks
                                                                    if c.status == "failed")))
    return fit("\n".join(lines) + "\n", width)


def _failure_lines(f: dict, yaml, width: int) -> list[str]:
    out = []
    pad = "      "
    if "problem" in f:
        out += wrap(f"problem: {f['problem']}" + (f" ({where_from_here(f['where'])})" if f.get("where") else ""),
                    pad, width)
    if "power" in f and "before" in f:
        (fact, (old, new)), = f["change"].items()
        out += wrap(f"{f['power']}: {f['before']} -> {f['after']} when {fact} changes from {fmt(old)} to "
                    f"{fmt(new)} (as of {f['as_of']})", pad, width)
    if "powers" in f:
        out += wrap(f"powers: {', '.join(f['powers'])}", pad, width)
    if f.get("rules_involved"):
        out += wrap(f"rules involved: {', '.join(f['rules_involved'])}", pad, width)
    if f.get("rules_that_changed"):
        out += wrap("rules that changed: " + ", ".join(f"{r} {a} -> {b}" for r, (a, b) in
                                                      f["rules_that_changed"].items()), pad, width)
    if f.get("profile"):
        out.append(pad + "counterexample profile (validates; save it and run negotiator evaluate on it):")
        text = yaml.safe_dump(f["profile"], sort_keys=False, width=100, default_flow_style=None)
        out += [pad + "  " + line for line in text.rstrip().splitlines()]
    return out
