"""What proxy mode refuses: every target but a provider host on 443, and anything that is not a request.

A refusal is a clear 4xx with a JSON body naming what was wrong, and the connection ends; no
outbound connection is ever attempted (the emulator is not a general proxy), and no traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.http_exceptions import HttpProcessingError

from wa_emulator.testing import Emulator


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(proxy=True) as emulator:
        yield emulator


async def _exchange(emu: Emulator, data: bytes) -> tuple[int, dict[str, Any] | bytes]:
    """Send ``data`` on a fresh connection; the status and body of the answer, read to the close."""
    reader, writer = await asyncio.open_connection("127.0.0.1", emu.port)
    try:
        writer.write(data)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)  # to EOF: a refusal closes the connection
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def _record_outbound(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every connection or name lookup attempted from now on, by anyone in this process."""
    attempts: list[Any] = []

    def recorder(name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            attempts.append((name, args))
            raise OSError(f"test: no {name} expected")
        return record

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, recorder(name))
    monkeypatch.setattr(socket, "getaddrinfo", recorder("getaddrinfo"))
    loop = asyncio.get_running_loop()
    for name in ("create_connection", "sock_connect", "getaddrinfo"):
        monkeypatch.setattr(loop, name, recorder(f"loop.{name}"))
    return attempts


async def test_connect_to_another_host_is_a_403_and_nothing_is_opened(emu: Emulator, monkeypatch) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", emu.port)  # ours, before the recorder
    attempts = _record_outbound(monkeypatch)
    try:
        writer.write(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
        await writer.wait_closed()
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    body = json.loads(answer.partition(b"\r\n\r\n")[2])
    assert body["error"]["code"] == "proxy_host_refused" and "nothing was forwarded" in body["error"]["message"]
    assert attempts == []  # no lookup of example.com, no socket to it


@pytest.mark.parametrize(("request_line", "status", "code"), [
    (b"CONNECT api.mojeeb.app:80 HTTP/1.1", 403, "proxy_port_refused"),
    (b"CONNECT lora-api.agiletelecom.com:8443 HTTP/1.1", 403, "proxy_port_refused"),
    (b"CONNECT 127.0.0.1:22 HTTP/1.1", 403, "proxy_host_refused"),
    (b"CONNECT api.mojeeb.app HTTP/1.1", 400, "proxy_bad_target"),
    (b"CONNECT :443 HTTP/1.1", 400, "proxy_bad_target"),
    (b"CONNECT api.mojeeb.app:443", 400, "proxy_bad_request"),
    (b"CONNECT api.mojeeb.app:443 SPDY/3", 400, "proxy_bad_request"),
    (b"GET http://example.com/ HTTP/1.1", 403, "proxy_host_refused"),
    (b"GET http://api.mojeeb.app:8080/ HTTP/1.1", 403, "proxy_host_refused"),
    (b"GET http://[::1/ HTTP/1.1", 400, "proxy_bad_target"),
])
async def test_a_refused_request_line_is_a_clear_4xx(emu, request_line: bytes, status: int, code: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    got, body = await _exchange(emu, request_line + b"\r\nHost: x\r\n\r\n")
    assert (got, body["error"]["code"]) == (status, code), body
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("garbage", [
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(40),  # a TLS ClientHello sent to the plain port
    b"HELLO\r\n\r\n",
    b"\x00\xff\xfe junk \r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
])
async def test_garbage_is_aiohttps_own_400_never_a_traceback(emu, garbage: bytes, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    status, body = await _exchange(emu, garbage)
    assert status == 400 and b"Traceback" not in body
    # aiohttp records the client's malformed HTTP with its parser error, which `serve` logs as one line
    # (web/serverlog.py; tests/proxy/test_serve_proxy.py checks its stderr); nothing else may fail.
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(r.exc_info and isinstance(r.exc_info[1], HttpProcessingError) for r in failures), failures


async def test_tls_bytes_sent_before_the_200_are_refused(emu) -> None:
    status, body = await _exchange(emu, b"CONNECT api.mojeeb.app:443 HTTP/1.1\r\n\r\n\x16\x03\x01\x00")
    assert (status, body["error"]["code"]) == (400, "proxy_early_data")


async def test_a_connect_head_beyond_the_limit_is_a_431(emu) -> None:
    status, body = await _exchange(emu, b"CONNECT api.mojeeb.app:443 HTTP/1.1\r\nX-Pad: " + b"a" * 9000)
    assert (status, body["error"]["code"]) == (431, "proxy_head_too_large")


async def test_a_connection_that_sends_no_request_gets_a_408() -> None:
    async with Emulator(proxy=True, header_timeout=0.2) as emu:
        status, body = await _exchange(emu, b"")
    assert (status, body["error"]["code"]) == (408, "proxy_request_timeout")


async def test_an_ordinary_request_on_the_proxy_port_is_served_as_before(emu, http) -> None:
    async with http.get(emu.base_url + "/_emulator/health") as answer:
        assert answer.status == 200 and (await answer.json())["status"] == "ok"
    async with http.get(emu.url("mojeeb") + "/v1/whatsapp/messages/nope") as answer:
        assert answer.status == 401  # Mojeeb's own answer: no key


async def test_proxy_url_needs_proxy_mode() -> None:
    async with Emulator() as emu:
        with pytest.raises(RuntimeError, match="proxy=True"):
            emu.proxy_env()


async def test_proxy_mode_and_tls_exclude_each_other() -> None:
    with pytest.raises(ValueError, match="cannot be combined with --tls"):
        Emulator(proxy=True, tls=True)
