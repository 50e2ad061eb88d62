"""Fixtures for scenario tests: a client adapter per provider, and loading a scenario over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest

from tests.receiver import Receiver
from wa_emulator.testing.emulator import Emulator

from .adapters import ADAPTERS, Adapter


@pytest.fixture(params=sorted(ADAPTERS))
async def client(request: pytest.FixtureRequest, emu: Emulator, http: aiohttp.ClientSession) -> AsyncIterator[Adapter]:
    """One provider's client view of ``emu`` (the test runs once per provider in ``ADAPTERS``)."""
    async with Receiver() as receiver:
        yield await ADAPTERS[request.param](emu, http, receiver).start()


UseScenario = Callable[[str], Awaitable[None]]


@pytest.fixture
def use(emu: Emulator, http: aiohttp.ClientSession) -> UseScenario:
    """Load a bundled scenario the way a user would, ``POST /_emulator/scenario``: ``await use("happy-path")``."""

    async def load(name: str) -> None:
        async with http.post(f"{emu.base_url}/_emulator/scenario", json={"name": name}) as response:
            assert response.status == 201, await response.text()

    return load
