"""``/_emulator/messages``: every message with its whole status history."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..core.models import Message
from ..web import keys
from ..web.http import ApiError, json_response
from .journal import query_number
from .views import message_view

PAGE_LIMIT = 100_000  # past any message cap: a bound, not a page size

_FIELDS: dict[str, Callable[[Message], str]] = {
    "provider": lambda m: m.provider,
    "status": lambda m: m.status.value,
    "to": lambda m: m.to,
    "direction": lambda m: m.direction,
}


async def list_messages(request: web.Request) -> web.Response:
    """Messages, oldest first, filtered by ``provider``, ``status``, ``to`` and ``direction``.

    ``order=newest`` lists newest first; ``offset`` and ``limit`` cut one page of the matches, and
    ``total`` counts them all, so a dashboard opens a 10,000-message store one page at a time.
    """
    world = request.app[keys.world]
    query = request.query
    order = query.get("order", "oldest")
    if order not in ("oldest", "newest"):
        raise ApiError(400, "invalid_query", "'order' must be oldest or newest.", field="order")
    offset = query_number(query, "offset", 0, PAGE_LIMIT) or 0
    limit = query_number(query, "limit", 1, PAGE_LIMIT)
    messages = list(world.store)
    if order == "newest":
        messages.reverse()
    # Only the filters given are checked, each by one attribute read: a 10,000-message store is one pass.
    wanted = [(read, query[name]) for name, read in _FIELDS.items() if name in query]
    matching = [m for m in messages if all(read(m) == value for read, value in wanted)]
    page = matching[offset:] if limit is None else matching[offset:offset + limit]
    found = [message_view(m) for m in page]
    return json_response({"data": found, "count": len(found), "total": len(matching),
                          "evicted": world.store.evicted})


async def get_message(request: web.Request) -> web.Response:
    message = request.app[keys.world].store.get(request.match_info["id"])
    if message is None:
        raise ApiError(404, "message_not_found", f"No message with id {request.match_info['id']!r}.")
    return json_response(message_view(message))
