"""The client's view of each provider, so one scenario test runs against every provider.

An adapter sends a text or a template to a number, polls a message's status in the
provider's own words, and lists the status webhooks it received, in arrival order. Adding a
provider to the bundled-scenario tests is adding an adapter here and a line in ``ADAPTERS``.
Adapters only speak HTTP to the emulator (provider API and control API), like a real client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self

import aiohttp

from tests.receiver import Receiver
from wa_emulator.testing.emulator import Emulator


@dataclass(frozen=True)
class Sent:
    """A send's HTTP answer; ``id`` is the message id when the provider accepted it."""

    status: int
    headers: Mapping[str, str]
    body: Any
    id: str | None


class Adapter(Protocol):
    provider: str
    words: Mapping[str, str]
    """The provider's word for each core status (queued, sent, received, delivered, read, failed, expired)."""

    def error_contract(self, status: int) -> str:
        """The contract (contracts/<provider>/<name>.json) an error answer with ``status`` follows."""

    async def load(self, scenario: str) -> None:
        """Put a bundled scenario in force (``POST /_emulator/scenario``), then get ready to send again."""

    async def use_key(self, name: str) -> None:
        """Send with the key of that name from /_emulator/credentials from now on."""

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent: ...

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent: ...

    async def status(self, message_id: str) -> str:
        """The message's status, as the provider words it."""

    async def webhooks(self) -> list[tuple[str, str]] | None:
        """Status webhooks received so far as (message id, provider word); None if the provider never pushes."""


@dataclass
class _Base:
    """What every adapter shares: the emulator, an HTTP session and a webhook receiver."""

    emu: Emulator
    http: aiohttp.ClientSession
    receiver: Receiver = field(default_factory=Receiver)  # started by the caller when webhooks matter
    default_key: ClassVar[str] = ""

    async def start(self) -> Self:
        """Take the default key and, for providers that push, point their webhook at the receiver."""
        await self.use_key(self.default_key)
        return self

    async def load(self, scenario: str) -> None:
        async with self.http.post(f"{self.emu.base_url}/_emulator/scenario", json={"name": scenario}) as response:
            assert response.status == 201, await response.text()
        self.receiver.received.clear()
        await self.start()  # a scenario starts the world afresh: keys and webhook settings included

    async def use_key(self, name: str) -> None:
        async with self.http.get(f"{self.emu.base_url}/_emulator/credentials") as response:
            organizations = (await response.json())[self.provider]["organizations"]
        for org in organizations:
            for key in org["keys"]:
                if key["name"] == name:
                    self.take(key, org)
                    return
        raise LookupError(f"no {self.provider} key named {name!r}")

    def take(self, key: dict[str, Any], org: dict[str, Any]) -> None:
        """Remember what sending with ``key`` of ``org`` needs (the secret, a sender)."""
        raise NotImplementedError

    def auth(self) -> dict[str, str]:
        raise NotImplementedError

    async def post(self, path: str, body: dict[str, Any], accepted: int, id_of: Callable[[Any], str]) -> Sent:
        """POST to the provider's API; ``id_of`` finds the message id in an answer with status ``accepted``."""
        async with self.http.post(self.emu.url(self.provider) + path, json=body, headers=self.auth()) as response:
            payload = await response.json(content_type=None)
            ok = response.status == accepted
            return Sent(response.status, dict(response.headers), payload, id_of(payload) if ok else None)

    async def get(self, path: str, **params: str) -> Any:
        """GET from the provider's API, which must answer 200."""
        async with self.http.get(self.emu.url(self.provider) + path, params=params, headers=self.auth()) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    provider: ClassVar[str] = ""


@dataclass
class MojeebAdapter(_Base):
    """Mojeeb: bearer keys, separate text and template endpoints, polling only (no webhooks)."""

    provider: ClassVar[str] = "mojeeb"
    default_key: ClassVar[str] = "full-access"
    words: ClassVar[Mapping[str, str]] = {
        "queued": "queued", "sent": "sent", "received": "sent", "delivered": "delivered",
        "read": "read", "failed": "failed", "expired": "failed",
    }
    key: str = ""
    agent_id: str = ""
    sender: str = ""

    def error_contract(self, status: int) -> str:
        return "error"

    def take(self, key: dict[str, Any], org: dict[str, Any]) -> None:
        self.key = key["secret"]
        self.agent_id = org["agents"][0]["id"]
        self.sender = org["agents"][0]["phones"][0]

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent:
        body = {"agent_id": self.agent_id, "from": self.sender, "to": to, "text": {"body": text}}
        return await self.post("/v1/whatsapp/messages", body, 202, lambda answer: answer["id"])

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent:
        body = {"agent_id": self.agent_id, "from": self.sender, "to": to, "template": {"name": name, "language": "en"}}
        return await self.post("/v1/whatsapp/templates", body, 202, lambda answer: answer["id"])

    async def status(self, message_id: str) -> str:
        return (await self.get(f"/v1/whatsapp/messages/{message_id}"))["status"]

    async def webhooks(self) -> list[tuple[str, str]] | None:
        return None  # Mojeeb documents no webhooks: clients poll

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class QlaraAdapter(_Base):
    """Qlara: X-Api-Key, one send endpoint, status by customerMessageId, one delivery-status webhook."""

    provider: ClassVar[str] = "qlara"
    default_key: ClassVar[str] = "production"
    words: ClassVar[Mapping[str, str]] = {
        "queued": "UNKNOWN", "sent": "SENT", "received": "RECEIVED", "delivered": "DELIVERED",
        "read": "READ", "failed": "ERROR", "expired": "EXPIRED",
    }
    # DELIVERY events carry a statusCode (qlara/guides/webhooks); READ events are their own type.
    CODES: ClassVar[Mapping[int, str]] = {1: "SENT", 2: "RECEIVED", 3: "DELIVERED", 4: "READ", 5: "ERROR", 6: "EXPIRED"}
    key: str = ""
    phone_number_id: int = 0

    def error_contract(self, status: int) -> str:
        return "rate-limit-error" if status == 429 else "error"

    def take(self, key: dict[str, Any], org: dict[str, Any]) -> None:
        self.key = key["secret"]
        self.phone_number_id = org["agents"][0]["phoneNumberId"]

    async def start(self) -> Self:
        await super().start()
        hook = await self.post("/partner-gateway/v1/webhooks/delivery-status", {"callbackUrl": self.receiver.url},
                               201, lambda answer: answer["id"])
        assert hook.id is not None, hook.body
        return self

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent:
        return await self._send({"destination": to, "phoneNumberId": self.phone_number_id, "body": {"text": text}})

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent:
        template = {"name": name, "language": "it", "parameters": []}
        return await self._send({"destination": to, "phoneNumberId": self.phone_number_id, "template": template})

    async def status(self, message_id: str) -> str:
        return (await self.get(f"/partner-gateway/v1/messages/status/{message_id}", channel="WHATSAPP"))[
            "deliveryStatus"
        ]

    async def webhooks(self) -> list[tuple[str, str]] | None:
        events = [received.json() for received in self.receiver.received]
        # READ events name only Qlara's messageId; DELIVERY events name both ids.
        customer_ids = {e["messageId"]: e["customerMessageId"] for e in events if e["eventType"] == "DELIVERY"}
        found = []
        for event in events:
            if event["eventType"] in ("DELIVERY", "READ"):
                word = "READ" if event["eventType"] == "READ" else self.CODES[event["statusCode"]]
                found.append((customer_ids.get(event["messageId"], event["messageId"]), word))
        return found

    async def _send(self, body: dict[str, Any]) -> Sent:
        return await self.post("/message-server/whatsapp/send", body, 200, lambda answer: answer["messageId"])

    def auth(self) -> dict[str, str]:
        return {"X-Api-Key": self.key}


@dataclass
class WazapinAdapter(_Base):
    """Wazapin: X-Api-Key, one send endpoint with bare-digit numbers, records in ``{"data": …}``, Svix webhooks."""

    provider: ClassVar[str] = "wazapin"
    default_key: ClassVar[str] = "full-access"
    words: ClassVar[Mapping[str, str]] = {
        "queued": "queued", "sent": "sent", "received": "sent", "delivered": "delivered",
        "read": "read", "failed": "failed", "expired": "failed",
    }
    key: str = ""
    channel_id: str = ""

    def error_contract(self, status: int) -> str:
        return "error"

    def take(self, key: dict[str, Any], org: dict[str, Any]) -> None:
        self.key = key["secret"]
        self.channel_id = org["agents"][0]["id"]

    async def start(self) -> Self:
        await super().start()
        endpoint = {"url": self.receiver.url, "events": ["message.status_update"]}
        hook = await self.post("/v1/settings/developer/webhooks/endpoints", endpoint, 201,
                               lambda answer: answer["data"]["id"])
        assert hook.id is not None, hook.body
        return self

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent:
        return await self._send(to, "text", {"text": text})

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent:
        return await self._send(to, "template", {"template": {"name": name, "language": {"code": "en_US"}}})

    async def status(self, message_id: str) -> str:
        return (await self.get(f"/v1/messages/{message_id}/status"))["data"]["status"]

    async def webhooks(self) -> list[tuple[str, str]] | None:
        # The current docs' flat message.status_update body: {message_id, conversation_id, status, organization_id}.
        return [(body["message_id"], body["status"]) for body in (r.json() for r in self.receiver.received)]

    async def _send(self, to: str, kind: str, content: dict[str, Any]) -> Sent:
        body = {"channel_id": self.channel_id, "to": to.lstrip("+"), "type": kind, "content": content}
        return await self.post("/v1/messages", body, 201, lambda answer: answer["data"]["id"])

    def auth(self) -> dict[str, str]:
        return {"X-Api-Key": self.key}


ADAPTERS: dict[str, type[MojeebAdapter | QlaraAdapter | WazapinAdapter]] = {
    "mojeeb": MojeebAdapter, "qlara": QlaraAdapter, "wazapin": WazapinAdapter,
}
