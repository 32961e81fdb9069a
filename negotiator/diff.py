"""Compare two rounds (round.json files): who gains or loses what, and which rules made the difference."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError, Problem

REQUIRED = ("round", "rule_pack", "tranches", "deals")


def load_round(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(path, "no such file")]) from None
    except (IsADirectoryError, UnicodeDecodeError):
        raise InputError([Problem(path, "not a round.json file")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(path, f"malformed JSON: {exc.msg}", line=exc.lineno)]) from None
    missing = [k for k in REQUIRED if not isinstance(data, dict) or k not in data]
    if missing:
        raise InputError([Problem(path, f"not a round.json written by 'negotiator round' (missing {', '.join(missing)})")])
    return data


def _changed_steps(old: list[dict], new: list[dict]) -> list[dict]:
    """Rules whose result, facts or parameters differ between two lists of steps."""
    before = {s["rule"]: s for s in old}
    out = []
    for step in new:
        prev = before.get(step["rule"])
        if prev is None:
            out.append({"rule": step["rule"], "statement": step["statement"], "now": step["result"], "before": None})
            continue
        changes = {}
        if prev["result"] != step["result"]:
            changes["result"] = [prev["result"], step["result"]]
        for key in ("facts", "parameters"):
            a, b = prev.get(key) or {}, step.get(key) or {}
            moved = {k: [a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
            if moved:
                changes[key] = moved
        if prev.get("tier") != step.get("tier"):
            changes["tier"] = [prev.get("tier"), step.get("tier")]
        if changes:
            out.append({"rule": step["rule"], "statement": step["statement"], **changes})
    return out


def diff_rounds(old: dict, new: dict) -> dict:
    op, np_ = old["rule_pack"], new["rule_pack"]
    params = {k: [op.get("parameters", {}).get(k), np_.get("parameters", {}).get(k)]
              for k in sorted(set(op.get("parameters", {})) | set(np_.get("parameters", {})))
              if op.get("parameters", {}).get(k) != np_.get("parameters", {}).get(k)}
    old_deals = {d["place"]: d for d in old["deals"]}
    new_deals = {d["place"]: d for d in new["deals"]}
    places = []
    for pid in sorted(set(old_deals) & set(new_deals)):
        a, b = old_deals[pid], new_deals[pid]
        ea, eb = a["evaluation"], b["evaluation"]
        change: dict = {"place": pid, "name": b["name"]}
        if a["tranche"] != b["tranche"]:
            change["tranche"] = [a["tranche"], b["tranche"]]
        if ea["negotiation"]["eligible"] != eb["negotiation"]["eligible"]:
            change["eligible"] = [ea["negotiation"]["eligible"], eb["negotiation"]["eligible"]]
            change["eligibility_rules"] = _changed_steps(ea["negotiation"]["reasons"], eb["negotiation"]["reasons"])
        ta, tb = ea["accountability"]["required_tier"]["id"], eb["accountability"]["required_tier"]["id"]
        if ta != tb:
            change["package_tier"] = [ta, tb]
            change["package_rules"] = _changed_steps(ea["accountability"]["reasons"], eb["accountability"]["reasons"])
        ca = (ea["accountability"]["current_tier"] or {}).get("id")
        cb = (eb["accountability"]["current_tier"] or {}).get("id")
        if ca != cb:
            change["current_tier"] = [ca, cb]
        if a["readiness"]["score"] != b["readiness"]["score"]:
            change["readiness"] = [a["readiness"]["score"], b["readiness"]["score"]]
        pa = {p["id"]: p for p in ea["powers"]}
        powers = []
        for p in eb["powers"]:
            q = pa.get(p["id"])
            if q is None:
                powers.append({"power": p["id"], "status": [None, p["status"]], "rules": []})
                continue
            moved = {}
            if q["status"] != p["status"]:
                moved["status"] = [q["status"], p["status"]]
            if q["required_tier"]["id"] != p["required_tier"]["id"]:
                moved["required_tier"] = [q["required_tier"]["id"], p["required_tier"]["id"]]
            if moved:
                powers.append({"power": p["id"], **moved, "rules": _changed_steps(q["reasons"], p["reasons"])})
        for pid_gone in sorted(set(pa) - {p["id"] for p in eb["powers"]}):
            powers.append({"power": pid_gone, "status": [pa[pid_gone]["status"], None], "rules": []})
        if powers:
            change["powers"] = powers
        if len(change) > 2:
            places.append(change)
    return {
        "old": {"round": old["round"]["name"], "rule_pack": op["id"], "version": op["version"], "hash": op["hash"]},
        "new": {"round": new["round"]["name"], "rule_pack": np_["id"], "version": np_["version"], "hash": np_["hash"]},
        "parameters": params,
        "places_added": sorted(set(new_deals) - set(old_deals)),
        "places_removed": sorted(set(old_deals) - set(new_deals)),
        "coverage": [old.get("coverage", {}).get("share"), new.get("coverage", {}).get("share")],
        "changes": places,
    }


def render_diff(d: dict) -> str:
    lines = [f"Old: {d['old']['round']} with {d['old']['rule_pack']} v{d['old']['version']} ({d['old']['hash'][:12]})",
             f"New: {d['new']['round']} with {d['new']['rule_pack']} v{d['new']['version']} ({d['new']['hash'][:12]})", ""]
    if d["parameters"]:
        lines.append("Rule-pack parameters changed:")
        lines += [f"  {k}: {a} -> {b}" for k, (a, b) in d["parameters"].items()]
        lines.append("")
    if d["places_added"]:
        lines.append(f"Places added: {', '.join(d['places_added'])}")
    if d["places_removed"]:
        lines.append(f"Places removed: {', '.join(d['places_removed'])}")
    a, b = d["coverage"]
    if a != b and a is not None and b is not None:
        lines.append(f"Coverage: {a * 100:.1f}% -> {b * 100:.1f}%")
    if not d["changes"]:
        lines.append("No place gains or loses a power, tier or tranche.")
    for c in d["changes"]:
        lines.append(f"{c['name']} ({c['place']})")
        for key, label in (("eligible", "eligible"), ("tranche", "tranche"), ("current_tier", "current tier"),
                           ("package_tier", "package needs"), ("readiness", "readiness")):
            if key in c:
                lines.append(f"  {label}: {_v(c[key][0])} -> {_v(c[key][1])}")
        for step in c.get("eligibility_rules", []) + c.get("package_rules", []):
            lines.append("    " + _step(step))
        for p in c.get("powers", []):
            what = "; ".join(f"{k.replace('_', ' ')} {_v(v[0])} -> {_v(v[1])}" for k, v in p.items()
                             if k in ("status", "required_tier"))
            lines.append(f"  {p['power']}: {what}")
            for step in p["rules"]:
                lines.append("    " + _step(step))
    return "\n".join(lines) + "\n"


def _v(value) -> str:
    return {None: "none", True: "yes", False: "no"}.get(value, str(value)) if not isinstance(value, (int, float)) or isinstance(value, bool) else str(value)


def _step(step: dict) -> str:
    bits = []
    if "result" in step:
        bits.append(f"{step['result'][0]} -> {step['result'][1]}")
    for key in ("facts", "parameters"):
        for name, (a, b) in step.get(key, {}).items():
            bits.append(f"{name} {_v(a)} -> {_v(b)}")
    if "tier" in step:
        bits.append(f"tier {step['tier'][0]} -> {step['tier'][1]}")
    return f"because {step['rule']}: " + ", ".join(bits)
