"""Helpers for Wazapin tests: sandbox credentials, a thin client that checks every body against
its contract, and the public webhook sink to record signed deliveries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from wa_emulator import contracts
from wa_emulator.providers.wazapin import sandbox
from wa_emulator.testing import Emulator, WebhookSink

CUSTOMER = "6281234567890"
TEXT = {"channel_id": sandbox.CHANNEL_MAIN, "to": CUSTOMER, "type": "text", "content": {"text": "Halo!"}}
TEMPLATE = {
    "channel_id": sandbox.CHANNEL_MAIN,
    "to": CUSTOMER,
    "type": "template",
    "content": {"template": {"name": "otp_code", "language": {"code": "en_US"},
                             "components": [{"type": "body", "parameters": [{"type": "text", "text": "42"}]}]}},
}
WEBHOOKS = "/v1/settings/developer/webhooks"


@dataclass
class Answer:
    status: int
    headers: Any
    body: Any


@dataclass
class Wazapin:
    emu: Emulator
    http: aiohttp.ClientSession
    key: str = sandbox.KEY_FULL

    async def call(self, method: str, path: str, *, key: str | None = None, json: Any = None,
                   headers: dict[str, str] | None = None, data: Any = None) -> Answer:
        """One request with ``X-Api-Key``; error bodies are checked against the error contracts."""
        sent = dict(headers or {})
        if key != "" and "Authorization" not in sent:
            sent.setdefault("X-Api-Key", key or self.key)
        async with self.http.request(method, self.emu.url("wazapin") + path, json=json, data=data,
                                     headers=sent) as response:
            body = await response.json(content_type=None) if response.status != 204 else None
            answer = Answer(response.status, response.headers, body)
        if answer.status >= 400:
            name = "error-legacy" if isinstance(body, dict) and "error" in body else "error"
            contracts.validate("wazapin", name, body)
            if name == "error":
                assert response.content_type == "application/problem+json"
                assert body["status"] == answer.status
        return answer

    async def send(self, body: dict[str, Any] | None = None, **kw: Any) -> Answer:
        answer = await self.call("POST", "/v1/messages", json=body or TEXT, **kw)
        if answer.status == 201:
            contracts.validate("wazapin", "message", answer.body)
        return answer

    async def get(self, message_id: str, **kw: Any) -> Answer:
        answer = await self.call("GET", f"/v1/messages/{message_id}", **kw)
        if answer.status == 200:
            contracts.validate("wazapin", "message", answer.body)
        return answer

    async def status(self, message_id: str, **kw: Any) -> Answer:
        answer = await self.call("GET", f"/v1/messages/{message_id}/status", **kw)
        if answer.status == 200:
            contracts.validate("wazapin", "message-status", answer.body)
        return answer

    async def add_endpoint(self, url: str, **fields: Any) -> dict[str, Any]:
        """Register a webhook endpoint; returns it with its secret."""
        answer = await self.call("POST", f"{WEBHOOKS}/endpoints", json={"url": url, **fields})
        assert answer.status == 201, answer.body
        contracts.validate("wazapin", "webhook-endpoint", answer.body)
        return answer.body["data"]

    async def deliveries(self, **query: str) -> list[dict[str, Any]]:
        params = "&".join(f"{k}={v}" for k, v in query.items())
        answer = await self.call("GET", f"{WEBHOOKS}/deliveries?{params}")
        assert answer.status == 200, answer.body
        for delivery in answer.body["data"]:
            contracts.validate("wazapin", "webhook-delivery", delivery)
        return answer.body["data"]


@pytest.fixture
def wazapin(emu: Emulator, http: aiohttp.ClientSession) -> Wazapin:
    """A Wazapin client using the sandbox full-access key of Acme."""
    return Wazapin(emu, http)


@pytest.fixture
def sink(wa_webhook_sink: WebhookSink) -> WebhookSink:
    """The plugin's webhook sink on 127.0.0.1: it answers 200 unless told otherwise."""
    return wa_webhook_sink


@asynccontextmanager
async def started_sink() -> AsyncIterator[WebhookSink]:
    """A webhook sink of the block's own, stopped when it ends: for tests that need several at once."""
    started = await WebhookSink().start()
    try:
        yield started
    finally:
        await started.stop()


def open_window(emu: Emulator, phone: str = CUSTOMER) -> None:
    """Make ``phone`` a customer who wrote in just now (free-form messages may go out)."""
    emu.world.contacts.update("+" + phone.lstrip("+"), last_inbound=emu.world.clock.now())
