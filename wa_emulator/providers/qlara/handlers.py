"""Qlara's API operations, one handler each: parse, call the core, render.

Paths are as documented under the real base URL ``https://lora-api.agiletelecom.com/api``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.models import OUTBOUND, Message
from ...core.world import World
from ...web import keys
from ...web.http import ApiError, json_response, read_json_object
from . import sandbox
from .auth import CALLER
from .fallback import parse_fallbacks
from .outbound import accept, check_message_id
from .parse import (
    CHANNEL,
    CHANNELS,
    CORE_CHANNEL,
    RCS,
    bad_request,
    parse_batch,
    parse_callback_url,
    parse_channel,
    parse_send,
)
from .refusals import refusal
from .render import status_body, webhook_body
from .webhooks import WEBHOOKS, Endpoint


def message_not_found(what: str) -> ApiError:
    return ApiError(404, "message_not_found", f"No message found with {what} for this account.")


def webhook_not_found() -> ApiError:
    return ApiError(404, "webhook_not_found", "No delivery-status webhook is configured for this account.")


async def send_whatsapp(request: web.Request) -> web.Response:
    """``POST /message-server/whatsapp/send``: validate, then (unless simulating) create the message."""
    send = parse_send(await read_json_object(request))
    world, org = request.app[keys.world], request[CALLER].org
    agent = world.tenants.agent(sandbox.agent_id(send.phone_number_id))
    if agent is None or agent.org_id != org.id:
        raise ApiError(403, "phone_number_not_allowed",
                       f"phoneNumberId {send.phone_number_id} is not a WhatsApp number of this account.")
    check_message_id(world, org.id, send.message_id, CHANNEL)
    fallbacks = parse_fallbacks(world, org, send, send.message_id)
    return accept(world, org, simulation=send.simulation, refusal=refusal(world, org, send),
                  channel=CHANNEL, agent_id=agent.id, sender=agent.phones[0], to=send.destination, type=send.type,
                  content=send.content, custom_id=send.message_id, template=send.template_name,
                  extra={"campaignId": send.campaign_id, **fallbacks})


def _own_message(world: World, org_id: str, customer_message_id: str, channel: str = CHANNEL) -> Message | None:
    message = world.store.by_custom_id(sandbox.NAME, org_id, customer_message_id, CORE_CHANNEL[channel])
    return message if message is not None and message.direction == OUTBOUND else None


async def get_status(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/messages/status/{customerMessageId}?channel=…``: channel-scoped lookup.

    One ``customerMessageId`` names one message per channel (a fallback leg shares the WhatsApp message's).
    """
    channel = parse_channel(request.query)
    customer_message_id = request.match_info["customerMessageId"]
    message = _own_message(request.app[keys.world], request[CALLER].org.id, customer_message_id, channel)
    if message is None:
        raise message_not_found(f"customerMessageId {customer_message_id!r} on channel {channel}")
    return json_response(status_body(message))


async def get_statuses(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/messages/status?ids=a,b,c``: unknown and other accounts' ids are left out.

    With ``channel`` only that channel's messages; without, every channel's message under each id.
    """
    lookup = parse_batch(request.query)
    world, org_id = request.app[keys.world], request[CALLER].org.id
    channels = CHANNELS if lookup.channel is None else (lookup.channel,)
    found = [_own_message(world, org_id, customer_id, channel) for customer_id in lookup.ids for channel in channels]
    return json_response([status_body(message) for message in found if message is not None])


def _by_message_id(request: web.Request, channel: str, parameter: str = "messageId") -> web.Response:
    """One channel's message by the id the send answered with (its platform id, from a webhook, works too)."""
    world, org_id = request.app[keys.world], request[CALLER].org.id
    message_id = request.match_info[parameter]
    message = _own_message(world, org_id, message_id, channel)
    if message is None:
        by_platform_id = world.store.get(message_id)
        if by_platform_id is not None and by_platform_id.provider == sandbox.NAME \
                and by_platform_id.org_id == org_id and by_platform_id.direction == OUTBOUND \
                and by_platform_id.channel == CORE_CHANNEL[channel]:
            message = by_platform_id
    if message is None:
        raise message_not_found(f"messageId {message_id!r} on channel {channel}")
    return json_response(status_body(message))


async def get_whatsapp_status(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/whatsapp/messages/{messageId}/status`` (path designed): WhatsApp messages only."""
    return _by_message_id(request, CHANNEL)


async def get_rcs_status(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/rcs/messages/{rcsMessageId}/status`` (path designed): RCS messages only."""
    return _by_message_id(request, RCS, "rcsMessageId")


def _callback_url(world: World, body: dict[str, Any]) -> str:
    """The body's ``callbackUrl``; a 400 for one aimed at the emulator's own control API (no webhook receiver)."""
    url = parse_callback_url(body)
    if world.dispatcher.destinations.aims_at_control(url):
        raise bad_request("'callbackUrl' must not point at the emulator's control API (/_emulator/).", "callbackUrl")
    return url


async def create_webhook(request: web.Request) -> web.Response:
    """``POST /partner-gateway/v1/webhooks/delivery-status``: set the account's webhook, replacing any old one."""
    world = request.app[keys.world]
    url = _callback_url(world, await read_json_object(request))
    endpoint = Endpoint("wh-" + world.ids.hex(8), url, world.clock.now())
    world.state(WEBHOOKS).put(request[CALLER].org.id, endpoint)
    return json_response(webhook_body(endpoint), status=201)


async def get_webhook(request: web.Request) -> web.Response:
    """``GET /partner-gateway/v1/webhooks/delivery-status``: 404 when none is configured."""
    endpoint = request.app[keys.world].state(WEBHOOKS).of(request[CALLER].org.id)
    if endpoint is None:
        raise webhook_not_found()
    return json_response(webhook_body(endpoint))


async def update_webhook(request: web.Request) -> web.Response:
    """``PUT /partner-gateway/v1/webhooks/delivery-status``: change the URL of the existing webhook (404 if none)."""
    world = request.app[keys.world]
    url = _callback_url(world, await read_json_object(request))
    webhooks, org_id = world.state(WEBHOOKS), request[CALLER].org.id
    old = webhooks.of(org_id)
    if old is None:
        raise webhook_not_found()
    endpoint = Endpoint(old.id, url, old.created_at)
    webhooks.put(org_id, endpoint)
    return json_response(webhook_body(endpoint))


async def delete_webhook(request: web.Request) -> web.Response:
    """``DELETE /partner-gateway/v1/webhooks/delivery-status``: 204, or 404 when none is configured."""
    if request.app[keys.world].state(WEBHOOKS).remove(request[CALLER].org.id) is None:
        raise webhook_not_found()
    return web.Response(status=204)
