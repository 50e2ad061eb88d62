"""The reliability figures' script, run briefly: nothing lost, no 5xx, and a table that says so."""

from __future__ import annotations

import datetime

from bench.reliability import measure


async def test_reliability_figures_lose_nothing_and_answer_no_5xx() -> None:
    figures = await measure(10.0, workers=2)
    assert figures.soak.tally.events > 0 and figures.corpus["probes"] > 1000
    # Customers kept writing in while sends kept the clock busy: no inbound call waited for all of it.
    assert figures.soak.tally.inbound > 20
    assert figures.lost == 0
    assert figures.corpus["5xx"] == 0
    assert figures.broken() == []
    table = figures.markdown(datetime.date(2025, 1, 1))
    assert "| Lost | 0 |" in table and "/ 0 /" in table.split("Bad-input answers")[1]
