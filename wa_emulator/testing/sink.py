"""A webhook receiver for tests: records every request, and can be told to fail or be slow.

It is a real HTTP server on 127.0.0.1 (ephemeral port), so the emulator's
dispatcher, retries and signatures are exercised as in production::

    sink.fail(times=2)                                   # answer 500 twice, then 200 again
    await emu.advance(60)
    assert sink.statuses(message_id) == ["sent", "delivered", "read"]

Bodies are provider-specific; the helpers look for the message id anywhere in a
JSON body and read its ``status`` field (another key may be named), so they work
for any provider's webhook shape.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass(frozen=True, slots=True)
class Received:
    """One request the sink received, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    def json(self) -> Any:
        """The body parsed as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class _Plan:
    status: int = 500
    times: int | None = None  # None: until told otherwise


def _values(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for value in node.values():
            yield value
            yield from _values(value)
    elif isinstance(node, list):
        for item in node:
            yield item
            yield from _values(item)


def _first(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for value in node.values():
            found = _first(value, key)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _first(item, key)
            if found is not None:
                return found
    return None


class WebhookSink:
    """Records webhooks; ``fail()`` and ``slow()`` change how it answers."""

    def __init__(self, path: str = "/webhooks") -> None:
        self.path = path
        self.received: list[Received] = []
        self._expected: set[int] = set()  # indexes into received that an assertion or expect() accounted for
        self._failing: _Plan | None = None
        self._delay = 0.0
        self._runner: web.AppRunner | None = None
        self._url = ""

    @property
    def url(self) -> str:
        """Where to point a provider's webhook, e.g. ``http://127.0.0.1:PORT/webhooks``."""
        if not self._url:
            raise RuntimeError("the webhook sink is not running; call start() first")
        return self._url

    async def start(self) -> WebhookSink:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self._url = f"http://127.0.0.1:{port}{self.path}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> WebhookSink:
        """``async with WebhookSink() as sink:`` starts the sink and stops it on the way out."""
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        status = 200
        plan = self._failing
        if plan is not None:
            status = plan.status
            if plan.times is not None:
                plan.times -= 1
                if plan.times <= 0:
                    self._failing = None
        # Recorded on arrival: a sender that gives up on a slow answer still made the attempt.
        self.received.append(Received(request.method, request.path_qs, dict(request.headers), body, status))
        if self._delay:
            await asyncio.sleep(self._delay)
        return web.Response(status=status)

    # -- behaviour ----------------------------------------------------------------------

    def fail(self, status: int = 500, times: int | None = None) -> None:
        """Answer ``status`` to the next ``times`` requests (every request if None), then 200 again."""
        self._failing = _Plan(status, times)

    def slow(self, seconds: float) -> None:
        """Wait ``seconds`` (real time) before answering, e.g. longer than the provider's timeout."""
        self._delay = seconds

    def recover(self) -> None:
        """Answer 200 at once again."""
        self._failing, self._delay = None, 0.0

    def clear(self) -> None:
        """Forget what was received and recover."""
        self.received.clear()
        self._expected.clear()
        self.recover()

    # -- reading ------------------------------------------------------------------------

    def bodies(self) -> list[Any]:
        """Every body received, parsed as JSON, in arrival order."""
        return [entry.json() for entry in self.received]

    def events_for(self, message_id: str) -> list[Any]:
        """The JSON bodies that mention ``message_id`` anywhere, in arrival order (retries included)."""
        return [body for body in self.bodies() if message_id in _values(body)]

    def statuses(self, message_id: str, key: str = "status", *, accepted_only: bool = True) -> list[Any]:
        """The ``key`` field of each event for ``message_id``, in arrival order.

        With ``accepted_only`` (the default) only events the sink answered 2xx count,
        so a failed attempt and its retry show up once, as the receiver's code sees them.
        """
        found = []
        for entry in self.received:
            body = entry.json()
            if accepted_only and not 200 <= entry.answered < 300:
                continue
            if message_id in _values(body):
                found.append(_first(body, key))
        return found

    def assert_received(self, message_id: str, statuses: list[Any], key: str = "status") -> None:
        """Fail with a readable message unless the events for ``message_id`` carried exactly ``statuses``, in order.

        >>> WebhookSink().assert_received("m1", [])
        """
        got = self.statuses(message_id, key)
        if got != list(statuses):
            raise AssertionError(
                f"webhooks for {message_id}: expected {key} values {list(statuses)}, received {got} "
                f"({len(self.received)} request(s) in all)"
            )
        self.expect(message_id)

    def expect(self, message_id: str | None = None) -> int:
        """Account for the requests that mention ``message_id`` (every request so far if None), so that
        ``assert_no_unexpected()`` passes over them; returns how many. ``assert_received`` does this too."""
        found = [n for n, entry in enumerate(self.received)
                 if message_id is None or message_id in _values(entry.json())]
        self._expected.update(found)
        return len(found)

    def unexpected(self) -> list[Received]:
        """The requests no ``assert_received`` or ``expect`` accounted for, in arrival order."""
        return [entry for n, entry in enumerate(self.received) if n not in self._expected]

    def assert_no_unexpected(self) -> None:
        """Fail, listing them, if any webhook arrived that the test did not account for
        (``assert_received(id, …)`` or ``expect(id)``): a duplicate, a stray event, another message's.

        >>> WebhookSink().assert_no_unexpected()
        """
        extra = self.unexpected()
        if extra:
            lines = [f"  {entry.method} {entry.path} -> {entry.answered}: {entry.body[:200].decode('utf-8', 'replace')}"
                     for entry in extra]
            raise AssertionError(f"{len(extra)} unexpected webhook(s) of {len(self.received)} received:\n"
                                 + "\n".join(lines))
