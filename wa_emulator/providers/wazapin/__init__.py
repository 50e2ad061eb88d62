"""Wazapin (https://api.wazapin.com, also https://api.wazapin.id): messages, status polling and Svix webhooks."""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from ...core.world import World
from ...web.front import DoorPolicy, RequestIds
from ...web.http import CORRELATION_ID, ApiError, json_response
from ..base import agent_view, credentials_view
from . import events, sandbox
from .auth import DEFAULT_RATE_LIMIT, REQUEST_ORG, admit
from .operations import API
from .payloads import legacy_error_body, problem_body

# The request id is also the older error body's request_id.
REQUEST_ID_HEADER = "X-Request-Id"


def _render_error(request: web.Request, error: ApiError) -> web.Response:
    """The tenant's error format: the current docs' problem body unless the organization chose the older one."""
    org = request.get(REQUEST_ORG)
    if org is not None and org.settings.get(sandbox.ERROR_FORMAT) == "legacy":
        body = legacy_error_body(error, request.get(CORRELATION_ID, ""))
        return json_response(body, status=error.status, headers=error.headers)
    response = json_response(problem_body(error), status=error.status, headers=error.headers)
    response.content_type = "application/problem+json"
    return response


class WazapinProvider:
    """Wazapin's public API v1, mounted at ``/wazapin`` and for Hosts ``api.wazapin.com``/``api.wazapin.id``."""

    name = sandbox.NAME
    prefix = "/wazapin"
    base_path = "/wazapin"
    hosts = ("api.wazapin.com", "api.wazapin.id")
    api = API
    door = DoorPolicy(sandbox.NAME, render=_render_error, admit=admit, request_ids=RequestIds(REQUEST_ID_HEADER))

    def attach(self, world: World) -> None:
        world.add_seeder(sandbox.seed)
        world.on_status(partial(events.on_status, world), provider=self.name)
        world.on_inbound(partial(events.on_inbound, world), provider=self.name)

    def credentials(self, world: World) -> dict[str, Any]:
        return credentials_view(
            world,
            self.name,
            base_path=self.base_path,
            auth="X-Api-Key: <secret> (or Authorization: Bearer <secret>)",
            org=lambda org: {
                "slug": org.slug,
                "error_format": org.settings.get(sandbox.ERROR_FORMAT, "problem"),
                "webhook_format": org.settings.get(sandbox.WEBHOOK_FORMAT, "flat"),
            },
            key=lambda key: {
                "name": key.name,
                "secret": key.secret,
                "permissions": sorted(key.scopes),
                "revoked": key.revoked,
                "rate_limit_per_minute": key.rate_limit or DEFAULT_RATE_LIMIT,
            },
            agent=lambda channel: {
                **agent_view(channel),
                "connected": sandbox.is_connected(world, channel.id),
            },
        )
