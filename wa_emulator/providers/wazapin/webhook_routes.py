"""Wazapin's webhook management operations (https://docsx.wazapin.com/api/webhooks), one handler each.

Every call needs the ``webhooks:manage`` permission. Paths are relative to
``/v1/settings/developer/webhooks``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.webhooks import DROPPED, EXHAUSTED, PENDING
from ...core.world import World
from ...web import keys
from ...web.http import ApiError, read_json_object
from . import events
from .auth import REQUEST_ORG, require
from .content import URL, missing, unusable, wrong_type
from .endpoints import EVENTS, FORMATS, OLD_SECRET_GRACE, TEST_EVENT, Endpoint
from .payloads import delivery_view
from .routes import data, find_message, not_found
from .sandbox import WEBHOOK_FORMAT, WEBHOOKS
from .signing import new_secret

MAX_DELIVERIES = 100


def _world(request: web.Request) -> World:
    return request.app[keys.world]


def _endpoint(request: web.Request) -> Endpoint:
    found = events.registry(_world(request)).get(require(request, WEBHOOKS).org_id, request.match_info["endpoint_id"])
    if found is None:
        raise not_found(f"webhook endpoint {request.match_info['endpoint_id']}")
    return found


async def list_webhooks(request: web.Request) -> web.Response:
    """``GET /v1/settings/developer/webhooks``: the organization's endpoints (secrets hidden) and event types."""
    key = require(request, WEBHOOKS)
    endpoints = events.registry(_world(request)).of_org(key.org_id)
    return data({"endpoints": [endpoint.view() for endpoint in endpoints], "event_types": list(EVENTS)})


async def create_endpoint(request: web.Request) -> web.Response:
    """``POST …/endpoints``: 201 with the endpoint and its ``whsec_`` secret, shown only this once."""
    key = require(request, WEBHOOKS)
    world = _world(request)
    fields = _endpoint_fields(await read_json_object(request), partial=False)
    _check_unique_url(world, key.org_id, fields["url"], None)
    now = world.clock.now()
    default_format = request[REQUEST_ORG].settings.get(WEBHOOK_FORMAT, "flat")
    endpoint = Endpoint(
        id="ep_" + world.ids.token(24),
        org_id=key.org_id,
        url=fields["url"],
        secret=new_secret(world.ids.randbytes(24)),
        events=fields.get("events", []),
        payload_format=fields.get("payload_format", default_format),
        created_at=now,
        updated_at=now,
        description=fields.get("description", ""),
        disabled=fields.get("disabled", False),
    )
    events.registry(world).endpoints[endpoint.id] = endpoint
    return data(endpoint.view(with_secret=True), status=201)


async def update_endpoint(request: web.Request) -> web.Response:
    """``PATCH …/endpoints/{id}`` changes the given fields; ``PUT`` (older page) replaces them all."""
    endpoint = _endpoint(request)
    world = _world(request)
    partial = request.method == "PATCH"
    fields = _endpoint_fields(await read_json_object(request), partial=partial)
    if "url" in fields:
        _check_unique_url(world, endpoint.org_id, fields["url"], endpoint.id)
    if not partial:
        fields = {"events": [], "description": "", "disabled": False, "payload_format": endpoint.payload_format,
                  **fields}
    for name, value in fields.items():
        setattr(endpoint, name, value)
    endpoint.updated_at = world.clock.now()
    return data(endpoint.view())


async def delete_endpoint(request: web.Request) -> web.Response:
    """``DELETE …/endpoints/{id}``: 204; it receives nothing from now on, retries under way included."""
    endpoint = _endpoint(request)
    world = _world(request)
    del events.registry(world).endpoints[endpoint.id]
    for delivery in world.dispatcher.deliveries(provider=events.NAME, org_id=endpoint.org_id, state=PENDING):
        if delivery.endpoint_id == endpoint.id:
            world.dispatcher.cancel(delivery)
    return web.Response(status=204)


async def rotate_secret(request: web.Request) -> web.Response:
    """``POST …/endpoints/{id}/rotate-secret``: a new secret, shown once; the old one signs for 24 more hours."""
    endpoint = _endpoint(request)
    world = _world(request)
    now = world.clock.now()
    endpoint.old_secrets = [(s, until) for s, until in endpoint.old_secrets if now < until]
    endpoint.old_secrets.append((endpoint.secret, now + OLD_SECRET_GRACE))
    endpoint.secret = new_secret(world.ids.randbytes(24))
    endpoint.updated_at = now
    return data({"id": endpoint.id, "secret": endpoint.secret})


async def send_test_event(request: web.Request) -> web.Response:
    """``POST …/endpoints/{id}/test``: 202; a signed ``webhook.test`` event goes out in the background,
    whatever the endpoint's filter (a slow receiver never holds up the answer)."""
    endpoint = _endpoint(request)
    world = _world(request)
    body = {"message": "This is a test event from Wazapin.", "endpoint_id": endpoint.id,
            "organization_id": endpoint.org_id}
    deliveries = events.publish(world, org_id=endpoint.org_id, event_type=TEST_EVENT, data=body, channel_id=None,
                                endpoints=[endpoint])
    return data(delivery_view(deliveries[0]), status=202)


async def list_deliveries(request: web.Request) -> web.Response:
    """``GET …/deliveries``: newest first, with every attempt.

    Filters ``message_id``, ``endpoint_id``, ``state``; ``limit`` 1–100 (default 50).
    """
    key = require(request, WEBHOOKS)
    query = request.query
    raw_limit = query.get("limit", "50")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_DELIVERIES:
        raise ApiError(400, "validation_error", f"limit must be a whole number from 1 to {MAX_DELIVERIES}",
                       field="limit")
    found = _world(request).dispatcher.deliveries(provider=events.NAME, org_id=key.org_id,
                                                  message_id=query.get("message_id"))
    views = [delivery_view(d) for d in reversed(found)]
    views = [v for v in views if all(v[name] == query[name] for name in ("endpoint_id", "state") if name in query)]
    return data(views[: int(raw_limit)])


async def retry_message_deliveries(request: web.Request) -> web.Response:
    """``POST …/deliveries/{id}/retry``: a fresh round for each failed or dropped delivery of the message."""
    require(request, WEBHOOKS)
    message = find_message(request)
    world = _world(request)
    retried = [
        d for d in world.dispatcher.deliveries(provider=events.NAME, org_id=message.org_id, message_id=message.id)
        if d.state in (EXHAUSTED, DROPPED)
    ]
    if not retried:
        raise ApiError(409, "conflict", f"message {message.id} has no failed webhook deliveries to retry")
    for delivery in retried:
        world.dispatcher.retry_now(delivery)
    return data({"message_id": message.id, "retried": len(retried),
                 "deliveries": [delivery_view(d) for d in retried]}, status=202)


def _endpoint_fields(body: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate an endpoint body: ``url``, ``events``, ``description``, ``payload_format``, ``disabled``."""
    fields: dict[str, Any] = {}
    url = body.get("url")
    if url is None:
        if not partial:
            raise missing("url")
    elif not isinstance(url, str):
        raise wrong_type("url", "a string")
    elif not URL.fullmatch(url):
        raise unusable("url", "url must be an absolute http(s) URL")
    else:
        fields["url"] = url
    if body.get("events") is not None:
        chosen = body["events"]
        if not isinstance(chosen, list) or not all(isinstance(e, str) for e in chosen):
            raise wrong_type("events", "an array of event type names")
        unknown = [e for e in chosen if e not in EVENTS]
        if unknown:
            raise unusable("events", f"unknown event type {unknown[0]!r}; known: {', '.join(EVENTS)}")
        fields["events"] = list(dict.fromkeys(chosen))
    for name, kind, expected in (("description", str, "a string"), ("disabled", bool, "true or false")):
        if body.get(name) is not None:
            if not isinstance(body[name], kind):
                raise wrong_type(name, expected)
            fields[name] = body[name]
    if body.get("payload_format") is not None:
        if body["payload_format"] not in FORMATS:
            raise unusable("payload_format", f"payload_format must be one of {', '.join(FORMATS)}")
        fields["payload_format"] = body["payload_format"]
    if partial and not fields:
        raise ApiError(400, "validation_error", "nothing to update: send url, events, description, "
                       "payload_format or disabled")
    return fields


def _check_unique_url(world: World, org_id: str, url: str, own_id: str | None) -> None:
    for other in events.registry(world).of_org(org_id):
        if other.url == url and other.id != own_id:
            raise ApiError(409, "conflict", f"an endpoint for {url} already exists ({other.id})")
