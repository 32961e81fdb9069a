"""Benchmarks of speed at scale: the evaluators, rounds, check, sweep and a cold command. Run by hand.

    .venv/bin/python benchmarks/run.py                 # a table
    .venv/bin/python benchmarks/run.py --json          # one JSON object
    .venv/bin/python benchmarks/run.py --quick         # fewer runs and no 30,000-place round (a smoke run)

Every figure is the median of `--runs` runs (five by default), given with its spread (least and most) in
`spread`; the machine's load average is reported before and after, since a shared machine's timings vary.

Evaluators, from the same input: synthetic profiles (drawn, seeded, from the value classes of the bundled pack,
as `check --exhaustive` draws them) as per-profile dicts. durable-rules converts each dict to its own input and
decides one profile at a time; the fast path builds its columns from the same dicts and decides them all at
once. `fast_from_dicts_vs_durable` sets it against durable-rules' rule conclusions alone (as the figures of 23
November did); `fast_from_dicts_vs_durable_decided` against those conclusions and the decisions
decide/decision.py makes from them, the same work the fast path does (`durable_decided_per_s`). durable-rules
keeps the conclusions of each distinct fact it has decided (as it does in a round), so its rate depends on how
many profiles it is given (more profiles, more facts seen before): it decides the very profiles the fast path
does (`--durable-profiles` takes a seeded subsample instead, for a quicker run that flatters the fast path), and
each run starts without the conclusions of the run before, as a fresh process would. `fast_decide_per_s` is the
fast path deciding columns already built, as `check` and sweeps use it, reported apart. `fast_read_only_per_s`
times the reading pass of the from-dicts figure alone (every fact's value out of every dict, block by block,
nothing coded or decided): a ceiling for the from-dicts rate, and `fast_read_only_vs_durable_decided` the ratio
that ceiling would give. `identical` compares decisions, not only rules: every rule's truth, each power's status
and required tiers, the package's tiers and whether the place's tier meets them, the readiness score and the
score if unknowns hold, for every profile, durable-rules (with decide/decision.py) against the fast path.

Commands run as child processes of the installed `negotiator` beside this Python, with the installed package
compiled to bytecode first; their CPU time (user + system), wall time and peak RSS are what /usr/bin/time -v
reports. Each starts on a clean slate, not timed: the folder it writes is removed and what earlier commands
wrote is flushed to disk, so that no run pays for the files of another. Rounds run on synthetic sets that vary:
the whole-England set (`negotiator england` plus places/) cycled, each copy with its own id and its populations
scaled by a seeded factor, so no two copies are alike and no content cache is hit; `round_growth_exponent` is
the slope of log(CPU) against log(places) over the sizes run. `england_with_reports_s` is the wall time of
`negotiator england` followed by its round with all four reports. `evaluate_cold_floor_s` is
benchmarks/floor.py: a typer command line shaped as negotiator's, importing the libraries a cold `evaluate`
imports and nothing of negotiator's, so that `evaluate_cold_s` minus it is negotiator's own part.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "negotiator"
CONFIG = ROOT / "rounds" / "forerunner-2011.yaml"


def child(args: list, env: dict | None = None, fresh: Path | None = None) -> tuple[float, float, float]:
    """CPU seconds (user + system), wall seconds and peak RSS (MiB) of a command, run under /usr/bin/time -v.

    Wall time and peak RSS are what /usr/bin/time reports; CPU time is what the kernel counts for the command and
    /usr/bin/time itself (getrusage of waited children, to the microsecond: /usr/bin/time prints user and system
    time each truncated to hundredths, too coarse for a command of 0.2 s). The count includes /usr/bin/time's own
    share: about 2 ms here for `/usr/bin/time /bin/true`, so a figure overstates its command by at most that.

    Before it starts (not timed): `fresh`, the folder it writes, is removed, and what earlier commands wrote is
    flushed to disk (os.sync), so that no run pays for the files of the one before (a 30,000-place round writes
    some 800 MB: deleting them, or the kernel writing them back, would otherwise fall in the next run)."""
    if fresh is not None:
        shutil.rmtree(fresh, ignore_errors=True)
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *map(str, args)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(map(str, args))} failed:\n{proc.stderr.decode(errors='replace')[-2000:]}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        fields = {}
        for line in report.read().splitlines():
            if ":" in line:
                name, value = line.rsplit(":", 1) if "Elapsed" not in line else line.split(": ", 1)
                fields[name.strip()] = value.strip()
    wall = 0.0
    for part in fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
        wall = wall * 60 + float(part)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, int(fields["Maximum resident set size (kbytes)"]) / 1024


class Figures:
    """Medians of repeated measurements, with their spread and how many runs each is of."""

    def __init__(self) -> None:
        self.values: dict = {}
        self.spread: dict = {}
        self.runs: dict = {}

    def median(self, key: str, samples: list[float], digits: int = 2) -> float:
        value = round(statistics.median(samples), digits)
        self.values[key] = value
        self.spread[key] = [round(min(samples), digits), round(max(samples), digits)]
        self.runs[key] = len(samples)
        return value

    def command(self, prefix: str, args: list, runs: int, env: dict | None = None, wall_key: bool = True,
                fresh: Path | None = None) -> None:
        """`prefix`_s (CPU), `prefix`_wall_s and `prefix`_peak_rss_mb of a command, each a median of `runs`;
        `fresh`: the folder it writes, removed before each run (see `child`)."""
        samples = [child(args, env, fresh) for _ in range(runs)]
        self.median(f"{prefix}_s", [s[0] for s in samples])
        if wall_key:
            self.median(f"{prefix}_wall_s", [s[1] for s in samples])
        self.median(f"{prefix}_peak_rss_mb", [s[2] for s in samples], 0)


def engines(fig: Figures, profiles_n: int, durable_n: int, runs: int) -> None:
    import numpy as np

    from negotiator.compiled.space import Space
    from negotiator.decide.decision import package_tiers, power_status, tier_met
    from negotiator.decide.readiness import readiness
    from negotiator.compiled import compiled
    from negotiator.engines.fast import STATUS_NAMES
    from negotiator.engines.fast_columns import _values
    from negotiator.engines.semantics import engine_facts
    from negotiator.pack.load import load_pack

    pack = load_pack()
    space = Space(pack)
    facts = space.status_facts
    domains, _ = space.space(facts)
    rng = random.Random(2010)
    chosen = [space.complete({f: rng.choice(d) for f, d in zip(facts, domains)}, rng.choice(space.request_classes))
              for _ in range(profiles_n)]
    profiles = [engine_facts(p) for p in chosen]
    sample = (list(range(profiles_n)) if durable_n >= profiles_n
              else sorted(random.Random(7).sample(range(profiles_n), durable_n)))
    on = pack.effective
    off = frozenset(pack.rules) - pack.rules_in_force(on)
    durable, python, fast = compiled(pack).durable, compiled(pack).evaluator("python"), compiled(pack).fast
    durable.truths(profiles[0], off)  # compile and register outside the timing

    def decided(i: int, truths: dict) -> tuple:
        """What the fast path decides for a profile, by decide/decision.py from durable-rules' conclusions: each
        power's status and required tiers, the package's tiers, whether the place's tier meets them, readiness."""
        current = pack.tier_of_model(chosen[i].get(pack.model_fact))
        powers = []
        for power in pack.powers:
            status, low, high, _unknown, _missing = power_status(pack, truths, current, power, on)
            powers.append((status.value, low.rank, high.rank))
        requested = [p.id for p in pack.powers if chosen[i].get(f"requested.{p.id}")]
        low, high = package_tiers(pack, truths, requested)
        met = tier_met(pack, current, low, high)
        ready = readiness(pack, truths)
        return powers, (low.rank, high.rank), (met is True, met is False), (ready.score, ready.score_if_unknowns_hold)

    reading = fast._reading
    read_order, _at = reading._order(profiles[0])

    def read_only() -> None:
        """The reading pass of `fast.columns` alone: every fact's value out of every dict into an array of the
        values themselves, block by block, as `_Reading._block` reads them; no value coded, nothing decided."""
        width = len(read_order)
        for start in range(0, profiles_n, reading.BLOCK):
            block = profiles[start:start + reading.BLOCK]
            np.fromiter(_values(block, read_order), dtype=object, count=len(block) * width)

    durable_rates, decided_rates, python_rates, from_dicts_rates, decide_rates = [], [], [], [], []
    read_rates = []
    by_durable: list = []
    decisions: list = []
    out = None
    for _ in range(runs):
        durable.forget()  # each run as a fresh process would make it: no conclusion kept from the run before
        t = time.process_time()
        by_durable = [durable.truths(profiles[i], off) for i in sample]
        truths_s = time.process_time() - t
        durable_rates.append(len(sample) / truths_s)
        t = time.process_time()
        decisions = [decided(i, truths) for i, truths in zip(sample, by_durable)]
        decided_rates.append(len(sample) / (truths_s + time.process_time() - t))
        t = time.process_time()
        for i in sample:
            python.truths(profiles[i], off)
        python_rates.append(len(sample) / (time.process_time() - t))
        t = time.process_time()
        cols = fast.columns(profiles)
        out = fast.decide(cols, on)
        from_dicts_rates.append(profiles_n / (time.process_time() - t))
        t = time.process_time()
        read_only()
        read_rates.append(profiles_n / (time.process_time() - t))
        t = time.process_time()
        fast.decide(cols, on)
        decide_rates.append(profiles_n / (time.process_time() - t))

    if out is None:
        raise SystemExit("--runs must be at least 1")
    identical = True
    for k, i in enumerate(sample):
        if out.truths(i) != by_durable[k]:
            identical = False
            break
        powers, package, meets, ready = decisions[k]
        fast_powers = [(STATUS_NAMES[out.statuses[j, i]], out.power_low[j, i], out.power_high[j, i])
                       for j in range(len(pack.powers))]
        if (fast_powers != powers or (out.package_low[i], out.package_high[i]) != package
                or (bool(out.meets[0][i]), bool(out.meets[1][i])) != meets
                or (float(out.score[i]), float(out.best[i])) != ready):
            identical = False
            break
    fig.median("durable_per_s", durable_rates, 0)
    fig.median("fast_from_dicts_per_s", from_dicts_rates, 0)
    fig.median("fast_decide_per_s", decide_rates, 0)
    fig.median("python_per_s", python_rates, 0)
    fig.median("durable_decided_per_s", decided_rates, 0)
    fig.median("fast_from_dicts_vs_durable", [f / d for f, d in zip(from_dicts_rates, durable_rates)], 1)
    fig.median("fast_from_dicts_vs_durable_decided", [f / d for f, d in zip(from_dicts_rates, decided_rates)], 1)
    fig.median("fast_vs_durable", [f / d for f, d in zip(decide_rates, durable_rates)], 1)
    fig.median("fast_read_only_per_s", read_rates, 0)
    fig.median("fast_read_only_vs_durable_decided", [f / d for f, d in zip(read_rates, decided_rates)], 1)
    fig.median("fast_read_share", [f / r for f, r in zip(from_dicts_rates, read_rates)], 2)  # of the time
    # the names earlier runs used, kept so figures can be compared across versions
    fig.values["fast_per_s"] = fig.values["fast_decide_per_s"]
    fig.values["fast_with_columns_per_s"] = fig.values["fast_from_dicts_per_s"]
    fig.values["fast_with_columns_vs_durable"] = fig.values["fast_from_dicts_vs_durable"]
    fig.values.update(
        profiles=profiles_n, durable_profiles=len(sample), identical=bool(identical and np.all(out.n == profiles_n)),
        engines_note=(f"durable-rules decided the same {profiles_n:,} profiles as the fast path" if len(sample) == profiles_n
                      else f"durable-rules timed on a seeded subsample of {len(sample):,} of the {profiles_n:,} profiles "
                           "(which flatters the fast path: durable-rules decides each distinct fact once)")
        + "; durable_per_s: durable-rules' rule conclusions only (as measured since 23 November); "
          "durable_decided_per_s: those conclusions and the decisions decide/decision.py makes from them (each "
          "power's status and tiers, the package's tiers, whether they are met, readiness: what the fast path "
          "decides), the same work as the fast path; the fast path from the same dicts (columns built, then decided) "
          "and from columns already built (fast_decide_per_s); fast_read_only_per_s: the reading pass of the "
          "from-dicts figure alone (each fact's value out of each dict, nothing coded or decided), the most any "
          "reader that looks each value up in Python could reach, and fast_read_share the share of the from-dicts "
          "time it takes; identical compares the decisions of every profile durable-rules decided")


def synthetic(sources: list[Path], out: Path, count: int, seed: int = 2011) -> None:
    """`count` places cycled from `sources`: each copy with its own id and populations scaled by its own factor."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    texts = [(f, f.read_text(encoding="utf-8")) for f in sources]
    made, k = 0, 0
    while made < count:
        for source, text in texts:
            if made >= count:
                break
            found = re.search(r"^id: (\S+)$", text, re.M)
            if found is None:
                raise SystemExit(f"{source}: no `id:` line to copy the place by")
            pid = found.group(1)
            new = pid if k == 0 else f"{pid}-v{k}"
            body = re.sub(r"^id: \S+$", f"id: {new}", text, count=1, flags=re.M)
            if k:
                factor = rng.uniform(0.5, 1.6)
                body = re.sub(r"(\{value: )(\d+)(, from: [^}]*source: \"ONS Census)",
                              lambda m: f"{m[1]}{round(int(m[2]) * factor)}{m[3]}", body)
            (out / f"{new}.yaml").write_text(body, encoding="utf-8")
            made += 1
        k += 1


def installed_package() -> Path:
    found = subprocess.run([sys.executable, "-c", "import negotiator, os; print(os.path.dirname(negotiator.__file__))"],
                           cwd="/", capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


def commands(fig: Figures, tmp: Path, runs: int, sizes: list[int], with_durable: bool, cold_runs: int,
             instructions: bool) -> None:
    # compile the package the commands import (the installed copy, not this checkout's sources)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(installed_package())], check=True,
                   stdout=subprocess.DEVNULL)
    places = ROOT / "places"

    walls = []
    for k in range(runs):
        england = tmp / f"england-{k}"
        _c1, w1, _r = child([BIN, "england", "--out", england])
        _c2, w2, _r = child([BIN, "round", england, places, "--config", CONFIG, "--out", tmp / f"round-e-{k}", "-q"])
        walls.append(w1 + w2)
    fig.median("england_with_reports_s", walls)
    england = tmp / "england-0"
    sources = sorted(places.glob("*.yaml")) + sorted(england.glob("*.yaml"))  # the config names bundled places
    fig.values["england_places"] = len(sources)
    fig.command("round_england", [BIN, "round", england, places, "--config", CONFIG, "--out", tmp / "re", "-q",
                                  "--engine", "fast"], runs, fresh=tmp / "re")
    if with_durable:
        fig.command("round_england_durable", [BIN, "round", england, places, "--config", CONFIG, "--out",
                                              tmp / "rd", "-q"], runs, wall_key=False, fresh=tmp / "rd")

    cpu_by_size = {}
    for n in sizes:
        folder = tmp / f"places-{n}"
        synthetic(sources, folder, n)
        fig.command(f"round_{n}_varied", [BIN, "round", folder, "--config", CONFIG, "--out", tmp / f"r{n}", "-q"],
                    runs, fresh=tmp / f"r{n}")  # every size as many runs as the rest (five at least), 30,000 included
        cpu_by_size[n] = fig.values[f"round_{n}_varied_s"]
        if n == 3000:  # the fast path on the same set (round_3000_s, as earlier runs named it)
            fig.command("round_3000", [BIN, "round", folder, "--config", CONFIG, "--out", tmp / "f3000", "-q",
                                       "--engine", "fast"], runs, fresh=tmp / "f3000")
        for done in (folder, tmp / f"r{n}", tmp / "f3000"):  # what the next sizes need not keep
            shutil.rmtree(done, ignore_errors=True)
    if 30000 in cpu_by_size:  # the names for the largest set
        fig.values["round_30000_s"] = fig.values["round_30000_varied_s"]
        fig.values["round_30000_peak_rss_mb"] = fig.values["round_30000_varied_peak_rss_mb"]
        fig.runs["round_30000_s"] = fig.runs["round_30000_varied_s"]
    if len(cpu_by_size) >= 2:
        xs = [math.log(n) for n in cpu_by_size]
        ys = [math.log(c) for c in cpu_by_size.values()]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        fig.values["round_growth_exponent"] = round(slope, 2)

    fig.command("check_exhaustive", [BIN, "check", "--exhaustive"], runs, wall_key=False)
    fig.command("sweep_england_100", [BIN, "sweep", england, places, "--config", CONFIG, "--param",
                                      "strategic_county_min_population=100000..1090000:10000", "--out", tmp / "sweep"],
                runs, wall_key=False, fresh=tmp / "sweep")
    cache = tmp / "cache"
    env = {"NEGOTIATOR_CACHE": str(cache)}
    fig.values["evaluate_cold_empty_cache_s"] = round(child([BIN, "evaluate", "kent"], env)[0], 3)
    fig.median("evaluate_cold_s", [child([BIN, "evaluate", "kent"], env)[0] for _ in range(max(cold_runs, 5))], 3)
    floor = [sys.executable, ROOT / "benchmarks" / "floor.py", "evaluate", "kent"]
    fig.median("evaluate_cold_floor_s", [child(floor, env)[0] for _ in range(max(cold_runs, 5))], 3)
    fig.values["evaluate_cold_note"] = ("median CPU of `negotiator evaluate kent` (durable-rules), compiled bytecode, "
                                        "warm pack cache; evaluate_cold_empty_cache_s: the first run; "
                                        "evaluate_cold_floor_s: benchmarks/floor.py, the same command line in typer "
                                        "importing the same libraries and running none of negotiator's code")
    if instructions and shutil.which("valgrind"):
        # CPU time on a shared machine varies with its load; the count of instructions does not
        run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(BIN), "evaluate",
                              "kent"], cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env})
        found = re.search(r"Collected : (\d+)", run.stderr)
        if found:
            fig.values["evaluate_cold_instructions"] = int(found.group(1))


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=5, help="runs each median is of (default 5)")
    parser.add_argument("--sizes", default="300,3000,30000", help="sizes of the varied synthetic rounds")
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--durable-profiles", type=int, default=None,
                        help="profiles durable-rules decides (default: all of --profiles, the fast path's input)")
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="three runs, rounds of 300 and 3,000 places only")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of a cold evaluate (valgrind; about 20 s)")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.sizes, args.profiles = 3, "300,3000", 50_000
    if args.durable_profiles is None:
        args.durable_profiles = args.profiles
    sizes = [int(s) for s in args.sizes.split(",") if s]
    fig = Figures()
    result: dict = {"machine": machine()}
    engines(fig, args.profiles, args.durable_profiles, args.runs)
    tmp = Path(tempfile.mkdtemp(prefix="negotiator-bench-"))
    try:
        commands(fig, tmp, args.runs, sizes, True, args.cold_runs, args.instructions)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.update(fig.values)
    result["spread"] = fig.spread
    result["runs"] = fig.runs
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        if key not in ("spread", "runs"):
            extra = f"   ({fig.spread[key][0]}-{fig.spread[key][1]}, {fig.runs[key]} runs)" if key in fig.spread else ""
            print(f"{key:>34}: {value}{extra}")


if __name__ == "__main__":
    main()
