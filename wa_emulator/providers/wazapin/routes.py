"""Wazapin's message operations, one handler each: parse, call the core, render."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from aiohttp import web

from ...core.ids import canonical_uuid
from ...core.models import Message, Payload
from ...core.world import World
from ...web import keys
from ...web.http import ApiError, dumps, json_response, read_json_object
from .auth import REQUEST_KEY, require
from .content import parse_send
from .events import conversation_id, registry
from .payloads import record, status_view, status_word
from .sandbox import NAME, READ, SEND, is_connected

DEFAULT_PAGE = 20
MAX_PAGE = 100


def data(payload: Any, status: int = 200) -> web.Response:
    """Wazapin wraps every answer in ``{"data": …}``."""
    return json_response({"data": payload}, status=status)


def data_text(text: str, status: int = 200) -> web.Response:
    """``data()`` for a payload already written as JSON text (a message record or status view)."""
    return web.Response(body=f'{{"data":{text}}}'.encode(), status=status, content_type="application/json")


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def find_message(request: web.Request) -> Message:
    """The message named in the path, if it belongs to the caller's organization."""
    world = request.app[keys.world]
    message_id = canonical_uuid(request.match_info["id"])
    message = world.store.get(message_id) if message_id else None
    if message is None or message.provider != NAME or message.org_id != request[REQUEST_KEY].org_id:
        raise not_found("message")
    return message


async def health(request: web.Request) -> web.Response:
    """``GET /v1/health``: no key needed."""
    return json_response({"status": "ok"})


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
        conversation = conversation_id(world, key.org_id, channel.id, send.to)
    elif (conversation := _own_conversation(world, key.org_id, send.conversation_id)) is None:
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
        content=None if send.content is None else Payload.of(send.content),
        conversation_id=conversation,
    )
    return data_text(record(world.send(message)), status=201)


def _own_conversation(world: World, org_id: str, given: str) -> str | None:
    """``given`` as stored, if it names a conversation of ``org_id`` (a send's, an inbound's or a fixture's).

    Designed: a made-up id, or another organization's, would otherwise be accepted silently.
    """
    wanted = canonical_uuid(given) or given
    if any(org == org_id and known == wanted for (org, _, _), known in registry(world).conversations.items()):
        return wanted
    found = any(m.provider == NAME and m.org_id == org_id and m.conversation_id == wanted for m in world.store)
    return wanted if found else None


async def get_message(request: web.Request) -> web.Response:
    """``GET /v1/messages/{id}``: the full record, inbound messages included (their text lives here)."""
    require(request, READ)
    return data_text(record(find_message(request)))


async def get_message_status(request: web.Request) -> web.Response:
    """``GET /v1/messages/{id}/status``: only the status metadata."""
    require(request, READ)
    return data_text(status_view(find_message(request)))


async def list_messages(request: web.Request) -> web.Response:
    """``GET /v1/messages``: newest first; ``limit`` (1–100), ``cursor``, filters ``status``,
    ``channel_id``, ``conversation_id``, ``direction``; ``meta.next_cursor`` is null on the last page."""
    key = require(request, READ)
    world = request.app[keys.world]
    query = request.query
    limit = _limit(query.get("limit"))
    filters = {name: query[name] for name in ("status", "channel_id", "conversation_id", "direction") if name in query}
    found = [
        m for m in reversed(list(world.store))
        if m.provider == NAME and m.org_id == key.org_id and all(_field(m, k) == v for k, v in filters.items())
    ]
    if "cursor" in query:
        after = _decode_cursor(query["cursor"])
        positions = [i for i, m in enumerate(found) if m.id == after]
        if not positions:
            raise ApiError(400, "validation_error", "cursor is invalid or expired", field="cursor")
        found = found[positions[0] + 1:]
    page = found[:limit]
    next_cursor = _encode_cursor(page[-1].id) if len(found) > limit else None
    meta = dumps({"next_cursor": next_cursor, "limit": limit}).decode()
    body = f'{{"data":[{",".join(record(m) for m in page)}],"meta":{meta}}}'
    return web.Response(body=body.encode(), content_type="application/json")


def _field(message: Message, name: str) -> str | None:
    return {
        "status": status_word(message),
        "channel_id": message.agent_id,
        "conversation_id": message.conversation_id,
        "direction": message.direction,
    }[name]


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ApiError(400, "validation_error", f"limit must be a whole number from 1 to {MAX_PAGE}", field="limit")
    return int(raw)


def _encode_cursor(message_id: str) -> str:
    return base64.urlsafe_b64encode(message_id.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiError(400, "validation_error", "cursor is invalid or expired", field="cursor") from None
