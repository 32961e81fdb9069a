"""The two things `negotiator doc` does, for the command layer to call: write a pack's rulebook, and
compare the rulebooks of two versions of a pack."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..atomic import write_set
from ..pack.load import load_pack
from . import inputs
from .book import Book, build_book
from .diff import BookDiff, diff_books, html, markdown
from .render import write_site


def rulebook(rules: str | None, run_case: Callable[[Path], list[str]] | None = None) -> Book:
    """The rulebook of a pack (a name or folder; None: the default pack), its cases run by `run_case`."""
    pack = load_pack(rules)
    return build_book(pack, inputs.description(pack), inputs.cases(pack, run_case), inputs.pairings(pack))


def write_rulebook(book: Book, out: Path) -> list[Path]:
    return write_site(book, out)


def compare(old: str, new: str) -> BookDiff:
    """What changed from the pack `old` to the pack `new` (names or folders), in the rulebook's words."""
    return diff_books(rulebook(old), rulebook(new))


def write_diff(d: BookDiff, out: Path) -> list[Path]:
    from ..text import html_safe
    return write_set(out, {"diff.html": html_safe(html(d)), "diff.md": markdown(d)}, kind="doc --diff")
