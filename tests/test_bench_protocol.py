"""The in-process protocol bench measures what it says: real answers, each one counted."""

from __future__ import annotations

import pytest
from aiohttp import web

from bench.protocol import cpu_per_request, raw_request, started


async def test_every_pipelined_request_is_answered_and_counted():
    seen = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/ok", handler)
    runner, _ = await started(app)
    try:
        cpu = await cpu_per_request(runner, raw_request("GET", "/ok", {}, None), 120)
    finally:
        await runner.cleanup()
    assert cpu > 0
    assert len(seen) == 120 + 120  # the warm-up round, then the measured one


async def test_a_route_that_does_not_answer_2xx_is_refused_not_measured():
    runner, _ = await started(web.Application())
    try:
        with pytest.raises(RuntimeError, match="not 2xx"):
            await cpu_per_request(runner, raw_request("GET", "/missing", {}, None), 10)
    finally:
        await runner.cleanup()
