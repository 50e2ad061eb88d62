"""A bounded soak (about 4 s): concurrency, a flaky webhook receiver, and every invariant after."""

from __future__ import annotations

from emulator.core.webhooks import DELIVERED, EXHAUSTED

from .engine import run_soak


async def test_soak_keeps_every_invariant_under_concurrent_load() -> None:
    report = await run_soak(seconds=3.0)
    t = report.tally
    assert t.sends > 50 and t.polls > 50 and t.inbound > 5, report.rows()
    # Every status event reached the receiver or was recorded exhausted with all its attempts.
    assert t.events > 0 and t.deliveries_created == t.events
    assert sum(t.deliveries_finished.values()) == t.deliveries_created, report.rows()
    assert t.deliveries_finished[DELIVERED] > 0 and t.deliveries_finished[EXHAUSTED] > 0, report.rows()
    assert t.bad_deliveries == []
    assert report.answers["500"] > 0 and report.answers["stall"] > 0
    # Polling never saw a status go back.
    assert t.backwards == []
    # Nothing left behind: timers, tasks, sockets.
    assert report.pending_after == 0
    assert report.tasks_leaked == []
    assert report.fds_after <= report.fds_before, report.rows()
    # Memory is bounded by the caps, and the caps were actually reached.
    assert t.journal_total > report.journal_cap >= report.journal_len
    assert t.deliveries_created > report.delivery_cap >= report.log_len
