"""Qlara partner gateway (Agile Telecom, https://lora-api.agiletelecom.com/api): WhatsApp sends,
status lookups and the delivery-status webhook."""

from __future__ import annotations

from functools import partial
from typing import Any

from ...core.tenants import Agent
from ...core.world import World
from ...web.front import DoorPolicy, RequestIds
from ..base import credentials_view
from . import fallback, sandbox, templates, webhooks
from .auth import DEFAULT_PER_MINUTE, DEFAULT_PER_SECOND, admit
from .operations import API
from .render import render_error


class QlaraProvider:
    """Qlara's partner gateway, mounted at ``/qlara`` (base URL ``/qlara/api``) and for its real hosts."""

    name = sandbox.NAME
    prefix = "/qlara"
    base_path = "/qlara/api"
    hosts = ("lora-api.agiletelecom.com", "pre-lora-api.agiletelecom.com")
    webhooks = True
    api = API
    # Qlara documents no request-id header: the id goes to the log and the journal only. Its gateway
    # checks credentials before routing, so an unknown path with a bad key answers 401, not 404.
    door = DoorPolicy(sandbox.NAME, render=render_error, admit=admit, admit_unmatched=True, request_ids=RequestIds())

    def attach(self, world: World) -> None:
        world.add_seeder(sandbox.seed)
        world.add_seeder(templates.seed)
        world.on_status(partial(webhooks.on_status, world), provider=self.name)
        # After the webhook listener, so a message's ERROR event goes out before its fallback leg's first one.
        world.on_status(partial(fallback.on_status, world), provider=self.name)
        world.on_inbound(partial(webhooks.on_inbound, world), provider=self.name)
        world.dispatcher.recognizers.append(webhooks.recognize)

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
