"""Mojeeb's driver: two send routes and one status route, Bearer keys, ``{"error": {...}}``."""

from __future__ import annotations

import json
from collections.abc import Mapping

import aiohttp

from wa_emulator import contracts
from wa_emulator.core.world import World
from wa_emulator.providers.mojeeb import sandbox

from .base import Route, call, raise_key_limits

TO = "+15551234567"
SEND_TEMPLATE = Route(
    "send_template", "POST", "/v1/whatsapp/templates", "send",
    body={"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": TO,
          "template": {"name": "order_shipped", "language": "en", "parameters": {"customer_name": "Sara"}}},
    phone_field="to",
    loose_fields=("template.parameters.customer_name",),  # placeholders take strings or numbers
)
SEND_TEXT = Route(
    "send_message", "POST", "/v1/whatsapp/messages", "send",
    body={"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": TO, "text": {"body": "Hello"}},
    phone_field="to",
)
GET_MESSAGE = Route("get_message", "GET", "/v1/whatsapp/messages/{id}", "status")


class MojeebDriver:
    """Drives https://docs.mojeeb.app's API v1 as the emulator plays it."""

    name = "mojeeb"
    routes = (SEND_TEMPLATE, SEND_TEXT, GET_MESSAGE)
    # Mojeeb's five words; "failed" is terminal like "read", so either may follow "delivered".
    status_rank: Mapping[str, int] = {"queued": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 3}
    phones_accepted: frozenset[str] = frozenset()

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {sandbox.KEY_FULL}"}

    def unlimit(self, world: World, per_minute: int) -> None:
        raise_key_limits(world, self.name, per_minute)

    def check_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        assert headers.get("Content-Type", "").startswith("application/json"), headers
        data = json.loads(body)
        contracts.validate(self.name, "error", data)
        assert data["error"]["correlation_id"] == headers["X-Correlation-ID"]

    async def send(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        return await self._send(http, base, SEND_TEMPLATE, to)

    async def send_text(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        return await self._send(http, base, SEND_TEXT, to)

    async def _send(self, http: aiohttp.ClientSession, base: str, route: Route, to: str) -> str:
        data = await call(http, "POST", route.url(base), self.auth(), 202, {**(route.body or {}), "to": to})
        return str(data["id"])

    async def poll(self, http: aiohttp.ClientSession, base: str, message_id: str) -> str:
        data = await call(http, "GET", GET_MESSAGE.url(base, message_id), self.auth(), 200)
        return str(data["status"])
