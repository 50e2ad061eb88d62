"""The caps that keep a long-running server's memory bounded."""

from __future__ import annotations

from tests.support.sinks import running_sink
from wa_emulator.core.clock import Clock, ClockMode, ClockSpec
from wa_emulator.core.ids import IdFactory
from wa_emulator.core.journal import Journal
from wa_emulator.core.webhooks import Dispatcher, RetryPolicy


async def test_a_burst_of_pending_deliveries_overshoots_the_log_cap_only_until_they_finish():
    dispatcher = Dispatcher(Clock(ClockSpec(ClockMode.MANUAL), start=1_700_000_000.0), IdFactory(1), cap=2)
    async with running_sink() as rx:
        for _ in range(5):
            dispatcher.send(provider="demo", org_id="org", endpoint_id="ep", url=rx.url, event_type="e",
                            body=b"{}", policy=RetryPolicy(schedule=(0,), timeout=1.0))
        assert len(dispatcher.deliveries()) == 5  # all still pending: none may be forgotten
        await dispatcher.clock.settle()
        assert len(rx.received) == 5 and len(dispatcher.deliveries()) == 2
    await dispatcher.close()


def test_the_journal_keeps_only_the_newest_entries():
    journal = Journal(cap=3)
    for n in range(10):
        journal.record(at=n, provider="demo", method="GET", path=f"/{n}", query="", status=200,
                       correlation_id=None, duration_ms=0.1, request_body=None)
    assert len(journal) == 3 and [e.path for e in journal.query()] == ["/7", "/8", "/9"]
