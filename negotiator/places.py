"""Loading place profiles from files, folders or bundled ids, strictly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem, nearest
from .ir import Pack
from .pack import bundled_rules_dir
from .place import Place
from .validation import validate_model
from .yamlio import Located, load_yaml


@dataclass(frozen=True)
class LoadedPlace:
    place: Place
    doc: Located


def bundled_places_dir() -> Path:
    return bundled_rules_dir().parent / "places"


def load_place(path: Path, pack: Pack | None = None) -> LoadedPlace:
    """Load and validate one profile; with a pack, also check its priorities name real powers."""
    doc = load_yaml(path, str(path))
    place = validate_model(Place, doc)
    if pack is not None:
        check_priorities(place, doc, pack)
    return LoadedPlace(place, doc)


def check_priorities(place: Place, doc: Located, pack: Pack) -> None:
    power_ids = [p.id for p in pack.powers]
    problems = [
        doc.problem(("priorities", i), f"'{pid}' is not a power of rule pack '{pack.id}'", nearest(pid, power_ids))
        for i, pid in enumerate(place.priorities) if pid not in power_ids
    ]
    if problems:
        raise InputError(problems)


def resolve_place(ref: str) -> Path:
    """A profile path, or the id of a bundled place."""
    path = Path(ref)
    if path.is_file():
        return path
    if path.suffix in (".yaml", ".yml") or "/" in ref:
        if path.is_dir():
            raise InputError([Problem(ref, "is a folder; give one place profile (a .yaml file) or a bundled place id")])
        raise InputError([Problem(ref, "no such file")])
    bundled = bundled_places_dir()
    candidate = bundled / f"{ref}.yaml"
    if candidate.is_file():
        return candidate
    ids = sorted(p.stem for p in bundled.glob("*.yaml"))
    raise InputError([Problem(ref, "no such file, and no bundled place with that id", suggestion=nearest(ref, ids))])


def expand(refs: list[str]) -> list[Path]:
    """Files and folders of profiles (folders give their *.yaml files, sorted)."""
    out: list[Path] = []
    problems = []
    for ref in refs:
        path = Path(ref)
        if path.is_dir():
            files = sorted(list(path.glob("*.yaml")) + list(path.glob("*.yml")))
            if not files:
                problems.append(Problem(ref, "folder holds no .yaml place profiles"))
            out.extend(files)
        else:
            try:
                out.append(resolve_place(ref))
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return out


def load_places(refs: list[str], pack: Pack) -> list[LoadedPlace]:
    """Load many profiles, reporting every problem in every file; ids must be unique."""
    loaded, problems = [], []
    for path in expand(refs):
        try:
            loaded.append(load_place(path, pack))
        except InputError as exc:
            problems.extend(exc.problems)
    seen: dict[str, LoadedPlace] = {}
    for item in loaded:
        other = seen.get(item.place.id)
        if other is not None:
            problems.append(item.doc.problem(("id",), f"place id '{item.place.id}' is also used by {other.doc.file}"))
        seen[item.place.id] = item
    if problems:
        raise InputError(problems)
    return sorted(loaded, key=lambda lp: lp.place.id)
