import socket

from tests.support.sinks import running_sink
from wa_emulator.core.clock import Clock, ClockMode, ClockSpec
from wa_emulator.core.ids import IdFactory
from wa_emulator.core.models import WebhookDirective
from wa_emulator.core.webhooks import CANCELLED, DELIVERED, DROPPED, EXHAUSTED, Dispatcher, RetryPolicy

START = 1_700_000_000.0
POLICY = RetryPolicy(schedule=(0, 5, 300), timeout=1.0)


def dispatcher() -> Dispatcher:
    return Dispatcher(Clock(ClockSpec(ClockMode.MANUAL), start=START), IdFactory(3))


def send(d: Dispatcher, url: str, **kw):
    return d.send(provider="demo", org_id="org", endpoint_id="ep", url=url, event_type="demo.event",
                  body=b'{"n":1}', policy=POLICY, **kw)


async def test_failures_are_retried_on_the_emulated_schedule_until_success():
    d = dispatcher()
    async with running_sink() as rx:
        rx.fail(500, times=1)
        [delivery] = send(d, rx.url, sign=lambda dl, wall: {"X-Sig": f"{dl.event_id}:{int(wall)}"})
        await d.clock.settle()
        assert [a.status_code for a in delivery.attempts] == [500]
        rx.fail(503, times=1)
        await d.clock.advance(5)
        assert [a.status_code for a in delivery.attempts] == [500, 503]
        await d.clock.advance(299)
        assert delivery.state != DELIVERED
        await d.clock.advance(1)
        assert delivery.state == DELIVERED
        assert [a.at - START for a in delivery.attempts] == [0, 5, 305]
        assert len(rx.received) == 3 and rx.received[0].headers["X-Sig"].startswith(delivery.event_id)
    await d.close()


async def test_a_dead_receiver_exhausts_every_attempt_and_keeps_each_one():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    d = dispatcher()
    [delivery] = send(d, url)
    await d.clock.advance(3600)
    assert delivery.state == EXHAUSTED
    assert len(delivery.attempts) == 3
    assert all(a.status_code is None and a.error for a in delivery.attempts)
    await d.close()


async def test_a_stalled_receiver_times_out_and_counts_as_a_failure():
    d = dispatcher()
    async with running_sink() as rx:
        rx.slow(0.5)
        policy = RetryPolicy(schedule=(0,), timeout=0.1)
        [delivery] = d.send(provider="demo", org_id="org", endpoint_id="ep", url=rx.url, event_type="e",
                            body=b"{}", policy=policy)
        await d.clock.settle()
        assert delivery.state == EXHAUSTED and "timed out" in delivery.attempts[0].error
    await d.close()


async def test_directives_delay_duplicate_and_drop():
    d = dispatcher()
    async with running_sink() as rx:
        [late] = send(d, rx.url, directive=WebhookDirective(delay=5))
        copies = send(d, rx.url, directive=WebhookDirective(duplicate=2))
        [dropped] = send(d, rx.url, directive=WebhookDirective(drop=True))
        await d.clock.settle()
        assert late.attempts == [] and all(c.state == DELIVERED for c in copies)
        assert len({c.event_id for c in copies}) == 1 and len(copies) == 3
        assert dropped.state == DROPPED
        await d.clock.advance(5)
        assert late.state == DELIVERED and len(rx.received) == 4
        assert d.deliveries(state=DROPPED) == [dropped]
    await d.close()


async def test_manual_retry_starts_a_fresh_round():
    d = dispatcher()
    async with running_sink() as rx:
        rx.fail(500, times=3)
        [delivery] = send(d, rx.url)
        await d.clock.advance(400)
        assert delivery.state == EXHAUSTED
        d.retry_now(delivery)
        await d.clock.settle()
        assert delivery.state == DELIVERED and len(delivery.attempts) == 4
    await d.close()


async def test_a_cancelled_delivery_makes_no_more_attempts_and_keeps_its_log():
    d = dispatcher()
    async with running_sink() as rx:
        rx.fail(500, times=3)
        [delivery] = send(d, rx.url)
        await d.clock.settle()
        assert d.cancel(delivery) is True and delivery.state == CANCELLED
        await d.clock.advance(400)
        assert len(delivery.attempts) == 1 and len(rx.received) == 1
        assert d.cancel(delivery) is False, "only a pending delivery can be cancelled"
    await d.close()


async def test_waiting_for_a_connection_slot_does_not_count_against_the_receivers_time():
    clock = Clock(ClockSpec(ClockMode.MANUAL), start=START)
    d = Dispatcher(clock, IdFactory(3), connections=2)
    policy = RetryPolicy(schedule=(0,), timeout=0.3)
    async with running_sink() as rx:
        rx.slow(0.2)  # each answer takes 0.2 s; only 2 at a time
        deliveries = [
            delivery
            for _ in range(4)
            for delivery in d.send(provider="demo", org_id="org", endpoint_id="ep", url=rx.url, event_type="e",
                                   body=b"{}", policy=policy)
        ]
        await clock.settle()
        assert [x.state for x in deliveries] == [DELIVERED] * 4
        assert all(x.attempts[0].latency_ms < 300 for x in deliveries)
    await d.close()


async def test_a_stalled_receiver_does_not_delay_another_receiver():
    clock = Clock(ClockSpec(ClockMode.MANUAL), start=START)
    d = Dispatcher(clock, IdFactory(3), connections=1)
    async with running_sink() as slow, running_sink() as fast:
        slow.slow(0.5)
        for _ in range(3):
            d.send(provider="demo", org_id="org", endpoint_id="slow", url=slow.url, event_type="e", body=b"{}",
                   policy=RetryPolicy(schedule=(0,), timeout=2.0))
        [quick] = d.send(provider="demo", org_id="org", endpoint_id="fast", url=fast.url, event_type="e",
                         body=b"{}", policy=RetryPolicy(schedule=(0,), timeout=0.2))
        await clock.settle()
        assert quick.state == DELIVERED
        assert len(slow.received) == 3
    await d.close()


async def test_fail_attempts_reach_the_receiver_count_failed_and_the_policy_retries():
    d = dispatcher()
    async with running_sink() as rx:
        [delivery] = send(d, rx.url, directive=WebhookDirective(fail_attempts=2))
        [hopeless] = send(d, rx.url, directive=WebhookDirective(fail_attempts=3))  # every attempt POLICY has
        await d.clock.advance(3600)
        # The receiver answered 200 each time and saw every attempt; the first two did not count.
        assert len(rx.received) == 6 and [a.status_code for a in delivery.attempts] == [200, 200, 200]
        assert [a.at - START for a in delivery.attempts] == [0, 5, 305] and delivery.state == DELIVERED
        first = delivery.attempts[0].error
        assert first == ("counted failed by the scenario (webhook.fail_attempts: attempt 1 of 2); "
                         "the receiver answered 200")
        assert delivery.attempts[2].error is None
        assert hopeless.state == EXHAUSTED and all(a.error for a in hopeless.attempts)
    await d.close()
