"""Wazapin's webhooks: the endpoints each organization registered, and the signed events sent to them.

https://docsx.wazapin.com/api/webhooks: endpoints with a URL, an event filter and a
``whsec_`` secret shown once; rotate, test, delete. Designed here: an empty or missing
filter means every event (as in Svix); after a rotation the old secret still signs for
24 hours (as in Svix), so receivers can switch without losing events.

Each event gets one Svix message id (``msg_…``), shared by every endpoint, retry and
duplicate, so receivers can de-duplicate on ``svix-id``. The dispatcher in the core posts,
retries and records; this module only decides who gets which body. Retry schedule
(designed, Svix's default, https://docs.svix.com/retries; Wazapin says it retries but not
when): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; success is a 2xx within 15 s.
"""

from __future__ import annotations

import hmac
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ...core.bins import INVALID, UNCHECKED, VALID, Verdict
from ...core.models import INBOUND, PLAIN_DELIVERY, Message, StatusEvent, WebhookDirective
from ...core.status import Status
from ...core.webhooks import Delivery, RetryPolicy, Signer
from ...core.world import StateKey, World
from ...web.http import dumps, whole_number
from . import conversations, render, signing
from .sandbox import NAME

STATUS_UPDATE = "message.status_update"
MESSAGE_NEW = "message.new"
TEST_EVENT = "webhook.test"
# Documented event names; message.sent, conversation.updated and contact.updated are accepted in filters
# but the emulator has nothing that raises them yet.
EVENTS = (MESSAGE_NEW, "message.sent", STATUS_UPDATE, "conversation.updated", "contact.updated")
FORMATS = ("flat", "envelope")
OLD_SECRET_GRACE = 24 * 3600.0
POLICY = RetryPolicy(schedule=(0, 5, 300, 1800, 7200, 18000, 36000, 36000), timeout=15.0)


@dataclass(slots=True)
class Endpoint:
    """One receiving URL of one organization."""

    id: str
    org_id: str
    url: str
    secret: str
    events: list[str]
    payload_format: str
    created_at: float
    updated_at: float
    description: str = ""
    disabled: bool = False
    old_secrets: list[tuple[str, float]] = field(default_factory=list)  # (secret, valid until)

    def wants(self, event_type: str) -> bool:
        """Whether this endpoint gets ``event_type`` (an empty filter means every event).

        >>> Endpoint("ep_1", "org", "http://x", "whsec_AAAA", [], "flat", 0.0, 0.0).wants("message.new")
        True
        """
        return not self.disabled and (not self.events or event_type in self.events)

    def signing_secrets(self, now: float) -> list[str]:
        """The current secret, then any rotated-out one still in its grace period."""
        return [self.secret] + [secret for secret, until in self.old_secrets if now < until]

    def change(self, fields: Mapping[str, Any], now: float) -> None:
        """Set the given fields (``url``, ``events``, ``description``, ``disabled``, ``payload_format``)."""
        for name, value in fields.items():
            setattr(self, name, value)
        self.updated_at = now

    def rotate(self, secret: str, now: float) -> None:
        """Sign with ``secret`` from now on; the current one keeps signing for ``OLD_SECRET_GRACE``."""
        self.old_secrets = [(old, until) for old, until in self.old_secrets if now < until]
        self.old_secrets.append((self.secret, now + OLD_SECRET_GRACE))
        self.secret = secret
        self.updated_at = now


class Registry:
    """Every organization's endpoints, in the order they were added (a reset wipes them)."""

    def __init__(self) -> None:
        self._by_org: dict[str, dict[str, Endpoint]] = {}

    def add(self, endpoint: Endpoint) -> Endpoint:
        self._by_org.setdefault(endpoint.org_id, {})[endpoint.id] = endpoint
        return endpoint

    def remove(self, endpoint: Endpoint) -> None:
        del self._by_org[endpoint.org_id][endpoint.id]

    def has_endpoints(self, org_id: str) -> bool:
        """Whether ``org_id`` registered any endpoint at all.

        >>> Registry().has_endpoints("org_acme01")
        False
        """
        return bool(self._by_org.get(org_id))

    def of_org(self, org_id: str) -> list[Endpoint]:
        return list(self._by_org.get(org_id, {}).values())

    def get(self, org_id: str, endpoint_id: str) -> Endpoint | None:
        """``org_id``'s endpoint ``endpoint_id`` (another organization's is as unknown as a made-up one)."""
        return self._by_org.get(org_id, {}).get(endpoint_id)

    def every(self) -> list[Endpoint]:
        """Every organization's endpoints."""
        return [endpoint for endpoints in self._by_org.values() for endpoint in endpoints.values()]

    def with_url(self, org_id: str, url: str) -> Endpoint | None:
        """``org_id``'s endpoint for ``url``, if it has one."""
        return next((endpoint for endpoint in self.of_org(org_id) if endpoint.url == url), None)

    def subscribed(self, org_id: str, event_type: str) -> list[Endpoint]:
        """The endpoints of ``org_id`` that get ``event_type`` events.

        >>> Registry().subscribed("org_acme01", "message.new")
        []
        """
        return [endpoint for endpoint in self._by_org.get(org_id, {}).values() if endpoint.wants(event_type)]


ENDPOINTS = StateKey("wazapin.webhooks", Registry)


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

    >>> publish(World(), org_id="org_acme01", event_type="message.new", data={}, channel_id=None)
    []
    """
    targets = endpoints if endpoints is not None else world.state(ENDPOINTS).subscribed(org_id, event_type)
    if not targets:
        return []
    event_id = "msg_" + world.ids.token(27)
    now = world.clock.now()
    deliveries: list[Delivery] = []
    for endpoint in targets:
        body = data
        if endpoint.payload_format == "envelope":
            body = render.envelope(event_id, event_type, now, org_id, channel_id, data)
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


def _signer(world: World, endpoint: Endpoint) -> Signer:
    # Looked up at each attempt, so a retry after a rotation is signed with the new secret.
    def sign(delivery: Delivery, wall: float) -> dict[str, str]:
        return signing.headers(endpoint.signing_secrets(world.clock.now()), delivery.event_id, wall, delivery.body)

    return sign


TOLERANCE = 300.0  # seconds a signature's timestamp may be off (the Svix libraries' default)


def recognize(world: World, path: str, headers: Mapping[str, str], body: bytes) -> Verdict | None:
    """A request bin's check of a Wazapin webhook (it carries ``svix-id`` or ``webhook-id``): verified
    as a receiver would (https://docs.svix.com/receiving/verifying-payloads/how-manual), with the
    secrets of the endpoints registered for the URL the request came to.

    >>> recognize(World(), "/hook", {}, b"{}") is None
    True
    """
    msg_id = headers.get("svix-id") or headers.get("webhook-id")
    if msg_id is None:
        return None
    stamp = headers.get("svix-timestamp") or headers.get("webhook-timestamp") or ""
    given = (headers.get("svix-signature") or headers.get("webhook-signature") or "").split()
    endpoints = [e for e in world.state(ENDPOINTS).every() if urlsplit(e.url).path == path]
    if not endpoints:
        return Verdict(NAME, UNCHECKED, f"No Wazapin endpoint is registered for {path}, so no secret to check with.")
    seconds = whole_number(stamp, 0, sys.maxsize)  # not isdigit(): "³" passes it, and int() refuses it
    if seconds is None:
        return Verdict(NAME, INVALID, f"The timestamp header is not a whole number of seconds: {stamp!r}.")
    skew = abs(world.clock.wall() - seconds)
    for endpoint in endpoints:
        for secret in endpoint.signing_secrets(world.clock.now()):
            expected = signing.signature(secret, msg_id, seconds, body)
            if any(hmac.compare_digest(expected, entry) for entry in given):
                if skew > TOLERANCE:
                    return Verdict(NAME, INVALID, f"Signature matches, but its timestamp is {skew:.0f} s "
                                   f"from now (tolerance {TOLERANCE:.0f} s).", endpoint.id)
                return Verdict(NAME, VALID, f"v1 signature matches the secret of endpoint {endpoint.id}.",
                               endpoint.id)
    names = ", ".join(endpoint.id for endpoint in endpoints)
    return Verdict(NAME, INVALID, f"No v1 signature matches the secret of endpoint {names}.",
                   endpoints[0].id if len(endpoints) == 1 else None)


def on_status(world: World, event: StatusEvent) -> None:
    """``message.status_update`` for each new Wazapin status word of an outbound message."""
    message = event.message
    if message.direction == INBOUND or event.status is Status.RECEIVED:
        return  # received reads "sent" in Wazapin's words: nothing new to tell
    registry = world.state(ENDPOINTS)
    if not registry.has_endpoints(message.org_id):
        return
    targets = registry.subscribed(message.org_id, STATUS_UPDATE)
    if targets:
        publish(
            world,
            org_id=message.org_id,
            event_type=STATUS_UPDATE,
            data=render.status_update_body(message, event.status),
            channel_id=message.agent_id,
            directive=event.directive,
            message_id=message.id,
            status=render.STATUS_WORDS[event.status],
            endpoints=targets,
        )


def on_inbound(world: World, message: Message) -> None:
    """``message.new`` for a customer's message; it joins the channel's conversation with them."""
    message.conversation_id = conversations.conversation_id(world, message.org_id, message.agent_id, message.sender)
    publish(
        world,
        org_id=message.org_id,
        event_type=MESSAGE_NEW,
        data=render.message_new_body(message, conversations.contact_id(world, message.org_id, message.sender)),
        channel_id=message.agent_id,
        message_id=message.id,
    )
