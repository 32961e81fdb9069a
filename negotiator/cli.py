"""The command line: evaluate, explain, whatif, unlock, round, diff, compare, check, validate, schema, list, test,
serve.

Only this module imports typer. Data goes to stdout, diagnostics to stderr.
Exit codes: 0 done, 1 the command ran and found problems, 2 bad input or usage.
Rule packs and places come from the working tree when run inside one (a folder
with rules/ and places/), else from the copies bundled with the package.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import InputError, Problem

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Negotiated autonomy: which powers and budgets a place could take on, and what accountability it "
         "must accept in return, under a rule pack.",
)

RulesOption = typer.Option(None, "--rules", "-r", metavar="PACK",
                           help="Rule pack folder or pack name (default: the pack marked default: true in rules/).")
AsOfOption = typer.Option(None, "--as-of", metavar="DATE",
                          help="Evaluate as of this date (YYYY-MM-DD; default: the pack's date of effect).")


class Engine(str, Enum):
    durable = "durable"
    python = "python"
    fast = "fast"


ENGINE_HELP = "Evaluator: durable-rules (of record), python, or fast (numpy, columns of places at once)."


def _version(value: bool) -> None:
    if value:
        typer.echo(f"negotiator {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Negotiated autonomy: which powers a place could take on, and the accountability it must accept."""


def _fail(exc: InputError) -> None:
    from .text import terminal_line
    for problem in exc.problems:
        typer.echo(f"Error: {terminal_line(str(problem))}", err=True)
    raise typer.Exit(2)


def _say(text: str) -> None:
    """Text for people on stdout: coloured and wrapped by rich on a terminal, plain otherwise; never an escape."""
    from .text import terminal
    safe = terminal(text)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.highlighter import RegexHighlighter
        from rich.theme import Theme

        class Marks(RegexHighlighter):
            highlights = [r"(?P<yes>✓)", r"(?P<no>✗)", r"(?P<maybe>\?)(?= )", r"(?P<strong>ELIGIBLE|NOT ELIGIBLE|"
                          r"UNDETERMINED|NOT met|Available now|Not available)"]
        console = Console(highlighter=Marks(), theme=Theme({"repr.yes": "green", "repr.no": "red",
                                                             "repr.maybe": "yellow", "repr.strong": "bold"}),
                          soft_wrap=True)
        console.print(safe, end="", markup=False, emoji=False)
    else:
        sys.stdout.write(safe)


def _show(data, as_json: bool, render) -> None:
    """A typed result: as JSON (--json), or as text for people (`render(data)`)."""
    if as_json:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
    else:
        _say(render(data))


def _width() -> int:
    if sys.stdout.isatty():
        import shutil
        return max(60, min(shutil.get_terminal_size((100, 24)).columns, 140))
    return 100


def _out_folder(text: str, kind: str, inputs) -> Path:
    """--out: a folder named, holding nothing but an earlier set of this command, and none of its inputs."""
    from .atomic import RefusedFolder, check_out
    if not text.strip():
        raise InputError([Problem("--out", "is empty: name a folder for the files")])
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise InputError([Problem(text, "--out must be a folder, but a file is there")])
    try:
        check_out(out, kind, [str(i) for i in inputs if i is not None])
    except RefusedFolder as exc:
        raise InputError([Problem(text, exc.strerror)]) from None
    return out


def _as_of(value: Optional[str], option: str = "--as-of") -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError([Problem(option, f"'{value}' is not a date like 2011-03-01")]) from None


@app.command()
def evaluate(
    places: List[str] = typer.Argument(..., metavar="PLACE...", help="Place profiles (.yaml) or place ids."),
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = AsOfOption,
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON (an array for several places)."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help=ENGINE_HELP),
) -> None:
    """Evaluate places: can each negotiate, which powers it could have, what accountability it needs.

    Example: negotiator evaluate greater-manchester --as-of 2011-05-01
    """
    from .decide import evaluate as run
    from .engines import evaluator_for
    from .pack.load import load_pack
    from .report.text import render_evaluation
    from .vocab.places import load_place, resolve_place
    try:
        pack = load_pack(rules)
        on = _as_of(as_of)
        loaded = []
        problems: list[Problem] = []
        for ref in places:
            try:
                loaded.append(load_place(resolve_place(ref), pack))
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
        evaluator = evaluator_for(pack, engine.value)
        results = [run(pack, lp.profile, on, evaluator, "given with --as-of" if on else None) for lp in loaded]
    except InputError as exc:
        _fail(exc)
    if as_json:
        if len(results) == 1:
            sys.stdout.write(results[0].model_dump_json(indent=2) + "\n")
        else:
            sys.stdout.write("[\n" + ",\n".join(r.model_dump_json(indent=2) for r in results) + "\n]\n")
        return
    _say("\n".join(render_evaluation(r, width=_width()) for r in results))


@app.command()
def explain(
    place: str = typer.Argument(..., metavar="PLACE", help="A place profile (.yaml) or a place id."),
    power: str = typer.Argument(..., metavar="POWER", help="A power id from the rule pack, e.g. transport."),
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = AsOfOption,
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    """Show the chain of rules behind one power for one place: what held, what failed, what is missing.

    Example: negotiator explain birmingham single_place_budget
    """
    from .decide.decision import decide
    from .decide.explain import explain_power
    from .pack.load import load_pack
    from .report.text import render_explanation
    from .vocab.places import load_place, resolve_place
    try:
        pack = load_pack(rules)
        on = _as_of(as_of)
        loaded = load_place(resolve_place(place), pack)
        data = explain_power(decide(pack, loaded.profile, on, as_of_note="given with --as-of" if on else None), power)
    except InputError as exc:
        _fail(exc)
    _show(data, as_json, lambda d: render_explanation(d, _width()))


SetOption = typer.Option(None, "--set", metavar="NAME=VALUE",
                         help="Change a fact of the place or a parameter of the pack (repeatable; null = unknown).")


@app.command()
def whatif(
    place: str = typer.Argument(..., metavar="PLACE", help="A place profile (.yaml) or a place id."),
    sets: List[str] = SetOption,
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = AsOfOption,
    as_json: bool = typer.Option(False, "--json", help="Print the changes as JSON."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Evaluator: durable-rules (of record) or python."),
) -> None:
    """Evaluate a place with some facts or pack parameters changed, and show only what changes, and why.

    Example: negotiator whatif greater-manchester --as-of 2011-05-01 --set accountability.model=directly_elected_mayor
    """
    from .options.whatif import whatif as run
    from .pack.load import load_pack
    from .report.text import render_whatif
    from .vocab.places import load_place, resolve_place
    try:
        if not sets:
            raise InputError([Problem("--set", "give at least one change, e.g. --set capacity.shared_services=true")])
        pack = load_pack(rules)
        loaded = load_place(resolve_place(place), pack)
        data = run(pack, loaded.profile, _parse_sets(sets), _as_of(as_of), engine.value)
    except InputError as exc:
        _fail(exc)
    _show(data, as_json, render_whatif)


@app.command()
def unlock(
    place: str = typer.Argument(..., metavar="PLACE", help="A place profile (.yaml) or a place id."),
    power: Optional[str] = typer.Option(None, "--power", "-p", metavar="ID", help="The power to unlock."),
    package: bool = typer.Option(False, "--package", help="Unlock every power the place asked for, together."),
    rules: Optional[str] = RulesOption,
    as_of: Optional[str] = AsOfOption,
    answers: int = typer.Option(3, "--answers", min=1, max=20, help="How many sets of moves to show."),
    as_json: bool = typer.Option(False, "--json", help="Print the answers as JSON."),
) -> None:
    """The cheapest sets of the pack's declared moves that make a power (or the package) available.

    Each answer is minimal (no smaller set does it), ranked by cost, then time. When nothing unlocks
    it, says why; below the negotiation level, proposes groupings with neighbouring councils.
    Example: negotiator unlock greater-manchester --power single_place_budget --as-of 2011-05-01
    """
    from .options.unlock import unlock as run
    from .pack.load import load_pack
    from .report.text import render_unlock
    from .vocab.places import load_place, resolve_place
    try:
        if bool(power) == package:
            raise InputError([Problem("unlock", "give either --power ID or --package")])
        pack = load_pack(rules)
        loaded = load_place(resolve_place(place), pack)
        on = _as_of(as_of) or pack.effective
        data = run(pack, loaded.profile, on, power or "package", answers)
    except InputError as exc:
        _fail(exc)
    _show(data, as_json, lambda d: render_unlock(d, _width()))


@app.command()
def validate(
    paths: List[str] = typer.Argument(..., metavar="PATH...",
                                      help="Place profiles, folders of them, round configs, or rule pack folders."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Check place profiles, round configs and rule packs, reporting every problem (not just the first).

    A folder with a pack.yaml is a rule pack; a YAML file with a date and no members is a round
    config; anything else is a place profile. Warnings name facts the pack reads that a profile
    does not state, and stated facts without a source.
    Example: negotiator validate places/ rounds/ rules/route-map-2010
    """
    from .pack.load import load_pack
    from .text import terminal_line
    from .vocab.places import expand, load_place
    from .vocab.profile import unsourced
    problems: list[Problem] = []
    checked: list[str] = []
    warnings: list[str] = []
    try:
        pack = load_pack(rules)
    except InputError as exc:
        _fail(exc)
    needed = pack.facts_read
    for ref in paths:
        path = Path(ref)
        if (path.is_dir() and (path / "pack.yaml").is_file()) or path.name == "pack.yaml":
            try:
                other = load_pack(path)
                from .engines.durable import engine_limits
                limits = engine_limits(other)
                if limits:
                    raise InputError(limits)
                checked.append(f"rule pack {other.id} v{other.version}: {len(other.rules)} rules, "
                               f"{len(other.powers)} powers, {sum(1 for d in other.facts.values() if not d.computed)} "
                               f"facts ({ref})")
                folder = path if path.is_dir() else path.parent
                from .round.compare import FILE, check_file
                if (folder / FILE).is_file():
                    checked += check_file(folder)
            except InputError as exc:
                problems.extend(exc.problems)
            continue
        if path.is_dir() and (path / "facts.yaml").is_file() and not (path / "pack.yaml").is_file():
            checked.append(f"shared vocabulary ({ref}), read by the packs that use it")
            continue
        try:
            files = expand([ref])
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for file in files:
            try:
                if _looks_like_round_config(file):
                    from .round.config import load_config
                    cfg, _doc = load_config(file)
                    checked.append(f"round config '{cfg.name}' ({file})")
                    continue
                lp = load_place(file, pack)
                checked.append(f"place {lp.id} ({lp.doc.file})")
                absent = [n for n in needed if not lp.profile.stated(n)]
                if absent:
                    warnings.append(f"{lp.doc.file}: {len(absent)} fact(s) that rule pack {pack.id} reads are not "
                                    f"stated, so unknown: {', '.join(absent)}")
                bare = unsourced(lp.profile)
                if bare:
                    warnings.append(f"{lp.doc.file}: no source for {', '.join(bare)} (add a source to the dated value "
                                    "or a 'fact: source' line under sources:)")
            except InputError as exc:
                problems.extend(exc.problems)
    for line in checked:
        typer.echo(terminal_line(f"ok: {line}"))
    for line in warnings:
        typer.echo(terminal_line(f"Warning: {line}"), err=True)
    if problems:
        _fail(InputError(problems))


def _parse_sets(sets: list[str]) -> dict:
    """`--set NAME=VALUE` pairs, values read as YAML scalars (numbers, true/false, text)."""
    import yaml
    out = {}
    problems = []
    for item in sets:
        if "=" not in item:
            problems.append(Problem("--set", f"'{item}' is not NAME=VALUE"))
            continue
        name, raw = item.split("=", 1)
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        if isinstance(value, (dict, list)):
            problems.append(Problem("--set", f"{name}: give a single value, not {type(value).__name__}"))
            continue
        out[name.strip()] = value
    if problems:
        raise InputError(problems)
    return out


@app.command(name="round")
def round_(
    places: List[str] = typer.Argument(None, metavar="PLACES...",
                                       help="Place profiles or folders of them (default: the workspace's places/)."),
    out: str = typer.Option(..., "--out", "-o", metavar="FOLDER",
                            help="Folder for round.json, round.md, round.csv and round.html."),
    rules: Optional[str] = RulesOption,
    config: Optional[Path] = typer.Option(None, "--config", "-c", metavar="ROUND.yaml",
                                          help="Round config (name, date, capacity, parameters, coverage base)."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help=ENGINE_HELP),
    indent: Optional[int] = typer.Option(None, "--indent", min=0, max=8,
                                         help="Indent round.json for people (default: compact)."),
    sets: List[str] = typer.Option(None, "--set", metavar="NAME=VALUE",
                                   help="Change a setting of the round config (capacity, date, ...) or a parameter "
                                        "of the pack (repeatable)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Run a negotiation round: rank places, assign tranches, count coverage, write deal sheets.

    Every place is evaluated as of the round's date.
    Example: negotiator round places/ --config rounds/forerunner-2011.yaml --out out/round
    """
    from . import workspace
    from .pack.load import load_pack
    from .report.files import write_reports
    from .round.config import default_config, load_config
    from .round.evaluate import paused_gc
    from .round.plan import run_round
    from .text import terminal_line
    from .vocab.places import load_places
    try:
        changes = _parse_sets(sets or [])
        if config:
            cfg, doc = load_config(config)
        else:
            cfg, doc = default_config(load_pack(rules).effective), None
        cfg = _round_settings(cfg, changes)
        pack = load_pack(rules, cfg.parameters, set_by=str(config) if config else "round config")
        inputs = [*(places or [str(workspace.current().places)]), config, pack.root]
        folder = _out_folder(out, "round", inputs)
        loaded = load_places(places or [str(workspace.current().places)], pack)
        with paused_gc():  # thousands of result objects, no cycles: the collector would only re-scan them
            data = _with_progress(len(loaded), quiet,
                                  lambda tick: run_round(pack, loaded, cfg, doc, engine.value, tick))
            written = write_reports(data, folder, indent, inputs)
    except InputError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(InputError([Problem(str(out), f"cannot write reports ({exc.strerror or exc})")]))
    first = data.tranches[0].places if data.tranches else []
    cov = data.coverage
    typer.echo(terminal_line(f"{data.round.name} ({data.round.date.isoformat()}): {len(loaded)} places; tranche 1: "
                             f"{len(first)} places; {len(data.tranches)} tranche(s); coverage {cov.share * 100:.1f}% "
                             f"of {cov.base_name}; rule pack {pack.id} from {pack.root}"), err=True)
    for path in written:
        typer.echo(terminal_line(str(path)))


def _round_settings(cfg, changes: dict):
    """A round config with --set changes: its own settings, or (any other name) a pack parameter."""
    from pydantic import ValidationError

    from .round.config import RoundConfig
    if not changes:
        return cfg
    data = cfg.model_dump()
    params = dict(data.get("parameters") or {})
    own = set(RoundConfig.model_fields) - {"parameters", "scenarios", "population_base", "already_devolved"}
    for name, value in changes.items():
        if name in own:
            data[name] = date.fromisoformat(value) if name in ("date", "negotiations_start") and \
                isinstance(value, str) else value
        else:
            params[name] = value
    data["parameters"] = params
    try:
        return RoundConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError([Problem("--set", f"{err['msg']}", field=".".join(map(str, err["loc"])))
                          for err in exc.errors(include_url=False)]) from None


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
def england(
    out: str = typer.Option(..., "--out", "-o", metavar="FOLDER", help="Folder for the generated place profiles."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Generate a whole-England place set: every English council and county area, from the bundled Census table.

    Only kind, members and population (Census 2011 and 2021) are stated; everything else is unknown.
    Places already profiled in the workspace's places/ (and every grouping there) complete the set,
    so a round reads both folders.
    Example: negotiator england --out out/england && negotiator round out/england places/ --out out/r
    """
    from . import workspace
    from .atomic import write_set
    from .pack.load import load_pack
    from .text import terminal_line
    from .vocab.england import england_files
    from .vocab.places import load_places
    ws = workspace.current()
    try:
        pack = load_pack(rules)
        inputs = [ws.places, pack.root]
        folder = _out_folder(out, "england", inputs)
        bundled = load_places([str(ws.places)], pack)
        files = england_files({lp.id: lp.profile.members for lp in bundled})
        write_set(folder, files, kind="england", inputs=inputs)
    except InputError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(InputError([Problem(str(out), f"cannot write the places ({exc.strerror or exc})")]))
    typer.echo(terminal_line(f"{len(files)} generated places in {out}; with the {len(bundled)} places of "
                             f"{workspace.display(ws.places)}/ they make the whole-England set:"), err=True)
    typer.echo(terminal_line(f"negotiator round {out} {workspace.display(ws.places)} --out OUT"))


@app.command()
def sweep(
    places: List[str] = typer.Argument(None, metavar="PLACES...",
                                       help="Place profiles or folders of them (default: the workspace's places/)."),
    param: List[str] = typer.Option(..., "--param", "-p", metavar="NAME=START..STOP:STEP",
                                    help="A pack parameter and its grid (repeatable: the grid is the product)."),
    out: str = typer.Option(..., "--out", "-o", metavar="FOLDER",
                            help="Folder for sweep.html, sweep.csv, tipping-points.csv and routes.csv."),
    rules: Optional[str] = RulesOption,
    config: Optional[Path] = typer.Option(None, "--config", "-c", metavar="ROUND.yaml",
                                          help="Round config (date, capacity, base parameters, coverage base)."),
) -> None:
    """Run a round at every point of a parameter grid (fast path), and find each place's exact tipping points.

    Answers questions such as how many councils could negotiate alone if a threshold were X, naming the
    places at each tipping point. Parameters override the config's and the pack's.
    Example: negotiator sweep places/ --param strategic_county_min_population=300000..800000:5000 --out out/s
    """
    from . import workspace
    from .atomic import write_set
    from .pack.load import load_pack
    from .report.sweep import sweep_files
    from .round.config import default_config, load_config
    from .round.sweep import fmt_value, parse_param, run_sweep
    from .text import terminal_line
    from .vocab.places import load_places
    try:
        specs, problems = [], []
        for text in param:
            try:
                specs.append(parse_param(text))
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
        if config:
            cfg, doc = load_config(config)
            pack = load_pack(rules, cfg.parameters, set_by=str(config))
        else:
            pack = load_pack(rules)
            cfg, doc = default_config(pack.effective), None
        inputs = [*(places or [str(workspace.current().places)]), config, pack.root]
        folder = _out_folder(out, "sweep", inputs)
        loaded = load_places(places or [str(workspace.current().places)], pack)
        result = run_sweep(pack, loaded, cfg, doc, specs)
        written = write_set(folder, sweep_files(result), kind="sweep", inputs=inputs)
    except InputError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(InputError([Problem(str(out), f"cannot write the sweep ({exc.strerror or exc})")]))
    for axis in result.axes:
        alone = [len(pt.alone) for pt in result.points]
        typer.echo(terminal_line(f"{axis.name}: {len(axis.values)} values from {fmt_value(axis.values[0])} to "
                                 f"{fmt_value(axis.values[-1])}; {len(result.tipping[axis.name])} tipping points; "
                                 f"councils that could negotiate alone: {min(alone)} to {max(alone)}"), err=True)
    for path in written:
        typer.echo(terminal_line(str(path)))


@app.command()
def diff(
    old: str = typer.Argument(..., metavar="OLD.json", help="round.json of the earlier round or rule pack."),
    new: str = typer.Argument(..., metavar="NEW.json", help="round.json of the later round or rule pack."),
    as_json: bool = typer.Option(False, "--json", help="Print the differences as JSON."),
) -> None:
    """Who gains or loses which power, tier, tranche or budget figure between two rounds, and why.

    Example: negotiator diff out/before/round.json out/after/round.json
    """
    from .report.text import render_diff
    from .round.diff import diff_rounds, load_round
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
    _show(data, as_json, render_diff)


@app.command()
def compare(
    places: List[str] = typer.Argument(None, metavar="PLACE...",
                                       help="Place profiles, folders of them, or place ids (with --config and none "
                                            "given: the workspace's places/)."),
    then: Optional[str] = typer.Option(None, "--then", metavar="PACK",
                                       help="The earlier rule pack (default: the pack marked default: true)."),
    then_as_of: Optional[str] = typer.Option(None, "--then-as-of", metavar="DATE",
                                             help="Evaluate the earlier pack as of this date (default: its date of "
                                                  "effect)."),
    now: Optional[str] = typer.Option(None, "--now", metavar="PACK",
                                      help="The later rule pack (default: the pack whose counterparts.yaml maps the "
                                           "earlier one's powers)."),
    now_as_of: Optional[str] = typer.Option(None, "--now-as-of", metavar="DATE",
                                            help="Evaluate the later pack as of this date (default: its date of "
                                                 "effect, or the round's date with --config)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", metavar="ROUND.yaml",
                                          help="A round config of the later pack: its date and parameters."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
    out: Optional[str] = typer.Option(None, "--out", "-o", metavar="FOLDER",
                                      help="Folder for compare.json, compare.md and compare.html (a folder of its "
                                            "own: the three are replaced as a set)."),
    engine: Engine = typer.Option(Engine.durable, "--engine", help="Evaluator: durable-rules (of record) or python."),
) -> None:
    """Then versus now: what an earlier framework would have offered a place and what a later one grants,
    power by power, with the rules behind each side.

    Powers are matched through the counterparts.yaml the later pack declares.
    Example: negotiator compare greater-manchester --then-as-of 2011-05-01 --now-as-of 2026-11-23
    """
    from . import workspace
    from .pack.load import load_pack, resolve_pack
    from .report.compare import render_text, write_compare
    from .round.compare import compare as run, find_now_pack, load_counterparts
    from .text import terminal_line
    from .vocab.places import load_places
    try:
        then_pack = load_pack(then)
        now_root = resolve_pack(now) if now is not None else find_now_pack(then_pack.id)
        on_then = _as_of(then_as_of, "--then-as-of")
        on_now = _as_of(now_as_of, "--now-as-of")
        now_note = "given with --now-as-of" if on_now else "the rule pack's date of effect; --now-as-of chooses another"
        if config is not None:
            from .round.config import load_config
            if on_now is not None:
                raise InputError([Problem("--now-as-of", "give --now-as-of or --config, not both (a round config "
                                          "sets the date)")])
            cfg, _doc = load_config(config)
            now_pack = load_pack(now_root, cfg.parameters, set_by=str(config))
            on_now, now_note = cfg.date, f"the date of the round '{cfg.name}'"
        else:
            now_pack = load_pack(now_root)
        if now_pack.id == then_pack.id:
            raise InputError([Problem("--now", f"the earlier and the later rule pack are both {now_pack.id}")])
        cp = load_counterparts(now_pack, now_root, then_pack)
        refs = places or ([str(workspace.current().places)] if config is not None else [])
        if not refs:
            raise InputError([Problem("compare", "name at least one place (a profile, a folder of them or a place id)")])
        inputs = [*refs, config, then_pack.root, now_pack.root]
        folder = _out_folder(out, "compare", inputs) if out is not None else None
        loaded = load_places(refs, now_pack)
        data = run(then_pack, now_pack, cp, loaded, on_then, on_now,
                   "given with --then-as-of" if on_then else "the rule pack's date of effect; --then-as-of chooses "
                                                              "another",
                   now_note, engine.value)
        written = write_compare(data, folder, inputs) if folder is not None else []
    except InputError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(InputError([Problem(str(out), f"cannot write reports ({exc.strerror or exc})")]))
    if out is not None:
        typer.echo(terminal_line(f"{len(data.places)} place(s): {then_pack.id} as of {data.then_as_of.isoformat()} "
                                 f"against {now_pack.id} as of {data.now_as_of.isoformat()}"), err=True)
        for path in written:
            typer.echo(terminal_line(str(path)))
        return
    _show(data, as_json, lambda d: render_text(d, _width()))


@app.command()
def check(
    rules: Optional[str] = RulesOption,
    exhaustive: bool = typer.Option(False, "--exhaustive",
                                    help="Check every profile of the finite abstraction instead of sampling."),
    examples: int = typer.Option(300, "--examples", min=1, max=100_000, help="Profiles hypothesis generates per property."),
    only: Optional[List[str]] = typer.Option(None, "--only", metavar="CHECK", help="Run only this check (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Check a rule pack is consistent: static checks and properties, with counterexamples.

    Exit 0 when no check fails, 1 when any fails, 2 on bad input.
    Example: negotiator check --exhaustive
    """
    from .check.run import CHECK_IDS, run_checks
    from .errors import nearest
    from .pack.load import load_pack
    from .report.text import render_check
    try:
        pack = load_pack(rules)
        bad = [o for o in only or [] if o not in CHECK_IDS]
        if bad:
            raise InputError([Problem("--only", f"'{b}' is not a check (checks: {', '.join(CHECK_IDS)})",
                                      suggestion=nearest(b, CHECK_IDS)) for b in bad])
    except InputError as exc:
        _fail(exc)
    report = run_checks(pack, exhaustive=exhaustive, examples=examples, only=only)
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        _say(render_check(report, _width()))
    raise typer.Exit(0 if report["passed"] else 1)


@app.command()
def test(
    paths: List[str] = typer.Argument(None, metavar="PATH...",
                                      help="Case files or folders (default: every pack's cases/ folder)."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Run policy cases (YAML, one sentence each) and say which fail, with what was expected and what came out.

    Exit 0 when every case passes, 1 when any fails, 2 when a case file is broken.
    Example: negotiator test rules/route-map-2010/cases
    """
    from .testing import run_cases
    from .text import terminal_line
    try:
        results, problems = run_cases(paths or [], rules)
    except InputError as exc:
        _fail(exc)
    failed = [r for r in results if not r.passed]
    for r in failed:
        typer.echo(terminal_line(f"FAIL {r.file}: {r.name}"))
        for f in r.failures:
            typer.echo(terminal_line(f"    {f}"))
    typer.echo(f"{len(results) - len(failed)} of {len(results)} cases passed"
               + (f"; {len(problems)} case file problem(s)" if problems else ""))
    if problems:
        _fail(InputError(problems))
    raise typer.Exit(1 if failed else 0)


class ListKind(str, Enum):
    places = "places"
    powers = "powers"
    packs = "packs"
    facts = "facts"


@app.command(name="list")
def list_(
    kind: ListKind = typer.Argument(..., help="What to list: places, powers, packs or facts."),
    rules: Optional[str] = RulesOption,
) -> None:
    """List the places, rule packs, or a pack's powers or facts.

    Example: negotiator list powers --rules route-map-2010
    """
    from . import workspace
    from .pack.load import load_pack
    from .text import terminal_line
    ws = workspace.current()
    lines: list[str] = []
    try:
        if kind == ListKind.packs:
            for name in ws.packs():
                try:
                    p = load_pack(ws.rules / name)
                    lines.append(f"{name}\t{p.version}\t{p.title} (effective {p.effective.isoformat()})")
                except InputError as exc:
                    lines.append(f"{name}\t-\tbroken: {exc.problems[0]}")
        elif kind == ListKind.places:
            from .vocab.places import load_places
            pack = load_pack(rules)
            for lp in load_places([str(ws.places)], pack):
                lines.append(f"{lp.id}\t{lp.profile.name}\t{lp.doc.file}")
        elif kind == ListKind.powers:
            pack = load_pack(rules)
            for p in pack.powers:
                lines.append(f"{p.id}\t{p.tier}\t{p.title}" + (f" ({p.in_force.text()})" if p.in_force.start or
                                                                p.in_force.end else ""))
        else:
            pack = load_pack(rules)
            for name, d in pack.facts.items():
                if name.startswith("requested.") or name.endswith("@months"):
                    continue
                extra = f" ({', '.join(d.values)})" if d.type == "choice" else ""
                lines.append(f"{name}\t{d.type}{' computed' if d.computed else ''}\t{d.title}{extra}")
    except InputError as exc:
        _fail(exc)
    typer.echo(f"# from {ws.describe()}", err=True)
    for line in lines:
        typer.echo(terminal_line(line).replace("\\t", "\t"))


def _looks_like_round_config(path: Path) -> bool:
    """A round config has a date and no members; everything else is read as a place profile."""
    from .yamlio import load_yaml
    try:
        data = load_yaml(path).data
    except InputError:
        return False
    return isinstance(data, dict) and "date" in data and "members" not in data


class SchemaKind(str, Enum):
    place = "place"
    result = "result"
    explanation = "explanation"
    round = "round"
    diff = "diff"
    compare = "compare"


@app.command()
def schema(
    kind: SchemaKind = typer.Argument(..., help="place (for a pack's vocabulary), result, explanation, round, diff or "
                                                "compare."),
    rules: Optional[str] = RulesOption,
) -> None:
    """Print a JSON Schema: of place profiles (for a pack's vocabulary), or of the results the commands print.

    Example: negotiator schema place --rules route-map-2010 > place.schema.json
    """
    if kind == SchemaKind.place:
        from .pack.load import load_pack
        from .vocab.places import profile_vocabulary
        from .vocab.schema import place_schema
        try:
            pack = load_pack(rules)
        except InputError as exc:
            _fail(exc)
        data = place_schema(profile_vocabulary(pack), pack.id)
    else:
        from .results import SCHEMAS
        data = SCHEMAS[kind.value].model_json_schema()
        data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        data["title"] = f"negotiator {kind.value}"
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")


@app.command()
def serve(
    rules: Optional[List[str]] = typer.Option(None, "--rules", "-r", metavar="PACK",
                                              help="Rule packs to offer (repeatable; default: every pack in rules/, "
                                                   "the default pack first)."),
    places: Optional[Path] = typer.Option(None, "--places", metavar="DIR",
                                          help="Folder of place profiles (default: the workspace's places/)."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, metavar="N",
                             help="Port on 127.0.0.1 (0: any free port)."),
) -> None:
    """A local web page for live what-if, and a JSON API (on 127.0.0.1 only; Ctrl-C stops it).

    The page evaluates a place as you change its facts and shows each power's status and why, what
    changed, the moves that would unlock a power and the facts to collect; it interviews for missing
    facts, saves the edited profile as YAML, and shows round reports. The API (/api/..., described at
    /openapi.json) returns the same JSON as evaluate, explain, whatif, unlock, round and schema.
    Example: negotiator serve --port 8000
    """
    import socket

    try:
        import uvicorn

        from .web import create_app
    except ImportError as exc:  # pragma: no cover - the dependencies are declared
        _fail(InputError([Problem("serve", f"needs fastapi and uvicorn ({exc})")]))
    from . import workspace
    from .text import terminal_line
    try:
        web = create_app(rules or None, places)
    except InputError as exc:
        _fail(exc)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        _fail(InputError([Problem("--port", f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})")]))
    address = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    service = web.state.service
    typer.echo(terminal_line(f"negotiator serve: {address} (the API is described at {address}openapi.json)"))
    typer.echo(terminal_line(f"rule packs: {', '.join(service.pack_roots)}; places: "
                             f"{workspace.display(service.places_dir)}; Ctrl-C stops it"), err=True)
    server = uvicorn.Server(uvicorn.Config(web, log_level="warning", access_log=False))
    server.run(sockets=[sock])


def main() -> None:
    """Entry point: never show a traceback for bad input."""
    from .text import terminal_line
    try:
        app()
    except InputError as exc:  # raised outside a command body
        for problem in exc.problems:
            print(f"Error: {terminal_line(str(problem))}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug in negotiator, not in the input
        if os.environ.get("NEGOTIATOR_DEBUG"):
            raise
        print(f"Internal error: {type(exc).__name__}: {terminal_line(str(exc))} (set NEGOTIATOR_DEBUG=1 for a "
              "traceback; please report it)", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
