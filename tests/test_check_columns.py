"""Exhaustive checking in columns (check/columns.py) reports exactly what the per-profile loop reports.

The per-profile loop runs when a decision function is given (`decide_fn`); with the
pack's own decision (`outcome_of`) it must give the same report, check for check:
statuses, counts, notes and counterexamples. Compared on the small test pack, intact
and broken so that properties fail, and (fast) on the bundled pack's recorded figures.
"""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

from helpers import PACK, ROOT, TEST_PACK
from negotiator.check import columns
from negotiator.check.run import SINGLE_PROPERTIES, Outcome, outcome_of, run_checks
from negotiator.compiled.space import Space
from negotiator.engines.fast import STATUS_NAMES
from negotiator.pack.load import load_pack
from negotiator.results import Status

BREAK = {
    "intact": [],
    "monotone": [("accountability.yaml", "requirements: []",
                  "requirements:\n  - id: police.alignment_needs_a_leader\n    statement: Aligned areas need a "
                  "leader for transport.\n    source: test\n    when: {fact: police.force_area_aligned, eq: true}\n"
                  "    tier: level_3\n    applies_to: [local_transport_plan]\n")],
    "reachable": [("rules.yaml", "rules:\n", "rules:\n  - id: test.never\n    statement: Never.\n    source: test\n"
                   "    when: {all: [{fact: kind, eq: district}, {fact: kind, eq: county}]}\n"),
                  ("powers.yaml", "requires: [institution.single, institution.settled]",
                   "requires: [institution.single, institution.settled, test.never]")],
}


def _pack(tmp_path, edits):
    folder = tmp_path / "devolution-2022"
    shutil.copytree(TEST_PACK, folder)
    shutil.copytree(ROOT / "rules" / "common", tmp_path / "common")
    for file, old, new in edits:
        text = (folder / file).read_text()
        assert old in text, (file, old)
        (folder / file).write_text(text.replace(old, new, 1))
    return load_pack(folder)


@pytest.mark.parametrize("variant", sorted(BREAK))
def test_columns_and_the_per_profile_loop_give_the_same_report(tmp_path, variant):
    pack = _pack(tmp_path, BREAK[variant])
    fast = run_checks(pack, exhaustive=True, durable_check=False)
    slow = run_checks(pack, exhaustive=True, durable_check=False, decide_fn=outcome_of)
    assert fast.model_dump_json() == slow.model_dump_json()
    if variant != "intact":
        failed = [c for c in fast.checks if c.status == "failed"]
        assert variant in [c.id for c in failed] and all(c.failures for c in failed), fast


@pytest.mark.slow  # the whole abstraction of the bundled pack, millions of profiles
def test_the_bundled_pack_exhaustively_in_columns():
    report = run_checks(load_pack(PACK), exhaustive=True, durable_check=False)
    assert report.mode == "exhaustive" and report.passed
    by_id = {c.id: c for c in report.checks}
    # the figures of the abstraction after issue 19 (a kind for a city negotiating through its city region, and
    # breadth for groupings split requested_count once more, checked in columns); before it, the per-profile loop, run once by hand,
    # agreed with the columns on every figure over the smaller abstraction (8,398,080 profiles)
    assert by_id["monotone"].checked == 9_307_872 and by_id["tier_monotone"].checked == 1_469_664
    assert by_id["unknown_not_yes"].checked == 13_763_520 and by_id["below_level"].checked == 11_757_312
    assert by_id["reachable"].checked == 1_469_666
    assert by_id["monotone"].notes == ["11,757,312 abstract profiles evaluated"]


@pytest.fixture(scope="module")
def bundled_grid():
    """The bundled pack's abstraction decided in columns for its widest request, once for the module (each test
    doctors its own copy of the statuses and package tiers)."""
    pack = load_pack(PACK)
    space = Space(pack)
    grid = columns.Grid(space, space.status_facts, space.space(space.status_facts)[0])
    requested = max((r for r in space.request_classes if r is not None), key=len)
    return pack, space, requested, grid.decide(requested, pack.effective)


@pytest.mark.parametrize("prop", SINGLE_PROPERTIES, ids=lambda p: p.id)
def test_single_properties_in_columns_flag_what_the_per_profile_test_flags(prop, bundled_grid):
    """Decided columns doctored at random (a broken engine would give such outcomes) are judged alike."""
    pack, space, requested, decided = bundled_grid
    out = dataclasses.replace(decided, statuses=decided.statuses.copy(), package_low=decided.package_low.copy())
    rng = np.random.default_rng(1)
    pick = rng.choice(out.n, 120, replace=False)
    out.statuses[:, pick] = rng.integers(0, len(STATUS_NAMES), (out.statuses.shape[0], len(pick)))
    out.package_low[pick] = rng.integers(-1, len(pack.tiers), len(pick))
    flagged = columns._single_violations(prop, space, out, requested)
    assert flagged[pick].any() and not flagged.all()
    eligible = out.eligible_values()  # (a list of every column's: read once, not once a picked column)
    for i in pick.tolist():
        outcome = Outcome(out.truths(i), {p: Status(s) for p, s in out.status_names(i).items()},
                          eligible[i], {p.id: int(out.power_low[k, i]) for k, p in enumerate(pack.powers)},
                          int(out.package_low[i]))
        assert bool(flagged[i]) == (prop.violation(space, outcome, requested) is not None)


@pytest.mark.parametrize("which", ["bundled", "test pack"])
def test_a_grid_reusing_what_it_settled_decides_as_afresh(which):
    """A grid takes rules that read no request, and whose dated rules are in force alike, from an earlier
    request class or date: on every date and request class, it concludes what deciding afresh concludes."""
    pack = load_pack(PACK if which == "bundled" else TEST_PACK)
    space = Space(pack)
    grid = columns.Grid(space, space.status_facts, space.space(space.status_facts)[0])
    classes = space.request_classes if which == "test pack" else [space.request_classes[0], None]
    for on in space.epochs:
        for requested in classes:
            out = grid.decide(requested, on, keep=True)
            fresh = grid.fast.decide(grid.columns(requested), on)
            for name in ("statuses", "power_low", "power_high", "package_low", "package_high", "score", "best"):
                assert np.array_equal(getattr(out, name), getattr(fresh, name)), (name, on, requested)
            assert all(np.array_equal(a, b) for a, b in zip(out.meets, fresh.meets))
            for rid in pack.rules:
                assert all(np.array_equal(a, b) for a, b in zip(out.rules[rid], fresh.rules[rid])), rid
            assert np.array_equal(grid.statuses(requested, on), fresh.statuses)
    assert grid._settled  # something was reused
