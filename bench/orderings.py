"""Every ordering, timed: all distinct delivery orders of one message's four status webhooks
with one duplicate (5 deliveries, two alike: 5!/2! = 60 orders), on the manual clock.

``python -m bench.orderings``. One Qlara template whose timeline goes sent, received,
delivered, read (Qlara pushes all four; Wazapin stays quiet about received), the delivered
webhook duplicated by the scenario; each run resets the world, registers the receiver (the
correct tracker of examples/), sends, delivers in its order, reconciles and checks
``converges``. The baseline, measured in the same process, is one plain run of the same body on
its own emulator (start, run, stop). Target: all 60 orders in under one second.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from examples.clients import Integration
from examples.trackers import CorrectTracker
from wa_emulator.core.clock import ClockSpec
from wa_emulator.core.destinations import LOOPBACK
from wa_emulator.settings import Settings
from wa_emulator.testing.converge import converges
from wa_emulator.testing.emulator import Emulator
from wa_emulator.testing.orderings import OrderingRun, orderings_for

from .table import Row

SCENARIO = """\
version: 1
name: four-webhooks-one-duplicate
description: sent, received, delivered (twice), read.
timelines:
  - match: {}
    steps:
      - {after: 1s, status: sent}
      - {after: 1s, status: received}
      - {after: 1s, status: delivered, webhook: {duplicate: 1}}
      - {after: 7s, status: read}
"""
TO = "+15550001005"
TARGET = 1.0
REPEATS = 5


async def body(run: OrderingRun) -> None:
    tracker = CorrectTracker()
    async with Integration("qlara", run.emulator.url("qlara"), tracker) as app:
        await app.send_template(TO)
        await run.deliver()
        await app.reconcile()
        run.assert_accepted()
        converges(run.emulator, tracker.view())


async def every_order(settings: Settings) -> tuple[float, int]:
    orderings = orderings_for(settings, {"duplicates": 0, "drops": 0, "early": False}, None, "bench")
    started = time.perf_counter()
    runs = await orderings.explore(body)
    return time.perf_counter() - started, len(runs)


async def plain_run(settings: Settings) -> float:
    """The same body once, on its own emulator, webhooks delivered as they fall due."""
    started = time.perf_counter()
    async with Emulator(settings) as emu:
        tracker = CorrectTracker()
        async with Integration("qlara", emu.url("qlara"), tracker) as app:
            await app.send_template(TO)
            await emu.advance(60)
            await app.reconcile()
            converges(emu, tracker.view())
    return time.perf_counter() - started


def rows() -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(SCENARIO)
        settings = Settings(port=0, clock=ClockSpec.parse("manual"), webhook_destinations=LOOPBACK,
                            scenario=str(path), seed=1)
        explored = [asyncio.run(every_order(settings)) for _ in range(REPEATS)]
        plain = statistics.median(asyncio.run(plain_run(settings)) for _ in range(REPEATS))
    seconds = statistics.median(figure for figure, _ in explored)
    count = explored[0][1]
    assert count == 60, f"expected 60 distinct orders, explored {count}"
    return [Row("asyncio", f"every order ({count}) of 4 webhooks + 1 duplicate", "s", seconds, plain,
                "one plain run", f"< {TARGET:g} s", lambda row: row.value < TARGET)]


def main() -> int:
    for row in rows():
        per_run = row.value / 60 * 1000
        print(f"{row.measure}: {row.value:.3f} s ({per_run:.1f} ms an order); "
              f"baseline, {row.baseline_name}: {row.baseline * 1000:.1f} ms; target {row.target}: "
              f"{'met' if row.met(row) else 'NOT met'}")
        if not row.met(row):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
