"""A tiny client for the strategy's tests: subscribe, send, and feed each status webhook to a tracker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from examples.clients import QLARA_CODES, QLARA_WORDS
from examples.trackers import Tracker
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
                "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara"]}}
        await self._post("/message-server/whatsapp/send", body, {"X-Api-Key": qlara.KEY_PRODUCTION})
        return self.emulator.messages()[-1]["id"]


def parse(provider: str, body: Any) -> tuple[str, str]:
    """``(message id, status in core words)`` of one status webhook body, as an integration reads it."""
    if provider == "wazapin":
        return find(body, "message_id"), find(body, "status")
    if body["eventType"] == "READ":  # messageId: the emulator's id, on DELIVERY and READ events alike
        return body["messageId"], "read"
    return body["messageId"], QLARA_CODES[body["statusCode"]]


def to_core(provider: str, word: str) -> str:
    """A provider's status word in the trackers' (core) words."""
    return QLARA_WORDS[word] if provider == "qlara" else word


@dataclass
class Fed:
    """An ``examples/trackers.py`` tracker behind a webhook handler: each body becomes ``on_status``."""

    provider: str
    tracker: Tracker

    def handle(self, body: Any) -> None:
        message_id, status = parse(self.provider, body)
        self.tracker.on_status(message_id, status)
