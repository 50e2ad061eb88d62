"""Helpers for Qlara tests: the sandbox credentials, a thin request wrapper and contract checks."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from wa_emulator import contracts
from wa_emulator.providers.qlara import sandbox
from wa_emulator.testing.emulator import Emulator

CUSTOMER = "+393401234567"
TEMPLATE = {
    "destination": CUSTOMER,
    "phoneNumberId": sandbox.PHONE_MAIN,
    "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara"]},
}
TEXT = {"destination": CUSTOMER, "phoneNumberId": sandbox.PHONE_MAIN, "body": {"text": "Ciao Sara!"}}
WEBHOOKS = "/partner-gateway/v1/webhooks/delivery-status"


@dataclass
class Answer:
    status: int
    headers: Any
    body: Any


def basic(username: str, password: str) -> dict[str, str]:
    """An ``Authorization: Basic`` header.

    >>> basic("u", "p")
    {'Authorization': 'Basic dTpw'}
    """
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


@dataclass
class Qlara:
    emu: Emulator
    http: aiohttp.ClientSession
    key: str = sandbox.KEY_PRODUCTION

    async def call(self, method: str, path: str, *, key: str | None = None, json: Any = None,
                   headers: dict[str, str] | None = None, data: Any = None, params: Any = None) -> Answer:
        """Call ``path`` under the Qlara base URL; ``key=""`` sends no X-Api-Key."""
        sent = dict(headers or {})
        if key != "" and "Authorization" not in sent:
            sent.setdefault("X-Api-Key", key or self.key)
        async with self.http.request(method, self.emu.url("qlara") + path, json=json, data=data, headers=sent,
                                     params=params) as response:
            body = await response.json(content_type=None) if await response.read() else None
            answer = Answer(response.status, response.headers, body)
        check_error_contract(answer)
        return answer

    async def send(self, body: dict[str, Any] | None = None, **kw: Any) -> Answer:
        answer = await self.call("POST", "/message-server/whatsapp/send", json=TEMPLATE if body is None else body,
                                 **kw)
        if answer.status == 200:
            contracts.validate("qlara", "send-response", answer.body)
        return answer

    async def status(self, customer_message_id: str, channel: str | None = "WHATSAPP", **kw: Any) -> Answer:
        params = {"channel": channel} if channel is not None else None
        answer = await self.call("GET", f"/partner-gateway/v1/messages/status/{customer_message_id}",
                                 params=params, **kw)
        if answer.status == 200:
            contracts.validate("qlara", "status", answer.body)
        return answer

    async def word(self, customer_message_id: str) -> str:
        """The ``deliveryStatus`` of a message now."""
        answer = await self.status(customer_message_id)
        assert answer.status == 200, answer.body
        return answer.body["deliveryStatus"]

    async def set_webhook(self, url: str, **kw: Any) -> Answer:
        return await self.call("POST", WEBHOOKS, json={"callbackUrl": url}, **kw)


def check_error_contract(answer: Answer) -> None:
    """Every error answer is in Qlara's shape: the documented 429 body or the designed one."""
    if answer.status >= 400:
        contracts.validate("qlara", "rate-limit-error" if answer.status == 429 else "error", answer.body)


@pytest.fixture
def qlara(emu: Emulator, http: aiohttp.ClientSession) -> Qlara:
    """A Qlara client using the sandbox production account's API key."""
    return Qlara(emu, http)


def open_window(emu: Emulator, phone: str = CUSTOMER) -> None:
    """Make ``phone`` a customer who wrote in just now."""
    emu.world.contacts.update(phone, last_inbound=emu.world.clock.now())
