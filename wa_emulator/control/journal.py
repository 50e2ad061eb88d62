"""``/_emulator/journal``: every provider API call, newest last."""

from __future__ import annotations

from aiohttp import web

from ..web import keys
from ..web.http import json_response
from .checks import journal_filters


async def journal(request: web.Request) -> web.Response:
    """Recorded API calls, filtered by ``provider``, ``method``, ``path`` (substring), ``status``, ``limit``."""
    world = request.app[keys.world]
    entries = world.journal.query(**journal_filters(request.query, world.provider_names))
    return json_response({"data": [entry.to_json() for entry in entries], "count": len(entries)})
