"""Mojeeb's API operations, one handler each: parse, call the core, render."""

from __future__ import annotations

from aiohttp import web

from ...core.ids import canonical_uuid
from ...core.models import Message
from ...core.tenants import ApiKey
from ...core.world import World
from ...web.http import ApiError, read_json_object, world_of
from .auth import REQUEST_KEY
from .payloads import SendRequest, invalid, message_json, parse_template_send, parse_text_send

NAME = "mojeeb"


def not_found() -> ApiError:
    return ApiError(404, "message_not_found", "No message found with the supplied id.")


async def send_message(request: web.Request) -> web.Response:
    """``POST /v1/whatsapp/messages``: free-form text (202, then the lifecycle runs)."""
    return _accepted(request, _send(request, parse_text_send(await read_json_object(request))))


async def send_template(request: web.Request) -> web.Response:
    """``POST /v1/whatsapp/templates``: an approved template, allowed outside the 24-hour window."""
    return _accepted(request, _send(request, parse_template_send(await read_json_object(request))))


async def get_message(request: web.Request) -> web.Response:
    """``GET /v1/whatsapp/messages/{id}``: 404 for unknown, malformed and other orgs' or agents' ids."""
    world: World = world_of(request)
    key: ApiKey = request[REQUEST_KEY]
    message_id = canonical_uuid(request.match_info["id"])
    message = world.store.get(message_id) if message_id else None
    if (
        message is None
        or message.provider != NAME
        or message.direction != "outbound"
        or message.org_id != key.org_id
        or not key.may_use_agent(message.agent_id)
    ):
        raise not_found()
    return _json(message_json(message, echo_to=False))


def _send(request: web.Request, send: SendRequest) -> Message:
    world: World = world_of(request)
    key: ApiKey = request[REQUEST_KEY]
    agent = world.tenants.agent(send.agent_id)
    if agent is None or agent.org_id != key.org_id:
        raise invalid("invalid_agent_id", "agent_id does not match an agent in your organization.", "agent_id")
    if not key.may_use_agent(agent.id):
        raise ApiError(403, "agent_not_authorized", "This API key is not authorized to send from this agent.",
                       param="agent_id")
    if send.sender not in agent.phones:
        raise ApiError(
            422,
            "from_phone_not_found_for_agent",
            "from is not an active WhatsApp connection of this agent.",
            param="from",
            available_phones=list(agent.phones),
        )
    message = Message(
        id=world.ids.uuid(),
        provider=NAME,
        org_id=key.org_id,
        agent_id=agent.id,
        sender=send.sender,
        to=send.to,
        type=send.type,
        created_at=world.clock.now(),
        template=send.template_name,
        content=send.content(),
    )
    return world.send(message)


def _accepted(request: web.Request, message: Message) -> web.Response:
    return _json(message_json(message, echo_to=True), status=202)


def _json(text: str, status: int = 200) -> web.Response:
    return web.Response(body=text.encode(), status=status, content_type="application/json")
