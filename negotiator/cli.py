"""The command line: `negotiator evaluate | explain | round | diff | check | validate | schema`.

Only this module imports typer. Data goes to stdout, diagnostics to stderr.
Exit codes: 0 done, 1 the command ran and found problems, 2 bad input or usage.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .errors import InputError, Problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Negotiated autonomy: which powers and budgets a place could take on, and what accountability it "
         "must accept in return (the 2010 route-map, Delivering a Localist Future).",
)

RulesOption = typer.Option(None, "--rules", "-r", metavar="PACK",
                           help="Rule pack folder or bundled pack name (default: route-map-2010).")


class Engine(str, Enum):
    durable = "durable"
    python = "python"


def _fail(exc: InputError) -> None:
    for problem in exc.problems:
        typer.echo(f"Error: {problem}", err=True)
    raise typer.Exit(2)


def _dump(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


@app.command()
def evaluate(
    place: str = typer.Argument(..., metavar="PLACE", help="A place profile (.yaml) or a bundled place id."),
    rules: Optional[str] = RulesOption,
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Evaluator: durable-rules (of record) or python."),
) -> None:
    """Evaluate one place: can it negotiate, which powers it could have, what accountability it needs.

    Example: negotiator evaluate greater-manchester
    """
    from .decide import evaluate as run
    from .evaluators import evaluator_for
    from .pack import load_pack
    from .places import load_place, resolve_place
    from .render import render_evaluation
    try:
        pack = load_pack(rules)
        loaded = load_place(resolve_place(place), pack)
        result = run(pack, loaded.place, evaluator_for(pack, engine.value))
    except InputError as exc:
        _fail(exc)
    sys.stdout.write(_dump(result) if as_json else render_evaluation(result))


@app.command()
def explain(
    place: str = typer.Argument(..., metavar="PLACE", help="A place profile (.yaml) or a bundled place id."),
    power: str = typer.Argument(..., metavar="POWER", help="A power id from the rule pack, e.g. transport."),
    rules: Optional[str] = RulesOption,
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    """Show the chain of rules behind one power for one place: what held, what failed, what is missing.

    Example: negotiator explain birmingham single_place_budget
    """
    from .decide import decide
    from .explain import explain_power
    from .pack import load_pack
    from .places import load_place, resolve_place
    from .render import render_explanation
    try:
        pack = load_pack(rules)
        loaded = load_place(resolve_place(place), pack)
        data = explain_power(decide(pack, loaded.place), power)
    except InputError as exc:
        _fail(exc)
    sys.stdout.write(_dump(data) if as_json else render_explanation(data))


@app.command()
def validate(
    paths: List[str] = typer.Argument(..., metavar="PATH...", help="Place profiles, folders of them, or rule pack folders."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Check place profiles, round configs and rule packs, reporting every problem (not just the first).

    A folder with a pack.yaml is a rule pack; a YAML file with a date and no kind is a round
    config; anything else is a place profile.
    Example: negotiator validate places/ rounds/ rules/route-map-2010
    """
    from .pack import load_pack
    from .places import expand, load_place
    problems: list[Problem] = []
    checked: list[str] = []
    try:
        pack = load_pack(rules)
    except InputError as exc:
        _fail(exc)
    for ref in paths:
        path = Path(ref)
        if (path.is_dir() and (path / "pack.yaml").is_file()) or path.name == "pack.yaml":
            try:
                loaded_pack = load_pack(path)
                checked.append(f"rule pack {loaded_pack.id} v{loaded_pack.version}: {len(loaded_pack.rules)} rules, "
                               f"{len(loaded_pack.powers)} powers ({ref})")
            except InputError as exc:
                problems.extend(exc.problems)
            continue
        try:
            files = expand([ref])
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for file in files:
            try:
                if _looks_like_round_config(file):
                    from .negotiate import load_config
                    cfg, _doc = load_config(file)
                    checked.append(f"round config '{cfg.name}' ({file})")
                    continue
                lp = load_place(file, pack)
                checked.append(f"place {lp.place.id} ({lp.doc.file})")
            except InputError as exc:
                problems.extend(exc.problems)
    for line in checked:
        typer.echo(f"ok: {line}")
    if problems:
        _fail(InputError(problems))


@app.command(name="round")
def round_(
    places: List[str] = typer.Argument(None, metavar="PLACES...",
                                       help="Place profiles or folders of them (default: the bundled places)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for round.json, round.md, round.csv and round.html."),
    rules: Optional[str] = RulesOption,
    config: Optional[Path] = typer.Option(None, "--config", "-c", metavar="ROUND.yaml",
                                          help="Round config (name, date, capacity, budget terms, coverage base)."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Evaluator: durable-rules (of record) or python."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Run a negotiation round: rank places, assign tranches, count coverage, write deal sheets.

    Example: negotiator round places/ --config rounds/forerunner-2011.yaml --out out/round
    """
    from .negotiate import default_config, load_config, run_round
    from .pack import load_pack
    from .places import bundled_places_dir, load_places
    from .report import write_reports
    try:
        pack = load_pack(rules)
        loaded = load_places(places or [str(bundled_places_dir())], pack)
        cfg, doc = load_config(config) if config else (default_config(), None)
        if out.exists() and not out.is_dir():
            raise InputError([Problem(str(out), "--out must be a folder, but a file is there")])
        data = _with_progress(len(loaded), quiet, lambda tick: run_round(pack, loaded, cfg, doc, engine.value, tick))
        written = write_reports(data, out)
    except InputError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(InputError([Problem(str(out), f"cannot write reports ({exc.strerror or exc})")]))
    first = data["tranches"][0]["places"] if data["tranches"] else []
    cov = data["coverage"]
    typer.echo(f"{data['round']['name']}: {len(loaded)} places; tranche 1: {len(first)} places; "
               f"{len(data['tranches'])} tranche(s); coverage {cov['share'] * 100:.1f}% of {cov['base_name']}", err=True)
    for path in written:
        typer.echo(str(path))


def _with_progress(total: int, quiet: bool, work):
    """Run `work(tick)` with a progress bar on stderr unless quiet or stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        return work(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    with Progress(TextColumn("evaluating {task.fields[place]:<28}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("round", total=total, place="")
        return work(lambda place_id: bar.update(task, advance=1, place=place_id))


@app.command()
def diff(
    old: str = typer.Argument(..., metavar="OLD.json", help="round.json of the earlier round or rule pack."),
    new: str = typer.Argument(..., metavar="NEW.json", help="round.json of the later round or rule pack."),
    as_json: bool = typer.Option(False, "--json", help="Print the differences as JSON."),
) -> None:
    """Who gains or loses which power, tier or tranche between two rounds, and which rules made the difference.

    Example: negotiator diff out/before/round.json out/after/round.json
    """
    from .diff import diff_rounds, load_round, render_diff
    problems: list[Problem] = []
    loaded = []
    for path in (old, new):
        try:
            loaded.append(load_round(path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        _fail(InputError(problems))
    data = diff_rounds(*loaded)
    sys.stdout.write(_dump(data) if as_json else render_diff(data))


@app.command()
def check(
    rules: Optional[str] = RulesOption,
    exhaustive: bool = typer.Option(False, "--exhaustive",
                                    help="Check every profile of the finite abstraction instead of sampling."),
    examples: int = typer.Option(300, "--examples", min=1, help="Profiles hypothesis generates per property."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Check a rule pack is consistent: static checks and properties, with counterexamples.

    Exit 0 when every check passes, 1 when any fails, 2 on bad input.
    Example: negotiator check --exhaustive
    """
    from .check import run_checks
    from .pack import load_pack
    from .render import render_check
    try:
        pack = load_pack(rules)
    except InputError as exc:
        _fail(exc)
    report = run_checks(pack, exhaustive=exhaustive, examples=examples)
    sys.stdout.write(_dump(report) if as_json else render_check(report))
    raise typer.Exit(0 if report["passed"] else 1)


def _looks_like_round_config(path: Path) -> bool:
    """A round config has a date and no kind; everything else is read as a place profile."""
    from .yamlio import load_yaml
    try:
        data = load_yaml(path).data
    except InputError:
        return False
    return isinstance(data, dict) and "date" in data and "kind" not in data


class SchemaKind(str, Enum):
    place = "place"


@app.command()
def schema(kind: SchemaKind = typer.Argument(..., help="What to print the JSON Schema of.")) -> None:
    """Print the JSON Schema of place profiles, for editors that validate YAML.

    Example: negotiator schema place > place.schema.json
    """
    from .place import Place
    data = Place.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "negotiator place profile"
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")


def main() -> None:
    """Entry point: never show a traceback for bad input."""
    try:
        app()
    except InputError as exc:  # raised outside a command body
        for problem in exc.problems:
            print(f"Error: {problem}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug in negotiator, not in the input
        if os.environ.get("NEGOTIATOR_DEBUG"):
            raise
        print(f"Internal error: {type(exc).__name__}: {exc} (set NEGOTIATOR_DEBUG=1 for a traceback; "
              "please report it)", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
