"""The rulebook as a self-contained HTML site (one page a section, nothing loaded from elsewhere) and as
one Markdown file. Both are pure functions of the Book: the same pack gives the same bytes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..atomic import write_set
from ..text import md_text
from .book import KIND_WORD, PAGE, Book, Entry, Line, Ref

MD_NAME = "rulebook.md"


def _href(ref: Ref) -> str:
    return f"{PAGE.get(ref.kind, 'index')}.html#{ref.anchor}"


def html_parts(parts) -> Markup:
    out = []
    for p in parts:
        if isinstance(p, Ref):
            out.append(Markup('<a href="{}">{}</a>').format(_href(p), p.title))
            if p.shows_id:
                out.append(Markup(' <code class="id">{}</code>').format(p.id))
        else:
            out.append(escape(p))
    return Markup("").join(out)


def inline_code(text: str) -> Markup:
    """Plain text with its `backticked` spans as <code> (the sections' introductions are written for the
    Markdown rulebook too, where backticks are code): everything escaped, no other markup."""
    pieces = str(text).split("`")
    if len(pieces) % 2 == 0:  # an unmatched backtick: show the text as it is
        return escape(text)
    return Markup("").join(Markup("<code>{}</code>").format(p) if i % 2 else escape(p) for i, p in enumerate(pieces))


def _search_text(e: Entry) -> str:
    bits = [e.kind, e.id, e.title, e.text] + [v for _k, v in e.facts] + [
        p if isinstance(p, str) else p.title for ln in e.lines for p in ln.parts]
    return " ".join(" ".join(bits).lower().split())


def _used_by_groups(e: Entry) -> list[tuple[str, list[Ref]]]:
    groups: dict[str, list[Ref]] = {}
    for how, ref in e.used_by:
        groups.setdefault(f"{how} {KIND_WORD.get(ref.kind, ref.kind)}", []).append(ref)
    return list(groups.items())


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("negotiator.doc", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)
    env.globals.update(parts=html_parts, code=inline_code, href=_href, search_text=_search_text, used_by_groups=_used_by_groups,
                       word=KIND_WORD)
    return env


def html_pages(book: Book) -> dict[str, str]:
    """index.html and a page for each section, by file name."""
    env = _env()
    nav = [("index", "Overview")] + [(s.page, s.title) for s in book.sections]
    pages = {"index.html": env.get_template("index.html.j2").render(b=book, nav=nav, here="index")}
    for s in book.sections:
        pages[f"{s.page}.html"] = env.get_template("section.html.j2").render(b=book, nav=nav, here=s.page, s=s)
    return pages


# --- Markdown ---------------------------------------------------------------------------------------

def _md_str(text: str) -> str:
    """md_text, keeping the spaces at either end (a line is made of several parts)."""
    core = md_text(text)
    if not core:
        return " " if text.strip() == "" and text else ""
    return (" " if text[:1].isspace() else "") + core + (" " if text[-1:].isspace() else "")


def _md_parts(parts) -> str:
    return "".join(_md_str(p) if isinstance(p, str) else _md_ref(p) for p in parts)


def _md_ref(r: Ref) -> str:
    if r.kind == "case":  # a policy case by its sentence: its id is the same words hyphenated, one long word
        return md_text(r.title)
    return f"{md_text(r.title)} (`{r.id}`)" if r.shows_id else f"`{r.id}`"


def _md_lines(lines: list[Line]) -> list[str]:
    return ["  " * ln.depth + "- " + _md_parts(ln.parts) for ln in lines]


def markdown(book: Book) -> str:
    out = [f"# Rulebook: {md_text(book.title)}", "",
           f"Pack `{book.pack_id}` version {md_text(book.version)}, in effect from {book.effective}; "
           f"hash `{book.hash[:12]}`; read from `{book.root}`.", ""]
    if book.description:
        out += [md_text(book.description), ""]
    out += ["Contents:", ""] + [f"- {md_text(s.title)} ({len(s.entries)})" for s in book.sections] + [""]
    for s in book.sections:
        out += [f"## {md_text(s.title)}", "", md_text(s.intro), ""]
        for e in s.entries:
            named = "" if e.kind == "case" else f" `{e.id}`"  # a case's id is its title hyphenated: its file says it
            out += [f"### {md_text(e.title)}", "", f"{KIND_WORD.get(e.kind, e.kind).capitalize()}{named}" +
                    (f", declared in `{e.declared}`" if e.declared else "") + "."]
            if e.text and e.text != e.title:
                out += ["", md_text(e.text)]
            facts = ([("source", f"{e.source.title} ({e.source.id})")] if e.source else []) + \
                ([("dates of force", e.in_force)] if e.in_force else []) + e.facts
            if facts:
                out += [""] + [f"- **{md_text(k).capitalize()}**: {md_text(v)}" for k, v in facts]
            if e.lines:
                out += ["", f"{md_text(e.lines_title or 'Detail')}:", ""] + _md_lines(e.lines)
            if e.uses:
                out += ["", "Uses: " + "; ".join(f"{KIND_WORD.get(r.kind, r.kind)} {_md_ref(r)}"
                                                 for r in e.uses) + "."]
            for how, refs in _used_by_groups(e):
                out += ["", f"{md_text(how).capitalize()}: " + "; ".join(_md_ref(r) for r in refs) + "."]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def write_site(book: Book, out: Path) -> list[Path]:
    """Write the HTML pages and rulebook.md into `out`, replacing an earlier rulebook as a set."""
    from ..text import html_safe
    files: dict[str, str] = {name: html_safe(page) for name, page in html_pages(book).items()}
    files[MD_NAME] = markdown(book)
    return write_set(out, files, kind="doc")
