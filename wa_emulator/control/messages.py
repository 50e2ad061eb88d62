"""``/_emulator/messages``: every message with its whole status history."""

from __future__ import annotations

from aiohttp import web

from ..web import keys
from ..web.http import ApiError, json_response
from .views import message_view


async def list_messages(request: web.Request) -> web.Response:
    """Messages, oldest first, filtered by ``provider``, ``status``, ``to`` and ``direction``."""
    world = request.app[keys.world]
    query = request.query
    found = [
        message_view(m)
        for m in world.store
        if all(
            query.get(name) in (None, value)
            for name, value in (
                ("provider", m.provider),
                ("status", m.status.value),
                ("to", m.to),
                ("direction", m.direction),
            )
        )
    ]
    return json_response({"data": found, "count": len(found), "evicted": world.store.evicted})


async def get_message(request: web.Request) -> web.Response:
    message = request.app[keys.world].store.get(request.match_info["id"])
    if message is None:
        raise ApiError(404, "message_not_found", f"No message with id {request.match_info['id']!r}.")
    return json_response(message_view(message))
