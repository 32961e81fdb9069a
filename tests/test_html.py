"""round.html opened in headless Chromium renders its tables and charts without console errors.

Chromium and chromedriver come from Debian's packages, installed by
scripts/setup-and-test.sh. Without them the test is skipped locally, but
fails under CI, where the set-up must have installed them.
"""

from __future__ import annotations


from datetime import date

import pytest

from helpers import PACK, ROOT, cli, headless_chromium, place_ids_on
from negotiator.pack.load import load_pack

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from headless_chromium(tmp_path_factory.mktemp("chromium-profile"), "1280,2000")


@pytest.mark.slow  # a headless Chromium started for it
def test_the_html_report_renders_tables_and_charts_without_console_errors(browser, forerunner_dir, tmp_path):
    from selenium.webdriver.common.by import By
    browser.get((forerunner_dir / "round.html").as_uri())
    assert "First forerunner round" in browser.title
    svgs = browser.find_elements(By.TAG_NAME, "svg")
    assert len(svgs) >= 3, "coverage, readiness and matrix charts"
    for svg in svgs[:3]:
        size = svg.size
        assert size["width"] > 100 and size["height"] > 40, size
    matrix = browser.find_element(By.CSS_SELECTOR, "svg[aria-label^='Powers by place']")
    powers = len(load_pack(PACK).powers)
    in_round = place_ids_on(date(2011, 3, 1))  # the places that exist on the round's date
    assert len(matrix.find_elements(By.TAG_NAME, "rect")) >= len(in_round) * powers
    tables = browser.find_elements(By.TAG_NAME, "table")
    assert len(tables) >= 3
    first_tranche = tables[0].text
    assert "Greater Manchester" in first_tranche
    waiting = browser.find_element(By.XPATH, "//h3[starts-with(., 'Eligible, ready or not')]/following-sibling::ul[1]")
    assert "Birmingham" in waiting.text and "capacity.failure_warning" in waiting.text
    assert "27.9%" in browser.find_element(By.ID, "coverage").find_element(By.XPATH, "..").text
    sheets = browser.find_elements(By.CSS_SELECTOR, "details.sheet")
    assert len(sheets) == len(in_round) - 1, "every place of the round but the special case (London) has a deal sheet"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    browser.save_screenshot(str(tmp_path / "round.png"))


@pytest.mark.slow  # a round over the whole-England set, opened in a browser
@pytest.mark.parametrize("pack, config", [("route-map-2010", "forerunner-2011.yaml"),
                                          ("english-devolution-2026", "programme-2026.yaml")])
def test_the_england_round_page_is_under_1_mb_collapsed_and_findable(england_dir, browser, tmp_path, pack, config):
    """Big pages stay fast: every deal sheet collapsed (a link to one opens it), the powers by place as a compact
    table, a box that finds a place's sheet; under 1 MB."""
    from selenium.webdriver.common.by import By
    out = tmp_path / "out"
    result = cli("round", england_dir, ROOT / "places", "--rules", pack, "--config", ROOT / "rounds" / config,
                 "--out", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    page = out / "round.html"
    assert page.stat().st_size < 1_000_000
    browser.get(page.as_uri() + "#deal-birmingham")
    sheets = browser.find_elements(By.CSS_SELECTOR, "details.sheet")
    assert len(sheets) > 300
    opened = [s.get_attribute("id") for s in sheets if s.get_attribute("open") is not None]
    assert opened == ["deal-birmingham"], "closed, but the one a link points at"
    box = browser.find_element(By.ID, "sheet-filter")
    box.send_keys("Tower Ham")
    shown = [s.get_attribute("id") for s in sheets if s.is_displayed()]
    assert shown == ["deal-tower-hamlets"]
    assert not [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
