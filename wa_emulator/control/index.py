"""``GET /_emulator/``: the control API's index, read from its operations table (never written by hand)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..web import keys
from ..web.http import json_response
from ..web.operations import ApiDescription

DASHBOARD = "/ui/"  # wa_emulator/ui serves it there, below the control prefix


def index_view(api: ApiDescription, base: str) -> dict[str, Any]:
    """Every operation of ``api`` under ``base``: its method, path and summary, in table order.

    >>> from .operations import API
    >>> index_view(API, "/_emulator")["operations"][0]["path"]
    '/_emulator/'
    """
    operations = [{"method": op.method.upper(), "path": base + op.path, "operation_id": op.operation_id,
                   "summary": op.summary} for op in api.operations]
    return {"title": api.title, "openapi": f"{base}/openapi/control.json", "dashboard": f"{base}{DASHBOARD}",
            "events": f"{base}/events", "operations": operations, "count": len(operations)}


async def index(request: web.Request) -> web.Response:
    """The index as JSON; a browser (``Accept: text/html``) is sent on to the dashboard."""
    api, base = request.app[keys.apis]["control"]
    if "text/html" in request.headers.get("Accept", ""):
        raise web.HTTPFound(f"{base}{DASHBOARD}")
    return json_response(index_view(api, base))
