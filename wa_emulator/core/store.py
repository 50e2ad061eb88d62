"""The message store: every message, its forward-only status, and listeners.

Listeners are told about each status change as a ``StatusEvent``; providers use
that to send webhooks. A change the transition table forbids is refused, so
polling can never see a status go backwards.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

from .models import INBOUND, PLAIN_DELIVERY, WHATSAPP, Message, StatusEvent, WebhookDirective
from .status import TERMINAL, TRANSITIONS, Status

StatusListener = Callable[[StatusEvent], None]

DEFAULT_CAP = 100_000
# A message whose webhooks are still being attempted is skipped, not evicted; after this many
# skips in one pass eviction waits for the next add or finish, so one pass stays short.
SKIP_LIMIT = 64


class Store:
    """Messages by id, with optional provider-scoped aliases (custom ids, one per channel).

    >>> store = Store()
    >>> message = store.add(Message("m1", "demo", "org", "agent", "+1", "+2", "text", 0.0))
    >>> store.get("m1") is message, message.history[0].status.value
    (True, 'queued')

    Beyond ``cap`` messages the oldest finished ones leave (see ``trim()``).
    """

    def __init__(self, cap: int = DEFAULT_CAP, busy: Callable[[str], bool] | None = None) -> None:
        self.cap = cap
        self.evicted = 0  # messages forgotten to stay within the cap
        self._busy = busy  # message id -> whether its webhooks are still pending
        self._finished: deque[str] = deque()  # ids of finished messages, in the order they finished
        self._messages: dict[str, Message] = {}
        self._aliases: dict[tuple[str, str, str, str], str] = {}
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
        if len(self._messages) >= self.cap:
            self.trim(self.cap - 1)  # room first, so the message being added is never the one to go
        self._messages[message.id] = message
        if message.custom_id is not None:
            self._aliases[(message.provider, message.org_id, message.custom_id, message.channel)] = message.id
        if message.direction == INBOUND or message.status in TERMINAL:
            self._finished.append(message.id)  # an inbound message has no steps to come
        return message

    def get(self, message_id: str) -> Message | None:
        return self._messages.get(message_id)

    def by_custom_id(self, provider: str, org_id: str, custom_id: str, channel: str = WHATSAPP) -> Message | None:
        """The message an organization sent with its own id ``custom_id`` on ``channel``.

        One custom id may name one message per channel (a provider's fallback resends it on another).
        """
        message_id = self._aliases.get((provider, org_id, custom_id, channel))
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
        if status in TERMINAL and message.direction != INBOUND:
            self._finished.append(message.id)
            if len(self._messages) > self.cap:
                self.trim()
        return True

    def trim(self, keep: int | None = None) -> int:
        """Forget the oldest finished messages beyond ``keep`` (the cap); return how many went.

        Finished: a terminal status (or inbound) and no webhook about it still pending. An
        unfinished message is never forgotten, so with nothing finished the store stays over
        its cap until messages finish (``World`` calls this again as their webhooks end).

        >>> store = Store(cap=1)
        >>> for n in range(3):
        ...     _ = store.add(Message(f"m{n}", "demo", "org", "agent", "+1", "+2", "text", 0.0, status=Status.READ))
        >>> len(store), store.evicted, store.get("m0")
        (1, 2, None)
        """
        excess = len(self._messages) - (self.cap if keep is None else keep)
        if excess <= 0:
            return 0
        finished, busy, messages = self._finished, self._busy, self._messages
        held: list[str] = []
        gone = 0
        while finished and gone < excess and len(held) < SKIP_LIMIT:
            message_id = finished.popleft()
            message = messages.get(message_id)
            if message is None:
                continue  # already gone
            if busy is not None and busy(message_id):
                held.append(message_id)
                continue
            self._forget(message)
            gone += 1
        finished.extendleft(reversed(held))
        self.evicted += gone
        return gone

    def _forget(self, message: Message) -> None:
        del self._messages[message.id]
        if message.custom_id is not None:
            key = (message.provider, message.org_id, message.custom_id, message.channel)
            if self._aliases.get(key) == message.id:
                del self._aliases[key]
