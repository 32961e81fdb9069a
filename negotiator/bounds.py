"""The bounds of every input, in one place: the calendar negotiator reads, the numbers and text every
engine can represent alike, and the kinds of file it will open.

Each check raises InputError with one located Problem naming the limit, so a value past a bound is
refused where it enters (a YAML file, `--set`, `--as-of`, a request to `serve`), never carried on to
end in a different answer from one engine, an overflow or an `Internal error`.

- Dates: DATE_MIN to DATE_MAX; date arithmetic (a round's timetable: months.add_months_within) is
  checked against the same end.
- Numbers: integers of at most 2^53 in size (durable-rules, the engine of record, compares numbers as
  doubles, so larger integers would lose their last digits), and floats that durable-rules reads back
  as written: finite, 0 or between 10^-4 and 10^16 in size (Python writes others with an exponent,
  which durable-rules' JSON reader rejects with error 204). Number text longer than MAX_NUMBER_TEXT
  characters is refused before it is converted.
- Text: at most MAX_TEXT bytes in UTF-8 (durable-rules keeps string lengths in 16 bits, so longer
  text compares as its length modulo 65,536: "abc" and 65,533 x's equals "abc" there).
- Files: regular files only (a pipe given as /dev/fd/N, as `<(...)` makes, is read too); named pipes,
  devices, sockets and symlink loops are refused by kind before anything is read, so no file can
  block a command or feed it without end.
"""

from __future__ import annotations

import errno
import math
import os
import select
import stat
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError, Problem

DATE_MIN = date(1800, 1, 1)
DATE_MAX = date(2999, 12, 31)
CALENDAR = f"{DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"

INT_MAX = 2 ** 53
FLOAT_SMALLEST = 1e-4
FLOAT_LARGEST = 1e16
MAX_NUMBER_TEXT = 40
MAX_TEXT = 65_535
#: Deepest nesting of a value given on the command line (a --set value is one value: none).
MAX_SET_NESTING = 0
#: Longest text pattern a pack may declare, and the memory RE2 may use to compile one.
MAX_PATTERN = 1000
MAX_PATTERN_MEMORY = 8 << 20
#: How long a pipe given as /dev/fd/N may stay silent before it is given up.
PIPE_WAIT_SECONDS = 30


def date_problem(value: date) -> str | None:
    """Why `value` is outside the calendar negotiator reads, or None."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return None
    if DATE_MIN <= value <= DATE_MAX:
        return None
    return f"{value.isoformat()} is outside the calendar negotiator reads ({CALENDAR})"


def parse_date(text: str, where: str, field: str | None = None) -> date:
    """A YYYY-MM-DD date within the calendar, or InputError located at `where` (an option or a file)."""
    raw = _clip(str(text).strip(), 40)
    try:
        value = date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError([Problem(where, f"'{raw}' is not a date like 2011-03-01", field=field, code="bad_date")]) from None
    problem = date_problem(value)
    if problem:
        raise InputError([Problem(where, problem, field=field, code="bad_date")])
    return value


def check_date(value: date, where: str, field: str | None = None) -> date:
    problem = date_problem(value)
    if problem:
        raise InputError([Problem(where, problem, field=field, code="bad_date")])
    return value


def value_problem(value: Any) -> str | None:
    """Why every engine could not represent `value` alike (a fact's or a parameter's), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        if abs(value) > INT_MAX:
            return (f"the number {_short(value)} is larger than 2^53 ({INT_MAX:,}), the largest every engine "
                    "compares exactly")
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"{value} is not a finite number"
        if value != 0 and not FLOAT_SMALLEST <= abs(value) < FLOAT_LARGEST:
            return (f"the number {value!r} is outside what durable-rules reads (0, or between 0.0001 and 10^16 in "
                    "size)")
        return None
    if isinstance(value, str):
        if len(value) > MAX_TEXT or len(value.encode("utf-8", "surrogatepass")) > MAX_TEXT:
            size = len(value.encode("utf-8", "surrogatepass"))
            return (f"text of {size:,} bytes (UTF-8) is longer than {MAX_TEXT:,}, the most durable-rules compares "
                    "(longer text compares as its length modulo 65,536)")
        return None
    if isinstance(value, date):
        return date_problem(value)
    return None


def _short(value: int) -> str:
    text = str(value)
    return text if len(text) <= 24 else f"{text[:10]}...({len(text)} digits)"


def number_text_problem(text: str) -> str | None:
    """Text too long to be converted to a number safely (checked before any conversion)."""
    stripped = text.strip()
    if len(stripped) > MAX_NUMBER_TEXT and stripped[:1] in "+-.0123456789" and \
            all(c in "+-.0123456789eE_xXoObB" for c in stripped):
        return f"a number of {len(stripped)} characters is longer than {MAX_NUMBER_TEXT}"
    return None


def set_value(item: str, where: str = "--set") -> tuple[str, Any]:
    """One `NAME=VALUE` of `--set`: the value read as a YAML scalar by negotiator's own YAML reader (so as the
    file would be: tags, dates and numbers bounded), after refusing an empty value, more than MAX_TEXT
    characters, nesting (a single value is expected) and over-long number text, all before conversion."""
    if "=" not in item:
        raise InputError([Problem(where, f"'{_clip(item)}' is not NAME=VALUE", code="bad_value")])
    name, raw = item.split("=", 1)
    name = name.strip()
    if not name:
        raise InputError([Problem(where, f"'{_clip(item)}' names nothing before '='", code="bad_value")])
    text = raw.strip()
    if not text:
        raise InputError([Problem(where, "is empty: give a value (null makes a fact unknown)", field=name, code="missing")])
    if len(text) > MAX_TEXT:
        raise InputError([Problem(where, f"a value of {len(text):,} characters is longer than {MAX_TEXT:,}",
                                  field=name, code="bad_value")])
    if any(c in raw for c in "\n\r\x85\u2028\u2029"):
        raise InputError([Problem(where, "a value is one line", field=name, code="bad_value")])
    if text[0] in "[{":
        raise InputError([Problem(where, "give a single value, not a list or a mapping", field=name, code="bad_value")])
    long_number = number_text_problem(text)
    if long_number:
        raise InputError([Problem(where, long_number, field=name, code="bad_value")])
    from .yamlio import parse_yaml
    try:
        value = parse_yaml(f"v: {text}\n", where).data
        value = value.get("v") if isinstance(value, dict) else text
    except InputError:
        value = text  # not YAML as written (a colon, a quote, an impossible date): the text as given
    if isinstance(value, (dict, list)):
        raise InputError([Problem(where, "give a single value, not a list or a mapping", field=name, code="bad_value")])
    problem = value_problem(value)
    if problem:
        raise InputError([Problem(where, problem, field=name, code="bad_value")])
    return name, value


# --- patterns -------------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    import re2  # google-re2: linear-time matching, no backtracking
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_PATTERN_MEMORY
    return re2.compile(pattern, options)


def pattern_problem(pattern: str) -> str | None:
    """Why a pack's text pattern cannot be used, or None. Patterns are matched by RE2, in time linear in
    the text (no pattern can hang a command, as ^(a+)+$ does with backtracking engines); RE2 has no
    back-references or look-around, which such patterns would need."""
    if len(pattern) > MAX_PATTERN:
        return f"a pattern of {len(pattern):,} characters is longer than {MAX_PATTERN:,}"
    try:
        _compiled(pattern)
    except Exception as exc:  # noqa: BLE001 - re2.error, or a pattern too large for RE2's memory bound
        reason = exc.args[0] if exc.args else exc
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        return (f"not a regular expression negotiator can match in linear time (RE2 syntax: no back-references "
                f"or look-around): {reason}")
    return None


def full_match(pattern: str, text: str) -> bool:
    """Whether all of `text` matches `pattern` (checked by pattern_problem when the pack was read)."""
    return _compiled(pattern).fullmatch(text) is not None


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


# --- files ----------------------------------------------------------------------------------------

def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _is_fd_path(path: str) -> bool:
    return path.startswith(("/dev/fd/", "/proc/self/fd/"))


def file_problem(path: Path | str, expected: str = "a file") -> str | None:
    """Why `path` is not a file negotiator will read (by kind, before opening it), or None."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file" if not os.path.lexists(path) else "is a link to nothing (no such file)"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link loop"
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode) or (stat.S_ISFIFO(mode) and _is_fd_path(str(path))):
        return None
    what = _kind(mode)
    if what == "a folder":
        return f"is a folder, expected {expected}"
    return f"is not a regular file ({what})" if what != "not a regular file" else "is not a regular file"


def read_bytes(path: Path | str, name: str, limit: int, expected: str = "a file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes (or of a pipe given as /dev/fd/N, up to the
    limit); anything else is refused by kind before reading. Never reads more than limit + 1 bytes."""
    problem = file_problem(path, expected)
    if problem:
        raise InputError([Problem(name, problem)])
    too_big = Problem(name, f"is larger than {_size(limit)}", code="file")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError([Problem(name, "is a symbolic link loop", code="file")]) from None
        if exc.errno == errno.EISDIR:
            raise InputError([Problem(name, f"is a folder, expected {expected}", code="file")]) from None
        raise InputError([Problem(name, f"cannot be read ({exc.strerror or exc})", code="file")]) from None
    try:
        info = os.fstat(fd)  # the kind again, of what was opened (the name may have changed meanwhile)
        pipe = stat.S_ISFIFO(info.st_mode) and _is_fd_path(str(path))
        if not stat.S_ISREG(info.st_mode) and not pipe:
            raise InputError([Problem(name, f"is not a regular file ({_kind(info.st_mode)})", code="file")])
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise InputError([too_big])
        parts, total = [], 0
        while total <= limit:
            if pipe:
                ready, _w, _x = select.select([fd], [], [], PIPE_WAIT_SECONDS)
                if not ready:
                    raise InputError([Problem(name, f"the pipe sent nothing for {PIPE_WAIT_SECONDS} s", code="file")])
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            except BlockingIOError:
                continue
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise InputError([Problem(name, f"cannot be read ({exc.strerror or exc})", code="file")]) from None
    finally:
        os.close(fd)
    if total > limit:
        raise InputError([too_big])
    return b"".join(parts)


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit:,} bytes"
