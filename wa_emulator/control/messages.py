"""``/_emulator/messages``: every message with its whole status history."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core.models import Message
from ..core.world import World
from ..web import keys
from ..web.http import ApiError, json_response
from .checks import message_filters
from .views import message_view


def select_messages(world: World, filters: dict[str, str]) -> list[dict[str, Any]]:
    """The views of the messages matching every (checked) filter, oldest first."""
    def fields(m: Message) -> dict[str, str]:
        return {"provider": m.provider, "status": m.status.value, "to": m.to, "direction": m.direction}

    return [message_view(m) for m in world.store
            if not filters or all(fields(m)[name] == value for name, value in filters.items())]


async def list_messages(request: web.Request) -> web.Response:
    """Messages, oldest first, filtered by ``provider``, ``status``, ``to`` and ``direction``."""
    world = request.app[keys.world]
    found = select_messages(world, message_filters(request.query, world.provider_names))
    return json_response({"data": found, "count": len(found), "evicted": world.store.evicted})


async def get_message(request: web.Request) -> web.Response:
    message = request.app[keys.world].store.get(request.match_info["id"])
    if message is None:
        raise ApiError(404, "message_not_found", f"No message with id {request.match_info['id']!r}.")
    return json_response(message_view(message))
