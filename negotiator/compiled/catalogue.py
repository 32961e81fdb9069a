"""A pack's catalogue: each rule, tier, power, source, parameter, fact and obligation once, as results refer to them."""

from __future__ import annotations

from ..pack.ir import Pack
from ..results import (
    Catalogue, FactInfo, ObligationInfo, ParameterInfo, PowerInfo, RuleInfo, TierInfo,
)


def build_catalogue(pack: Pack) -> Catalogue:
    """Everything results refer to by id, for one pack (kept with the compiled pack: `compiled(pack).catalogue`)."""
    return Catalogue(
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
