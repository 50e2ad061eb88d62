"""A schedule rendered as scenario YAML loads, and the emulator replays its order exactly."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests.support.sinks import running_sink
from tests.support.wazapin import WazapinClient
from wa_emulator.core.clock import ClockSpec
from wa_emulator.core.destinations import LOOPBACK
from wa_emulator.scenario import ScenarioError, load_scenario, load_text
from wa_emulator.settings import Settings
from wa_emulator.testing.emulator import Emulator
from wa_emulator.testing.orderings import OrderingRun, orderings_for
from wa_emulator.testing.schedules import Event, Inexpressible, Schedule, SentMessage, StatusStep

TO = "+15550001005"
STEPS = (StatusStep("sent", 1.0), StatusStep("delivered", 3.0), StatusStep("read", 10.0))


def schedule(*events: Event, message_id: str = "m") -> Schedule:
    return Schedule("wazapin", (SentMessage(message_id, TO, STEPS),), events, seed=11)


async def replay(tmp_path: Path, plan: Schedule) -> list[str]:
    """Serve the schedule's scenario, send one template, run the clock out; the statuses the receiver got."""
    path = tmp_path / "schedule.yaml"
    path.write_text(plan.to_scenario_yaml())
    async with Emulator(scenario=str(path)) as emu, running_sink() as sink, aiohttp.ClientSession() as http:
        client = await WazapinClient(emu, http, sink).start()
        sent = await client.send_template(TO)
        assert sent.id is not None, sent.body
        await emu.advance("1h")
        return [body["status"] for body in sink.bodies()]


async def test_a_reordered_schedule_with_a_late_duplicate_replays_in_its_order(tmp_path: Path) -> None:
    plan = schedule(Event("m", "sent"), Event("m", "delivered"), Event("m", "read"),
                    Event("m", "delivered", copy=1))
    text = plan.to_scenario_yaml()
    assert "duplicate_delays" in text  # the second copy comes after read: it needs its own delay
    assert await replay(tmp_path, plan) == ["sent", "delivered", "read", "delivered"]


async def test_read_before_delivered_and_a_dropped_sent(tmp_path: Path) -> None:
    plan = schedule(Event("m", "sent", drop=True), Event("m", "read"), Event("m", "delivered"))
    assert await replay(tmp_path, plan) == ["read", "delivered"]


def test_what_the_format_cannot_say_is_refused_with_the_event_named() -> None:
    with pytest.raises(Inexpressible, match="m:sent\\(early\\)"):
        schedule(Event("m", "sent", early=True)).to_scenario_yaml()
    # A status for a message the client never sent is someone else's send, scripted by the scenario.
    text = schedule(Event("ghost", "read")).to_scenario_yaml()
    assert 'send: {provider: wazapin, to: "+15550180001"' in text
    assert load_text(text, "ghost.yaml").script[0].what.to == "+15550180001"


def test_too_many_duplicate_delays_is_a_scenario_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nname: bad\ntimelines:\n  - match: {}\n    steps:\n"
                    "      - {after: 1s, status: sent, webhook: {duplicate: 1, duplicate_delays: [1s, 2s]}}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.line == 6 and "duplicate_delays" in str(caught.value)


async def test_an_ordering_run_written_as_a_scenario_replays_its_order(tmp_path: Path) -> None:
    settings = Settings(port=0, clock=ClockSpec.parse("manual"), webhook_destinations=LOOPBACK, seed=11)
    orderings = orderings_for(settings, {}, "m1sent_m1delivered_m1read_m1delivered_m1sent-dropped", "here")
    seen: list[Schedule] = []

    async def body(run: OrderingRun) -> None:
        async with running_sink() as sink, aiohttp.ClientSession() as http:
            client = await WazapinClient(run.emulator, http, sink).start()
            await client.send_template(TO)
            await run.deliver()
            assert [body["status"] for body in sink.bodies()] == ["sent", "delivered", "read", "delivered"]
        seen.append(run.schedule())

    await orderings.explore(body)
    (plan,) = seen
    assert plan.describe().endswith(": sent, delivered, read, delivered#1, sent#1(dropped)")
    assert await replay(tmp_path, plan) == ["sent", "delivered", "read", "delivered"]
