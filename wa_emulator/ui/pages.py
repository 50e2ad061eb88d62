"""The dashboard's routes under ``/_emulator``: the page, its static files, its live feed, and the index.

Everything sits behind the control API's access rule (the page shows every sandbox key), but
outside its operation table: these answer HTML, CSS, JavaScript and an endless event stream, not
JSON with a contract, so they are neither in the OpenAPI document nor fuzzed with it.

The page itself is static: it reads and changes the world through the control API (``fetch``) and
hears about changes on ``/_emulator/events``. What the control API does not tell (the bundled
scenarios, each provider's example request) comes from ``/_emulator/ui/boot.json``.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from aiohttp import web

from ..control.access import APP_KEY as ACCESS
from ..control.access import TOKEN, ControlAccess
from ..control.index import DASHBOARD
from ..control.operations import render_error
from ..providers.base import Provider
from ..scenario.loader import bundled
from ..web import keys
from ..web.http import ApiError, json_response
from ..web.routing import Routes
from .feed import CLOSED, DIGEST_EVERY, Feed, changed

UI_PATH = DASHBOARD  # below the control prefix: the dashboard is at /_emulator/ui/ (the index links it)
HEARTBEAT = 15.0  # seconds between comments on a quiet stream, so proxies keep it open
FEED = web.AppKey("ui_feed", Feed)

_STATIC = {  # file -> media type; nothing else under static/ is served
    "index.html": "text/html",
    "app.js": "text/javascript",
    "app.css": "text/css",
}
# The page runs no code from anywhere but here and talks to no other host.
_SECURITY = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def mount(routes: Routes, app: web.Application, access: ControlAccess) -> None:
    """Add the dashboard to the control API's ``routes`` (relative to ``/_emulator``).

    >>> from wa_emulator.app import create_app
    >>> from wa_emulator.settings import Settings
    >>> app = create_app(Settings(port=0))
    >>> FEED in app
    True
    """
    app[FEED] = Feed(app[keys.world])

    async def on_shutdown(app: web.Application) -> None:
        end_streams(app)

    app.on_shutdown.append(on_shutdown)
    guard = _guarded(access)
    routes.add_route("GET", "/ui", guard(_to_dashboard))
    routes.add_route("GET", UI_PATH, _login(access, guard(_page("index.html"))))
    for name in _STATIC:
        routes.add_route("GET", f"{UI_PATH}{name}", guard(_page(name)))
    routes.add_route("GET", f"{UI_PATH}boot.json", guard(_boot(app)))
    routes.add_route("GET", "/events", guard(_events))


def end_streams(app: web.Application) -> None:
    """End every open event stream now (``serve`` stopping), so no page holds the shutdown."""
    feed = app.get(FEED)
    if feed is not None:
        feed.close()


def _guarded(access: ControlAccess) -> Callable[[Handler], Handler]:
    """Wrap a handler in the control API's access rule and error envelope."""

    def guard(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            try:
                access.admit(request)
            except ApiError as error:
                return render_error(request, error)
            return await handler(request)

        guarded.__name__ = handler.__name__
        return guarded

    return guard


def _login(access: ControlAccess, page: Handler) -> Handler:
    """The dashboard's page, which in token mode also takes ``?token=``: a right one is exchanged for
    the dashboard cookie and the browser sent on to the bare URL (the token leaves its address bar
    and history); a wrong one is a 401. Without ``?token=`` the page is behind the usual rule."""

    async def dashboard(request: web.Request) -> web.StreamResponse:
        given = request.query.get("token")
        if given is None or access.mode != TOKEN:
            return await page(request)
        try:
            access.login(given)
        except ApiError as error:
            return render_error(request, error)
        response = web.Response(status=303, headers={"Location": request.path, "Cache-Control": "no-store"})
        access.set_cookie(response, request)
        return response

    return dashboard


@functools.cache
def _read(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def _page(name: str) -> Handler:
    body = _read(name)  # read once: the files ship in the package and never change while serving
    content_type = _STATIC[name]

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type=content_type, charset="utf-8", headers=_SECURITY)

    page.__name__ = f"ui_{name.replace('.', '_')}"
    return page


async def _to_dashboard(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.path + "/")


def example_request(provider: Provider) -> dict[str, Any] | None:
    """The provider's documented send request with its sandbox headers: what a ready curl line needs.

    >>> from wa_emulator.providers import all_providers
    >>> example = example_request(all_providers()[0])
    >>> example["method"], example["path"], sorted(example["headers"])
    ('POST', '/v1/whatsapp/messages', ['Authorization', 'Content-Type'])
    """
    if provider.api.first_request is None:
        return None
    op = provider.api.operation(provider.api.first_request)
    return _post(provider, op.path, op.example)


def _post(provider: Provider, path: str, body: Any) -> dict[str, Any]:
    """A POST of ``body`` to ``path`` below the provider's base, with its sandbox headers."""
    root = provider.base_path[len(provider.prefix):]
    return {"method": "POST", "path": path, "base_path": provider.prefix + root,
            "headers": {**provider.api.sandbox_headers, "Content-Type": "application/json"}, "body": body}


BIN_URL = "{bin_url}"  # where the page puts the chosen request bin's URL in a registration body


def webhook_registration(provider: Provider) -> dict[str, Any] | None:
    """The request that registers a webhook destination with ``provider`` (``BIN_URL`` marks the URL);
    None for a provider that pushes no webhooks.

    >>> from wa_emulator.providers import all_providers
    >>> found = {p.name: webhook_registration(p) for p in all_providers()}
    >>> found["mojeeb"], found["wazapin"]["path"], found["wazapin"]["body"]["url"]
    (None, '/v1/settings/developer/webhooks/endpoints', '{bin_url}')
    """
    registration = provider.api.webhook_registration
    if registration is None:
        return None
    op = provider.api.operation(registration.operation_id)
    assert op.example is not None  # ApiDescription refuses a registration without one
    return _post(provider, op.path, {**op.example, registration.url_field: BIN_URL})


def _boot(app: web.Application) -> Handler:
    """What the page needs that the control API does not tell: bundled scenarios, example requests.

    Those are built once (parsing every bundled scenario is not work for each page load); only
    the control access, which a login can change, is read per request."""
    fixed = {
        "providers": [{"name": p.name, "base_path": p.base_path, "example": example_request(p),
                       "webhook_registration": webhook_registration(p)} for p in app[keys.providers]],
        "scenarios": [{"name": name, "description": description} for name, description in bundled()],
    }

    async def boot(request: web.Request) -> web.Response:
        return json_response({**fixed, "control_access": request.app[ACCESS].describe()})

    return boot


def _gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _frame(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _events(request: web.Request) -> web.StreamResponse:
    """``GET /_emulator/events``: server-sent events for one open page, until it leaves or the server stops.

    Events: ``hello`` (on connect), ``status``, ``message``, ``delivery``, ``queue`` (a webhook was
    held, duplicated, released or dropped: ``action``, ``id``, ``message_id``), ``changed`` (``areas``:
    journal, clock, faults, messages, scenario, holds, bins or world moved) and ``resync`` (the page fell behind
    and events were dropped: reload everything shown).
    """
    feed = request.app[FEED]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    if feed.closed:
        return response
    subscriber = feed.subscribe()
    digest = feed.digest()
    quiet = 0.0
    try:
        await response.write(b"retry: 1000\n" + _frame("hello", {"queue": subscriber.queue.maxsize}))
        while True:
            try:
                async with asyncio.timeout(DIGEST_EVERY):
                    item = await subscriber.queue.get()
            except TimeoutError:
                item = None
            if item is CLOSED or _gone(request):
                break  # the server is stopping, or the page went away without a write noticing
            frames = []
            if subscriber.overflowed:
                # Whatever is queued is stale now: one resync replaces it all.
                while not subscriber.queue.empty():
                    if subscriber.queue.get_nowait() is CLOSED:
                        return response
                subscriber.overflowed = False
                frames.append(_frame("resync", {}))
            elif item is not None:
                frames.append(_frame(*item))
            now = feed.digest()
            areas = changed(digest, now)
            digest = now
            if areas:
                frames.append(_frame("changed", {"areas": areas}))
            if frames:
                quiet = 0.0
                await response.write(b"".join(frames))
            elif item is None:
                quiet += DIGEST_EVERY
                if quiet >= HEARTBEAT:
                    quiet = 0.0
                    await response.write(b": still here\n\n")
    except ConnectionResetError:
        pass  # the page went away: nobody to answer
    finally:
        feed.unsubscribe(subscriber)
    return response
