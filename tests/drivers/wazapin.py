"""Wazapin's driver: send, get and status routes, ``X-Api-Key``, ``{title, status, detail}`` problems."""

from __future__ import annotations

import json
from collections.abc import Mapping

import aiohttp

from wa_emulator import contracts
from wa_emulator.core.world import World
from wa_emulator.providers.wazapin import sandbox

from .base import Route, call, raise_key_limits

TO = "6281234567890"
SEND_TEMPLATE = Route(
    "send_template", "POST", "/v1/messages", "send",
    body={"channel_id": sandbox.CHANNEL_MAIN, "to": TO, "type": "template",
          "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}},
    phone_field="to", other_methods=("GET",),  # GET /v1/messages lists messages
)
SEND_TEXT = Route(
    "send_text", "POST", "/v1/messages", "send",
    body={"channel_id": sandbox.CHANNEL_MAIN, "to": TO, "type": "text", "content": {"text": "Halo!"}},
    phone_field="to", other_methods=("GET",),
)
GET_MESSAGE = Route("get_message", "GET", "/v1/messages/{id}", "status")
GET_STATUS = Route("get_message_status", "GET", "/v1/messages/{id}/status", "status")
LIST_MESSAGES = Route("list_messages", "GET", "/v1/messages", "status", other_methods=("POST",))
HEALTH = Route("health", "GET", "/v1/health", "status", public=True)
WEBHOOKS = "/v1/settings/developer/webhooks"
# The receiver is the discard port on loopback: deliveries fail and are recorded, nothing leaves the machine.
ENDPOINT = {"url": "http://127.0.0.1:9/hook", "events": ["message.status_update"]}
MANAGEMENT = (
    Route("list_webhooks", "GET", WEBHOOKS, "status"),
    Route("create_endpoint", "POST", f"{WEBHOOKS}/endpoints", "config", body=ENDPOINT, nullable=("events",)),
    # {id} is a message id here, so these address an endpoint that does not exist: any 4xx will do.
    Route("update_endpoint", "PATCH", f"{WEBHOOKS}/endpoints/{{id}}", "status", body=ENDPOINT,
          other_methods=("PUT", "DELETE")),
    Route("delete_endpoint", "DELETE", f"{WEBHOOKS}/endpoints/{{id}}", "status", other_methods=("PUT", "PATCH")),
    Route("rotate_secret", "POST", f"{WEBHOOKS}/endpoints/{{id}}/rotate-secret", "status"),
    Route("send_test_event", "POST", f"{WEBHOOKS}/endpoints/{{id}}/test", "status"),
    Route("list_deliveries", "GET", f"{WEBHOOKS}/deliveries", "status"),
    Route("retry_deliveries", "POST", f"{WEBHOOKS}/deliveries/{{id}}/retry", "status"),
)


class WazapinDriver:
    """Drives https://docsx.wazapin.com's messages API as the emulator plays it."""

    name = "wazapin"
    routes = (SEND_TEMPLATE, SEND_TEXT, GET_MESSAGE, GET_STATUS, LIST_MESSAGES, HEALTH, *MANAGEMENT)
    status_rank: Mapping[str, int] = {"queued": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 3}
    # Wazapin's numbers are digits without "+" (a leading "+" is tolerated): https://docsx.wazapin.com
    phones_accepted: frozenset[str] = frozenset({"15551234567"})

    def auth(self) -> dict[str, str]:
        return {"X-Api-Key": sandbox.KEY_FULL}

    def unlimit(self, world: World, per_minute: int) -> None:
        raise_key_limits(world, self.name, per_minute)

    def check_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        assert headers.get("Content-Type", "").startswith("application/problem+json"), headers
        data = json.loads(body)
        contracts.validate(self.name, "error", data)
        assert data["status"] == status

    async def send(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        return await self._send(http, base, SEND_TEMPLATE, to)

    async def send_text(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        return await self._send(http, base, SEND_TEXT, to)

    async def _send(self, http: aiohttp.ClientSession, base: str, route: Route, to: str) -> str:
        data = await call(http, "POST", route.url(base), self.auth(), 201, {**(route.body or {}), "to": to.lstrip("+")})
        return str(data["data"]["id"])

    async def poll(self, http: aiohttp.ClientSession, base: str, message_id: str) -> str:
        data = await call(http, "GET", GET_MESSAGE.url(base, message_id), self.auth(), 200)
        return str(data["data"]["status"])
