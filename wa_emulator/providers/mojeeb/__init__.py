"""Mojeeb (https://api.mojeeb.app): text and template sends and status polling, no webhooks."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from ...core.world import World
from ...web.front import FrontDoor
from ...web.http import CORRELATION_ID, ApiError, json_response
from ...web.routing import Routes
from ..base import credentials_view
from . import routes, sandbox
from .api import API
from .auth import admit
from .idempotency import idempotent
from .payloads import error_body

CORRELATION_HEADER = "X-Correlation-ID"
_CLIENT_CORRELATION = re.compile(r"[\x21-\x7e]{1,128}")


class MojeebProvider:
    """Mojeeb's public API v1, mounted at ``/mojeeb`` and for Host ``api.mojeeb.app``."""

    name = "mojeeb"
    prefix = "/mojeeb"
    base_path = "/mojeeb"
    hosts = ("api.mojeeb.app",)
    api = API

    def attach(self, world: World) -> None:
        world.add_seeder(sandbox.seed)

    def build_routes(self, world: World) -> Routes:
        door = FrontDoor(world, self.name, render=_render_error, admit=admit, request_id_header=CORRELATION_HEADER,
                         honour_client=_CLIENT_CORRELATION, fault_bases=(self.prefix,))
        router = Routes(door.wrap)
        # Sends replay, refuse or record an Idempotency-Key before an injected fault applies, so a
        # slow (fault-delayed) first send holds its key: the documented 409 while in progress.
        router.add_route("POST", "/v1/whatsapp/messages", door.wrap(routes.send_message, True, idempotent),
                         wrapped=True)
        router.add_route("POST", "/v1/whatsapp/templates", door.wrap(routes.send_template, True, idempotent),
                         wrapped=True)
        router.add_get("/v1/whatsapp/messages/{id}", routes.get_message)
        return router

    def credentials(self, world: World) -> dict[str, Any]:
        return credentials_view(
            world,
            self.name,
            base_path=self.base_path,
            auth="Authorization: Bearer <secret>",
            key=lambda key: {
                "name": key.name,
                "secret": key.secret,
                "scopes": sorted(key.scopes),
                "agent_ids": sorted(key.agent_ids) if key.agent_ids is not None else None,
                "revoked": key.revoked,
                "rate_limit_per_minute": key.rate_limit or 60,
            },
        )

def _render_error(request: web.Request, error: ApiError) -> web.Response:
    status, body = error_body(error, request.get(CORRELATION_ID, ""))
    return json_response(body, status=status, headers=error.headers)

