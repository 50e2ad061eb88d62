"""Mojeeb's API operations, one handler each: parse, call the core, render."""

from __future__ import annotations

from aiohttp import web

from ...core.ids import canonical_uuid
from ...core.models import OUTBOUND, Message, Payload
from ...core.templates import fail_after_acceptance
from ...web import keys
from ...web.http import ApiError, json_response, read_json_object
from . import templates
from .auth import REQUEST_KEY
from .parse import SendRequest, invalid, parse_template_send, parse_text_send
from .render import message_body
from .sandbox import NAME


def not_found() -> ApiError:
    return ApiError(404, "message_not_found", "No message found with the supplied id.")


async def send_message(request: web.Request) -> web.Response:
    """``POST /v1/whatsapp/messages``: free-form text (202, then the lifecycle runs)."""
    message = _send(request, parse_text_send(await read_json_object(request)))
    return json_response(message_body(message, echo_to=True), status=202)


async def send_template(request: web.Request) -> web.Response:
    """``POST /v1/whatsapp/templates``: an approved template, allowed outside the 24-hour window."""
    message = _send(request, parse_template_send(await read_json_object(request)))
    return json_response(message_body(message, echo_to=True), status=202)


async def get_message(request: web.Request) -> web.Response:
    """``GET /v1/whatsapp/messages/{id}``: 404 for unknown, malformed and other orgs' or agents' ids."""
    world = request.app[keys.world]
    key = request[REQUEST_KEY]
    message_id = canonical_uuid(request.match_info["id"])
    message = world.store.get(message_id) if message_id else None
    if (
        message is None
        or message.provider != NAME
        or message.direction != OUTBOUND
        or message.org_id != key.org_id
        or not key.may_use_agent(message.agent_id)
    ):
        raise not_found()
    return json_response(message_body(message, echo_to=False))


def _send(request: web.Request, send: SendRequest) -> Message:
    world = request.app[keys.world]
    key = request[REQUEST_KEY]
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
        content=Payload.of(send.content()),
    )
    code = None if send.type != "template" else templates.refusal(world, key.org_id, send)
    if code is not None:
        return fail_after_acceptance(world, message, code)
    return world.send(message)
