"""The bundled places: every fact they state has a source; what is unknown is left out."""

from __future__ import annotations

import pytest
import yaml

from helpers import ROOT
from negotiator.census import councils

PLACES = sorted((ROOT / "places").glob("*.yaml"))
SOURCED = ("population", "grouping.status", "accountability.model", "capacity", "spend", "priorities")


def stated_facts(data: dict, prefix: str = "") -> list[str]:
    out = []
    for key, value in data.items():
        path = prefix + key
        if isinstance(value, dict):
            out += stated_facts(value, path + ".")
        elif value not in (None, [], ""):
            out.append(path)
    return out


@pytest.mark.parametrize("path", PLACES, ids=[p.stem for p in PLACES])
def test_every_stated_fact_has_a_source(path):
    data = yaml.safe_load(path.read_text())
    sources = data["sources"]
    for fact in stated_facts(data):
        if not fact.startswith(SOURCED) or fact == "population_year":
            continue
        parts = fact.split(".")
        prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        assert any(s.split(":", 1)[0].strip() in prefixes for s in sources), f"{path.name}: {fact} has no source"


@pytest.mark.parametrize("path", PLACES, ids=[p.stem for p in PLACES])
def test_population_is_the_census_sum_of_the_members_or_unknown(path):
    data = yaml.safe_load(path.read_text())
    if "population" not in data:
        assert any(s.startswith("population: unknown") for s in data["sources"]), "say why it is unknown"
        return
    table = councils()
    assert data["population"] == sum(table[c].population_2011 for c in data["members"])
    assert data["population_year"] == 2011


def test_at_least_fifteen_real_places_are_bundled():
    assert len(PLACES) >= 15
