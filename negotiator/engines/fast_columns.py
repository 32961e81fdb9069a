"""How the vectorised evaluator holds facts: columns, each fact's encoding, and reading them from dicts.

A *column* holds one fact for many profiles at once (a values array and a known mask). Numbers and dates
are int64 (integer facts, dates as day numbers) or float64 (number facts); booleans, named values and text
become small integer codes (`_Encoding`), which fast.py reads through a truth table per test. `_Reading`
builds the columns of many per-profile dicts at once, the cost of the fast path from dicts.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

#: Codes of named values: unknown, and a value no test of the pack names.
UNKNOWN_CODE, OTHER_CODE = -1, -2
_SHIFT = 2  # code + _SHIFT indexes a truth table


@dataclass
class Columns:
    """Facts for `n` profiles: per fact, its values and which of them are known."""

    n: int
    values: dict[str, np.ndarray]
    known: dict[str, np.ndarray]

    def take(self, index: np.ndarray) -> "Columns":
        """The profiles at `index`, in that order."""
        return Columns(len(index), {k: v[index] for k, v in self.values.items()},
                       {k: v[index] for k, v in self.known.items()})

    def slice(self, start: int, stop: int) -> "Columns":
        """The profiles from `start` to `stop` (views, no copy)."""
        return Columns(stop - start, {k: v[start:stop] for k, v in self.values.items()},
                       {k: v[start:stop] for k, v in self.known.items()})


class _Encoding:
    """How one fact becomes a column: numbers as int64/float64, anything else as codes."""

    def __init__(self, name: str, kind: str, dtype: Any = None, codes: dict | None = None):
        self.name, self.kind, self.dtype = name, kind, dtype
        #: value -> code; a fact holds values of one type only (booleans, or text), so True never meets 1
        self.codes: dict[Any, int] = codes or {}

        self._lookup = {**self.codes, None: UNKNOWN_CODE}

    def code_of(self, value: Any) -> int:
        return self._lookup.get(value, OTHER_CODE)

    def encode(self, raw: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        """Engine values (None for unknown) as a values array and a known mask."""
        n = len(raw)
        if self.kind == "num":
            known = np.fromiter(map(operator.is_not, raw, repeat(None)), dtype=bool, count=n)
            if known.all():
                return np.asarray(raw, dtype=self.dtype).reshape(n), known
            held = np.array(raw, dtype=object).reshape(n)
            held[~known] = 0
            return held.astype(self.dtype), known
        codes = np.fromiter(map(self._lookup.get, raw, repeat(OTHER_CODE)), dtype=np.int16, count=n)
        return codes, codes != UNKNOWN_CODE


class _Codes(dict):
    """Value -> code, OTHER_CODE for a value no test names (looked up without a default: a little quicker)."""

    def __missing__(self, key: Any) -> int:
        return OTHER_CODE


class _Reading:
    """How `columns` reads the facts of per-profile dicts: the cost of the fast path from dicts is reading them.

    Every fact is read in one pass over the dicts (a C-level getter per dict) into one array of the values
    themselves. Then the coded facts (booleans, named values, text) are coded through one table of every
    value any of them can take: the codes of the largest group of facts sharing an encoding first (the
    booleans, most facts), so that their codes are their own once a value they do not know is made
    OTHER_CODE; each other coded fact maps these codes to its own through a small array. The group's
    values are mostly True, False and None, which are one object each: where the interpreter lets their
    addresses be read (`_ADDRESSES`), the group is coded from their addresses, numpy-wide, and only its
    other values are looked up one at a time; every value is coded as the table codes it. Numbers and
    dates keep their values. A profile without a fact (or not a dict) is read the slow way, with None for
    what it does not state. The facts are read from each dict in the order the first profile holds them
    (`_order`): a dict's entries are then visited front to back, as memory is best read (a fifth quicker
    than the pack's order, for dicts that share their keys' order; any order reads the same values)."""

    def __init__(self, facts: tuple[str, ...], encodings: dict[str, _Encoding]):
        self.encodings = encodings
        same: dict[tuple, list[str]] = {}
        for name in facts:
            enc = encodings[name]
            if enc.kind == "code":
                same.setdefault(tuple((type(v), v, c) for v, c in enc.codes.items()), []).append(name)
        group = max(same.values(), key=len, default=[])
        self.group = len(group)
        self.coded = tuple(group) + tuple(n for n in facts if encodings[n].kind == "code" and n not in group)
        self.numbers = tuple(n for n in facts if encodings[n].kind == "num")
        self.names = self.coded + self.numbers
        self._identity = np.arange(len(self.names), dtype=np.intp)
        table: dict[Any, int] = dict(encodings[group[0]].codes) if group else {}
        self.own = len(table)  # codes below this are the group's own
        for name in self.coded[self.group:]:
            for value in encodings[name].codes:
                table.setdefault(value, len(table))
        self.lookup = _Codes({**table, None: UNKNOWN_CODE})
        #: the codes of None, True and False (what the table codes them) by their offset from the lowest of
        #: their addresses, every other offset not yet coded (its values are looked up), the last any beyond
        self.by_offset = np.full(_SINGLETONS[2] - _SINGLETONS[1] + 2, _PENDING, dtype=np.int16)
        if _ADDRESSES:
            for value in (None, True, False):
                self.by_offset[id(value) - _SINGLETONS[1]] = self.lookup[value]
        #: per coded fact outside the group: its code of each table code (+ _SHIFT), by dict equality as
        #: `_Encoding.code_of` looks values up
        self.maps: dict[str, np.ndarray] = {}
        for name in self.coded[self.group:]:
            codes = encodings[name].codes
            to_own = np.full(len(table) + _SHIFT, OTHER_CODE, dtype=np.int16)
            to_own[UNKNOWN_CODE + _SHIFT] = UNKNOWN_CODE
            for value, code in table.items():
                if value in codes:
                    to_own[code + _SHIFT] = codes[value]
            self.maps[name] = to_own

    #: Profiles read in one block: what a block holds is made once and its memory used again by the next
    #: (fresh memory costs more than reading it, on some machines much more).
    BLOCK = 2048

    def columns(self, profiles: Sequence[Mapping[str, Any]], addresses: bool | None = None) -> Columns:
        """`addresses`: code the group by address (default: where `_ADDRESSES`); False: every value looked up."""
        n, k = len(profiles), self.group
        by_address = _ADDRESSES if addresses is None else addresses
        read, at = self._order(profiles[0] if n else None)
        group = np.empty((k, n), dtype=np.int16)  # one row per fact of the group
        coded = {name: np.empty(n, dtype=np.int16) for name in self.coded[k:]}
        numbers = {name: (np.empty(n, dtype=self.encodings[name].dtype), np.empty(n, dtype=bool))
                   for name in self.numbers}
        for start in range(0, n, self.BLOCK) if self.names else ():
            stop = min(n, start + self.BLOCK)
            self._block(profiles[start:stop], read, at, by_address, group[:, start:stop],
                        {name: column[start:stop] for name, column in coded.items()},
                        {name: (v[start:stop], s[start:stop]) for name, (v, s) in numbers.items()})
        group[group >= self.own] = OTHER_CODE  # values of other facts only: no test of the group names them
        values: dict[str, np.ndarray] = {}
        known: dict[str, np.ndarray] = {}
        for j, name in enumerate(self.coded[:k]):
            values[name], known[name] = group[j], group[j] != UNKNOWN_CODE
        for name, column in coded.items():
            values[name], known[name] = column, column != UNKNOWN_CODE
        for name, (column, stated) in numbers.items():
            values[name], known[name] = column, stated
        return Columns(n, values, known)

    def _order(self, first: Any) -> tuple[tuple[str, ...], np.ndarray | None]:
        """The facts in the order to read them (as `first`, a profile, holds them; those it lacks last) and, per
        fact of `names`, its position in that order (None where the orders are the same)."""
        if not isinstance(first, dict):
            return self.names, None
        held = {name: i for i, name in enumerate(first)}
        beyond = len(held)
        read = tuple(sorted(self.names, key=lambda name: held.get(name, beyond)))
        if read == self.names:
            return self.names, None
        where = {name: i for i, name in enumerate(read)}
        return read, np.array([where[name] for name in self.names], dtype=np.intp)

    def _block(self, profiles: Sequence[Mapping[str, Any]], read: tuple[str, ...], at: np.ndarray | None,
               by_address: bool, group: np.ndarray, coded: dict[str, np.ndarray],
               numbers: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Read a block of profiles, facts in the order `read` (`at`: where each of `names` is in it), into the
        slices of the columns given."""
        n, width, k = len(profiles), len(self.names), self.group
        try:
            held = np.fromiter(_values(profiles, read), dtype=object, count=n * width)
        except (KeyError, TypeError):  # a profile without one of the facts: read them the slow way
            held = np.fromiter(_values(profiles, read, slow=True), dtype=object, count=n * width)
        held = held.reshape(n, width)
        address = np.frombuffer(held, dtype=np.intp).reshape(n, width) if by_address else None
        place = self._identity if at is None else at  # where each of `names` is in `held`
        if k:
            if address is not None:
                group[:] = self._by_address(held, address[:, place[:k]], place[:k])
            else:
                group[:] = self._looked_up(held[:, place[:k]]).T
        for j, name in enumerate(self.coded[k:], k):
            coded[name][:] = self.maps[name][self._looked_up(held[:, place[j]]) + _SHIFT]
        for j, name in enumerate(self.numbers, len(self.coded)):
            out, stated = numbers[name]
            column = held[:, place[j]]
            if address is None:
                out[:], stated[:] = self.encodings[name].encode(column.tolist())
                continue
            np.not_equal(address[:, place[j]], _SINGLETONS[0], out=stated)
            if not stated.all():
                column = column.copy()
                column[~stated] = 0
            out[:] = column.astype(out.dtype)

    def _looked_up(self, held: np.ndarray) -> np.ndarray:
        """Values' codes, each looked up in the table."""
        return np.fromiter(map(self.lookup.__getitem__, held.ravel().tolist()), dtype=np.int16,
                           count=held.size).reshape(held.shape)

    def _by_address(self, held: np.ndarray, address: np.ndarray, place: np.ndarray) -> np.ndarray:
        """Values' codes, one row per fact (of `address`, the addresses of the values of `held`'s columns at
        `place`, transposed): None, True and False by their addresses, through a table of every address from the
        lowest of theirs to the highest, and other values looked up."""
        offset = address.T - _SINGLETONS[1]
        beyond = offset.view(np.uint64)  # below the lowest: a very large number once unsigned
        np.minimum(beyond, len(self.by_offset) - 1, out=beyond)
        codes = self.by_offset[offset]
        pending = codes == _PENDING
        if pending.any():
            facts, rows = np.nonzero(pending)
            codes[facts, rows] = self._looked_up(held[rows, place[facts]])
        return codes


#: A code no value has: not yet coded.
_PENDING = -3
#: Offsets between None, True and False, at most: their addresses are coded through a table this long.
_SPAN = 1 << 20


def _singletons() -> tuple[int, int, int] | None:
    """The address of None, and the lowest and highest of those of None, True and False, where an array of
    objects exposes its objects' addresses as `id` gives them (CPython and numpy do) and they lie close together
    (static objects of the interpreter); else None: every value is then looked up."""
    try:
        probe = (None, True, False, "a value")
        held = np.empty(len(probe), dtype=object)
        held[:] = probe
        if np.frombuffer(held, dtype=np.intp).tolist() != [id(v) for v in probe]:
            return None
    except (TypeError, ValueError, BufferError):
        return None
    at = [id(None), id(True), id(False)]
    return (at[0], min(at), max(at)) if max(at) - min(at) < _SPAN else None


_FOUND = _singletons()
_ADDRESSES = _FOUND is not None
_SINGLETONS = _FOUND or (0, 0, 0)


def _values(profiles: Sequence[Mapping[str, Any]], names: tuple[str, ...], slow: bool = False) -> Iterable[Any]:
    """The values of the facts named, profile after profile; `slow`: None where a profile does not state one."""
    if slow:
        return [p.get(name) for p in profiles for name in names]
    get = operator.itemgetter(*names)
    return chain.from_iterable(map(get, profiles)) if len(names) > 1 else map(get, profiles)
