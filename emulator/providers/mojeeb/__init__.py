"""Mojeeb (https://api.mojeeb.app): text and template sends and status polling, no webhooks."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from ...core.world import World
from ..base import credentials_view
from ..http import (
    CORRELATION_ID,
    ApiError,
    error_middleware,
    fault_middleware,
    json_response,
    request_id_middleware,
)
from . import routes, sandbox
from .api import API
from .auth import auth_middleware
from .idempotency import idempotency_middleware
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

    def build_app(self, world: World) -> web.Application:
        app = web.Application(
            middlewares=[
                request_id_middleware(world, header=CORRELATION_HEADER, honour_client=_CLIENT_CORRELATION),
                error_middleware(_render_error, self.name),
                auth_middleware,
                idempotency_middleware,
                fault_middleware(self.name, (self.prefix,)),
            ]
        )
        app.router.add_post("/v1/whatsapp/messages", routes.send_message)
        app.router.add_post("/v1/whatsapp/templates", routes.send_template)
        app.router.add_get("/v1/whatsapp/messages/{id}", routes.get_message)
        return app

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

