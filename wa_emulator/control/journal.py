"""``/_emulator/journal``: every provider API call, newest last."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from ..web import keys
from ..web.http import ApiError, json_response, whole_number

MAX_LIMIT = 1_000_000  # far past any journal cap: a bound, not a page size


def query_number(query: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    """The query parameter ``name`` as a whole number from ``low`` to ``high``: None if absent, 400 naming it if not.

    >>> query_number({"limit": "5"}, "limit", 1, 10), query_number({}, "limit", 1, 10)
    (5, None)
    """
    raw = query.get(name)
    if raw is None:
        return None
    value = whole_number(raw, low, high)
    if value is None:
        raise ApiError(400, "invalid_query", f"'{name}' must be a whole number from {low} to {high}.", field=name)
    return value


async def journal(request: web.Request) -> web.Response:
    """Recorded API calls, filtered by ``provider``, ``method``, ``path`` (substring), ``status``, ``limit``."""
    query = request.query
    status = query_number(query, "status", 100, 599)
    limit = query_number(query, "limit", 1, MAX_LIMIT)
    entries = request.app[keys.world].journal.query(
        provider=query.get("provider"), method=query.get("method"), path_contains=query.get("path"),
        status=status, limit=limit,
    )
    return json_response({"data": [entry.to_json() for entry in entries], "count": len(entries)})
