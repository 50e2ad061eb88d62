"""``/_emulator/clock``: read the emulated clock, move it forward, switch its mode."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core.clock import ClockSpec
from ..core.timefmt import iso_ms, parse_duration, parse_iso
from ..core.world import World
from ..web import keys
from ..web.http import ApiError, json_response, read_json_object
from .checks import refuse_unknown


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


async def get_clock(request: web.Request) -> web.Response:
    return json_response(clock_view(request.app[keys.world]))


async def advance_clock(request: web.Request) -> web.Response:
    """Move emulated time forward by ``seconds`` (a number or ``"1h"``) or ``to`` an ISO time."""
    world = request.app[keys.world]
    body = await read_json_object(request)
    refuse_unknown(body, ("seconds", "to"), "clock advance")
    if "to" in body and "seconds" in body:
        raise ApiError(422, "conflicting_fields", "Give 'seconds' or 'to', not both.", field="to")
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
    world = request.app[keys.world]
    body = await read_json_object(request)
    refuse_unknown(body, ("mode", "factor"), "clock mode")
    text = str(body.get("mode", ""))
    if "factor" in body and text != "scaled":
        raise ApiError(422, "invalid_field", "'factor' goes with mode 'scaled' only.", field="factor")
    if text == "scaled":
        text = f"scaled:{body.get('factor', '')}"
    try:
        spec = ClockSpec.parse(text)
    except ValueError as exc:
        raise ApiError(422, "invalid_clock_mode", str(exc)) from None
    world.clock.set_mode(spec)
    return json_response(clock_view(world))
