"""Conditions of a rule pack: the parser from YAML to the intermediate form, with the checks of each
comparison against its fact's declared type and the size limits the engines need."""

from __future__ import annotations

from typing import Any

from ..errors import nearest
from ..vocab.facts import MONTHS_SUFFIX, NEVER, FactDecl, Vocabulary
from .ir import OPS, All, Any_, Compare, Cond, Not, RuleRef
from .layout import MAX_DEPTH, MAX_NODES


class Conditions:
    """The condition parser of the pack builder (a mixin: it reports through `self.err`)."""

    # what the parser reads from the builder (negotiator/pack/build.py)
    vocab: Vocabulary
    params: dict[str, Any]
    rule_ids: set[str]
    broken_params: set[str]
    docs: dict[str, Any]
    set_by: dict[str, str]

    def err(self, file: str, path: tuple, message: str, suggestion: str | None = None) -> None:
        raise NotImplementedError  # the builder's

    def _checked_cond(self, file: str, path: tuple, raw: Any) -> Cond | None:
        depth, nodes = _size(raw)
        if depth > MAX_DEPTH:
            self.err(file, path, f"a condition nested {depth} levels deep; at most {MAX_DEPTH} (name the inner "
                     "parts as rules of their own)")
            return None
        if nodes > MAX_NODES:
            self.err(file, path, f"a condition of {nodes:,} parts; at most {MAX_NODES:,} (split it into rules)")
            return None
        return self._cond(file, path, raw)

    def _cond(self, file: str, path: tuple, raw: Any) -> Cond | None:
        """Parse one condition; report problems and return None if it is broken."""
        if not isinstance(raw, dict):
            self.err(file, path, "a condition is a mapping: all, any, not, rule, fact or months_since with one "
                     "operator")
            return None
        keys = set(raw)
        if keys in ({"all"}, {"any"}):
            key = next(iter(keys))
            items = raw[key]
            if not isinstance(items, list) or not items:
                self.err(file, path + (key,), f"'{key}' takes a non-empty list of conditions")
                return None
            parsed = [self._cond(file, path + (key, i), item) for i, item in enumerate(items)]
            conds = tuple(p for p in parsed if p is not None)
            if len(conds) < len(parsed):
                return None
            return All(conds) if key == "all" else Any_(conds)
        if keys == {"not"}:
            inner = self._cond(file, path + ("not",), raw["not"])
            return None if inner is None else Not(inner)
        if keys == {"rule"}:
            rid = raw["rule"]
            if not isinstance(rid, str) or rid not in self.rule_ids:
                self.err(file, path + ("rule",), f"unknown rule '{rid}'", nearest(str(rid), self.rule_ids))
                return None
            return RuleRef(rid)
        if "fact" in keys or "months_since" in keys:
            return self._compare(file, path, raw)
        words = ["all", "any", "not", "rule", "fact", "months_since"]
        unknown = sorted(map(str, keys - set(words)))
        hint = nearest(unknown[0], words) if unknown else None
        self.err(file, path, f"not a condition: keys {', '.join(sorted(map(str, keys)))} "
                 "(use all, any, not, rule, or fact with one operator)", hint)
        return None

    def _compare(self, file: str, path: tuple, raw: dict) -> Cond | None:
        months = "months_since" in raw
        subject = "months_since" if months else "fact"
        if "fact" in raw and "months_since" in raw:
            self.err(file, path, "give fact or months_since, not both")
            return None
        fact = raw[subject]
        ops = [k for k in raw if k != subject]
        if len(ops) != 1 or ops[0] not in OPS:
            bad = [k for k in ops if k not in OPS]
            hint = nearest(str(bad[0]), OPS) if bad else None
            self.err(file, path, f"a fact test takes exactly one operator of: {', '.join(OPS)}", hint)
            return None
        op = ops[0]
        facts = self.vocab.facts
        decl = facts.get(fact) if isinstance(fact, str) else None
        if decl is None or fact.endswith(MONTHS_SUFFIX):
            self.err(file, path + (subject,), f"unknown fact '{fact}' (declare it in facts.yaml)",
                     nearest(str(fact), [f for f in facts if not f.endswith(MONTHS_SUFFIX)]))
            return None
        if months:
            if decl.type != "date":
                self.err(file, path + (subject,), f"months_since needs a date fact; '{fact}' is {decl.type}")
                return None
            decl = facts[fact + MONTHS_SUFFIX]
        if decl.type == "list":
            self.err(file, path + (subject,), f"'{fact}' is a list; rules read it through computed facts "
                     "(requested.POWER, requested_count)")
            return None
        value, param = raw[op], None
        if isinstance(value, dict):
            if set(value) != {"param"}:
                self.err(file, path + (op,), "a value is a literal, a list, or {param: NAME}")
                return None
            param = value["param"]
            if param not in self.params:
                self.err(file, path + (op, "param"), f"unknown parameter '{param}'", nearest(str(param), self.params))
                return None
            if param in self.broken_params:
                return None  # already reported where the parameter is declared
            value = self.params[param].value
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                self.err(file, path + (op,), f"'{op}' takes a non-empty list of values")
                return None
            for i, v in enumerate(value):
                if not self._value_fits(file, path + (op, i), decl, v, param):
                    return None
            return Compare(decl.name, op, tuple(value), param)
        if not self._value_fits(file, path + (op,), decl, value, param):
            return None
        if op in ("lt", "lte", "gt", "gte"):
            if decl.type == "choice" and decl.ordered:
                return self._ladder(decl, op, value, param)
            if decl.type not in ("integer", "number", "date"):
                self.err(file, path + (op,), f"'{op}' compares numbers, dates or an ordered choice, but '{fact}' is "
                         f"{decl.type}")
                return None
            if decl.type == "date" and (decl.never or value == NEVER):
                self.err(file, path + (op,), f"'{fact}' may be never: test it with months_since, eq or ne")
                return None
        return Compare(decl.name, op, value, param)

    @staticmethod
    def _ladder(decl: FactDecl, op: str, value: str, param: str | None) -> Cond:
        """`status gte X` on an ordered choice: every value at or above X on the ladder."""
        k = decl.values.index(value)
        pick = {"lt": decl.values[:k], "lte": decl.values[:k + 1], "gt": decl.values[k + 1:],
                "gte": decl.values[k:]}[op]
        if not pick:  # e.g. "above the top rung": nothing qualifies
            return Compare(decl.name, "not_in", decl.values, param)
        return Compare(decl.name, "in", tuple(pick), param)

    def _value_fits(self, file: str, path: tuple, decl: FactDecl, value: Any, param: str | None = None) -> bool:
        if decl.type == "number" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if decl.type == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        if decl.type in ("integer", "number"):
            # a threshold may lie outside the bounds a profile's value must keep (e.g. more than any population)
            bare = FactDecl(decl.name, decl.type)
            found = bare.problem_with(value)
        else:
            found = decl.problem_with(value)
        if found and param is not None and "parameters.yaml" in self.docs and param not in self.set_by:
            # the mistake is where the parameter is declared, not in the rules that use it
            self.err("parameters.yaml", ("parameters", param, "value"),
                     f"{found[0]} (rules test fact '{decl.name}' against this parameter)", found[1])
            return False
        if found:
            self.err(file, path, f"{found[0]} (for fact '{decl.name}')", found[1])
            return False
        return True


def _size(raw: Any, depth: int = 1) -> tuple[int, int]:
    """(depth, number of nodes) of a raw condition, without recursion limits."""
    worst, count = 0, 0
    stack = [(raw, depth)]
    while stack:
        node, d = stack.pop()
        count += 1
        worst = max(worst, d)
        if isinstance(node, dict):
            for key in ("all", "any"):
                if isinstance(node.get(key), list):
                    stack += [(item, d + 1) for item in node[key]]
            if "not" in node:
                stack.append((node["not"], d + 1))
            for op in ("in", "not_in"):
                if isinstance(node.get(op), list):
                    count += len(node[op])
    return worst, count
