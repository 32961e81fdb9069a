"""The catalogue of a pack (each rule, tier, power and source once) and references to packs and places."""

from __future__ import annotations

from datetime import date


from .. import workspace
from ..pack.ir import Pack
from ..results import (
    Catalogue, FactInfo, ObligationInfo, PackRef, ParameterInfo, PlaceRef, PowerInfo, RuleInfo, TierInfo,
)
from ..vocab.profile import Profile

_CATALOGUES: dict[str, Catalogue] = {}


def catalogue(pack: Pack) -> Catalogue:
    """Everything results refer to by id, for one pack (built once per pack)."""
    found = _CATALOGUES.get(pack.hash)
    if found is None:
        found = _CATALOGUES[pack.hash] = Catalogue(
            rules={rid: RuleInfo(statement=r.statement, source=r.source, where=str(r.where), in_force=r.in_force.text())
                   for rid, r in sorted(pack.rules.items())},
            tiers=[TierInfo(id=t.id, rank=t.rank, title=t.title, statement=t.statement, source=t.source,
                            models=list(t.models), conditions={c.rule: c.text for c in t.conditions})
                   for t in pack.tiers],
            powers={p.id: PowerInfo(title=p.title, menu=p.menu, tier=p.tier, tier_judgment=p.tier_judgment,
                                    requires=list(p.requires),
                                    statement=p.statement, source=p.source, where=str(p.where),
                                    in_force=p.in_force.text()) for p in pack.powers},
            sources=dict(pack.sources),
            parameters={n: ParameterInfo(value=p.value, unit=p.unit, description=p.description,
                                         reference=p.reference, assumption=p.assumption, set_by=p.set_by)
                        for n, p in sorted(pack.parameters.items())},
            facts={n: FactInfo(title=d.title or n, type=d.type, unit=d.unit, values=dict(d.value_titles),
                               ordered=d.ordered, better=d.better, source=d.source)
                   for n, d in pack.facts.items() if not n.startswith("requested.")},
            menus=dict(pack.menus),
            obligations=[ObligationInfo(id=o.id, title=o.title, statement=o.statement, source=o.source)
                         for o in pack.obligations],
        )
    return found


def pack_in_force_note(pack: Pack, on: date) -> str | None:
    """None when the pack is in force on the date; otherwise a sentence saying it was not."""
    if on >= pack.effective:
        return None
    return (f"rule pack {pack.id} takes effect on {pack.effective.isoformat()}: on {on.isoformat()} it was not in "
            "force, so what follows is what it would conclude, not what applied then")


def pack_ref(pack: Pack) -> PackRef:
    return PackRef(id=pack.id, version=pack.version, title=pack.title, hash=pack.files_hash or pack.hash, path=pack.root,
                   effective=pack.effective, data=workspace.current().describe())


def place_ref(profile: Profile) -> PlaceRef:
    return PlaceRef(id=profile.id, name=profile.name, file=profile.file, members=list(profile.members))
