"""The bundled places: every stated fact has a source; populations are Census sums; unknowns are left out."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import PACK, PLACES
from negotiator.census import councils
from negotiator.pack.load import load_pack
from negotiator.vocab.places import load_place
from negotiator.vocab.profile import unsourced

CENSUS_DAY = {2011: date(2011, 3, 27), 2021: date(2021, 3, 21)}


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


@pytest.mark.parametrize("path", PLACES, ids=[p.stem for p in PLACES])
def test_every_stated_fact_has_a_source(path, pack):
    assert unsourced(load_place(path, pack).profile) == []


@pytest.mark.parametrize("path", PLACES, ids=[p.stem for p in PLACES])
def test_population_is_the_census_sum_of_the_members_or_unknown(path, pack):
    profile = load_place(path, pack).profile
    history = profile.facts.get("population")
    if history is None:
        assert any(s.startswith("population: unknown") for s in profile.sources), "say why it is unknown"
        return
    table = councils()
    for entry in history:
        year = next(y for y, day in CENSUS_DAY.items() if day == entry.start)
        attr = f"population_{year}"
        if all(c in table for c in profile.members):
            assert entry.value == sum(getattr(table[c], attr) for c in profile.members), (path.stem, year)
        else:  # a council created after the Census (East Surrey): the Census count of its area, from the register
            from negotiator.vocab.councils import register
            assert entry.value == register().population_of(profile.members, year), (path.stem, year)


def test_no_source_points_at_a_file_outside_the_repository():
    for path in PLACES:
        text = path.read_text()
        assert "shared/" not in text and "seed 0" not in text, path.name


def test_at_least_fifteen_real_places_are_bundled():
    assert len(PLACES) >= 15
