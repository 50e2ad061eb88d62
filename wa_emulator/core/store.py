"""The message store: every message, its forward-only status, and listeners.

Listeners are told about each status change as a ``StatusEvent``; providers use
that to send webhooks. A change the transition table forbids is refused, so
polling can never see a status go backwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .models import PLAIN_DELIVERY, Message, StatusEvent, WebhookDirective
from .status import TRANSITIONS, Status

StatusListener = Callable[[StatusEvent], None]


class Store:
    """Messages by id, with optional provider-scoped aliases (custom ids).

    >>> store = Store()
    >>> message = store.add(Message("m1", "demo", "org", "agent", "+1", "+2", "text", 0.0))
    >>> store.get("m1") is message, message.history[0].status.value
    (True, 'queued')
    """

    def __init__(self) -> None:
        self._messages: dict[str, Message] = {}
        self._aliases: dict[tuple[str, str, str], str] = {}
        self._listeners: list[StatusListener] = []  # every provider's events
        self._listeners_of: dict[str, list[StatusListener]] = {}  # one provider's

    def __len__(self) -> int:
        return len(self._messages)

    def __iter__(self) -> Iterator[Message]:
        return iter(self._messages.values())

    def subscribe(self, listener: StatusListener, *, provider: str | None = None) -> None:
        """Call ``listener`` with every status change from now on (only of ``provider``'s messages, if given)."""
        if provider is None:
            self._listeners.append(listener)
        else:
            self._listeners_of.setdefault(provider, []).append(listener)

    def add(self, message: Message) -> Message:
        """Store a new message; its history starts with its current status."""
        if not message.history:
            message.history.record(message.status, message.created_at)
        self._messages[message.id] = message
        if message.custom_id is not None:
            self._aliases[(message.provider, message.org_id, message.custom_id)] = message.id
        return message

    def get(self, message_id: str) -> Message | None:
        return self._messages.get(message_id)

    def by_custom_id(self, provider: str, org_id: str, custom_id: str) -> Message | None:
        """The message an organization sent with its own id ``custom_id``."""
        message_id = self._aliases.get((provider, org_id, custom_id))
        return self._messages.get(message_id) if message_id else None

    def of_org(self, org_id: str) -> list[Message]:
        return [m for m in self._messages.values() if m.org_id == org_id]

    def transition(
        self,
        message: Message,
        status: Status,
        at: float,
        *,
        error: int | None = None,
        directive: WebhookDirective = PLAIN_DELIVERY,
    ) -> bool:
        """Move ``message`` to ``status`` if the table allows it; tell listeners. Returns whether it moved."""
        if status not in TRANSITIONS[message.status]:
            return False
        message.status = status
        message.history.record(status, at)
        if error is not None:
            message.error = error
        event = StatusEvent(message, status, at, directive)
        for listener in self._listeners:
            listener(event)
        for listener in self._listeners_of.get(message.provider, ()):
            listener(event)
        return True
