"""Places on a date: only the places and councils that exist on it, and which were left out and why.

A round, a sweep and the England set are each as of one date. `on_date`
keeps a place when it exists on that date (its `exists` dates) and its member
councils can be given as of that date through the council register
(vocab/councils.py: a member that has ceased is read as its successors, one
not yet created as its predecessors, where they cover the same area); the
kept place's profile carries those members, so councils' kinds and
populations follow the register. Every place left out comes back with the
reason, in a sentence naming the change and its source.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .councils import register, short
from .places import LoadedPlace


@dataclass(frozen=True)
class LeftOut:
    """A place left out of a set as of a date, and why."""

    id: str
    name: str
    reason: str


def why_absent(lp: LoadedPlace, on: date) -> str:
    """Why the place does not exist on `on` ('' when it does)."""
    p = lp.profile
    if p.exists_from is not None and on < p.exists_from:
        return f"exists from {p.exists_from.isoformat()} ({short(p.exists_source)})"
    if p.exists_until is not None and on >= p.exists_until:
        return f"ceased on {p.exists_until.isoformat()} ({short(p.exists_source)})"
    return ""


def on_date(loaded: list[LoadedPlace], on: date) -> tuple[list[LoadedPlace], list[LeftOut]]:
    """The places that exist on `on`, each with its members as of that day, and those left out with the reason."""
    reg = register()
    kept: list[LoadedPlace] = []
    left: list[LeftOut] = []
    for lp in loaded:
        reason = why_absent(lp, on)
        if not reason:
            members, problems = reg.members_on(lp.profile.members_at(on), on)
            if problems:
                reason = "its member councils do not exist on the date: " + "; ".join(problems)
            elif members != lp.profile.members:
                lp = LoadedPlace(replace(lp.profile, members=members), lp.doc)
        if reason:
            left.append(LeftOut(lp.id, lp.profile.name, reason))
        else:
            kept.append(lp)
    return kept, left
