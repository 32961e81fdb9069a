"""Readiness: the sum of the weights (declared in the pack) of the rules that hold for a place."""

from __future__ import annotations

from ..pack.ir import Pack
from ..results import Readiness, ReadinessPart, Truth3


def readiness(pack: Pack, truths: dict[str, bool | None]) -> Readiness:
    """The score, what it would be if every undetermined positive rule held, and each part."""
    score = best = 0.0
    parts = []
    for w in pack.readiness:
        value = truths.get(w.rule)
        if value is True:
            score += w.weight
            best += w.weight
        elif value is None and w.weight > 0:
            best += w.weight
        parts.append(ReadinessPart(rule=w.rule, weight=w.weight, result=Truth3.of(value)))
    return Readiness(score=score, score_if_unknowns_hold=best, parts=parts)
