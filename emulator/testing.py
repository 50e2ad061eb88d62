"""The emulator in-process: what tests, the pytest plugin and the CLI all start.

Example::

    async with Emulator() as emu:              # 127.0.0.1, ephemeral port, manual clock
        url = emu.url("mojeeb")                 # http://127.0.0.1:PORT/mojeeb
        ...send with your client...
        await emu.advance(10)                   # statuses (and webhooks) that fall due, in order
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from aiohttp import web

from . import keys
from .app import create_app, world_for
from .core.clock import ClockMode, ClockSpec
from .core.world import World
from .settings import Settings


class Emulator:
    """A running emulator bound to 127.0.0.1 on an ephemeral port (manual clock by default).

    >>> emu = Emulator()
    >>> emu.settings.clock.mode.value, emu.settings.port
    ('manual', 0)
    """

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        base = settings or Settings(port=0, clock=ClockSpec(ClockMode.MANUAL))
        self.settings = base.with_(**overrides) if overrides else base
        self.world: World = world_for(self.settings)
        self.app: web.Application = create_app(self.settings, self.world)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> Self:
        """Bind and serve; returns once requests are accepted."""
        self._runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Stop serving and cancel background work; safe to call twice."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- addresses --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server."""
        if self.port is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return f"http://{self.settings.host}:{self.port}"

    def url(self, provider: str) -> str:
        """The base URL a client of ``provider`` should use, e.g. ``emu.url("qlara")``."""
        for candidate in self.app[keys.providers]:
            if candidate.name == provider:
                return self.base_url + candidate.base_path
        raise KeyError(f"unknown provider {provider!r}")

    # -- control --------------------------------------------------------------------------

    async def advance(self, seconds: float) -> float:
        """Move the emulated clock forward, running everything that falls due. Returns the new time."""
        return await self.world.clock.advance(seconds)

    async def settle(self) -> None:
        """Wait for background work (webhook attempts) already under way."""
        await self.world.clock.settle()

    def reset(self) -> None:
        """Back to the start: messages, journal, deliveries, tenants and clock."""
        self.world.reset()
