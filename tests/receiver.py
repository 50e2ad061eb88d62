"""A real HTTP webhook receiver on 127.0.0.1 for tests: records requests, can fail or stall.

Only the Wazapin and Qlara provider tests still use it; other tests take the public
``wa_emulator.testing.WebhookSink`` (``tests.support.sinks.running_sink`` for a block)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers ``statuses`` in turn (then 200); ``stall`` seconds delays every answer."""

    statuses: list[int] = field(default_factory=list)
    stall: float = 0.0
    received: list[Received] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(dict(request.headers), await request.read()))
        if self.stall:
            await asyncio.sleep(self.stall)
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()
