"""The engine of record: a rule pack compiled to durable-rules rulesets.

This is the only module that imports durable-rules (2.0.28, unmaintained
since 2020). The library has fixed limits
in its C core, and going past them aborts the process, hangs it, or fails
with an error code, depending on which limit (measured in
src/rules/{rules,state,rete}.h and events.c of the 2.0.28 sdist):

- the alpha network is walked with an explicit stack of 64 nodes
  (`MAX_STACK_SIZE`, events.c): a fact matching more than about 64 alpha
  paths of one ruleset at once fails with code 303, and deleting that
  half-built session afterwards corrupts the heap (`free(): invalid pointer`,
  exit 134);
- a node's children sit in an open-addressing table of 512 slots
  (`NEXT_BUCKET_LENGTH`) probed without a full-table exit: more children than
  that hangs the process;
- 255 properties per fact (`MAX_OBJECT_PROPERTIES`, code 302);
- 32 `$and`/`$or` expressions per rule (`MAX_SEQUENCE_EXPRESSIONS`, code 113);
- a `$or` inside a pattern becomes one alpha path per alternative, so nested
  all/any multiply paths.

The compilation in negotiator/engines/durable_plan.py keeps every one of these far away, for any
valid pack (normal form, patterns of bounded size, field names by index, strata of small rulesets).

This module registers the plan (negotiator/engines/durable_plan.py) on its own Host with the background timer loops turned off; a
catch-all sink rule so that a fact no rule matches is not an error;
conclusions collected in the actions; exceptions that durable-rules swallows
into the returned state are raised. Unknown facts are simply absent from the
asserted fact, and durable-rules matches no test on an absent field.
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import traceback
from typing import Any, Mapping

from ..pack.ir import Cond, Pack, RuleRef, walk
from .durable_plan import _DURABLE_OP, _PLACE, Atom, Dnf, Plan, Truth, _Compiler, _nnf, compile_pack
from .durable_plan import EngineError, engine_limits  # noqa: F401 - part of this engine's interface


# --- durable-rules patterns and evaluation ----------------------------------------------------

def _atom_pattern(atom: Atom, fact_field: Mapping[str, str], rule_field: Mapping[int, str]) -> dict:
    if atom[0] == "r":
        return {rule_field[atom[1]]: atom[2]}
    f, op, v = fact_field[atom[1]], atom[2], atom[3]
    return {f: v} if op == "eq" else {_DURABLE_OP[op]: {f: v}}


def _pattern(dnf: Dnf, fact_field: Mapping[str, str], rule_field: Mapping[int, str]) -> dict:
    """`{$and: [{t: place}, ...]}`: one flat path, or a `$or` of flat paths."""
    paths = [[_atom_pattern(a, fact_field, rule_field) for a in p] for p in dnf]
    if len(paths) == 1:
        return {"$and": [{"t": _PLACE}] + paths[0]}
    alternatives = [p[0] if len(p) == 1 else {"$and": p} for p in paths]
    return {"$and": [{"t": _PLACE}, {"$or": alternatives}]}


def compile_truth(cond: Cond, want: bool) -> dict:
    """The durable-rules pattern that matches when `cond` is definitely `want`, compiled on its own.

    Facts get fields f0, f1... and rules r0, r1... in order of first use; sub-conditions that do
    not fit one pattern become auxiliary rules, read as further r fields.
    """
    refs = list(dict.fromkeys(n.rule for n in walk(cond) if isinstance(n, RuleRef)))
    key_of = {r: i for i, r in enumerate(refs)}
    compiler = _Compiler(len(refs))
    true, false = compiler.build(_nnf(cond, True, key_of))
    dnf = true if want else false
    fact_field: dict[str, str] = {}
    for p in dnf:
        for a in p:
            if a[0] == "f" and a[1] not in fact_field:
                fact_field[a[1]] = f"f{len(fact_field)}"
    return _pattern(dnf, fact_field, {k: f"r{k}" for k in range(compiler.next_key)})


def _host_class():
    """durable-rules is imported on first use, so that compiling a pack (engine_limits) does not load it."""
    import durable_rules_engine as native
    from durable import engine

    class QuietHost(engine.Host):
        def _run(self) -> None:  # the default Host starts timer loops that race with assert_fact
            pass

        def assert_fact_at_once(self, ruleset_name: str, fact: dict):
            """Host.assert_fact for a ruleset whose every action is an `Action` with no next step: the same calls
            into durable-rules' native engine, with the same arguments and in the same order, as Host.assert_fact,
            Ruleset.do_actions and _flush_actions make (assert; then, while an action is pending, run it, update
            the session's state and complete it), and the same state returned or exception raised.

            What it leaves out is what a synchronous action that never reads its closure does not need: a Closure
            and its Content made for every action (each reading the clock twice through datetime) and two
            callbacks; and the state, unchanged unless an action fails, is written as JSON once, not once an
            action. durable-rules' Python layer cost about 70 us a session (five or six actions), most of the time
            of evaluating a place."""
            rules = self.get_ruleset(ruleset_name)
            handle = rules._handle
            state_handle = rules._handle_result(native.assert_fact(handle, json.dumps(fact, ensure_ascii=False)), fact)
            result = native.start_action_for_state(handle, state_handle)
            if not result:
                return None
            state = json.loads(result[0])
            message = json.loads(result[1])
            text = None
            while True:
                action_name = next(iter(message))
                action = rules._actions[action_name]
                assert type(action) is Action and action._next is None, "assert_fact_at_once runs Actions only"
                try:
                    action._func(None)
                except BaseException as error:  # as Action.run writes it (Content sets the state's key)
                    state["exception"] = "exception caught {0}, traceback {1}".format(
                        str(error), traceback.format_tb(sys.exc_info()[2]))
                    text = None
                try:
                    if text is None:
                        text = json.dumps(state, ensure_ascii=False)
                    native.update_state(handle, text)
                    new_result = native.complete_and_start_action(handle, state_handle)
                except BaseException:
                    native.abandon_action(handle, state_handle)
                    raise
                if not new_result:
                    return state
                message = json.loads(new_result)

    class Action(engine.Promise):
        """A synchronous action run as durable-rules' Promise.run runs one (its exception written into the
        session's state as that writes it), without the timer closure Promise.run defines on every call: unused
        by a synchronous action, that closure refers to itself, leaving a cycle of garbage an action (seven a
        place) for the cyclic collector."""

        def run(self, c, complete):
            try:
                self._func(c)
            except BaseException as error:
                c.s.exception = "exception caught {0}, traceback {1}".format(
                    str(error), traceback.format_tb(sys.exc_info()[2]))
            if self._next:
                self._next.run(c, complete)
            else:
                complete(None)

    return QuietHost, Action


_HOST_CLASS = None
_ACTION_CLASS: Any = None


def _new_host():
    global _HOST_CLASS, _ACTION_CLASS
    if _HOST_CLASS is None:
        _keep_freed_heap()
        _HOST_CLASS, _ACTION_CLASS = _host_class()
    return _HOST_CLASS()


#: How much freed memory glibc may keep at the top of the heap instead of giving it back at once.
TRIM_THRESHOLD = 64 << 20


def _keep_freed_heap() -> None:
    """Stop glibc returning each session's memory to the system, only to fault it back in.

    Every session memsets a few hundred KiB of index arrays (per durable rule of its ruleset) and
    frees them when deleted; with the default trim threshold (128 KiB, adjusted dynamically) the
    freed top of the heap was trimmed after most sessions, and page faults took a third of the
    time of evaluating the bundled pack (measured with perf: the profiles per second rose from
    about 1,400 to 2,800). Process-wide, but it only changes when freed memory is returned.
    Not glibc (macOS, musl): nothing to do.
    """
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(ctypes.c_int(-1), ctypes.c_int(TRIM_THRESHOLD))  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


class DurableEvaluator:
    """Decides every rule of a pack for one place's facts with durable-rules.

    Each evaluator registers the pack's plan on a host of its own, with a sink of its own where the
    actions record conclusions; one session runs at a time (a lock), so an evaluator may be shared by
    threads. Kept with the pack (`compiled(pack).durable`): make one directly only for a pack of your own.
    """

    name = "durable-rules"

    def __init__(self, pack: Pack, plan: Plan | None = None):
        self.pack = pack
        self.plan = plan if plan is not None else compile_pack(pack)
        if self.plan.problems:
            raise EngineError("this pack exceeds what durable-rules can evaluate:\n"
                              + "\n".join(str(p) for p in self.plan.problems))
        self._order = list(dict.fromkeys([r for s in pack.strata for r in s] + list(pack.rules)))
        self._sid = itertools.count(1)
        self._lock = threading.Lock()
        self._seen: dict[tuple, dict[int, bool]] = {}  # (ruleset, fact as asserted) -> its conclusions: `_decided`
        self.sink = _Sink()
        self.host = self._register(self.plan, self.sink)

    @staticmethod
    def _register(plan: Plan, sink: "_Sink"):
        try:
            return DurableEvaluator._register_all(plan, sink)
        except EngineError:
            raise
        except Exception as exc:  # durable-rules reports a ruleset it cannot create as an error code
            raise EngineError(f"durable-rules could not register the pack's rulesets: {exc}") from exc

    @staticmethod
    def _register_all(plan: Plan, sink: "_Sink"):
        host = _new_host()
        for rs in plan.rulesets:
            rules: dict[str, Any] = {}
            for d in rs.deciders:
                for want, dnf in ((True, d.true), (False, d.false)):
                    if dnf:
                        rules[f"r{d.key}{'T' if want else 'F'}"] = {
                            "all": [{"m": _pattern(dnf, plan.fact_field, plan.rule_field)}],
                            "run": _ACTION_CLASS(_collector(sink, d.key, want)),
                        }
            rules["sink"] = {"all": [{"m": {"t": _PLACE}}], "run": _ACTION_CLASS(_collector(sink, None, False))}
            # register_rulesets mutates its argument (upstream #254): give it a fresh dict
            host.register_rulesets({rs.name: rules})
        return host

    def truths(self, facts: Mapping[str, Any], off: frozenset[str] = frozenset()) -> dict[str, Truth]:
        """Every rule's conclusion for facts given as the engines see them; rules in `off` (not in force) are false."""
        plan = self.plan
        real = plan.real
        forced = {real[rid]: False for rid in off}
        values: dict[int, bool] = dict(forced)
        with self._lock:
            if self.host is None:  # dropped after a native failure: a fresh one
                self.host = self._register(plan, self.sink)
            for stratum in plan.strata:
                for rs in stratum:
                    fact: dict[str, Any] = {"t": _PLACE}
                    for name, is_fact, source in rs.inputs:
                        value = facts.get(source) if is_fact else values.get(source)
                        if value is not None:
                            fact[name] = value
                    if len(fact) == 1:
                        continue  # every atom tests a field, and a test on an absent field never matches
                    values.update(self._decided(rs.name, fact))
                values.update(forced)  # a rule not in force on the date concludes false, whatever it matched
        return {rid: values.get(real[rid]) for rid in self._order}

    #: Facts whose conclusions `_decided` keeps, before it starts over (a bound on memory, never on the results).
    SEEN_LIMIT = 100_000

    def forget(self) -> None:
        """Drop the conclusions `_decided` keeps: the next facts are decided by durable-rules afresh (for
        benchmarks, which time runs as fresh processes make them; the results are the same either way)."""
        with self._lock:
            self._seen.clear()

    def _decided(self, ruleset: str, fact: dict) -> dict[int, bool]:
        """What durable-rules concluded for this fact in this ruleset, asked once per distinct fact.

        A session starts empty and is deleted afterwards, so a ruleset's conclusions depend on the fact asserted
        and nothing else: a fact seen before gets the conclusions durable-rules gave it then. Places differ in
        few of the fields a ruleset reads (a round of 30,000 places asserted about 84,000 facts, a third of them
        seen before: a later stratum reads only earlier conclusions and a few facts); each durable-rules session
        costs about 80 us, mostly its Python layer. The fact is known by its JSON text, as durable-rules receives
        it (so 1, 1.0 and true, equal in Python, stay apart)."""
        key = (ruleset, json.dumps(fact, ensure_ascii=False))
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= self.SEEN_LIMIT:
                self._seen.clear()
            found = self._seen[key] = self._run(ruleset, fact)
        return found

    def _run(self, ruleset: str, fact: dict) -> dict[int, bool]:
        sid = f"s{next(self._sid)}"
        self.sink.found = {}
        try:
            state = self.host.assert_fact_at_once(ruleset, dict(fact, sid=sid))
        except Exception as exc:
            # A native failure can leave the session half-built, and deleting it then corrupts
            # the heap: drop this host instead (a fresh one is registered on the next call).
            self.host = None
            raise EngineError(f"durable-rules failed in ruleset {ruleset}: {exc}") from exc
        try:
            if isinstance(state, dict) and state.get("exception"):
                raise EngineError(f"durable-rules action failed: {state['exception']}")
        finally:
            try:
                self.host.delete_state(ruleset, sid)
            except Exception:  # noqa: BLE001 - a session that never started has nothing to delete
                pass
        found = self.sink.found
        self.sink.found = {}
        return found

    def close(self) -> None:
        pass


class _Sink:
    """Where one evaluator's durable-rules actions record which rule concluded what, for the running session."""

    def __init__(self) -> None:
        self.found: dict[int, bool] = {}


def _collector(sink: _Sink, rule_key: int | None, value: bool):
    """A durable-rules action (it must be a plain function) recording one conclusion in the evaluator's sink; it
    never reads its closure (QuietHost.assert_fact_at_once passes none)."""
    def action(c) -> None:
        if rule_key is None:
            return
        previous = sink.found.get(rule_key)
        if previous is not None and previous != value:
            raise EngineError(f"rule r{rule_key} matched as both true and false")
        sink.found[rule_key] = value
    return action
