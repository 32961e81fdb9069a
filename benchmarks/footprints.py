"""Benchmark of `negotiator footprints`: a region's groupings enumerated, and a whole-England plan. By hand.

    .venv/bin/python benchmarks/footprints.py            # a table
    .venv/bin/python benchmarks/footprints.py --json     # one JSON object

Targets (issue 20): a county region enumerated in under a second, a whole-England plan in under a minute
on two cores. Each measure is the CPU time of this process (user + system, including the solver's
threads) and the wall time; the first call builds the pack and the geography, which is timed apart.
England is planned as of the 2026 pack's date of effect (29 April 2026), the region enumerated as of the
Devolution Priority Programme's announcement (5 February 2025). Timings on a shared machine vary: the load
average is reported with them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(work):
    c, w = cpu(), time.perf_counter()
    result = work()
    return result, round(cpu() - c, 2), round(time.perf_counter() - w, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--region", default="East of England")
    parser.add_argument("--seconds", type=float, default=45.0, help="time allowed to the solver")
    args = parser.parse_args()
    os.environ.setdefault("NEGOTIATOR_CACHE", "off")
    from negotiator.vocab.geo import geography
    from negotiator.footprints.judge import area_councils
    from negotiator.footprints.plan import plan
    from negotiator.footprints.search import enumerate_footprints
    from negotiator.pack.load import load_pack

    (pack, _), setup_cpu, setup_wall = measure(lambda: (load_pack("english-devolution-2026"), geography()))
    name, area = area_councils(pack, args.region)
    listed, list_cpu, list_wall = measure(lambda: enumerate_footprints(pack, name, area, date(2025, 2, 5)))
    england, councils = area_councils(pack, None)
    planned, plan_cpu, plan_wall = measure(lambda: plan(pack, england, councils, date(2026, 4, 29),
                                                        seconds=args.seconds))
    report = {
        "load_average": os.getloadavg()[0],
        "setup_cpu_s": setup_cpu, "setup_wall_s": setup_wall,
        "region": name, "region_examined": listed.examined, "region_listed": len(listed.footprints),
        "region_cpu_s": list_cpu, "region_wall_s": list_wall,
        "england_candidates": planned.solver, "england_status": planned.status,
        "england_footprints": len(planned.footprints), "england_people_covered": planned.people_covered,
        "england_people_free": planned.people_free, "england_unplaced": len(planned.unplaced),
        "england_cpu_s": plan_cpu, "england_wall_s": plan_wall,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:26} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
