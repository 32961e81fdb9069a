"""Benchmark: profiles per second and peak memory of each evaluator on the bundled pack.

Rerun with:  .venv/bin/python benchmarks/engines.py [--profiles N]

Profiles are drawn (seeded, so every run sees the same ones) from the classes of
values the pack can tell apart, as `negotiator check --exhaustive` uses them.
Timing covers settling every rule for every profile, one profile at a time (the
fast path decides columns of profiles at once: benchmarks/run.py measures it
that way); it is a measurement to compare runs on one machine, not a test.
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from negotiator.compiled.space import Space
from negotiator.compiled import compiled
from negotiator.engines import ENGINES
from negotiator.engines.semantics import engine_facts
from negotiator.pack.load import load_pack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=5000)
    parser.add_argument("--rules", default=None, help="rule pack (default: route-map-2010)")
    args = parser.parse_args()
    pack = load_pack(args.rules)
    space = Space(pack)
    facts = space.status_facts
    domains, _ = space.space(facts)
    rng = random.Random(2010)
    profiles = [engine_facts(space.complete({f: rng.choice(d) for f, d in zip(facts, domains)},
                                            rng.choice(space.request_classes)))
                for _ in range(args.profiles)]
    print(f"{pack!r}: {len(profiles):,} profiles")
    results = {}
    for engine in ENGINES:
        evaluator = compiled(pack).evaluator(engine)
        evaluator.truths(profiles[0])  # compile and register outside the timing
        start = time.perf_counter()
        results[engine] = [evaluator.truths(p) for p in profiles]
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{engine:>8}: {len(profiles) / elapsed:>10,.0f} profiles/s   peak RSS so far {peak:,.0f} MiB")
    reference = results["durable"]
    same = all(found == reference for found in results.values())
    print(f"identical conclusions ({', '.join(results)}): {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
