"""A bounded soak (about 4 s): concurrency, a flaky webhook receiver, and every invariant after."""

from __future__ import annotations

from bench.soakengine import Tally, run_soak
from wa_emulator.core.webhooks import DELIVERED, EXHAUSTED

JOURNAL_CAP, DELIVERY_CAP = 300, 200


def _enough(t: Tally) -> bool:
    # What the checks below need done. A busy machine gets there later than 3 s, not never: one
    # API call is one journal entry, and each status event one delivery to the receiver.
    return (t.sends > 50 and t.polls > 50 and t.inbound > 0 and t.sends + t.polls > JOURNAL_CAP
            and t.deliveries_created > DELIVERY_CAP)


async def test_soak_keeps_every_invariant_under_concurrent_load() -> None:
    report = await run_soak(seconds=3.0, journal_cap=JOURNAL_CAP, delivery_cap=DELIVERY_CAP, enough=_enough,
                            most_seconds=20.0)
    t = report.tally
    assert t.sends > 50 and t.polls > 50 and t.inbound > 0, report.rows()
    assert report.broken() == [], report.rows()
    # Each invariant was really exercised: both outcomes, both failure kinds, both caps reached.
    assert t.deliveries_finished[DELIVERED] > 0 and t.deliveries_finished[EXHAUSTED] > 0, report.rows()
    assert report.answers["500"] > 0 and report.answers["stall"] > 0
    assert t.journal_total > report.journal_cap and t.deliveries_created > report.delivery_cap
