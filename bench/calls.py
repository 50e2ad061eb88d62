"""How the benchmarks and the soak call each provider: a valid send, the status lookup, the credentials.

A send's body is its operation's ``example`` and the credentials are the API's ``sandbox_headers``,
both from the provider's operations table; what no table says (where an answer names the message
id and its status word, and the order of those words) is the one entry per provider in ``CALLS``.

>>> CALLS["qlara"].status_path("m1")
'/partner-gateway/v1/messages/status/m1?channel=WHATSAPP'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from wa_emulator.core.world import World
from wa_emulator.providers.mojeeb.operations import API as MOJEEB
from wa_emulator.providers.qlara import sandbox as qlara_sandbox
from wa_emulator.providers.qlara.operations import API as QLARA
from wa_emulator.providers.wazapin.operations import API as WAZAPIN
from wa_emulator.web.operations import ApiDescription, Operation

Body = dict[str, Any]

def example(api: ApiDescription, operation_id: str) -> Body:
    """A valid request body of the operation (a copy: callers change the recipient)."""
    found = api.operation(operation_id).example
    if found is None:
        raise LookupError(f"{api.folder} {operation_id} has no example request")
    return dict(found)


def _dig(answer: Any, path: tuple[str, ...]) -> str:
    for key in path:
        answer = answer[key]
    return str(answer)


@dataclass(frozen=True, slots=True)
class Calls:
    """What calling one provider takes, beyond its operations table."""

    api: ApiDescription
    send: str
    """Operation id of the template send (allowed outside the 24-hour window)."""
    status: str
    """Operation id of the status lookup."""
    message_id: tuple[str, ...]
    """Where a send's answer names the message (the id the status lookup takes)."""
    word: tuple[str, ...]
    """Where the status lookup's answer names the status."""
    ranks: Mapping[str, int]
    """Each status word ranked: a later poll must never rank lower."""
    text: Callable[[Body], Body]
    """The template send's body turned into a free-form text send."""
    text_send: str = ""
    """Operation id of the text send, when it is not the template send's."""
    recipient: str = "to"
    status_query: str = ""
    """A query string the status lookup needs."""
    bare_digits: bool = False
    """Numbers are written without their "+"."""

    @property
    def provider(self) -> str:
        return self.api.folder

    def headers(self) -> dict[str, str]:
        """The sandbox's full-access credentials."""
        return dict(self.api.sandbox_headers)

    def send_operation(self) -> Operation:
        return self.api.operation(self.send)

    def send_body(self, to: str | None = None) -> Body:
        """The template send's example, to ``to`` if given."""
        body = example(self.api, self.send)
        if to is not None:
            body[self.recipient] = to.lstrip("+") if self.bare_digits else to
        return body

    def status_operation(self) -> Operation:
        return self.api.operation(self.status)

    def status_path(self, message_id: str) -> str:
        """The status lookup of ``message_id``, relative to the provider's base URL."""
        operation = self.status_operation()
        path = operation.path
        for name in operation.path_parameters():
            path = path.replace(f"{{{name}}}", message_id)
        return path + (f"?{self.status_query}" if self.status_query else "")

    async def send_template(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        """Send the template to ``to``; the message id."""
        return await self._post(http, base, self.send_operation(), self.send_body(to))

    async def send_text(self, http: aiohttp.ClientSession, base: str, to: str) -> str:
        """Send free-form text to ``to`` (subject to the 24-hour window); the message id."""
        operation = self.api.operation(self.text_send or self.send)
        return await self._post(http, base, operation, self.text(self.send_body(to)))

    async def poll(self, http: aiohttp.ClientSession, base: str, message_id: str) -> str:
        """The message's status word as the status lookup answers it."""
        async with http.get(base + self.status_path(message_id), headers=self.headers()) as response:
            answer = await response.json(content_type=None)
            if response.status != 200:
                raise RuntimeError(f"{self.provider} status lookup answered {response.status}: {answer}")
        return _dig(answer, self.word)

    async def _post(self, http: aiohttp.ClientSession, base: str, operation: Operation, body: Body) -> str:
        accepted = min(status for status in operation.responses if 200 <= status < 300)
        async with http.post(base + operation.path, json=body, headers=self.headers()) as response:
            answer = await response.json(content_type=None)
            if response.status != accepted:
                raise RuntimeError(f"{self.provider} send answered {response.status}: {answer}")
        return _dig(answer, self.message_id)


_LOWERCASE_RANK = {"queued": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 3}

CALLS: dict[str, Calls] = {calls.provider: calls for calls in (
    Calls(MOJEEB, "sendTemplate", "getMessage", ("id",), ("status",), _LOWERCASE_RANK,
          text=lambda template: {**example(MOJEEB, "sendMessage"), "to": template["to"]}, text_send="sendMessage"),
    Calls(WAZAPIN, "sendMessage", "getMessage", ("data", "id"), ("data", "status"), _LOWERCASE_RANK,
          text=lambda template: {**template, "type": "text", "content": {"text": "Halo!"}}, bare_digits=True),
    Calls(QLARA, "sendWhatsapp", "getStatus", ("messageId",), ("deliveryStatus",),
          {"UNKNOWN": 0, "SENT": 1, "RECEIVED": 2, "DELIVERED": 3, "READ": 4, "ERROR": 4, "EXPIRED": 4},
          text=lambda template: {"destination": template["destination"], "phoneNumberId": template["phoneNumberId"],
                                 "body": {"text": "Ciao Sara!"}},
          recipient="destination", status_query="channel=WHATSAPP"),
)}
"""Every provider, in the emulator's mount order."""


def unlimit(world: World, per_minute: int) -> None:
    """Raise every sandbox rate limit to ``per_minute``, so a load measures the server, not the limiter."""
    for key in world.tenants.keys.values():
        key.rate_limit = per_minute  # Mojeeb and Wazapin limit each key
    for org in world.tenants.orgs_of(QLARA.folder):  # Qlara limits each account, per minute and per second
        org.settings[qlara_sandbox.PER_MINUTE] = per_minute
        org.settings[qlara_sandbox.PER_SECOND] = per_minute
