"""Formatting emulated times and parsing the durations scenarios and the control API use."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from functools import lru_cache

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^(-)?((?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+)$")
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
# Longer than any test needs, short enough that now + duration stays a printable date.
MAX_DURATION = 1000 * 365 * 86400.0


def iso(ts: float | None) -> str | None:
    """Seconds-precision UTC ISO 8601 with a ``Z``, as the providers print times.

    >>> iso(0.0)
    '1970-01-01T00:00:00Z'
    """
    if ts is None:
        return None
    return _iso_second(int(ts))


def iso_json(ts: float | None) -> str:
    """``iso(ts)`` as JSON text: in quotes, or ``null`` when unset (for bodies written as JSON text).

    >>> iso_json(0.0), iso_json(None)
    ('"1970-01-01T00:00:00Z"', 'null')
    """
    return "null" if ts is None else f'"{_iso_second(int(ts))}"'


@lru_cache(maxsize=4096)
def _iso_second(second: int) -> str:
    # Every status body prints two or three times, and most fall on a few recent seconds:
    # formatting each once saves a datetime and a strftime per field.
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# iso_ms() of recent times: a record prints a message's creation time two or three times, and a
# client polls the same message until it is done.
_MS_TEXT: dict[float, str] = {}
_MS_TEXT_CAP = 4096


def iso_ms(ts: float | None) -> str | None:
    """Millisecond-precision UTC ISO 8601 with a ``Z``.

    >>> iso_ms(1.5)
    '1970-01-01T00:00:01.500Z'
    """
    if ts is None:
        return None
    text = _MS_TEXT.get(ts)
    if text is None:
        if len(_MS_TEXT) >= _MS_TEXT_CAP:
            _MS_TEXT.clear()  # bounded; the times still being polled come back at once
        text = _MS_TEXT[ts] = _format_ms(ts)
    return text


@lru_cache(maxsize=4096)
def _second_prefix(second: int) -> str:
    return _iso_second(second)[:-1]  # without the "Z": the milliseconds go between


# ".000Z" to ".999Z", indexed by the milliseconds.
_MS_SUFFIX = tuple(f".{ms:03d}Z" for ms in range(1000))


def _format_ms(ts: float) -> str:
    # What datetime.fromtimestamp() does (microseconds rounded half to even, carried into the
    # second), but the whole second comes from a cache: a Wazapin record prints eight times.
    fraction, whole = math.modf(ts)
    micros = round(fraction * 1e6)
    second = int(whole)
    if micros >= 1_000_000:
        micros -= 1_000_000
        second += 1
    elif micros < 0:
        micros += 1_000_000
        second -= 1
    return _second_prefix(second) + _MS_SUFFIX[micros // 1000]


def parse_iso(text: str) -> float:
    """Parse an ISO 8601 time (``Z`` or an offset; naive means UTC) to epoch seconds.

    >>> parse_iso("1970-01-01T00:01:00Z")
    60.0
    """
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration such as ``90``, ``"1.5s"``, ``"1h30m"``, ``"-1h"`` or ``"30d"``.

    >>> parse_duration("1h30m"), parse_duration("-2d"), parse_duration(5)
    (5400.0, -172800.0, 5.0)
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("a duration must be a number of seconds or text like 5s, 2m, 1h, 30d")
    try:
        seconds = float(value) if isinstance(value, int | float) else _parse_text(value)
    except OverflowError:  # an integer too big for a float
        seconds = math.inf
    # NaN or infinity would poison the clock for every later request; so would a duration no date can hold.
    if not math.isfinite(seconds) or abs(seconds) > MAX_DURATION:
        raise ValueError(f"{value!r} is not a usable duration: at most 1000 years either way")
    return seconds


def _parse_text(value: str) -> float:
    text = value.strip()
    match = _DURATION.match(text)
    if not match:
        try:
            return float(text)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a duration: use seconds or text like 500ms, 5s, 2m, 1h, 30d"
            ) from None
    total = sum(float(amount) * _UNITS[unit] for amount, unit in _PART.findall(match.group(2)))
    return -total if match.group(1) else total
