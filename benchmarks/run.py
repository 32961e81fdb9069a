"""Benchmarks of speed at scale: the evaluators, rounds, check, sweep and a cold command. Run by hand.

    .venv/bin/python benchmarks/run.py            # a table
    .venv/bin/python benchmarks/run.py --json     # one JSON object

Evaluators: the same synthetic profiles (drawn, seeded, from the value classes
of the bundled pack, as benchmarks/engines.py draws them) through the
plain-Python evaluator (all of them), durable-rules (a seeded subsample, whose
rate is extrapolated: its rate does not depend on the sample) and the fast
path. `fast_per_s` is the rate of deciding columns that are already built
(every rule, then every power's status and tiers, the package's tier and
eligibility), as `check` and sweeps use it; `fast_with_columns_per_s` also
counts building the columns from per-profile dicts. `identical` compares every
rule's conclusion across all three.

Commands run as child processes; their CPU time (user + system) and peak RSS
are those /usr/bin/time -v reports.
The whole-England set is generated with `negotiator england`; the 3,000-place
set replicates it with distinct ids. Rounds use `--engine fast` (and, for
comparison, the default durable-rules). The cold `evaluate` is the least CPU of
several runs with compiled bytecode and a warm pack cache (the state after the
first run), and once more with an empty cache; `--instructions` also counts its
instructions with valgrind, a figure that does not depend on the machine's load.
Timings on a shared machine vary: the load average is reported with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "negotiator"
CONFIG = ROOT / "rounds" / "forerunner-2011.yaml"


def child(args: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """CPU seconds (user + system), wall seconds and peak RSS (MiB) of a command, from /usr/bin/time -v."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *map(str, args)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(map(str, args))} failed:\n{proc.stderr.decode(errors='replace')[-2000:]}")
        fields = {}
        for line in report.read().splitlines():
            if ":" in line:
                name, value = line.rsplit(":", 1) if "Elapsed" not in line else line.split(": ", 1)
                fields[name.strip()] = value.strip()
    wall = 0.0
    for part in fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
        wall = wall * 60 + float(part)
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    return cpu, wall, int(fields["Maximum resident set size (kbytes)"]) / 1024


def engines(profiles_n: int, durable_n: int) -> dict:
    from negotiator.check.space import Space
    from negotiator.engines import evaluator_for
    from negotiator.engines.fast import fast_evaluator, unpack
    from negotiator.engines.semantics import engine_facts
    from negotiator.pack.load import load_pack

    pack = load_pack()
    space = Space(pack)
    facts = space.status_facts
    domains, _ = space.space(facts)
    rng = random.Random(2010)
    profiles = [engine_facts(space.complete({f: rng.choice(d) for f, d in zip(facts, domains)},
                                            rng.choice(space.request_classes)))
                for _ in range(profiles_n)]
    sample = sorted(random.Random(7).sample(range(profiles_n), min(durable_n, profiles_n)))
    python, durable, fast = evaluator_for(pack, "python"), evaluator_for(pack, "durable"), fast_evaluator(pack)
    durable.truths(profiles[0])  # compile and register outside the timing

    t = time.process_time()
    by_python = [python.truths(p) for p in profiles]
    python_s = time.process_time() - t

    t = time.process_time()
    by_durable = [durable.truths(profiles[i]) for i in sample]
    durable_s = time.process_time() - t

    t = time.process_time()
    cols = fast.columns(profiles)
    columns_s = time.process_time() - t
    t = time.process_time()
    out = fast.decide(cols, pack.effective)
    fast_s = time.process_time() - t
    by_fast = unpack(out.rules, profiles_n, list(by_python[0]))

    identical = by_fast == by_python and all(by_durable[k] == by_python[i] for k, i in enumerate(sample))
    durable_per_s = len(sample) / durable_s
    fast_per_s = profiles_n / fast_s
    return {
        "profiles": profiles_n,
        "durable_profiles": len(sample),
        "durable_note": f"durable-rules timed on a seeded subsample of {len(sample):,} of the {profiles_n:,} profiles; "
                        "its rate is per profile, so the subsample's rate is its rate on all of them",
        "durable_per_s": round(durable_per_s),
        "python_per_s": round(profiles_n / python_s),
        "fast_per_s": round(fast_per_s),
        "fast_with_columns_per_s": round(profiles_n / (fast_s + columns_s)),
        "fast_vs_durable": round(fast_per_s / durable_per_s, 1),
        "fast_with_columns_vs_durable": round(profiles_n / (fast_s + columns_s) / durable_per_s, 1),
        "identical": identical,
    }


def replicate(sources: list[Path], out: Path, count: int) -> None:
    """`count` places: the sources, then copies of them with distinct ids."""
    out.mkdir(parents=True, exist_ok=True)
    made, k = 0, 0
    while made < count:
        for f in sources:
            if made >= count:
                break
            text = f.read_text()
            pid = re.search(r"^id: (\S+)$", text, re.M).group(1)
            new = pid if k == 0 else f"{pid}-copy-{k}"
            (out / f"{new}.yaml").write_text(re.sub(r"^id: \S+$", f"id: {new}", text, count=1, flags=re.M))
            made += 1
        k += 1


def commands(tmp: Path, cold_runs: int, with_durable: bool, instructions: bool = False) -> dict:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "negotiator")], check=True,
                   stdout=subprocess.DEVNULL)
    out: dict = {}
    england = tmp / "england"
    child([BIN, "england", "--out", england])
    places = ROOT / "places"
    n_england = len(list(england.glob("*.yaml"))) + len(list(places.glob("*.yaml")))
    out["england_places"] = n_england

    def round_(folders, engine):
        return child([BIN, "round", *folders, "--config", CONFIG, "--out", tmp / f"round-{engine}", "-q",
                      "--engine", engine])

    cpu, wall, rss = round_([england, places], "fast")
    out.update(round_england_s=round(cpu, 2), round_england_wall_s=round(wall, 2), round_england_peak_rss_mb=round(rss))
    big = tmp / "places-3000"
    replicate(sorted(england.glob("*.yaml")) + sorted(places.glob("*.yaml")), big, 3000)
    cpu, wall, rss = round_([big], "fast")
    out.update(round_3000_s=round(cpu, 2), round_3000_wall_s=round(wall, 2), round_3000_peak_rss_mb=round(rss))
    if with_durable:
        cpu, _wall, rss = round_([england, places], "durable")
        out.update(round_england_durable_s=round(cpu, 2))
        cpu, _wall, rss = round_([big], "durable")
        out.update(round_3000_durable_s=round(cpu, 2), round_3000_durable_peak_rss_mb=round(rss))
    cpu, wall, rss = child([BIN, "check", "--exhaustive"])
    out.update(check_exhaustive_s=round(cpu, 2), check_exhaustive_peak_rss_mb=round(rss))
    cpu, wall, rss = child([BIN, "sweep", england, places, "--config", CONFIG, "--param",
                            "strategic_county_min_population=100000..1090000:10000", "--out", tmp / "sweep"])
    out.update(sweep_england_100_s=round(cpu, 2), sweep_england_100_peak_rss_mb=round(rss))
    cache = tmp / "cache"
    first, _w, _r = child([BIN, "evaluate", "kent"], env={"NEGOTIATOR_CACHE": str(cache)})
    cold = min(child([BIN, "evaluate", "kent"], env={"NEGOTIATOR_CACHE": str(cache)})[0] for _ in range(cold_runs))
    out.update(evaluate_cold_s=round(cold, 3), evaluate_cold_empty_cache_s=round(first, 3),
               evaluate_cold_note=f"least CPU of {cold_runs} runs of `negotiator evaluate kent` (durable-rules), "
                                  "compiled bytecode, warm pack cache; evaluate_cold_empty_cache_s: the first run")
    if instructions and shutil.which("valgrind"):
        # CPU time on a shared machine varies with its load; the count of instructions does not
        run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(BIN), "evaluate",
                              "kent"], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "NEGOTIATOR_CACHE": str(cache)})
        found = re.search(r"Collected : (\d+)", run.stderr)
        if found:
            out["evaluate_cold_instructions"] = int(found.group(1))
    return out


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
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--durable-profiles", type=int, default=5_000)
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--no-durable-rounds", action="store_true", help="skip the durable-rules rounds")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of a cold evaluate (valgrind; about 20 s)")
    args = parser.parse_args()
    result = {"machine": machine()}
    result.update(engines(args.profiles, args.durable_profiles))
    tmp = Path(tempfile.mkdtemp(prefix="negotiator-bench-"))
    try:
        result.update(commands(tmp, args.cold_runs, not args.no_durable_rounds, args.instructions))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>34}: {value}")


if __name__ == "__main__":
    main()
