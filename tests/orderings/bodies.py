"""The one test body every tracker test explores: send, deliver in the run's order, check the client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from examples.clients import Integration
from examples.trackers import Tracker
from wa_emulator.testing.converge import converges
from wa_emulator.testing.orderings import OrderingRun

TO = "+15550001005"  # the default timeline: sent at 1 s, delivered at 3 s, read at 10 s
UNREACHABLE = "+15550009999"  # set not on WhatsApp in the body: sent, then failed with 131026


def tracker_body(tracker: type[Tracker], provider: str, *, to: str = TO) -> Callable[[OrderingRun], Awaitable[None]]:
    """A body that sends one template to ``to`` and checks the tracker against the emulator."""

    async def body(run: OrderingRun) -> None:
        emu = run.emulator
        if to == UNREACHABLE:
            emu.set_contact(UNREACHABLE, on_whatsapp=False)
        tracked = tracker()
        async with Integration(provider, emu.url(provider), tracked) as app:
            await app.send_template(to)
            await run.deliver()
            if provider == "mojeeb" or tracked.reconciles:
                await app.reconcile()  # Mojeeb never pushes: its clients poll
            run.assert_accepted()
            converges(emu, tracked.view())
            reached = sum(1 for m in emu.messages(direction="outbound")
                          if {"delivered", "read"} & {c["status"] for c in m["history"]})
            assert tracked.delivered_count == reached, (
                f"the tracker counts {tracked.delivered_count} delivered, the emulator delivered {reached}")

    return body
