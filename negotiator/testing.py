"""Policy cases: YAML files, one case each, named by a sentence, run by `negotiator test` and by pytest.

A case names a place (an id from the workspace's places/, or a profile path
relative to the case file), or gives a whole profile; optionally changes some
facts (dotted names; null makes a fact unknown); and states what the
evaluation must conclude, as of a date:

    name: Cornwall negotiates on its own as a strategic county
    place: cornwall
    rules: route-map-2010            # optional: a pack name or folder (default: the pack the case ships with)
    as_of: 2011-03-01                # optional: default the pack's date of effect
    change: {capacity.shared_services: true}
    expect:
      negotiation.eligible: true
      powers.transport.status: available      # lists of objects are indexed by id
      accountability.required_tier: high_visibility
    rules_true: [level.strategic_county]      # optional: rules that must hold
    rules_false: [level.grouping]             # optional: rules that must fail

Each pack ships its cases in its own `cases/` folder; the file name is the
sentence, lower-cased with hyphens. `pytest` runs every pack's cases on every
engine (the plugin in negotiator/pytest_plugin.py); `negotiator test --rules
PACK` runs PACK's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import workspace
from .advice import advise
from .decide.decision import decide
from .errors import InputError, Problem
from .pack.load import load_pack
from .vocab.places import load_place, profile_vocabulary, resolve_place
from .vocab.councils import register
from .vocab.profile import member_list, parse_profile
from .yamlio import Located, load_yaml

CASE_KEYS = {"name", "place", "profile", "rules", "as_of", "change", "expect", "rules_true", "rules_false", "at"}
AT_KEYS = {"as_of", "expect", "rules_true", "rules_false"}


def slug(sentence: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sentence.lower()).strip("-")


@dataclass
class CaseResult:
    file: str
    name: str
    failures: list[str] = field(default_factory=list)
    engine: str = "durable"

    @property
    def passed(self) -> bool:
        return not self.failures


def get_path(data: Any, dotted: str) -> Any:
    """The value at a dotted path; lists of objects are indexed by id, and keys may hold dots (fact names)."""
    parts = dotted.split(".")
    while parts:
        if isinstance(data, list):
            for k in range(len(parts), 0, -1):
                key = ".".join(parts[:k])
                matches = [item for item in data if isinstance(item, dict)
                           and key in (item.get("id"), item.get("rule"), item.get("place"))]
                if matches:
                    data, parts = matches[0], parts[k:]
                    break
            else:
                raise KeyError(f"no item with id '{parts[0]}'")
        elif isinstance(data, dict):
            for k in range(len(parts), 0, -1):
                key = ".".join(parts[:k])
                if key in data:
                    data, parts = data[key], parts[k:]
                    break
            else:
                raise KeyError(f"no field '{parts[0]}'")
        else:
            raise KeyError(f"cannot look up '{parts[0]}' in {data!r}")
    return data


def _pack_for(case_file: Path, rules: str | None):
    if rules is not None:
        candidate = case_file.parent / rules
        return load_pack(candidate if candidate.is_dir() else rules)
    for folder in case_file.resolve().parents:
        if (folder / "pack.yaml").is_file():
            return load_pack(folder)
    return load_pack(None)


def run_case_file(path: Path, rules: str | None = None, engine: str = "durable") -> CaseResult:
    """Load and run one case file; problems with the file itself are failures too, named as such."""
    doc = load_yaml(path, workspace.display(path))
    case = doc.data
    if not isinstance(case, dict):
        raise InputError([doc.problem((), "a policy case is a mapping (name, place, expect, ...)")])
    name = case.get("name")
    result = CaseResult(doc.file, str(name), engine=engine)
    unknown = sorted(set(case) - CASE_KEYS)
    if unknown:
        raise InputError([doc.problem((k,), f"unknown case key '{k}'", code="unknown_name") for k in unknown])
    if not isinstance(name, str) or not name.strip():
        raise InputError([doc.problem(("name",), "a case needs a name: the sentence it shows")])
    if slug(name) != path.stem:
        result.failures.append(f"the file name should be the case's sentence: {slug(name)}.yaml")
    pack = _pack_for(path, rules or case.get("rules"))
    if "profile" in case:
        profile = parse_profile(Located(doc.file, case["profile"], {k[1:]: v for k, v in doc.lines.items()
                                                                  if k[:1] == ("profile",)}),
                                profile_vocabulary(pack))
    elif "place" in case:
        ref = str(case["place"])
        local = path.parent / ref
        profile = load_place(local if local.is_file() else resolve_place(ref), pack).profile
    else:
        raise InputError([doc.problem(("place",), "a case names a place or gives a profile")])
    changes = case.get("change") or {}
    stated = profile_vocabulary(pack).stated()
    problems: list[Problem] = []
    for fact, value in changes.items():
        if fact == "members":  # codes of the council register, each once (as in a profile)
            member_list(doc, ("change", fact), value, problems)
            continue
        decl = stated.get(fact)
        if decl is None:
            problems.append(doc.problem(("change", fact), f"unknown fact '{fact}'"))
        elif value is not None and (found := decl.problem_with(value)):
            problems.append(doc.problem(("change", fact), found[0], found[1]))
    if problems:
        raise InputError(problems)
    profile = profile.with_changes(changes)
    if "members" in changes:  # the councils must exist, or have successors or predecessors, on each date checked
        days = [item.get("as_of") for item in case["at"] if isinstance(item, dict)] if isinstance(case.get("at"),
                                                                                                    list) else []
        for day in [d for d in days if isinstance(d, date)] or [case.get("as_of") or pack.effective]:
            if isinstance(day, date):
                _, why = register().members_on(profile.members_at(day), day)
                problems += [doc.problem(("change", "members"), f"on {day.isoformat()}: {w} (the council register, "
                                                                "negotiator/data/councils.yaml)") for w in why]
        if problems:
            raise InputError(problems)
    checks = [(("",), case)]
    if "at" in case:
        if not isinstance(case["at"], list) or not case["at"]:
            raise InputError([doc.problem(("at",), "at: takes a list of {as_of, expect, rules_true, rules_false}")])
        checks = []
        for i, item in enumerate(case["at"]):
            bad = sorted(set(item) - AT_KEYS) if isinstance(item, dict) else ["?"]
            if bad or not isinstance(item, dict) or "as_of" not in item:
                raise InputError([doc.problem(("at", i), "each entry of at: has as_of and expect (and may have "
                                                         "rules_true, rules_false)")])
            checks.append(((f"as of {item['as_of']}: ",), item))
    for (prefix,), check in checks:
        as_of = check.get("as_of")
        if as_of is not None and not isinstance(as_of, date):
            raise InputError([doc.problem(("as_of",), f"expected a date like 2011-03-01, got {as_of!r}")])
        _check(pack, profile, as_of, check, result, prefix)
    return result


def _check(pack, profile, as_of, case: dict, result: CaseResult, prefix: str) -> None:
    from .compiled import compiled
    decision = decide(pack, profile, as_of, compiled(pack).evaluator(result.engine),
                      as_of_note="the case's date" if as_of else None)
    data = advise(decision, with_catalogue=False).model_dump(mode="json")
    failures = []
    for dotted, expected in (case.get("expect") or {}).items():
        try:
            actual = get_path(data, dotted)
        except KeyError as exc:
            failures.append(f"{dotted}: {exc.args[0]}")
            continue
        if isinstance(expected, date):
            expected = expected.isoformat()
        if actual != expected:
            failures.append(f"{dotted}: expected {expected!r}, got {actual!r}")
    for key, want in (("rules_true", True), ("rules_false", False)):
        for rid in case.get(key) or []:
            if rid not in pack.rules:
                failures.append(f"{key}: '{rid}' is not a rule of {pack.id}")
            elif decision.truths.get(rid) is not want:
                got = {True: "true", False: "false", None: "undetermined"}[decision.truths.get(rid)]
                failures.append(f"rule {rid}: expected {'true' if want else 'false'}, got {got}")
    result.failures += [prefix + f for f in failures]


def case_files(paths: list[str], rules: str | None = None) -> list[Path]:
    """Case files under the given paths; else the cases/ folder of the pack `rules` names, or of every pack."""
    if not paths and rules is not None:
        from .pack.load import resolve_pack
        folder = resolve_pack(rules) / "cases"
        return sorted(folder.glob("*.yaml"))
    if not paths:
        ws = workspace.current()
        return sorted(f for name in ws.packs() for f in (ws.rules / name / "cases").glob("*.yaml"))
    out: list[Path] = []
    problems = []
    for ref in paths:
        p = Path(ref)
        if p.is_dir():
            found = sorted(p.rglob("*.yaml"))
            if not found:
                problems.append(Problem(ref, "folder holds no .yaml policy cases", code="not_found"))
            out += found
        elif p.is_file():
            out.append(p)
        else:
            problems.append(Problem(ref, "no such file or folder", code="not_found"))
    if problems:
        raise InputError(problems)
    return out


def run_cases(paths: list[str], rules: str | None = None,
              engines: tuple[str, ...] | list[str] = ("durable",)) -> tuple[list[CaseResult], list[Problem]]:
    """Run case files on each engine: the given paths (against `rules` if given), or the cases of the pack
    `rules` names (against that pack), or every pack's own cases."""
    results: list[CaseResult] = []
    problems: list[Problem] = []
    against = rules if paths else None  # a pack's own cases run against the pack they ship with
    for file in case_files(paths, rules):
        for engine in engines:
            try:
                results.append(run_case_file(file, against, engine))
            except InputError as exc:
                problems += exc.problems
                break
    return results, problems


def case_report(results: list[CaseResult], problems: list[Problem]) -> Any:
    """The typed report of a run (`negotiator test --json`, schema kind `cases`)."""
    from .results import CaseOutcome, CaseReport, ProblemInfo
    failed = sum(1 for r in results if r.failures)
    return CaseReport(cases=[CaseOutcome(file=r.file, name=r.name, engine=r.engine, passed=not r.failures,
                                         failures=r.failures) for r in results],
                      passed=len(results) - failed, failed=failed,
                      problems=[ProblemInfo.of(p) for p in problems])


__all__ = ["CaseResult", "Problem", "run_case_file", "run_cases", "case_files", "case_report", "slug"]
