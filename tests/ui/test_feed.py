"""The dashboard's server side without a browser: the event stream, the index, access, and what the page reads."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from wa_emulator.control.access import APP_KEY as access_key
from wa_emulator.core.webhooks import RetryPolicy
from wa_emulator.testing import Emulator
from wa_emulator.ui.feed import QUEUE_SIZE
from wa_emulator.ui.pages import FEED


async def read_event(stream: aiohttp.StreamReader) -> tuple[str, dict]:
    """The next event on a server-sent event stream (comments and ``retry`` skipped)."""
    event, data = None, None
    while True:
        line = (await stream.readline()).decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and event is not None:
            return event, data or {}


async def test_the_worlds_changes_reach_an_open_page_as_they_happen() -> None:
    async with Emulator() as emu, aiohttp.ClientSession() as http, \
            http.get(f"{emu.base_url}/_emulator/events") as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert (await read_event(stream.content))[0] == "hello"
        sent = await emu.inbound("mojeeb", "+15551234567", "hi")
        assert await read_event(stream.content) == ("message", {"id": sent["id"], "provider": "mojeeb",
                                                                "direction": "inbound"})
        await emu.advance("1s")  # the clock has no listener: the digest sees it move
        while (found := await asyncio.wait_for(read_event(stream.content), 5))[0] != "changed" \
                or "clock" not in found[1]["areas"]:
            pass


async def test_a_page_that_falls_behind_is_told_to_resync_and_memory_stays_bounded() -> None:
    async with Emulator() as emu:
        feed = emu.app[FEED]
        page = feed.subscribe()
        for n in range(QUEUE_SIZE * 4):
            feed.publish("status", {"n": n})
        assert page.queue.qsize() == QUEUE_SIZE and page.overflowed
        feed.unsubscribe(page)


async def test_stopping_the_server_ends_open_streams_at_once() -> None:
    emu = await Emulator().start()
    async with aiohttp.ClientSession() as http, http.get(f"{emu.base_url}/_emulator/events") as stream:
        assert (await read_event(stream.content))[0] == "hello"
        # Well under aiohttp's 60 s shutdown wait: the feed ends the stream itself.
        await asyncio.wait_for(emu.stop(), timeout=5)
        assert await stream.content.read() == b""
    assert len(emu.app[FEED]) == 0


async def test_the_index_sends_a_browser_to_the_dashboard_and_lists_the_rest() -> None:
    async with Emulator() as emu, aiohttp.ClientSession() as http:
        async with http.get(f"{emu.base_url}/_emulator/", headers={"Accept": "text/html"},
                            allow_redirects=False) as answer:
            assert (answer.status, answer.headers["Location"]) == (302, "/_emulator/ui/")
        async with http.get(f"{emu.base_url}/_emulator/") as answer:
            assert (await answer.json())["dashboard"] == "/_emulator/ui/"
        async with http.get(f"{emu.base_url}/_emulator/ui/") as answer:
            page = await answer.text()
            assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
        assert "http" not in page.replace("http-equiv", "")  # nothing from a CDN: every file is this server's
        async with http.get(f"{emu.base_url}/_emulator/ui/app.js") as answer:
            assert answer.content_type == "text/javascript" and "EventSource" in await answer.text()


async def test_the_dashboard_and_its_stream_answer_only_whom_the_control_api_answers() -> None:
    async with Emulator() as emu, aiohttp.ClientSession() as http:
        emu.app[access_key].trusts = lambda request: False  # play a client beyond loopback
        for path in ("/_emulator/ui/", "/_emulator/events", "/_emulator/ui/boot.json"):
            async with http.get(emu.base_url + path) as answer:
                assert answer.status == 403
                assert (await answer.json())["error"]["code"] == "control_loopback_only"


async def test_messages_page_newest_first_with_a_total() -> None:
    async with Emulator() as emu, aiohttp.ClientSession() as http:
        ids = [(await emu.inbound("mojeeb", f"+1555000000{n}", "hi"))["id"] for n in range(5)]
        async with http.get(f"{emu.base_url}/_emulator/messages?order=newest&offset=1&limit=2") as answer:
            page = await answer.json()
        assert [m["id"] for m in page["data"]] == [ids[3], ids[2]]
        assert (page["count"], page["total"]) == (2, 5)
        async with http.get(f"{emu.base_url}/_emulator/messages?order=sideways") as answer:
            assert answer.status == 400 and (await answer.json())["error"]["field"] == "order"


async def test_the_journal_keeps_what_each_call_was_answered() -> None:
    async with Emulator() as emu, aiohttp.ClientSession() as http:
        key = emu.credentials("wazapin")["organizations"][0]["keys"][0]["secret"]
        async with http.get(f"{emu.url('wazapin')}/v1/messages/nope", headers={"X-Api-Key": key}) as answer:
            body = await answer.text()
        entry = emu.journal(provider="wazapin")[-1]
        assert entry["response_body"] == body and entry["status"] == 404


async def test_each_webhook_attempt_keeps_the_headers_it_was_sent_with() -> None:
    from tests.support.sinks import running_sink

    async with Emulator() as emu, running_sink() as rx:
        [delivery] = emu.world.dispatcher.send(
            provider="demo", org_id="org", endpoint_id="ep", url=rx.url, event_type="demo.event", body=b"{}",
            policy=RetryPolicy(schedule=(0,), timeout=1.0), sign=lambda d, wall: {"X-Sig": f"{d.event_id}:{int(wall)}"})
        await emu.settle()
        [attempt] = delivery.to_json()["attempts"]
        assert attempt["headers"]["X-Sig"] == f"{delivery.event_id}:{int(attempt['wall_at'])}"


async def test_a_page_that_leaves_gives_its_stream_back() -> None:
    # A browser opens six connections per host at most: a stream kept for a gone page would stall the next one.
    async with Emulator() as emu:
        async with aiohttp.ClientSession() as http, http.get(f"{emu.base_url}/_emulator/events") as stream:
            assert (await read_event(stream.content))[0] == "hello"
            assert len(emu.app[FEED]) == 1
        for _ in range(100):  # the next digest tick (0.5 s) sees the closed connection
            if len(emu.app[FEED]) == 0:
                break
            await asyncio.sleep(0.05)
        assert len(emu.app[FEED]) == 0


async def test_the_held_queue_and_the_bins_move_live_on_an_open_page() -> None:
    from tests.support.sinks import running_sink

    async with Emulator() as emu, running_sink() as rx, aiohttp.ClientSession() as http, \
            http.get(f"{emu.base_url}/_emulator/events") as stream:
        assert (await read_event(stream.content))[0] == "hello"

        async def next_of(kind: str) -> dict:
            while (found := await asyncio.wait_for(read_event(stream.content), 5))[0] != kind:
                pass
            return found[1]

        async with http.post(f"{emu.base_url}/_emulator/webhooks/hold", json={}) as answer:
            assert answer.status == 201
        assert "holds" in (await next_of("changed"))["areas"]  # a hold has no listener: the digest sees it
        [delivery] = emu.world.dispatcher.send(
            provider="demo", org_id="org", endpoint_id="ep", url=rx.url, event_type="demo.event", body=b"{}",
            policy=RetryPolicy(schedule=(0,), timeout=1.0), message_id="m1")
        await emu.settle()
        assert await next_of("queue") == {"action": "held", "id": delivery.id, "message_id": "m1",
                                          "provider": "demo", "status": None}
        [copy] = emu.world.dispatcher.duplicate([delivery.id])
        assert (await next_of("queue"))["action"] == "duplicated"
        await emu.world.dispatcher.release([delivery.id])
        assert (await next_of("queue"))["action"] == "released"
        emu.world.dispatcher.drop([copy.id])
        assert await next_of("queue") == {"action": "dropped", "id": copy.id, "message_id": "m1",
                                          "provider": "demo", "status": None}
        async with http.post(f"{emu.base_url}/_emulator/bin/watched", data=b"{}") as answer:
            assert answer.status == 200
        while "bins" not in (await next_of("changed"))["areas"]:
            pass
