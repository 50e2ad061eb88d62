"""Qlara's delivery-status webhook: one per account, and the events sent to it.

https://agiletelecom.com/documentation/qlara/use-cases/UC-008-track-delivery-webhooks: one
active webhook per account, shared by every channel; registering a new one replaces the old.
https://agiletelecom.com/documentation/qlara/guides/webhooks: DELIVERY, READ and INBOUND events.
https://agiletelecom.com/documentation/guides/webhooks: the receiver must answer 200 within 5 s.
No retry schedule is published; ours is ``SCHEDULE`` (designed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.models import OUTBOUND, PLAIN_DELIVERY, Message, StatusEvent, WebhookDirective
from ...core.status import Status
from ...core.webhooks import RetryPolicy
from ...core.world import StateKey, World
from ...web.http import dumps
from . import payloads, sandbox

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
    id: str
    callback_url: str
    created_at: float


class Endpoints:
    """The active webhook of each account (reset wipes them with the rest of the world)."""

    def __init__(self) -> None:
        self.by_org: dict[str, Endpoint] = {}

    def of(self, org_id: str) -> Endpoint | None:
        """The account's webhook, if it registered one."""
        return self.by_org.get(org_id)


ENDPOINTS = StateKey("qlara.webhooks", Endpoints)


def endpoints(world: World) -> Endpoints:
    """This world's webhook registry."""
    return world.state(ENDPOINTS)


def _send(world: World, org_id: str, body: dict[str, Any], *, message_id: str, status: str | None = None,
          directive: WebhookDirective = PLAIN_DELIVERY) -> None:
    endpoint = endpoints(world).of(org_id)
    if endpoint is None:
        return
    world.dispatcher.send(provider=sandbox.NAME, org_id=org_id, endpoint_id=endpoint.id, url=endpoint.callback_url,
                          event_type=body["eventType"], body=dumps(body), policy=POLICY, message_id=message_id,
                          status=status, directive=directive)


def on_status(world: World, event: StatusEvent) -> None:
    """A Qlara message changed status: READ gets a READ event, every other status a DELIVERY event."""
    message = event.message
    if message.direction != OUTBOUND or endpoints(world).of(message.org_id) is None:
        return
    if event.status is Status.READ:
        body = payloads.read_event(message, event.at)
    else:
        body = payloads.delivery_event(message, event.at)
    _send(world, message.org_id, body, message_id=message.id, status=payloads.STATUS_WORDS[event.status],
          directive=event.directive)


def on_inbound(world: World, message: Message) -> None:
    """A customer wrote to one of an account's numbers: an INBOUND event."""
    _send(world, message.org_id, payloads.inbound_event(message), message_id=message.id)
