"""The soak: concurrent sends, polls and inbound messages against every provider, with a webhook
receiver that fails or stalls 30% of the time, then a check of every invariant.

``tests/soak/test_soak.py`` runs it for a few seconds; ``python -m bench.soak`` for longer.
Every loop is bounded by both a deadline and a count; everything binds to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from wa_emulator.core.clock import ClockMode, ClockSpec
from wa_emulator.core.models import StatusEvent
from wa_emulator.core.webhooks import DELIVERED, EXHAUSTED, Delivery, RetryPolicy
from wa_emulator.core.world import World
from wa_emulator.testing.emulator import Emulator

from .calls import CALLS, Calls, unlimit
from .protocol import started
from .server import receiver_app

# Emulated seconds between attempts; real seconds before a stalled receiver counts as timed out.
SOAK_POLICY = RetryPolicy(schedule=(0.0, 2.0, 4.0), timeout=0.2)
STALL = 0.5
# Pollers pick among each provider's latest sends: those are still in a capped store, and the
# soak's own bookkeeping stays as bounded as the emulator's.
RECENT = 200
RECIPIENTS = [f"+1555400{n:04d}" for n in range(50)]


class FlakyAnswers:
    """A receiver's answers: 500 to 15% of requests, a stall past the sender's timeout on another 15%."""

    def __init__(self, seed: int) -> None:
        self.counts: Counter[str] = Counter()
        self._rng = random.Random(seed)

    async def __call__(self) -> int:
        roll = self._rng.random()
        if roll < 0.15:
            self.counts["500"] += 1
            return 500
        if roll < 0.30:
            self.counts["stall"] += 1
            await asyncio.sleep(STALL)
            return 200
        self.counts["200"] += 1
        return 204


@dataclass
class Tally:
    """What the soak saw; the checks read it after the run."""

    sends: int = 0
    polls: int = 0
    inbound: int = 0
    events: int = 0
    deliveries_created: int = 0
    deliveries_finished: Counter[str] = field(default_factory=Counter)
    retried: int = 0  # finished deliveries that took more than one attempt
    bad_deliveries: list[str] = field(default_factory=list)
    backwards: list[str] = field(default_factory=list)
    journal_total: int = 0


class CoreWebhooks:
    """A test-only webhook endpoint wired through the core, for providers that have no webhooks.

    Every status event of the world becomes one delivery to ``url``; finished deliveries are
    checked as they end, so the soak need not keep them (the delivery log is capped).
    """

    def __init__(self, world: World, url: str, tally: Tally) -> None:
        self.world, self.url, self.tally = world, url, tally
        world.on_status(self._on_status)
        world.dispatcher.on_finished(self._on_finished)

    def _on_status(self, event: StatusEvent) -> None:
        self.tally.events += 1
        created = self.world.dispatcher.send(
            provider=event.message.provider, org_id=event.message.org_id, endpoint_id="soak", url=self.url,
            event_type=f"soak.{event.status.value}", body=b'{"soak":true}', policy=SOAK_POLICY,
            message_id=event.message.id, status=event.status.value,
        )
        self.tally.deliveries_created += len(created)

    def _on_finished(self, delivery: Delivery) -> None:
        self.tally.deliveries_finished[delivery.state] += 1
        attempts = delivery.attempts
        self.tally.retried += len(attempts) > 1
        if delivery.state == DELIVERED:
            ok = bool(attempts) and attempts[-1].status_code is not None and 200 <= attempts[-1].status_code < 300
        else:
            ok = (delivery.state == EXHAUSTED and len(attempts) == len(SOAK_POLICY.schedule)
                  and all(a.status_code is None or a.status_code >= 300 for a in attempts))
        if not ok:
            self.tally.bad_deliveries.append(f"{delivery.id} {delivery.state} {len(attempts)} attempts")


@dataclass
class SoakReport:
    tally: Tally
    seconds: float
    answers: Counter[str]
    journal_len: int
    journal_cap: int
    log_len: int
    delivery_cap: int
    pending_after: int
    tasks_leaked: list[str]
    fds_before: int
    fds_after: int
    messages: int
    evicted: int = 0

    def broken(self) -> list[str]:
        """Every invariant the soak promises that did not hold (empty when all did)."""
        t = self.tally
        checks = {
            "every event delivered or exhausted": sum(t.deliveries_finished.values()) == t.deliveries_created
            == t.events,
            "exhausted deliveries kept all attempts": not t.bad_deliveries,
            "polled statuses only moved forward": not t.backwards,
            "no timer left": self.pending_after == 0,
            "no task leaked": not self.tasks_leaked,
            "no socket leaked": self.fds_after <= self.fds_before,
            "journal within its cap": self.journal_len <= self.journal_cap,
            "delivery log within its cap": self.log_len <= self.delivery_cap,
        }
        return [name for name, held in checks.items() if not held]

    def rows(self) -> list[tuple[str, Any]]:
        t = self.tally
        return [
            ("seconds", round(self.seconds, 2)), ("sends", t.sends), ("polls", t.polls), ("inbound", t.inbound),
            ("status events", t.events), ("deliveries", t.deliveries_created),
            ("delivered / exhausted", f"{t.deliveries_finished[DELIVERED]} / {t.deliveries_finished[EXHAUSTED]}"),
            ("receiver 2xx / 500 / stalled", " / ".join(str(self.answers[k]) for k in ("200", "500", "stall"))),
            ("journal kept / cap / recorded", f"{self.journal_len} / {self.journal_cap} / {t.journal_total}"),
            ("delivery log kept / cap", f"{self.log_len} / {self.delivery_cap}"),
            ("open fds before / after", f"{self.fds_before} / {self.fds_after}"),
        ]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def _sender(calls: Calls, http: aiohttp.ClientSession, base: str, ids: deque[str], tally: Tally,
                  rng: random.Random, over: Callable[[], bool], limit: int) -> None:
    for _ in range(limit):
        if over():
            return
        ids.append(await calls.send_template(http, base, rng.choice(RECIPIENTS)))
        tally.sends += 1


async def _poller(calls: Calls, http: aiohttp.ClientSession, base: str, ids: deque[str], tally: Tally,
                  rng: random.Random, over: Callable[[], bool], limit: int) -> None:
    # Each poller is sequential, so its own view of a message must never go back.
    seen: dict[str, int] = {}
    for _ in range(limit):
        if over():
            return
        if not ids:
            await asyncio.sleep(0.01)
            continue
        message_id = rng.choice(ids)
        word = await calls.poll(http, base, message_id)
        rank = calls.ranks[word]
        if rank < seen.get(message_id, -1):
            tally.backwards.append(f"{calls.provider} {message_id}: {word} after rank {seen[message_id]}")
        seen[message_id] = max(rank, seen.get(message_id, -1))
        tally.polls += 1
        if len(seen) > 4 * RECENT:  # forget what can no longer be picked
            window = set(ids)
            seen = {key: value for key, value in seen.items() if key in window}


async def _customer(provider: str, http: aiohttp.ClientSession, control: str, tally: Tally,
                    rng: random.Random, over: Callable[[], bool], limit: int) -> None:
    for _ in range(limit):
        if over():
            return
        body = {"provider": provider, "from": rng.choice(RECIPIENTS), "text": "hi"}
        async with http.post(control + "/inbound", json=body) as response:
            assert response.status == 201, await response.text()
        tally.inbound += 1
        await asyncio.sleep(0.005)


async def run_soak(seconds: float, *, workers: int = 4, journal_cap: int = 300, delivery_cap: int = 200,
                   max_ops: int = 100_000, seed: int = 1, enough: Callable[[Tally], bool] | None = None,
                   most_seconds: float | None = None, watch: Callable[[World], Any] | None = None,
                   message_cap: int | None = None) -> SoakReport:
    """Drive every provider for ``seconds`` of wall time, flush, stop, and report.

    ``enough``: keep going past ``seconds`` until it holds for the tally, so a slow or busy
    machine still does the work a check needs; ``most_seconds`` (default four times
    ``seconds``) stops the load regardless. ``watch(world)``, if given, is awaited alongside the
    load (a memory sampler) and cancelled when the load ends.
    """
    baseline_tasks = set(asyncio.all_tasks())
    fds_before = open_fds()
    tally = Tally()
    loop = asyncio.get_running_loop()
    began = loop.time()
    caps = {} if message_cap is None else {"message_cap": message_cap}
    emu = Emulator(clock=ClockSpec(ClockMode.SCALED, 20.0), journal_cap=journal_cap, delivery_cap=delivery_cap, **caps,
                   seed=seed)
    answers = FlakyAnswers(seed)
    receiver, port = await started(receiver_app(answers))
    try:
        CoreWebhooks(emu.world, f"http://127.0.0.1:{port}/hook", tally)
        async with emu, aiohttp.ClientSession() as http:
            until = loop.time() + seconds
            deadline = loop.time() + (most_seconds if most_seconds is not None else 4 * seconds)

            def over() -> bool:
                now = loop.time()
                return now >= deadline or (now >= until and (enough is None or enough(tally)))

            rng = random.Random(seed)
            jobs = []
            unlimit(emu.world, 10 * max_ops)
            for name, calls in CALLS.items():
                base, ids = emu.url(name), deque(maxlen=RECENT)
                for n in range(workers):  # senders, pollers and two writing customers
                    worker_rng = random.Random(rng.random())
                    jobs.append(_sender(calls, http, base, ids, tally, worker_rng, over, max_ops))
                    jobs.append(_poller(calls, http, base, ids, tally, worker_rng, over, max_ops))
                    if n < 2:
                        jobs.append(_customer(name, http, emu.base_url + "/_emulator", tally, worker_rng, over,
                                              max_ops))
            watcher = asyncio.ensure_future(watch(emu.world)) if watch is not None else None
            await asyncio.gather(*jobs)
            if watcher is not None:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
            # Flush: freeze the clock and run out every timeline and retry schedule.
            emu.world.clock.set_mode(ClockSpec(ClockMode.MANUAL))
            await emu.advance(24 * 3600)
            await emu.settle()
            world = emu.world
            tally.journal_total = world.journal._seq
            report = dict(
                journal_len=len(world.journal), journal_cap=world.journal.cap,
                log_len=len(world.dispatcher.deliveries()), delivery_cap=world.dispatcher.cap,
                pending_after=world.clock.pending(), messages=len(world.store), evicted=world.store.evicted,
            )
    finally:
        await receiver.cleanup()
    leaked = await _leftover_tasks(baseline_tasks)
    fds_after = await _fds_back_to(fds_before)
    return SoakReport(tally, loop.time() - began, answers.counts, tasks_leaked=leaked, fds_before=fds_before,
                      fds_after=fds_after, **report)


async def _leftover_tasks(baseline: set[asyncio.Task[Any]]) -> list[str]:
    current = asyncio.current_task()
    for _ in range(50):  # closing transports take a few loop turns
        left = [t for t in asyncio.all_tasks() if t not in baseline and t is not current and not t.done()]
        if not left:
            return []
        await asyncio.sleep(0.01)
    return [t.get_name() for t in left]


async def _fds_back_to(before: int) -> int:
    for _ in range(100):
        now = open_fds()
        if now <= before:
            return now
        await asyncio.sleep(0.01)
    return open_fds()
