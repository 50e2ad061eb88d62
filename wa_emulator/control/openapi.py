"""``GET /_emulator/openapi/{name}.json``: the OpenAPI document of a provider's API or of this one.

``name`` is a provider's name (its API, assembled from ``contracts/<provider>/``)
or ``control`` (this API, from ``contracts/control/``).
"""

from __future__ import annotations

from aiohttp import web

from ..contracts.openapi import document
from ..web import keys
from ..web.http import ApiError, json_response


async def openapi_document(request: web.Request) -> web.Response:
    """``GET /_emulator/openapi/{name}.json``; servers point at this emulator's base URLs."""
    name = request.match_info["name"]
    apis = request.app[keys.apis]
    if name not in apis:
        raise ApiError(404, "unknown_api", f"No OpenAPI document called {name!r}; there are: {', '.join(apis)}.")
    api, base_path = apis[name]
    return json_response(document(api, f"{request.scheme}://{request.host}{base_path}"))
