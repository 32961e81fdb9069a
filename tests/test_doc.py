"""`negotiator doc`: a rulebook of each bundled pack that a reviewer could sign off from, and `doc --diff`.

What is checked, in words:
- every rule, power, tier, fact a profile states, parameter and move of the pack has an entry (an
  anchor on its section's page and a heading in rulebook.md), and every entry that cites a source
  shows the source's text;
- every parameter shows its value with its unit, and its assumption or its source;
- what uses what: the negotiation rule is "required by" every power; a parameter is "used by" the
  rules that test against it;
- the policy cases appear as worked examples, run, each marked as holding;
- the pages are self-contained (nothing loaded from elsewhere), links between them resolve, each is
  well under 1 MB, and the same pack gives the same bytes;
- `doc --diff` names exactly the entries that changed between two versions, with old and new text.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from helpers import ROOT, cli
from negotiator.pack.load import load_pack

PACKS = ["route-map-2010", "english-devolution-2026"]


@pytest.fixture(scope="module", params=PACKS)
def site(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("doc") / request.param
    result = cli("doc", "--rules", request.param, "--out", out)
    assert result.exit_code == 0, result.output
    return request.param, out


def _pages(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(out.glob("*.html"))}


def test_every_declaration_of_the_pack_has_an_entry(site):
    name, out = site
    pack = load_pack(name)
    pages = _pages(out)
    md = (out / "rulebook.md").read_text()
    expected = ([("rules.html", "rule", r) for r in pack.rules] + [("powers.html", "power", p.id) for p in pack.powers]
                + [("accountability.html", "tier", t.id) for t in pack.tiers]
                + [("facts.html", "fact", f) for f, d in pack.facts.items() if not f.startswith("requested.")]
                + [("parameters.html", "parameter", p) for p in pack.parameters]
                + [("moves.html", "move", m.id) for m in pack.moves]
                + [("sources.html", "source", s) for s in pack.sources])
    for page, kind, ident in expected:
        assert f'id="{kind}-{ident}"' in pages[page], (page, kind, ident)
        assert f"`{ident}`" in md, ident
    for rule in pack.rules.values():
        entry = html.unescape(_entry(pages["rules.html"], f"rule-{rule.id}"))
        assert pack.cite(rule.source) in entry
        assert rule.in_force.text() in entry


def _entry(page: str, anchor: str) -> str:
    start = page.index(f'<article id="{anchor}"')
    return page[start:page.index("</article>", start)]


def test_parameters_show_value_unit_and_assumption_or_source(site):
    name, out = site
    pack = load_pack(name)
    page = _pages(out)["parameters.html"]
    for prm in pack.parameters.values():
        entry = html.unescape(_entry(page, f"parameter-{prm.name}"))
        value = f"{prm.value:,}" if isinstance(prm.value, int) else str(prm.value)
        assert value in entry and prm.unit in entry, prm.name
        basis = prm.assumption if prm.assumption else pack.cite(prm.reference)
        assert " ".join(basis.split()) in " ".join(entry.split()), prm.name


def test_what_uses_what(site):
    name, out = site
    pack = load_pack(name)
    pages = _pages(out)
    negotiation = _entry(pages["rules.html"], f"rule-{pack.negotiation_rule}")
    for p in pack.powers:
        assert f'href="powers.html#power-{p.id}"' in negotiation
    tested = {(param, rid) for rid, (_f, _r, params) in pack.reads.items() for param, _v in params}
    for param, rid in tested:
        assert f'href="rules.html#rule-{rid}"' in _entry(pages["parameters.html"], f"parameter-{param}")


def test_policy_cases_are_worked_examples_that_hold(site):
    name, out = site
    page = _pages(out)["cases.html"]
    files = sorted((ROOT / "rules" / name / "cases").glob("*.yaml"))
    assert page.count("<article ") == len(files) > 0
    assert page.count('<dd class="ok">holds</dd>') == len(files)


def test_pages_are_self_contained_small_linked_and_deterministic(site, tmp_path):
    name, out = site
    pages = _pages(out)
    for page, text in pages.items():
        assert len(text.encode()) < 1_000_000, page
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", text), page
        assert "<link " not in text and "<script src" not in text, page
        for target, anchor in re.findall(r'href="([a-z-]+\.html)#([^"]+)"', text):
            assert f'id="{anchor}"' in pages[target], (page, target, anchor)
    again = tmp_path / "again"
    assert cli("doc", "--rules", name, "--out", again).exit_code == 0
    for p in list(out.glob("*.html")) + [out / "rulebook.md"]:
        assert (again / p.name).read_bytes() == p.read_bytes(), p.name


def test_doc_diff_names_what_changed_between_two_versions(tmp_path):
    copy = tmp_path / "route-map-2010"
    shutil.copytree(ROOT / "rules" / "route-map-2010", copy)
    (copy / "pack.yaml").write_text((copy / "pack.yaml").read_text().replace("version: 1.0.0", "version: 1.1.0"))
    params = (copy / "parameters.yaml").read_text()
    assert "  large_city_min_population:\n    value: 500000" in params
    (copy / "parameters.yaml").write_text(params.replace("  large_city_min_population:\n    value: 500000",
                                                         "  large_city_min_population:\n    value: 400000"))
    out = tmp_path / "diff"
    result = cli("doc", "--diff", "route-map-2010", copy, "--out", out)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Parameter changed: Smallest population at which a single city council negotiates on its own" in text
    assert "was: 500,000 people" in text and "now: 400,000 people" in text
    assert "Rule changed: A large city such as Birmingham negotiates on its own" in text
    assert "strategic\\_county" not in text  # only what changed
    assert "version" in text and "1.1.0" in text
    assert (out / "diff.html").is_file() and "400,000 people" in (out / "diff.html").read_text()
    same = cli("doc", "--diff", "route-map-2010", "route-map-2010")
    assert same.exit_code == 0 and "Nothing: the two rulebooks say the same." in same.stdout


def test_doc_diff_with_rules_is_a_usage_error():
    result = cli("doc", "--diff", "route-map-2010", "route-map-2010", "--rules", "route-map-2010")
    assert result.exit_code == 2 and result.stderr.startswith("Error: --rules")


def test_the_html_rulebook_shows_command_names_as_code_not_backticks(site):
    """The sections' introductions are written in Markdown for rulebook.md; on the HTML pages a
    `negotiator unlock` is code, never a literal pair of backticks."""
    _, out = site
    pages = _pages(out)
    assert "<code>negotiator unlock</code>" in pages["index.html"]
    assert "<code>negotiator test</code>" in pages["cases.html"]
    for name, command in (("index.html", "unlock"), ("index.html", "compare"), ("cases.html", "test")):
        assert f"`negotiator {command}`" not in pages[name], name


def test_pack_text_for_people_has_no_markdown_backticks():
    """Titles, descriptions, statements and notes of every bundled pack are plain words: they are shown as they
    are on the page, by `list`, in reports and in the rulebook, so a backtick would show as a backtick.
    (Comments in the YAML may use them.)"""
    import yaml

    def strings(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from strings(v, str(k))
        elif isinstance(node, list):
            for v in node:
                yield from strings(v, key)
        elif isinstance(node, str):
            yield key, node
    found = [(f.relative_to(ROOT), key, text) for f in sorted((ROOT / "rules").glob("*/*.yaml"))
             for key, text in strings(yaml.safe_load(f.read_text())) if "`" in text]
    assert not found


def test_a_parameter_is_headed_by_what_it_is_with_its_id_beside_it(tmp_path):
    """A reader signing a pack off sees what each number means before its id, as rules are headed by what they say."""
    result = cli("doc", "--out", tmp_path / "book")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "book" / "rulebook.md").read_text()
    at = md.index("### Smallest population at which a single city council negotiates on its own\n")
    assert md[at:].split("\n")[2] == "Parameter `large_city_min_population`."
    assert "### large city min population" not in md
