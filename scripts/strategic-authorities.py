"""Write negotiator/data/strategic-authorities.csv from the place profiles in places/.

Each place whose `authority.kind` is a strategic authority (a combined or combined county authority, with or
without a mayor, a designated council, or the Greater London Authority) gives a row from the date that value
took effect, with its members and the profile's source. Footprint facts (negotiator/footprints) read the file
to know which councils are already in an authority on a date. Run it after changing a place's authority:

    /work/venv/bin/python scripts/strategic-authorities.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"designated_council", "combined_authority", "combined_county_authority", "mayoral_combined_authority",
         "mayoral_combined_county_authority", "greater_london_authority"}


def rows() -> list[list[str]]:
    out = []
    for path in sorted((ROOT / "places").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        history = (data.get("authority") or {}).get("kind") or []
        starts = [e for e in history if e.get("value") in KINDS]
        if not starts:
            continue
        first = min(starts, key=lambda e: str(e["from"]))
        out.append([data["id"], data["name"], first["value"], str(first["from"]), " ".join(sorted(data["members"])),
                    f"places/{path.name}: {first.get('source', '')}"])
    return out


def main() -> int:
    target = ROOT / "negotiator" / "data" / "strategic-authorities.csv"
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "name", "kind", "from", "members", "source"])
        writer.writerows(rows())
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
