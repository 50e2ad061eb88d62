"""Property-based webhook schedules: Hypothesis draws whole schedules, ``play()`` runs one against a client.

A drawn ``Schedule`` (``schedules.py``) says what happens to each message the client sends and how its
status webhooks reach the client's receiver: delays, reorders, duplicates, drops, receiver failures
(the provider retries on its own schedule), same-second bursts, statuses for message ids the client
never sent, and statuses arriving after a terminal one. ``play()`` turns the schedule into a scenario,
puts it in force, lets the client subscribe and send, serves the client's webhook handler on loopback,
and moves the clock until every delivery ended. Everything a schedule does is in its scenario: a
receiver failure is ``webhook.fail_attempts`` (the emulator counts those attempts failed whatever the
handler answers, so the handler sees every attempt, as it will in a replay) and a stranger's message
is a ``script`` ``send``. When the property fails, Hypothesis shrinks the schedule to the smallest one
that still fails, and the failure message carries it as scenario YAML (``Played.explain()``) that
``wa-emulator serve --scenario FILE`` replays exactly, with the client's own sends and nothing else.
Needs the ``hypothesis`` extra: ``pip install 'wa-emulator[hypothesis]'``.

Example::

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(webhook_schedules(provider="wazapin", messages=1))
    def test_tracker_ends_at_the_truth(schedule):
        async def run():
            async with Emulator() as emu:
                tracker = Tracker()
                played = await play(emu, schedule, send=lambda m: client.send(emu, m.to),
                                    handle=tracker.handle, subscribe=lambda url: client.subscribe(emu, url))
                for message in played.truth(emu):
                    assert tracker.status(message.real_id) == message.status, played.explain()
        asyncio.run(run())
"""

from __future__ import annotations

import contextlib
import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

try:
    from hypothesis import errors as hypothesis_errors
    from hypothesis import note
    from hypothesis import strategies as st
except ImportError as missing:  # pragma: no cover - the extra is not installed
    hint = "wa_emulator.testing.strategies needs Hypothesis: pip install 'wa-emulator[hypothesis]'"
    raise ImportError(hint) from missing

from ..core.status import Status
from ..providers import all_providers
from ..scenario import load_text
from .coverage import collect_active, status_words_of
from .emulator import Emulator
from .schedules import Event, Schedule, SentMessage, StatusStep, stranger_messages

__all__ = ["Arrival", "Played", "play", "replay", "stranger_messages", "webhook_schedules"]

# What a message can go through, happy path first (Hypothesis shrinks towards the first).
_PATHS: tuple[tuple[Status, ...], ...] = (
    (Status.SENT, Status.DELIVERED, Status.READ),
    (Status.SENT, Status.DELIVERED),
    (Status.SENT, Status.FAILED),
    (Status.SENT, Status.DELIVERED, Status.FAILED),
    (Status.SENT, Status.RECEIVED, Status.DELIVERED, Status.READ),
)
_FAILURE_CODES = (131026, 131049, 131047)  # undeliverable, not delivered by Meta, re-engagement
_STRANGER_PATH = (Status.SENT, Status.DELIVERED)
# Drawn lopsided so most webhooks arrive (a bug needs them to), shrinking to the first value.
_RARELY = st.sampled_from((False, False, False, True))
_MAX_ROUNDS = 200  # clock moves while the handler's 500s keep retries pending; more than any provider makes
_FAILED_ATTEMPTS = st.sampled_from((0, 0, 0, 1, 2))

Send = Callable[[SentMessage], Awaitable[str]]
Handle = Callable[[Any], Any]
Subscribe = Callable[[str], Awaitable[None]]


def _pushed(provider: str) -> frozenset[Status]:
    """The statuses whose change the provider pushes as its own webhook (a new word for the client)."""
    words = status_words_of(provider)
    seen: dict[str, Status] = {}
    for status in Status:  # lifecycle order: the first status to carry a word announces it
        seen.setdefault(words[status], status)
    return frozenset(seen.values()) - {Status.QUEUED}


def _recipient(index: int) -> str:
    return f"+1555017{index:04d}"


def _arrival_rank(at: float, delay: float, order: int, step: int, copy: int) -> tuple[float, ...]:
    """Where a first attempt falls among those due at one moment, as the manual clock runs them: a
    webhook sent at once goes out inside its status change, whose turn was taken when the message was
    sent (so by send order); a held-back one waits on a timer set when its status changed (so after
    those, by when that was, then by send order and copy)."""
    if delay == 0:
        return (at, 0, order, step, copy)
    return (at + delay, 1, at, order, copy)


@st.composite
def _schedule(draw: st.DrawFn, provider: str, messages: tuple[int, int], strangers: bool, failures: bool,
              max_duplicates: int, max_delay: int) -> Schedule:
    pushed = _pushed(provider)
    count = draw(st.integers(*messages))
    sent: list[SentMessage] = []
    planned: list[tuple[tuple[float, ...], Event]] = []  # (arrival rank, event)

    def events_for(message: SentMessage, order: int) -> None:
        for step_index, step in enumerate(message.steps):
            if Status(step.status) not in pushed:
                continue
            drop = draw(_RARELY)
            copies = 1 if drop else 1 + draw(st.integers(0, max_duplicates))
            for copy in range(copies):
                delay = float(draw(st.integers(0, max_delay)))
                failing = draw(_FAILED_ATTEMPTS) if failures and copies == 1 and not drop else 0
                event = Event(message.id, step.status, copy=copy, drop=drop, delay=delay, failures=failing)
                planned.append((_arrival_rank(step.at, delay, order, step_index, copy), event))

    for index in range(1, count + 1):
        path = draw(st.sampled_from(_PATHS))
        at, steps = 0.0, []
        for status in path:
            at += draw(st.integers(1, 4))  # small whole seconds, so different messages share seconds (bursts)
            error = draw(st.sampled_from(_FAILURE_CODES)) if status is Status.FAILED else None
            steps.append(StatusStep(status.value, at, error))
        message = SentMessage(f"m-{index}", _recipient(index), tuple(steps))
        sent.append(message)
        events_for(message, index)
    if strangers and draw(st.booleans()):
        # Someone else on the account sent it: every status of its path comes, by the same draws.
        [stranger] = stranger_messages(Schedule(provider, (), tuple(Event("x-1", s.value) for s in _STRANGER_PATH)))
        events_for(stranger, count + 1)
    planned.sort(key=lambda item: item[0])
    return Schedule(provider, tuple(sent), tuple(event for _, event in planned), seed=draw(st.integers(0, 2**16)))


def webhook_schedules(
    provider: str = "wazapin",
    messages: int | tuple[int, int] = 1,
    *,
    strangers: bool = True,
    failures: bool = True,
    max_duplicates: int = 1,
    max_delay: int = 12,
) -> st.SearchStrategy[Schedule]:
    """A Hypothesis strategy drawing whole webhook schedules for ``provider``'s pushed statuses.

    ``messages`` is how many the client sends (or a ``(least, most)`` range); ``strangers`` lets a
    schedule carry the statuses of a message someone else on the account sent; ``failures`` lets the
    receiver fail attempts (the provider retries); ``max_delay`` bounds each webhook's hold-back.

    Example::

        @given(webhook_schedules("wazapin", messages=(1, 2)))
        def test_tracker(schedule): ...

    >>> webhook_schedules("mojeeb")
    Traceback (most recent call last):
    ValueError: provider 'mojeeb' pushes no webhooks; use one of wazapin, qlara
    """
    names = [p.name for p in all_providers() if p.api.webhooks]
    if provider not in names:
        raise ValueError(f"provider {provider!r} pushes no webhooks; use one of {', '.join(names)}")
    least, most = (messages, messages) if isinstance(messages, int) else messages
    if least < 1 or most < least:
        raise ValueError(f"messages must be at least 1 (a range least <= most), got {messages!r}")
    return _schedule(provider, (least, most), strangers, failures, max_duplicates, max_delay)


@dataclass(frozen=True, slots=True)
class Arrival:
    """One webhook attempt at the receiver: which schedule message (``?`` if unknown), its status word,
    what the receiver answered, which attempt of its delivery it is, and whether the emulator counts it
    failed whatever the answer (the scenario's ``fail_attempts``: the provider retries it)."""

    message: str
    status: str
    answered: int
    attempt: int = 1
    counted_failed: bool = False

    @property
    def label(self) -> str:
        """``m-1:sent``, with ``(500)`` for an answer that is not a success and ``(attempt 2)`` for a retry."""
        flags = [] if 200 <= self.answered < 300 else [str(self.answered)]
        flags += [f"attempt {self.attempt}"] if self.attempt > 1 else []
        flags += ["counted failed"] if self.counted_failed else []
        return f"{self.message}:{self.status}" + (f"({', '.join(flags)})" if flags else "")


@dataclass(frozen=True, slots=True)
class Truth:
    """What the emulator says a message ended as, in the provider's words."""

    id: str
    real_id: str
    status: str
    error: int | None


@dataclass
class Played:
    """One run of a schedule: its scenario YAML, the ids the sends got, and what reached the receiver."""

    schedule: Schedule
    yaml: str
    ids: dict[str, str]  # schedule message id -> the emulator's id (strangers included)
    arrivals: list[Arrival] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the handler's exceptions, one line each

    @property
    def sequence(self) -> list[tuple[str, str, int]]:
        """The receiver's view, in arrival order: ``(message, status word, answer)``."""
        return [(a.message, a.status, a.answered) for a in self.arrivals]

    @property
    def requests(self) -> list[Arrival]:
        """Every request the receiver got, in order, with its attempt number (what a replay must repeat)."""
        return list(self.arrivals)

    def truth(self, emulator: Emulator) -> list[Truth]:
        """The final status of every message the client sent, as the provider words it."""
        words = status_words_of(self.schedule.provider)
        found = []
        for message in self.schedule.messages:
            record = emulator.world.store.get(self.ids[message.id])
            assert record is not None, message.id
            found.append(Truth(message.id, record.id, words[record.status], record.error))
        return found

    def fail(self, what: str) -> None:
        """Raise an AssertionError saying ``what`` went wrong, then the schedule and its scenario, verbatim
        (an ``assert`` statement's message is indented by pytest, and indented YAML is not a file to save)."""
        raise AssertionError(f"{what}\n{self.explain()}")

    def explain(self) -> str:
        """The schedule, the receiver's view and the scenario that replays it (for a failure message)."""
        arrived = ", ".join(arrival.label for arrival in self.arrivals)
        lines = [f"webhook schedule ({self.schedule.provider}): {self.schedule.describe()}",
                 f"the receiver got: {arrived or 'nothing'}"]
        lines += [f"the handler raised: {error}" for error in self.errors]
        lines.append("replay it: save this as FILE and run `wa-emulator serve --scenario FILE`, then do what "
                     "its first comments say (subscribe, send the same messages in the same order, move the clock):")
        return "\n".join(lines) + "\n" + self.yaml


class _Receiver:
    """The client's handler on loopback: every request goes to it, and is logged as an ``Arrival``."""

    def __init__(self, emulator: Emulator, played: Played, handle: Handle):
        self.emulator, self.played, self.handle = emulator, played, handle
        self.real_to_schedule: dict[str, str] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._receive)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/webhooks"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _which(self, body: bytes) -> Arrival:
        """Which message, status and attempt a body is, from the emulator's delivery log (whatever its shape):
        the delivery whose attempt is in flight (one with that body and the fewest attempts made, so
        of two same-moment copies the first), else the newest with that body."""
        same = [d for d in self.emulator.world.dispatcher.deliveries() if d.body == body and d.message_id is not None]
        now = self.emulator.world.clock.now()
        flying = [d for d in same if d.state == "pending" and d.next_attempt_at is not None
                  and d.next_attempt_at <= now]
        chosen = min(flying, key=lambda d: len(d.attempts)) if flying else (same[-1] if same else None)
        if chosen is None or chosen.message_id is None:
            return Arrival("?", "?", 0)
        attempt = len(chosen.attempts) + 1
        return Arrival(self._schedule_id(chosen.message_id), chosen.status or "?", 0, attempt,
                       attempt <= chosen.fail_attempts)

    def _schedule_id(self, real: str) -> str:
        """The schedule's name for message ``real``: a stranger's is found by its recipient."""
        if real not in self.real_to_schedule:
            record = self.emulator.world.store.get(real)
            stranger = next((m for m in stranger_messages(self.played.schedule)
                             if record is not None and m.to == record.to), None)
            if stranger is None:
                return "?"
            self.real_to_schedule[real] = stranger.id
            self.played.ids[stranger.id] = real
        return self.real_to_schedule[real]

    async def _receive(self, request: web.Request) -> web.Response:
        raw = await request.read()
        arrival = self._which(raw)
        answer = 200
        try:
            result = self.handle(json.loads(raw))
            if inspect.isawaitable(result):
                await result
        except Exception as exc:  # the client's bug: the receiver answers 500, as a web framework would
            self.played.errors.append(f"{arrival.message}:{arrival.status}: {type(exc).__name__}: {exc}")
            answer = 500
        self.played.arrivals.append(Arrival(arrival.message, arrival.status, answer, arrival.attempt,
                                            arrival.counted_failed))
        return web.Response(status=answer)


async def replay(
    emulator: Emulator,
    yaml_text: str,
    schedule: Schedule,
    *,
    send: Send,
    handle: Handle,
    subscribe: Subscribe,
) -> Played:
    """Run scenario ``yaml_text`` as its comments say, with ``schedule``'s sends: load it, let the client
    ``subscribe(url)`` its receiver, ``send(message)`` each message (returning the emulator's id), then
    move the clock ``schedule.run_out_seconds()`` (the scenario's script sends the strangers; its
    ``fail_attempts`` fail the attempts the schedule fails).

    Example::

        played = await replay(emulator, Path("schedule.yaml").read_text(), schedule, send=..., handle=...,
                              subscribe=...)
    """
    played = Played(schedule, yaml_text, {})
    receiver = _Receiver(emulator, played, handle)
    await emulator.load_scenario(load_text(yaml_text, "<webhook schedule>"))
    await receiver.start()
    try:
        await subscribe(receiver.url)
        for message in schedule.messages:
            played.ids[message.id] = await send(message)
        receiver.real_to_schedule = {real: ours for ours, real in played.ids.items()}
        await _run_out(emulator, schedule)
        collect_active(emulator)  # under --wa-coverage, each example counts (the next one resets the world)
    finally:
        await receiver.stop()
    return played


async def play(emulator: Emulator, schedule: Schedule, *, send: Send, handle: Handle, subscribe: Subscribe) -> Played:
    """Run a drawn schedule against a client (see ``replay``: it runs the very scenario it prints); inside
    a Hypothesis test the schedule's scenario is noted, so the shrunk failing example prints it."""
    played = await replay(emulator, schedule.to_scenario_yaml(), schedule, send=send, handle=handle,
                          subscribe=subscribe)
    with contextlib.suppress(hypothesis_errors.InvalidArgument):  # raised outside a Hypothesis test
        note(played.explain())
    return played


async def _run_out(emulator: Emulator, schedule: Schedule) -> None:
    """Move the clock as the scenario's comments tell a user to, then, while the handler's own 500s keep
    deliveries pending, from one retry to the next."""
    await emulator.advance(schedule.run_out_seconds())
    dispatcher, clock = emulator.world.dispatcher, emulator.world.clock
    for _ in range(_MAX_ROUNDS):
        due = [d.next_attempt_at for d in dispatcher.deliveries(state="pending") if d.next_attempt_at is not None]
        if not due:
            return
        await emulator.advance(max(min(due) - clock.now(), 0.0) + 0.001)
    raise AssertionError(f"webhook deliveries still pending after {_MAX_ROUNDS} clock moves")
