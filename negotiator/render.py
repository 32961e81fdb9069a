"""Plain-text renderings of results for people: evaluate summaries and explanations."""

from __future__ import annotations

import textwrap
from typing import Any

MARK = {"true": "✓", "false": "✗", "undetermined": "?"}
STATUS_TITLE = {
    "available": "Available now",
    "needs_stronger_accountability": "Available with stronger accountability",
    "not_available": "Not available",
    "undetermined": "Undetermined (facts missing)",
}
STATUS_ORDER = ("available", "needs_stronger_accountability", "not_available", "undetermined")


def fmt_value(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)


def fmt_facts(facts: dict) -> str:
    return ", ".join(f"{k} = {fmt_value(v)}" for k, v in facts.items())


def wrap(text: str, indent: str, width: int = 100) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def gbp(value: float | None) -> str:
    return "unknown" if value is None else f"£{value:,.0f}m"


def render_evaluation(result: dict) -> str:
    """A readable summary of `evaluate --json` output."""
    place, pack = result["place"], result["rule_pack"]
    lines = []
    pop = (f"population {fmt_value(place['population'])} ({place['population_year']})"
           if place.get("population") else "population unknown")
    lines.append(f"{place['name']} ({place['id']}): {place['kind'].replace('_', ' ')}, {pop}, "
                 f"{len(place['members'])} member council{'s' if len(place['members']) != 1 else ''}")
    lines.append(f"Rule pack {pack['id']} v{pack['version']} (hash {pack['hash'][:12]})")
    lines.append("")

    neg = result["negotiation"]
    word = {True: "ELIGIBLE to negotiate a deal", False: "NOT ELIGIBLE to negotiate a deal",
            None: "UNDETERMINED whether it can negotiate (facts missing)"}[neg["eligible"]]
    lines.append(f"Negotiation: {word}")
    top = neg["reasons"][0]
    decisive = [s for s in neg["reasons"][1:] if s["rule"] in neg.get("decisive", [])]
    for step in [top] + decisive:
        lines += _step_lines(step, "  ")
    lines.append("")

    acc = result["accountability"]
    current = acc["current_tier"]
    lines.append("Accountability")
    lines.append(f"  Model: {fmt_value(acc['model'])}; tier: "
                 + (f"{current['id']} (rank {current['rank']})" if current else "unknown"))
    if acc["requested"]:
        req = acc["required_tier"]
        met = {True: "met", False: "NOT met", None: "undetermined"}[acc["meets_requirement"]]
        lines.append(f"  The package asked for ({', '.join(acc['requested'])}) needs {req['id']} (rank {req['rank']}): {met}")
        for step in acc["reasons"]:
            if step.get("role") == "requirement" and step.get("tier") == req["id"] and step["result"] == "true":
                lines += _step_lines(step, "    ")
        if acc.get("models"):
            lines += wrap(f"To meet it: {models_text(acc['models'], result.get('tiers', {}), req['id'])}", "  ")
        if acc.get("office_of_the_mayor"):
            lines += wrap("A figure created for a city region or sub-region needs an Office of the Mayor, "
                          "funded from resources released by devolution.", "  ")
    else:
        lines.append("  The profile asks for no powers (priorities is empty), so no package tier applies.")
    lines.append("")

    lines.append("Powers (* = asked for)")
    groups: dict[str, list[dict]] = {s: [] for s in STATUS_ORDER}
    for power in result["powers"]:
        groups[power["status"]].append(power)
    for status in STATUS_ORDER:
        items = groups[status]
        if not items:
            continue
        lines.append(f"  {STATUS_TITLE[status]} ({len(items)})")
        for p in items:
            star = "*" if p["requested"] else " "
            lines.append(f"   {star} {p['id']}: {p['title']}")
            lines += [f"        {line}" for line in _why_lines(p)]
    lines.append("")

    budget = result.get("budget")
    if budget:
        lines.append(f"Single place budget: {budget['status'].replace('_', ' ')}"
                     + (" (asked for)" if budget["requested"] else ""))
        in_scope = [c["id"] for c in budget["components"] if c["scope"] == "in_scope"]
        other = [f"{c['id']} ({c['scope'].replace('_', ' ')})" for c in budget["components"] if c["scope"] != "in_scope"]
        lines += wrap("In scope: " + (", ".join(in_scope) or "none"), "  ")
        if other:
            lines += wrap("Not yet: " + ", ".join(other), "  ")
        assumed = [k for k, v in budget["parameters"].items() if v["assumption"]]
        if budget["baseline"] is not None:
            lines.append(f"  Baseline {gbp(budget['baseline'])} a year"
                         + (f" ({budget['baseline_year']})" if budget["baseline_year"] else "")
                         + f"; {fmt_value(budget['reduction_percent'])}% less gives {gbp(budget['annual_envelope'])} "
                         f"a year, {gbp(budget['envelope_over_horizon'])} over {budget['horizon_years']} years")
            lines.append(f"  Savings {gbp(budget['annual_saving'])} a year; the place keeps "
                         f"{fmt_value(budget['retention_share'])}%: {gbp(budget['retained_savings_over_horizon'])} "
                         f"over {budget['horizon_years']} years")
        else:
            lines.append("  Baseline unknown: the profile records no mapped total public spend (spend.total_gbp_m)")
        if assumed:
            lines.append(f"  Assumed parameters (not in the sources): {', '.join(assumed)}")
        lines.append("")

    if result["missing_facts"]:
        lines += wrap("Unknown facts that leave conclusions undetermined: " + ", ".join(result["missing_facts"]), "")
        lines.append("")
    lines.append(f"Why a power has its status: negotiator explain {place['id']} POWER")
    return "\n".join(lines) + "\n"


def _why_lines(power: dict) -> list[str]:
    status = power["status"]
    reasons = power["reasons"]
    if status == "available":
        text = f"needs {power['required_tier']['id']}; met"
        if power.get("office_of_the_mayor"):
            text += "; an Office of the Mayor is needed for the figure"
        return [text]
    if status == "needs_stronger_accountability":
        req = power["required_tier"]["id"]
        raised = [s["rule"] for s in reasons if s.get("role") == "requirement" and s.get("tier") == req
                  and s["result"] == "true"]
        text = f"needs {req}" + (f" (raised by {', '.join(raised)})" if raised else "") + ": " + \
            models_text(power["models"])
        if power.get("office_of_the_mayor"):
            text += "; with an Office of the Mayor"
        return wrap(text, "")
    if status == "not_available":
        failed = [s for s in reasons if s.get("role") == "prerequisite" and s["result"] == "false"]
        out = []
        for s in failed:
            facts = f" [{fmt_facts(s['facts'])}]" if s["facts"] else ""
            out += wrap(f"fails {s['rule']}: {s['statement']}{facts}", "")
        return out
    return wrap("missing: " + ", ".join(power.get("missing", [])), "")


def models_text(models: list[str], *_: object) -> str:
    """'joint committee or combined authority, or a stronger model' from a list of model ids."""
    names = [m.replace("_", " ") for m in models]
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]


def _step_lines(step: dict, indent: str) -> list[str]:
    mark = MARK[step["result"]]
    out = wrap(f"{mark} {step['rule']}: {step['statement']}", indent)
    if step.get("facts"):
        out += wrap(f"facts: {fmt_facts(step['facts'])}", indent + "    ")
    if step.get("missing"):
        out += wrap(f"missing: {', '.join(step['missing'])}", indent + "    ")
    if step.get("failed"):
        out += wrap(f"fails on: {'; '.join(step['failed'])}", indent + "    ")
    out += wrap(f"source: {step['source']}", indent + "    ")
    return out


def render_explanation(data: dict) -> str:
    """The chain of rules behind one power, with each condition's outcome."""
    power = data["power"]
    lines = [f"{power['id']} ({power['title']}) for {data['place']['name']}: "
             f"{power['status'].replace('_', ' ').upper()}"]
    rule = data["power_rule"]
    lines += wrap(f"{rule['statement']} Needs at least {rule['tier']} on its own.", "  ")
    lines += wrap(f"source: {rule['source']} ({rule['where']})", "    ")
    current = data["current_tier"]
    lines.append(f"  Required tier: {power['required_tier']['id']} (rank {power['required_tier']['rank']}); "
                 f"the place's model {fmt_value(data['accountability_model'])} is "
                 + (f"{current['id']} (rank {current['rank']})" if current else "of unknown tier"))
    if power.get("required_tier_if_undetermined_apply"):
        lines.append(f"  If undetermined requirements hold, it needs {power['required_tier_if_undetermined_apply']['id']}")
    if power.get("models"):
        lines += wrap("Would be available with: " + ", ".join(power["models"]).replace("_", " "), "  ")
    if power.get("missing"):
        lines += wrap("Missing facts: " + ", ".join(power["missing"]), "  ")
    lines.append("")
    lines.append("Prerequisites (all must hold)")
    for chain in data["prerequisites"]:
        lines += _chain_lines(chain, "  ")
    if data["requirements"]:
        lines.append("")
        lines.append("Accountability requirements that can raise the tier")
        for chain in data["requirements"]:
            lines += _chain_lines(chain, "  ", tier=chain.get("tier"))
    return "\n".join(lines) + "\n"


def _chain_lines(chain: dict, indent: str, tier: str | None = None) -> list[str]:
    mark = MARK[chain["result"]]
    head = f"{mark} {chain['rule']} is {chain['result']}" + (f" (raises the tier to {tier})" if tier else "")
    out = [indent + head]
    out += wrap(chain["statement"], indent + "    ")
    out += wrap(f"source: {chain['source']} ({chain['where']})", indent + "    ")
    out += _cond_lines(chain["conditions"], indent + "    ")
    if chain.get("missing"):
        out += wrap(f"missing: {', '.join(chain['missing'])}", indent + "    ")
    for sub in chain["because"]:
        out += _chain_lines(sub, indent + "    ")
    return out


def _cond_lines(node: dict, indent: str) -> list[str]:
    mark = MARK[node["result"]]
    if "test" in node:
        if "fact" in node:
            return [f"{indent}{mark} {node['test']}   ({node['fact']} = {fmt_value(node['value'])})"]
        return [f"{indent}{mark} {node['test']}"]
    if "not" in node:
        return [f"{indent}{mark} not:"] + _cond_lines(node["not"], indent + "    ")
    key = "all" if "all" in node else "any"
    label = "all of:" if key == "all" else "any of:"
    out = [f"{indent}{mark} {label}"]
    for child in node[key]:
        out += _cond_lines(child, indent + "    ")
    return out


def render_check(report: dict) -> str:
    """The consistency report: each check, and for a failure its counterexample and the rules involved."""
    import yaml

    pack = report["rule_pack"]
    space = report["space"]
    lines = [f"Rule pack {pack['id']} v{pack['version']} (hash {pack['hash'][:12]})"]
    if report["mode"] == "exhaustive":
        lines.append(f"Mode: exhaustive over {space['size']:,} abstract profiles (every fact split into the classes "
                     "of values the pack can tell apart, unknown included)")
    else:
        lines.append(f"Mode: sampling with hypothesis (the abstraction has {space['size']:,} profiles; "
                     "--exhaustive checks them all)")
        if space.get("fallback"):
            lines.append(f"  {space['fallback']}")
    lines.append("")
    for kind, title in (("static", "Static checks"), ("property", "Properties")):
        lines.append(title)
        for c in (c for c in report["checks"] if c["kind"] == kind):
            mark = "✓" if c["passed"] else "✗"
            lines += wrap(f"{mark} {c['id']}: {c['statement']} [{c['how']}; {c['checked']:,} checked]", "  ")
            for note in c["notes"]:
                lines += wrap(f"note: {note}", "      ")
            for f in c["failures"]:
                lines += _failure_lines(f, yaml)
        lines.append("")
    failed = [c["id"] for c in report["checks"] if not c["passed"]]
    total = len(report["checks"])
    lines.append(f"Result: {total - len(failed)} of {total} checks passed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return "\n".join(lines) + "\n"


def _failure_lines(f: dict, yaml) -> list[str]:
    out = []
    pad = "      "
    if "problem" in f:
        out += wrap(f"problem: {f['problem']}" + (f" ({f['where']})" if f.get("where") else ""), pad)
    if "power" in f and "before" in f:
        (fact, (old, new)), = f["change"].items()
        out += wrap(f"{f['power']}: {f['before']} -> {f['after']} when {fact} changes from {fmt_value(old)} to "
                    f"{fmt_value(new)}", pad)
    if "powers" in f:
        out += wrap(f"powers: {', '.join(f['powers'])}", pad)
    if f.get("rules_involved"):
        out += wrap(f"rules involved: {', '.join(f['rules_involved'])}", pad)
    if f.get("rules_that_changed"):
        out += wrap("rules that changed: " + ", ".join(f"{r} {a} -> {b}" for r, (a, b) in f["rules_that_changed"].items()), pad)
    if f.get("profile"):
        out.append(pad + "counterexample profile:")
        text = yaml.safe_dump(f["profile"], sort_keys=False, width=100, default_flow_style=None)
        out += [pad + "  " + line for line in text.rstrip().splitlines()]
    return out
