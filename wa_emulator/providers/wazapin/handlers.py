"""Wazapin's API operations, one handler each: parse, call the core, render.

Webhook management (https://docsx.wazapin.com/api/webhooks) needs the ``webhooks:manage``
permission; its paths are relative to ``/v1/settings/developer/webhooks``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.ids import canonical_uuid
from ...core.models import Message, Payload
from ...core.templates import fail_after_acceptance
from ...core.webhooks import DROPPED, EXHAUSTED, PENDING
from ...core.world import World
from ...web import keys
from ...web.http import ApiError, json_response, read_json_object
from . import conversations, templates
from .auth import REQUEST_KEY, REQUEST_ORG, require
from .fields import unusable
from .inbound import link_base
from .parse import decode_cursor, encode_cursor, invalid_cursor, page_limit, parse_endpoint, parse_send
from .render import (
    data,
    delivery_view,
    endpoint_view,
    message_page,
    record,
    retry_body,
    status_view,
    status_word,
    webhook_listing,
    webhook_test_body,
)
from .sandbox import NAME, READ, SEND, WEBHOOK_FORMAT, WEBHOOKS, is_connected
from .signing import new_secret
from .webhooks import ENDPOINTS, EVENTS, TEST_EVENT, Endpoint, Registry, publish

MESSAGES_PAGE = 20
DELIVERIES_PAGE = 50
MESSAGE_FILTERS = ("status", "channel_id", "conversation_id", "direction")


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


async def health(request: web.Request) -> web.Response:
    """``GET /v1/health``: no key needed."""
    return json_response({"status": "ok"})


# -- messages -------------------------------------------------------------------------


async def send_message(request: web.Request) -> web.Response:
    """``POST /v1/messages``: 201 with the record, status ``queued``; the lifecycle runs on the clock."""
    key = require(request, SEND)
    send = parse_send(await read_json_object(request))
    world = request.app[keys.world]
    channel = world.tenants.agent(send.channel_id)
    if channel is None or channel.org_id != key.org_id:
        raise not_found(f"channel {send.channel_id}")
    if not is_connected(world, channel.id):
        raise ApiError(409, "conflict", f"channel {channel.id} is not connected")
    if send.conversation_id is None:
        conversation = conversations.conversation_id(world, key.org_id, channel.id, send.to)
    elif (conversation := conversations.own_conversation(world, key.org_id, send.conversation_id)) is None:
        raise not_found(f"conversation {send.conversation_id}")
    message = Message(
        id=world.ids.uuid(),
        provider=NAME,
        org_id=key.org_id,
        agent_id=channel.id,
        sender=channel.phones[0],
        to=send.to,
        type=send.type,
        created_at=world.clock.now(),
        template=send.template_name,
        content=Payload.of(send.content),
        conversation_id=conversation,
    )
    code = templates.refusal(world, key.org_id, send.content) if send.type == "template" else None
    if code is not None:
        return data(record(fail_after_acceptance(world, message, code)), status=201)
    return data(record(world.send(message)), status=201)


def find_message(request: web.Request) -> Message:
    """The message named in the path, if it belongs to the caller's organization."""
    world = request.app[keys.world]
    message_id = canonical_uuid(request.match_info["id"])
    message = world.store.get(message_id) if message_id else None
    if message is None or message.provider != NAME or message.org_id != request[REQUEST_KEY].org_id:
        raise not_found("message")
    return message


async def get_message(request: web.Request) -> web.Response:
    """``GET /v1/messages/{id}``: the full record, inbound messages included (their text lives here)."""
    require(request, READ)
    message = find_message(request)
    return data(record(message, link_base(request, (message,))))


async def get_message_status(request: web.Request) -> web.Response:
    """``GET /v1/messages/{id}/status``: only the status metadata."""
    require(request, READ)
    return data(status_view(find_message(request)))


async def list_messages(request: web.Request) -> web.Response:
    """``GET /v1/messages``: newest first; ``limit`` (1–100), ``cursor``, filters ``status``,
    ``channel_id``, ``conversation_id``, ``direction``; ``meta.next_cursor`` is null on the last page."""
    key = require(request, READ)
    world = request.app[keys.world]
    query = request.query
    limit = page_limit(query.get("limit"), MESSAGES_PAGE)
    filters = {name: query[name] for name in MESSAGE_FILTERS if name in query}
    found = [
        m for m in reversed(list(world.store))
        if m.provider == NAME and m.org_id == key.org_id and all(_field(m, k) == v for k, v in filters.items())
    ]
    if "cursor" in query:
        after = decode_cursor(query["cursor"])
        positions = [i for i, m in enumerate(found) if m.id == after]
        if not positions:
            raise invalid_cursor()
        found = found[positions[0] + 1:]
    page = found[:limit]
    next_cursor = encode_cursor(page[-1].id) if len(found) > limit else None
    return json_response(message_page(page, next_cursor, limit, link_base(request, page)))


def _field(message: Message, name: str) -> str | None:
    """The value a listing filter ``name`` compares with."""
    return {
        "status": status_word(message),
        "channel_id": message.agent_id,
        "conversation_id": message.conversation_id,
        "direction": message.direction,
    }[name]


# -- webhook endpoints ----------------------------------------------------------------


def _endpoint(request: web.Request) -> Endpoint:
    """The endpoint named in the path, if it belongs to the caller's organization."""
    org_id = require(request, WEBHOOKS).org_id
    found = request.app[keys.world].state(ENDPOINTS).get(org_id, request.match_info["endpoint_id"])
    if found is None:
        raise not_found(f"webhook endpoint {request.match_info['endpoint_id']}")
    return found


def _refuse_control_url(world: World, fields: dict[str, Any]) -> None:
    """A 422 for a URL that would deliver into the emulator's own control API (it never receives webhooks)."""
    if "url" in fields and world.dispatcher.destinations.aims_at_control(fields["url"]):
        raise unusable("url", "url must not point at the emulator's control API (/_emulator/)")


def _refuse_taken_url(registry: Registry, org_id: str, url: str, own_id: str | None) -> None:
    other = registry.with_url(org_id, url)
    if other is not None and other.id != own_id:
        raise ApiError(409, "conflict", f"an endpoint for {url} already exists ({other.id})")


async def list_webhooks(request: web.Request) -> web.Response:
    """``GET /v1/settings/developer/webhooks``: the organization's endpoints (secrets hidden) and event types."""
    key = require(request, WEBHOOKS)
    return data(webhook_listing(request.app[keys.world].state(ENDPOINTS).of_org(key.org_id), EVENTS))


async def create_endpoint(request: web.Request) -> web.Response:
    """``POST …/endpoints``: 201 with the endpoint and its ``whsec_`` secret, shown only this once."""
    key = require(request, WEBHOOKS)
    world = request.app[keys.world]
    fields = parse_endpoint(await read_json_object(request), partial=False)
    _refuse_control_url(world, fields)
    registry = world.state(ENDPOINTS)
    _refuse_taken_url(registry, key.org_id, fields["url"], None)
    now = world.clock.now()
    endpoint = registry.add(Endpoint(
        id="ep_" + world.ids.token(24),
        org_id=key.org_id,
        url=fields["url"],
        secret=new_secret(world.ids.randbytes(24)),
        events=fields.get("events", []),
        payload_format=fields.get("payload_format", request[REQUEST_ORG].settings.get(WEBHOOK_FORMAT, "flat")),
        created_at=now,
        updated_at=now,
        description=fields.get("description", ""),
        disabled=fields.get("disabled", False),
    ))
    return data(endpoint_view(endpoint, with_secret=True), status=201)


async def update_endpoint(request: web.Request) -> web.Response:
    """``PATCH …/endpoints/{id}`` changes the given fields; ``PUT`` (older page) replaces them all."""
    endpoint = _endpoint(request)
    world = request.app[keys.world]
    partial = request.method == "PATCH"
    fields = parse_endpoint(await read_json_object(request), partial=partial)
    _refuse_control_url(world, fields)
    if "url" in fields:
        _refuse_taken_url(world.state(ENDPOINTS), endpoint.org_id, fields["url"], endpoint.id)
    if not partial:
        fields = {"events": [], "description": "", "disabled": False, "payload_format": endpoint.payload_format,
                  **fields}
    endpoint.change(fields, world.clock.now())
    return data(endpoint_view(endpoint))


async def delete_endpoint(request: web.Request) -> web.Response:
    """``DELETE …/endpoints/{id}``: 204; it receives nothing from now on, retries under way included."""
    endpoint = _endpoint(request)
    world = request.app[keys.world]
    world.state(ENDPOINTS).remove(endpoint)
    for delivery in world.dispatcher.deliveries(provider=NAME, org_id=endpoint.org_id, state=PENDING):
        if delivery.endpoint_id == endpoint.id:
            world.dispatcher.cancel(delivery)
    return web.Response(status=204)


async def rotate_secret(request: web.Request) -> web.Response:
    """``POST …/endpoints/{id}/rotate-secret``: a new secret, shown once; the old one signs for 24 more hours."""
    endpoint = _endpoint(request)
    world = request.app[keys.world]
    endpoint.rotate(new_secret(world.ids.randbytes(24)), world.clock.now())
    return data({"id": endpoint.id, "secret": endpoint.secret})


async def send_test_event(request: web.Request) -> web.Response:
    """``POST …/endpoints/{id}/test``: 202; a signed ``webhook.test`` event goes out in the background,
    whatever the endpoint's filter (a slow receiver never holds up the answer)."""
    endpoint = _endpoint(request)
    deliveries = publish(request.app[keys.world], org_id=endpoint.org_id, event_type=TEST_EVENT,
                         data=webhook_test_body(endpoint), channel_id=None, endpoints=[endpoint])
    return data(delivery_view(deliveries[0]), status=202)


# -- webhook deliveries ---------------------------------------------------------------


async def list_deliveries(request: web.Request) -> web.Response:
    """``GET …/deliveries``: newest first, with every attempt.

    Filters ``message_id``, ``endpoint_id``, ``state``; ``limit`` 1–100 (default 50).
    """
    key = require(request, WEBHOOKS)
    query = request.query
    limit = page_limit(query.get("limit"), DELIVERIES_PAGE)
    found = request.app[keys.world].dispatcher.deliveries(provider=NAME, org_id=key.org_id,
                                                          message_id=query.get("message_id"))
    views = [delivery_view(d) for d in reversed(found)]
    views = [v for v in views if all(v[name] == query[name] for name in ("endpoint_id", "state") if name in query)]
    return data(views[:limit])


async def retry_message_deliveries(request: web.Request) -> web.Response:
    """``POST …/deliveries/{id}/retry``: a fresh round for each failed or dropped delivery of the message."""
    require(request, WEBHOOKS)
    message = find_message(request)
    dispatcher = request.app[keys.world].dispatcher
    retried = [
        d for d in dispatcher.deliveries(provider=NAME, org_id=message.org_id, message_id=message.id)
        if d.state in (EXHAUSTED, DROPPED)
    ]
    if not retried:
        raise ApiError(409, "conflict", f"message {message.id} has no failed webhook deliveries to retry")
    for delivery in retried:
        dispatcher.retry_now(delivery)
    return data(retry_body(message.id, retried), status=202)
