"""The orderings find each purpose-built bug, and the correct tracker passes every ordering."""

from __future__ import annotations

from typing import Any

import pytest

from examples.clients import Integration
from examples.trackers import (
    CorrectTracker,
    CountsEveryWebhook,
    CrashesOnUnknownId,
    DropsFailureReason,
    LastWriteWins,
    Tracker,
)
from tests.orderings.bodies import TO, UNREACHABLE, tracker_body
from wa_emulator.testing.converge import converges
from wa_emulator.testing.orderings import OrderingRun, Orderings, OrderingsFailed, Space, explore_orders

PUSHING = ["wazapin", "qlara"]  # Mojeeb has no webhooks (design.md): its clients poll


def bug(name: str, tracker: type[Tracker], *expected: str, to: str = TO, **space: bool | int) -> Any:
    """One purpose-built bug: the tracker, the orderings to search, and what the failure must say."""
    return pytest.param(tracker, to, expected, id=name, marks=pytest.mark.wa_orderings(**space))


BUGS = [
    bug("last-write-wins", LastWriteWins, "failed: m1: sent, read, delivered",
        "the client says 'delivered', the emulator says 'read'", "--wa-ordering=m1sent_m1read_m1delivered",
        duplicates=0, drops=0, early=False),
    bug("counter-without-dedup", CountsEveryWebhook, "m1: sent, delivered, delivered, read",
        "the tracker counts 2 delivered, the emulator delivered 1", duplicates=1, drops=0, early=False),
    bug("crash-on-unknown-id", CrashesOnUnknownId, "m1: sent (early), delivered, read",
        "the receiver refused: m1 sent (", "), answered 500", duplicates=0, drops=0, early=True),
    bug("drops-failure-reason", DropsFailureReason, "failed: m1: sent, failed",
        "the client kept no failure reason; the emulator failed it with 131026", to=UNREACHABLE,
        duplicates=0, drops=0, early=False),
]


@pytest.mark.parametrize("provider", PUSHING)
@pytest.mark.parametrize(("tracker", "to", "expected"), BUGS)
async def test_the_orderings_find_each_bug(wa_orderings: Orderings, provider: str, tracker: type[Tracker], to: str,
                                           expected: tuple[str, ...]) -> None:
    with pytest.raises(OrderingsFailed) as failed:
        await wa_orderings.explore(tracker_body(tracker, provider, to=to))
    for line in expected:
        assert line in str(failed.value)
    assert wa_orderings.runs[0] in {"m1sent_m1delivered_m1read", "m1sent_m1failed"}  # the plain run comes first


def test_read_before_delivered_is_the_second_order_tried() -> None:
    orders, total = explore_orders({(1, "sent"): 1, (1, "delivered"): 1, (1, "read"): 1}, Space(0, 0, False),
                                   max_runs=10, seed=0)
    assert [o.id for o in orders][:2] == ["m1sent_m1delivered_m1read", "m1sent_m1read_m1delivered"] and total == 6


@pytest.mark.parametrize("to", [TO, UNREACHABLE], ids=["read", "failed"])
@pytest.mark.parametrize("provider", [*PUSHING, "mojeeb"])
@pytest.mark.wa_orderings(max_runs=1000)
async def test_the_correct_tracker_passes_every_ordering(wa_orderings: Orderings, provider: str, to: str) -> None:
    runs = await wa_orderings.explore(tracker_body(CorrectTracker, provider, to=to))
    assert wa_orderings.total == len(runs)  # every distinct order, none sampled
    if provider == "mojeeb":
        assert runs == ["none"]  # no webhooks to order: one plain run
    else:
        assert len(runs) > 10 and any("early" in r for r in runs) and any("dropped" in r for r in runs)


@pytest.mark.parametrize("provider", PUSHING)
@pytest.mark.wa_orderings(max_runs=40, seed=5)
async def test_two_messages_are_sampled_and_the_correct_tracker_passes_them(wa_orderings: Orderings,
                                                                           provider: str) -> None:
    async def body(run: OrderingRun) -> None:
        run.emulator.set_contact(UNREACHABLE, on_whatsapp=False)
        tracker = CorrectTracker()
        async with Integration(provider, run.emulator.url(provider), tracker) as app:
            first = await app.send_template(TO)
            second = await app.send_template(UNREACHABLE)
            assert [run.message_id(1), run.message_id(2)] == [first, second]
            await run.deliver()
            await app.reconcile()
            run.assert_accepted()
            converges(run.emulator, tracker.view())

    runs = await wa_orderings.explore(body)
    assert len(runs) == 40 < wa_orderings.total
    assert any("m2sent-early" in r for r in runs) and any("m1sent-early" in r for r in runs)
