"""Places on a date: only the places and councils that exist on it, and which were left out and why.

A round, a sweep and the England set are each as of one date. `on_date`
keeps a place when it exists on that date (its `exists` dates) and its member
councils can be given as of that date through the council register
(vocab/councils.py: a member that has ceased is read as its successors, one
not yet created as its predecessors, where they cover the same area); the
kept place's profile carries those members, so councils' kinds and
populations follow the register. Every place left out comes back with the
reason, in a sentence naming the change and its source.

A place whose existence on the date is unknown (after the last day a source
records it, with no sourced end: `exists.last_seen`) is never taken as
existing: it is left out too, marked `unknown`, with the last day it is
recorded and the source, so a round says its existence is unknown rather
than ranking it or counting it.

What changes after the date, and what the register cannot apply on it: `changes_ahead` names the
place's end and the reorganisations that replace its member councils after the date (unlock and a
round's deal sheets print them as "Ahead:"); `decided_not_applied` names the decided reorganisations
due by the date that the register does not apply (their areas split districts), so a round or an
evaluation of a later date says its councils are given as before them, as `england --as-of` does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .councils import register, short
from .places import LoadedPlace
from .profile import Profile


@dataclass(frozen=True)
class LeftOut:
    """A place left out of a set as of a date, and why."""

    id: str
    name: str
    reason: str
    unknown: bool = False   # True: whether it exists on the date is unknown (not that it does not)


def why_absent(lp: LoadedPlace, on: date) -> str:
    """Why the place is not known to exist on `on` ('' when it is)."""
    p = lp.profile
    if p.exists_from is not None and on < p.exists_from:
        return f"exists from {p.exists_from.isoformat()} ({short(p.exists_source)})"
    if p.exists_until is not None and on >= p.exists_until:
        return f"ceased on {p.exists_until.isoformat()} ({short(p.exists_source)})"
    if p.existence(on) is None:
        return unknown_reason(p, on)
    return ""


def unknown_reason(p, on: date) -> str:
    """Why a place's existence on `on` is unknown: the last day a source records it, and its source."""
    seen = p.exists_last_seen.isoformat() if p.exists_last_seen else "?"
    gone = f", and none says it had ended before {p.exists_until.isoformat()}" if p.exists_until else ""
    return (f"whether it exists on {on.isoformat()} is unknown: the last day a source records it is {seen} "
            f"({short(p.exists_source)}); no source found records it after that, or says when it ended{gone}")


def existence_note(profile, on: date) -> tuple[bool | None, str | None]:
    """Whether the place exists on `on` (True, False or None for unknown) and, unless it does, a sentence
    naming its dates, for an evaluation of that date."""
    state = profile.existence(on)
    if state is True:
        return True, None
    if state is None:
        return None, f"{profile.name}: " + unknown_reason(profile, on) + \
            "; what follows is what the pack would conclude for it, were it there"
    dates = []
    if profile.exists_from is not None:
        dates.append(f"from {profile.exists_from.isoformat()}")
    if profile.exists_until is not None:
        dates.append(f"until {profile.exists_until.isoformat()} (the first day it no longer exists)")
    return False, (f"{profile.name} does not exist on {on.isoformat()}: it exists {' '.join(dates)} "
                   f"({short(profile.exists_source)}); what follows is what the pack would conclude for it")


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
            left.append(LeftOut(lp.id, lp.profile.name, reason, lp.profile.existence(on) is None))
        else:
            kept.append(lp)
    return kept, left


def changes_ahead(profile: Profile, on: date) -> list[tuple[date, str]]:
    """What ends the place, or replaces its member councils, after `on`, from its `exists` dates and the council
    register (decided reorganisations, and decided ones the register does not apply): (day, sentence), by day."""
    reg = register()
    out: list[tuple[date, str]] = []
    members = profile.members_at(on)
    by_change: dict[str, list[str]] = {}
    for code in members:
        r = reg.ended_by(code)
        if r is not None and r.day > on:
            by_change.setdefault(r.id, []).append(code)
    for r in reg.reorganisations:
        if r.id in by_change:
            codes = by_change[r.id]
            names = ", ".join(reg.name(c) for c in codes)
            # only the successors that take a member's area (Elmbridge goes to East Surrey, not West Surrey)
            succ = " and ".join(reg.name(s) for s, preds in r.successors.items() if set(codes) & set(preds))
            which = f"its member council {names} is" if len(codes) == 1 else f"its member councils {names} are"
            out.append((r.day, f"{which} replaced by {succ} on {r.day.isoformat()} "
                               f"({r.status.replace('_', ' ')}: {short(r.sources[0])})"))
    end = profile.exists_until
    if end is not None and end > on:
        ends = f"{profile.name} ceases to exist on {end.isoformat()}"
        same_day = [i for i, (day, _s) in enumerate(out) if day == end]
        if same_day:  # the reorganisation that ends its councils ends it: one sentence, not two
            i = same_day[0]
            out[i] = (end, f"{ends}: {out[i][1]}")
        else:
            out.append((end, f"{ends} ({short(profile.exists_source) if profile.exists_source else 'its profile'})"))
    for p in reg.pending:
        if p.day > on and set(members) & set(p.councils):
            out.append((p.day, f"its member councils in the {p.area} are to be replaced by {', '.join(p.successors)} "
                               f"on {p.day.isoformat()} (decided {p.decided.isoformat()}{p.challenge()}; not applied: "
                               "its areas split districts)"))
    return sorted(out)


def decided_not_applied(profile: Profile, on: date) -> list[str]:
    """The decided reorganisations the register does not apply (their areas split districts) whose vesting day is on
    or before `on` and which replace a member council of the place: one sentence each, so what reads the place on
    such a date says its councils are given as they were before the change (as `negotiator england --as-of` does)."""
    reg = register()
    members = set(profile.members_at(on))
    return [f"its member councils in the {p.area} were to be replaced by {', '.join(p.successors)} on "
            f"{p.day.isoformat()} (decided {p.decided.isoformat()}: {short(p.sources[0])}{p.challenge()}); the "
            "register does not "
            "apply it, since the new councils' areas split districts and are not recorded, so the place is given "
            "with its councils as before it"
            for p in reg.pending_on(on, members)]
