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
import concurrent.futures
import inspect
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from ..settings import Settings
from .emulator import Emulator
from .verify import Until, holds

T = TypeVar("T")
CALL_TIMEOUT = 60.0  # seconds; a call that takes longer than this has hung, say so instead of waiting forever
THREAD_NAME = "wa-emulator"  # the loop threads of the test kit; the sleep patcher leaves them alone


def on_kit_thread() -> bool:
    """True on a loop thread the test kit started (an emulator's or a webhook sink's)."""
    return threading.current_thread().name.startswith(THREAD_NAME)


class LoopThread:
    """An event loop on a daemon thread; ``submit()`` runs coroutines there from any other thread."""

    def __init__(self, name: str = THREAD_NAME) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def submit(self, awaitable: Awaitable[T]) -> concurrent.futures.Future[T]:
        if threading.current_thread() is self._thread:
            raise RuntimeError("a blocking emulator call was made on the emulator's own loop thread; await the "
                               "Emulator's coroutine there instead")

        async def wrapped() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop)

    def run(self, awaitable: Awaitable[T], what: str = "the call") -> T:
        try:
            return self.submit(awaitable).result(CALL_TIMEOUT)
        except concurrent.futures.TimeoutError:
            raise TimeoutError(f"wa-emulator: {what} did not finish within {CALL_TIMEOUT:g} s (a webhook receiver "
                               "that never answers?)") from None

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=CALL_TIMEOUT)
        self.loop.close()


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
        self._loop: LoopThread | None = None
        self._emulator: Emulator | None = None

    def start(self) -> Self:
        """Start the loop thread and the server; returns once requests are accepted."""
        self._loop = LoopThread()
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
        self._loop.stop()
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def submit(self, awaitable: Awaitable[T]) -> concurrent.futures.Future[T]:
        """Start a coroutine on the emulator's loop; a future for its result (``asyncio.wrap_future`` awaits it)."""
        if self._loop is None:
            raise RuntimeError("the threaded emulator is not running; call start() first")
        return self._loop.submit(awaitable)

    def run(self, awaitable: Awaitable[T]) -> T:
        """Run a coroutine on the emulator's loop and wait for its result."""
        if self._loop is None:
            raise RuntimeError("the threaded emulator is not running; call start() first")
        return self._loop.run(awaitable, getattr(awaitable, "__qualname__", "the call"))

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

    def sleep(self, seconds: float | str) -> float:
        """An injectable sleeper for code under test: ``emu.sleep(43)`` advances the emulated clock, at once."""
        return self.run(self.emulator.advance(seconds))

    def wait_until(self, predicate: Callable[[], bool], within: float | str | None = None,
                   step: float | str | None = None) -> float:
        """Advance the emulated clock ``step`` (1 s) at a time until ``predicate()`` holds, at most ``within``
        (an hour); the predicate runs on the caller's thread, so it may call this emulator."""
        until = Until.of(within, step, predicate)
        while not predicate():
            self.sleep(until.next_step())
        return until.waited

    def reset(self) -> bool:
        """Back to the start between tests: messages, journal, deliveries, faults, contacts, clock and
        scenario. False when that is impossible (a scenario was loaded into one started without)."""
        return self.run(self.emulator.reset_world())


def _in_async_code() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class DualEmulator:
    """A ``ThreadedEmulator`` for sync and async tests alike: what the ``wa_emulator`` fixture gives.

    The server runs on its own thread, so any client works in any test, blocking or not. The
    Emulator's coroutine methods (``advance``, ``inbound``, ``load_scenario``, ``wait_for_status``,
    ``wait_until``, ``asleep``…) are awaited in async code (``await emu.advance(10)``) and block in plain
    code (``emu.advance(10)``); everything else (``history``, ``journal``, ``verify``…) is a plain call.
    """

    def __init__(self, threaded: ThreadedEmulator) -> None:
        self.threaded = threaded

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = getattr(self.threaded.emulator, name)
        if not inspect.iscoroutinefunction(attribute):
            return getattr(self.threaded, name)

        def either(*args: Any, **kwargs: Any) -> Any:
            future = self.threaded.submit(attribute(*args, **kwargs))
            if _in_async_code():
                return asyncio.wrap_future(future)
            return future.result(CALL_TIMEOUT)

        return either

    def wait_until(self, predicate: Callable[[], Any], within: float | str | None = None,
                   step: float | str | None = None) -> Any:
        """As ``Emulator.wait_until``; the predicate runs in the test's own thread (and loop, in async code)."""
        if not _in_async_code():
            return self.threaded.wait_until(predicate, within, step)
        return _await_until(self.threaded, predicate, within, step)

    @property
    def aio(self) -> AsyncLocalEmulator:
        """The same emulator with every call a coroutine: the in-process ``AsyncEmulatorControl``."""
        return AsyncLocalEmulator(self.threaded)


async def _await_until(threaded: ThreadedEmulator, predicate: Callable[[], Any], within: float | str | None,
                       step: float | str | None) -> float:
    """``wait_until`` from async code: the predicate runs on the caller's loop, each advance on the emulator's."""
    until = Until.of(within, step, predicate)
    while not await holds(predicate()):
        await asyncio.wrap_future(threaded.submit(threaded.emulator.advance(until.next_step())))
    return until.waited


class AsyncLocalEmulator:
    """A ``ThreadedEmulator`` driven from async code, every call awaited: the in-process twin of
    ``AsyncRemoteEmulator`` (``await emu.history(id)``, ``await emu.now()``)."""

    def __init__(self, threaded: ThreadedEmulator) -> None:
        self.threaded = threaded

    @property
    def base_url(self) -> str:
        return self.threaded.base_url

    @property
    def urls(self) -> dict[str, str]:
        return self.threaded.urls

    def url(self, provider: str) -> str:
        return self.threaded.url(provider)

    async def now(self) -> float:
        return await self._on_loop(lambda: self.threaded.emulator.now)

    async def mode(self) -> str:
        return await self._on_loop(lambda: self.threaded.emulator.mode)

    async def scenario(self) -> Any:
        return await self._on_loop(lambda: self.threaded.emulator.scenario)

    async def reset(self) -> bool:
        return await asyncio.wrap_future(self.threaded.submit(self.threaded.emulator.reset_world()))

    async def sleep(self, seconds: float | str) -> float:
        return await self.asleep(seconds)

    async def wait_until(self, predicate: Callable[[], Any], within: float | str | None = None,
                         step: float | str | None = None) -> float:
        return await _await_until(self.threaded, predicate, within, step)

    async def _on_loop(self, function: Callable[[], T]) -> T:
        async def call() -> T:
            return function()

        return await asyncio.wrap_future(self.threaded.submit(call()))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = getattr(self.threaded.emulator, name)
        if not callable(attribute):
            raise AttributeError(name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            if inspect.iscoroutinefunction(attribute):
                return await asyncio.wrap_future(self.threaded.submit(attribute(*args, **kwargs)))
            return await self._on_loop(lambda: attribute(*args, **kwargs))

        return call
