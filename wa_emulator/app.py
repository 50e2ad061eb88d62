"""Wiring only: the world, every provider and the control API on one flat router.

Each provider is mounted under its prefix (``/mojeeb`` …) and again for its real hosts, so a
client whose requests reach us with ``Host: api.mojeeb.app`` is served at the root. The
control API lives under ``/_emulator``. Each is one resource of the root router, its handlers
behind its front door (``web/routing.py``, ``web/front.py``); no aiohttp middleware runs.
"""

from __future__ import annotations

import socket
from typing import Any

from aiohttp import web

from . import ui
from .contracts import strict
from .control import operations as control
from .control.access import APP_KEY as access_key
from .control.access import ControlAccess
from .core.destinations import Destinations
from .core.world import World, WorldConfig
from .providers import all_providers
from .providers.base import Provider
from .scenario import install, load_scenario
from .settings import Settings
from .web import keys
from .web.front import FrontDoor, api_routes
from .web.http import json_response
from .web.routing import HostDispatch, Mount, Routes
from .web.tls import ServerTls

CONTROL_PREFIX = "/_emulator"

RUNNER_OPTIONS: dict[str, Any] = {
    "handle_signals": False,
    "access_log": None,
    # Request bodies are taken as sent: an encoded one is refused (415) by the API that reads it,
    # in its own envelope, instead of being inflated first (a gzip bomb) or refused by aiohttp as text.
    "auto_decompress": False,
}
"""What every ``web.AppRunner`` serving the emulator is made with (the CLI's and ``Emulator``'s)."""


def world_for(settings: Settings) -> World:
    """A fresh world configured from ``settings``."""
    return World(
        WorldConfig(
            clock=settings.clock,
            clock_start=settings.clock_start,
            seed=settings.seed,
            journal_cap=settings.journal_cap,
            delivery_cap=settings.delivery_cap,
            message_cap=settings.message_cap,
        )
    )


def create_app(settings: Settings | None = None, world: World | None = None) -> web.Application:
    """The emulator as an aiohttp application (raises ScenarioError for a bad ``settings.scenario``).

    >>> app = create_app(Settings(port=0))
    >>> "mojeeb" in app[keys.world].provider_names
    True
    """
    settings = settings or Settings()
    world = world or world_for(settings)
    providers = chosen_providers(settings.providers)
    world.provider_names = tuple(p.name for p in providers)
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[keys.world] = world
    app[keys.settings] = settings
    app[keys.providers] = providers
    app[keys.apis] = {**{p.name: (p.api, p.base_path) for p in providers}, "control": (control.API, CONTROL_PREFIX)}
    app[access_key] = access = ControlAccess.from_settings(settings)
    world.dispatcher.destinations = destinations_for(settings, providers)
    for provider in providers:
        provider.attach(world)
    if settings.strict:
        world.dispatcher.inspect = strict.webhook_checker({name: api for name, (api, _) in app[keys.apis].items()})
    if settings.scenario is not None:
        # After the providers' sandbox seeders, so a scenario can add to their organizations.
        install(world, load_scenario(settings.scenario))
    by_host: dict[str, Routes] = {}
    for provider in providers:
        # The part of the base URL below the mount (Qlara's real base URL ends in /api).
        root = provider.base_path[len(provider.prefix):]
        door = FrontDoor(world, provider.door, bases=(provider.base_path, root) if root else (provider.base_path,),
                         check=strict.response_checker(provider.api) if settings.strict else None)
        routes = api_routes(provider.api, door, root)
        app.router.register_resource(Mount(provider.prefix, routes))
        by_host.update(dict.fromkeys(provider.hosts, routes))
    control_check = strict.response_checker(control.API) if settings.strict else None
    control_door = FrontDoor(world, control.door(access), check=control_check)
    control_routes = api_routes(control.API, control_door)
    ui.mount(control_routes, app, access)  # the dashboard, its feed and GET /_emulator/, behind the same access
    app.router.register_resource(Mount(CONTROL_PREFIX, control_routes))
    # Last resort for paths no prefix claims: the real hosts at the root, then a 404 that says where to look.
    outside = Routes(miss=_not_found)
    outside.add_route("*", "/{tail:.*}", _not_found)
    app.router.register_resource(HostDispatch(by_host, outside))
    app.on_startup.append(_start_clock)
    app.on_cleanup.append(_stop_background)
    _add_tls(app, settings, providers)
    return app


def _add_tls(app: web.Application, settings: Settings, providers: tuple[Provider, ...]) -> None:
    """The HTTPS material ``settings`` ask for (a TlsError names a bad certificate file); proxy mode
    needs the generated CA too, for the tunnels, while its own port stays plain HTTP."""
    if settings.proxy and settings.serves_tls:
        raise ValueError("--proxy serves plain HTTP (clients set HTTPS_PROXY=http://…) with a CA of its own; "
                         "it cannot be combined with --tls or --tls-cert")
    if not settings.serves_tls and not settings.proxy:
        return
    if settings.tls_cert is not None:
        tls = ServerTls.from_files(settings.tls_cert, settings.tls_key or settings.tls_cert)
    else:
        tls = ServerTls.generate([settings.host, *(host for p in providers for host in p.hosts)])
    app[keys.tls] = tls

    async def close(app: web.Application) -> None:
        tls.close()

    app.on_cleanup.append(close)


def destinations_for(settings: Settings, providers: tuple[Provider, ...]) -> Destinations:
    """Where this server's webhooks may go: ``settings.webhook_destinations``, never its own control API.

    Besides local addresses, the server is reached by its bound address, its host name and the
    providers' real hosts (a client may route those to it), so a URL naming any of them is its own.

    >>> policy = destinations_for(Settings(host="0.0.0.0"), chosen_providers(("mojeeb",)))
    >>> policy.aims_at_control("https://api.mojeeb.app/_emulator/reset"), policy.allow
    (True, 'any')
    """
    hosts = {settings.host, socket.gethostname(), *(host for p in providers for host in p.hosts)}
    return Destinations(settings.webhook_destinations,
                        own_hosts=frozenset(h.lower().rstrip(".") for h in hosts if h))


def chosen_providers(names: tuple[str, ...] | None) -> tuple[Provider, ...]:
    """Every provider, or only those ``names`` (a ValueError names any unknown one).

    >>> [p.name for p in chosen_providers(("mojeeb",))]
    ['mojeeb']
    """
    providers = all_providers()
    if names is None:
        return providers
    known = {p.name for p in providers}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(f"unknown provider(s) {', '.join(unknown)}; there are: {', '.join(sorted(known))}")
    return tuple(p for p in providers if p.name in names)


async def _not_found(request: web.Request) -> web.Response:
    """Paths outside every API: say where the providers are instead of a bare 404."""
    world = request.app[keys.world]
    prefixes = {name: f"/{name}" for name in world.provider_names}
    return json_response(
        {
            "error": "not_found",
            "message": f"Nothing at {request.path}. Providers are mounted under their prefixes; "
            "the control API is under /_emulator/.",
            "providers": prefixes,
        },
        status=404,
    )


async def _start_clock(app: web.Application) -> None:
    await app[keys.world].clock.start()


async def _stop_background(app: web.Application) -> None:
    world = app[keys.world]
    await world.clock.stop()
    await world.dispatcher.close()
