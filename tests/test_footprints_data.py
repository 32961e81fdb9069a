"""The geography footprints read: adjacency, declared links, police and fire areas, authorities in time."""

from __future__ import annotations

import csv
import importlib.util
from datetime import date
from pathlib import Path

from negotiator.census import councils
from negotiator.vocab.footprint_facts import footprint_facts, islands_left
from negotiator.vocab.geo import geography

ROOT = Path(__file__).resolve().parent.parent
ISLE_OF_WIGHT, PORTSMOUTH, SOUTHAMPTON, SCILLY = "E06000046", "E06000044", "E06000045", "E06000053"


def test_the_adjacency_is_the_onss_823_pairs_over_known_councils_and_symmetric():
    rows = list(csv.DictReader((ROOT / "negotiator/data/council-neighbours-2021.csv").read_text("utf-8").splitlines()))
    assert len(rows) == 823
    codes = set(councils())
    assert all(r["lad_code_a"] in codes and r["lad_code_b"] in codes and r["lad_code_a"] < r["lad_code_b"]
               for r in rows)
    geo = geography()
    assert all(a in geo.adjacent[b] for a in geo.codes for b in geo.adjacent[a])


def test_a_declared_link_to_an_unknown_council_is_an_error_naming_file_line_and_field(tmp_path):
    import pytest

    from negotiator.errors import InputError
    from negotiator.vocab.geo import declared_links
    bad = tmp_path / "links.yaml"
    bad.write_text("links:\n  - between: [E06000044, E06000099]\n    kind: ferry\n    source: a timetable\n")
    with pytest.raises(InputError) as caught:
        declared_links(bad)
    [problem] = caught.value.problems
    assert problem.line == 2 and problem.field == "links[0].between" and "E06000099" in problem.message


def test_the_isle_of_wight_reaches_portsmouth_and_southampton_by_declared_ferries_with_a_source():
    geo = geography()
    assert {PORTSMOUTH, SOUTHAMPTON} <= set(geo.neighbours(ISLE_OF_WIGHT))
    ferries = [link for link in geo.links if ISLE_OF_WIGHT in (link.a, link.b)]
    assert ferries and all(link.kind == "ferry" and "http" in link.source for link in ferries)
    assert geo.neighbours(SCILLY) == []


def test_every_council_is_in_exactly_one_police_force_area_and_one_fire_authority_area():
    geo = geography()
    for kind in ("police", "fire"):
        seen = [c for area in geo.areas[kind] for c in area.members]
        assert sorted(seen) == sorted(geo.codes), kind
    assert len(geo.areas["police"]) == 39 and len(geo.areas["fire"]) == 44


def test_the_authorities_file_is_what_the_script_writes_from_places():
    spec = importlib.util.spec_from_file_location("sa", ROOT / "scripts/strategic-authorities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = list(csv.reader((ROOT / "negotiator/data/strategic-authorities.csv").read_text("utf-8").splitlines()))[1:]
    assert written == module.rows(), "places/ changed: run python scripts/strategic-authorities.py and commit the file"


def test_hampshire_and_the_solent_is_one_area_of_whole_police_and_fire_areas_on_its_announcement():
    members = frozenset(["E07000084", "E07000085", "E07000086", "E07000087", "E07000088", "E07000089",
                         "E07000090", "E07000091", "E07000092", "E07000093", "E07000094", ISLE_OF_WIGHT,
                         PORTSMOUTH, SOUTHAMPTON])
    facts = footprint_facts(members, date(2025, 2, 5))
    assert facts["footprint.contiguous"] is True and facts["footprint.parts"] == 1
    assert facts["footprint.population"] == 1_995_600
    assert facts["footprint.police_whole_percent"] == 100 and facts["footprint.fire_whole_percent"] == 100
    assert facts["footprint.overlap"] == 0 and facts["footprint.islands"] == 0
    # without the ferries the island would be a part of its own
    assert len(geography().components(members - {PORTSMOUTH, SOUTHAMPTON, "E07000091"})) == 2


def test_a_footprint_that_takes_every_free_neighbour_of_rutland_leaves_it_an_island():
    geo = geography()
    on = date(2025, 2, 5)  # South Kesteven is in Greater Lincolnshire, Peterborough in Cambridgeshire's
    leicestershire = {c for c in geo.codes if councils()[c].county == "Leicestershire"}
    footprint = frozenset(leicestershire | {"E06000016", "E06000061"})
    assert "E06000017" in islands_left(geo, footprint, on)
    assert footprint_facts(footprint, on)["footprint.islands"] >= 1


def test_a_council_inside_an_authority_overlaps_and_london_boroughs_with_croydon_are_not_one_area():
    on = date(2025, 2, 5)
    facts = footprint_facts(frozenset(["E09000030", "E09000008"]), on)  # Tower Hamlets, Croydon
    assert facts["footprint.contiguous"] is False and facts["footprint.parts"] == 2
    assert facts["footprint.overlap"] == 2


def test_a_successor_council_borders_what_its_predecessors_bordered_less_themselves():
    """Cumberland (2023) is Allerdale, Carlisle and Copeland: its neighbours are theirs, named as the councils
    of the date (Westmorland and Furness for Eden and South Lakeland), and Northumberland; a footprint of the
    two 2023 councils is the six districts of Cumbria."""
    geo = geography()
    assert geo.neighbours_on("E06000063", date(2024, 1, 1)) == ["E06000057", "E06000064"]
    assert geo.base(["E06000063", "E06000064"]) == frozenset(c for c in geo.codes if councils()[c].county == "Cumbria")
    facts = footprint_facts(frozenset(["E06000063", "E06000064"]), date(2024, 1, 1))
    assert facts["footprint.contiguous"] is True and facts["footprint.population"] == 498_100
