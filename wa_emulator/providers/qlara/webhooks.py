"""Qlara's delivery-status webhook: one per account, and the events sent to it.

https://agiletelecom.com/documentation/qlara/use-cases/UC-008-track-delivery-webhooks: one
active webhook per account, shared by every channel; registering a new one replaces the old.
https://agiletelecom.com/documentation/qlara/guides/webhooks: DELIVERY, READ and INBOUND events.
https://agiletelecom.com/documentation/guides/webhooks: the receiver must answer 200 within 5 s.
No retry schedule is published; ours is ``SCHEDULE`` (designed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...core.bins import UNSIGNED, Verdict
from ...core.models import OUTBOUND, PLAIN_DELIVERY, Message, StatusEvent, WebhookDirective
from ...core.status import Status
from ...core.webhooks import RetryPolicy
from ...core.world import StateKey, World
from ...web.http import dumps
from .inbound import inbound_event
from .outbound import notifies
from .render import STATUS_WORDS, delivery_event, read_event
from .sandbox import NAME

# Immediately, then after 30 s, 2 min, 10 min, 30 min and 1 h: six attempts over about 1 h 43 min.
SCHEDULE: tuple[float, ...] = (0.0, 30.0, 120.0, 600.0, 1800.0, 3600.0)
TIMEOUT = 5.0


def only_200(status: int) -> bool:
    """Qlara counts only a 200 as received (not any 2xx).

    >>> only_200(200), only_200(204)
    (True, False)
    """
    return status == 200


POLICY = RetryPolicy(schedule=SCHEDULE, timeout=TIMEOUT, accept=only_200)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An account's delivery-status webhook: its id, where events go, and when it was first set."""

    id: str
    callback_url: str
    created_at: float


class Webhooks:
    """The active webhook of each account (reset wipes them with the rest of the world).

    >>> hooks = Webhooks(); hooks.put("org", Endpoint("wh-1", "https://hooks.test/q", 0.0))
    >>> hooks.subscribed("org"), hooks.remove("org").id, hooks.of("org")
    (True, 'wh-1', None)
    """

    def __init__(self) -> None:
        self._by_org: dict[str, Endpoint] = {}

    def put(self, org_id: str, endpoint: Endpoint) -> None:
        """Make ``endpoint`` the account's webhook, replacing any other."""
        self._by_org[org_id] = endpoint

    def of(self, org_id: str) -> Endpoint | None:
        """The account's webhook, if it registered one."""
        return self._by_org.get(org_id)

    def remove(self, org_id: str) -> Endpoint | None:
        """Forget the account's webhook; the one removed, or None if there was none."""
        return self._by_org.pop(org_id, None)

    def subscribed(self, org_id: str) -> bool:
        """Whether the account has a webhook, so its events are worth rendering."""
        return org_id in self._by_org


WEBHOOKS = StateKey("qlara.webhooks", Webhooks)


def _deliver(world: World, org_id: str, body: dict[str, Any], *, message_id: str, status: str | None = None,
             directive: WebhookDirective = PLAIN_DELIVERY) -> None:
    endpoint = world.state(WEBHOOKS).of(org_id)
    if endpoint is None:
        return
    world.dispatcher.send(provider=NAME, org_id=org_id, endpoint_id=endpoint.id, url=endpoint.callback_url,
                          event_type=body["eventType"], body=dumps(body), policy=POLICY, message_id=message_id,
                          status=status, directive=directive)


def on_status(world: World, event: StatusEvent) -> None:
    """A Qlara message changed status: READ gets a READ event, every other status a DELIVERY event (none when
    the send said ``enableNotification: false``)."""
    message = event.message
    if message.direction != OUTBOUND or not notifies(message) or not world.state(WEBHOOKS).subscribed(message.org_id):
        return
    event_body = read_event if event.status is Status.READ else delivery_event
    _deliver(world, message.org_id, event_body(message, event.at), message_id=message.id,
             status=STATUS_WORDS[event.status], directive=event.directive)


def on_inbound(world: World, message: Message) -> None:
    """A customer wrote to one of an account's numbers: an INBOUND event."""
    _deliver(world, message.org_id, inbound_event(message), message_id=message.id)


EVENT_TYPES = frozenset({"DELIVERY", "READ", "INBOUND"})


def recognize(path: str, headers: Mapping[str, str], body: bytes) -> Verdict | None:
    """A request bin's guess: a JSON body whose ``eventType`` is one of Qlara's is Qlara's (it signs nothing).

    >>> recognize("/bin", {}, b'{"eventType": "READ"}').signature, recognize("/bin", {}, b"[]")
    ('unsigned', None)
    """
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict) and data.get("eventType") in EVENT_TYPES:
        return Verdict(NAME, UNSIGNED, "Qlara documents no webhook signature; nothing to check.")
    return None
