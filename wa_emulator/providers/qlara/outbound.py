"""What every Qlara send does once its body is valid: the custom-id check, the message, and its start.

Shared by the WhatsApp, SMS and RCS sends and by the fallback (``fallback.py``), which resends a failed
message on the next channel under the same ``customerMessageId``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.models import Message, Payload
from ...core.tenants import Organization
from ...core.world import World
from ...web.http import ApiError, json_response
from . import sandbox
from .parse import CORE_CHANNEL
from .refusals import refuse_later
from .render import send_body


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


def accept(world: World, org: Organization, *, simulation: bool, results: dict[str, Any] | None = None,
           refusal: int | None = None, at: float | None = None, **fields: Any) -> web.Response:
    """A send's answer: a simulation only answers; else the message (``fields`` as ``new_message`` takes
    them) is created and started (``refusal``, ``at`` as ``start`` takes them) and its id answered."""
    if simulation:
        return json_response(send_body(fields["custom_id"] or world.ids.uuid(), simulation=True, results=results))
    message = new_message(world, org, **fields)
    start(world, message, refusal=refusal, at=at)
    return json_response(send_body(message.custom_id or message.id, simulation=False, results=results))


def notifies(message: Message) -> bool:
    """Whether the send asked for webhooks (``enableNotification``, true unless the client said false)."""
    return message.extra is None or message.extra.get("enableNotification", True) is not False
