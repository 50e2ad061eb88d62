"""The client's view of each provider, so one scenario test runs against every provider.

An adapter sends a text or a template to a number, polls a message's status in the
provider's own words, and lists the status webhooks it received, in arrival order. Adding a
provider to the bundled-scenario tests is adding an adapter here and a line in ``ADAPTERS``.
Adapters only speak HTTP to the emulator (provider API and control API), like a real client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import aiohttp

from emulator.testing import Emulator


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
    error_contract: str
    """The contract (contracts/<provider>/<name>.json) its error bodies follow."""

    async def use_key(self, name: str) -> None:
        """Send with the key of that name from /_emulator/credentials from now on."""

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent: ...

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent: ...

    async def status(self, message_id: str) -> str:
        """The message's status, as the provider words it."""

    async def webhooks(self) -> list[tuple[str, str]] | None:
        """Status webhooks received so far as (message id, provider word); None if the provider never pushes."""


@dataclass
class MojeebAdapter:
    """Mojeeb: bearer keys, separate text and template endpoints, polling only (no webhooks)."""

    emu: Emulator
    http: aiohttp.ClientSession
    provider: ClassVar[str] = "mojeeb"
    error_contract: ClassVar[str] = "error"
    words: ClassVar[Mapping[str, str]] = {
        "queued": "queued", "sent": "sent", "received": "sent", "delivered": "delivered",
        "read": "read", "failed": "failed", "expired": "failed",
    }
    key: str = ""
    agent_id: str = ""
    sender: str = ""
    _org: dict[str, Any] = field(default_factory=dict)

    async def start(self) -> MojeebAdapter:
        await self.use_key("full-access")
        return self

    async def use_key(self, name: str) -> None:
        async with self.http.get(f"{self.emu.base_url}/_emulator/credentials") as response:
            organizations = (await response.json())["mojeeb"]["organizations"]
        for org in organizations:
            for key in org["keys"]:
                if key["name"] == name:
                    self.key = key["secret"]
                    self.agent_id = org["agents"][0]["id"]
                    self.sender = org["agents"][0]["phones"][0]
                    return
        raise LookupError(f"no Mojeeb key named {name!r}")

    async def send_text(self, to: str, text: str = "Hello from a scenario test") -> Sent:
        body = {"agent_id": self.agent_id, "from": self.sender, "to": to, "text": {"body": text}}
        return await self._send("/v1/whatsapp/messages", body)

    async def send_template(self, to: str, name: str = "order_shipped") -> Sent:
        body = {"agent_id": self.agent_id, "from": self.sender, "to": to, "template": {"name": name, "language": "en"}}
        return await self._send("/v1/whatsapp/templates", body)

    async def status(self, message_id: str) -> str:
        async with self.http.get(f"{self.emu.url('mojeeb')}/v1/whatsapp/messages/{message_id}",
                                 headers=self._auth()) as response:
            assert response.status == 200, await response.text()
            return (await response.json())["status"]

    async def webhooks(self) -> list[tuple[str, str]] | None:
        return None  # Mojeeb documents no webhooks: clients poll

    async def _send(self, path: str, body: dict[str, Any]) -> Sent:
        async with self.http.post(f"{self.emu.url('mojeeb')}{path}", json=body, headers=self._auth()) as response:
            payload = await response.json()
            accepted = response.status == 202
            return Sent(response.status, dict(response.headers), payload, payload["id"] if accepted else None)

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


ADAPTERS: dict[str, type[MojeebAdapter]] = {"mojeeb": MojeebAdapter}
