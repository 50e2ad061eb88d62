"""What a stopping server waits for, and what it leaves behind.

A server asked to stop gives the webhook attempts still pending a grace period: attempts
in flight finish and attempts falling due meanwhile are made. Whatever is still pending when the
grace ends is counted, so the one line the server logs says what was not delivered.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .clock import ClockMode
from .world import World

POLL = 0.05  # seconds between looks at what is left


@dataclass(frozen=True, slots=True)
class Leftover:
    """What a world still had to do when the server stopped."""

    deliveries: int  # webhook deliveries still pending
    timers: int | None  # timers pending on a manual clock (None on a running one)

    def summary(self) -> str:
        """One line for the log.

        >>> Leftover(3, 2).summary()
        '3 webhook deliveries still pending, 2 timers pending on the manual clock'
        """
        line = f"{self.deliveries} webhook {'delivery' if self.deliveries == 1 else 'deliveries'} still pending"
        if self.timers is not None:
            line += f", {self.timers} {'timer' if self.timers == 1 else 'timers'} pending on the manual clock"
        return line


async def drain(world: World, grace: float) -> None:
    """Wait up to ``grace`` seconds for the world's pending webhook deliveries.

    Returns early once none is pending, or once nothing more can happen: no attempt in flight
    and a manual clock (its timers wait for an advance that will not come).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    while loop.time() < deadline:
        if world.dispatcher.pending_count() == 0:
            return
        if world.clock.working() == 0 and world.clock.mode is ClockMode.MANUAL:
            return
        await asyncio.sleep(min(POLL, max(deadline - loop.time(), 0)))


def leftover(world: World) -> Leftover:
    """What ``world`` still had pending (call after its background work was stopped)."""
    manual = world.clock.mode is ClockMode.MANUAL
    return Leftover(world.dispatcher.pending_count(), world.clock.pending() if manual else None)
