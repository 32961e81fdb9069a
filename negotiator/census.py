"""ONS Census populations of English councils (2011 and 2021), bundled in negotiator/data.

Source: Office for National Statistics, Census 2011 and 2021 (usual resident
population by local authority district); Open Government Licence.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SOURCE = "ONS Census 2011 and 2021, usual resident population by local authority district (OGL)"


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    county: str
    region: str
    population_2011: int
    population_2021: int


@lru_cache(maxsize=1)
def councils() -> dict[str, Council]:
    """Every English council district by ONS code."""
    text = resources.files("negotiator").joinpath("data/census-population-by-council.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        row["lad_code"]: Council(row["lad_code"], row["name"], row["county"], row["region"],
                                 int(row["population_2011"]), int(row["population_2021"]))
        for row in rows
    }


def england_population(year: int = 2011) -> int:
    return sum(c.population_2011 if year == 2011 else c.population_2021 for c in councils().values())
