"""The request journal: a bounded record of every API call, newest last.

Tests and the control API query it to see exactly what a client sent and what
it was answered.
"""

from __future__ import annotations

from collections import deque
from typing import Any, NamedTuple

DEFAULT_CAP = 10_000


class JournalEntry(NamedTuple):
    """One API call (a named tuple rather than a frozen dataclass: every request makes one)."""

    seq: int
    at: float
    provider: str | None
    method: str
    path: str
    query: str
    status: int
    correlation_id: str | None
    duration_ms: float
    request_body: str | None
    outcome: str | None = None
    """Why a call got no answer (``client_disconnected``, ``dropped`` by a fault); None when answered."""
    response_body: str | None = None
    """What the API answered, cut like ``request_body``; None for an answer without a body (or a stream)."""

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class Journal:
    """Keeps the last ``cap`` entries.

    >>> journal = Journal(cap=2)
    >>> for n in range(3):
    ...     _ = journal.record(at=n, provider="mojeeb", method="GET", path=f"/{n}", query="",
    ...                        status=200, correlation_id=None, duration_ms=1.0, request_body=None)
    >>> [entry.path for entry in journal.query()]
    ['/1', '/2']
    """

    BODY_LIMIT = 2048

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self.cap = cap
        self._entries: deque[JournalEntry] = deque(maxlen=cap)
        self._seq = 0

    def __len__(self) -> int:
        return len(self._entries)

    def record(
        self,
        *,
        at: float,
        provider: str | None,
        method: str,
        path: str,
        query: str,
        status: int,
        correlation_id: str | None,
        duration_ms: float,
        request_body: str | None,
        outcome: str | None = None,
        response_body: bytes | None = None,
    ) -> JournalEntry:
        """Append one call (every API request makes one, so the fields are passed by position below)."""
        self._seq += 1
        if request_body is not None and len(request_body) > self.BODY_LIMIT:
            request_body = request_body[: self.BODY_LIMIT] + "…"
        answer = None
        if response_body:
            # Cut the bytes before decoding: a large answer costs no more than a small one.
            answer = response_body[: self.BODY_LIMIT].decode("utf-8", "replace")
            if len(response_body) > self.BODY_LIMIT:
                answer += "…"
        entry = JournalEntry(self._seq, at, provider, method, path, query, status, correlation_id, duration_ms,
                             request_body, outcome, answer)
        self._entries.append(entry)
        return entry

    def query(
        self,
        *,
        provider: str | None = None,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        """Entries matching every given filter, oldest first; ``limit`` keeps the newest."""
        found = [
            entry
            for entry in self._entries
            if (provider is None or entry.provider == provider)
            and (method is None or entry.method == method.upper())
            and (path_contains is None or path_contains in entry.path)
            and (status is None or entry.status == status)
        ]
        return found[-limit:] if limit else found

    @property
    def last_seq(self) -> int:
        """The ``seq`` of the newest entry ever recorded (0: none yet); it grows by one per call.

        >>> journal = Journal()
        >>> _ = journal.record(at=0, provider=None, method="GET", path="/", query="", status=200,
        ...                    correlation_id=None, duration_ms=0.1, request_body=None, response_body=b'{"ok":1}')
        >>> journal.last_seq, journal.query()[0].response_body
        (1, '{"ok":1}')
        """
        return self._seq

    def clear(self) -> None:
        self._entries.clear()
