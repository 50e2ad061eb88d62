"""Plain data objects shared by the core and every provider.

Slotted dataclasses, because a store may hold a million messages. Times are
floats of emulated seconds since the epoch; providers format them.
"""

from __future__ import annotations

import marshal
import sys
from dataclasses import InitVar, dataclass, field
from typing import Any, NamedTuple

from .status import Status

OUTBOUND = "outbound"
INBOUND = "inbound"


@dataclass(slots=True)
class StatusChange:
    """One step of a message's history: the status it reached and when."""

    status: Status
    at: float


@dataclass(frozen=True, slots=True)
class WebhookDirective:
    """How the webhook of one status event is delivered (scenarios and the control API set it).

    ``delay`` holds the first attempt back by emulated seconds (which is how a
    later status's webhook overtakes an earlier one), ``duplicate`` sends that
    many extra copies, and ``drop`` records the event without sending it.
    """

    delay: float = 0.0
    duplicate: int = 0
    drop: bool = False


PLAIN_DELIVERY = WebhookDirective()


@dataclass(slots=True)
class Message:
    """A message as the core tracks it, whichever provider it went through.

    ``agent_id`` is the sending identity: a Mojeeb agent, a Wazapin channel or
    a Qlara phone-number id. ``extra`` keeps provider-specific request fields
    the provider needs to echo back. ``content`` and ``history`` are stored packed
    (a million messages fit in less than 1 GB) and rebuilt on each read:

    >>> message = Message("m1", "demo", "org", "agent", "+1", "+2", "text", 0.0, content={"text": "Hi"})
    >>> message.content, message.content is message.content
    ({'text': 'Hi'}, False)
    """

    id: str
    provider: str
    org_id: str
    agent_id: str
    sender: str
    to: str
    type: str
    created_at: float
    status: Status = Status.QUEUED
    history: InitVar[list[StatusChange] | None] = None
    template: str | None = None
    content: InitVar[dict[str, Any] | None] = None
    error: int | None = None
    wamid: str | None = None
    conversation_id: str | None = None
    custom_id: str | None = None
    direction: str = OUTBOUND
    extra: dict[str, Any] | None = None
    # The client's payload serialized: about a sixth of the nested dicts' size (issue 7).
    # ``content`` (a property set up below the class) encodes on write and decodes on each read.
    _content: bytes | dict[str, Any] | None = field(default=None, init=False, repr=False)
    # The history packed (issue 7): a lone Status is one step at ``created_at`` (where most messages
    # sit, waiting for their first step), else a flat (status, at, status, at, ...) tuple. ``history``
    # (a property set up below the class) builds the list of StatusChange on each read.
    _history: Status | tuple[Status | float, ...] = field(default=(), init=False, repr=False)

    def __post_init__(self, history: list[StatusChange] | None, content: dict[str, Any] | None) -> None:
        # Parsed from each request, these repeat across messages (a handful of senders, types and template
        # names): one shared copy each instead of one per message. Not ``to``: with mostly distinct
        # recipients the interning table's entry costs more than it saves (measured for issue 7).
        self.sender = sys.intern(self.sender)
        self.type = sys.intern(self.type)
        if self.template is not None:
            self.template = sys.intern(self.template)
        if history:
            _set_history(self, history)
        _set_content(self, content)

    @property
    def is_template(self) -> bool:
        return self.type == "template"

    def record(self, status: Status, at: float) -> None:
        """Add a step to the history (the store calls this; assigning ``history`` replaces it whole).

        >>> message = Message("m1", "demo", "org", "agent", "+1", "+2", "text", 5.0)
        >>> message.record(Status.QUEUED, 5.0); message.record(Status.SENT, 6.0)
        >>> [(change.status.value, change.at) for change in message.history]
        [('queued', 5.0), ('sent', 6.0)]
        """
        packed = self._history
        if isinstance(packed, Status):
            self._history = (packed, self.created_at, status, at)
        elif not packed and at == self.created_at:
            self._history = status
        else:
            self._history = (*packed, status, at)

    def reached(self, status: Status) -> float | None:
        """When the message reached ``status``, or None if it never did."""
        packed = self._history
        if packed.__class__ is not tuple:  # a lone Status (a class test: isinstance() with an enum is slower)
            return self.created_at if packed is status else None
        for index in range(0, len(packed), 2):
            if packed[index] is status:
                return packed[index + 1]  # type: ignore[return-value]
        return None

    def reached_times(self) -> dict[Status, float]:
        """When the message first reached each status it has been in, in one pass.

        What ``reached()`` answers for every status at once: a record printing five of them
        reads the history once instead of five times (issue 7).

        >>> message = Message("m1", "demo", "org", "agent", "+1", "+2", "text", 5.0)
        >>> message.record(Status.QUEUED, 5.0); message.record(Status.SENT, 6.0)
        >>> {status.value: at for status, at in message.reached_times().items()}
        {'sent': 6.0, 'queued': 5.0}
        """
        packed = self._history
        if packed.__class__ is not tuple:  # a lone Status (a class test: isinstance() with an enum is slower)
            return {packed: self.created_at}  # type: ignore[dict-item]
        times: dict[Status, float] = {}
        # Newest first, so that an earlier step of a repeated status overwrites a later one, as reached() finds it.
        for index in range(len(packed) - 2, -1, -2):
            times[packed[index]] = packed[index + 1]  # type: ignore[index,assignment]
        return times

    @property
    def updated_at(self) -> float:
        packed = self._history
        return packed[-1] if isinstance(packed, tuple) and packed else self.created_at  # type: ignore[return-value]


def _get_history(message: Message) -> list[StatusChange]:
    packed = message._history
    if isinstance(packed, Status):
        return [StatusChange(packed, message.created_at)]
    return [StatusChange(packed[index], packed[index + 1]) for index in range(0, len(packed), 2)]  # type: ignore[arg-type]


def _set_history(message: Message, history: list[StatusChange]) -> None:
    message._history = ()
    for change in history:
        message.record(change.status, change.at)


def _get_content(message: Message) -> dict[str, Any] | None:
    packed = message._content
    return marshal.loads(packed) if isinstance(packed, bytes) else packed  # type: ignore[no-any-return]


def _set_content(message: Message, content: dict[str, Any] | None) -> None:
    if content is None:
        message._content = None
        return
    try:
        # marshal rather than JSON: a little smaller, several times faster both ways, and it gives
        # back exactly the types it was given (int keys, tuples). Only this process reads it back.
        message._content = marshal.dumps(content)
    except ValueError:
        # Not marshallable (a scenario fixture may hold a date, a dict subclass): kept as given.
        message._content = content


# Set after the class is built: a property in the class body would become the InitVar's default.
Message.history = property(_get_history, _set_history,  # type: ignore[assignment]
                           doc="The steps so far, oldest first; a fresh list on each read (use ``record()`` to add).")
Message.content = property(_get_content, _set_content,  # type: ignore[assignment]
                           doc="The message's payload; a fresh dict on each read (mutate and assign back).")


class StatusEvent(NamedTuple):
    """Emitted by the store each time a message moves to a new status.

    A named tuple rather than a frozen dataclass: as immutable, and three times cheaper to make
    (a frozen dataclass sets each field through object.__setattr__), for every step of every message.

    >>> event = StatusEvent(Message("m1", "demo", "org", "agent", "+1", "+2", "text", 0.0), Status.SENT, 1.0)
    >>> event.status.value, event.directive is PLAIN_DELIVERY
    ('sent', True)
    """

    message: Message
    status: Status
    at: float
    directive: WebhookDirective = PLAIN_DELIVERY


@dataclass(slots=True)
class Contact:
    """What the world knows about a recipient; the world rules read it.

    ``last_inbound`` is when they last wrote to the business (None: never),
    which opens the 24-hour customer-service window.
    """

    phone: str
    last_inbound: float | None = None
    read_receipts: bool = True
    on_whatsapp: bool = True
    online: bool = True
    name: str | None = None
