"""Proxy mode's shared pieces: one call per provider at its real base URL, and a clean proxy environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from wa_emulator.providers.mojeeb import sandbox as mojeeb
from wa_emulator.providers.qlara import sandbox as qlara
from wa_emulator.providers.wazapin import sandbox as wazapin
from wa_emulator.testing import ThreadedEmulator

# Variables that would send a client elsewhere (or straight past the proxy) on a developer's machine.
OTHER_PROXY_VARIABLES = ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


@dataclass(frozen=True)
class RealApi:
    """One provider as its production clients are configured: the real base URL, auth and two calls."""

    provider: str
    base: str
    headers: dict[str, str]
    send_path: str
    send_body: dict[str, Any]
    message_id: Callable[[Any], str]
    status_path: str  # with {id}
    status: Callable[[Any], str]

    def status_url(self, message_id: str, base: str | None = None) -> str:
        return (base or self.base) + self.status_path.replace("{id}", message_id)


REAL_APIS = (
    RealApi("mojeeb", "https://api.mojeeb.app", {"Authorization": f"Bearer {mojeeb.KEY_FULL}"},
            "/v1/whatsapp/messages",
            {"agent_id": mojeeb.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567", "text": {"body": "Hi"}},
            lambda answer: answer["id"], "/v1/whatsapp/messages/{id}", lambda answer: answer["status"]),
    RealApi("wazapin", "https://api.wazapin.com", {"X-Api-Key": wazapin.KEY_FULL}, "/v1/messages",
            {"channel_id": wazapin.CHANNEL_MAIN, "to": "6281234567890", "type": "text", "content": {"text": "Halo"}},
            lambda answer: answer["data"]["id"], "/v1/messages/{id}/status", lambda answer: answer["data"]["status"]),
    RealApi("qlara", "https://lora-api.agiletelecom.com/api", {"X-Api-Key": qlara.KEY_PRODUCTION},
            "/message-server/whatsapp/send",
            {"destination": "+393401234567", "phoneNumberId": qlara.PHONE_MAIN, "body": {"text": "Ciao"}},
            lambda answer: answer["messageId"], "/partner-gateway/v1/messages/status/{id}?channel=WHATSAPP",
            lambda answer: answer["deliveryStatus"]),
)


@pytest.fixture(scope="module")
def proxied() -> Iterator[ThreadedEmulator]:
    """One emulator in proxy mode for a module's synchronous clients."""
    with ThreadedEmulator(proxy=True) as emu:
        yield emu


@pytest.fixture
def proxy_environment(proxied: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This process's environment as a user of proxy mode sets it (and the whole of it, for a child)."""
    for name in OTHER_PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in proxied.proxy_env().items():
        monkeypatch.setenv(name, value)
    return dict(os.environ)
