"""The emulator on a background thread, for synchronous clients (requests, httpx sync).

A ``ThreadedEmulator`` runs its own event loop in a daemon thread and serves on
127.0.0.1 like ``Emulator``; every method of ``Emulator`` is available as a plain
blocking call, run on that loop so the world is only ever touched from one thread::

    with ThreadedEmulator() as emu:
        requests.post(emu.url("mojeeb") + "/v1/whatsapp/templates", ...)
        emu.advance(10)                       # blocks until due statuses and webhooks ran
        assert emu.history(message_id) == ["queued", "sent", "delivered", "read"]
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from ..settings import Settings
from .emulator import Emulator

T = TypeVar("T")
CALL_TIMEOUT = 60.0  # seconds; a call that takes longer than this has hung, say so instead of waiting forever


class ThreadedEmulator:
    """An ``Emulator`` on its own thread; its methods block until done.

    >>> emu = ThreadedEmulator().start()
    >>> emu.url("mojeeb").startswith("http://127.0.0.1:")
    True
    >>> emu.stop()
    """

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self._settings = settings
        self._overrides = overrides
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._emulator: Emulator | None = None

    def start(self) -> Self:
        """Start the loop thread and the server; returns once requests are accepted."""
        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="wa-emulator", daemon=True)
        self._thread.start()
        self._emulator = self.run(self._create())
        return self

    async def _create(self) -> Emulator:
        # Built on the loop thread, so the emulator's clock and sessions belong to that loop.
        return await Emulator(self._settings, **self._overrides).start()

    def stop(self) -> None:
        """Stop the server and the thread; safe to call twice."""
        if self._loop is None:
            return
        if self._emulator is not None:
            self.run(self._emulator.stop())
            self._emulator = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        assert self._thread is not None
        self._thread.join(timeout=CALL_TIMEOUT)
        self._loop.close()
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def run(self, awaitable: Awaitable[T]) -> T:
        """Run a coroutine on the emulator's loop and wait for its result."""
        if self._loop is None:
            raise RuntimeError("the threaded emulator is not running; call start() first")

        async def wrapped() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result(CALL_TIMEOUT)

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a plain function on the emulator's loop thread and wait for its result."""

        async def wrapped() -> T:
            return function(*args, **kwargs)

        return self.run(wrapped())

    @property
    def emulator(self) -> Emulator:
        """The ``Emulator`` inside (touch its world only through ``call``/``run``)."""
        if self._emulator is None:
            raise RuntimeError("the threaded emulator is not running; call start() first")
        return self._emulator

    def __getattr__(self, name: str) -> Any:
        # Any Emulator attribute: methods become blocking calls on the loop thread.
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = getattr(self.emulator, name)
        if not callable(attribute):
            return attribute
        if inspect.iscoroutinefunction(attribute):
            return lambda *args, **kwargs: self.run(attribute(*args, **kwargs))
        return lambda *args, **kwargs: self.call(attribute, *args, **kwargs)

    def reset(self) -> bool:
        """Back to the start between tests: messages, journal, deliveries, faults, contacts, clock and
        scenario. False when that is impossible (a scenario was loaded into one started without)."""
        return self.run(self.emulator.reset_world())
