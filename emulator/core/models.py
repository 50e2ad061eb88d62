"""Plain data objects shared by the core and every provider.

Slotted dataclasses, because a store may hold a million messages. Times are
floats of emulated seconds since the epoch; providers format them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    the provider needs to echo back.
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
    history: list[StatusChange] = field(default_factory=list)
    template: str | None = None
    content: dict[str, Any] | None = None
    error: int | None = None
    wamid: str | None = None
    conversation_id: str | None = None
    custom_id: str | None = None
    direction: str = OUTBOUND
    extra: dict[str, Any] | None = None

    @property
    def is_template(self) -> bool:
        return self.type == "template"

    def reached(self, status: Status) -> float | None:
        """When the message reached ``status``, or None if it never did."""
        for change in self.history:
            if change.status is status:
                return change.at
        return None

    @property
    def updated_at(self) -> float:
        return self.history[-1].at if self.history else self.created_at


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """Emitted by the store each time a message moves to a new status."""

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
