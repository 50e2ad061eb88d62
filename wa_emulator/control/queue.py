"""``/_emulator/webhooks/hold|held|release|drop|duplicate``: the held webhook queue.

A hold parks outbound webhooks instead of sending them: every one (``{}``), or those of one
``provider``, ``endpoint_id``, ``url`` or ``message_id`` (several fields: all must match). Parked
deliveries wait in the held queue, whatever the clock does, until released (attempted at once,
one after another in the order asked; the provider's retries apply after that), dropped (recorded,
never sent) or duplicated (a second held copy of the same event). Every such step is kept on the
delivery (``queue`` in ``GET /_emulator/webhooks/deliveries``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core.webhooks import HOLD_SCOPE, Delivery, Dispatcher
from ..web import keys
from ..web.http import ApiError, json_response, read_json_object
from .checks import refuse_unknown

ORDERS = ("held", "reverse")


def held_view(delivery: Delivery) -> dict[str, Any]:
    """One held webhook as the queue shows it: what it is, where it goes, when it was parked."""
    return {
        "id": delivery.id,
        "provider": delivery.provider,
        "org_id": delivery.org_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "message_id": delivery.message_id,
        "status": delivery.status,
        "endpoint_id": delivery.endpoint_id,
        "url": delivery.url,
        "copy": delivery.copy,
        "hold_id": delivery.hold_id,
        "held_at": delivery.held_at,
        "attempts": len(delivery.attempts),
        "body": delivery.body.decode("utf-8", "replace"),
    }


def queue_view(dispatcher: Dispatcher) -> dict[str, Any]:
    """The held queue and the holds in force (``GET /_emulator/webhooks/held``)."""
    held = [held_view(d) for d in dispatcher.held()]
    return {"data": held, "count": len(held), "holds": [h.to_json() for h in dispatcher.holds()]}


async def optional_body(request: web.Request) -> dict[str, Any]:
    """The JSON object sent, or ``{}`` when the request has no body (``curl -X POST`` alone)."""
    return await read_json_object(request) if request.body_exists else {}


def parse_scope(body: dict[str, Any]) -> dict[str, str]:
    """What a hold is narrowed by: the fields of ``HOLD_SCOPE`` given (``{"all": true}`` or ``{}``: nothing).

    >>> parse_scope({"message_id": "m1"}), parse_scope({"all": True})
    ({'message_id': 'm1'}, {})
    """
    refuse_unknown(body, ("all", *HOLD_SCOPE), "hold")
    every = body.get("all", False)
    if not isinstance(every, bool):
        raise ApiError(422, "invalid_field", "'all' must be true or false.", field="all")
    scope = {}
    for name in HOLD_SCOPE:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not value:
            raise ApiError(422, "invalid_field", f"'{name}' must be a non-empty string.", field=name)
        scope[name] = value
    if every and scope:
        raise ApiError(422, "invalid_field", f"'all' holds everything; leave out {', '.join(scope)}.", field="all")
    return scope


def parse_ids(body: dict[str, Any], *, orders: bool = False) -> list[str] | None:
    """The held ids a request names (None: the whole queue), checked field by field."""
    refuse_unknown(body, ("ids", "order") if orders else ("ids",), "held queue")
    ids = body.get("ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise ApiError(422, "invalid_field", "'ids' must be a list of held webhook ids.", field="ids")
    order = body.get("order")
    if order is not None:
        if order not in ORDERS:
            raise ApiError(422, "invalid_field", f"'order' must be one of {', '.join(ORDERS)}.", field="order")
        if ids is not None:
            raise ApiError(422, "invalid_field", "Give either 'ids' (their order is the order) or 'order'.",
                           field="order")
    return ids


def chosen(dispatcher: Dispatcher, ids: list[str] | None, order: str | None = None) -> list[str]:
    """The ids to act on, in order; an ApiError naming ``ids`` when one is not held or named twice."""
    try:
        picked = [d.id for d in dispatcher.held_ones(ids)]
    except KeyError as exc:
        raise ApiError(404, "held_webhook_not_found",
                       f"{exc.args[0]!r} (in 'ids') is not in the held queue: never held, or already "
                       "released or dropped.", field="ids", id=exc.args[0]) from None
    except ValueError as exc:
        raise ApiError(422, "invalid_field", f"'ids' names {exc.args[0]!r} twice.", field="ids") from None
    return picked[::-1] if order == "reverse" else picked


def _deliveries(found: list[Delivery], status: int = 200) -> web.Response:
    return json_response({"data": [d.to_json() for d in found], "count": len(found)}, status=status)


async def hold(request: web.Request) -> web.Response:
    """Start holding: ``{}`` (everything) or ``{"provider", "endpoint_id", "url", "message_id"}``."""
    scope = parse_scope(await optional_body(request))
    return json_response(request.app[keys.world].dispatcher.hold(**scope).to_json(), status=201)


async def list_holds(request: web.Request) -> web.Response:
    found = [h.to_json() for h in request.app[keys.world].dispatcher.holds()]
    return json_response({"data": found, "count": len(found)})


async def stop_holds(request: web.Request) -> web.Response:
    """Stop every hold; what is held stays held until released or dropped."""
    request.app[keys.world].dispatcher.unhold()
    return web.Response(status=204)


async def stop_hold(request: web.Request) -> web.Response:
    hold_id = request.match_info["id"]
    try:
        request.app[keys.world].dispatcher.unhold(hold_id)
    except KeyError:
        raise ApiError(404, "hold_not_found", f"No hold with id {hold_id!r}.") from None
    return web.Response(status=204)


async def held(request: web.Request) -> web.Response:
    return json_response(queue_view(request.app[keys.world].dispatcher))


async def release(request: web.Request) -> web.Response:
    """Send held webhooks now: ``{"ids": [...]}`` in that order, or all (``"order": "held" | "reverse"``)."""
    body = await optional_body(request)
    dispatcher = request.app[keys.world].dispatcher
    ids = chosen(dispatcher, parse_ids(body, orders=True), body.get("order"))
    return _deliveries(await dispatcher.release(ids))


async def drop(request: web.Request) -> web.Response:
    """Lose held webhooks on purpose (``{"ids": [...]}``, or all): recorded as dropped, never sent."""
    dispatcher = request.app[keys.world].dispatcher
    return _deliveries(dispatcher.drop(chosen(dispatcher, parse_ids(await optional_body(request)))))


async def duplicate(request: web.Request) -> web.Response:
    """Add a held copy of each held webhook named (``{"ids": [...]}``, or all); answers the copies."""
    dispatcher = request.app[keys.world].dispatcher
    return _deliveries(dispatcher.duplicate(chosen(dispatcher, parse_ids(await optional_body(request)))), 201)
