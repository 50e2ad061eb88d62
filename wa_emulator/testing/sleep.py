"""The client's own time: ``time.sleep`` and ``asyncio.sleep`` in the code under test advance the emulated clock.

A client that honours ``Retry-After`` sleeps; under a manual clock a real sleep waits for nothing
(the rate-limit window only moves with the emulated clock) and slows the suite. Inside
``emulated_sleep(emu)`` (or the ``wa_emulated_sleep`` fixture) those sleeps move the emulator's
clock instead, at once::

    with emulated_sleep(wa_emulator) as sleeps:
        client.send_with_retry(...)            # its time.sleep(43) advanced the clock by 43 s
    assert sleeps.slept == [43.0]

Only the module attributes are patched (as time-travel libraries do): code that did
``from time import sleep`` keeps the real one, so prefer ``time.sleep`` or inject a sleeper
(``emu.sleep`` / ``emu.asleep``). Sleeps of zero, and those made by asyncio, aiohttp and the
emulator itself (or on its threads), stay real.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import time
from types import TracebackType
from typing import Any, Self

from .threaded import on_kit_thread

INTERNAL = ("wa_emulator.", "asyncio", "aiohttp")  # modules whose own sleeps are the machinery's, not the client's


def _internal_caller(depth: int) -> bool:
    module = sys._getframe(depth + 1).f_globals.get("__name__", "")
    return on_kit_thread() or module.startswith(INTERNAL)


class EmulatedSleep:
    """Patches ``time.sleep`` and ``asyncio.sleep`` while active; ``slept`` lists the emulated seconds slept.

    ``emulator`` is anything with a blocking ``sleep(seconds)`` and an ``asleep(seconds)`` (awaitable):
    the ``wa_emulator`` fixture, ``ThreadedEmulator``, ``RemoteEmulator``, ``AsyncRemoteEmulator``.
    """

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.slept: list[float] = []
        self._real_sleep = time.sleep
        self._real_asleep = asyncio.sleep

    def __enter__(self) -> Self:
        self._real_sleep, self._real_asleep = time.sleep, asyncio.sleep
        time.sleep = self._sleep  # type: ignore[assignment]
        asyncio.sleep = self._asleep  # type: ignore[assignment]
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        time.sleep = self._real_sleep
        asyncio.sleep = self._real_asleep

    def _sleep(self, seconds: float) -> None:
        if seconds <= 0 or _internal_caller(1):
            self._real_sleep(seconds)
            return
        self.slept.append(float(seconds))
        self.emulator.sleep(seconds)

    async def _asleep(self, delay: float, result: Any = None) -> Any:
        if delay <= 0 or _internal_caller(1):
            return await self._real_asleep(delay, result)
        self.slept.append(float(delay))
        outcome = self.emulator.asleep(delay)
        if inspect.isawaitable(outcome):
            await outcome
        await self._real_asleep(0)  # still a point where other tasks run, as a real sleep is
        return result


def emulated_sleep(emulator: Any) -> EmulatedSleep:
    """A context manager under which the code under test sleeps on ``emulator``'s clock::

        with emulated_sleep(wa_emulator) as sleeps:
            client.send()                  # its time.sleep(30) advanced the clock 30 s, at once
        assert sleeps.slept == [30.0]
    """
    return EmulatedSleep(emulator)
