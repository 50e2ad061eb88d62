"""World rules: what WhatsApp itself does to a message, whatever the scenario says.

* 24-hour window: free-form (non-template) messages fail with 131047 unless the
  recipient wrote within the last 24 hours. Templates are exempt.
* Not on WhatsApp: the message fails with 131026.
* Read receipts off: the message stops at delivered.
* Offline: the message stays sent until the TTL passes, then expires.

The first two are WhatsApp's own; a message on another channel (``Message.channel``) follows the
rules its ``Channel`` names: an SMS never reports a read, an RCS message does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import errors
from .models import PLAIN_DELIVERY, WHATSAPP, Contact, Message, WebhookDirective
from .status import Status

WINDOW_SECONDS = 24 * 3600
DEFAULT_TTL_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Step:
    """One planned status change, ``after`` seconds after the previous step."""

    after: float
    status: Status
    error: int | None = None
    webhook: WebhookDirective = PLAIN_DELIVERY


@dataclass(frozen=True, slots=True)
class Channel:
    """What a messaging channel does to every message on it, as far as the world rules care.

    ``reports_read``: whether a read comes back as a status (an SMS's never does);
    ``whatsapp_rules``: whether WhatsApp's 24-hour window and "not on WhatsApp" apply.
    """

    name: str
    reports_read: bool = True
    whatsapp_rules: bool = False


CHANNELS: dict[str, Channel] = {
    WHATSAPP: Channel(WHATSAPP, reports_read=True, whatsapp_rules=True),
    "sms": Channel("sms", reports_read=False),
    "rcs": Channel("rcs", reports_read=True),
}


class Contacts:
    """Recipient profiles by E.164 number; unknown numbers get the default profile."""

    def __init__(self) -> None:
        self._contacts: dict[str, Contact] = {}

    def get(self, phone: str) -> Contact:
        return self._contacts.get(phone) or Contact(phone)

    def set(self, contact: Contact) -> Contact:
        self._contacts[contact.phone] = contact
        return contact

    def update(self, phone: str, **changes: object) -> Contact:
        contact = self._contacts.get(phone) or Contact(phone)
        for name, value in changes.items():
            setattr(contact, name, value)
        self._contacts[phone] = contact
        return contact

    def all(self) -> list[Contact]:
        return list(self._contacts.values())

    def clear(self) -> None:
        self._contacts.clear()


def window_open(contact: Contact, now: float) -> bool:
    """Whether the 24-hour customer-service window is open for ``contact`` at ``now``."""
    return contact.last_inbound is not None and now - contact.last_inbound < WINDOW_SECONDS


def apply_world_rules(
    message: Message, contact: Contact, timeline: Sequence[Step], now: float, ttl: float = DEFAULT_TTL_SECONDS
) -> Sequence[Step]:
    """Bend a scenario timeline to what WhatsApp would really do to this message.

    The first step (the hand-over to Meta) always happens; a rule that stops the
    message takes over from there.
    """
    if timeline and timeline[0].status is not Status.SENT:
        return timeline  # the scenario stops the message before Meta ever sees it
    handover = timeline[0].after if timeline else 1.0
    if timeline and timeline[0].error is None:
        sent = timeline[0]  # already the plain hand-over step: share it rather than copy it per message
    else:
        sent = Step(handover, Status.SENT, webhook=timeline[0].webhook if timeline else PLAIN_DELIVERY)
    channel = CHANNELS.get(message.channel) or CHANNELS[WHATSAPP]
    if channel.whatsapp_rules:
        if not contact.on_whatsapp:
            return [sent, Step(1.0, Status.FAILED, errors.UNDELIVERABLE)]
        if not message.is_template and not window_open(contact, now):
            return [sent, Step(1.0, Status.FAILED, errors.WINDOW_CLOSED)]
    if not contact.online:
        return [sent, Step(ttl - handover, Status.EXPIRED)]
    if not contact.read_receipts or not channel.reports_read:
        return [step for step in timeline if step.status is not Status.READ]
    return timeline
