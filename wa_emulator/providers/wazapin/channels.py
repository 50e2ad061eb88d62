"""Wazapin's channels: ``GET /v1/channels``, ``GET /v1/channels/{id}`` and ``GET /v1/channels/{id}/status``.

https://docsx.wazapin.com/api/authentication: "List channels confirms your key works", with the
sample ``{"data": [{"id": "wzp_abc123", "platform": "whatsapp_official", "status": "connected"}]}``
(the path is not shown; ``/v1/channels`` is the docs' resource naming). The status path and its
flat ``{connected, logged_in, error}`` body come from a public Rust client of Wazapin (an orders
worker's ``wazapin`` module, see docs/fidelity.md) that calls it before every send: its
``ensure_channel_ready`` reads ``GET /v1/channels/{channel_id}/status`` as ``{connected: bool,
logged_in: bool, error: string|null}`` at the top level, not under ``data``, and sends only when
both are true. Channels are the core's agents; the sandbox's disconnected
channel answers ``status: "disconnected"`` here and 409 on a send.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.tenants import Agent
from ...web import keys
from ...web.http import ApiError, json_response
from .auth import require
from .render import data, digits
from .sandbox import CHANNELS, is_connected

PLATFORM = "whatsapp_official"  # every emulated channel is a Meta Cloud API number
CONNECTED = "connected"
DISCONNECTED = "disconnected"
NOT_READY = "channel is disconnected: reconnect it in the Wazapin dashboard before sending"


def channel_view(agent: Agent, connected: bool) -> dict[str, Any]:
    """A channel as the listing shows it: the documented ``id``, ``platform``, ``status``, and its number.

    >>> channel_view(Agent("wzp_ch_1", "org_1", "Main", ("+6281100000001",)), True)["phone"]
    '6281100000001'
    """
    return {
        "id": agent.id,
        "name": agent.name,
        "platform": PLATFORM,
        "status": CONNECTED if connected else DISCONNECTED,
        "phone": digits(agent.phones[0]) if agent.phones else None,
    }


def status_body(agent: Agent, connected: bool) -> dict[str, Any]:
    """``GET /v1/channels/{id}/status``: flat, as the public client reads it."""
    return {
        "channel_id": agent.id,
        "status": CONNECTED if connected else DISCONNECTED,
        "connected": connected,
        "logged_in": connected,
        "error": None if connected else NOT_READY,
    }


def _channel(request: web.Request) -> Agent:
    """The channel named in the path, if it belongs to the caller's organization (else 404)."""
    org_id = require(request, CHANNELS).org_id
    wanted = request.match_info["channel_id"]
    agent = request.app[keys.world].tenants.agent(wanted)
    if agent is None or agent.org_id != org_id:
        raise ApiError(404, "not_found", f"channel {wanted[:60]} not found")
    return agent


async def list_channels(request: web.Request) -> web.Response:
    """``GET /v1/channels``: the organization's channels with their connection status."""
    org_id = require(request, CHANNELS).org_id
    world = request.app[keys.world]
    return data([channel_view(a, is_connected(world, a.id)) for a in world.tenants.agents_of(org_id)])


async def get_channel(request: web.Request) -> web.Response:
    """``GET /v1/channels/{channel_id}``: one channel (designed, in the listing's shape)."""
    agent = _channel(request)
    return data(channel_view(agent, is_connected(request.app[keys.world], agent.id)))


async def get_channel_status(request: web.Request) -> web.Response:
    """``GET /v1/channels/{channel_id}/status``: ``{channel_id, status, connected, logged_in, error}``."""
    agent = _channel(request)
    return json_response(status_body(agent, is_connected(request.app[keys.world], agent.id)))
