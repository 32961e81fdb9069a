"""What changed between two versions of a pack (`negotiator doc --diff OLD NEW`), entry by entry, in the
rulebook's words: entries added, entries removed, and for each changed entry the fields that changed
with their old and new text. Entries are matched by kind and id; the order of entries is the new
rulebook's, then the removed ones in the old rulebook's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import escape

from ..text import md_text
from .book import KIND_WORD, SECTIONS, Book, Entry


@dataclass
class Change:
    kind: str
    id: str
    title: str
    what: str                                   # "added", "removed", "changed"
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)


@dataclass
class BookDiff:
    old: str
    new: str
    changes: list[Change]

    @property
    def same(self) -> bool:
        return not self.changes


def _label(b: Book) -> str:
    return f"{b.pack_id} v{b.version} (in effect from {b.effective}, hash {b.hash[:12]})"


def diff_books(old: Book, new: Book) -> BookDiff:
    before, after = old.entries(), new.entries()
    changes: list[Change] = []
    header = [("pack", old.pack_id, new.pack_id), ("version", old.version, new.version),
              ("in effect from", old.effective, new.effective), ("title", old.title, new.title),
              ("description", old.description, new.description)]
    moved = [(f, a, b) for f, a, b in header if a != b]
    if moved:
        changes.append(Change("pack", new.pack_id, new.title, "changed", moved))
    for key, e in after.items():
        if key not in before:
            changes.append(Change(e.kind, e.id, e.title, "added", _fields({}, e.comparable())))
            continue
        fields = _fields(before[key].comparable(), e.comparable())
        if fields:
            changes.append(Change(e.kind, e.id, e.title, "changed", fields))
    for key, e in before.items():
        if key not in after:
            changes.append(Change(e.kind, e.id, e.title, "removed", _fields(e.comparable(), {})))
    order = {kind: i for i, (kind, _p, _t) in enumerate(SECTIONS)}
    order.update({"pack": -1, "menu": order["power"], "budget": order["power"], "round": order["parameter"]})
    changes.sort(key=lambda c: order.get(c.kind, 99))  # stable: within a section, the rulebook's order
    return BookDiff(_label(old), _label(new), changes)


def _fields(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(k, old.get(k, ""), new.get(k, "")) for k in list(dict.fromkeys(list(new) + list(old)))
            if old.get(k, "") != new.get(k, "")]


def _what(c: Change) -> str:
    return f"{KIND_WORD.get(c.kind, c.kind).capitalize()} {c.what}: {c.title} ({c.id})"


def markdown(d: BookDiff) -> str:
    out = [f"# What changed: {md_text(d.old)} → {md_text(d.new)}", ""]
    if d.same:
        return "\n".join(out + ["Nothing: the two rulebooks say the same."]) + "\n"
    counts: dict[str, int] = {}
    for c in d.changes:
        counts[c.what] = counts.get(c.what, 0) + 1
    out += [", ".join(f"{n} {what}" for what, n in counts.items()) + ".", ""]
    for c in d.changes:
        out += [f"## {md_text(_what(c))}", ""]
        for name, old, new in c.fields:
            if c.what == "changed":
                out += [f"- **{md_text(name)}**", f"  - was: {_md_block(old) or '(nothing)'}",
                        f"  - now: {_md_block(new) or '(nothing)'}"]
            else:
                out += [f"- **{md_text(name)}**: {_md_block(new or old)}"]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_block(text: str) -> str:
    return " / ".join(md_text(line.strip()) for line in text.splitlines() if line.strip())


def html(d: BookDiff) -> str:
    parts = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>What changed: {escape(d.old)} → {escape(d.new)}</title>\n<style>\n"
             "body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:16px 24px;color:#1f2328}"
             "h2{font-size:17px;margin:22px 0 4px} table{border-collapse:collapse;width:100%}"
             "th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;white-space:pre-wrap}"
             "th{background:#f6f8fa;width:16%} .old{background:#ffebe9} .new{background:#dafbe1}"
             ".added{color:#1a7f37} .removed{color:#cf222e} .changed{color:#9a6700}\n</style>\n</head>\n<body>\n",
             f"<h1>What changed</h1>\n<p>From {escape(d.old)}<br>to {escape(d.new)}</p>\n"]
    if d.same:
        parts.append("<p>Nothing: the two rulebooks say the same.</p>\n")
    for c in d.changes:
        parts.append(f'<h2><span class="{c.what}">{escape(KIND_WORD.get(c.kind, c.kind).capitalize())} '
                     f"{c.what}</span>: {escape(c.title)} <code>{escape(c.id)}</code></h2>\n<table>\n")
        for name, old, new in c.fields:
            if c.what == "changed":
                parts.append(f'<tr><th>{escape(name)}</th><td class="old">{escape(old) or "(nothing)"}</td>'
                             f'<td class="new">{escape(new) or "(nothing)"}</td></tr>\n')
            else:
                parts.append(f'<tr><th>{escape(name)}</th><td colspan="2" class="{"new" if new else "old"}">'
                             f"{escape(new or old)}</td></tr>\n")
        parts.append("</table>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


__all__ = ["BookDiff", "Change", "diff_books", "markdown", "html", "Entry"]
