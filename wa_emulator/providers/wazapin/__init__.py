"""Wazapin (https://api.wazapin.com, also https://api.wazapin.id): messages, status polling and Svix webhooks."""

from __future__ import annotations

from functools import partial
from typing import Any

from ...core.world import World
from ...web.front import DoorPolicy, RequestIds
from ..base import agent_view, credentials_view
from . import sandbox, templates, webhooks
from .accounts import key_id, users_view
from .auth import DEFAULT_RATE_LIMIT, admit
from .operations import API
from .render import render_error

# The request id is also the older error body's request_id.
REQUEST_ID_HEADER = "X-Request-Id"


class WazapinProvider:
    """Wazapin's public API v1, mounted at ``/wazapin`` and for Hosts ``api.wazapin.com``/``api.wazapin.id``."""

    name = sandbox.NAME
    prefix = "/wazapin"
    base_path = "/wazapin"
    hosts = ("api.wazapin.com", "api.wazapin.id")
    webhooks = True
    api = API
    door = DoorPolicy(sandbox.NAME, render=render_error, admit=admit, request_ids=RequestIds(REQUEST_ID_HEADER))

    def attach(self, world: World) -> None:
        world.add_seeder(sandbox.seed)
        world.add_seeder(templates.seed)
        world.on_status(partial(webhooks.on_status, world), provider=self.name)
        world.on_inbound(partial(webhooks.on_inbound, world), provider=self.name)
        world.dispatcher.recognizers.append(partial(webhooks.recognize, world))

    def credentials(self, world: World) -> dict[str, Any]:
        return credentials_view(
            world,
            self.name,
            base_path=self.base_path,
            auth="X-Api-Key: <secret> (or Authorization: Bearer <secret>, or a session token from "
                 "POST /v1/auth/login with one of the users)",
            org=lambda org: {
                "slug": org.slug,
                "error_format": org.settings.get(sandbox.ERROR_FORMAT, "problem"),
                "webhook_format": org.settings.get(sandbox.WEBHOOK_FORMAT, "flat"),
                "users": users_view(world, org.id),
            },
            key=lambda key: {
                "id": key_id(key.secret),
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
