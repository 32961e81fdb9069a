"""What every command shares: the typer app, its one error boundary, the common options and output helpers.

The boundary (`Commands.invoke`) is the only place where library errors become exit codes: an
`InputError` (bad input) prints one located `Error:` line per problem and exits 2; an `OSError` while
reading or writing files is reported the same way. Commands raise; they never catch to print.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import InputError, Problem


def fail(exc: InputError, as_json: bool = False) -> None:
    """Print each problem as one `Error:` line on stderr and exit 2; with --json, the problems also as data on
    stdout (schema kind `errors`), unless the command printed its own result holding them (`Reported`)."""
    from ..text import terminal_line
    if as_json and not isinstance(exc, Reported):
        from ..results import Errors
        from ..text import json_safe
        sys.stdout.write(json_safe(Errors.of(exc.problems).model_dump_json(indent=2)) + "\n")
    from dataclasses import replace

    from ..workspace import from_here
    from ..report.fit import fit_line
    # For a person at a terminal each problem is wrapped to its width (COLUMNS, else the terminal's), its
    # continuation lines indented; piped into a log or a script, each problem stays one line to grep.
    wrap = sys.stderr.isatty()
    for problem in exc.problems:  # files named as seen from the current folder (`../places/kent.yaml`)
        text = f"Error: {terminal_line(str(replace(problem, file=from_here(problem.file))))}"
        for part in fit_line(text, width(err=True), hang="  ") if wrap else [text]:
            typer.echo(part, err=True)
    raise typer.Exit(2)


#: The parser's usage error (typer ships its own copy of click's classes; found from the one typer exports).
_UsageError: type[Exception] = next(k for k in typer.BadParameter.__mro__ if k.__name__ == "UsageError")


class Reported(InputError):
    """Bad input that the command has already printed as part of its `--json` result (validate, test)."""


class Commands(TyperGroup):
    """The command group, with the one error boundary around every command (and the options' callbacks)."""

    def invoke(self, ctx: Any) -> Any:
        args = [*getattr(ctx, "_protected_args", []), *ctx.args]  # click empties them as it goes on
        ctx.meta["negotiator.json"] = "--json" in (args[: args.index("--")] if "--" in args else args)
        try:
            return super().invoke(ctx)
        except InputError as exc:
            fail(exc, _asked_json(ctx))
        except _UsageError as exc:  # an option or argument the parser refused: with --json, as data too
            if _asked_json(ctx):
                from ..results import Errors
                from ..text import json_safe
                where = exc.ctx.command_path if exc.ctx is not None else "negotiator"  # type: ignore[attr-defined]
                param = getattr(exc, "param", None)
                if param is not None:
                    where = param.opts[0] if param.param_type_name == "option" else (param.metavar or param.name)
                kinds = {k.__name__ for k in type(exc).__mro__}
                code = "missing" if "MissingParameter" in kinds else "unknown_name" if "NoSuchOption" in kinds \
                    else "bad_value" if "BadParameter" in kinds else "input"
                problem = Problem(where, exc.format_message(), code=code)  # type: ignore[attr-defined]
                sys.stdout.write(json_safe(Errors.of([problem]).model_dump_json(indent=2)) + "\n")
            raise
        except OSError as exc:  # files that cannot be written (or read): the path and the reason
            if isinstance(exc, BrokenPipeError):
                raise  # stdout closed by the reader (`| head`): click ends quietly
            fail(InputError([Problem(str(exc.filename or "output"), exc.strerror or str(exc), code="file")]),
                 _asked_json(ctx))


def _asked_json(ctx: Any) -> bool:
    """Whether the command line asked for --json (seen in its arguments before the command's options are read,
    so an error while reading them is JSON too)."""
    return bool(ctx.meta.get("negotiator.json"))


app = typer.Typer(
    cls=Commands,
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Negotiated autonomy: which powers and budgets a place could take on, and what accountability it "
         "must accept in return, under a rule pack.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"negotiator {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Negotiated autonomy: which powers a place could take on, and the accountability it must accept."""


# Options shared by several commands (written once).
RulesOption = typer.Option(None, "--rules", "-r", metavar="PACK",
                           help="Rule pack folder or pack name (default: the pack marked default: true in rules/).")
AsOfOption = typer.Option(None, "--as-of", metavar="DATE",
                          help="Evaluate as of this date (YYYY-MM-DD; default: the pack's date of effect).")
SetOption = typer.Option(None, "--set", metavar="NAME=VALUE",
                         help="Change a fact of the place or a parameter of the pack (repeatable; null = unknown).")
ConfigOption = typer.Option(None, "--config", "-c", metavar="ROUND",
                            help="Round config: a file, or the name of a round (negotiator list rounds), e.g. "
                                 "forerunner-2011.")


def json_option(what: str) -> Any:
    """`--json`: print the typed result as JSON instead of text for people (bad input too: schema kind
    `errors` on stdout, exit 2; the boundary sees --json among the arguments)."""
    return typer.Option(False, "--json", help=f"Print {what} as JSON (bad input as JSON too: negotiator schema "
                                                "errors).")


class Engine(str, Enum):
    durable = "durable"
    python = "python"
    fast = "fast"


ENGINE_HELP = "Evaluator: durable-rules (of record), python, or fast (numpy, columns of places at once)."


def colour_on() -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    import os
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def say(text: str) -> None:
    """Text for people on stdout: wrapped to the width at word boundaries (a path never split); on a terminal
    coloured by rich (ticks and crosses, statuses), plain when piped or with NO_COLOR; never an escape."""
    from ..report.fit import fit
    from ..text import terminal
    safe = fit(terminal(text), width())
    if colour_on():
        from rich.console import Console
        from rich.highlighter import RegexHighlighter
        from rich.theme import Theme

        class Marks(RegexHighlighter):
            base_style = "repr."  # the theme's names below (without it, no highlight has a style)
            highlights = [r"(?P<yes>✓)", r"(?P<no>✗)", r"(?P<maybe>(?<= )\?)(?= )",
                          r"(?P<good>\b(?:ELIGIBLE|Available|available|AVAILABLE|granted|kept|gained|met|passed)\b)",
                          r"(?P<bad>\b(?:NOT ELIGIBLE|NOT met|Not available|not available|NOT AVAILABLE|lost|"
                          r"failed|FAIL)\b)",
                          r"(?P<open>\b(?:UNDETERMINED|Undetermined|undetermined|needs stronger accountability|"
                          r"Needs stronger accountability|With stronger accountability)\b)"]
        console = Console(highlighter=Marks(), theme=Theme({"repr.yes": "green", "repr.no": "red",
                                                             "repr.maybe": "yellow", "repr.good": "bold green",
                                                             "repr.bad": "bold red", "repr.open": "bold yellow"}),
                          soft_wrap=True)
        console.print(safe, end="", markup=False, emoji=False)
    else:
        sys.stdout.write(safe)


def line(text: str, err: bool = False, wrap: bool = True) -> None:
    """One line of plain text (stdout, or stderr for progress and summaries), made safe for a terminal and
    wrapped, as all text for people, to the width of the stream it goes to at word boundaries (a path or
    another word longer than the width stays whole). `wrap=False`: a command line to copy, broken only with
    shell line continuations (`command_lines`)."""
    from ..report.fit import fit_line
    from ..text import terminal_line
    safe = terminal_line(text)
    for part in fit_line(safe, width(err)) if wrap else command_lines(safe, width(err)):
        typer.echo(part, err=err)


#: Names a line on the terminal lists before it says how many more there are (the reports list them all).
NAMES_SHOWN = 30


def some_names(names: list[str], shown: int = NAMES_SHOWN) -> str:
    """Names for a line on the terminal: all of a few, else the first `shown` and how many more."""
    if len(names) <= shown + 1:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown:,} more"


def command_lines(command: str, columns: int) -> list[str]:
    """A command line to copy, within `columns`: broken between words with a shell's line continuation
    (` \\`), so that pasted as it is printed it is the same command; a word is never split."""
    import textwrap
    if len(command) <= columns:
        return [command]
    parts = textwrap.wrap(command, width=max(20, columns - 2), subsequent_indent="  ", break_long_words=False,
                          break_on_hyphens=False)
    return [p + " \\" for p in parts[:-1]] + parts[-1:]


def show(data: Any, as_json: bool, render: Callable[[Any], str]) -> None:
    """A typed result: as JSON (--json), or as text for people (`render(data)`)."""
    if as_json:
        from ..text import json_safe
        sys.stdout.write(json_safe(data.model_dump_json(indent=2)) + "\n")
    else:
        say(render(data))


def width(err: bool = False) -> int:
    """The width text for people is wrapped to: COLUMNS when set, else the terminal's (stdout's, or stderr's
    for `err`), else 80 (piped)."""
    import os
    import shutil
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(40, int(columns))
    if (sys.stderr if err else sys.stdout).isatty():
        return max(40, shutil.get_terminal_size((80, 24)).columns)
    return 80


def parse_date(value: Optional[str], option: str = "--as-of") -> Optional[date]:
    """A date option: a real date within the calendar negotiator reads (bounds.DATE_MIN to DATE_MAX)."""
    from ..bounds import parse_date as bounded
    return None if value is None else bounded(value, option)


def out_option(help: str, required: bool = True) -> Any:
    """`--out FOLDER`, taken as text so that an empty value is seen (a Path would make it '.')."""
    return typer.Option(... if required else None, "--out", "-o", metavar="FOLDER", help=help)


def out_folder(text: str, kind: str, inputs: Any = ()) -> Path:
    """`--out`: a folder named (made if missing) that holds nothing but an earlier set of the command `kind`
    and none of its `inputs` (atomic.check_out raises RefusedFolder, an OSError, otherwise)."""
    from ..atomic import check_out
    if not text.strip():
        raise InputError([Problem("--out", "is empty: name a folder for the files", code="missing")])
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise InputError([Problem(text, "--out must be a folder, but a file is there", code="file")])
    check_out(out, kind, [str(i) for i in inputs if i is not None])
    return out


def collect(items: Any, read: Callable[[Any], Any]) -> list:
    """`read` each item, gathering every item's problems before raising them together."""
    found, problems = [], []
    for item in items:
        try:
            found.append(read(item))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return found


def parse_sets(sets: list[str]) -> dict:
    """`--set NAME=VALUE` pairs, values read as YAML scalars (numbers, true/false, dates, text; null for
    unknown), each bounded as in a file (bounds.set_value) before any conversion."""
    from ..bounds import set_value
    out = {}
    problems = []
    for item in sets:
        try:
            name, value = set_value(item)
        except InputError as exc:
            problems += exc.problems
            continue
        out[name] = value
    if problems:
        raise InputError(problems)
    return out
