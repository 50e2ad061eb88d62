"""Fixtures for scenario tests: each provider's client in turn, and loading a scenario over HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from tests.support import CLIENTS, Client
from wa_emulator.testing.emulator import Emulator
from wa_emulator.testing.sink import WebhookSink


@pytest.fixture(params=sorted(CLIENTS))
async def client(request: pytest.FixtureRequest, emu: Emulator, http: aiohttp.ClientSession,
                 wa_webhook_sink: WebhookSink) -> Client:
    """One provider's client of ``emu``, its webhooks going to the sink (the test runs once per provider)."""
    return await CLIENTS[request.param](emu, http, wa_webhook_sink).start()


UseScenario = Callable[[str], Awaitable[None]]


@pytest.fixture
def use(emu: Emulator, http: aiohttp.ClientSession) -> UseScenario:
    """Load a bundled scenario the way a user would, ``POST /_emulator/scenario``: ``await use("happy-path")``."""

    async def load(name: str) -> None:
        async with http.post(f"{emu.base_url}/_emulator/scenario", json={"name": name}) as response:
            assert response.status == 201, await response.text()

    return load
