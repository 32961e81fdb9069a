"""Tranches are filled in one pass, and give the tranches the policy describes tranche by tranche."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.round.plan import _tranches


def tranche_by_tranche(ranked, members, capacity):
    """The policy as written: tranche 1 takes, in rank order, every place that fits (capacity left, no council
    already in it); tranche 2 does the same with the rest; and so on. `deferred_by` lists, for each tranche a
    place was passed over by, the places there that share a council with it."""
    tranches, tranche_of, deferred_by = [], {}, {}
    remaining = list(ranked)
    while remaining:
        current, taken, carried = [], {}, []
        for pid in remaining:
            clash = sorted({taken[c] for c in members[pid] if c in taken})
            if clash or len(current) >= capacity:
                carried.append(pid)
                deferred_by.setdefault(pid, []).extend(clash)
            else:
                current.append(pid)
                tranche_of[pid] = len(tranches) + 1
                for c in members[pid]:
                    taken[c] = pid
        tranches.append(current)
        remaining = carried
    return tranches, tranche_of, deferred_by


@st.composite
def rounds(draw):
    councils = draw(st.integers(1, 12))
    n = draw(st.integers(0, 30))
    members = {f"p{i}": tuple(draw(st.sets(st.integers(0, councils - 1), min_size=1, max_size=4)))
               for i in range(n)}
    ranked = draw(st.permutations(sorted(members)))
    return ranked, members, draw(st.integers(1, 6))


@settings(max_examples=300, deadline=None)
@given(rounds())
def test_one_pass_fills_the_tranches_the_policy_describes(case):
    """Whatever the places, their councils and the capacity, the one-pass filling (linear in the places and
    their councils) puts every place in the tranche the tranche-by-tranche reading does, with the same
    places named as the reason it waited."""
    ranked, members, capacity = case
    assert _tranches(ranked, members, capacity) == tranche_by_tranche(ranked, members, capacity)
