"""``/_emulator/webhooks/…``: webhook deliveries with every attempt, and directives for future ones."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from ..core.models import WebhookDirective
from ..core.status import Status
from ..core.timefmt import parse_duration
from ..core.world import World
from ..web import keys
from ..web.http import ApiError, json_response, read_json_object
from .checks import delivery_filters, refuse_unknown

DIRECTIVE_FIELDS = ("message_id", "status", "delay", "duplicate", "drop", "fail_attempts")


async def deliveries(request: web.Request) -> web.Response:
    """Webhook deliveries with every attempt, filtered by ``provider``, ``message_id``, ``state``."""
    world = request.app[keys.world]
    found = world.dispatcher.deliveries(**delivery_filters(request.query, world.provider_names))
    return json_response({"data": [d.to_json() for d in found], "count": len(found)})


async def webhook_directive(request: web.Request) -> web.Response:
    """How the webhook of one future status change is delivered.

    ``{"message_id", "status", "delay": "5s", "duplicate": 1, "drop": false, "fail_attempts": 0}``:
    hold the first attempt back (so a later status overtakes it), send extra copies, record it
    without sending, or count its first attempts failed so the provider retries.
    """
    body = await read_json_object(request)
    silent = [p.name for p in request.app[keys.providers] if not p.webhooks]
    return json_response(add_directive(request.app[keys.world], body, silent), status=201)


def add_directive(world: World, body: dict[str, Any], silent: Sequence[str] = ()) -> dict[str, Any]:
    """Check a directive body and put it in force; what the control API answers (the Python calls share it).

    ``silent`` names the providers that send no webhooks: a directive for their messages is refused.
    """
    refuse_unknown(body, DIRECTIVE_FIELDS, "directive")
    message = world.store.get(str(body.get("message_id", "")))
    if message is None:
        raise ApiError(404, "message_not_found", f"No message with id {body.get('message_id')!r}.")
    if message.provider in silent:
        raise ApiError(422, "no_webhooks", f"{message.provider} sends no webhooks, so a directive for message "
                       f"{message.id} would never apply; poll its status instead.", field="message_id")
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
    fail_attempts = body.get("fail_attempts", 0)
    if not isinstance(fail_attempts, int) or isinstance(fail_attempts, bool) or not 0 <= fail_attempts <= 20:
        raise ApiError(422, "invalid_field", "'fail_attempts' must be a whole number from 0 to 20.",
                       field="fail_attempts")
    if drop and fail_attempts:
        raise ApiError(422, "invalid_field", "A dropped webhook makes no attempts to fail: give 'drop' or "
                       "'fail_attempts', not both.", field="fail_attempts")
    if delay < 0:
        raise ApiError(422, "invalid_duration", "'delay' must not be negative.")
    if message.history.reached(status) is not None:
        raise ApiError(409, "status_already_reached", f"Message {message.id} already reached {status.value}.")
    directive = WebhookDirective(delay=delay, duplicate=duplicate, drop=drop, fail_attempts=fail_attempts)
    world.lifecycle.webhook_overrides[(message.id, status)] = directive
    return {"message_id": message.id, "status": status.value, "delay": delay, "duplicate": duplicate, "drop": drop,
            "fail_attempts": fail_attempts}
