"""Wazapin (https://api.wazapin.com, also https://api.wazapin.id): messages, status polling and Svix webhooks."""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from ...core.world import World
from ...web.front import FrontDoor
from ...web.http import CORRELATION_ID, ApiError, json_response
from ...web.routing import Routes
from ..base import agent_view, credentials_view
from . import events, routes, sandbox, webhook_routes
from .api import API as DESCRIPTION
from .auth import DEFAULT_RATE_LIMIT, REQUEST_ORG, admit
from .payloads import legacy_error_body, problem_body

REQUEST_ID_HEADER = "X-Request-Id"
WEBHOOKS = "/v1/settings/developer/webhooks"


class WazapinProvider:
    """Wazapin's public API v1, mounted at ``/wazapin`` and for Hosts ``api.wazapin.com``/``api.wazapin.id``."""

    name = "wazapin"
    prefix = "/wazapin"
    base_path = "/wazapin"
    hosts = ("api.wazapin.com", "api.wazapin.id")
    api = DESCRIPTION

    def attach(self, world: World) -> None:
        world.add_seeder(sandbox.seed)
        # A partial, not a lambda: no Python frame of its own on every status step (issue 7).
        world.on_status(partial(events.on_status, world))
        world.on_inbound(lambda message: events.on_inbound(world, message))

    def build_routes(self, world: World) -> Routes:
        # The request id is also the older error body's request_id.
        door = FrontDoor(world, self.name, render=_render_error, admit=admit, request_id_header=REQUEST_ID_HEADER,
                         fault_bases=(self.prefix,))
        router = Routes(door.wrap)
        router.add_get("/v1/health", routes.health, name="health")
        router.add_post("/v1/messages", routes.send_message)
        router.add_get("/v1/messages", routes.list_messages)
        router.add_get("/v1/messages/{id}", routes.get_message)
        router.add_get("/v1/messages/{id}/status", routes.get_message_status)
        router.add_get(WEBHOOKS, webhook_routes.list_webhooks)
        router.add_post(f"{WEBHOOKS}/endpoints", webhook_routes.create_endpoint)
        router.add_patch(f"{WEBHOOKS}/endpoints/{{endpoint_id}}", webhook_routes.update_endpoint)
        router.add_put(f"{WEBHOOKS}/endpoints/{{endpoint_id}}", webhook_routes.update_endpoint)
        router.add_delete(f"{WEBHOOKS}/endpoints/{{endpoint_id}}", webhook_routes.delete_endpoint)
        router.add_post(f"{WEBHOOKS}/endpoints/{{endpoint_id}}/rotate-secret", webhook_routes.rotate_secret)
        router.add_post(f"{WEBHOOKS}/endpoints/{{endpoint_id}}/test", webhook_routes.send_test_event)
        router.add_get(f"{WEBHOOKS}/deliveries", webhook_routes.list_deliveries)
        router.add_post(f"{WEBHOOKS}/deliveries/{{id}}/retry", webhook_routes.retry_message_deliveries)
        return router

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

def _render_error(request: web.Request, error: ApiError) -> web.Response:
    """The tenant's error format: the current docs' problem body unless the organization chose the older one."""
    org = request.get(REQUEST_ORG)
    if org is not None and org.settings.get(sandbox.ERROR_FORMAT) == "legacy":
        body = legacy_error_body(error, request.get(CORRELATION_ID, ""))
        return json_response(body, status=error.status, headers=error.headers)
    response = json_response(problem_body(error), status=error.status, headers=error.headers)
    response.content_type = "application/problem+json"
    return response

