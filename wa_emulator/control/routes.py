"""Handlers of the control API: health, reset, clock, credentials, messages, contacts,
inbound messages, the request journal and webhook deliveries.

Errors here are ``{"error": {"code", "message"}}`` with a 4xx status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from .. import __version__
from ..core.clock import ClockSpec
from ..core.models import WebhookDirective
from ..core.status import Status
from ..core.timefmt import iso_ms, parse_duration, parse_iso
from ..core.world import World
from ..providers.base import Provider
from ..settings import Settings
from ..web.front import FrontDoor
from ..web.http import ApiError, json_response, read_json_object
from ..web.routing import Routes
from . import scenario as scenario_routes
from .actions import receive_inbound, update_contact
from .views import contact_view, message_view

WORLD = web.AppKey("control_world", World)
PROVIDERS = web.AppKey("control_providers", tuple)
SETTINGS = web.AppKey("control_settings", Settings)


def _render_error(request: web.Request, error: ApiError) -> web.Response:
    body = {"error": {"code": error.code, "message": error.message, **error.extra}}
    return json_response(body, status=error.status, headers=error.headers)


def build_control_routes(
    app: web.Application, world: World, providers: Sequence[Provider], settings: Settings
) -> Routes:
    """The /_emulator/ routes; their handlers read the world, providers and settings from ``app``."""
    app[WORLD] = world
    app[PROVIDERS] = tuple(providers)
    app[SETTINGS] = settings
    # Not a provider: no request id, no journal entry, no faults; only the error envelope and strict checks.
    door = FrontDoor(world, "control", render=_render_error, journal=False, mint_request_id=False, faults=False)
    router = Routes(door.wrap)
    router.add_get("/health", health)
    router.add_post("/reset", reset)
    router.add_get("/clock", get_clock)
    router.add_post("/clock/advance", advance_clock)
    router.add_post("/clock/mode", set_clock_mode)
    router.add_get("/credentials", credentials)
    router.add_get("/messages", list_messages)
    router.add_get("/messages/{id}", get_message)
    router.add_get("/contacts", list_contacts)
    router.add_put("/contacts/{phone}", set_contact)
    router.add_post("/inbound", inbound)
    router.add_get("/journal", journal)
    router.add_get("/webhooks/deliveries", deliveries)
    router.add_post("/webhooks/directives", webhook_directive)
    from . import faults, openapi

    faults.register(router)
    openapi.register(router)
    scenario_routes.add_routes(router)
    return router


def clock_view(world: World) -> dict[str, Any]:
    clock = world.clock
    return {
        "now": iso_ms(clock.now()),
        "epoch": clock.now(),
        "mode": clock.mode.value,
        "factor": clock.spec.factor if clock.mode.value == "scaled" else None,
        "started_at": iso_ms(clock.start_time),
        "pending_timers": clock.pending(),
    }


async def health(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    return json_response(
        {
            "status": "ok",
            "version": __version__,
            "providers": [p.name for p in request.app[PROVIDERS]],
            "clock": clock_view(world),
            "messages": len(world.store),
        }
    )


async def reset(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    await world.clock.settle()
    world.reset()
    return json_response({"status": "reset", "clock": clock_view(world)})


async def get_clock(request: web.Request) -> web.Response:
    return json_response(clock_view(request.app[WORLD]))


async def advance_clock(request: web.Request) -> web.Response:
    """Move emulated time forward by ``seconds`` (a number or ``"1h"``) or ``to`` an ISO time."""
    world = request.app[WORLD]
    body = await read_json_object(request)
    if "to" in body:
        try:
            seconds = parse_iso(str(body["to"])) - world.clock.now()
        except ValueError:
            raise ApiError(422, "invalid_time", f"'to' must be an ISO 8601 time, not {body['to']!r}.") from None
        if seconds < 0:
            raise ApiError(422, "clock_backwards", "'to' is in the past; the clock only moves forward.")
    elif "seconds" in body:
        try:
            seconds = parse_duration(body["seconds"])
        except (TypeError, ValueError) as exc:
            raise ApiError(422, "invalid_duration", str(exc)) from None
        if seconds < 0:
            raise ApiError(422, "clock_backwards", "'seconds' must not be negative; the clock only moves forward.")
    else:
        raise ApiError(422, "missing_field", "Give 'seconds' (a number or text like \"1h\") or 'to' (an ISO time).")
    try:
        await world.clock.advance(seconds)
    except ValueError as exc:
        raise ApiError(422, "invalid_duration", str(exc)) from None
    return json_response(clock_view(world))


async def set_clock_mode(request: web.Request) -> web.Response:
    """Switch between real, scaled and manual time without a jump."""
    world = request.app[WORLD]
    body = await read_json_object(request)
    text = str(body.get("mode", ""))
    if text == "scaled":
        text = f"scaled:{body.get('factor', '')}"
    try:
        spec = ClockSpec.parse(text)
    except ValueError as exc:
        raise ApiError(422, "invalid_clock_mode", str(exc)) from None
    world.clock.set_mode(spec)
    return json_response(clock_view(world))


async def credentials(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    return json_response({p.name: p.credentials(world) for p in request.app[PROVIDERS]})


async def list_messages(request: web.Request) -> web.Response:
    """Messages, oldest first, filtered by ``provider``, ``status``, ``to`` and ``direction``."""
    world = request.app[WORLD]
    query = request.query
    found = [
        message_view(m)
        for m in world.store
        if all(
            query.get(name) in (None, value)
            for name, value in (
                ("provider", m.provider),
                ("status", m.status.value),
                ("to", m.to),
                ("direction", m.direction),
            )
        )
    ]
    return json_response({"data": found, "count": len(found)})


async def get_message(request: web.Request) -> web.Response:
    message = request.app[WORLD].store.get(request.match_info["id"])
    if message is None:
        raise ApiError(404, "message_not_found", f"No message with id {request.match_info['id']!r}.")
    return json_response(message_view(message))


async def list_contacts(request: web.Request) -> web.Response:
    return json_response({"data": [contact_view(c) for c in request.app[WORLD].contacts.all()]})


async def set_contact(request: web.Request) -> web.Response:
    """Set a recipient's profile: ``last_inbound`` (ISO, duration ago like ``"-1h"``, or null) and flags."""
    body = await read_json_object(request)
    return json_response(contact_view(update_contact(request.app[WORLD], request.match_info["phone"], body)))


async def inbound(request: web.Request) -> web.Response:
    """A customer writes in: ``{"provider", "from", "text", "to"?}``. Opens the 24-hour window."""
    world = request.app[WORLD]
    body = await read_json_object(request)
    names = [p.name for p in request.app[PROVIDERS]]
    message = receive_inbound(world, names, body.get("provider"), body.get("from"), body.get("text", ""),
                              body.get("to"))
    await world.clock.settle()
    return json_response(message_view(message), status=201)


async def journal(request: web.Request) -> web.Response:
    """Recorded API calls, filtered by ``provider``, ``method``, ``path`` (substring), ``status``, ``limit``."""
    query = request.query
    try:
        status = int(query["status"]) if "status" in query else None
        limit = int(query["limit"]) if "limit" in query else None
    except ValueError:
        raise ApiError(422, "invalid_query", "'status' and 'limit' must be integers.") from None
    entries = request.app[WORLD].journal.query(
        provider=query.get("provider"), method=query.get("method"), path_contains=query.get("path"),
        status=status, limit=limit,
    )
    return json_response({"data": [entry.to_json() for entry in entries], "count": len(entries)})


async def deliveries(request: web.Request) -> web.Response:
    """Webhook deliveries with every attempt, filtered by ``provider``, ``message_id``, ``state``."""
    query = request.query
    found = request.app[WORLD].dispatcher.deliveries(
        provider=query.get("provider"), message_id=query.get("message_id"), state=query.get("state"),
    )
    return json_response({"data": [d.to_json() for d in found], "count": len(found)})



async def webhook_directive(request: web.Request) -> web.Response:
    """How the webhook of one future status change is delivered.

    ``{"message_id", "status", "delay": "5s", "duplicate": 1, "drop": false}``: hold
    the first attempt back (so a later status overtakes it), send extra copies,
    or record it without sending.
    """
    world = request.app[WORLD]
    body = await read_json_object(request)
    message = world.store.get(str(body.get("message_id", "")))
    if message is None:
        raise ApiError(404, "message_not_found", f"No message with id {body.get('message_id')!r}.")
    try:
        status = Status(body.get("status"))
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise ApiError(422, "invalid_status", f"'status' must be one of {names}.") from None
    try:
        delay = parse_duration(body.get("delay", 0))
    except (TypeError, ValueError) as exc:
        raise ApiError(422, "invalid_duration", str(exc)) from None
    duplicate, drop = body.get("duplicate", 0), body.get("drop", False)
    if not isinstance(duplicate, int) or isinstance(duplicate, bool) or not 0 <= duplicate <= 10:
        raise ApiError(422, "invalid_field", "'duplicate' must be a whole number from 0 to 10.", field="duplicate")
    if not isinstance(drop, bool):
        raise ApiError(422, "invalid_field", "'drop' must be true or false.", field="drop")
    if delay < 0:
        raise ApiError(422, "invalid_duration", "'delay' must not be negative.")
    if message.reached(status) is not None:
        raise ApiError(409, "status_already_reached", f"Message {message.id} already reached {status.value}.")
    directive = WebhookDirective(delay=delay, duplicate=duplicate, drop=drop)
    world.lifecycle.webhook_overrides[(message.id, status)] = directive
    return json_response(
        {"message_id": message.id, "status": status.value, "delay": delay, "duplicate": duplicate, "drop": drop},
        status=201,
    )
