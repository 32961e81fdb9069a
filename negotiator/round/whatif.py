"""What if: a place evaluated with some facts (or pack parameters) changed, showing only what changes.

`--set NAME=VALUE` names a fact of the place (validated against the pack's declaration; `null` makes it
unknown) or a parameter of the pack (validated against the parameter). The two evaluations are compared
as rounds are compared (round/diff.py): each change names the settings that make the difference (found by
changing one at a time, round/causes.py) and the rules whose truth changed because of them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..decide.catalogue import pack_ref, place_ref
from ..decide.decision import decide
from ..compiled import compiled
from ..engines import Evaluator
from ..errors import InputError, Problem, nearest
from ..pack.ir import Pack
from ..pack.load import load_pack
from ..results import Setting, WhatIf
from .causes import pack_loader, state_of
from .diff import place_change
from ..vocab.places import profile_vocabulary
from ..vocab.profile import Profile, as_date


def split_settings(pack: Pack, settings: dict[str, Any], origin: str = "--set") -> tuple[dict, dict]:
    """Facts and parameters among NAME=VALUE settings, each checked; located problems for the rest."""
    stated = profile_vocabulary(pack).stated()
    facts, params, problems = {}, {}, []
    for name, value in settings.items():
        if name in stated:
            decl = stated[name]
            if decl.type == "date":
                value = as_date(value)
            if decl.type == "list" and isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if value is not None and (found := decl.problem_with(value)):
                problems.append(Problem(origin, found[0], field=name, suggestion=found[1],
                                        code="unknown_name" if found[1] else "bad_value"))
            else:
                facts[name] = value
        elif name in pack.parameters:
            params[name] = value
        else:
            problems.append(Problem(origin, f"'{name}' is neither a fact of the place nor a parameter of rule pack "
                                            f"'{pack.id}'", suggestion=nearest(name, list(stated) + list(pack.parameters))))
    if problems:
        raise InputError(problems)
    return facts, params


def whatif(pack: Pack, profile: Profile, settings: dict[str, Any], on: date | None,
           engine: str = "durable") -> WhatIf:
    facts, params = split_settings(pack, settings)
    changed_pack = load_pack(pack.folder, params, set_by="--set") if params else pack
    evaluator: Evaluator = compiled(pack).evaluator(engine)
    before = decide(pack, profile, on, evaluator).evaluation(with_catalogue=False)
    after = decide(changed_pack, profile.with_changes(facts, None), on,
                   compiled(changed_pack).evaluator(engine) if params else evaluator).evaluation(
        with_catalogue=False)
    shown = []
    for name, value in facts.items():
        old = before.facts.get(name)
        shown.append(Setting(name=name, kind="fact", before=old.value if old else None, after=value))
    for name, value in params.items():
        shown.append(Setting(name=name, kind="parameter", before=pack.parameters[name].value, after=value))
    change = place_change(profile.id, profile.name, before, after, state_of(pack, before),
                          state_of(changed_pack, after), pack_loader(pack, "--set"))
    unchanged = not (change.model_dump(exclude_defaults=True).keys() - {"place", "name"})
    return WhatIf(as_of=before.as_of, pack=pack_ref(pack), place=place_ref(profile),
                  place_exists_note=before.place_exists_note, settings=shown, change=change, unchanged=unchanged)
