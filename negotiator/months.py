"""Month arithmetic, in one place: whole months between two dates, and a date some months later or earlier.

A month is a calendar month. Adding months keeps the day of the month, but a day after the 28th becomes
the 28th (every month has one), so adding months never overflows into the next month. Whole months
between two dates count a month only once its day is reached (31 January to 28 February is 0 months).

Used for the `@months` facts a pack reads (months since a date), the dates options and unlock wait for,
the facts to collect, a round's timetable and the changes ahead of an evaluation.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from .bounds import CALENDAR, DATE_MAX, DATE_MIN, date_problem
from .errors import InputError, Problem

#: Days in an average month, for the fraction of a month a round's timetable may name (365.25 / 12).
DAYS_PER_MONTH = 30.44


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (negative when `start` is later)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def add_months(start: date, months: int) -> date:
    """`start` plus a whole number of months (minus, when negative), on the same day of the month, or the
    28th for a later day. ValueError past the years Python's dates hold."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month + 1, min(start.day, 28))


def months_before(on: date, months: int) -> date:
    """The latest date from which `months` whole months have passed by `on`."""
    d = add_months(on, -months)
    assert months_between(d, on) == months or months < 0
    return d


def add_months_within(start: date, months: float, where: str, field: str | None = None) -> date:
    """`start` plus a number of months (whole months, then days for the fraction), within the calendar
    negotiator reads (bounds.py), else InputError located at `where`."""
    if not math.isfinite(months) or abs(months) > 12 * (DATE_MAX.year - DATE_MIN.year + 1):
        raise InputError([Problem(where, f"{months:g} months from {start.isoformat()} leaves the calendar "
                                         f"negotiator reads ({CALENDAR})", field=field, code="bad_date")])
    whole = int(months)
    try:
        out: date | None = add_months(start, whole) + timedelta(days=round((months - whole) * DAYS_PER_MONTH))
    except (ValueError, OverflowError):
        out = None
    if out is None or date_problem(out):
        raise InputError([Problem(where, f"{months:g} months from {start.isoformat()} leaves the calendar "
                                         f"negotiator reads ({CALENDAR})", field=field, code="bad_date")])
    return out
