"""negotiator serve: the JSON API gives what the command line gives, and the page works in a browser.

The API runs in-process (FastAPI's TestClient); the browser test starts `negotiator serve --port 0` in a
subprocess, as a user would, and drives the page in headless Chromium.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest
import yaml
from fastapi.testclient import TestClient

from helpers import PACK, ROOT, cli, headless_chromium, place_ids_on
from negotiator.results import Round
from negotiator.web import create_app
from negotiator.web.service import MAX_BODY

LOCAL = "http://127.0.0.1"
GM = "greater-manchester"
MAYOR = {"accountability.model": "directly_elected_mayor"}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app([str(PACK)], ROOT / "places", ROOT / "rounds"), base_url=LOCAL) as c:
        yield c


def cli_json(*args):
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- the same JSON as the command line ----------------------------------------------------------------

def test_evaluate_returns_what_negotiator_evaluate_json_prints(client):
    expected = cli_json("evaluate", "kent")
    response = client.post("/api/evaluate", json={"place": "kent"})
    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert client.get("/api/evaluate/kent").json() == expected


def test_whatif_returns_what_negotiator_whatif_json_prints(client):
    expected = cli_json("whatif", GM, "--as-of", "2011-05-01", "--set", "accountability.model=directly_elected_mayor")
    response = client.post("/api/whatif", json={"place": GM, "as_of": "2011-05-01", "set": MAYOR})
    assert response.status_code == 200, response.text
    assert response.json() == expected
    changed = {p["power"]: p["status"] for p in expected["change"]["powers"]}
    assert changed["single_place_budget"] == ["needs_stronger_accountability", "available"]
    # the page's "what changed" comes from the same comparison of two evaluations
    diff = client.post("/api/diff", json={"before": {"place": GM, "as_of": "2011-05-01"},
                                          "after": {"place": GM, "as_of": "2011-05-01", "set": MAYOR}})
    assert diff.json() == expected["change"]


def test_explain_unlock_and_schemas_return_what_the_command_line_prints(client):
    assert client.post("/api/explain", json={"place": "birmingham", "power": "single_place_budget"}).json() == \
        cli_json("explain", "birmingham", "single_place_budget")
    assert client.post("/api/unlock", json={"place": GM, "power": "single_place_budget", "as_of": "2011-05-01"}
                       ).json() == cli_json("unlock", GM, "--power", "single_place_budget", "--as-of", "2011-05-01")
    for kind in ("place", "result", "round"):
        assert client.get(f"/api/schema/{kind}").json() == json.loads(cli("schema", kind).stdout)


def test_round_runs_over_the_places_folder_with_a_round_config_and_shows_its_report(client):
    response = client.post("/api/round", json={"config": "forerunner-2011"})
    assert response.status_code == 200, response.text
    data = Round.model_validate(response.json())
    assert GM in data.tranches[0].places and "birmingham" in data.depends_on_unknowns
    assert len(data.places) + len(data.left_out) == len(list((ROOT / "places").glob("*.yaml")))
    assert len(data.places) == len(place_ids_on(data.round.date))
    page = client.get("/round/forerunner-2011.html")
    assert page.status_code == 200 and "First forerunner round" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # the report runs no script
    missing = client.post("/api/round", json={"config": "../places/kent"})
    assert missing.status_code == 404 and "no round config" in missing.json()["errors"][0]


def test_a_whole_profile_can_be_sent_instead_of_a_place_id(client):
    profile = client.get("/api/places/cornwall").json()["profile"]
    assert client.post("/api/evaluate", json={"profile": profile}).json()["powers"] == \
        client.post("/api/evaluate", json={"place": "cornwall"}).json()["powers"]



def test_a_new_place_of_councils_has_its_census_population(client, tmp_path):
    """A profile of member councils that states no population (the page's new place) is counted from the
    bundled Census table as `england` counts an area, each count with its source; the saved YAML states it
    and validates; a profile that states a population, or a member the table cannot count, keeps its own."""
    from negotiator.vocab.councils import register
    members = ["E06000052", "E06000053"]  # Cornwall and the Isles of Scilly
    new = {"id": "cornwall-and-scilly", "name": "Cornwall and the Isles of Scilly", "members": members,
           "sources": ["a page user"]}
    got = client.post("/api/evaluate", json={"profile": new, "as_of": "2011-05-01"}).json()["facts"]["population"]
    assert got["value"] == register().population_of(members, 2011) == 534_476 and got["measured"]
    assert got["source"].startswith("ONS Census 2011, sum of the member councils")
    saved = client.post("/api/save", json={"profile": new}).json()
    path = tmp_path / "cornwall-and-scilly.yaml"
    path.write_text(saved["yaml"])
    assert cli("validate", path).exit_code == 0
    assert cli_json("evaluate", path, "--as-of", "2022-01-01")["facts"]["population"]["value"] == \
        register().population_of(members, 2021)
    stated = client.post("/api/evaluate", json={"profile": {**new, "population": 1}}).json()
    assert stated["facts"]["population"]["value"] == 1
    # Aylesbury Vale and Chiltern, abolished in 2020 into a council covering two more: no count, so unknown
    part = {**new, "members": ["E07000004", "E07000005"]}
    assert client.post("/api/evaluate", json={"profile": part, "as_of": "2011-05-01"}).json()["facts"].get(
        "population") is None


# --- bad input: located messages, bounded work ---------------------------------------------------------

def test_a_bad_profile_gives_the_command_lines_located_messages(client, tmp_path):
    places = tmp_path / "places"
    places.mkdir()
    text = (ROOT / "places" / "kent.yaml").read_text()
    text = text.replace("value: 1463740", "value: -5", 1)
    (places / "kent.yaml").write_text(text)
    expected = [line.removeprefix("Error: ") for line in cli("evaluate", places / "kent.yaml").stderr.splitlines()]
    assert expected and re.search(r"kent\.yaml:\d+: population\[0\]\.value: -5 is impossible", expected[0])
    with TestClient(create_app([str(PACK)], places), base_url=LOCAL) as other:
        response = other.post("/api/evaluate", json={"place": "kent"})
    assert response.status_code == 422
    assert response.json()["errors"] == expected
    # the body is the command line's --json answer to the same input: one Problem model for both
    printed = cli("evaluate", places / "kent.yaml", "--json")
    assert printed.exit_code == 2
    assert response.json() == json.loads(printed.stdout)
    assert [p["text"] for p in response.json()["problems"]] == expected

    sent = client.post("/api/evaluate", json={"profile": {"id": "x", "name": "X", "members": ["E06000052"],
                                                          "sources": ["s"], "population": "many"}})
    assert sent.status_code == 422
    assert sent.json()["errors"] == ["profile: population: expected a whole number, got text 'many'"]
    bad_set = client.post("/api/whatif", json={"place": GM, "set": {"accountability.model": "mayor"}})
    assert bad_set.status_code == 422 and "accountability.model: 'mayor' is not one of" in bad_set.json()["errors"][0]
    unknown = client.post("/api/evaluate", json={"place": "kentt"})
    assert unknown.status_code == 404 and "did you mean 'kent'" in unknown.json()["errors"][0]
    bad_date = client.post("/api/evaluate", json={"place": "kent", "as_of": "2011-02-30"})
    assert bad_date.status_code == 422
    assert bad_date.json()["errors"] == ["request: as_of: '2011-02-30' is not a date like 2011-03-01"]
    # in the command line's words wherever a date comes (a body, a query), whatever the parser objects to
    for bad in ("03/01/2010", "2011-13-01", "yesterday"):
        got = client.get(f"/api/evaluate/kent?as_of={bad}")
        assert got.status_code == 422 and got.json()["errors"] == [f"request: as_of: '{bad}' is not a date like "
                                                                   "2011-03-01"]
    assert cli("evaluate", "kent", "--as-of", "2011-13-01").stderr == \
        "Error: --as-of: '2011-13-01' is not a date like 2011-03-01\n"


def test_oversized_bodies_are_refused_with_413(client):
    big = {"place": "kent", "profile": None, "set": {}, "pack": "x" * MAX_BODY}
    assert client.post("/api/evaluate", json=big).status_code == 413

    def chunks():  # no Content-Length: the server counts as it reads
        for _ in range(MAX_BODY // 65536 + 2):
            yield b" " * 65536
    response = client.post("/api/evaluate", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and "larger than" in response.json()["errors"][0]


def test_work_is_bounded(client):
    too_many = client.post("/api/unlock", json={"place": GM, "power": "transport", "answers": 50})
    assert too_many.status_code == 422
    escape = client.get("/api/places/..%2Frules%2Froute-map-2010%2Fpack")
    assert escape.status_code == 404
    pack = client.post("/api/evaluate", json={"place": "kent", "pack": "/etc"})
    assert pack.status_code == 404 and "not a rule pack this server offers" in pack.json()["errors"][0]


def test_only_local_names_are_answered(client):
    assert client.get("/api/packs").status_code == 200
    assert client.get("/api/packs", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/api/places", headers={"host": "rebound.example:8000"}).status_code == 400


def test_openapi_describes_every_endpoint_with_the_typed_results(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/evaluate", "/api/explain", "/api/whatif", "/api/unlock", "/api/round", "/api/diff",
                 "/api/save", "/api/schema/{kind}", "/api/places", "/api/vocabulary"):
        assert path in spec["paths"], path
    ok = spec["paths"]["/api/evaluate"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/Evaluation")
    assert {"Evaluation", "Explanation", "WhatIf", "Unlock", "Round", "PlaceChange", "Errors"} <= \
        set(spec["components"]["schemas"])


def test_the_saved_profile_validates_and_carries_a_source_for_each_fact_set(client, tmp_path):
    response = client.post("/api/save", json={"place": GM, "id": "gm-with-a-mayor", "as_of": "2011-05-01",
                                              "set": {**MAYOR, "capacity.peer_challenge": True, "grouping.name": None}})
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["file_name"] == "gm-with-a-mayor.yaml"
    assert "model: {value: directly_elected_mayor, source: set by hand in negotiator serve}" in saved["yaml"]
    assert "name" not in yaml.safe_load(saved["yaml"])["grouping"]  # grouping.name set unknown: left out
    path = tmp_path / saved["file_name"]
    path.write_text(saved["yaml"])
    result = cli("validate", path)
    assert result.exit_code == 0, result.stderr
    assert "no source" not in result.stderr
    assert cli_json("evaluate", path, "--as-of", "2011-05-01")["accountability"]["model"] == "directly_elected_mayor"


# --- the command and the page ----------------------------------------------------------------------------



@pytest.fixture(scope="module")
def served():
    """`negotiator serve --port 0` in a subprocess; the address it prints, read when first needed (so that
    Chromium starts while the server does)."""
    proc = subprocess.Popen([sys.executable, "-m", "negotiator.cli", "serve", "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    found: list[str] = []

    def address() -> str:
        if not found:
            line = proc.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
            found.append(match.group(0))
        return found[0]
    try:
        yield address
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from headless_chromium(tmp_path_factory.mktemp("chromium-web"), "1366,900")


def _statuses(driver) -> dict[str, str]:
    """Each power's status on screen, read in one step (the table is redrawn after each evaluation)."""
    return driver.execute_script("return Object.fromEntries([...document.querySelectorAll("
                                 "'#powers tbody tr[data-power]')].map(r => [r.dataset.power, r.dataset.status]))")


def _choose(driver, place: str, as_of: str) -> None:
    """Pick a place in the list and type a date, as a user would, then wait for the evaluation."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
    Select(driver.find_element(By.ID, "place")).select_by_value(place)
    from selenium.webdriver.common.keys import Keys
    box = driver.find_element(By.ID, "as-of")  # an ISO date typed as text: the box is not the locale's date picker
    box.clear()
    box.send_keys(as_of + Keys.TAB)
    WebDriverWait(driver, 15, poll_frequency=0.05).until(lambda d: d.execute_script(
        "const s = document.getElementById('summary').textContent;"
        "return s.includes('as of ' + arguments[0]) && s.includes('/' + arguments[1] + '.yaml')"
        " && document.getElementById('busy').hidden", as_of, place))


def client_evaluation(place: str, as_of: str, changes: dict) -> dict:
    with TestClient(create_app(), base_url=LOCAL) as c:
        return c.post("/api/evaluate", json={"place": place, "as_of": as_of, "set": changes}).json()


def _colours(png: bytes) -> tuple[int, float]:
    """Distinct colours in a screenshot, and the share of its most common colour."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = image.getcolors(maxcolors=1 << 24)
    return len(counts), max(n for n, _ in counts) / (image.width * image.height)


@pytest.mark.slow  # `negotiator serve` in a process and a headless Chromium: about 3 s of CPU
def test_the_page_reevaluates_live_interviews_and_saves(served, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
    wait = WebDriverWait(browser, 15, poll_frequency=0.05)
    browser.get(served())
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#powers tbody tr[data-power]"))

    # Greater Manchester as of 2011-05-01: the statuses on screen are those of negotiator evaluate
    _choose(browser, GM, "2011-05-01")
    before = _statuses(browser)
    assert before == {p["id"]: p["status"] for p in cli_json("evaluate", GM, "--as-of", "2011-05-01")["powers"]}
    model = browser.find_element(By.ID, "f-accountability.model")
    assert Select(model).first_selected_option.get_attribute("value") == "combined_authority"

    # a directly elected mayor: the statuses change as negotiator whatif says, with the reasons shown
    Select(model).select_by_value("directly_elected_mayor")
    wait.until(lambda d: _statuses(d)["single_place_budget"] == "available")
    whatif = cli_json("whatif", GM, "--as-of", "2011-05-01", "--set", "accountability.model=directly_elected_mayor")
    expected = dict(before, **{p["power"]: p["status"][1] for p in whatif["change"]["powers"]})
    assert _statuses(browser) == expected
    row = browser.find_element(By.CSS_SELECTOR, "#powers tr[data-power=single_place_budget]")
    assert "Available now" in row.text
    assert "directly elected, highly visible figure, which the place has" in row.text
    changes = browser.find_element(By.ID, "changes").text
    assert "single place budget" in changes and "Available with stronger accountability" in changes

    # the page as a minister's adviser sees it: not blank, its main parts visible
    shot = tmp_path / "serve.png"
    browser.save_screenshot(str(shot))
    colours, commonest = _colours(shot.read_bytes())
    assert colours > 200 and commonest < 0.8, (colours, commonest)
    for part in ("summary", "powers", "facts", "changes"):
        assert browser.find_element(By.ID, part).is_displayed(), part
    assert browser.find_element(By.ID, "eligibility").text.startswith("✓")

    # the date is shown as an ISO date; a date in a locale's order is refused in words, and nothing changes
    box = browser.find_element(By.ID, "as-of")
    assert box.get_attribute("value") == "2011-05-01" and box.get_attribute("placeholder") == "YYYY-MM-DD"
    from selenium.webdriver.common.keys import Keys
    box.clear()
    box.send_keys("01/05/2011" + Keys.TAB)
    assert "YYYY-MM-DD" in box.get_attribute("validationMessage")
    assert "as of 2011-05-01" in browser.find_element(By.ID, "summary").text

    # the interview asks first for the fact that settles most of an undetermined place
    _choose(browser, "west-midlands", "2011-03-01")
    first = cli_json("evaluate", "west-midlands", "--as-of", "2011-03-01")["facts_to_collect"][0]["fact"]
    assert first == "accountability.model"
    browser.find_element(By.ID, "start-interview").click()
    question = wait.until(lambda d: d.find_element(By.ID, "interview-question"))
    assert question.get_attribute("data-fact") == first
    Select(browser.find_element(By.ID, "iv-accountability.model")).select_by_value("combined_authority")
    answered = cli_json("whatif", "west-midlands", "--as-of", "2011-03-01", "--set",
                        "accountability.model=combined_authority")
    wait.until(lambda d: _statuses(d)["transport"] == "available")
    for p in answered["change"]["powers"]:
        assert _statuses(browser)[p["power"]] == p["status"][1]
    nxt = client_evaluation("west-midlands", "2011-03-01", {"accountability.model": "combined_authority"})
    question = wait.until(lambda d: d.find_element(By.ID, "interview-question"))
    assert question.get_attribute("data-fact") == nxt["facts_to_collect"][0]["fact"]

    # saved as YAML that negotiator validate accepts
    browser.find_element(By.ID, "save-button").click()
    text = wait.until(lambda d: d.find_element(By.ID, "saved-yaml").get_attribute("value"))
    saved = tmp_path / "west-midlands.yaml"
    saved.write_text(text)
    result = cli("validate", saved)
    assert result.exit_code == 0 and "no source" not in result.stderr, result.stderr
    assert "model: {value: combined_authority, source: set by hand in negotiator serve}" in text

    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []


@pytest.fixture(scope="module")
def both_packs():
    with TestClient(create_app([str(PACK), str(ROOT / "rules" / "english-devolution-2026")], ROOT / "places",
                               ROOT / "rounds"), base_url=LOCAL) as c:
        yield c


def test_the_rulebook_of_each_pack_is_served_self_contained(both_packs):
    client = both_packs
    for pack in ("route-map-2010", "english-devolution-2026"):
        index = client.get(f"/doc/{pack}/index.html")
        assert index.status_code == 200 and pack in index.text
        rules = client.get(f"/doc/{pack}/rules.html")
        policy = rules.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "unsafe-inline'; base" not in policy
        assert client.get(f"/doc/{pack}/rulebook.md").text.startswith("# Rulebook: ")
    missing = client.get("/doc/route-map-2010/rule.html")
    assert missing.status_code == 404 and "rules.html" in missing.json()["errors"][0]
    page = client.get("/").text
    assert 'id="rulebook"' in page and "/doc/" in page


def test_the_round_list_follows_the_pack(both_packs):
    """A round config is offered with the pack in force on its date (2011 with the route-map, 2026 with today's)."""
    client = both_packs
    for pack, config in (("route-map-2010", "forerunner-2011"), ("english-devolution-2026", "programme-2026")):
        assert [r["id"] for r in client.get(f"/api/rounds?pack={pack}").json()] == [config]
    assert len(client.get("/api/rounds").json()) == 2
