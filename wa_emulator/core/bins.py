"""Request bins: the emulator as its own webhook receiver, keeping what each named bin was sent.

A bin is made by the first request posted to it and keeps the newest ``per_bin`` requests; at
most ``max_bins`` bins exist at once (the one posted to least recently goes first), and each body
is kept up to ``body_limit`` bytes, so a runaway sender cannot grow the process without bound.

Which provider sent a request, and whether its signature holds, is for the providers to say:
each registers a :data:`Recognizer` on the dispatcher (``Dispatcher.recognizers``); the first
that knows the request gives the :class:`Verdict`.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_BINS = 100
PER_BIN = 200
BODY_LIMIT = 64 * 1024

VALID = "valid"
INVALID = "invalid"
UNSIGNED = "unsigned"  # the provider does not sign its webhooks
UNCHECKED = "unchecked"  # signed, but no secret is known to check it against


@dataclass(frozen=True, slots=True)
class Verdict:
    """Who sent a request and what its signature says (``signature`` is one of the four words above)."""

    provider: str
    signature: str
    detail: str
    endpoint_id: str | None = None


Recognizer = Callable[[str, Mapping[str, str], bytes], "Verdict | None"]
"""``(path the request came to, headers with lower-case names, body) -> Verdict``, or None: not mine."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """One request a bin received."""

    seq: int
    at: float  # emulated time
    wall_at: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes  # the first ``body_limit`` bytes
    size: int  # the whole body's length
    verdict: Verdict | None

    def to_json(self) -> dict[str, Any]:
        verdict = self.verdict
        return {
            "seq": self.seq,
            "received_at": self.at,
            "wall_at": self.wall_at,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
            "size": self.size,
            "truncated": self.size > len(self.body),
            "provider": verdict.provider if verdict else None,
            "signature": None if verdict is None else {
                "result": verdict.signature, "detail": verdict.detail, "endpoint_id": verdict.endpoint_id,
            },
        }


class Bins:
    """Every bin, by name, each a bounded queue of receipts.

    >>> bins = Bins(max_bins=1, per_bin=2)
    >>> for n in range(3):
    ...     _ = bins.record("a", at=n, wall_at=n, method="POST", path="/b", query="", headers={}, body=b"{}")
    >>> [r.seq for r in bins.receipts("a")], bins.record("b", at=0, wall_at=0, method="POST", path="/b",
    ...                                                   query="", headers={}, body=b"").seq, bins.names()
    ([2, 3], 1, ['b'])
    """

    def __init__(self, *, max_bins: int = MAX_BINS, per_bin: int = PER_BIN, body_limit: int = BODY_LIMIT) -> None:
        self.max_bins = max_bins
        self.per_bin = per_bin
        self.body_limit = body_limit
        self._bins: OrderedDict[str, deque[Receipt]] = OrderedDict()
        self._seq: dict[str, int] = {}
        self.version = 0  # moves with every record and clear: a watcher sees a change without reading bins

    def record(self, name: str, *, at: float, wall_at: float, method: str, path: str, query: str,
               headers: dict[str, str], body: bytes, verdict: Verdict | None = None) -> Receipt:
        """Keep one request in bin ``name`` (made if new, evicting the least recently used beyond ``max_bins``)."""
        kept = self._bins.get(name)
        if kept is None:
            while len(self._bins) >= self.max_bins:
                gone, _ = self._bins.popitem(last=False)
                del self._seq[gone]
            kept = self._bins[name] = deque(maxlen=self.per_bin)
            self._seq[name] = 0
        else:
            self._bins.move_to_end(name)
        self._seq[name] += 1
        self.version += 1
        receipt = Receipt(self._seq[name], at, wall_at, method, path, query, headers, body[: self.body_limit],
                          len(body), verdict)
        kept.append(receipt)
        return receipt

    def receipts(self, name: str) -> list[Receipt]:
        """What bin ``name`` holds, oldest first (an unknown bin is simply empty)."""
        return list(self._bins.get(name, ()))

    def names(self) -> list[str]:
        """The bins that hold something, least recently posted to first."""
        return list(self._bins)

    def clear(self, name: str) -> int:
        """Empty bin ``name``; how many requests it held."""
        kept = self._bins.pop(name, None)
        self._seq.pop(name, None)
        self.version += 1
        return len(kept) if kept is not None else 0
