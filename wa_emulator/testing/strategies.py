"""Property-based webhook schedules: Hypothesis draws whole schedules, ``play()`` runs one against a client.

A drawn ``Schedule`` (``schedules.py``) says what happens to each message the client sends and how its
status webhooks reach the client's receiver: delays, reorders, duplicates, drops, receiver failures
(the provider retries on its own schedule), same-second bursts, statuses for message ids the client
never sent, and statuses arriving after a terminal one. ``play()`` turns the schedule into a scenario,
puts it in force, lets the client subscribe and send, serves the client's webhook handler on loopback
(answering 500 to the attempts the schedule fails), and moves the clock until every delivery ended.
When the property fails, Hypothesis shrinks the schedule to the smallest one that still fails, and
the failure message carries it as scenario YAML (``Played.explain()``) that ``wa-emulator serve
--scenario FILE`` replays. Needs the ``hypothesis`` extra: ``pip install 'wa-emulator[hypothesis]'``.

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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
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
from .coverage import collect_active, status_words
from .emulator import Emulator
from .schedules import Event, Schedule, SentMessage, StatusStep

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
_FAILED_ATTEMPTS = st.sampled_from((0, 0, 0, 1, 2))
_MAX_ROUNDS = 200  # clock moves while deliveries are pending; far more than any drawn schedule needs

Send = Callable[[SentMessage], Awaitable[str]]
Handle = Callable[[Any], Any]
Subscribe = Callable[[str], Awaitable[None]]


def _pushed(provider: str) -> frozenset[Status]:
    """The statuses whose change the provider pushes as its own webhook (a new word for the client)."""
    words = status_words(next(p for p in all_providers() if p.name == provider))
    seen: dict[str, Status] = {}
    for status in Status:  # lifecycle order: the first status to carry a word announces it
        seen.setdefault(words[status], status)
    return frozenset(seen.values()) - {Status.QUEUED}


def _recipient(index: int) -> str:
    return f"+1555017{index:04d}"


def _stranger_recipient(index: int) -> str:
    return f"+1555018{index:04d}"


def stranger_messages(schedule: Schedule) -> tuple[SentMessage, ...]:
    """The messages a schedule's webhooks name that the client never sent, as someone else on the
    same account sends them: one step per status a second apart, each to its own recipient.

    >>> s = Schedule("wazapin", (), (Event("x-1", "delivered"), Event("x-1", "sent")))
    >>> [(m.to, [(step.status, step.at) for step in m.steps]) for m in stranger_messages(s)]
    [('+15550180001', [('sent', 1.0), ('delivered', 2.0)])]
    """
    sent = {m.id for m in schedule.messages}
    statuses: dict[str, set[str]] = {}
    for event in schedule.events:
        if event.message not in sent:
            statuses.setdefault(event.message, set()).add(event.status)
    found = []
    for number, (message_id, names) in enumerate(statuses.items(), start=1):
        path = [s for s in Status if s.value in names or s in _STRANGER_PATH[:1]]
        steps = tuple(StatusStep(status.value, float(n)) for n, status in enumerate(path, start=1))
        found.append(SentMessage(message_id, _stranger_recipient(number), steps))
    return tuple(found)


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
    and what the receiver answered."""

    message: str
    status: str
    answered: int


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

    def truth(self, emulator: Emulator) -> list[Truth]:
        """The final status of every message the client sent, as the provider words it."""
        words = status_words(next(p for p in all_providers() if p.name == self.schedule.provider))
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
        arrived = ", ".join(f"{m}:{s}" + ("" if 200 <= code < 300 else f"({code})") for m, s, code in self.sequence)
        lines = [f"webhook schedule ({self.schedule.provider}): {self.schedule.describe()}",
                 f"the receiver got: {arrived or 'nothing'}"]
        lines += [f"the handler raised: {error}" for error in self.errors]
        lines.append("replay it: save this as FILE and run `wa-emulator serve --scenario FILE`, then send "
                     "the same messages in the same order:")
        return "\n".join(lines) + "\n" + self.yaml


def scenario_yaml(schedule: Schedule) -> str:
    """The schedule as scenario YAML, with any stranger messages' timelines and how to send them."""
    strangers = stranger_messages(schedule)
    notes = tuple(f"{m.to} is sent by another client on the same account (the client under test never "
                  f"sent it): send one template there too, after the client's messages" for m in strangers)
    return replace(schedule, messages=schedule.messages + strangers, notes=schedule.notes + notes).to_scenario_yaml()


class _Receiver:
    """The client's handler on loopback, failing the attempts the schedule says the receiver fails."""

    def __init__(self, emulator: Emulator, played: Played, handle: Handle, failures: Mapping[tuple[str, str], int]):
        self.emulator, self.played, self.handle = emulator, played, handle
        self.left = dict(failures)
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

    def _which(self, body: bytes) -> tuple[str, str]:
        # The emulator's delivery log knows which message and status a body is about, whatever its shape.
        for delivery in reversed(self.emulator.world.dispatcher.deliveries()):
            if delivery.body == body and delivery.message_id is not None:
                return self.real_to_schedule.get(delivery.message_id, "?"), delivery.status or "?"
        return "?", "?"

    async def _receive(self, request: web.Request) -> web.Response:
        raw = await request.read()
        message, status = self._which(raw)
        answer = 200
        if self.left.get((message, status), 0) > 0:
            self.left[(message, status)] -= 1
            answer = 500
        else:
            try:
                result = self.handle(json.loads(raw))
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:  # the client's bug: the receiver answers 500, as a web framework would
                self.played.errors.append(f"{message}:{status}: {type(exc).__name__}: {exc}")
                answer = 500
        self.played.arrivals.append(Arrival(message, status, answer))
        return web.Response(status=answer)


async def replay(
    emulator: Emulator,
    yaml_text: str,
    schedule: Schedule,
    *,
    send: Send,
    handle: Handle,
    subscribe: Subscribe,
    failures: Mapping[tuple[str, str], int] | None = None,
) -> Played:
    """Run scenario ``yaml_text`` with ``schedule``'s sends: load it, let the client ``subscribe(url)`` its
    receiver, ``send(message)`` each message (returning the emulator's id), send the strangers, then move
    the clock until no delivery is pending. ``failures`` maps ``(message, status word)`` to how many
    attempts the receiver answers 500 before it takes one."""
    played = Played(schedule, yaml_text, {})
    receiver = _Receiver(emulator, played, handle, failures or {})
    await emulator.load_scenario(load_text(yaml_text, "<webhook schedule>"))
    await receiver.start()
    try:
        await subscribe(receiver.url)
        for message in schedule.messages:
            played.ids[message.id] = await send(message)
        _send_strangers(emulator, schedule, played)
        receiver.real_to_schedule = {real: ours for ours, real in played.ids.items()}
        await _run_out(emulator, schedule)
        collect_active(emulator)  # under --wa-coverage, each example counts (the next one resets the world)
    finally:
        await receiver.stop()
    return played


async def play(emulator: Emulator, schedule: Schedule, *, send: Send, handle: Handle, subscribe: Subscribe) -> Played:
    """Run a drawn schedule against a client (see ``replay``); inside a Hypothesis test the schedule's
    scenario is noted, so the shrunk failing example prints it."""
    words = status_words(next(p for p in all_providers() if p.name == schedule.provider))
    failures = {(e.message, words[Status(e.status)]): e.failures for e in schedule.delivered if e.failures}
    played = await replay(emulator, scenario_yaml(schedule), schedule, send=send, handle=handle,
                          subscribe=subscribe, failures=failures)
    with contextlib.suppress(hypothesis_errors.InvalidArgument):  # raised outside a Hypothesis test
        note(played.explain())
    return played


def _send_strangers(emulator: Emulator, schedule: Schedule, played: Played) -> None:
    """Send the strangers as another client on the account would: a copy of the first send, elsewhere."""
    strangers = stranger_messages(schedule)
    if not strangers:
        return
    world = emulator.world
    first = world.store.get(played.ids[schedule.messages[0].id])
    assert first is not None
    for stranger in strangers:
        message = replace(first, id=world.ids.uuid(), to=stranger.to, wamid=None, status=Status.QUEUED,
                          custom_id=None if first.custom_id is None else world.ids.uuid())
        world.send(message)
        played.ids[stranger.id] = message.id


async def _run_out(emulator: Emulator, schedule: Schedule) -> None:
    """Move the clock past every step and held-back webhook, then from one pending retry to the next."""
    steps = [step.at for m in (*schedule.messages, *stranger_messages(schedule)) for step in m.steps]
    delays = [event.delay for event in schedule.events]
    await emulator.advance(max(steps, default=0.0) + max(delays, default=0.0) + 1.0)
    dispatcher, clock = emulator.world.dispatcher, emulator.world.clock
    for _ in range(_MAX_ROUNDS):
        due = [d.next_attempt_at for d in dispatcher.deliveries(state="pending") if d.next_attempt_at is not None]
        if not due:
            return
        await emulator.advance(max(min(due) - clock.now(), 0.0) + 0.001)
    raise AssertionError(f"webhook deliveries still pending after {_MAX_ROUNDS} clock moves")

