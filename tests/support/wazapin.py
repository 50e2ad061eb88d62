"""Wazapin's client: one send route with bare-digit numbers, records in ``{"data": …}``, ``X-Api-Key``,
``{title, status, detail}`` problems and Svix-signed webhooks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from wa_emulator import contracts
from wa_emulator.providers.wazapin import sandbox

from .base import LOWERCASE_RANK, LOWERCASE_WORDS, Client, Route, Sent

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


@dataclass
class WazapinClient(Client):
    """Calls https://docsx.wazapin.com's messages API as the emulator plays it."""

    provider: ClassVar[str] = "wazapin"
    routes: ClassVar[tuple[Route, ...]] = (SEND_TEMPLATE, SEND_TEXT, GET_MESSAGE, GET_STATUS, LIST_MESSAGES, HEALTH,
                                           *MANAGEMENT)
    accepted: ClassVar[int] = 201
    default_key: ClassVar[str] = "full-access"
    words: ClassVar[Mapping[str, str]] = LOWERCASE_WORDS
    status_rank: ClassVar[Mapping[str, int]] = LOWERCASE_RANK
    # Wazapin's numbers are digits without "+" (a leading "+" is tolerated): https://docsx.wazapin.com
    phones_accepted: ClassVar[frozenset[str]] = frozenset({"15551234567"})
    key: str = sandbox.KEY_FULL
    channel_id: str = sandbox.CHANNEL_MAIN

    def take(self, key: dict[str, Any], org: dict[str, Any]) -> None:
        self.key = key["secret"]
        self.channel_id = org["agents"][0]["id"]

    async def subscribe(self, url: str) -> None:
        endpoint = {"url": url, "events": ["message.status_update"]}
        hook = await self.post(f"{WEBHOOKS}/endpoints", endpoint, 201, lambda answer: answer["data"]["id"])
        assert hook.id is not None, hook.body

    def auth(self) -> dict[str, str]:
        return {"X-Api-Key": self.key}

    def number(self, phone: str) -> str:
        return phone.lstrip("+")

    def message_id(self, answer: Any) -> str:
        return str(answer["data"]["id"])

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent:
        return await self._send(to, "text", {"text": text})

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent:
        return await self._send(to, "template", {"template": {"name": name, "language": {"code": "en_US"}}})

    async def _send(self, to: str, kind: str, content: dict[str, Any]) -> Sent:
        body = {"channel_id": self.channel_id, "to": self.number(to), "type": kind, "content": content}
        return await self.post(SEND_TEXT.path, body)

    async def status(self, message_id: str) -> str:
        return str((await self.get(GET_STATUS.url("", message_id)))["data"]["status"])

    def check_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        assert headers.get("Content-Type", "").startswith("application/problem+json"), headers
        data = json.loads(body)
        contracts.validate(self.provider, "error", data)
        assert data["status"] == status

    async def webhooks(self) -> list[tuple[str, str]] | None:
        # The current docs' flat message.status_update body: {message_id, conversation_id, status, organization_id}.
        return [(body["message_id"], body["status"]) for body in self.bodies()]
