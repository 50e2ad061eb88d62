"""A receiver's answer is read only up to a limit, so an endless body cannot grow memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.support.sinks import running_sink
from wa_emulator.core.answers import KEEP_LIMIT, READ_LIMIT, read_answer
from wa_emulator.core.clock import Clock, ClockMode, ClockSpec
from wa_emulator.core.ids import IdFactory
from wa_emulator.core.webhooks import DELIVERED, Dispatcher, RetryPolicy

CHUNK = b"x" * 4096


class Endless:
    """A loopback receiver answering 200 with a chunked body that never ends."""

    def __init__(self) -> None:
        self.written = 0
        self.dropped = asyncio.Event()  # the dispatcher closed the connection mid-body

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            # Bounded so a broken dispatcher fails the test instead of running forever.
            while self.written < 256 * READ_LIMIT:
                writer.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
                self.written += len(CHUNK)
                await writer.drain()
        except ConnectionError:
            self.dropped.set()
        finally:
            writer.close()


@asynccontextmanager
async def endless_receiver() -> AsyncIterator[tuple[Endless, str]]:
    receiver = Endless()
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    try:
        yield receiver, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    finally:
        server.close()
        await server.wait_closed()


async def test_an_endless_answer_is_cut_at_the_limit_and_the_attempt_still_counts():
    d = Dispatcher(Clock(ClockSpec(ClockMode.MANUAL), start=1_700_000_000.0), IdFactory(1))
    async with endless_receiver() as (receiver, url):
        [delivery] = d.send(provider="demo", org_id="org", endpoint_id="ep", url=url, event_type="e",
                            body=b"{}", policy=RetryPolicy(schedule=(0,), timeout=30.0))
        await d.clock.settle()
        [attempt] = delivery.attempts
        assert delivery.state == DELIVERED and attempt.status_code == 200 and attempt.error is None
        assert attempt.response_truncated
        assert attempt.response_body == "x" * KEEP_LIMIT  # only the start is kept
        await asyncio.wait_for(receiver.dropped.wait(), 30)  # the rest was never read
        assert receiver.written < 256 * READ_LIMIT
        assert attempt.to_json()["response_truncated"] is True
    await d.close()


async def test_a_short_answer_is_kept_whole_and_not_marked_truncated():
    d = Dispatcher(Clock(ClockSpec(ClockMode.MANUAL), start=1_700_000_000.0), IdFactory(1))
    async with running_sink() as rx:
        [delivery] = d.send(provider="demo", org_id="org", endpoint_id="ep", url=rx.url, event_type="e",
                            body=b"{}", policy=RetryPolicy(schedule=(0,), timeout=5.0))
        await d.clock.settle()
        [attempt] = delivery.attempts
        assert attempt.status_code == 200 and not attempt.response_truncated
        assert attempt.response_body is not None and len(attempt.response_body) <= KEEP_LIMIT
    await d.close()


async def test_the_reader_never_takes_more_than_the_limit_off_the_socket():
    class Response:  # the two things read_answer uses of aiohttp's ClientResponse
        def __init__(self) -> None:
            self.content = asyncio.StreamReader(limit=2**30)
            self.content.feed_data(b"y" * (4 * READ_LIMIT))
            self.closed = False

        def close(self) -> None:
            self.closed = True

    response = Response()
    answer = await read_answer(response)  # type: ignore[arg-type]
    assert answer.read == READ_LIMIT and len(answer.head) == KEEP_LIMIT
    assert answer.truncated and response.closed
