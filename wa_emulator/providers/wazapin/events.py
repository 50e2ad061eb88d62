"""Turns the world's status changes and inbound messages into signed Wazapin webhooks.

Each event gets one Svix message id (``msg_…``), shared by every endpoint, retry and
duplicate, so receivers can de-duplicate on ``svix-id``. The dispatcher in the core
posts, retries and records; this module only decides who gets which body.
Retry schedule (designed, Svix's default, https://docs.svix.com/retries; Wazapin says
it retries but not when): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h;
success is a 2xx within 15 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...core.models import INBOUND, PLAIN_DELIVERY, Message, StatusEvent, WebhookDirective
from ...core.status import Status
from ...core.webhooks import Delivery, RetryPolicy, Signer
from ...core.world import StateKey, World
from ...web.http import dumps
from . import signing
from .endpoints import MESSAGE_NEW, STATUS_UPDATE, Endpoint, Registry
from .payloads import STATUS_WORDS, envelope, message_new_body, status_update_body
from .sandbox import NAME

POLICY = RetryPolicy(schedule=(0, 5, 300, 1800, 7200, 18000, 36000, 36000), timeout=15.0)


REGISTRY = StateKey("wazapin.webhooks", Registry)


def registry(world: World) -> Registry:
    """The organizations' webhook endpoints (wiped by a reset)."""
    return world.state(REGISTRY)


def conversation_id(world: World, org_id: str, channel_id: str, customer: str) -> str:
    """One conversation per channel and customer, stable for the life of the world."""
    conversations = registry(world).conversations
    key = (org_id, channel_id, customer)
    if key not in conversations:
        conversations[key] = world.ids.uuid()
    return conversations[key]


def contact_id(world: World, org_id: str, customer: str) -> str:
    contacts = registry(world).contacts
    if (org_id, customer) not in contacts:
        contacts[(org_id, customer)] = world.ids.uuid()
    return contacts[(org_id, customer)]


def publish(
    world: World,
    *,
    org_id: str,
    event_type: str,
    data: dict[str, Any],
    channel_id: str | None,
    directive: WebhookDirective = PLAIN_DELIVERY,
    message_id: str | None = None,
    status: str | None = None,
    endpoints: Sequence[Endpoint] | None = None,
) -> list[Delivery]:
    """Send ``data`` to every endpoint of ``org_id`` subscribed to ``event_type`` (or to ``endpoints``).

    >>> world = World()
    >>> publish(world, org_id="org_acme01", event_type="message.new", data={}, channel_id=None)
    []
    """
    targets = endpoints if endpoints is not None else subscribed(world, org_id, event_type)
    if not targets:
        return []
    event_id = "msg_" + world.ids.token(27)
    now = world.clock.now()
    deliveries: list[Delivery] = []
    for endpoint in targets:
        body = data
        if endpoint.payload_format == "envelope":
            body = envelope(event_id, event_type, now, org_id, channel_id, data)
        deliveries += world.dispatcher.send(
            provider=NAME,
            org_id=org_id,
            endpoint_id=endpoint.id,
            url=endpoint.url,
            event_type=event_type,
            body=dumps(body),
            policy=POLICY,
            sign=_signer(world, endpoint),
            directive=directive,
            message_id=message_id,
            status=status,
            event_id=event_id,
        )
    return deliveries


def subscribed(world: World, org_id: str, event_type: str) -> list[Endpoint]:
    """The endpoints of ``org_id`` that get ``event_type`` events.

    >>> subscribed(World(), "org_acme01", "message.new")
    []
    """
    return registry(world).subscribed(org_id, event_type)


def _signer(world: World, endpoint: Endpoint) -> Signer:
    # Looked up at each attempt, so a retry after a rotation is signed with the new secret.
    def sign(delivery: Delivery, wall: float) -> dict[str, str]:
        return signing.headers(endpoint.signing_secrets(world.clock.now()), delivery.event_id, wall, delivery.body)

    return sign


def on_status(world: World, event: StatusEvent) -> None:
    """``message.status_update`` for each new Wazapin status word of an outbound message."""
    message = event.message
    if message.direction == INBOUND or event.status is Status.RECEIVED:
        return  # received reads "sent" in Wazapin's words: nothing new to tell
    targets = subscribed(world, message.org_id, STATUS_UPDATE)
    if not targets:
        return
    publish(
        world,
        org_id=message.org_id,
        event_type=STATUS_UPDATE,
        data=status_update_body(message, event.status),
        channel_id=message.agent_id,
        directive=event.directive,
        message_id=message.id,
        status=STATUS_WORDS[event.status],
        endpoints=targets,
    )


def on_inbound(world: World, message: Message) -> None:
    """``message.new`` for a customer's message; it joins the channel's conversation with them."""
    message.conversation_id = conversation_id(world, message.org_id, message.agent_id, message.sender)
    publish(
        world,
        org_id=message.org_id,
        event_type=MESSAGE_NEW,
        data=message_new_body(message, contact_id(world, message.org_id, message.sender)),
        channel_id=message.agent_id,
        message_id=message.id,
    )
