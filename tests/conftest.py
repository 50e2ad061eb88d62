"""Shared fixtures: an in-process emulator on 127.0.0.1:0 and an HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from wa_emulator.testing.emulator import Emulator

# pytester runs the plugin's own tests; the plugin is listed so the suite also works
# where the project is not installed (its entry point then is not there to load it).
pytest_plugins = ["pytester", "wa_emulator.testing.pytest_plugin"]


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytester whose runs print the same report on a laptop and in CI.

    pytest stops shortening its summary lines when ``CI`` or ``BUILD_NUMBER`` is set,
    and wraps them at the terminal's width; tests that compare a run's output with the
    docs need one fixed form.
    """
    for name in ("CI", "BUILD_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    return pytester


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """A running emulator with a manual clock, stopped after the test.

    Strict: every response body is checked against its contract, so a test that gets
    a 500 ``contract_violation`` has found a body that breaks its schema.
    """
    async with Emulator(strict=True) as emulator:
        yield emulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp client session."""
    async with aiohttp.ClientSession() as session:
        yield session
