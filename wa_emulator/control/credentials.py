"""``/_emulator/credentials``: every provider's sandbox tenants, keys and senders."""

from __future__ import annotations

from aiohttp import web

from ..web import keys
from ..web.http import json_response


async def credentials(request: web.Request) -> web.Response:
    world = request.app[keys.world]
    return json_response({p.name: p.credentials(world) for p in request.app[keys.providers]})
