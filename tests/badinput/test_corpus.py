"""Every route of every provider against the bad-input corpus, over real HTTP.

Each probe must be answered in the provider's own envelope with a 4xx (or, where the
broken part is ignored, a normal answer), never a 5xx, a traceback or a logged
internal error; and the messages stored before the corpus ran must be untouched.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest
from yarl import URL

from wa_emulator.core.webhooks import DEFAULT_CAP
from wa_emulator.testing.emulator import Emulator

from ..support import CLIENTS
from ..support.rawbody import stream
from .corpus import CASES, Probe, Target

PARAMS = [
    pytest.param(provider, route.name, case, id=f"{provider}-{route.name}-{case}")
    for provider, client in CLIENTS.items()
    for route in client.routes
    for case in CASES
]


def snapshot(emu: Emulator) -> dict[str, Any]:
    """What a bad request must not change: every stored message's state and history."""
    return {
        m.id: (m.status, [(c.status, c.at) for c in m.history], m.to, m.content, m.wamid)
        for m in emu.world.store
    }


async def answer(http: aiohttp.ClientSession, base: str, probe: Probe) -> tuple[int, Any, bytes]:
    url = URL(base + probe.path, encoded=True)
    # Bodies over 1 MiB are streamed: aiohttp warns about large raw bodies and the suite makes that an error.
    data = stream(probe.data) if probe.data is not None and len(probe.data) > 1024 * 1024 else probe.data
    async with http.request(probe.method, url, headers=probe.headers, data=data,
                            skip_auto_headers=("Content-Type",)) as response:
        return response.status, response.headers, await response.read()


@pytest.mark.parametrize(("provider", "route_name", "case"), PARAMS)
async def test_bad_input_gets_the_provider_envelope_and_loses_no_state(
    emu: Emulator, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture,
    provider: str, route_name: str, case: str,
) -> None:
    caplog.set_level(logging.ERROR)
    client = CLIENTS[provider](emu, http)
    client.unlimit(emu.world, DEFAULT_CAP)
    base = emu.url(provider)
    route = next(r for r in client.routes if r.name == route_name)
    earlier = [await client.send(to) for to in ("+15551230001", "+15551230002")]
    await emu.advance(3)
    polled = [await client.status(message_id) for message_id in earlier]
    before = snapshot(emu)
    accepted = 0
    probes = list(CASES[case](Target(client, route, earlier[0])))
    for probe in probes:
        status, headers, body = await answer(http, base, probe)
        where = f"{probe.method} {probe.path[:80]} [{probe.label}] -> {status} {body[:300]!r}"
        assert status < 500, where
        assert b"Traceback" not in body, where
        if probe.expect is not None:
            assert status in probe.expect, where
        if status >= 400 and probe.method != "HEAD":
            client.check_error(status, headers, body)
        elif route.kind == "send" and probe.path.split("?")[0] == route.path and probe.method == route.method:
            accepted += 1
    after = snapshot(emu)
    assert len(after) == len(before) + accepted
    assert {k: after[k] for k in before} == before
    assert [await client.status(message_id) for message_id in earlier] == polled
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
