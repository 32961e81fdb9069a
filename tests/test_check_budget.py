"""`check` always ends: triggerable and contradictions share a work budget that scales with the pack.

Invariant, in words: however many cases a pack's rules have, triggerable and contradictions evaluate at most
their budget (plus the least share each rule or pair is given), check whole every rule whose cases fit, and say
in the report when they sampled instead. With the budget made small, the bundled pack shows this at once;
with the real budget, the bundled pack is still checked whole (nothing is sampled).
"""

from __future__ import annotations

from helpers import PACK
from negotiator.check import run
from negotiator.pack.load import load_pack
from negotiator.results import CheckOutcome, CheckReport


def _by_id(report: CheckReport) -> dict[str, CheckOutcome]:
    return {c.id: c for c in report.checks}


def test_past_its_budget_check_samples_and_says_so(monkeypatch):
    pack = load_pack(PACK)
    profiles = 300
    monkeypatch.setattr(run, "WORK_BUDGET", profiles * len(pack.rules))
    checks = _by_id(run.run_checks(pack, only=["triggerable", "contradictions"]))
    trig = checks["triggerable"]
    assert "sampled, not checked whole" in trig.how
    assert trig.checked <= profiles + run.MIN_SHARE * len(pack.rules)
    assert all("no profile can make it hold (checked all" not in f["problem"] for f in trig.failures), \
        "a sampled rule is never reported as proved impossible"


def test_within_its_budget_the_bundled_pack_is_checked_whole():
    checks = _by_id(run.run_checks(load_pack(PACK), only=["triggerable", "contradictions"]))
    assert all("sampled" not in c.how for c in checks.values())
