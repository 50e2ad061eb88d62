"""``/_emulator/health`` and ``/_emulator/reset``: is the emulator up, and everything back to the start."""

from __future__ import annotations

from aiohttp import web

from .. import __version__
from ..web import keys
from ..web.http import json_response, read_json_object
from .checks import refuse_unknown
from .clock import clock_view


async def health(request: web.Request) -> web.Response:
    world = request.app[keys.world]
    return json_response(
        {
            "status": "ok",
            "version": __version__,
            "providers": [p.name for p in request.app[keys.providers]],
            "clock": clock_view(world),
            "messages": len(world.store),
            "messages_evicted": world.store.evicted,
        }
    )


async def reset(request: web.Request) -> web.Response:
    """Everything back to the start; it takes no fields (a body naming any is refused, not ignored)."""
    if request.can_read_body and request.content_length != 0:
        refuse_unknown(await read_json_object(request), (), "reset")
    world = request.app[keys.world]
    await world.clock.settle()
    world.reset()
    return json_response({"status": "reset", "clock": clock_view(world)})
