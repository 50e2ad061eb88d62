import asyncio

import pytest

from wa_emulator.core.clock import Clock, ClockMode, ClockSpec

START = 1_700_000_000.0


def manual() -> Clock:
    return Clock(ClockSpec(ClockMode.MANUAL), start=START)


async def test_manual_clock_is_frozen_until_advanced():
    clock = manual()
    await asyncio.sleep(0.01)
    assert clock.now() == START
    assert await clock.advance(86_400) == START + 86_400


async def test_advance_fires_due_timers_in_time_then_sequence_order_at_their_own_time():
    clock = manual()
    fired: list[tuple[str, float]] = []
    for label, delay in [("c", 3), ("a", 1), ("b", 1), ("late", 10)]:
        clock.call_later(delay, lambda label=label: fired.append((label, clock.now())))
    await clock.advance(5)
    assert fired == [("a", START + 1), ("b", START + 1), ("c", START + 3)]
    assert clock.now() == START + 5
    assert clock.pending() == 1


async def test_timers_scheduled_by_a_timer_within_the_window_also_fire():
    clock = manual()
    fired = []
    clock.call_later(1, lambda: clock.call_later(1, lambda: fired.append(clock.now())))
    await clock.advance(2)
    assert fired == [START + 2]


async def test_advance_waits_for_spawned_work_before_the_next_timer():
    clock = manual()
    order = []

    async def slow(name):
        await asyncio.sleep(0.02)
        order.append(name)

    clock.call_later(1, lambda: clock.spawn(slow("first")))
    clock.call_later(2, lambda: order.append("second"))
    await clock.advance(2)
    assert order == ["first", "second"]


async def test_cancelled_timer_does_not_fire_and_failing_callback_does_not_stop_others():
    clock = manual()
    fired = []
    timer = clock.call_later(1, lambda: fired.append("cancelled"))
    timer.cancel()
    clock.call_later(1, lambda: 1 / 0)
    clock.call_later(2, lambda: fired.append("ok"))
    await clock.advance(3)
    assert fired == ["ok"]


async def test_advance_rejects_going_backwards():
    with pytest.raises(ValueError):
        await manual().advance(-1)


async def test_scaled_clock_runs_faster_and_fires_timers_on_its_own():
    clock = Clock(ClockSpec(ClockMode.SCALED, 1000.0), start=START)
    fired = asyncio.Event()
    clock.call_later(50, fired.set)  # 50 emulated seconds = 50 ms real
    await clock.start()
    try:
        await asyncio.wait_for(fired.wait(), timeout=2)
        assert clock.now() >= START + 50
    finally:
        await clock.stop()


async def test_set_mode_continues_without_a_jump_and_reset_returns_to_start():
    clock = manual()
    await clock.advance(100)
    clock.set_mode(ClockSpec(ClockMode.SCALED, 10))
    assert clock.now() >= START + 100
    clock.call_later(5, lambda: None)
    clock.reset()
    assert clock.pending() == 0


def test_clock_spec_parsing():
    assert ClockSpec.parse("manual").mode is ClockMode.MANUAL
    assert ClockSpec.parse("scaled:60") == ClockSpec(ClockMode.SCALED, 60.0)
    for bad in ["", "fast", "scaled:", "scaled:-1", "scaled:0"]:
        with pytest.raises(ValueError):
            ClockSpec.parse(bad)


def test_real_clock_matches_the_wall_clock():
    import time

    clock = Clock(ClockSpec(ClockMode.REAL))
    assert abs(clock.now() - time.time()) < 0.05
