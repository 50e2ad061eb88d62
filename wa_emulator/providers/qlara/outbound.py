"""What every Qlara send does once its body is valid: the custom-id check, the message, and its start.

Shared by the WhatsApp, SMS and RCS sends and by the fallback (``fallback.py``), which resends a failed
message on the next channel under the same ``customerMessageId``.
"""

from __future__ import annotations

from typing import Any

from ...core.models import Message, Payload
from ...core.tenants import Organization
from ...core.world import World
from ...web.http import ApiError
from . import sandbox
from .parse import CHANNEL_WORD, CORE_CHANNEL
from .refusals import refuse_later


def check_message_id(world: World, org_id: str, message_id: str | None, channel: str) -> None:
    """409 when the account already used its own ``messageId`` on ``channel`` (a Qlara channel word)."""
    if message_id is not None and world.store.by_custom_id(sandbox.NAME, org_id, message_id, CORE_CHANNEL[channel]):
        raise ApiError(409, "duplicate_message_id", f"messageId {message_id!r} was already used by this account on "
                       f"the {channel} channel.")


def new_message(world: World, org: Organization, *, channel: str, agent_id: str, sender: str, to: str, type: str,
                content: dict[str, Any], custom_id: str | None, extra: dict[str, Any],
                template: str | None = None) -> Message:
    """A new outbound Qlara message on ``channel`` (a Qlara channel word), not stored yet."""
    platform_id = world.ids.uuid()
    return Message(id=platform_id, provider=sandbox.NAME, org_id=org.id, agent_id=agent_id, sender=sender, to=to,
                   type=type, created_at=world.clock.now(), template=template, content=Payload.of(content),
                   custom_id=custom_id or platform_id, extra=extra, channel=CORE_CHANNEL[channel])


def start(world: World, message: Message, *, refusal: int | None = None, at: float | None = None) -> None:
    """Store ``message`` and run its timeline now, or from ``at`` (a ``scheduledDate``) on; a ``refusal``
    (a Meta code) fails it before it is ever sent."""
    if refusal is not None:
        refuse_later(world, message, refusal)
    elif at is not None and at > world.clock.now():
        # Stored now, so its status (UNKNOWN) can be read; its timeline starts when it is due.
        world.store.add(message)
        world.clock.call_at(at, lambda: world.lifecycle.start(message), label=f"{message.id}:scheduled")
    else:
        world.send(message)


def channel_word(message: Message) -> str:
    """The Qlara word for the channel ``message`` travels on (``WHATSAPP``, ``SMS``, ``RCS``)."""
    return CHANNEL_WORD.get(message.channel, "WHATSAPP")


def notifies(message: Message) -> bool:
    """Whether the send asked for webhooks (``enableNotification``, true unless the client said false)."""
    return message.extra is None or message.extra.get("enableNotification", True) is not False
