"""In-process figures: fixture start/stop, two manual-clock scenarios, webhook dispatch rate."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web

from wa_emulator.core.clock import ClockMode, ClockSpec
from wa_emulator.core.status import Status
from wa_emulator.core.webhooks import DELIVERED, RetryPolicy
from wa_emulator.core.world import World, WorldConfig
from wa_emulator.testing.emulator import Emulator

from .calls import CALLS
from .processes import launched
from .table import Row

DAY = 24 * 3600.0


async def _median_ms(action: Callable[[], Awaitable[None]], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        await action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def fixture_start_stop(loop: str, repeats: int = 50) -> Row:
    """``async with Emulator()`` per test, against a bare aiohttp app started and stopped the same way."""

    async def emulator() -> None:
        async with Emulator():
            pass

    async def bare() -> None:
        app = web.Application()
        app.router.add_get("/", lambda request: web.Response())
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, reuse_address=True).start()
        await runner.cleanup()

    ours, baseline = await _median_ms(emulator, repeats), await _median_ms(bare, repeats)
    return Row(loop, "fixture start+stop (median)", "ms", ours, baseline, "bare aiohttp app", "<= 10 ms",
               lambda r: r.value <= 10)


async def _scenario_expiry(emu: Emulator, http: aiohttp.ClientSession, name: str, travel: bool) -> None:
    """An offline recipient: the message stays sent, then expires after the 30-day TTL."""
    calls = CALLS[name]
    emu.world.contacts.update("+15550009999", online=False)
    message_id = await calls.send_template(http, emu.url(name), "+15550009999")
    await emu.advance(30 * DAY + 1 if travel else 0)
    await calls.poll(http, emu.url(name), message_id)
    _expect(emu, message_id, Status.EXPIRED if travel else Status.QUEUED)


async def _scenario_window(emu: Emulator, http: aiohttp.ClientSession, name: str, travel: bool) -> None:
    """A customer writes in, text goes through; a day later the window has closed and text fails."""
    calls = CALLS[name]
    customer = "+15550008888"
    async with http.post(emu.base_url + "/_emulator/inbound",
                         json={"provider": name, "from": customer, "text": "hi"}) as response:
        assert response.status == 201
    first = await calls.send_text(http, emu.url(name), customer)
    await emu.advance(DAY + 1 if travel else 0)
    second = await calls.send_text(http, emu.url(name), customer)
    await emu.advance(10 if travel else 0)
    await calls.poll(http, emu.url(name), first)
    await calls.poll(http, emu.url(name), second)
    _expect(emu, first, Status.READ if travel else Status.QUEUED)
    _expect(emu, second, Status.FAILED if travel else Status.QUEUED)


def _expect(emu: Emulator, message_id: str, status: Status) -> None:
    message = emu.world.store.get(message_id)
    if message is None or message.status is not status:
        raise RuntimeError(f"scenario went wrong: {message_id} is {message and message.status}, not {status}")


Scenario = Callable[[Emulator, aiohttp.ClientSession, str, bool], Awaitable[None]]


async def _scenario_ms(scenario: Scenario, http: aiohttp.ClientSession, name: str, travel: bool,
                       repeats: int) -> float:
    """Median wall time of the scenario itself (each run on a fresh emulator, not counting its start)."""
    spent = []
    for _ in range(repeats):
        async with Emulator() as emu:
            started = time.perf_counter()
            await scenario(emu, http, name, travel)
            spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


async def scenarios(loop: str, repeats: int = 20) -> list[Row]:
    """Each scenario's wall time, against the same calls with the clock not moved."""
    rows = []
    async with aiohttp.ClientSession() as http:
        for name in CALLS:
            for label, scenario in (("30-day expiry", _scenario_expiry), ("24-hour window", _scenario_window)):
                ours = await _scenario_ms(scenario, http, name, True, repeats)
                still = await _scenario_ms(scenario, http, name, False, repeats)
                rows.append(Row(loop, f"{name} {label} scenario", "ms", ours, still, "same calls, clock still",
                                "<= 50 ms", lambda r: r.value <= 50))
    return rows


async def webhook_rate(loop: str, count: int = 5000, connections: int = 100) -> Row:
    """Deliveries per second from the core dispatcher to a local receiver process, none lost,
    against a bare aiohttp client POSTing the same bodies with the same connection limit."""
    body = b'{"event":"message.status_update","data":{"status":"delivered"}}'
    with launched("receiver", loop) as receiver:
        url = f"http://127.0.0.1:{receiver['port']}/hook"
        world = World(WorldConfig(clock=ClockSpec(ClockMode.MANUAL), delivery_cap=count))
        policy = RetryPolicy(schedule=(0.0,), timeout=30.0)
        started = time.perf_counter()
        for _ in range(count):
            world.dispatcher.send(provider="bench", org_id="org", endpoint_id="ep", url=url,
                                  event_type="bench", body=body, policy=policy)
        await world.clock.settle()
        ours = count / (time.perf_counter() - started)
        delivered = len(world.dispatcher.deliveries(state=DELIVERED))
        await world.dispatcher.close()
        if delivered != count:
            raise RuntimeError(f"webhook dispatch lost deliveries: {delivered} of {count} delivered")

        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as http:
            async def post() -> None:
                async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as response:
                    await response.read()
                    assert response.status == 204

            started = time.perf_counter()
            await asyncio.gather(*(post() for _ in range(count)))
            baseline = count / (time.perf_counter() - started)
    return Row(loop, f"webhook dispatch ({count:,}, none lost)", "deliveries/s", ours, baseline,
               "bare aiohttp client", ">= 2,000/s", lambda r: r.value >= 2000)


async def all_rows(loop: str) -> list[Row]:
    return [await fixture_start_stop(loop), *await scenarios(loop), await webhook_rate(loop)]
