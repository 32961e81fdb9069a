"""Loading place profiles from files, folders or place ids, strictly, against a pack's vocabulary."""

from __future__ import annotations

import os

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import workspace
from ..errors import InputError, Problem, nearest
from ..bounds import read_bytes
from ..yamlio import MAX_BYTES, Located, load_yaml
from .facts import FactDecl, Vocabulary
from .profile import Profile, parse_profile


@dataclass(frozen=True)
class LoadedPlace:
    profile: Profile
    doc: Located

    @property
    def id(self) -> str:
        return self.profile.id


@lru_cache(maxsize=16)
def _foreign(rules_dir: str, stamp: tuple) -> dict[str, FactDecl]:
    """Facts declared by every pack and shared vocabulary in a rules folder (for profiles serving several packs).

    Built once per content of those files, and kept in the cache (negotiator/cache.py) between runs.
    """
    import hashlib

    from ..cache import cached
    folder = Path(rules_dir)
    content = hashlib.sha256()
    for file in sorted(list(folder.glob("*/facts.yaml")) + list(folder.glob("*/powers.yaml"))):
        try:  # a pipe, device or link loop here is skipped unread (bounds), never waited on
            content.update(str(file).encode() + b"\0" + read_bytes(file, str(file), MAX_BYTES))
        except InputError:
            content.update(str(file).encode() + b"\0unreadable")
    return cached("vocabulary", (rules_dir, content.hexdigest()), lambda: _read_foreign(rules_dir),
                  lambda found: isinstance(found, dict))


def _read_foreign(rules_dir: str) -> dict[str, FactDecl]:
    from .declare import read_facts
    out: dict[str, FactDecl] = {}
    folder = Path(rules_dir)
    for facts_file in sorted(folder.glob("*/facts.yaml")):
        try:
            doc = load_yaml(facts_file, workspace.display(facts_file))
        except InputError:
            continue  # a broken pack is reported when it is used, not when another pack reads a profile
        decls, extends, _problems = read_facts(doc, {})
        for name, decl in decls.items():
            out.setdefault(name, decl)
        for name, ext in extends.items():
            if name in out and out[name].type == "choice":
                from dataclasses import replace
                base = out[name]
                extra = tuple(v for v in ext.values if v not in base.values)
                out[name] = replace(base, values=base.values + extra,
                                    value_titles=base.value_titles + tuple((v, ext.values[v]) for v in extra))
        powers_file = facts_file.parent / "powers.yaml"
        if powers_file.is_file():
            try:
                pdoc = load_yaml(powers_file)
                ids = tuple(p["id"] for p in pdoc.data.get("powers", []) if isinstance(p, dict) and "id" in p)
            except (InputError, AttributeError, TypeError):
                ids = ()
            for name, decl in list(out.items()):
                if decl.type == "list" and decl.of == "power" and name in decls:
                    out[name] = replace_values(decl, ids)
    return out


def replace_values(decl: FactDecl, values: tuple[str, ...]) -> FactDecl:
    from dataclasses import replace
    return replace(decl, values=values)


def profile_vocabulary(pack) -> Vocabulary:
    """The pack's vocabulary, plus the facts of the other packs in its workspace a profile may also state."""
    rules_dirs = {Path(pack.folder).resolve().parent, workspace.current().rules.resolve()}
    foreign: dict[str, FactDecl] = {}
    for d in sorted(rules_dirs):
        if d.is_dir():
            stamp = tuple(sorted((str(f), f.stat().st_mtime_ns, f.stat().st_size)
                                 for f in list(d.glob("*/facts.yaml")) + list(d.glob("*/powers.yaml"))))
            for name, decl in _foreign(str(d), stamp).items():
                foreign.setdefault(name, decl)
    own = pack.vocabulary
    return Vocabulary(own.facts, {n: d for n, d in foreign.items() if n not in own.facts}, own.requests)


def load_place(path: Path, pack) -> LoadedPlace:
    """Load and validate one profile against the pack's vocabulary (and the other packs' facts)."""
    from .kept import load_kept
    doc = load_kept(path, workspace.display(path))
    return LoadedPlace(parse_profile(doc, profile_vocabulary(pack)), doc)


def resolve_place(ref: str) -> Path:
    """A profile path, or the id of a place in the workspace's places/ folder."""
    path = Path(ref)
    if path.is_file():
        return path
    if path.exists() and not path.is_dir():
        raise InputError([Problem(ref, "is not a regular file; give a place profile (a .yaml file)", code="file")])
    if path.suffix in (".yaml", ".yml") or "/" in ref:
        if path.is_dir():
            raise InputError([Problem(ref, "is a folder; give one place profile (a .yaml file) or a place id", code="file")])
        raise InputError([Problem(ref, "no such file", code="not_found")])
    ws = workspace.current()
    candidate = ws.places / f"{ref}.yaml"
    if candidate.is_file():
        return candidate
    ids = sorted(p.stem for p in ws.places.glob("*.yaml"))
    raise InputError([Problem(ref, f"no such file, and no place with that id in {_places_here(ws)}",
                              suggestion=nearest(ref, ids), code="not_found")])


def _places_here(ws: workspace.Workspace) -> str:
    """The workspace's places folder as a person in the current folder would name it: `places/` at the top of
    a checkout, `../places/` below it, else the bundled places with their full path."""
    import os
    try:
        cwd = Path.cwd().resolve()
        folder = ws.places.resolve()
    except (OSError, RuntimeError):
        return f"{ws.places}/"
    if ws.kind == "bundled":
        return f"the bundled places ({folder}/)"
    if cwd.is_relative_to(ws.root.resolve()) or folder.is_relative_to(cwd):
        return os.path.relpath(folder, cwd) + "/"
    return f"{folder}/"


PACK_FILES = ("rules.yaml", "powers.yaml", "accountability.yaml", "parameters.yaml")


def expand(refs: list[str]) -> list[Path]:
    """Files and folders of profiles (folders give their *.yaml files, sorted)."""
    out: list[Path] = []
    problems = []
    for ref in refs:
        path = Path(ref)
        if path.is_dir() and any((path / n).is_file() for n in PACK_FILES):
            problems.append(Problem(ref, "looks like a rule pack (it has "
                                         f"{', '.join(n for n in PACK_FILES if (path / n).is_file())}) but has no "
                                         "pack.yaml; a folder of place profiles holds no pack files"))
        elif path.is_dir():
            # the order of the paths themselves (they share their folder, so their names in the system's case
            # rule), without a comparison of Path objects a step: that alone took 0.1 s for 30,000 files
            files = sorted(list(path.glob("*.yaml")) + list(path.glob("*.yml")), key=lambda f: os.path.normcase(f.name))
            if not files:
                problems.append(Problem(ref, "folder holds no .yaml place profiles", code="not_found"))
            out.extend(files)
        else:
            try:
                out.append(resolve_place(ref))
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return out


def load_places(refs: list[str], pack) -> list[LoadedPlace]:
    """Load many profiles, reporting every problem in every file; ids must be unique."""
    loaded, problems = [], []
    vocab = profile_vocabulary(pack)
    display = workspace.displayer()  # each folder resolved once, not once a file
    for path in expand(refs):
        try:
            doc = load_yaml(path, display(path))
            loaded.append(LoadedPlace(parse_profile(doc, vocab), doc))
        except InputError as exc:
            problems.extend(exc.problems)
    seen: dict[str, LoadedPlace] = {}
    for item in loaded:
        other = seen.get(item.id)
        if other is not None:
            problems.append(item.doc.problem(("id",), f"place id '{item.id}' is also used by {other.doc.file}"))
        seen[item.id] = item
    if problems:
        raise InputError(problems)
    return sorted(loaded, key=lambda lp: lp.id)
