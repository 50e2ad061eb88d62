"""Mojeeb (https://api.mojeeb.app): text and template sends and status polling, no webhooks."""

from __future__ import annotations

import re
from typing import Any

from ...core.world import World
from ...web.front import DoorPolicy, RequestIds
from ..base import credentials_view
from . import sandbox, templates
from .auth import DEFAULT_RATE_LIMIT, admit
from .operations import API
from .render import render_error

# https://docs.mojeeb.app/docs/developers/errors: every answer carries X-Correlation-ID; a client may
# send its own (printable ASCII, designed: up to 128 characters) and gets it back.
CORRELATION_HEADER = "X-Correlation-ID"
_CLIENT_CORRELATION = re.compile(r"[\x21-\x7e]{1,128}")


class MojeebProvider:
    """Mojeeb's public API v1, mounted at ``/mojeeb`` and for Host ``api.mojeeb.app``."""

    name = sandbox.NAME
    prefix = "/mojeeb"
    base_path = "/mojeeb"
    hosts = ("api.mojeeb.app",)
    webhooks = False  # status polling only
    api = API
    door = DoorPolicy(sandbox.NAME, render=render_error, admit=admit,
                      request_ids=RequestIds(CORRELATION_HEADER, honour=_CLIENT_CORRELATION))

    def attach(self, world: World) -> None:
        world.add_seeder(sandbox.seed)
        world.add_seeder(templates.seed)

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
                "rate_limit_per_minute": key.rate_limit or DEFAULT_RATE_LIMIT,
            },
        )
