"""Qlara's client: one send route and three status routes, ``X-Api-Key``, Qlara's error bodies and one
delivery-status webhook per account."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from wa_emulator import contracts
from wa_emulator.core.world import World
from wa_emulator.providers.qlara import sandbox

from .base import Client, Route, Sent

TO = "+393401234567"
SEND_TEMPLATE = Route(
    "send_template", "POST", "/message-server/whatsapp/send", "send",
    body={"destination": TO, "phoneNumberId": sandbox.PHONE_MAIN,
          "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara"]}},
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


@dataclass
class QlaraClient(Client):
    """Calls Agile Telecom's Qlara partner gateway as the emulator plays it; status by customerMessageId."""

    provider: ClassVar[str] = "qlara"
    routes: ClassVar[tuple[Route, ...]] = (SEND_TEMPLATE, SEND_TEXT, GET_STATUS, GET_WHATSAPP_STATUS, GET_STATUSES,
                                           *MANAGEMENT)
    recipient: ClassVar[str] = "destination"
    accepted: ClassVar[int] = 200
    default_key: ClassVar[str] = "production"
    words: ClassVar[Mapping[str, str]] = {
        "queued": "UNKNOWN", "sent": "SENT", "received": "RECEIVED", "delivered": "DELIVERED",
        "read": "READ", "failed": "ERROR", "expired": "EXPIRED",
    }
    status_rank: ClassVar[Mapping[str, int]] = {"UNKNOWN": 0, "SENT": 1, "RECEIVED": 2, "DELIVERED": 3, "READ": 4,
                                                "ERROR": 4, "EXPIRED": 4}
    # "+" and digits is accepted, then ends in ERROR when not a plausible E.164 number (designed,
    # docs/fidelity.md): these are answered 200 by design.
    phones_accepted: ClassVar[frozenset[str]] = frozenset({"+0123456789", "+1555", "+1555123456789012345"})
    # DELIVERY events carry a statusCode (qlara/guides/webhooks); READ events are their own type.
    CODES: ClassVar[Mapping[int, str]] = {1: "SENT", 2: "RECEIVED", 3: "DELIVERED", 4: "READ", 6: "ERROR", 7: "EXPIRED"}
    key: str = sandbox.KEY_PRODUCTION
    phone_number_id: int = sandbox.PHONE_MAIN

    def take(self, key: dict[str, Any], org: dict[str, Any]) -> None:
        self.key = key["secret"]
        self.phone_number_id = org["agents"][0]["phoneNumberId"]

    async def subscribe(self, url: str) -> None:
        hook = await self.post(WEBHOOK, {"callbackUrl": url}, 201, lambda answer: answer["id"])
        assert hook.id is not None, hook.body

    def auth(self) -> dict[str, str]:
        return {"X-Api-Key": self.key}

    def unlimit(self, world: World, per_minute: int) -> None:
        for org in world.tenants.orgs_of(self.provider):
            org.settings[sandbox.PER_MINUTE] = per_minute
            org.settings[sandbox.PER_SECOND] = per_minute

    def message_id(self, answer: Any) -> str:
        return str(answer["messageId"])

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent:
        return await self._send({"destination": to, "phoneNumberId": self.phone_number_id, "body": {"text": text}})

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent:
        template = {"name": name, "language": "it", "parameters": ["Sara"]}
        return await self._send({"destination": to, "phoneNumberId": self.phone_number_id, "template": template})

    async def _send(self, body: dict[str, Any]) -> Sent:
        return await self.post(SEND_TEXT.path, body)

    async def status(self, message_id: str) -> str:
        return str((await self.get(GET_STATUS.url("", message_id)))["deliveryStatus"])

    def error_contract(self, status: int) -> str:
        return "rate-limit-error" if status == 429 else "error"

    def check_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        assert headers.get("Content-Type", "").startswith("application/json"), headers
        contracts.validate(self.provider, self.error_contract(status), json.loads(body))

    async def webhooks(self) -> list[tuple[str, str]] | None:
        events = self.bodies()
        # READ events name only Qlara's messageId; DELIVERY events name both ids.
        customer_ids = {e["messageId"]: e["customerMessageId"] for e in events if e["eventType"] == "DELIVERY"}
        found = []
        for event in events:
            if event["eventType"] in ("DELIVERY", "READ"):
                word = "READ" if event["eventType"] == "READ" else self.CODES[event["statusCode"]]
                found.append((customer_ids.get(event["messageId"], event["messageId"]), word))
        return found
