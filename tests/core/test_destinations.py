"""Where webhooks may go: a refused URL is one failed attempt that never left the process."""

import pytest

from tests.support.sinks import running_sink
from wa_emulator.core.destinations import ANY, LOOPBACK, Destinations, is_local_host
from wa_emulator.core.webhooks import DELIVERED, EXHAUSTED, Dispatcher
from wa_emulator.settings import Settings
from wa_emulator.testing.emulator import Emulator

from .test_webhooks import dispatcher, send


def never_posts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the dispatcher opens a connection (or asks the resolver for a name)."""
    async def post(self, delivery, headers):
        raise AssertionError(f"{delivery.url} was attempted")
    monkeypatch.setattr(Dispatcher, "_post", post)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1", "0.0.0.0", "localhost",
                                  "LOCALHOST.", "127.1", "2130706433"])
def test_local_hosts_are_known_without_a_lookup(host):
    assert is_local_host(host)


@pytest.mark.parametrize("host", ["10.0.0.5", "192.168.1.1", "example.test", "localhost.example.test",
                                  "127.0.0.1.example.test", "::2", ""])
def test_other_hosts_are_not_local(host):
    assert not is_local_host(host)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8066/_emulator/reset",
    "http://localhost:1/_emulator/faults",
    "http://[::1]:8066/_emulator",
    "http://0.0.0.0:8066/_emulator/reset",
    "http://127.0.0.1:8066/%5Femulator/reset",
    "http://127.0.0.1:8066/wazapin/../_emulator/reset",
    "http://127.0.0.1:8066//_emulator/reset",
    "https://api.wazapin.com/_emulator/reset",
    "http://emulator-box:8066/_emulator/clock/advance",
])
def test_the_control_api_is_refused_under_every_alias(url):
    policy = Destinations(ANY, own_hosts=frozenset({"api.wazapin.com", "emulator-box"}))
    assert policy.aims_at_control(url)
    assert "control API" in policy.refusal(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hooks", "http://127.0.0.1:9000/hooks/_emulator",
                                 "https://hooks.example.test/_emulator/reset", "not a url", "http://[::1/x"])
def test_other_urls_are_no_control_api(url):
    assert not Destinations(ANY, own_hosts=frozenset({"api.wazapin.com"})).aims_at_control(url)


def test_an_unknown_rule_is_refused_by_name():
    with pytest.raises(ValueError, match="one of any, loopback, not 'lan'"):
        Destinations("lan")


async def test_loopback_only_fails_a_remote_delivery_at_once_without_trying(monkeypatch):
    never_posts(monkeypatch)
    d = dispatcher()
    d.destinations = Destinations(LOOPBACK)
    [delivery] = send(d, "https://hooks.example.test/receive")
    await d.clock.settle()
    assert delivery.state == EXHAUSTED and delivery.next_attempt_at is None
    [attempt] = delivery.attempts
    assert attempt.status_code is None and attempt.latency_ms == 0
    assert attempt.error == ("not attempted: hooks.example.test is not a loopback address, and webhook "
                             "destinations are limited to loopback (--webhook-destinations loopback)")
    await d.clock.advance(3600)
    assert len(delivery.attempts) == 1, "a refusal is final: retrying could not change it"
    d.retry_now(delivery)
    await d.clock.settle()
    assert delivery.state == EXHAUSTED and len(delivery.attempts) == 2
    await d.close()


async def test_loopback_only_still_delivers_to_this_machine():
    d = dispatcher()
    d.destinations = Destinations(LOOPBACK)
    async with running_sink() as rx:
        [delivery] = send(d, rx.url)
        await d.clock.settle()
    assert delivery.state == DELIVERED and len(rx.received) == 1
    await d.close()


async def test_a_control_url_is_refused_whatever_the_rule(monkeypatch):
    never_posts(monkeypatch)
    d = dispatcher()
    [delivery] = send(d, "http://127.0.0.1:8066/_emulator/reset")
    await d.clock.settle()
    assert delivery.state == EXHAUSTED
    assert "is the emulator's control API (/_emulator/), which never receives webhooks" in delivery.attempts[0].error
    await d.close()


async def test_every_test_fixture_delivers_to_loopback_only(emu, wa_emulator):
    # The fuzz runs start a ThreadedEmulator, which builds the same default Emulator.
    for fixture in (emu, wa_emulator, Emulator(strict=True)):
        assert fixture.world.dispatcher.destinations.allow == LOOPBACK
    assert Emulator(Settings()).world.dispatcher.destinations.allow == ANY, "serve's default is any"
