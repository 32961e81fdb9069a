"""Where rule packs, places and round configs come from.

Run inside a checkout, or in any folder (or below one) that holds `rules/` with
at least one pack and `places/`, negotiator uses those folders, so an edit to a
place or a parameter takes effect at once. Anywhere else it uses the copies
bundled with the installed package. Every output names the folder it used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Workspace:
    root: Path
    kind: str  # "working tree" or "bundled"

    @property
    def rules(self) -> Path:
        return self.root / "rules"

    @property
    def places(self) -> Path:
        return self.root / "places"

    @property
    def rounds(self) -> Path:
        return self.root / "rounds"

    def packs(self) -> list[str]:
        if not self.rules.is_dir():
            return []
        return sorted(p.name for p in self.rules.iterdir() if (p / "pack.yaml").is_file())

    def describe(self) -> str:
        return f"{self.kind} {self.root}"


def _is_workspace(folder: Path) -> bool:
    rules = folder / "rules"
    return rules.is_dir() and (folder / "places").is_dir() and any(rules.glob("*/pack.yaml"))


def bundled() -> Workspace:
    """The data shipped with the package (or, in an editable install, the checkout it came from)."""
    here = Path(str(resources.files("negotiator")))
    for candidate in (here / "bundled", here.parent):
        if _is_workspace(candidate):
            return Workspace(candidate.resolve(), "bundled" if candidate.name == "bundled" else "working tree")
    return Workspace(here / "bundled", "bundled")


@lru_cache(maxsize=8)
def _find(start: str) -> Workspace:
    folder = Path(start)
    for candidate in (folder, *folder.parents):
        if _is_workspace(candidate):
            return Workspace(candidate, "working tree")
    return bundled()


def current() -> Workspace:
    """The workspace for the current directory (NEGOTIATOR_HOME overrides the search)."""
    home = os.environ.get("NEGOTIATOR_HOME")
    if home:
        return Workspace(Path(home).resolve(), "working tree")
    try:
        cwd = Path.cwd().resolve()
    except OSError:  # the current directory was removed
        return bundled()
    return _find(str(cwd))


def display(path: Path | str) -> str:
    """A path as reports and messages record it: relative to the workspace's folder where it lies below it
    (so the same inputs give the same bytes from any working folder: rule locations, place files, the
    pack's path), else relative to the current folder where it lies below that, else absolute."""
    p = Path(path)
    try:  # the folders resolved, not the file itself: a link is named as given, not as its target
        full = p.parent.resolve() / p.name if p.name not in ("", ".", "..") else p.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return str(p)
    return _relative(full, _bases())


def record(path: Path | str) -> str:
    """A path as a built pack records it (its folder, the file of each rule and power): relative to the
    workspace's folder where it lies below it, else absolute; never relative to the current folder, so one
    built pack serves every working folder (`from_here` names it for a person, from where they are)."""
    p = Path(os.path.abspath(path))
    try:  # the folders resolved, not the file itself: a link is named as given, not as its target
        full = p.parent.resolve() / p.name if p.name else p.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return str(p)
    try:
        bases = [current().root.resolve()]
    except (OSError, RuntimeError):
        bases = []
    return _relative(full, bases)


def displayer() -> Callable[[Path | str], str]:
    """`display` for many paths in a row (a folder of place files): the workspace, the current folder and each
    folder of the paths resolved once, not once a path."""
    bases = _bases()
    named = {str(b) for b in bases}
    # each folder as given -> its resolved path, and that path as _relative shows it (text; None: no base holds it)
    folders: dict[str, tuple[Path, str | None]] = {}

    def show(path: Path | str) -> str:
        p = Path(path)
        if p.name in ("", ".", ".."):
            return display(p)
        found = folders.get(str(p.parent))
        if found is None:
            try:
                parent = p.parent.resolve()
            except (OSError, RuntimeError):
                return str(p)
            found = folders[str(p.parent)] = (parent, _relative_folder(parent, bases))
        parent, shown = found
        full = os.path.join(str(parent), p.name)
        if full in named:  # a base itself: as _relative says
            return _relative(parent / p.name, bases)
        # a file is named as its folder is, not by Path arithmetic a file (30,000 files: 0.58 -> 0.17 s)
        return full if shown is None else p.name if shown == "." else shown + os.sep + p.name
    return show


def _relative_folder(folder: Path, bases: list[Path]) -> str | None:
    """`folder` relative to the first base that holds it (or is it: "."), as _relative would name a file in it."""
    for base in bases:
        if base == Path(base.anchor):
            continue
        try:
            return str(folder.relative_to(base))
        except ValueError:
            continue
    return None


def _bases() -> list[Path]:
    bases = []
    try:
        bases.append(current().root.resolve())
    except (OSError, RuntimeError):
        pass
    try:
        bases.append(Path.cwd().resolve())
    except OSError:
        pass
    return bases


def _relative(full: Path, bases: list[Path]) -> str:
    for base in bases:
        if base == Path(base.anchor):
            continue
        try:
            return str(full.relative_to(base))
        except ValueError:
            continue
    return str(full)


def from_here(file: str) -> str:
    """A file named in a message as `display` recorded it (relative to the workspace's folder), named as
    seen from the current folder, for what is printed to a person: `../places/kent.yaml` when run in a
    folder below the workspace, a path below the current folder relative to it, and an absolute path when
    the current folder is outside the workspace. An absolute path (a pack outside the workspace, as `record`
    keeps it) is named relative to the current folder where it lies below it. Anything that is not such a
    file (an option such as `--as-of`, `request`, a path that is not there) is returned as it is."""
    if not file or file.startswith("-"):
        return file
    if os.path.isabs(file):
        try:
            cwd = Path.cwd().resolve()
        except OSError:
            return file
        if cwd != Path(cwd.anchor) and Path(file).is_relative_to(cwd):
            return os.path.relpath(file, cwd)
        return file
    try:
        root, cwd = current().root.resolve(), Path.cwd().resolve()
    except (OSError, RuntimeError):
        return file
    if root == cwd:
        return file
    full = root / file
    try:
        if not full.exists() or ((cwd / file).exists() and (cwd / file).resolve() == full.resolve()):
            return file  # not a file of the workspace, or one the current folder names the same way
    except (OSError, RuntimeError, ValueError):
        return file
    if cwd.is_relative_to(root) or full.is_relative_to(cwd):
        return os.path.relpath(full, cwd)
    return str(full)


def where_from_here(where: str) -> str:
    """A location `file:line` (a rule's, a power's) named as seen from the current folder (`from_here`)."""
    file, sep, line = where.rpartition(":")
    if sep and line.isdigit():
        return f"{from_here(file)}:{line}"
    return from_here(where)
