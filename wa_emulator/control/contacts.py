"""``/_emulator/contacts`` and ``/_emulator/inbound``: recipient profiles, and a customer writing in."""

from __future__ import annotations

from aiohttp import web

from ..core.clock import ClockMode
from ..web import keys
from ..web.http import json_response, read_json_object
from .actions import INBOUND_COMMON, INBOUND_FIELDS, receive_inbound, update_contact
from .checks import refuse_unknown
from .views import contact_view, message_view


async def list_contacts(request: web.Request) -> web.Response:
    return json_response({"data": [contact_view(c) for c in request.app[keys.world].contacts.all()]})


async def set_contact(request: web.Request) -> web.Response:
    """Set a recipient's profile: ``last_inbound`` (ISO, duration ago like ``"-1h"``, or null) and flags."""
    body = await read_json_object(request)
    return json_response(contact_view(update_contact(request.app[keys.world], request.match_info["phone"], body)))


async def inbound(request: web.Request) -> web.Response:
    """A customer writes in: ``{"provider", "from", "to"?, "type"?, …}``. Opens the 24-hour window.

    ``type`` defaults to ``text``; the rest are that type's fields (``text``; ``caption``, ``mime_type``,
    ``filename``; ``latitude``, ``longitude``, ``name``, ``address``; ``name``, ``phone``, ``organization``;
    ``reply_id``, ``title``, ``description``; ``message_id``, ``emoji``).
    """
    world = request.app[keys.world]
    body = await read_json_object(request)
    refuse_unknown(body, INBOUND_FIELDS, "inbound")
    names = [p.name for p in request.app[keys.providers]]
    fields = {name: value for name, value in body.items() if name not in INBOUND_COMMON}
    message = receive_inbound(world, names, body.get("provider"), body.get("from"), None, body.get("to"),
                              kind=body.get("type", "text"), fields=fields)
    if world.clock.mode is ClockMode.MANUAL:
        # Its webhook has been attempted before the answer, so a test sees it at once. Only on a
        # manual clock: a running one under load keeps starting work and the wait would never end.
        await world.clock.settle()
    return json_response(message_view(message), status=201)
