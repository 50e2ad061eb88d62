"""The message lifecycle: statuses and the transitions allowed between them.

The table is data so that a scenario asking for an impossible transition can be
rejected when it is loaded rather than when a timer fires.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a message is in its life, in provider-neutral words."""

    QUEUED = "queued"
    SENT = "sent"
    RECEIVED = "received"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    EXPIRED = "expired"


# Forward-only: each status lists the statuses that may follow it directly.
# `received` may be skipped (sent -> delivered); `expired` only happens to a
# message that was handed over but never reached the handset.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.QUEUED: frozenset({Status.SENT, Status.FAILED}),
    Status.SENT: frozenset({Status.RECEIVED, Status.DELIVERED, Status.FAILED, Status.EXPIRED}),
    Status.RECEIVED: frozenset({Status.DELIVERED, Status.FAILED, Status.EXPIRED}),
    Status.DELIVERED: frozenset({Status.READ, Status.FAILED}),
    Status.READ: frozenset(),
    Status.FAILED: frozenset(),
    Status.EXPIRED: frozenset(),
}

# The statuses nothing can follow: a message in one of them has ended.
TERMINAL: frozenset[Status] = frozenset(status for status, following in TRANSITIONS.items() if not following)


def can_transition(current: Status, new: Status) -> bool:
    """Whether `new` may directly follow `current`.

    >>> can_transition(Status.SENT, Status.DELIVERED)
    True
    >>> can_transition(Status.DELIVERED, Status.SENT)
    False
    """
    return new in TRANSITIONS[current]


def check_path(statuses: list[Status], start: Status = Status.QUEUED) -> str | None:
    """Explain why a sequence of statuses is impossible, or return None if it is fine.

    >>> check_path([Status.SENT, Status.READ])
    "'read' cannot follow 'sent' (allowed after 'sent': delivered, expired, failed, received)"
    """
    current = start
    for status in statuses:
        if not can_transition(current, status):
            allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing"
            return f"'{status.value}' cannot follow '{current.value}' (allowed after '{current.value}': {allowed})"
        current = status
    return None
