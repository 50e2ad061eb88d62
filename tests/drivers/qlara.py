"""Qlara's driver: send and the three status routes, ``X-Api-Key``, Qlara's error bodies."""

from __future__ import annotations

import json
from collections.abc import Mapping

import aiohttp

from wa_emulator import contracts
from wa_emulator.core.world import World
from wa_emulator.providers.qlara import sandbox

from .base import Route, call

TO = "+393401234567"
SEND_TEMPLATE = Route(
    "send_template", "POST", "/message-server/whatsapp/send", "send",
    body={"destination": TO, "phoneNumberId": sandbox.PHONE_MAIN,
          "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara", "A-42"]}},
    phone_field="destination",
)
SEND_TEXT = Route(
    "send_text", "POST", "/message-server/whatsapp/send", "send",
    body={"destination": TO, "phoneNumberId": sandbox.PHONE_MAIN, "body": {"text": "Ciao Sara!"}},
    phone_field="destination",
)
GET_STATUS = Route("get_status", "GET", "/partner-gateway/v1/messages/status/{id}", "status",
                   query="channel=WHATSAPP")
GET_WHATSAPP_STATUS = Route("get_whatsapp_status", "GET", "/partner-gateway/v1/whatsapp/messages/{id}/status",
                            "status")
GET_STATUSES = Route("get_statuses", "GET", "/partner-gateway/v1/messages/status", "status",
                     query="ids=your_reference_id,unknown")
WEBHOOK = "/partner-gateway/v1/webhooks/delivery-status"
# The discard port on loopback: deliveries fail and are recorded, nothing leaves the machine.
CALLBACK = {"callbackUrl": "http://127.0.0.1:9/hook"}
MANAGEMENT = (
    Route("create_webhook", "POST", WEBHOOK, "config", body=CALLBACK, other_methods=("GET", "PUT", "DELETE")),
    Route("update_webhook", "PUT", WEBHOOK, "config", body=CALLBACK, other_methods=("GET", "POST", "DELETE")),
    Route("get_webhook", "GET", WEBHOOK, "status", other_methods=("POST", "PUT", "DELETE")),
    Route("delete_webhook", "DELETE", WEBHOOK, "status", other_methods=("GET", "POST", "PUT")),
)


class QlaraDriver:
    """Drives Agile Telecom's Qlara partner gateway as the emulator plays it."""

    name = "qlara"
    routes = (SEND_TEMPLATE, SEND_TEXT, GET_STATUS, GET_WHATSAPP_STATUS, GET_STATUSES, *MANAGEMENT)
    status_rank: Mapping[str, int] = {"UNKNOWN": 0, "SENT": 1, "RECEIVED": 2, "DELIVERED": 3, "READ": 4,
                                      "ERROR": 4, "EXPIRED": 4}
    # "+" and digits is accepted, then ends in ERROR when not a plausible E.164 number (designed,
    # docs/fidelity.md): these are answered 200 by design.
    phones_accepted: frozenset[str] = frozenset({"+0123456789", "+1555", "+1555123456789012345"})

    def auth(self) -> dict[str, str]:
        return {"X-Api-Key": sandbox.KEY_PRODUCTION}

    def unlimit(self, world: World, per_minute: int) -> None:
        for org in world.tenants.orgs_of(self.name):
            org.settings[sandbox.PER_MINUTE] = per_minute
            org.settings[sandbox.PER_SECOND] = per_minute

    def check_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        assert headers.get("Content-Type", "").startswith("application/json"), headers
        contracts.validate(self.name, "rate-limit-error" if status == 429 else "error", json.loads(body))

    async def send(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        return await self._send(http, base, SEND_TEMPLATE, to)

    async def send_text(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        return await self._send(http, base, SEND_TEXT, to)

    async def _send(self, http: aiohttp.ClientSession, base: str, route: Route, to: str) -> str:
        data = await call(http, "POST", route.url(base), self.auth(), 200, {**(route.body or {}), "destination": to})
        return str(data["messageId"])

    async def poll(self, http: aiohttp.ClientSession, base: str, message_id: str) -> str:
        data = await call(http, "GET", GET_STATUS.url(base, message_id), self.auth(), 200)
        return str(data["deliveryStatus"])
