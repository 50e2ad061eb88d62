"""The fixtures over HTTPS: ``tls=True`` serves with a generated CA whose bundle ``ca_path`` names."""

from __future__ import annotations

import ssl

import aiohttp
import pytest
import requests

from wa_emulator.testing import Emulator, ThreadedEmulator


async def test_emulator_with_tls_serves_https_trusted_through_ca_path() -> None:
    async with Emulator(tls=True) as emu:
        assert emu.base_url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=emu.ca_path)
        async with aiohttp.ClientSession() as session:
            async with session.get(emu.base_url + "/_emulator/health", ssl=context) as answer:
                assert (await answer.json())["status"] == "ok"
            async with session.get(emu.base_url + "/_emulator/ca.pem", ssl=context) as answer:
                assert await answer.read() == emu.ca_path.read_bytes()
        ca = emu.ca_path
    assert not ca.exists()  # stopping the emulator removes its CA


async def test_without_tls_there_is_no_ca_and_ca_pem_is_a_control_404(emu, http) -> None:
    assert emu.ca_path is None and emu.base_url.startswith("http://")
    async with http.get(emu.base_url + "/_emulator/ca.pem") as answer:
        assert answer.status == 404
        assert (await answer.json())["error"]["code"] == "tls_off"


def test_threaded_emulator_with_tls_for_synchronous_clients() -> None:
    with ThreadedEmulator(tls=True) as emu:
        answer = requests.get(emu.url("mojeeb") + "/v1/whatsapp/messages/nope", verify=str(emu.ca_path), timeout=10)
        assert answer.status_code == 401  # Mojeeb's own answer over HTTPS: no key was sent


@pytest.mark.wa_emulator(tls=True)
def test_the_marker_turns_tls_on_for_the_sync_fixture(wa_emulator_sync) -> None:
    answer = requests.get(wa_emulator_sync.base_url + "/_emulator/health", verify=str(wa_emulator_sync.ca_path),
                          timeout=10)
    assert answer.json()["status"] == "ok"


@pytest.mark.wa_emulator(tls=True)
async def test_the_marker_turns_tls_on_for_the_async_fixture(wa_emulator) -> None:
    context = ssl.create_default_context(cafile=wa_emulator.ca_path)
    async with aiohttp.ClientSession() as session, session.get(wa_emulator.url("wazapin") + "/v1/messages/nope",
                                                               ssl=context) as answer:
        assert answer.status == 401
