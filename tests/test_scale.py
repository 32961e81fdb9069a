"""Rounds at scale give the same results: fast conclusions, shared result parts, streamed reports.

A round with `--engine fast` settles every place's rules in one batch, builds equal
parts of results once (decision.Shared), and writes its reports while producing them.
None of that may change a byte: the round equals the durable-rules round, each place's
evaluation equals its evaluation alone, and the streamed files equal the whole ones.
"""

from __future__ import annotations

import pytest

from helpers import ROOT
from negotiator.advice import evaluate
from negotiator.compiled import compiled
from negotiator.pack.load import load_pack
from negotiator.report.files import csv_chunks, html_chunks, json_chunks, to_csv, to_html, to_json
from negotiator.round.config import load_config
from negotiator.round.plan import run_round
from negotiator.vocab.places import load_places
from negotiator.vocab.timeline import on_date

CONFIG = ROOT / "rounds" / "forerunner-2011.yaml"


@pytest.fixture(scope="module")
def rounds(england_dir):
    cfg, doc = load_config(CONFIG)
    pack = load_pack(None, cfg.parameters, set_by=str(CONFIG))
    loaded = load_places([str(england_dir), str(ROOT / "places")], pack)
    return pack, cfg, loaded, {e: run_round(pack, loaded, cfg, doc, e) for e in ("durable", "fast")}


def test_a_fast_round_is_the_durable_round(rounds):
    _pack, _cfg, _loaded, by_engine = rounds
    durable, fast = to_json(by_engine["durable"]), to_json(by_engine["fast"])
    assert fast == durable.replace('"engine":"durable"', '"engine":"fast"', 1)


def test_each_place_in_a_round_is_evaluated_as_it_would_be_alone(rounds):
    pack, cfg, loaded, by_engine = rounds
    python = compiled(pack).evaluator("python")
    r = by_engine["fast"]
    kept, _left = on_date(loaded, cfg.date)  # the round takes the places of its date, members as of that date
    assert len(kept) == len(r.places)
    for lp in kept[::7]:
        alone = evaluate(pack, lp.profile, cfg.date, python, f"the date of the round '{cfg.name}'")
        assert r.place(lp.id).evaluation == alone.model_copy(update={"catalogue": None}), lp.id


def test_streamed_reports_are_the_whole_reports():
    cfg, doc = load_config(CONFIG)
    pack = load_pack(None, cfg.parameters, set_by=str(CONFIG))
    r = run_round(pack, load_places([str(ROOT / "places")], pack), cfg, doc, "fast")
    for indent in (None, 2):
        assert b"".join(json_chunks(r, indent)).decode() == to_json(r, indent)
    assert "".join(csv_chunks(r)) == to_csv(r)
    assert "".join(html_chunks(r)) == to_html(r)


def test_the_england_round_says_who_could_negotiate_alone_and_who_only_through_a_grouping(rounds):
    r = rounds[3]["fast"]
    eligible = {p.id for p in r.places if p.evaluation.negotiation.eligible}
    assert {"birmingham", "leeds", "sheffield", "lancashire-area", "kent", "cornwall", "county-durham"} <= eligible
    assert {"wigan", "tower-hamlets", "adur"}.isdisjoint(eligible), "districts and boroughs go through a grouping"
    assert {"greater-manchester", "leeds-city-region"} <= eligible
    assert r.place("wiltshire").evaluation.negotiation.eligible is False, "below the strategic county threshold"
