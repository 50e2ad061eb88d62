"""Qlara partner gateway (Agile Telecom, https://lora-api.agiletelecom.com/api): WhatsApp sends,
status lookups and the delivery-status webhook."""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from ...core.tenants import Agent
from ...core.world import World
from ...web.front import FrontDoor
from ...web.http import ApiError, json_response
from ...web.routing import Routes
from ..base import credentials_view
from . import routes, sandbox, webhooks
from .api import API as DESCRIPTION
from .auth import DEFAULT_PER_MINUTE, DEFAULT_PER_SECOND, admit
from .payloads import error_body

API = "/api"
WEBHOOK_PATH = API + "/partner-gateway/v1/webhooks/delivery-status"


class QlaraProvider:
    """Qlara's partner gateway, mounted at ``/qlara`` (base URL ``/qlara/api``) and for its real hosts."""

    name = "qlara"
    prefix = "/qlara"
    base_path = "/qlara" + API
    hosts = ("lora-api.agiletelecom.com", "pre-lora-api.agiletelecom.com")
    api = DESCRIPTION

    def attach(self, world: World) -> None:
        world.add_seeder(sandbox.seed)
        # A partial, not a lambda: no Python frame of its own on every status step (issue 7).
        world.on_status(partial(webhooks.on_status, world))
        world.on_inbound(lambda message: webhooks.on_inbound(world, message))

    def build_routes(self, world: World) -> Routes:
        # Qlara documents no request-id header: the id goes to the log and the journal only.
        door = FrontDoor(world, self.name, render=_render_error(world), admit=admit, admit_unmatched=True,
                         fault_bases=(self.base_path, API))
        router = Routes(door.wrap)
        router.add_post(API + "/message-server/whatsapp/send", routes.send_whatsapp)
        router.add_get(API + "/partner-gateway/v1/messages/status", routes.get_statuses)
        router.add_get(API + "/partner-gateway/v1/messages/status/{customerMessageId}", routes.get_status)
        router.add_get(API + "/partner-gateway/v1/whatsapp/messages/{messageId}/status",
                            routes.get_whatsapp_status)
        router.add_post(WEBHOOK_PATH, routes.create_webhook)
        router.add_get(WEBHOOK_PATH, routes.get_webhook)
        router.add_put(WEBHOOK_PATH, routes.update_webhook)
        router.add_delete(WEBHOOK_PATH, routes.delete_webhook)
        return router

    def credentials(self, world: World) -> dict[str, Any]:
        return credentials_view(
            world,
            self.name,
            base_path=self.base_path,
            auth="X-Api-Key: <secret>, or HTTP Basic username:password",
            org=lambda org: {
                "rate_limit_per_minute": org.settings.get(sandbox.PER_MINUTE, DEFAULT_PER_MINUTE),
                "burst_per_second": org.settings.get(sandbox.PER_SECOND, DEFAULT_PER_SECOND),
                "ip_allowlist": list(org.ip_allowlist) if org.ip_allowlist is not None else None,
                "basic": [
                    {"username": username, "password": password}
                    for username, password in org.settings.get(sandbox.BASIC_USERS, {}).items()
                ],
            },
            key=lambda key: {"name": key.name, "secret": key.secret, "revoked": key.revoked},
            agent=_sender,
        )

def _sender(agent: Agent) -> dict[str, Any]:
    # "id" is what a client sends (the phoneNumberId), so the start-up banner shows that.
    phone_number_id = sandbox.phone_number_id(agent.id)
    return {"id": str(phone_number_id), "phoneNumberId": phone_number_id, "agent_id": agent.id, "name": agent.name,
            "phones": list(agent.phones)}


def _render_error(world: World) -> Any:
    def render(request: web.Request, error: ApiError) -> web.Response:
        return json_response(error_body(error, request.path, world.clock.now()), status=error.status,
                             headers=error.headers)

    return render

