"""``/_emulator/journal``: every provider API call, newest last."""

from __future__ import annotations

from aiohttp import web

from ..web import keys
from ..web.http import ApiError, json_response


async def journal(request: web.Request) -> web.Response:
    """Recorded API calls, filtered by ``provider``, ``method``, ``path`` (substring), ``status``, ``limit``."""
    query = request.query
    try:
        status = int(query["status"]) if "status" in query else None
        limit = int(query["limit"]) if "limit" in query else None
    except ValueError:
        raise ApiError(422, "invalid_query", "'status' and 'limit' must be integers.") from None
    entries = request.app[keys.world].journal.query(
        provider=query.get("provider"), method=query.get("method"), path_contains=query.get("path"),
        status=status, limit=limit,
    )
    return json_response({"data": [entry.to_json() for entry in entries], "count": len(entries)})
