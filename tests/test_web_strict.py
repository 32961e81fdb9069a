"""`serve` is as strict as the command line: every request error is a 4xx with located messages, saved
YAML is built as data, and the pages it serves show hostile place text escaped."""

from __future__ import annotations

import re

import pytest
import yaml
from fastapi.testclient import TestClient

from helpers import PACK, ROOT
from negotiator.web import create_app

LOCAL = "http://127.0.0.1"
#: What no page or JSON answer may carry raw: C0 (but tab and newline), DEL, C1, separators, bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app([str(PACK)], ROOT / "places", ROOT / "rounds"), base_url=LOCAL) as c:
        yield c


def errors(response, status=422) -> list[str]:
    assert response.status_code == status, (response.status_code, response.text)
    assert not RAW.search(response.text)
    return response.json()["errors"]


@pytest.mark.parametrize("as_of", ["9999-12-31", "9998-06-30", "0001-01-01"])
@pytest.mark.parametrize("path", ["/api/evaluate", "/api/whatif", "/api/unlock"])
def test_a_date_outside_the_calendar_is_a_located_422(client, path, as_of):
    body = {"place": "kent", "as_of": as_of, **({"package": True} if path == "/api/unlock" else {})}
    [line] = errors(client.post(path, json=body))
    assert line.startswith("request: as_of: ") and "outside the calendar negotiator reads" in line


def test_a_lone_surrogate_anywhere_in_a_request_is_a_located_422(client):
    raw = b'{"place": "kent", "set": {"grouping.name": "a\\ud800b"}}'
    [line] = errors(client.post("/api/whatif", content=raw, headers={"content-type": "application/json"}))
    assert "set.grouping.name: not Unicode text (a lone surrogate" in line
    raw = b'{"profile": {"id": "x", "name": "\\udfff"}}'
    [line] = errors(client.post("/api/evaluate", content=raw, headers={"content-type": "application/json"}))
    assert "profile.name: not Unicode text" in line


@pytest.mark.parametrize("value, part", [
    (9007199254740993, "larger than 2^53"), (1e16, "outside what durable-rules reads"),
    ("x" * 65_536, "longer than 65,535"), ([1, 2], "give a single value"), ({"a": 1}, "give a single value"),
])
def test_a_set_value_past_the_bounds_is_refused_as_on_the_command_line(client, value, part):
    [line] = errors(client.post("/api/whatif", json={"place": "kent", "set": {"population": value}}))
    assert "set.population" in line and part in line


def test_deep_nesting_is_a_422(client):
    deep: dict = {}
    inner = deep
    for _ in range(60):
        inner["a"] = {}
        inner = inner["a"]
    response = client.post("/api/evaluate", json={"place": "kent", "profile": deep})
    assert 400 <= response.status_code < 500


def test_a_newline_in_a_source_never_adds_a_fact_to_the_saved_yaml(client):
    forged = "mine\nspend:\n  total_gbp_m: 999999\n#"
    for source in (forged, forged.replace("\n", "\r"), forged.replace("\n", "\u2028"), forged.replace("\n", "\x85")):
        response = client.post("/api/save", json={"place": "kent", "set": {"accountability.model": "leader_cabinet"},
                                                  "fact_source": source})
        assert response.status_code == 200, response.text
        text = response.json()["yaml"]
        data = yaml.safe_load(text)
        assert "spend" not in data, text[:400]
        assert data["accountability"]["model"]["source"] == source, "the source is kept as data, exactly"
        comments = [line for line in text.splitlines() if line.startswith("#")]
        assert len(comments) == 2 and not any(c.startswith("#  total") for c in comments)


HOSTILE = "<script>alert(1)</script> \x1b[31mred \u202eevil \x85next \x9b31m \u2066iso\u2069 \u2028sep \x08back"


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """A server over the bundled places with Kent's name and grouping name made hostile."""
    import shutil
    places = tmp_path_factory.mktemp("hostile") / "places"
    shutil.copytree(ROOT / "places", places)
    kent = places / "kent.yaml"
    data = yaml.safe_load(kent.read_text())
    data["name"] = f"Kent {HOSTILE}"
    data.setdefault("grouping", {})["name"] = HOSTILE
    kent.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with TestClient(create_app([str(PACK)], places, ROOT / "rounds"), base_url=LOCAL) as c:
        yield c


@pytest.mark.parametrize("method, path, body", [
    ("get", "/round/forerunner-2011.html", None), ("get", "/api/places", None), ("get", "/api/places/kent", None),
    ("post", "/api/evaluate", {"place": "kent"}), ("post", "/api/round", {"config": "forerunner-2011"}),
    ("post", "/api/save", {"place": "kent", "set": {"accountability.model": "leader_cabinet"}}),
])
def test_every_served_answer_shows_hostile_place_text_escaped(hostile_client, method, path, body):
    response = getattr(hostile_client, method)(path, **({"json": body} if body else {}))
    assert response.status_code == 200, response.text[:500]
    assert not RAW.search(response.text), RAW.search(response.text)
    assert "<script>alert" not in response.text or response.headers["content-type"].startswith("application/json")
