"""`negotiator doc`: a rule pack as a rulebook people can read and sign off, and what changed between two
versions of a pack."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple

import typer

from ..errors import InputError, Problem
from .common import RulesOption, app, line, out_folder, out_option, say


@app.command()
def doc(
    rules: Optional[str] = RulesOption,
    out: Optional[str] = out_option("Folder for the rulebook: index.html, a page a section, rulebook.md (with "
                                    "--diff: diff.html and diff.md). Without it, Markdown on stdout.", required=False),
    diff: Optional[Tuple[str, str]] = typer.Option(None, "--diff", metavar="OLD NEW",
                                                   help="Show what changed between two versions of a pack "
                                                        "(pack names or folders)."),
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
    if diff:
        if rules is not None:
            raise InputError([Problem("--rules", "--diff names both packs; leave out --rules")])
        changes = compare(diff[0], diff[1])
        if folder is not None:
            write_diff(changes, folder)
            line(f"wrote {folder / 'diff.html'} and {folder / 'diff.md'}", err=True)
        say(book_diff.markdown(changes))
        return
    book = rulebook(rules, run_case)
    if folder is None:
        say(render.markdown(book))
        return
    written = write_rulebook(book, folder)
    line(f"wrote the rulebook of {book.pack_id} v{book.version}: {len(written) - 1} pages (open "
         f"{folder / 'index.html'}) and {folder / render.MD_NAME}", err=True)
