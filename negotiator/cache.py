"""An on-disk cache of built rule packs (and of the shared vocabulary profiles are read against, the council
register, and the parsed YAML of profiles read one at a time).

Building a pack means parsing its YAML, validating it with pydantic models and
type-checking every rule: most of the time a one-place command such as
`negotiator evaluate kent` spends, and all of it repeated on every run. The
built, immutable form is kept in a user cache folder, keyed by everything it is
made from: the bytes of every file the pack reads (the pack's hash), parameter
overrides and who set them, the pack's folder and the workspace's (locations in
the pack are recorded relative to it; the current folder is not part of it, as
locations are made relative to it only when printed), and the source of the modules
that build and define the form. Anything different is a different entry, so a
cached pack is always the one a fresh build would give.

Where: $NEGOTIATOR_CACHE (a folder, or `off`), else $XDG_CACHE_HOME/negotiator,
else ~/.cache/negotiator. The folder is created private (0700), entries are
written atomically, at most MAX_ENTRIES of each kind are kept, and any failure (read-only
home, a damaged entry) just means building as before.

Entries are pickles, and loading a pickle can run code: so, as pip turns its cache off when the folder
is not the user's, the folder is used only when it is owned by the user running negotiator and no one
else can write it (nor the entry itself, which must be the user's too). Otherwise negotiator says so once
on stderr and builds every pack afresh; nothing in such a folder is ever loaded.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import stat
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .text import terminal_line

#: Entries kept of each kind (packs, vocabularies, council registers, place profiles), the newest.
MAX_ENTRIES = 64
#: Modules whose code decides what a built pack (or vocabulary, or the council register) holds.
#: (yamlio.py gives the line numbers baked into every location of a built pack; workspace.py how paths are shown.)
_SOURCES = ("pack/ir.py", "pack/load.py", "pack/spec.py", "pack/layout.py", "pack/build.py", "pack/conditions.py",
            "vocab/facts.py", "vocab/declare.py", "vocab/places.py", "vocab/profile.py", "yamlio.py", "bounds.py",
            "months.py", "values.py", "errors.py", "validation.py", "workspace.py", "cache.py", "__init__.py",
            "vocab/councils.py", "census.py", "vocab/kept.py")


def folder() -> Path | None:
    setting = os.environ.get("NEGOTIATOR_CACHE")
    if setting is not None and setting.strip().lower() in ("", "off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "negotiator"


@lru_cache(maxsize=1)
def _code() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _SOURCES:
        try:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    return digest.hexdigest()


def key(*parts: Any) -> str:
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = "?"
    text = "\0".join(map(repr, (_code(), cwd) + parts))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def untrusted(info: os.stat_result) -> str | None:
    """Why a cache folder or entry with this status is not safe to load from, or None."""
    if info.st_uid != os.geteuid():
        return f"it belongs to user {info.st_uid}, not to you ({os.geteuid()})"
    if info.st_mode & 0o022:
        return f"others can write it (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


_WARNED: set[str] = set()


def _usable(where: Path) -> bool:
    """Whether the cache folder may be used: missing (it will be made private) or the user's and private."""
    try:
        info = os.stat(where)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    why = untrusted(info) if stat.S_ISDIR(info.st_mode) else "it is not a folder"
    if why is None:
        return True
    if str(where) not in _WARNED:
        _WARNED.add(str(where))
        sys.stderr.write(f"Warning: not using the cache folder {terminal_line(str(where))}: {why}; built packs are "
                         "not cached (set NEGOTIATOR_CACHE to a folder of your own, or to off)\n")
    return False


def cached(kind: str, parts: tuple, build: Callable[[], Any], check: Callable[[Any], bool]) -> Any:
    """`build()`, or the entry stored for the same kind and parts (when `check` accepts it)."""
    where = folder()
    if where is None or not _usable(where):
        return build()
    path = where / f"{kind}-{key(kind, *parts)}.pickle"
    try:
        with open(path, "rb") as f:
            if untrusted(os.fstat(f.fileno())):
                raise PermissionError(path)  # planted or opened up by someone else: never loaded
            found = pickle.load(f)
        if check(found):
            return found
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged or stale entry: build instead, and replace it
        pass
    value = build()
    _store(where, path, value, kind)
    return value


def _store(where: Path, path: Path, value: Any, kind: str) -> None:
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if untrusted(os.stat(where)):
            return
        tmp = where / f".{path.name}.{secrets.token_hex(4)}.tmp"
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        entries = sorted(where.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is no cache, not an error
        try:
            tmp.unlink(missing_ok=True)  # type: ignore[possibly-undefined]
        except Exception:  # noqa: BLE001
            pass


def template_cache() -> Any:
    """A Jinja2 bytecode cache in the cache folder (compiled report templates, checked against their source
    by Jinja2), or None where there is no usable cache folder. Entries are loaded only when the user's own and
    no one else can write them, as pickled packs are (marshalled code runs when loaded too)."""
    found = folder()
    if found is None or not _usable(found):
        return None
    where: Path = found
    from jinja2 import BytecodeCache

    class _Templates(BytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:
                with open(where / f"template-{bucket.key}.jinja", "rb") as f:
                    if untrusted(os.fstat(f.fileno())):
                        return
                    bucket.load_bytecode(f)
            except FileNotFoundError:
                pass
            except Exception:  # noqa: BLE001 - a damaged entry: compile instead (and replace it)
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            path = where / f"template-{bucket.key}.jinja"
            tmp = where / f".{path.name}.{secrets.token_hex(4)}.tmp"
            try:
                where.mkdir(mode=0o700, parents=True, exist_ok=True)
                if untrusted(os.stat(where)):
                    return
                with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), "wb") as f:
                    bucket.write_bytecode(f)
                os.replace(tmp, path)
            except Exception:  # noqa: BLE001 - a cache that cannot be written is no cache, not an error
                try:
                    tmp.unlink(missing_ok=True)
                except Exception:  # noqa: BLE001
                    pass

    return _Templates()
