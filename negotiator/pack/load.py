"""Load a rule pack folder, validate it strictly, and build its intermediate form.

A pack is a folder of YAML files (see rules/README.md). Loading reports every
problem at once, each with file, line and field: unknown keys, facts, rules,
parameters, tiers, powers or sources, duplicate ids, values that do not fit a
fact's declared type, cycles among rules, and packs too large for the engines.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import workspace
from ..bounds import read_bytes, value_problem
from ..errors import InputError, Problem, nearest
from ..yamlio import Located, load_yaml
from . import layout
from .ir import Pack
from .layout import PACK_ID

if TYPE_CHECKING:
    from . import spec as S
else:
    from .layout import S  # pack/spec.py, imported when a pack is built


def resolve_pack(name_or_path: str | Path | None) -> Path:
    """A pack folder from a path, or from the name of a pack in the workspace (default: its first pack)."""
    ws = workspace.current()
    if name_or_path is None:
        return ws.rules / default_pack(ws)
    path = Path(name_or_path)
    if path.is_dir():
        if not (path / "pack.yaml").is_file():
            raise InputError([Problem(str(path), "is not a rule pack: it has no pack.yaml", code="not_found")])
        return path
    if path.name == "pack.yaml" and path.is_file():
        return path.parent
    text = str(name_or_path)
    if PACK_ID.fullmatch(text) and (ws.rules / text / "pack.yaml").is_file():
        return ws.rules / text
    names = ws.packs()
    raise InputError([Problem(text, f"no such rule pack folder or pack name (in {ws.describe()}: "
                                    f"{', '.join(names) or 'none'})", suggestion=nearest(text, names), code="not_found")])


def default_pack(ws: workspace.Workspace) -> str:
    """The pack used when none is named: the one whose pack.yaml says `default: true`, or the only one."""
    from ..vocab.kept import load_kept
    names = ws.packs()
    if not names:
        raise InputError([Problem(str(ws.rules), "no rule pack found (a folder with a pack.yaml)", code="not_found")])
    marked = []
    for name in names:
        try:
            meta = load_kept(ws.rules / name / "pack.yaml").data
        except InputError:
            continue
        if isinstance(meta, dict) and meta.get("default") is True:
            marked.append(name)
    if len(marked) == 1:
        return marked[0]
    if len(names) == 1:
        return names[0]
    raise InputError([Problem(str(ws.rules), f"name a rule pack with --rules ({', '.join(names)}): "
                              + ("several say default: true" if marked else "none says default: true in its pack.yaml"), code="missing")])


def _vocabulary_dir(name: str, pack_root: Path) -> Path | None:
    for base in (pack_root.parent, workspace.current().rules, workspace.bundled().rules):
        if (base / name / "facts.yaml").is_file():
            return base / name
    return None


def _read_all(root: Path) -> tuple[dict[str, bytes], dict[str, Path]]:
    """The bytes of every file of the pack and of the vocabularies it uses (for the hash and the build)."""
    texts: dict[str, bytes] = {}
    where: dict[str, Path] = {}
    for name in layout.FILES:
        file = root / name
        if os.path.lexists(file):  # whatever is there: a pipe or a link to a device is refused, not skipped
            texts[name] = _bytes(file)
            where[name] = file
    uses: list[str] = []
    if "pack.yaml" in texts:
        try:
            from ..vocab.kept import parse_kept
            meta = parse_kept(texts["pack.yaml"], workspace.record(root / "pack.yaml")).data
            uses = [u for u in (meta or {}).get("uses", []) if isinstance(u, str)] if isinstance(meta, dict) else []
        except InputError:
            uses = []
    for name in uses:
        folder = _vocabulary_dir(name, root) if PACK_ID.fullmatch(name) else None
        if folder is not None:
            texts[f"uses/{name}/facts.yaml"] = _bytes(folder / "facts.yaml")
            where[f"uses/{name}/facts.yaml"] = folder / "facts.yaml"
    return texts, where


def _bytes(file: Path) -> bytes:
    """A pack file's bytes: a regular file of at most yamlio.MAX_BYTES (a pipe, device or link loop is refused)."""
    from .. import yamlio
    return read_bytes(file, workspace.record(file), yamlio.MAX_BYTES)


class _Built:
    """The built packs of this process, one per everything that changes what a build gives (thread-safe).

    Keyed by the pack's folder (absolute), the bytes of its files, the parameter values in effect and who set
    them, the workspace its locations are recorded against, and the code that builds it; not by the working
    folder, which only printing reads. The
    one public way to forget them is `negotiator.compiled.clear()` (what is derived from a pack hangs off
    the pack object: see negotiator/compiled).
    """

    MAX = 256

    def __init__(self) -> None:
        self._packs: OrderedDict[tuple, Pack] = OrderedDict()
        self._lock = threading.RLock()

    def get(self, key: tuple, build: Callable[[], Pack]) -> Pack:
        with self._lock:  # one build at a time: two threads asking for one pack share its object
            found = self._packs.get(key)
            if found is None:
                found = self._packs[key] = build()
                while len(self._packs) > self.MAX:
                    self._packs.popitem(last=False)
            else:
                self._packs.move_to_end(key)
            return found

    def clear(self) -> None:
        with self._lock:
            self._packs.clear()


_BUILT = _Built()


def clear() -> None:
    """Forget every built pack (negotiator.compiled.clear is the public name)."""
    _BUILT.clear()


def _recorded_against() -> str:
    """The folder a pack's locations are recorded relative to (workspace.record), and whose rules/ lends it the
    vocabularies it uses: part of its identity. The working folder is not (locations are made relative to it
    only when printed: workspace.from_here)."""
    return str(workspace.current().root)


def load_pack(name_or_path: str | Path | None = None, parameters: dict[str, Any] | None = None,
              set_by: str = "round config") -> Pack:
    """Load, validate and build a pack once; later calls with unchanged files reuse it.

    `parameters` replaces the values of some of the pack's parameters (a round config's or `--set`);
    `set_by` names where they come from, in messages and results.
    """
    root = Path(os.path.abspath(resolve_pack(name_or_path)))  # absolute: the same pack from any working folder
    texts, where = _read_all(root)
    digest = hashlib.sha256()
    for key in sorted(texts):
        digest.update(key.encode() + b"\0" + hashlib.sha256(texts[key]).digest())
    files_hash = digest.copy().hexdigest()
    overrides = dict(sorted((parameters or {}).items()))
    if overrides:  # the values in effect and who set them: results name both (the files' hash is apart)
        digest.update(repr(overrides).encode() + b"\0" + set_by.encode())
    hexdigest = digest.hexdigest()
    located = tuple(sorted((k, str(v)) for k, v in where.items()))
    setter = set_by if overrides else ""  # who set no values changes nothing
    memo = (str(root.resolve()), str(root), hexdigest, setter, located, _recorded_against())

    def build() -> Pack:
        from ..cache import cached
        return cached("pack", (str(root), hexdigest, tuple(overrides.items()), setter, located, _recorded_against()),
                      lambda: _build(root, hexdigest, where, overrides, set_by, files_hash),
                      lambda found: isinstance(found, Pack) and found.hash == hexdigest
                      and getattr(found, "files_hash", None) == files_hash)
    return _BUILT.get(memo, build)


def _build(root: Path, digest: str, where: dict[str, Path], overrides: dict[str, Any] | None = None,
           set_by: str = "round config", files_hash: str = "") -> Pack:
    from pydantic import ValidationError

    from ..validation import problems_from
    problems: list[Problem] = []
    docs: dict[str, Located] = {}
    specs: dict[str, Any] = {}
    for name in S.FILES:
        if name not in where:
            if name in S.REQUIRED:
                problems.append(Problem(workspace.record(root / name), "required file of a rule pack is missing", code="missing"))
            continue
        try:
            doc = load_yaml(where[name], workspace.record(where[name]))
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        docs[name] = doc
        if name == "facts.yaml":
            continue
        if not isinstance(doc.data, dict):
            problems.append(doc.problem((), "expected a mapping of fields"))
            continue
        try:
            specs[name] = S.SCHEMAS[name].model_validate(doc.data)
        except ValidationError as exc:
            problems.extend(problems_from(exc, S.SCHEMAS[name], doc))
    if problems or any(n in docs and n not in specs for n in S.SCHEMAS):
        raise InputError(problems)
    for key, file in where.items():
        if key.startswith("uses/"):
            try:
                docs[key] = load_yaml(file, workspace.record(file))
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    if overrides:
        specs["parameters.yaml"] = _override(specs.get("parameters.yaml"), overrides, set_by)
    from .build import Builder
    builder = Builder(root, digest, docs, specs)
    builder.set_by = {name: set_by for name in overrides or {}}
    return replace(builder.build(), files_hash=files_hash or digest)


def _override(params: S.ParamsFile | None, overrides: dict[str, Any], set_by: str) -> S.ParamsFile:
    """The pack's parameters with some values replaced; every replacement checked against its parameter."""
    known = dict(params.parameters) if params else {}
    problems = []
    for name, value in overrides.items():
        spec = known.get(name)
        if spec is None:
            problems.append(Problem(set_by, f"unknown parameter '{name}' of the rule pack", field=name,
                                    suggestion=nearest(name, known)))
            continue
        old = spec.value
        number = isinstance(old, (int, float)) and not isinstance(old, bool)
        if number and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append(Problem(set_by, f"expected a number, got {value!r}", field=name, code="bad_value"))
            continue
        if number and value != value or value in (float("inf"), float("-inf")):
            problems.append(Problem(set_by, f"{value!r} is not a finite number", field=name, code="bad_value"))
            continue
        if not number and type(value) is not type(old):
            problems.append(Problem(set_by, f"expected {type(old).__name__}, got {value!r}", field=name, code="bad_value"))
            continue
        beyond = value_problem(value)
        if beyond:
            problems.append(Problem(set_by, beyond, field=name, code="bad_value"))
            continue
        if number and ((spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max)):
            bounds = " and ".join(b for b in (f"at least {spec.min}" if spec.min is not None else "",
                                              f"at most {spec.max}" if spec.max is not None else "") if b)
            problems.append(Problem(set_by, f"{value!r} is impossible: must be {bounds}", field=name, code="bad_value"))
            continue
        if isinstance(old, int) and isinstance(value, float) and value.is_integer():
            value = int(value)
        known[name] = spec.model_copy(update={"value": value})
    if problems:
        raise InputError(problems)
    return S.ParamsFile.model_construct(parameters=known)
