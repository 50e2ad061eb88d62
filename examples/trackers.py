"""Message status trackers: four with the bugs integrations shipped, and one that gets it right.

Each keeps, per message id, the status the client believes and the failure reason, fed by
``sent(id)`` when the send call answers and ``on_status(id, status, reason)`` for each webhook
(statuses in lowercase core words: sent, received, delivered, read, failed, expired). ``view()``
is what ``wa_emulator.testing.converge.converges`` compares with the emulator's truth, and
``delivered_count`` is the number a dashboard would show as "messages delivered".

The bugs, and where they were fixed for real:

* ``LastWriteWins``: the newest webhook wins, so ``read`` then ``delivered`` ends at delivered
  (chatwoot #14529 / PR #14149).
* ``CountsEveryWebhook``: counts each delivered webhook, duplicates included
  (whatsapp-api-manager PR #102).
* ``CrashesOnUnknownId``: a status for an id it has not recorded yet raises, so the receiver
  answers 500 (evolution-api PR #2715, frappe_whatsapp PR #252); it happens when the ``sent``
  webhook beats the send call's answer.
* ``DropsFailureReason``: keeps the status, discards why it failed (wacrm #535).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

# Later statuses outrank earlier ones; a terminal status is never replaced. Wazapin's docs warn
# that read can arrive before delivered (https://docsx.wazapin.com/api/webhooks).
RANK = {"queued": 0, "sent": 1, "received": 2, "delivered": 3, "read": 4, "failed": 4, "expired": 4}
REACHED_DELIVERED = {"delivered", "read"}


@dataclass
class Record:
    status: str = "queued"
    reason: str | None = None


@dataclass
class Tracker:
    """The shared shape: ``records`` by message id, a delivered counter, and the client's view."""

    records: dict[str, Record] = field(default_factory=dict)
    delivered_count: int = 0
    reconciles: ClassVar[bool] = False  # whether its integration polls what webhooks left unfinished

    def sent(self, message_id: str) -> None:
        """The send call answered with ``message_id``."""
        self.records[message_id] = Record()

    def on_status(self, message_id: str, status: str, reason: str | None = None) -> None:
        raise NotImplementedError

    def view(self) -> dict[str, tuple[str, str | None]]:
        """``{message id: (status, failure reason)}``, what the client believes."""
        return {message_id: (record.status, record.reason) for message_id, record in self.records.items()}


class CorrectTracker(Tracker):
    """Monotone status rank, de-duplicated counts, tolerant of ids it has not seen, keeps the reason,
    and reconciles: a webhook can be lost, so what is not final once they stop is polled.

    >>> t = CorrectTracker(); t.on_status("m", "read"); t.sent("m"); t.on_status("m", "delivered")
    >>> t.view(), t.delivered_count
    ({'m': ('read', None)}, 1)
    """

    reconciles: ClassVar[bool] = True

    def sent(self, message_id: str) -> None:
        self.records.setdefault(message_id, Record())  # a webhook may have been first: keep what it said

    def on_status(self, message_id: str, status: str, reason: str | None = None) -> None:
        record = self.records.setdefault(message_id, Record())
        was_delivered = record.status in REACHED_DELIVERED
        if RANK.get(status, -1) > RANK[record.status]:
            record.status = status
            if reason is not None:
                record.reason = reason
        if not was_delivered and record.status in REACHED_DELIVERED:
            self.delivered_count += 1  # once per message, whichever webhook told us first


# Each buggy tracker is the correct one with exactly one thing done the way the real bug did it
# (and, like most integrations, trusting webhooks alone: no reconciling poll).


class LastWriteWins(CorrectTracker):
    """BUG: whatever arrives last is the status (``read`` then ``delivered`` ends at delivered)."""

    reconciles: ClassVar[bool] = False

    def sent(self, message_id: str) -> None:
        self.records[message_id] = Record()  # and the row written after the send replaces an earlier webhook's

    def on_status(self, message_id: str, status: str, reason: str | None = None) -> None:
        record = self.records.setdefault(message_id, Record())
        record.status, record.reason = status, reason or record.reason
        if status == "delivered":
            self.delivered_count += 1


class CountsEveryWebhook(CorrectTracker):
    """BUG: the status is right, but every delivered webhook adds one, duplicates included."""

    reconciles: ClassVar[bool] = False

    def on_status(self, message_id: str, status: str, reason: str | None = None) -> None:
        counted = self.delivered_count
        super().on_status(message_id, status, reason)
        self.delivered_count = counted + (status == "delivered")


class CrashesOnUnknownId(CorrectTracker):
    """BUG: a status for an id not recorded yet raises KeyError (the receiver then answers 500)."""

    reconciles: ClassVar[bool] = False

    def on_status(self, message_id: str, status: str, reason: str | None = None) -> None:
        if message_id not in self.records:
            raise KeyError(f"unknown message {message_id}")
        super().on_status(message_id, status, reason)


class DropsFailureReason(CorrectTracker):
    """BUG: statuses ranked right, but why a message failed is thrown away."""

    reconciles: ClassVar[bool] = False

    def on_status(self, message_id: str, status: str, reason: str | None = None) -> None:
        super().on_status(message_id, status, None)


TRACKERS = {cls.__name__: cls for cls in (CorrectTracker, LastWriteWins, CountsEveryWebhook, CrashesOnUnknownId,
                                          DropsFailureReason)}
