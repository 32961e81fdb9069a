"""One compiled pack: everything derived from a built pack, made on first use and kept with it.

A built pack (`pack.load.load_pack`) is the intermediate form of its files, with the parameter values in
effect and who set them; the loader keeps one per everything that changes it (the bytes of its files,
parameter values and their setters, the working folder and workspace its locations are shown against,
the code that builds it). What is derived from it hangs off that one object, `compiled(pack)`:

- `.python`, `.fast`, `.durable`: the three evaluators (`.evaluator(engine)` by name); `.plan`: the
  durable-rules compilation (pure Python) and `.durable` its registered host;
- `.space`: the abstraction (value classes of facts and requests) that check and the advice read;
- `.catalogue`: each rule, tier, power, source, parameter and fact once, as results refer to them;
- `.memo(name)`: a bounded table for derived answers a layer above keeps per pack (facts to collect...).

Nothing derived lives in a module global: a different pack object (another value of a parameter, a pack
changed in a test with `dataclasses.replace`) has its own compiled object, and when the pack is dropped
so is everything made from it. Safe across threads: each piece is made once, under the object's lock;
the durable-rules host runs one session at a time. `clear()` is the one way to forget every built pack
(the next `load_pack` builds afresh; objects still held keep what they made).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ..pack import load as _load
from ..pack.ir import Pack

if TYPE_CHECKING:  # the engines and the abstraction are imported when first made (numpy, durable-rules)
    from ..engines import Evaluator
    from ..engines.durable import DurableEvaluator
    from ..engines.durable_plan import Plan
    from ..engines.fast import FastEvaluator
    from ..engines.python import PythonEvaluator
    from ..results import Catalogue
    from .space import Space

T = TypeVar("T")

_SLOT = "_compiled"  # the attribute of a Pack object that holds its compiled object (never pickled)
_ATTACH = threading.Lock()


class Memo:
    """A bounded, thread-safe table of answers derived from one pack (least recently used dropped first)."""

    def __init__(self, maxsize: int = 4096):
        self.maxsize = maxsize
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # made outside the lock: two threads may both make it; both give the same answer
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


class Compiled:
    """Everything derived from one built pack (see the module's docstring)."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self._made: dict[str, Any] = {}
        self._lock = threading.RLock()

    def _get(self, name: str, make: Callable[[], Any]) -> Any:
        found = self._made.get(name)
        if found is None:
            with self._lock:
                found = self._made.get(name)
                if found is None:
                    found = self._made[name] = make()
        return found

    @property
    def python(self) -> PythonEvaluator:
        """The plain-Python evaluator (each rule a closure)."""
        from ..engines.python import PythonEvaluator
        return self._get("python", lambda: PythonEvaluator(self.pack))

    @property
    def fast(self) -> FastEvaluator:
        """The vectorised evaluator (numpy), with its encodings and truth tables."""
        from ..engines.fast import FastEvaluator
        return self._get("fast", lambda: FastEvaluator(self.pack))

    @property
    def plan(self) -> Plan:
        """The pack compiled for durable-rules: deciders, field names, rulesets per stratum (pure Python)."""
        from ..engines.durable_plan import compile_pack
        return self._get("plan", lambda: compile_pack(self.pack))

    @property
    def durable(self) -> DurableEvaluator:
        """durable-rules, the engine of record: the plan registered on a host of its own."""
        from ..engines.durable import DurableEvaluator
        return self._get("durable", lambda: DurableEvaluator(self.pack, self.plan))

    def evaluator(self, engine: str = "durable") -> Evaluator:
        """The evaluator named `engine` (one of engines.ENGINES)."""
        from ..engines import ENGINES
        if engine == "durable":
            return self.durable
        if engine == "python":
            return self.python
        if engine == "fast":
            return self.fast
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")

    @property
    def space(self) -> Space:
        """The abstraction: value classes of the pack's facts and requests."""
        from .space import Space
        return self._get("space", lambda: Space(self.pack, self.python))

    @property
    def catalogue(self) -> Catalogue:
        """Each rule, tier, power, source, parameter, fact and obligation once."""
        from .catalogue import build_catalogue
        return self._get("catalogue", lambda: build_catalogue(self.pack))

    def memo(self, name: str, maxsize: int = 4096) -> Memo:
        """A table of answers derived from this pack that a layer above keeps (one per name)."""
        return self._get(f"memo:{name}", lambda: Memo(maxsize))


def compiled(pack: Pack) -> Compiled:
    """The compiled object of a built pack (made on first use, kept with the pack object)."""
    found = pack.__dict__.get(_SLOT)
    if found is None:
        with _ATTACH:
            found = pack.__dict__.get(_SLOT)
            if found is None:
                found = Compiled(pack)
                object.__setattr__(pack, _SLOT, found)
    return found


def clear() -> None:
    """Forget every built pack: the next load builds (or reads from the disk cache) afresh."""
    _load.clear()
