"""Bodies and query parameters a client gets wrong get a clear 4xx, never a 500; a client that hangs up is its own kind.

Encoded bodies (``Content-Encoding``) are refused with 415 before anything is inflated;
numeric query parameters are whole ASCII numbers within a bound; a request whose client
leaves halfway through its body is a 499 ``client_disconnected`` journal entry, not an
internal error.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import tracemalloc
import zlib
from typing import Any

import aiohttp
import pytest

from wa_emulator.providers.mojeeb.operations import API as MOJEEB
from wa_emulator.providers.qlara.operations import API as QLARA
from wa_emulator.providers.wazapin.operations import API as WAZAPIN
from wa_emulator.testing.emulator import Emulator
from wa_emulator.web.operations import ApiDescription

from ..support import CLIENTS

SENDS: dict[str, tuple[ApiDescription, str]] = {
    "mojeeb": (MOJEEB, "sendMessage"), "wazapin": (WAZAPIN, "sendMessage"), "qlara": (QLARA, "sendWhatsapp"),
}


def bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped, made a megabyte at a time (a few dozen kilobytes on the wire)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1024 * 1024)
    return b"".join([*(packer.compress(chunk) for _ in range(size // len(chunk))), packer.flush()])


async def send_raw(emu: Emulator, http: aiohttp.ClientSession, provider: str, body: bytes,
                   headers: dict[str, str]) -> tuple[int, Any, bytes]:
    api, operation_id = SENDS[provider]
    op = api.operation(operation_id)
    async with http.post(emu.url(provider) + op.path, data=body, compress=None,
                         headers={**api.sandbox_headers, "Content-Type": "application/json", **headers}) as response:
        return response.status, response.headers, await response.read()


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "x-unknown-zip"])
@pytest.mark.parametrize("provider", list(SENDS))
async def test_an_encoded_body_is_refused_with_415_in_the_providers_envelope(
    emu: Emulator, http: aiohttp.ClientSession, provider: str, encoding: str,
) -> None:
    api, operation_id = SENDS[provider]
    body = gzip.compress(json.dumps(api.operation(operation_id).example).encode())
    status, headers, raw = await send_raw(emu, http, provider, body, {"Content-Encoding": encoding})
    assert status == 415, raw
    assert encoding in raw.decode()
    CLIENTS[provider](emu, http).check_error(status, headers, raw)
    assert len(emu.world.store) == 0


async def test_a_gzip_bomb_is_refused_without_inflating_it(emu: Emulator, http: aiohttp.ClientSession) -> None:
    limit = emu.settings.max_body_bytes
    body = bomb(64 * limit)
    tracemalloc.start()
    try:
        status, _, raw = await send_raw(emu, http, "mojeeb", body, {"Content-Encoding": "gzip"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 415, raw
    assert peak < limit, f"{peak} bytes traced while refusing a {64 * limit}-byte bomb"


async def test_identity_is_no_encoding(emu: Emulator, http: aiohttp.ClientSession) -> None:
    body = json.dumps(MOJEEB.operation("sendMessage").example).encode()
    status, _, raw = await send_raw(emu, http, "mojeeb", body, {"Content-Encoding": "identity"})
    assert status == 202, raw


BAD_NUMBERS = ["9" * 40, "9" * 5000, "\u00b3", "\u0663", "-1", "0", "101", "1.5", "1e2", " 5", "", "0x10"]


@pytest.mark.parametrize("raw", BAD_NUMBERS)
@pytest.mark.parametrize("path", ["/v1/messages", "/v1/settings/developer/webhooks/deliveries"])
async def test_a_wazapin_limit_out_of_bounds_is_its_documented_400(
    emu: Emulator, http: aiohttp.ClientSession, path: str, raw: str,
) -> None:
    async with http.get(emu.url("wazapin") + path, params={"limit": raw}, headers=WAZAPIN.sandbox_headers) as response:
        body = await response.read()
        assert response.status == 400, body
        CLIENTS["wazapin"](emu, http).check_error(response.status, response.headers, body)
        assert "limit" in json.loads(body)["detail"]


@pytest.mark.parametrize("good", ["1", "100", "007"])
async def test_a_wazapin_limit_within_bounds_is_taken(emu: Emulator, http: aiohttp.ClientSession, good: str) -> None:
    async with http.get(emu.url("wazapin") + "/v1/messages", params={"limit": good},
                        headers=WAZAPIN.sandbox_headers) as response:
        assert response.status == 200, await response.text()


@pytest.mark.parametrize("raw", BAD_NUMBERS)
@pytest.mark.parametrize("name", ["limit", "status"])
async def test_a_control_journal_number_out_of_bounds_is_a_400_naming_it(
    emu: Emulator, http: aiohttp.ClientSession, name: str, raw: str,
) -> None:
    if raw == "101":  # a status, and a journal limit: past their bounds instead
        raw = "600" if name == "status" else "1000001"
    async with http.get(f"{emu.base_url}/_emulator/journal", params={name: raw}) as response:
        body = await response.json()
        assert response.status == 400, body
        assert body["error"]["field"] == name
        assert f"'{name}'" in body["error"]["message"]


async def test_control_journal_numbers_within_bounds_filter(emu: Emulator, http: aiohttp.ClientSession) -> None:
    for _ in range(3):
        await send_raw(emu, http, "mojeeb", json.dumps(MOJEEB.operation("sendMessage").example).encode(), {})
    async with http.get(f"{emu.base_url}/_emulator/journal", params={"limit": "2", "status": "202"}) as response:
        body = await response.json()
    assert response.status == 200
    assert [entry["seq"] for entry in body["data"]] == [2, 3]


async def test_a_client_that_leaves_mid_body_is_journaled_as_disconnected_not_500(
    emu: Emulator, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    body = json.dumps(MOJEEB.operation("sendMessage").example).encode()
    auth = "".join(f"{name}: {value}\r\n" for name, value in MOJEEB.sandbox_headers.items())
    head = (f"POST /mojeeb/v1/whatsapp/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}"
            f"Content-Type: application/json\r\nContent-Length: {len(body) + 100}\r\n\r\n").encode()
    _, writer = await asyncio.open_connection("127.0.0.1", emu.port)
    writer.write(head + body[: len(body) // 2])
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    for _ in range(500):  # the server notices the closed socket on a later turn of its loop
        if len(emu.world.journal):
            break
        await asyncio.sleep(0.01)
    async with http.get(f"{emu.base_url}/_emulator/journal") as response:
        entries = (await response.json())["data"]
    assert [(e["status"], e["outcome"]) for e in entries] == [(499, "client_disconnected")]
    assert len(emu.world.store) == 0
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    async with http.get(f"{emu.base_url}/_emulator/health") as response:
        assert response.status == 200
