"""Evaluating every place of a round: per place, or with the fast path's conclusions in one batch.

With durable-rules (the engine of record) or the Python evaluator, each place
is settled on its own. With `fast`, every place's facts as of the round's date
become columns and every rule is settled for all places at once
(engines/fast.py); each place's typed result, explanations included, is then
built by the same Decision code as always, from those conclusions. The
differential tests check the conclusions identical (on every bundled place and sampled profiles).

Rounds of thousands of places build a great many small result objects that
live until the reports are written; Python's cyclic garbage collector would
re-scan all of them again and again while they are built, for nothing (they
hold no cycles). `paused_gc` turns it off for such a stretch.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import date
from typing import Callable, Iterator

from ..advice import advise_many, facts_to_collect_many
from ..decide.decision import Decision, Shared
from ..compiled import compiled
from ..engines.semantics import engine_facts
from ..pack.ir import Pack
from ..results import Evaluation
from ..vocab.places import LoadedPlace
from ..vocab.profile import facts_at

#: Places evaluated one at a time between collections of the youngest generation of garbage: each block's
#: places are settled, any cycles their sessions left collected (durable-rules' own actions left one each; ours
#: leave none, engines/durable.py, so this is a safety net), then their results built and frozen (gc.freeze),
#: so that no collection scans a result (about a tenth of a round's CPU when they were).
SWEEP_EVERY = 256

#: Places decided per batch on the fast path (bounds the columns' memory, not the result).
BATCH = 4096


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside (reference counting still frees everything acyclic)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def frozen_as_built() -> Iterator[None]:
    """Objects frozen inside (gc.freeze: out of every collection's reach) are put back in the oldest generation
    on the way out, unless something had frozen objects before (then they stay as that caller left them).

    Freezing moves every tracked object at once, without scanning any; reference counting still frees them."""
    before = gc.get_freeze_count()
    try:
        yield
    finally:
        if not before:
            gc.unfreeze()


def evaluate_places(pack: Pack, loaded: list[LoadedPlace], on: date, note: str, engine: str = "durable",
                    progress: Callable[[str], None] | None = None) -> dict[str, Evaluation]:
    """Every place's evaluation as of `on` (without the catalogue, which a round carries once)."""
    out: dict[str, Evaluation] = {}
    shared = Shared()  # equal parts of the places' results are built once (decision.Shared)
    with paused_gc():
        # every place's facts as of the date, once: for its facts to collect and for its decision
        facts = [facts_at(lp.profile, pack.vocabulary, on) for lp in loaded]
        # every place's facts to collect at once: their trial profiles decided together, as columns
        collect = dict(zip((lp.id for lp in loaded),
                           facts_to_collect_many(pack, [(lp.profile, on) for lp in loaded], facts=facts)))
        off = frozenset(pack.rules) - pack.rules_in_force(on)
        if engine != "fast":
            evaluator = compiled(pack).evaluator(engine)
            with frozen_as_built():
                gc.freeze()  # the places and their facts to collect, too
                for start in range(0, len(loaded), SWEEP_EVERY):
                    block = loaded[start:start + SWEEP_EVERY]
                    # as decide.decide decides each, from the facts worked out above
                    decisions = [Decision(pack, lp.profile, on, note, f, evaluator.truths(engine_facts(f), off), off,
                                          shared) for lp, f in zip(block, facts[start:start + SWEEP_EVERY])]
                    # whatever cycles the sessions left (none, as our actions run): freed before the block's results are
                    # built, so the collection scans the sessions' leftovers and not the results
                    gc.collect(0)
                    results = advise_many(decisions, with_catalogue=False, collect=[collect[lp.id] for lp in block])
                    for lp, result in zip(block, results):
                        out[lp.id] = result
                        if progress:
                            progress(lp.id)
                    gc.freeze()  # the results built so far: never scanned by the next block's collection
            return out
        fast = compiled(pack).fast
        for start in range(0, len(loaded), BATCH):
            batch = loaded[start:start + BATCH]
            known = facts[start:start + BATCH]
            truths = fast.truths_many([engine_facts(f) for f in known], off=off)
            decisions = [Decision(pack, lp.profile, on, note, f, t, off, shared) for lp, f, t in zip(batch, known, truths)]
            for lp, result in zip(batch, advise_many(decisions, with_catalogue=False,
                                                     collect=[collect[lp.id] for lp in batch])):
                out[lp.id] = result
                if progress:
                    progress(lp.id)
    return out
