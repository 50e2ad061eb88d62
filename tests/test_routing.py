"""How requests find their API: prefixes, real Host names, and answers for paths nobody serves."""

from __future__ import annotations

import pytest

from wa_emulator.providers.mojeeb import sandbox as mojeeb_sandbox
from wa_emulator.providers.qlara import sandbox as qlara_sandbox

MOJEEB_AUTH = {"Authorization": f"Bearer {mojeeb_sandbox.KEY_FULL}"}


async def fetch(http, method, url, headers=None):
    async with http.request(method, url, headers=headers or {}) as response:
        body = await response.read()
        return response.status, response.headers, body


@pytest.mark.parametrize("host", ["api.mojeeb.app:8080", "API.Mojeeb.App", "api.mojeeb.app:443"])
async def test_real_host_reaches_its_provider_with_or_without_a_port_in_any_case(http, emu, host):
    # A client whose hosts file points api.mojeeb.app at the emulator sends the emulator's port too.
    status, _, body = await fetch(http, "GET", f"{emu.base_url}/v1/whatsapp/messages/nope",
                                  {"Host": host, **MOJEEB_AUTH})
    assert status == 404 and b'"message_not_found"' in body


async def test_control_api_answers_under_a_provider_host(http, emu):
    status, _, body = await fetch(http, "GET", f"{emu.base_url}/_emulator/health", {"Host": "api.wazapin.com"})
    assert status == 200 and b'"ok"' in body


async def test_unknown_path_under_a_provider_host_gets_that_providers_404(http, emu):
    status, _, body = await fetch(http, "GET", f"{emu.base_url}/api/nothing",
                                  {"Host": "lora-api.agiletelecom.com", "X-Api-Key": qlara_sandbox.KEY_PRODUCTION})
    assert status == 404 and b"/api/nothing" in body


async def test_path_outside_every_api_says_where_the_providers_are(http, emu):
    status, _, body = await fetch(http, "GET", f"{emu.base_url}/v1/whatsapp/messages/x", {"Host": "example.com"})
    assert status == 404 and b'"/mojeeb"' in body and b"/_emulator/" in body


async def test_a_prefix_alone_or_a_longer_word_is_not_the_api(http, emu):
    for path in ("/mojeeb", "/mojeebx/v1/whatsapp/messages/nope"):
        status, _, body = await fetch(http, "GET", emu.base_url + path, MOJEEB_AUTH)
        assert status == 404, path
    assert b'"providers"' in body, "/mojeebx is outside every API, so the root answers"


async def test_head_is_served_wherever_get_is_and_wrong_methods_name_both(http, emu):
    head = await fetch(http, "HEAD", f"{emu.url('mojeeb')}/v1/whatsapp/messages/nope", MOJEEB_AUTH)
    assert head[0] == 404 and head[2] == b""
    status, headers, body = await fetch(http, "DELETE", f"{emu.url('mojeeb')}/v1/whatsapp/messages/nope",
                                        MOJEEB_AUTH)
    assert status == 405 and headers["Allow"] == "GET, HEAD" and b'"method_not_allowed"' in body


async def test_an_encoded_slash_stays_inside_its_path_segment(http, emu):
    # %2F must not split the id into two segments (which would be a route miss, not a lookup miss).
    status, _, body = await fetch(http, "GET", f"{emu.url('mojeeb')}/v1/whatsapp/messages/a%2Fb", MOJEEB_AUTH)
    assert status == 404 and b'"message_not_found"' in body


async def test_every_provider_call_is_journalled_once_and_control_calls_never(http, emu):
    await fetch(http, "GET", f"{emu.url('mojeeb')}/v1/whatsapp/messages/nope", MOJEEB_AUTH)
    await fetch(http, "GET", f"{emu.url('mojeeb')}/no/such/route", MOJEEB_AUTH)
    await fetch(http, "GET", f"{emu.base_url}/_emulator/health")
    entries = emu.world.journal.query()
    assert [(e.provider, e.path, e.status) for e in entries] == [
        ("mojeeb", "/mojeeb/v1/whatsapp/messages/nope", 404),
        ("mojeeb", "/mojeeb/no/such/route", 404),
    ]
    assert all(e.correlation_id and e.correlation_id.startswith("req_") for e in entries)


async def test_an_odd_request_target_still_gets_the_json_404(emu):
    import asyncio

    host, port = emu.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    assert answer.startswith(b"HTTP/1.1 404") and b'"providers"' in answer
