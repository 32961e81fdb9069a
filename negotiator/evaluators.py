"""Choosing an evaluator: durable-rules (the engine of record) or plain Python.

Both implement the same three-valued semantics over the same validated pack
(see logic.py); tests check that they agree on every bundled place and on
generated profiles.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

from .ir import Pack

Truth = bool | None

ENGINES = ("durable", "python")


class Evaluator(Protocol):
    name: str

    def truths(self, facts: Mapping[str, Any]) -> dict[str, Truth]: ...


def evaluator_for(pack: Pack, engine: str = "durable") -> Evaluator:
    if engine == "durable":
        from .durable_engine import DurableEvaluator
        return DurableEvaluator(pack)
    if engine == "python":
        from .logic import PythonEvaluator
        return PythonEvaluator(pack)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
