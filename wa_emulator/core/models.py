"""Plain data objects shared by the core and every provider.

Slotted dataclasses, because a store may hold a million messages. Times are
floats of emulated seconds since the epoch; providers format them.
"""

from __future__ import annotations

import copy
import marshal
import sys
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .history import History, StatusChange
from .status import Status

__all__ = ["INBOUND", "OUTBOUND", "PLAIN_DELIVERY", "WHATSAPP", "Contact", "Message", "Payload", "StatusChange",
           "StatusEvent", "WebhookDirective"]

OUTBOUND = "outbound"
INBOUND = "inbound"
# The channel a message travels on. WhatsApp unless a provider that also plays SMS or RCS says otherwise
# (the world rules read it: see ``rules.CHANNELS``).
WHATSAPP = "whatsapp"


@dataclass(frozen=True, slots=True)
class WebhookDirective:
    """How the webhook of one status event is delivered (scenarios and the control API set it).

    ``delay`` holds the first attempt back by emulated seconds (which is how a
    later status's webhook overtakes an earlier one), ``duplicate`` sends that
    many extra copies, and ``drop`` records the event without sending it.
    ``duplicate_delays`` gives the extra copies delays of their own (one per copy, from the
    status change), so a duplicate can arrive after a later status; without it they share ``delay``.
    ``fail_attempts`` counts the first that many attempts of each copy as failed whatever the
    receiver answers (they are still sent, so the receiver sees every request a failing receiver
    would), and the provider retries on its own schedule.

    >>> WebhookDirective(delay=1.0, duplicate=2, duplicate_delays=(5.0,)).delay_of(2)
    1.0
    """

    delay: float = 0.0
    duplicate: int = 0
    drop: bool = False
    duplicate_delays: tuple[float, ...] = ()
    fail_attempts: int = 0

    def delay_of(self, copy: int) -> float:
        """The delay of copy ``copy`` (0 is the first, 1 and on the duplicates)."""
        if 0 < copy <= len(self.duplicate_delays):
            return self.duplicate_delays[copy - 1]
        return self.delay


PLAIN_DELIVERY = WebhookDirective()


@dataclass(frozen=True, slots=True)
class Payload:
    """What the client sent (the message's content), stored packed and decoded on each read.

    A store may hold a million messages: marshal's bytes are about a sixth of the nested dicts'
    size, several times faster than JSON both ways, and give back exactly the types they were
    given. Only this process reads them. A payload marshal cannot pack (a scenario fixture may
    hold a date) is kept as given.

    >>> payload = Payload.of({"text": {"body": "Hi"}})
    >>> payload.data(), payload.data() is payload.data()
    ({'text': {'body': 'Hi'}}, False)
    """

    packed: bytes | None
    kept: dict[str, Any] | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Payload:
        try:
            return cls(marshal.dumps(data))
        except ValueError:
            return cls(None, copy.deepcopy(data))

    def data(self) -> dict[str, Any]:
        """A fresh copy of the content (change it freely)."""
        if self.packed is None:
            return copy.deepcopy(self.kept or {})
        return marshal.loads(self.packed)  # type: ignore[no-any-return]


@dataclass(slots=True, eq=False)
class Message:
    """A message as the core tracks it, whichever provider it went through.

    ``agent_id`` is the sending identity: a Mojeeb agent, a Wazapin channel or a Qlara
    phone-number id. ``content`` is the client's payload (``content.data()`` decodes it);
    ``extra`` keeps provider-specific request fields the provider needs to echo back.
    ``history`` starts empty; the store records the first step when the message is added.
    ``channel`` is ``"whatsapp"`` unless the provider also plays another channel (``"sms"``, ``"rcs"``).

    >>> message = Message("m1", "demo", "org", "agent", "+1", "+2", "text", 0.0, content=Payload.of({"text": "Hi"}))
    >>> message.content.data(), len(message.history)
    ({'text': 'Hi'}, 0)
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
    template: str | None = None
    content: Payload | None = None
    error: int | None = None
    wamid: str | None = None
    conversation_id: str | None = None
    custom_id: str | None = None
    direction: str = OUTBOUND
    extra: dict[str, Any] | None = None
    channel: str = WHATSAPP
    history: History = field(init=False)

    def __post_init__(self) -> None:
        self.history = History(self.created_at)
        # Parsed from each request, these repeat across messages (a handful of senders, types and template
        # names): one shared copy each instead of one per message. Not ``to``: with mostly distinct
        # recipients the interning table's entry costs more than it saves.
        self.sender = sys.intern(self.sender)
        self.type = sys.intern(self.type)
        if self.template is not None:
            self.template = sys.intern(self.template)

    @property
    def is_template(self) -> bool:
        return self.type == "template"


class StatusEvent(NamedTuple):
    """Emitted by the store each time a message moves to a new status.

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
