"""Verification over the request journal, and waiting on the emulated clock.

The checks are plain functions over journal entries (the dicts ``journal()`` returns), so the
in-process emulator and the remote clients share them::

    emu.verify(count=1, method="POST", path="/v1/whatsapp/templates", provider="mojeeb")
    emu.wait_for_status(message_id, "read", within="1h")

A failed ``verify`` lists the closest requests (the filters each one missed), like WireMock's
near misses, so a test that sent to the wrong path says so at once.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from ..core.status import TERMINAL, Status
from ..core.timefmt import parse_duration

NEAR_MISSES = 3
DEFAULT_WITHIN = "1h"   # emulated time a wait may take before it fails
DEFAULT_STEP = 1.0      # emulated seconds per step: timelines are in whole seconds


def path_matches(pattern: str, path: str) -> bool:
    """True when ``pattern`` (exact, or a glob with ``*``) names ``path`` whole or relative to its provider's
    base: ``/v1/whatsapp/templates`` matches ``/mojeeb/v1/whatsapp/templates``.

    >>> path_matches("/v1/whatsapp/*", "/mojeeb/v1/whatsapp/templates"), path_matches("/v1", "/mojeeb/v1x")
    (True, False)
    """
    tails = [path] + [path[i:] for i in range(1, len(path)) if path[i] == "/"]
    return any(tail == pattern or fnmatchcase(tail, pattern) for tail in tails)


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """What a verified request must look like; None matches anything."""

    method: str | None = None
    path: str | None = None
    provider: str | None = None
    status: int | None = None
    body_contains: str | None = None

    def misses(self, entry: Mapping[str, Any]) -> list[str]:
        """The names of the filters ``entry`` fails (empty: it matches)."""
        checks = {
            "method": self.method is None or entry["method"] == self.method.upper(),
            "path": self.path is None or path_matches(self.path, entry["path"]),
            "provider": self.provider is None or entry["provider"] == self.provider,
            "status": self.status is None or entry["status"] == self.status,
            "body_contains": self.body_contains is None or self.body_contains in (entry.get("request_body") or ""),
        }
        return [name for name, ok in checks.items() if not ok]

    def describe(self) -> str:
        parts = [f"{name}={value!r}" for name, value in (
            ("method", self.method and self.method.upper()), ("path", self.path), ("provider", self.provider),
            ("status", self.status), ("body_contains", self.body_contains)) if value is not None]
        return ", ".join(parts) or "any request"

    def closeness(self, entry: Mapping[str, Any]) -> tuple[int, float]:
        path_likeness = difflib.SequenceMatcher(None, self.path or "", entry["path"]).ratio() if self.path else 0.0
        return (-len(self.misses(entry)), path_likeness)


def _line(entry: Mapping[str, Any], misses: list[str]) -> str:
    query = f"?{entry['query']}" if entry.get("query") else ""
    body = entry.get("request_body") or ""
    body = f" body {body[:80]!r}{'…' if len(body) > 80 else ''}" if body else ""
    differs = f"  (differs in: {', '.join(misses)})" if misses else ""
    call = f"{entry['method']} {entry['path']}{query} [{entry['provider']}] -> {entry['status']}"
    return f"  #{entry['seq']} {call}{body}{differs}"


def verify_entries(entries: Iterable[Mapping[str, Any]], wanted: RequestFilter, count: int | None) -> list[Any]:
    """The entries matching ``wanted``; AssertionError listing near misses unless there are ``count``
    of them (at least one when ``count`` is None).

    >>> entry = {"seq": 1, "method": "GET", "path": "/mojeeb/v1/x", "query": "", "provider": "mojeeb",
    ...          "status": 200, "request_body": None}
    >>> len(verify_entries([entry], RequestFilter(method="get", path="/v1/x"), 1))
    1
    """
    entries = list(entries)
    found = [entry for entry in entries if not wanted.misses(entry)]
    if (len(found) >= 1) if count is None else (len(found) == count):
        return found
    expected = "at least 1 request" if count is None else f"{count} request(s)"
    lines = [f"expected {expected} matching {wanted.describe()}, found {len(found)} "
             f"({len(entries)} request(s) in the journal)"]
    if found:
        lines.append("matching:")
        lines += [_line(entry, []) for entry in found]
    others = sorted((entry for entry in entries if wanted.misses(entry)), key=wanted.closeness, reverse=True)
    if others:
        lines.append("closest requests:")
        lines += [_line(entry, wanted.misses(entry)) for entry in others[:NEAR_MISSES]]
    raise AssertionError("\n".join(lines))


@dataclass
class StatusWait:
    """Steps of emulated time until a message reaches a status (``Status`` value names, e.g. ``"read"``)."""

    message_id: str
    status: str
    within: float
    step: float
    waited: float = 0.0

    @classmethod
    def of(cls, message_id: str, status: str, within: float | str | None, step: float | str | None) -> StatusWait:
        try:
            Status(status)
        except ValueError:
            names = ", ".join(s.value for s in Status)
            raise ValueError(f"unknown status {status!r}; use one of {names}") from None
        return cls(message_id, status, parse_duration(DEFAULT_WITHIN if within is None else within),
                   parse_duration(DEFAULT_STEP if step is None else step))

    def reached(self, message: Mapping[str, Any]) -> bool:
        return any(change["status"] == self.status for change in message["history"])

    def next_step(self, message: Mapping[str, Any], due_in: float | None = None) -> float:
        """Seconds to advance next (to the next timer when ``due_in`` says when it falls due); AssertionError
        once ``within`` has passed, or the message ended (or nothing is left to happen) without the status."""
        history = [change["status"] for change in message["history"]]
        ended = Status(message["status"]) in TERMINAL
        if self.waited >= self.within or ended or due_in == float("inf"):
            why = "ended" if ended else "has nothing left to happen" if due_in == float("inf") else (
                f"did not get there within {self.within:g} emulated seconds")
            raise AssertionError(f"message {self.message_id} never reached {self.status!r}: it {why}; "
                                 f"its history: {history}")
        step = min(self.step if due_in is None else max(due_in, 0.001), self.within - self.waited)
        self.waited += step
        return step


@dataclass
class Until:
    """Steps of emulated time until a condition holds: ``within`` bounds the wait, ``step`` the stride,
    ``what`` names the condition in the failure."""

    within: float
    step: float
    what: str = "the condition"
    waited: float = 0.0

    @classmethod
    def of(cls, within: float | str | None, step: float | str | None,
           predicate: Callable[[], Any] | None = None) -> Until:
        return cls(parse_duration(DEFAULT_WITHIN if within is None else within),
                   parse_duration(DEFAULT_STEP if step is None else step),
                   getattr(predicate, "__name__", "the condition"))

    def next_step(self) -> float:
        if self.waited >= self.within:
            raise AssertionError(f"{self.what} did not hold within {self.within:g} emulated seconds")
        step = min(self.step, self.within - self.waited)
        self.waited += step
        return step


async def holds(value: Any) -> bool:
    """The truth of what a ``wait_until`` predicate returned, awaiting it first if it is awaitable."""
    return bool(await value) if inspect.isawaitable(value) else bool(value)
