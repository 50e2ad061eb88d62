"""Qlara's API operations, one handler each: parse, call the core, render.

Paths are as documented under the real base URL ``https://lora-api.agiletelecom.com/api``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from ...core import errors
from ...core.models import OUTBOUND, Message, Payload
from ...core.rules import Step
from ...core.status import Status
from ...core.world import World
from ...web import keys
from ...web.http import ApiError, json_response, read_json_object
from . import payloads, sandbox
from .auth import CALLER
from .webhooks import Endpoint, endpoints

# "Keep under a few hundred ids" (qlara/api/message-delivery-status); the exact cut is designed.
MAX_BATCH_IDS = 200
# A send the platform refuses before WhatsApp sees it fails this long after it was accepted (designed).
REFUSAL_DELAY = 1.0
META_ACCOUNT_LOCKED = 131031
META_TEMPLATE_NOT_APPROVED = 132001
META_INVALID_PARAMETER = 131009


def _world(request: web.Request) -> World:
    return request.app[keys.world]


def _org_id(request: web.Request) -> str:
    return request[CALLER].org.id


def _text_response(text: str) -> web.Response:
    """A 200 carrying a body already written as JSON text (status bodies, the send answer)."""
    return web.Response(body=text.encode(), content_type="application/json")


def message_not_found(what: str) -> ApiError:
    return ApiError(404, "message_not_found", f"No message found with {what} for this account.")


async def send_whatsapp(request: web.Request) -> web.Response:
    """``POST /message-server/whatsapp/send``: validate, then (unless simulating) create the message."""
    send = payloads.parse_send(await read_json_object(request))
    world, org = _world(request), request[CALLER].org
    agent = world.tenants.agent(sandbox.agent_id(send.phone_number_id))
    if agent is None or agent.org_id != org.id:
        raise ApiError(403, "phone_number_not_allowed",
                       f"phoneNumberId {send.phone_number_id} is not a WhatsApp number of this account.")
    if send.message_id is not None and world.store.by_custom_id(sandbox.NAME, org.id, send.message_id):
        raise ApiError(409, "duplicate_message_id", f"messageId {send.message_id!r} was already used by this "
                       "account.")
    if send.simulation:
        return _text_response(payloads.send_response(send.message_id or world.ids.uuid(), True))
    platform_id = world.ids.uuid()
    message = Message(
        id=platform_id, provider=sandbox.NAME, org_id=org.id, agent_id=agent.id, sender=agent.phones[0],
        to=send.destination, type=send.type, created_at=world.clock.now(), template=send.template_name,
        content=None if send.content is None else Payload.of(send.content), custom_id=send.message_id or platform_id,
        extra={"campaignId": send.campaign_id, "fallbackRcs": send.fallback_rcs, "fallbackSms": send.fallback_sms},
    )
    refusal = _refusal(org.settings, send)
    if refusal is None:
        world.send(message)
    else:
        _refuse_later(world, message, refusal)
    return _text_response(payloads.send_response(message.custom_id or platform_id, False))


# Made once: ``list | tuple | ...`` written in the call builds a new union on every send (issue 7).
_LISTS = (list, tuple, set, frozenset)


def _listed(settings: dict[str, Any], name: str, value: object) -> bool:
    listed = settings.get(name, ())
    return isinstance(listed, _LISTS) and value in listed


def _refusal(settings: dict[str, Any], send: payloads.SendRequest) -> int | None:
    """The Meta error a send ends in before WhatsApp ever sees it, or None if it goes ahead."""
    if _listed(settings, sandbox.RESTRICTED_NUMBERS, send.phone_number_id):
        return META_ACCOUNT_LOCKED
    if send.template_name is not None and _listed(settings, sandbox.REJECTED_TEMPLATES, send.template_name):
        return META_TEMPLATE_NOT_APPROVED
    if not send.plausible_destination:
        return META_INVALID_PARAMETER
    return None


def _refuse_later(world: World, message: Message, code: int) -> None:
    # Accepted (the answer does not wait for Meta), then ERROR without ever reaching SENT.
    world.store.add(message)
    step = Step(REFUSAL_DELAY, Status.FAILED, error=errors.lookup(code).code)
    world.clock.call_later(REFUSAL_DELAY, lambda: world.lifecycle.apply(message, step), label=f"{message.id}:refused")


def _own_message(world: World, org_id: str, customer_message_id: str) -> Message | None:
    message = world.store.by_custom_id(sandbox.NAME, org_id, customer_message_id)
    return message if message is not None and message.direction == OUTBOUND else None


async def get_status(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/messages/status/{customerMessageId}?channel=…``: channel-scoped lookup."""
    channel = request.query.get("channel")
    if not channel:
        raise payloads.bad_request("Query parameter 'channel' is required (SMS, RCS or WHATSAPP).", "channel")
    if channel not in payloads.CHANNELS:
        raise payloads.bad_request("Query parameter 'channel' must be SMS, RCS or WHATSAPP.", "channel")
    customer_message_id = request.match_info["customerMessageId"]
    message = _own_message(_world(request), _org_id(request), customer_message_id)
    if message is None or channel != payloads.CHANNEL:
        raise message_not_found(f"customerMessageId {customer_message_id!r} on channel {channel}")
    return _text_response(payloads.status_body(message))


async def get_statuses(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/messages/status?ids=a,b,c``: unknown and other accounts' ids are left out."""
    raw = request.query.get("ids", request.query.get("customerMessageIds", ""))
    ids = [part for part in raw.split(",") if part]
    if not ids:
        raise payloads.bad_request("Query parameter 'ids' is required: comma-separated customer message ids.", "ids")
    if len(ids) > MAX_BATCH_IDS:
        raise ApiError(414, "too_many_ids", f"Too many ids: at most {MAX_BATCH_IDS} per request, got {len(ids)}.")
    channel = request.query.get("channel")
    if channel is not None and channel not in payloads.CHANNELS:
        raise payloads.bad_request("Query parameter 'channel' must be SMS, RCS or WHATSAPP.", "channel")
    world, org_id = _world(request), _org_id(request)
    found = [_own_message(world, org_id, customer_id) for customer_id in dict.fromkeys(ids)]
    bodies = [payloads.status_body(m) for m in found if m is not None and channel in (None, payloads.CHANNEL)]
    return _text_response(f"[{','.join(bodies)}]")


async def get_whatsapp_status(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/whatsapp/messages/{messageId}/status`` (path designed).

    ``messageId`` is the id the send answered with; the platform id from a webhook works too.
    """
    world, org_id = _world(request), _org_id(request)
    message_id = request.match_info["messageId"]
    message = _own_message(world, org_id, message_id)
    if message is None:
        by_platform_id = world.store.get(message_id)
        if by_platform_id is not None and by_platform_id.provider == sandbox.NAME \
                and by_platform_id.org_id == org_id and by_platform_id.direction == OUTBOUND:
            message = by_platform_id
    if message is None:
        raise message_not_found(f"messageId {message_id!r}")
    return _text_response(payloads.status_body(message))


_URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")  # the characters RFC 3986 allows in a URI


async def _callback_url(request: web.Request) -> str:
    body = await read_json_object(request)
    url = body.get("callbackUrl")
    if not isinstance(url, str) or not url:
        raise payloads.bad_request("'callbackUrl' is required.", "callbackUrl")
    invalid = payloads.bad_request("'callbackUrl' must be an absolute http or https URL.", "callbackUrl")
    # Only characters RFC 3986 allows in a URI; anything else could never be called back.
    if not _URI.fullmatch(url):
        raise invalid
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host
        raise invalid from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid
    return url


def _webhook_not_found() -> ApiError:
    return ApiError(404, "webhook_not_found", "No delivery-status webhook is configured for this account.")


def _endpoint_body(endpoint: Endpoint) -> dict[str, object]:
    return payloads.webhook_body(endpoint.id, endpoint.callback_url, endpoint.created_at)


async def create_webhook(request: web.Request) -> web.Response:
    """``POST /partner-gateway/v1/webhooks/delivery-status``: set the account's webhook, replacing any old one."""
    url = await _callback_url(request)
    world = _world(request)
    endpoint = Endpoint("wh-" + world.ids.hex(8), url, world.clock.now())
    endpoints(world).by_org[_org_id(request)] = endpoint
    return json_response(_endpoint_body(endpoint), status=201)


async def get_webhook(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/webhooks/delivery-status``: 404 when none is configured."""
    endpoint = endpoints(_world(request)).by_org.get(_org_id(request))
    if endpoint is None:
        raise _webhook_not_found()
    return json_response(_endpoint_body(endpoint))


async def update_webhook(request: web.Request) -> web.Response:
    """``PUT /partner-gateway/v1/webhooks/delivery-status``: change the URL of the existing webhook (404 if none)."""
    url = await _callback_url(request)
    registry = endpoints(_world(request)).by_org
    old = registry.get(_org_id(request))
    if old is None:
        raise _webhook_not_found()
    registry[_org_id(request)] = endpoint = Endpoint(old.id, url, old.created_at)
    return json_response(_endpoint_body(endpoint))


async def delete_webhook(request: web.Request) -> web.Response:
    """``DELETE /partner-gateway/v1/webhooks/delivery-status``: 204, or 404 when none is configured."""
    if endpoints(_world(request)).by_org.pop(_org_id(request), None) is None:
        raise _webhook_not_found()
    return web.Response(status=204)
