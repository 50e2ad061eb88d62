"""Tiny clients and status trackers for the strategy's tests: subscribe, send, and handle webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp

from wa_emulator.providers.qlara import sandbox as qlara
from wa_emulator.providers.wazapin import sandbox as wazapin
from wa_emulator.testing import Emulator
from wa_emulator.testing.schedules import SentMessage


def find(node: Any, key: str) -> Any:
    """The first value of ``key`` anywhere in a JSON body."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            found = find(item, key)
            if found is not None:
                return found
    return None


@dataclass
class Harness:
    """Subscribes a receiver and sends templates the way each provider's docs say."""

    emulator: Emulator
    provider: str

    async def _post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        async with aiohttp.ClientSession() as http, http.post(
                self.emulator.url(self.provider) + path, json=body, headers=headers) as answer:
            assert answer.status in (200, 201, 202), (answer.status, await answer.text())
            return await answer.json()

    async def subscribe(self, url: str) -> None:
        if self.provider == "wazapin":
            await self._post("/v1/settings/developer/webhooks/endpoints",
                             {"url": url, "events": ["message.status_update"]}, {"X-Api-Key": wazapin.KEY_FULL})
        else:
            await self._post("/partner-gateway/v1/webhooks/delivery-status", {"callbackUrl": url},
                             {"X-Api-Key": qlara.KEY_PRODUCTION})

    async def send(self, message: SentMessage) -> str:
        if self.provider == "wazapin":
            body = {"channel_id": wazapin.CHANNEL_MAIN, "to": message.to.lstrip("+"), "type": "template",
                    "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}
            return (await self._post("/v1/messages", body, {"X-Api-Key": wazapin.KEY_FULL}))["data"]["id"]
        body = {"destination": message.to, "phoneNumberId": qlara.PHONE_MAIN,
                "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara", "A-42"]}}
        await self._post("/message-server/whatsapp/send", body, {"X-Api-Key": qlara.KEY_PRODUCTION})
        return self.emulator.messages()[-1]["id"]


# Provider words, in the order a message moves through them.
RANK = {"sent": 1, "SENT": 1, "RECEIVED": 2, "delivered": 3, "DELIVERED": 3, "read": 4, "READ": 4,
        "failed": 5, "ERROR": 5}


def parse(provider: str, body: Any) -> tuple[str, str]:
    """``(message key, status word)`` of one status webhook body."""
    if provider == "wazapin":
        return find(body, "message_id"), find(body, "status")
    key = body["messageId"]  # the emulator's id, on DELIVERY and READ events alike
    if body["eventType"] == "READ":
        return key, "READ"
    words = {1: "SENT", 2: "RECEIVED", 3: "DELIVERED", 5: "ERROR"}
    return key, words[body["statusCode"]]


@dataclass
class LastWriteWins:
    """The bug of chatwoot #14529 and whatsapp-api-manager #102: whatever arrived last is the status."""

    provider: str
    status: dict[str, str] = field(default_factory=dict)

    def handle(self, body: Any) -> None:
        key, word = parse(self.provider, body)
        self.status[key] = word


@dataclass
class Ranked:
    """A correct tracker: a status only moves forward, and a terminal one sticks."""

    provider: str
    status: dict[str, str] = field(default_factory=dict)

    def handle(self, body: Any) -> None:
        key, word = parse(self.provider, body)
        current = self.status.get(key)
        if current is None or (RANK[current] < RANK[word] and current not in ("read", "READ", "failed", "ERROR")):
            self.status[key] = word
