"""Connection limits aiohttp's server lacks: a deadline for a request's headers.

aiohttp closes a connection that stays idle past its keep-alive timeout, but a client that
sends its headers a byte at a time keeps the connection (and a file descriptor) as long as it
likes. ``with_header_deadline`` wraps the server's protocol factory so each connection must
deliver a request's complete headers within ``timeout`` seconds of the request's first byte
(of the connection's opening, for the first request); otherwise it is closed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiohttp.web_protocol import RequestHandler

log = logging.getLogger("wa_emulator.server")


class HeaderDeadline(asyncio.Protocol):
    """One connection: aiohttp's handler, plus a timer that runs while a request's headers arrive.

    Everything is passed through to the handler; the timer only reads whether the handler has a
    parsed request waiting (its message queue) or is idle waiting for one.
    """

    __slots__ = ("_handler", "_loop", "_peer", "_timeout", "_timer")

    def __init__(self, handler: RequestHandler, timeout: float, loop: asyncio.AbstractEventLoop) -> None:
        self._handler = handler
        self._timeout = timeout
        self._loop = loop
        self._timer: asyncio.TimerHandle | None = None
        self._peer: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._peer = transport.get_extra_info("peername")
        self._handler.connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        handler = self._handler
        if self._timer is None and self._awaiting_request():
            self._arm()  # the first bytes of a new request: its headers are now due
        handler.data_received(data)
        if self._timer is not None and handler._messages:
            self._timer.cancel()  # headers complete: the handler has the request
            self._timer = None

    def eof_received(self) -> bool | None:
        return self._handler.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._handler.connection_lost(exc)

    def pause_writing(self) -> None:
        self._handler.pause_writing()

    def resume_writing(self) -> None:
        self._handler.resume_writing()

    def _awaiting_request(self) -> bool:
        waiter = self._handler._waiter
        return waiter is not None and not waiter.done() and not self._handler._messages

    def _arm(self) -> None:
        self._timer = self._loop.call_later(self._timeout, self._expire)

    def _expire(self) -> None:
        self._timer = None
        if not self._awaiting_request() or self._handler.transport is None:
            return  # a request is being handled (its headers came in time), or the connection is gone
        log.info("closed a connection from %s: no complete request headers within %gs", self._peer, self._timeout)
        self._handler.force_close()


def with_header_deadline(factory: Callable[[], RequestHandler], timeout: float) -> Callable[[], asyncio.Protocol]:
    """A protocol factory for ``loop.create_server`` that gives ``factory``'s connections a header deadline.

    Example: ``await loop.create_server(with_header_deadline(runner.server, 10.0), "127.0.0.1", 8066)``.
    """
    loop = asyncio.get_running_loop()

    def make() -> asyncio.Protocol:
        return HeaderDeadline(factory(), timeout, loop)

    return make
