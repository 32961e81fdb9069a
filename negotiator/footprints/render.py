"""Footprint results as text for people (the terminal), CSV rows, and a self-contained HTML page."""

from __future__ import annotations


from ..results import TRUTH_MARK, truth_word
from .results import FootprintCheck, FootprintList, FootprintPlan, Judgement



def _n(x: int) -> str:
    return f"{x:,}"


def judgement_lines(j: Judgement, brief: bool = False) -> list[str]:
    verdict = {True: "QUALIFIES", False: "DOES NOT QUALIFY", None: "UNDETERMINED"}[j.qualifies]
    lines = [f"{j.name}: {verdict}" + (f" (place {j.place})" if j.place else ""),
             f"  {len(j.members)} councils, {_n(j.population)} people ({j.population_year} Census): "
             + ", ".join(m.name for m in j.members)]
    if brief:  # the conditions' statements are said once, above the list (conditions_lines)
        return lines + ["  " + "; ".join(f"{TRUTH_MARK[truth_word(c.met)]}\u00a0{c.rule}" for c in j.conditions)]  # kept together
    for c in j.conditions:
        lines.append(f"  {TRUTH_MARK[truth_word(c.met)]} {c.rule}: {c.statement} [{c.source}]")
    if len(j.parts) > 1:
        lines.append("  Separate parts: " + "; ".join(", ".join(p) for p in j.parts))
    for o in j.overlap:
        lines.append(f"  Overlap: {o.council.name} is in {o.authority_name} (since {o.since})")
    if j.islands:
        lines.append("  Strands: " + ", ".join(f"{c.name} ({_n(c.population)})" for c in j.islands)
                     + " (no free neighbour left)")
    else:
        lines.append("  Strands no neighbour.")
    for c in j.alignment:
        lines.append(f"  {TRUTH_MARK[truth_word(c.met)]} {c.rule}: {c.statement} [{c.source}]")
    police = [a for a in j.areas if a.kind == "police"]
    fire = [a for a in j.areas if a.kind == "fire"]
    for label, areas, fact in (("Police force areas", police, "footprint.police_whole_percent"),
                               ("Fire and rescue authority areas", fire, "footprint.fire_whole_percent")):
        lines.append(f"  {label} ({j.facts.get(fact)}% of its people in areas it holds whole): "
                     + "; ".join(f"{a.title} {'whole' if a.whole else f'{a.inside} of {a.districts} districts'}"
                                 for a in areas))
    split = [a for a in j.areas if a.kind == "county" and not a.whole]
    if split:
        lines.append("  Splits county areas: " + "; ".join(f"{a.title} ({a.inside} of {a.districts})" for a in split))
    for f in j.unlocks:
        lines.append(f"  {f.title}: " + (", ".join(f.available) if f.available else "no power available"))
    return lines


def _fit(lines: list[str]) -> str:
    """The lines as one text, not wrapped here: the command's output is fitted to the terminal's width
    (wrapping at a fixed 100 columns first made a staircase of short lines at 80)."""
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _in_force(r) -> list[str]:
    """A line saying so when the date is before the pack takes effect (its powers are then none)."""
    if r.as_of >= r.pack.effective:
        return []
    return [f"NOT IN FORCE: rule pack {r.pack.id} takes effect on {r.pack.effective.isoformat()}: on "
            f"{r.as_of.isoformat()} it was not in force, so no power of it is available on that date."]


def render_check(r: FootprintCheck) -> str:
    head = [f"Footprints under {r.pack.id} {r.pack.version} as of {r.as_of}", *_in_force(r), ""]
    body: list[str] = []
    for j in r.footprints:
        body += judgement_lines(j) + [""]
    return _fit(head + body)


def conditions_lines(footprints: list[Judgement]) -> list[str]:
    """The conditions every footprint is judged on, each stated once with its source (a list then gives
    only each footprint's marks)."""
    if not footprints:
        return []
    return (["Each footprint is judged on these conditions (✓ met, ✗ not met, ? undetermined):"]
            + [f"  {c.rule}: {c.statement} [{c.source}]" for c in footprints[0].conditions] + [""])


def render_list(r: FootprintList) -> str:
    lines = [f"Contiguous groupings within {r.within} under {r.pack.id} as of {r.as_of}"
             + (f" giving {r.power}" if r.power else ""),
             f"{len(r.councils)} councils not yet in an authority; {_n(r.examined)} groupings examined"
             + ("" if r.complete else " (not every grouping: the size limit stopped some)") + ".", *_in_force(r), ""]
    if not r.councils:
        lines.append(f"Every council of {r.within} is in a strategic authority on this date.")
    elif not r.footprints:
        lines.append("No grouping reaches the pack's conditions.")
    lines += conditions_lines(r.footprints)
    for i, j in enumerate(r.footprints, 1):
        lines += [f"{i}. " + judgement_lines(j, brief=True)[0]] + judgement_lines(j, brief=True)[1:]
        stranded = len(j.islands)
        lines.append(f"  Strands {f'{stranded} councils' if stranded > 1 else 'one council' if stranded else 'no council'}"
                     "; of its people, "
                     f"{j.facts.get('footprint.police_whole_percent')}% are in police force areas it holds whole, "
                     f"{j.facts.get('footprint.fire_whole_percent')}% in fire and rescue areas")
        lines.append("")
    return _fit(lines)


def render_plan(r: FootprintPlan) -> str:
    lines = [f"A plan for {r.within} under {r.pack.id} as of {r.as_of}",
             f"Solver {r.solver}: {r.status}" + (" (proved optimal among these candidates)" if r.optimal else " (not proved optimal)")
             + f". Objective: {r.objective}.",
             f"Covers {_n(r.people_covered)} of {_n(r.people_free)} people in councils not yet in an authority.",
             *_in_force(r), ""]
    lines += conditions_lines(r.footprints)
    for i, j in enumerate(r.footprints, 1):
        lines += [f"{i}. " + judgement_lines(j, brief=True)[0]] + judgement_lines(j, brief=True)[1:] + [""]
    if r.unplaced:
        lines.append("Cannot be placed:")
        for u in r.unplaced:
            lines.append(f"- {u.council.name} ({_n(u.council.population)}): {u.reason}"
                         + (f" [{u.rule}]" if u.rule else ""))
        lines.append("")
    if r.alternatives:
        lines.append("Alternatives (each not all the same footprints as the plans before it):")
        for i, a in enumerate(r.alternatives, 1):
            lines.append(f"  {i}. {len(a.footprints)} footprints covering {_n(a.people_covered)} people; "
                         f"found by {a.found_by}")
    return _fit(lines)
