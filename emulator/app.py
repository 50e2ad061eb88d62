"""Builds the one aiohttp application that plays every provider.

Each provider is mounted under its prefix (``/mojeeb`` …) and again for its real
hosts, so a client whose requests reach us with ``Host: api.mojeeb.app`` is
served at the root. The control API lives under ``/_emulator``.
"""

from __future__ import annotations

import time

from aiohttp import web

from . import keys, openapi, strict
from .control.openapi import CONTROL_API
from .control.routes import build_control_app
from .core.world import World, WorldConfig
from .providers import all_providers
from .providers.base import Provider
from .providers.http import CORRELATION_ID, RAW_BODY, Handler, json_response
from .scenario import install, load_scenario
from .settings import Settings


def world_for(settings: Settings) -> World:
    """A fresh world configured from ``settings``."""
    return World(
        WorldConfig(
            clock=settings.clock,
            clock_start=settings.clock_start,
            seed=settings.seed,
            journal_cap=settings.journal_cap,
            delivery_cap=settings.delivery_cap,
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
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[_root_middleware],
    )
    app[keys.world] = world
    app[keys.settings] = settings
    app[keys.providers] = providers
    for provider in providers:
        provider.attach(world)
    if settings.strict:
        apis = {**openapi.descriptions(providers), "control": CONTROL_API}
        app[keys.response_check] = strict.response_checker(apis)
        world.dispatcher.inspect = strict.webhook_checker(apis)
    if settings.scenario is not None:
        # After the providers' sandbox seeders, so a scenario can add to their organizations.
        install(world, load_scenario(settings.scenario))
    # Host-routed mounts first: a resource that names a domain only matches that Host.
    for provider in providers:
        for host in provider.hosts:
            app.add_domain(host, _mount(provider, world))
    for provider in providers:
        app.add_subapp(provider.prefix, _mount(provider, world))
    app.add_subapp("/_emulator", build_control_app(world, providers, settings))
    app.on_startup.append(_start_clock)
    app.on_cleanup.append(_stop_background)
    return app


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


def _mount(provider: Provider, world: World) -> web.Application:
    sub = provider.build_app(world)
    sub[keys.provider] = provider
    return sub


def _provider_of(request: web.Request) -> Provider | None:
    for app in reversed(request.match_info.apps):
        if keys.provider in app:
            return app[keys.provider]
    return None


@web.middleware
async def _root_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Record every provider API call in the journal, whatever its outcome; answer paths outside every
    provider prefix by saying where the providers are instead of a bare 404.

    One middleware rather than two: each layer costs every request a coroutine and a wrapper.
    """
    started = time.perf_counter()
    try:
        response = await handler(request)
    except web.HTTPNotFound:
        if _provider_of(request) is not None:
            raise
        return _not_found(request)
    provider = _provider_of(request)
    if provider is not None:
        world = request.app[keys.world]
        world.journal.record(
            at=world.clock.now(),
            provider=provider.name,
            method=request.method,
            path=request.path,
            query=request.query_string,
            status=response.status,
            correlation_id=request.get(CORRELATION_ID),
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            request_body=request.get(RAW_BODY),
        )
    return response


def _not_found(request: web.Request) -> web.Response:
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
