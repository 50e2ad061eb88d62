"""``/_emulator/bin/{name}``: request bins, so the emulator can be its own webhook receiver.

Point a provider's webhook at ``http://127.0.0.1:8066/_emulator/bin/demo`` (any name of letters,
digits, ``.``, ``_`` and ``-``): every request posted there is kept with its headers, body,
arrival time, the provider that sent it and whether its signature holds (Wazapin's, checked with
the secret of the endpoint registered for that URL), and answered 200. ``GET`` lists what a bin
holds, ``DELETE`` empties it. Posting needs no credentials (a bin is a receiver, and whoever can
reach the server can send it webhooks); reading and emptying are control calls. Bins are world
state: a reset empties them. Bounds: ``core/bins.py``.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from ..core.bins import Bins
from ..core.destinations import BIN_PREFIX
from ..core.world import StateKey, World
from ..web import keys
from ..web.http import ApiError, json_response

BINS = StateKey("emulator.bins", Bins)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def bin_name(request: web.Request) -> str:
    """The bin a request names, or a 422 naming the ``name`` field."""
    name = request.match_info["name"]
    if not NAME.fullmatch(name):
        raise ApiError(422, "invalid_field", "A bin's 'name' is 1 to 64 letters, digits, '.', '_' or '-', "
                       "starting with a letter or digit.", field="name")
    return name


def bin_path(name: str) -> str:
    """The path of bin ``name`` on this server.

    >>> bin_path("demo")
    '/_emulator/bin/demo'
    """
    return BIN_PREFIX + name


def bin_view(world: World, name: str) -> dict[str, Any]:
    """What bin ``name`` holds, oldest first (``GET /_emulator/bin/{name}``)."""
    found = [receipt.to_json() for receipt in world.state(BINS).receipts(name)]
    return {"name": name, "path": bin_path(name), "data": found, "count": len(found)}


async def receive(request: web.Request) -> web.Response:
    """Keep one webhook (any body) and answer 200 ``{"bin", "seq"}``."""
    name = bin_name(request)
    world = request.app[keys.world]
    body = await request.read()
    headers = {key.lower(): value for key, value in request.headers.items()}
    verdict = world.dispatcher.recognize(request.path, headers, body)
    receipt = world.state(BINS).record(
        name, at=world.clock.now(), wall_at=world.clock.wall(), method=request.method, path=request.path,
        query=request.query_string, headers=dict(request.headers), body=body, verdict=verdict)
    return json_response({"bin": name, "seq": receipt.seq})


async def list_bin(request: web.Request) -> web.Response:
    return json_response(bin_view(request.app[keys.world], bin_name(request)))


async def clear_bin(request: web.Request) -> web.Response:
    request.app[keys.world].state(BINS).clear(bin_name(request))
    return web.Response(status=204)


async def list_bins(request: web.Request) -> web.Response:
    """Every bin that holds something, with how many requests."""
    bins = request.app[keys.world].state(BINS)
    found = [{"name": name, "path": bin_path(name), "count": len(bins.receipts(name))} for name in bins.names()]
    return json_response({"data": found, "count": len(found)})
