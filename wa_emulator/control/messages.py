"""``/_emulator/messages``: every message with its whole status history."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from ..core.models import Message
from ..core.world import World
from ..web import keys
from ..web.http import ApiError, json_response
from .checks import bounded_number, message_filters
from .views import message_view

PAGE_LIMIT = 100_000  # past any message cap: a bound, not a page size
PAGING = ("order", "offset", "limit")

_FIELDS: dict[str, Callable[[Message], str]] = {
    "provider": lambda m: m.provider,
    "status": lambda m: m.status.value,
    "to": lambda m: m.to,
    "direction": lambda m: m.direction,
}


def matching(messages: Iterable[Message], filters: dict[str, str]) -> list[Message]:
    """The messages matching every (checked) filter, in the order given."""
    # Only the filters given are read, each by one attribute: a 10,000-message store is one pass.
    wanted = [(_FIELDS[name], value) for name, value in filters.items()]
    return [m for m in messages if all(read(m) == value for read, value in wanted)]


def select_messages(world: World, filters: dict[str, str]) -> list[dict[str, Any]]:
    """The views of the messages matching every (checked) filter, oldest first."""
    return [message_view(m) for m in matching(world.store, filters)]


async def list_messages(request: web.Request) -> web.Response:
    """Messages, oldest first, filtered by ``provider``, ``status``, ``to`` and ``direction``.

    ``order=newest`` lists newest first; ``offset`` and ``limit`` cut one page of the matches, and
    ``total`` counts them all, so a dashboard opens a 10,000-message store one page at a time.
    """
    world = request.app[keys.world]
    query = request.query
    filters = message_filters({k: v for k, v in query.items() if k not in PAGING}, world.provider_names)
    order = query.get("order", "oldest")
    if order not in ("oldest", "newest"):
        raise ApiError(400, "invalid_query", "'order' must be oldest or newest.", field="order")
    offset = bounded_number("offset", query["offset"], 0, PAGE_LIMIT) if "offset" in query else 0
    limit = bounded_number("limit", query["limit"], 1, PAGE_LIMIT) if "limit" in query else None
    messages = list(world.store)
    if order == "newest":
        messages.reverse()
    found = matching(messages, filters)
    page = found[offset:] if limit is None else found[offset:offset + limit]
    views = [message_view(m) for m in page]
    return json_response({"data": views, "count": len(views), "total": len(found), "evicted": world.store.evicted})


async def get_message(request: web.Request) -> web.Response:
    message = request.app[keys.world].store.get(request.match_info["id"])
    if message is None:
        raise ApiError(404, "message_not_found", f"No message with id {request.match_info['id']!r}.")
    return json_response(message_view(message))
