"""The Hypothesis strategy finds an ordering bug, shrinks it to a few events, and prints a scenario that
replays exactly what the receiver got."""

from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examples.trackers import RANK, CorrectTracker, CrashesOnUnknownId, LastWriteWins, Tracker
from tests.strategies.clients import Fed, Harness, to_core
from wa_emulator.scenario import load_text
from wa_emulator.testing import Emulator
from wa_emulator.testing.schedules import Event, Schedule, SentMessage, StatusStep
from wa_emulator.testing.strategies import Played, play, replay, stranger_messages, webhook_schedules

# Bounded for CI: a fixed sequence of examples, no per-example deadline (each starts a server), no database.
BOUNDED = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow])


def told(played: Played) -> dict[str, str]:
    """The furthest status each sent message's webhooks told the receiver (what a tracker must show), in
    core words: a later status outranks an earlier one, and the first terminal one sticks."""
    furthest = {played.ids[m.id]: "queued" for m in played.schedule.messages}
    for message, word, answered in played.sequence:
        real = played.ids.get(message)
        if real in furthest and answered == 200:
            status = to_core(played.schedule.provider, word)
            if RANK[status] > RANK[furthest[real]]:
                furthest[real] = status
    return furthest


def check_tracker(schedule: Schedule, tracker_class: type[Tracker]) -> Played:
    """Play ``schedule`` against a tracker; fail with the schedule's scenario unless it shows what it was told."""

    async def run() -> Played:
        async with Emulator() as emulator:
            harness, fed = Harness(emulator, schedule.provider), Fed(schedule.provider, tracker_class())

            async def send(message: SentMessage) -> str:
                real = await harness.send(message)
                fed.tracker.sent(real)  # the integration records the id its send call answered
                return real

            played = await play(emulator, schedule, send=send, handle=fed.handle, subscribe=harness.subscribe)
            expected = told(played)
            shown = {real: status for real, (status, _) in fed.tracker.view().items() if real in expected}
            if played.errors or shown != expected:
                played.fail(f"the tracker shows {shown}, its webhooks said {expected}")
            return played

    return asyncio.run(run())


def shrink(tracker_class: type[Tracker], **options: object) -> tuple[Schedule, str]:
    """Run the property against ``tracker_class`` until Hypothesis has shrunk a failure; return the
    minimal schedule and the failure's message."""
    failing: list[Schedule] = []

    @BOUNDED
    @given(webhook_schedules(**options))
    def property_of_the_tracker(schedule: Schedule) -> None:
        try:
            check_tracker(schedule, tracker_class)
        except AssertionError:
            failing.append(schedule)
            raise

    with pytest.raises(AssertionError) as caught:
        property_of_the_tracker()
    return failing[-1], str(caught.value)  # Hypothesis replays the minimal failing example last


def test_the_strategy_finds_last_write_wins_and_shrinks_it_to_a_replayable_few_events():
    shrunk, message = shrink(LastWriteWins, provider="wazapin", messages=(1, 2))
    assert 2 <= len(shrunk.events) <= 3, shrunk.describe()
    assert len(shrunk.messages) == 1 and not stranger_messages(shrunk)
    assert "webhook schedule (wazapin):" in message and "wa-emulator serve --scenario FILE" in message
    yaml_text = message[message.index("version: 1"):]
    assert yaml_text.startswith("version: 1\nname: webhook-schedule\n")

    # The printed scenario, loaded as a file would be, replays the very same arrivals at the receiver.
    load_text(yaml_text, "printed.yaml")
    replayed = check_replay(shrunk, yaml_text)
    # What makes it fail: an earlier status reached the receiver after a later one.
    ranks = [RANK[status] for _, status, answered in replayed.sequence if answered == 200]
    assert ranks != sorted(ranks), replayed.sequence


def check_replay(schedule: Schedule, yaml_text: str | None = None) -> Played:
    """Play ``schedule``, then replay ``yaml_text`` (by default the scenario the play printed) on a fresh
    emulator with nothing but the client's own subscribe and sends; both runs must put the same requests
    (message, status, attempt, answer) in front of the receiver, in the same order."""

    async def run(use_yaml: bool) -> Played:
        async with Emulator() as emulator:
            harness, fed = Harness(emulator, schedule.provider), Fed(schedule.provider, CorrectTracker())
            if not use_yaml:
                return await play(emulator, schedule, send=harness.send, handle=fed.handle,
                                  subscribe=harness.subscribe)
            return await replay(emulator, yaml_text or played.yaml, schedule, send=harness.send, handle=fed.handle,
                                subscribe=harness.subscribe)

    played = asyncio.run(run(False))
    again = asyncio.run(run(True))
    assert again.requests == played.requests, played.explain()
    return played


def check_schedule_arrived(schedule: Schedule, played: Played) -> None:
    """What the receiver got is the schedule itself: each delivery's first attempt in the schedule's order,
    a failing one retried until the attempt after its failures, and only those counted failed."""
    provider = schedule.provider
    firsts = [(a.message, to_core(provider, a.status)) for a in played.requests if a.attempt == 1]
    assert firsts == [(e.message, e.status) for e in schedule.delivered], played.explain()
    for event in schedule.delivered:
        attempts = [a for a in played.requests if (a.message, to_core(provider, a.status)) == event.key]
        assert max(a.attempt for a in attempts) == event.failures + 1, played.explain()
        assert [a.attempt for a in attempts if a.counted_failed] == list(range(1, event.failures + 1))


@pytest.mark.parametrize("provider", ["wazapin", "qlara"])
def test_every_drawn_schedule_replays_from_its_yaml_alone_to_the_same_requests(provider: str):
    # Failures and strangers included: the printed YAML carries them (fail_attempts, a script send).
    seen: list[Schedule] = []

    @settings(max_examples=15, deadline=None, derandomize=True, database=None)
    @given(webhook_schedules(provider=provider, messages=(1, 3)))
    def drawn(schedule: Schedule) -> None:
        seen.append(schedule)
        played = check_replay(schedule)
        check_schedule_arrived(schedule, played)

    drawn()
    # The examples did include the events that used to be comments, and two messages in one schedule.
    assert any(e.failures for s in seen for e in s.events), [s.describe() for s in seen]
    assert any(s.strangers() for s in seen) and any(len(s.messages) > 1 for s in seen)


def test_two_messages_to_one_recipient_replay_each_on_its_own_timeline():
    to = "+15550170001"
    schedule = Schedule(
        "wazapin",
        (SentMessage("m-1", to, (StatusStep("sent", 1.0), StatusStep("delivered", 2.0))),
         SentMessage("m-2", to, (StatusStep("sent", 1.0), StatusStep("failed", 4.0, 131026)))),
        (Event("m-2", "sent"), Event("m-1", "sent", delay=1.0), Event("m-1", "delivered", delay=1.0),
         Event("m-2", "failed", failures=2)),
        seed=3,
    )
    played = check_replay(schedule)
    assert "nth: 1" in played.yaml and "nth: 2" in played.yaml
    check_schedule_arrived(schedule, played)


@pytest.mark.parametrize("provider", ["wazapin", "qlara"])
def test_a_correct_tracker_passes_every_drawn_schedule(provider: str):
    @settings(max_examples=25, deadline=None, derandomize=True, database=None)
    @given(webhook_schedules(provider=provider, messages=(1, 2)))
    def property_of_the_tracker(schedule: Schedule) -> None:
        check_tracker(schedule, CorrectTracker)

    property_of_the_tracker()


def test_the_strategy_finds_a_tracker_that_crashes_on_a_stranger_s_status():
    shrunk, message = shrink(CrashesOnUnknownId, provider="qlara", messages=1)
    assert stranger_messages(shrunk), shrunk.describe()  # someone else's message it never recorded
    assert "the handler raised: x-1:" in message and "KeyError" in message
    assert "send: {provider: qlara" in message  # the stranger is the scenario's own scripted send


def test_a_hand_written_schedule_with_every_kind_of_event_replays_exactly():
    schedule = Schedule(
        "wazapin",
        (SentMessage("m-1", "+15550170001", (StatusStep("sent", 1.0), StatusStep("delivered", 2.0),
                                              StatusStep("read", 3.0))),
         SentMessage("m-2", "+15550170002", (StatusStep("sent", 1.0), StatusStep("failed", 2.0, 131026)))),
        (Event("m-1", "sent", failures=1), Event("m-2", "sent"),        # the same second: a burst
         Event("m-2", "failed"), Event("m-1", "read"),                  # read before delivered
         Event("m-1", "delivered", delay=4.0), Event("m-1", "delivered", copy=1, delay=6.0),
         Event("x-1", "sent", drop=True), Event("x-1", "delivered", delay=1.0)),  # a stranger's status
        seed=5,
    )
    played = check_replay(schedule)
    first = played.requests[0]
    assert (first.message, first.status, first.attempt, first.counted_failed) == ("m-1", "sent", 1, True)
    assert [(a.message, a.status) for a in played.requests[1:3]] == [("m-2", "sent"), ("m-2", "failed")]
    assert ("x-1", "delivered", 200) in played.sequence and ("x-1", "sent", 200) not in played.sequence
    m1 = [(a.status, a.attempt) for a in played.requests if a.message == "m-1"]
    assert m1.index(("read", 1)) < m1.index(("delivered", 1))       # read before delivered
    assert m1.count(("delivered", 1)) == 2 and ("sent", 2) in m1    # a duplicate, and the retry
    assert "fail_attempts: 1" in played.yaml
    assert re.search(r'send: \{provider: wazapin, to: "\+15550180001"', played.yaml)


def test_the_strategy_refuses_a_provider_without_webhooks():
    with pytest.raises(ValueError, match=r"mojeeb.*pushes no webhooks"):
        webhook_schedules(provider="mojeeb")
    with pytest.raises(ValueError, match="at least 1"):
        webhook_schedules(messages=0)


def test_drawn_schedules_stay_in_the_statuses_the_provider_pushes():
    @settings(max_examples=30, deadline=None, derandomize=True, database=None)
    @given(webhook_schedules(provider="wazapin", messages=3), st.data())
    def drawn(schedule: Schedule, _data: st.DataObject) -> None:
        assert {e.status for e in schedule.events} <= {"sent", "delivered", "read", "failed"}
        assert len({m.to for m in schedule.messages}) == 3

    drawn()


def _arrives_at(schedule: Schedule, event: Event) -> float:
    message = schedule.message(event.message) or next(m for m in stranger_messages(schedule) if m.id == event.message)
    return message.step(event.status).at + event.delay


TERMINAL = {"read", "failed"}
KINDS = {
    "a status after a terminal one": lambda s: any(
        e.status in TERMINAL and any(later.message == e.message and later.status not in TERMINAL
                                     for later in s.delivered[i + 1:]) for i, e in enumerate(s.delivered)),
    "a duplicate": lambda s: any(e.copy for e in s.delivered),
    "a drop": lambda s: any(e.drop for e in s.events),
    "a receiver failure": lambda s: any(e.failures for e in s.events),
    "a stranger's status": lambda s: bool(stranger_messages(s)),
    "a same-second burst": lambda s: any(
        a.message != b.message and _arrives_at(s, a) == _arrives_at(s, b)
        for i, a in enumerate(s.delivered) for b in s.delivered[i + 1:]),
    "a failed message with its error": lambda s: any(step.error for m in s.messages for step in m.steps),
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_strategy_draws_every_kind_of_trouble(kind: str):
    from hypothesis import find

    found = find(webhook_schedules(provider="wazapin", messages=(1, 2)), KINDS[kind],
                 settings=settings(max_examples=500, database=None, derandomize=True))
    assert KINDS[kind](found), found.describe()
