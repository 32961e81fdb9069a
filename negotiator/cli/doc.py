"""`negotiator doc`: a rule pack as a rulebook people can read and sign off, and what changed between two
versions of a pack."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple

import typer

from ..errors import InputError, Problem
from .common import RulesOption, app, json_option, line, out_folder, out_option, say


@app.command()
def doc(
    rules: Optional[str] = RulesOption,
    out: Optional[str] = out_option("Folder for the rulebook: index.html, a page a section, rulebook.md (with "
                                    "--diff: diff.html and diff.md). Without it, Markdown on stdout.", required=False),
    diff: Optional[Tuple[str, str]] = typer.Option(None, "--diff", metavar="OLD NEW",
                                                   help="Show what changed between two versions of a pack "
                                                        "(pack names or folders)."),
    as_json: bool = json_option("the files written, or the Markdown without --out (schema kind files)"),
) -> None:
    """A rulebook of a rule pack, for people who sign it off: every fact, rule, tier, power, menu, move,
    counterpart and parameter in words, with its source, dates of force, what it uses and what uses it,
    and the policy cases as worked examples (run now, each marked holds or fails).

    Example: negotiator doc --rules english-devolution-2026 --out out/rulebook-2026

    Example: negotiator doc --diff route-map-2010 my-copy-of-route-map-2010
    """
    from ..doc import diff as book_diff
    from ..doc import render
    from ..doc.run import compare, rulebook, write_diff, write_rulebook
    from ..testing import run_case_file

    def run_case(file: Path) -> list[str]:
        try:
            return run_case_file(file).failures
        except InputError as exc:
            return [str(p) for p in exc.problems]

    folder = None
    if out is not None:  # a rulebook and a diff are different sets: neither replaces the other
        folder = out_folder(out, "doc --diff" if diff else "doc", [rules, *(diff or ())])
    command = "doc --diff" if diff else "doc"
    if diff:
        if rules is not None:
            raise InputError([Problem("--rules", "--diff names both packs; leave out --rules")])
        changes = compare(diff[0], diff[1])
        text = book_diff.markdown(changes)
        if folder is not None:
            written = write_diff(changes, folder)
            _done(as_json, command, folder, written, f"wrote {folder / 'diff.html'} and {folder / 'diff.md'}", text)
            return
        _done(as_json, command, None, [], None, text)
        return
    book = rulebook(rules, run_case)
    if folder is None:
        _done(as_json, command, None, [], None, render.markdown(book))
        return
    written = write_rulebook(book, folder)
    _done(as_json, command, folder, written, f"wrote the rulebook of {book.pack_id} v{book.version}: "
          f"{len(written) - 1} pages (open {folder / 'index.html'}) and {folder / render.MD_NAME}", None)


def _done(as_json: bool, command: str, folder: Optional[Path], written: list[Path], note: Optional[str],
          markdown: Optional[str]) -> None:
    """What doc did: the files and a note on stderr, or the Markdown on stdout; with --json, as data."""
    if as_json:
        import sys

        from ..results import FilesWritten
        from ..text import json_safe
        result = FilesWritten(command=command, folder=None if folder is None else str(folder),
                              files=[str(p) for p in written], notes=[note] if note else [], markdown=markdown)
        sys.stdout.write(json_safe(result.model_dump_json(indent=2)) + "\n")
        return
    if note:
        line(note, err=True)
    if markdown is not None:
        say(markdown)
