"""Evaluators of a pack's rules: durable-rules (the engine of record), plain Python, and the vectorised one.

All three implement the three-valued semantics of semantics.py over the same
validated pack; tests check that they agree on every bundled place and on
generated profiles. The vectorised evaluator (fast.py, numpy) also decides
columns of profiles at once, for `check`, sweeps and `--engine fast`. An evaluator maps a place's facts (as the engines see
them: see `semantics.engine_facts`) to a conclusion for every rule. A pack's evaluators are made once and kept
with it: `negotiator.compiled.compiled(pack).evaluator(engine)`.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

Truth = bool | None

ENGINES = ("durable", "python", "fast")


class Evaluator(Protocol):
    name: str

    def truths(self, facts: Mapping[str, Any], off: frozenset[str] = frozenset()) -> dict[str, Truth]: ...
