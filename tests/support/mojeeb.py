"""Mojeeb's client: two send routes and one status route, Bearer keys, ``{"error": {...}}``, no webhooks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from wa_emulator import contracts
from wa_emulator.providers.mojeeb import sandbox

from .base import LOWERCASE_RANK, LOWERCASE_WORDS, Client, Route, Sent

TO = "+15551234567"
SENDER = "+15550100001"  # the sandbox support agent's first number
SEND_TEMPLATE = Route(
    "send_template", "POST", "/v1/whatsapp/templates", "send",
    body={"agent_id": sandbox.AGENT_SUPPORT, "from": SENDER, "to": TO,
          "template": {"name": "order_shipped", "language": "en", "parameters": {"customer_name": "Sara"}}},
    phone_field="to",
    loose_fields=("template.parameters.customer_name",),  # placeholders take strings or numbers
)
SEND_TEXT = Route(
    "send_message", "POST", "/v1/whatsapp/messages", "send",
    body={"agent_id": sandbox.AGENT_SUPPORT, "from": SENDER, "to": TO, "text": {"body": "Hello"}},
    phone_field="to",
)
GET_MESSAGE = Route("get_message", "GET", "/v1/whatsapp/messages/{id}", "status")


@dataclass
class MojeebClient(Client):
    """Calls https://docs.mojeeb.app's API v1 as the emulator plays it; clients poll (Mojeeb has no webhooks)."""

    provider: ClassVar[str] = "mojeeb"
    routes: ClassVar[tuple[Route, ...]] = (SEND_TEMPLATE, SEND_TEXT, GET_MESSAGE)
    accepted: ClassVar[int] = 202
    default_key: ClassVar[str] = "full-access"
    words: ClassVar[Mapping[str, str]] = LOWERCASE_WORDS
    status_rank: ClassVar[Mapping[str, int]] = LOWERCASE_RANK
    key: str = sandbox.KEY_FULL
    agent_id: str = sandbox.AGENT_SUPPORT
    sender: str = SENDER

    def take(self, key: dict[str, Any], org: dict[str, Any]) -> None:
        self.key = key["secret"]
        self.agent_id = org["agents"][0]["id"]
        self.sender = org["agents"][0]["phones"][0]

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def message_id(self, answer: Any) -> str:
        return str(answer["id"])

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent:
        body = {"agent_id": self.agent_id, "from": self.sender, "to": to, "text": {"body": text}}
        return await self.post(SEND_TEXT.path, body)

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent:
        body = {"agent_id": self.agent_id, "from": self.sender, "to": to, "template": {"name": name, "language": "en"}}
        return await self.post(SEND_TEMPLATE.path, body)

    async def status(self, message_id: str) -> str:
        return str((await self.get(GET_MESSAGE.url("", message_id)))["status"])

    def check_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        assert headers.get("Content-Type", "").startswith("application/json"), headers
        data = json.loads(body)
        contracts.validate(self.provider, "error", data)
        assert data["error"]["correlation_id"] == headers["X-Correlation-ID"]
