"""Values as words, in one place: how a fact's value or a number is written in conditions, reports and causes.

- `show`: a value as a rule's condition writes it (conditions, failed tests, the rulebook): true/false,
  lists in brackets, dates as YYYY-MM-DD, whole numbers with thousands separated.
- `fmt`: a value for people in reports: unknown for None, true/false, thousands separated, other
  floats to one decimal place.
- `number`: a number in a sentence or a chart: thousands separated, a whole float as an integer, other
  floats as Python writes them (a parameter's value, a fact's bounds, a swept value).
- `rounded`: a score or a number of months: at most two decimal places, trailing zeros dropped.
- `yes_no`: a flag in sentences (a parameter or setting that is on or off).
- `said`: a value in a sentence about a change (a cause): unknown for None, yes/no for flags, else `show`.
- `changed`: a value before or after in a round's differences: none for None (a place not in a tranche,
  a figure not given), an enum by its value, yes/no for flags, numbers as `fmt`.

The truth of a rule (true, false, undetermined) is worded by `results.Truth3` (`truth_word`,
`TRUTH_MARK` in results/base.py), beside the status words.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def show(value: Any) -> str:
    """A value as a rule's condition writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def fmt(value: Any) -> str:
    """A value for people: thousands separated, floats to one place, unknown for None."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)


def number(value: Any) -> str:
    """A number with thousands separated, a whole float as an integer (anything else as text)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


def rounded(value: float) -> str:
    """A number to at most two decimal places, thousands separated, trailing zeros dropped."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def yes_no(value: bool) -> str:
    """A flag in a sentence."""
    return "yes" if value else "no"


def said(value: Any) -> str:
    """A value in a sentence about a change: unknown for None, yes/no for a flag, else as a condition shows it."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return yes_no(value)
    return show(value)


def changed(value: Any) -> str:
    """A value before or after in a round's differences."""
    if hasattr(value, "value") and not isinstance(value, (int, float)):
        value = value.value
    if value is None:
        return "none"
    if isinstance(value, bool):
        return yes_no(value)
    return fmt(value) if isinstance(value, (int, float)) else str(value)
