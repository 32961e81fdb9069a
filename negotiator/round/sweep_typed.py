"""A sweep as its typed result (`negotiator sweep --json`, schema kind sweep)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..results import (
    AloneStep, LeftOutPlace, SweepAxis, SweepPoint, SweepResult, TippingPoint,
)
from .sweep import Sweep


def _plain(value: Any) -> Any:
    """Numbers as JSON numbers (a Decimal step, a numpy count), dates as ISO text, the rest as it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # a numpy scalar
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def typed_sweep(result: Sweep, files: list[str]) -> SweepResult:
    from ..decide.catalogue import pack_ref
    return SweepResult(
        pack=pack_ref(result.pack), date=result.config.date, councils=result.councils,
        axes=[SweepAxis(name=a.name, values=_plain(list(a.values)), base=_plain(a.base)) for a in result.axes],
        points=[SweepPoint(**_plain(vars(p))) for p in result.points],
        tipping={name: [TippingPoint(
            place=t.place, name=t.name, param=t.param, value=_plain(t.value), side=t.side, fact=t.fact,
            fact_value=_plain(t.fact_value), eligible_before=t.eligible[0], eligible_after=t.eligible[1],
            changes=[{"power": p, "before": b, "after": a} for p, b, a in t.changes],
            package=None if t.package is None else {"before": t.package[0], "after": t.package[1]},
            text=t.words()) for t in tips] for name, tips in result.tipping.items()},
        alone_steps={name: [AloneStep(value=_plain(v), side=side, alone=int(n), gained=list(g), lost=list(lo))
                            for v, side, n, g, lo in rows] for name, rows in result.alone_steps.items()},
        routes={code: {"route": route, "places": list(places)} for code, (route, places) in result.routes.items()},
        left_out=[LeftOutPlace(id=lo.id, name=lo.name, reason=lo.reason, existence_unknown=lo.unknown)
                  for lo in result.left_out],
        decided_not_applied=list(result.decided_not_applied),
        files=files,
    )
