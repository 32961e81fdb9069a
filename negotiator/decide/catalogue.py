"""The catalogue of a pack (each rule, tier, power and source once) and references to packs and places."""

from __future__ import annotations

from datetime import date

from .. import workspace
from ..compiled import compiled
from ..pack.ir import Pack
from ..results import Catalogue, PackRef, PlaceRef
from ..vocab.profile import Profile


def catalogue(pack: Pack) -> Catalogue:
    """Everything results refer to by id, for one pack (built once, kept with the compiled pack)."""
    return compiled(pack).catalogue


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
