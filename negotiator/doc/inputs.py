"""What a rulebook reads beside the built pack: its description, its policy cases, its counterparts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from .. import workspace
from ..errors import InputError
from ..pack.ir import Pack
from ..pack.load import load_pack
from ..yamlio import load_yaml
from .book import Case, Pairing


def description(pack: Pack) -> str:
    try:
        data = load_yaml(Path(pack.folder) / "pack.yaml").data
    except (InputError, OSError):
        return ""
    text = data.get("description", "") if isinstance(data, dict) else ""
    return " ".join(str(text).split())


def cases(pack: Pack, run: Callable[[Path], list[str]] | None = None) -> list[Case]:
    """The pack's policy cases, in file order; `run(file)` gives each one's failures when asked to run them."""
    folder = Path(pack.folder) / "cases"
    out = []
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = load_yaml(file, workspace.display(file)).data
        except InputError:
            continue
        if not isinstance(data, dict):
            continue
        as_of = data.get("as_of")
        checks = [data] + [c for c in data.get("at") or [] if isinstance(c, dict)]
        expect = tuple((k, v, str(c.get("as_of")) if c is not data else "")
                       for c in checks for k, v in (c.get("expect") or {}).items())
        place = data.get("place") or "a profile given in the case"
        out.append(Case(
            workspace.display(file), str(data.get("name", file.stem)), str(place),
            as_of.isoformat() if isinstance(as_of, date) else ", ".join(
                str(c.get("as_of")) for c in data.get("at") or [] if isinstance(c, dict)),
            tuple((data.get("change") or {}).items()), expect,
            tuple(x for c in checks for x in c.get("rules_true") or []),
            tuple(x for c in checks for x in c.get("rules_false") or []),
            tuple(run(file)) if run else None))
    return out


def pairings(pack: Pack) -> list[Pairing]:
    """Counterparts this pack declares for earlier packs, and those later packs declare for this one."""
    from ..round.compare import FILE, load_counterparts
    ws = workspace.current()
    out = []
    candidates = [(Path(pack.folder), None)] + [(ws.rules / name, name) for name in ws.packs() if name != pack.id]
    for root, name in candidates:
        path = root / FILE
        if not path.is_file():
            continue
        try:
            data = load_yaml(path).data
        except InputError:
            continue
        earlier = list((data or {}).get("counterparts") or {}) if isinstance(data, dict) else []
        for then_id in earlier:
            if name is not None and then_id != pack.id:
                continue
            try:
                now = pack if name is None else load_pack(root)
                then = pack if name is not None else load_pack(then_id)
                cp = load_counterparts(now, root, then)
            except InputError:
                continue
            mapped = cp.mapped()
            out.append(Pairing(
                then.id, now.id, cp.file,
                tuple((pid, then.power(pid).title, tuple((n, now.power(n).title) for n in targets), note)
                      for pid, (targets, note) in cp.pairs.items()),
                tuple((p.id, p.title) for p in now.powers if p.id not in mapped)))
    return out
