"""Helpers for Mojeeb tests: the sandbox credentials and a thin request wrapper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from wa_emulator.providers.mojeeb import sandbox
from wa_emulator.testing.emulator import Emulator

TEXT = {
    "agent_id": sandbox.AGENT_SUPPORT,
    "from": "+15550100001",
    "to": "+15551234567",
    "text": {"body": "Your order has shipped."},
}
TEMPLATE = {
    "agent_id": sandbox.AGENT_SUPPORT,
    "from": "+15550100001",
    "to": "+15551234567",
    "template": {"name": "order_tracking", "language": "en",
                 "parameters": {"customer_name": "Sara", "tracking_url": "https://example.com/t/1"}},
}


@dataclass
class Answer:
    status: int
    headers: Any
    body: Any


@dataclass
class Mojeeb:
    emu: Emulator
    http: aiohttp.ClientSession
    key: str = sandbox.KEY_FULL

    async def call(self, method: str, path: str, *, key: str | None = None, json: Any = None,
                   headers: dict[str, str] | None = None, data: Any = None) -> Answer:
        sent = dict(headers or {})
        if key != "":
            sent.setdefault("Authorization", f"Bearer {key or self.key}")
        async with self.http.request(method, self.emu.url("mojeeb") + path, json=json, data=data,
                                     headers=sent) as response:
            body = await response.json(content_type=None)
            return Answer(response.status, response.headers, body)

    async def send(self, body: dict[str, Any] | None = None, **kw: Any) -> Answer:
        return await self.call("POST", "/v1/whatsapp/messages", json=body or TEXT, **kw)

    async def send_template(self, body: dict[str, Any] | None = None, **kw: Any) -> Answer:
        return await self.call("POST", "/v1/whatsapp/templates", json=body or TEMPLATE, **kw)

    async def get(self, message_id: str, **kw: Any) -> Answer:
        return await self.call("GET", f"/v1/whatsapp/messages/{message_id}", **kw)


@pytest.fixture
def mojeeb(emu: Emulator, http: aiohttp.ClientSession) -> Mojeeb:
    """A Mojeeb client using the sandbox full-access key."""
    return Mojeeb(emu, http)


def open_window(emu: Emulator, phone: str = "+15551234567") -> None:
    """Make ``phone`` a customer who wrote in just now."""
    emu.world.contacts.update(phone, last_inbound=emu.world.clock.now())
