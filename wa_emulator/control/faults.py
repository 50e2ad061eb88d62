"""``/_emulator/faults``: list, add, delete and clear the faults in force on provider routes.

A fault is ``{"provider", "method", "path", "latency", "status", "drop", "every",
"probability", "times"}`` (all optional; see ``wa_emulator.core.faults``). Its
``status`` comes back in the provider's own envelope; ``drop`` closes the
connection without an answer; ``latency`` waits real seconds first.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core.timefmt import parse_duration
from ..web import keys
from ..web.http import ApiError, json_response, read_json_object

MAX_LATENCY = 60.0  # real seconds; a longer stall only makes a test suite hang


async def list_faults(request: web.Request) -> web.Response:
    faults = [fault.to_json() for fault in request.app[keys.world].faults.all()]
    return json_response({"data": faults, "count": len(faults)})


async def add_fault(request: web.Request) -> web.Response:
    """Add one fault, e.g. ``{"provider": "mojeeb", "path": "/v1/whatsapp/*", "status": 503, "times": 2}``."""
    body = await read_json_object(request)
    spec = parse_fault(body, [p.name for p in request.app[keys.providers]])
    fault = request.app[keys.world].faults.add(**spec)
    return json_response(fault.to_json(), status=201)


async def delete_fault(request: web.Request) -> web.Response:
    fault_id = request.match_info["id"]
    if not request.app[keys.world].faults.remove(fault_id):
        raise ApiError(404, "fault_not_found", f"No fault with id {fault_id!r}.")
    return web.Response(status=204)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[keys.world].faults.clear()
    return web.Response(status=204)


_FIELDS = ("provider", "method", "path", "latency", "status", "drop", "every", "probability", "times")


def _whole(body: dict[str, Any], name: str, low: int, high: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ApiError(422, "invalid_field", f"'{name}' must be a whole number {bound}.", field=name)
    return value


def parse_fault(body: dict[str, Any], providers: list[str]) -> dict[str, Any]:
    """Check a fault body field by field; the keyword arguments for ``Faults.add``.

    >>> parse_fault({"provider": "mojeeb", "status": 503, "every": 2}, ["mojeeb"])["status"]
    503
    """
    unknown = set(body) - set(_FIELDS)
    if unknown:
        raise ApiError(422, "unknown_field", f"Unknown fault field(s): {', '.join(sorted(unknown))}.")
    spec: dict[str, Any] = {}
    provider = body.get("provider")
    if provider is not None and provider not in providers:
        raise ApiError(422, "invalid_provider", f"'provider' must be one of {', '.join(providers)}.", field="provider")
    spec["provider"] = provider
    for name in ("method", "path"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or not value):
            raise ApiError(422, "invalid_field", f"'{name}' must be a non-empty string.", field=name)
    spec["method"] = body["method"].upper() if body.get("method") else None
    path = body.get("path") or "**"
    if not path.startswith(("/", "*")):
        raise ApiError(422, "invalid_field", "'path' is relative to the provider's base URL and starts with '/'.",
                       field="path")
    spec["path"] = path
    try:
        latency = parse_duration(body.get("latency", 0))
    except (TypeError, ValueError) as exc:
        raise ApiError(422, "invalid_duration", str(exc), field="latency") from None
    if not 0 <= latency <= MAX_LATENCY:
        raise ApiError(422, "invalid_duration", f"'latency' must be 0 to {MAX_LATENCY:g} seconds.", field="latency")
    spec["latency"] = latency
    spec["status"] = _whole(body, "status", 400, 599)
    drop = body.get("drop", False)
    if not isinstance(drop, bool):
        raise ApiError(422, "invalid_field", "'drop' must be true or false.", field="drop")
    spec["drop"] = drop
    if spec["status"] is None and not drop and not latency:
        raise ApiError(422, "empty_fault", "A fault needs at least one of 'status', 'drop' or 'latency'.")
    spec["every"] = _whole(body, "every", 1)
    spec["times"] = _whole(body, "times", 1)
    probability = body.get("probability")
    if probability is not None and (
        not isinstance(probability, int | float) or isinstance(probability, bool) or not 0 <= probability <= 1
    ):
        raise ApiError(422, "invalid_field", "'probability' must be a number from 0 to 1.", field="probability")
    spec["probability"] = probability
    return spec
