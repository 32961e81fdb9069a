"""One compiled pack: everything derived from a built pack is made once, kept with the pack object, and shared."""

from __future__ import annotations

import dataclasses
import pickle
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from helpers import PACK, ROOT
from negotiator import compiled as compiled_module
from negotiator.compiled import compiled
from negotiator.engines.semantics import engine_facts
from negotiator.pack.load import load_pack
from negotiator.vocab.places import load_places
from negotiator.vocab.profile import facts_at


def test_a_pack_loaded_twice_is_one_object_with_one_compiled_object_and_each_piece_made_once():
    pack = load_pack(PACK)
    assert load_pack(PACK) is pack
    made = compiled(pack)
    assert compiled(pack) is made
    assert made.fast is made.fast and made.python is made.python and made.durable is made.durable
    assert made.space is made.space and made.space.evaluator is made.python
    assert made.catalogue is made.catalogue and made.plan is made.durable.plan
    assert made.evaluator("fast") is made.fast


def test_who_set_a_parameter_is_part_of_what_a_pack_is():
    """Two round configs setting the same value each get a pack naming their own config as the setter."""
    name, parameter = next(iter(load_pack(PACK).parameters.items()))
    first = load_pack(PACK, {name: parameter.value}, "rounds/a.yaml")
    second = load_pack(PACK, {name: parameter.value}, "rounds/b.yaml")
    assert first is not second
    assert first.parameters[name].set_by == "rounds/a.yaml" and second.parameters[name].set_by == "rounds/b.yaml"
    assert compiled(first) is not compiled(second)


def test_a_changed_copy_of_a_pack_has_its_own_compiled_object_without_forging_a_hash():
    pack = load_pack(PACK)
    changed = dataclasses.replace(pack, rules=dict(reversed(list(pack.rules.items()))))
    assert changed.hash == pack.hash
    assert compiled(changed) is not compiled(pack) and compiled(changed).python is not compiled(pack).python


def test_what_is_derived_is_never_pickled_with_the_pack():
    pack = load_pack(PACK)
    assert compiled(pack).python is not None
    again = pickle.loads(pickle.dumps(pack))
    assert "_compiled" not in again.__dict__ and again == pack
    assert compiled(again) is not compiled(pack)


def test_clear_is_the_one_way_to_build_afresh():
    pack = load_pack(PACK)
    compiled_module.clear()
    fresh = load_pack(PACK)
    assert fresh is not pack and fresh == pack
    assert compiled(pack).python is not compiled(fresh).python  # what was held keeps what it made


def test_threads_sharing_one_compiled_pack_get_the_conclusions_one_thread_gets():
    """The durable-rules host runs one session at a time and every piece is made once: eight threads evaluating
    the bundled places at once conclude exactly what one thread does, on every engine."""
    pack = load_pack(PACK)
    on = date(2011, 3, 1)
    off = frozenset(pack.rules) - pack.rules_in_force(on)
    facts = [engine_facts(facts_at(lp.profile, pack.vocabulary, on)) for lp in load_places([str(ROOT / "places")], pack)]
    assert len(facts) > 10
    for engine in ("durable", "python", "fast"):
        def truths(f, engine=engine):
            return compiled(pack).evaluator(engine).truths(f, off)
        alone = [truths(f) for f in facts]
        with ThreadPoolExecutor(8) as pool:
            together = list(pool.map(truths, facts * 4))
        assert together == alone * 4, engine
