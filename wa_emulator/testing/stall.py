"""Fail fast, not after a client timeout, when a blocking client calls an emulator served on its own loop.

``wa_emulator_inloop`` serves on the test's event loop. A blocking call (``requests``,
``httpx.Client``) from that test waits for a server that cannot run until the call returns: a
deadlock ended only by the client's timeout. The guard watches the loop from a thread; when the
loop has been stuck for half a second while a connection waits on the emulator's listening
socket, it interrupts the main thread with ``BlockingClientError`` naming the fixture to use.
"""

from __future__ import annotations

import asyncio
import select
import signal
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any

LIMIT = 0.5   # seconds the loop may stand still with a client waiting before we call it a deadlock
BEAT = 0.05
SIGNAL = getattr(signal, "SIGUSR1", None)


class BlockingClientError(RuntimeError):
    """A blocking client called an emulator that serves on the same event loop."""


class StallGuard:
    """Watches ``loop`` while a test runs; inactive off the main thread or without POSIX signals."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sockets: Sequence[socket.socket], message: str) -> None:
        self.loop, self.sockets, self.message = loop, list(sockets), message
        self._beat = time.monotonic()
        self._stop = threading.Event()
        self._handle: asyncio.TimerHandle | None = None
        self._previous: Any = None
        self._thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self._thread is not None

    def start(self) -> StallGuard:
        if SIGNAL is None or threading.current_thread() is not threading.main_thread() or not self.sockets:
            return self
        self._previous = signal.signal(SIGNAL, self._interrupt)
        self._tick()
        main = threading.main_thread().ident
        assert main is not None
        self._thread = threading.Thread(target=self._watch, args=(main,), name="wa-emulator-guard", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            signal.signal(SIGNAL, self._previous)  # type: ignore[arg-type]

    def _tick(self) -> None:
        self._beat = time.monotonic()
        self._handle = self.loop.call_later(BEAT, self._tick)

    def _interrupt(self, signum: int, frame: Any) -> None:
        raise BlockingClientError(self.message)

    def _waiting(self) -> bool:
        try:
            readable, _, _ = select.select(self.sockets, [], [], 0)
        except (OSError, ValueError):  # a socket closed under us: the emulator is stopping
            return False
        return bool(readable)

    def _watch(self, main: int) -> None:
        while not self._stop.wait(BEAT):
            if time.monotonic() - self._beat > LIMIT and self._waiting():
                signal.pthread_kill(main, SIGNAL)  # type: ignore[arg-type]
                self._beat = time.monotonic()  # once per stall
