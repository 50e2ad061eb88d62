"""Webhook schedules: which status webhooks of the messages a test sent arrive, and in what order.

A ``Schedule`` is plain data shared by the orderings fixture (``orderings.py``, which walks every
order) and the Hypothesis strategy (which draws schedules and shrinks them): the messages sent
with the statuses each really went through (the emulator's truth), and the deliveries of their
status webhooks in the order they reach the receiver, each one a message id, a status, a copy
index, a drop flag and a delay. ``to_scenario_yaml()`` renders a schedule as a scenario that
``wa-emulator serve --scenario FILE`` replays.

Example::

    schedule = Schedule(
        provider="wazapin",
        messages=(SentMessage("m-1", "+15550001005", steps=(StatusStep("sent", 1.0),
                  StatusStep("delivered", 3.0), StatusStep("read", 10.0))),),
        events=(Event("m-1", "sent"), Event("m-1", "read"), Event("m-1", "delivered")),
    )
    schedule.describe()       # 'm-1: sent, read, delivered'
    schedule.to_scenario_yaml()

What the scenario format expresses (see docs/orderings.md): per-recipient timelines, a delay per
webhook (so any order), duplicates with a delay of their own (``webhook.duplicate_delays``, added
for schedules) and drops. It cannot express a delivery before the send call returned (``early``),
a status for a message the client never sent, or two messages to one recipient with different
schedules: ``to_scenario_yaml`` raises ``Inexpressible`` naming the event. Receiver failures
(``failures``) belong to the receiver, not the emulator; they are written as a comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import yaml

__all__ = ["Event", "Inexpressible", "Schedule", "SentMessage", "StatusStep"]

# Seconds between two deliveries when a schedule's own delays would put them out of its order.
GAP = 1.0


class Inexpressible(ValueError):
    """The scenario format cannot replay this schedule exactly (the message says which event and why)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One delivery of one status webhook.

    ``copy`` 0 is the first copy of the (message, status) event, 1 and on its duplicates; ``drop``
    means this copy is lost (never reaches the receiver); ``delay`` is the emulated seconds between
    the status happening and this copy's first attempt; ``early`` means it reaches the receiver
    while the send call is still in flight; ``failures`` is how many attempts the receiver answers
    with a 5xx before it accepts one (the provider retries on its own schedule).

    >>> Event("m-1", "read").label, Event("m-1", "delivered", copy=1, drop=True).label
    ('m-1:read', 'm-1:delivered#1(dropped)')
    """

    message: str
    status: str
    copy: int = 0
    drop: bool = False
    delay: float = 0.0
    early: bool = False
    failures: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """Which event this is a copy of: ``(message id, status)``."""
        return self.message, self.status

    @property
    def label(self) -> str:
        copy = f"#{self.copy}" if self.copy else ""
        flags = [name for name, on in (("early", self.early), ("dropped", self.drop)) if on]
        if self.failures:
            flags.append(f"{self.failures} failed")
        return f"{self.message}:{self.status}{copy}" + (f"({','.join(flags)})" if flags else "")


@dataclass(frozen=True, slots=True)
class StatusStep:
    """A status a message really went through, ``at`` emulated seconds after it was sent."""

    status: str
    at: float
    error: int | None = None  # the catalog code of a ``failed`` step (e.g. 131026)


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the test sent: its id, recipient, kind and the statuses it went through in order."""

    id: str
    to: str
    steps: tuple[StatusStep, ...] = ()
    type: str = "template"
    template: str | None = None

    def step(self, status: str) -> StatusStep:
        """The step of ``status`` (KeyError if the message never had it)."""
        for step in self.steps:
            if step.status == status:
                return step
        raise KeyError(f"message {self.id!r} never had status {status!r}")


@dataclass(frozen=True, slots=True)
class Schedule:
    """The status webhooks of the messages sent, in the order they reach the receiver.

    ``events`` is in delivery order (dropped copies stay in the list where they would have been).
    ``messages`` are the messages the client sent, with their truth; an event whose message is
    not among them is a status for an id the client never sent.
    """

    provider: str
    messages: tuple[SentMessage, ...]
    events: tuple[Event, ...]
    seed: int | None = None
    name: str = "webhook-schedule"
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def delivered(self) -> tuple[Event, ...]:
        """The events that reach the receiver, in order."""
        return tuple(event for event in self.events if not event.drop)

    def message(self, message_id: str) -> SentMessage | None:
        return next((m for m in self.messages if m.id == message_id), None)

    def describe(self) -> str:
        """One line per message: its deliveries in order, e.g. ``m-1: sent, read, delivered#1(dropped)``.

        >>> Schedule("qlara", (), (Event("a", "sent"), Event("b", "sent"), Event("a", "read"))).describe()
        'a: sent, read; b: sent'
        """
        order: dict[str, list[str]] = {}
        for event in self.events:
            text = event.label.split(":", 1)[1]
            order.setdefault(event.message, []).append(text)
        return "; ".join(f"{message}: {', '.join(labels)}" for message, labels in order.items())

    def with_events(self, events: Iterable[Event]) -> Schedule:
        return replace(self, events=tuple(events))

    # -- as a scenario ----------------------------------------------------------------------

    def to_scenario_yaml(self, *, name: str | None = None) -> str:
        """This schedule as scenario YAML that ``wa-emulator serve --scenario FILE`` replays.

        The sends are taken to happen at the same emulated moment, in the order of ``messages``
        (replay with the same seed and the same sends, and the ids come out the same). Each
        message gets a timeline matched on its recipient: its statuses at their times, and each
        webhook held back so the deliveries reach the receiver in the schedule's order.

        >>> s = Schedule("wazapin", (SentMessage("m", "+15550001005", (StatusStep("sent", 1.0),
        ...     StatusStep("delivered", 3.0), StatusStep("read", 10.0))),),
        ...     (Event("m", "sent"), Event("m", "read"), Event("m", "delivered")), seed=7)
        >>> print(s.to_scenario_yaml(name="demo"))  # doctest: +ELLIPSIS
        # m: sent, read, delivered
        version: 1
        name: demo
        ...
              - {after: 1s, status: sent}
              - {after: 2s, status: delivered, webhook: {delay: 8s}}
              - {after: 7s, status: read}
        <BLANKLINE>
        """
        times = self._delivery_times()
        timelines = []
        recipients: dict[str, str] = {}
        for message in self.messages:
            if message.to in recipients:
                raise Inexpressible(
                    f"messages {recipients[message.to]} and {message.id} go to one recipient ({message.to}); "
                    "a scenario timeline is chosen by recipient, so each message needs its own")
            recipients[message.to] = message.id
            timelines.append(self._timeline(message, times))
        contacts = {m.to: {"last_inbound": "-1h"} for m in self.messages if m.type != "template"}
        lines = [f"# {self.describe()}"]
        lines += [f"# {note}" for note in self.notes]
        failing = [e for e in self.delivered if e.failures]
        if failing:
            lines.append("# the receiver must answer 500 to the first attempts of: "
                         + ", ".join(f"{e.label.split('(')[0]} ({e.failures}x)" for e in failing))
        lines += [
            "version: 1",
            f"name: {name or self.name}",
            f"description: {_quote('Replays one webhook schedule for ' + self.provider + '.')}",
            "clock: {mode: manual}",
        ]
        if self.seed is not None:
            lines.append(f"seed: {self.seed}")
        if contacts:
            lines.append("contacts:")
            lines += [f"  {_quote(phone)}: {{last_inbound: -1h}}" for phone in contacts]
        lines.append("timelines:")
        for to, steps in timelines:
            lines.append(f"  - match: {{to: {_quote(to)}, provider: {self.provider}}}")
            lines.append("    steps:")
            lines += [f"      - {step}" for step in steps]
        return "\n".join(lines) + "\n"

    def _delivery_times(self) -> dict[int, float]:
        """When each delivered event (by index in ``events``) is attempted, seconds after the send.

        The events' own delays are kept when they already give the schedule's order (ties go the
        way the dispatcher breaks them: status order, then copy); otherwise a delivery that would
        come too soon is held until ``GAP`` after the one before it.
        """
        own: dict[int, float] = {}
        rank: dict[int, tuple[float, int, int]] = {}
        for index, event in enumerate(self.events):
            message = self.message(event.message)
            if message is None:
                raise Inexpressible(f"{event.label}: a status for a message the client never sent; a scenario "
                                    "only changes the status of messages that were sent")
            if event.early:
                raise Inexpressible(f"{event.label}: a delivery before the send call returned; on a manual "
                                    "clock a scenario's statuses start only when the clock moves")
            if event.drop:
                continue
            try:
                step = message.step(event.status)
            except KeyError as exc:
                raise Inexpressible(f"{event.label}: {exc.args[0]}") from None
            own[index] = step.at + event.delay
            rank[index] = (own[index], message.steps.index(step), event.copy)
        delivered = list(own)
        if sorted(delivered, key=rank.__getitem__) == delivered:
            return own
        times: dict[int, float] = {}
        last = float("-inf")
        for index in delivered:
            last = times[index] = own[index] if own[index] > last else last + GAP
        return times

    def _timeline(self, message: SentMessage, times: dict[int, float]) -> tuple[str, list[str]]:
        steps = []
        previous = 0.0
        for step in message.steps:
            copies = [times[i] - step.at for i, e in enumerate(self.events) if e.key == (message.id, step.status)
                      and i in times]
            dropped = any(e.key == (message.id, step.status) for e in self.events) and not copies
            parts = [f"after: {_seconds(step.at - previous)}", f"status: {step.status}"]
            if step.error is not None:
                parts.append(f"error: {step.error}")
            hook = []
            if dropped:
                hook.append("drop: true")
            elif copies:
                first, *extra = copies
                if first:
                    hook.append(f"delay: {_seconds(first)}")
                if extra:
                    hook.append(f"duplicate: {len(extra)}")
                    if any(delay != first for delay in extra):
                        hook.append(f"duplicate_delays: [{', '.join(_seconds(d) for d in extra)}]")
            if hook:
                parts.append(f"webhook: {{{', '.join(hook)}}}")
            steps.append("{" + ", ".join(parts) + "}")
            previous = step.at
        return message.to, steps


def _seconds(value: float) -> str:
    """A duration as the scenario format writes it: ``9s``, ``1.5s``."""
    rounded = round(value, 3)
    return f"{int(rounded)}s" if rounded == int(rounded) else f"{rounded}s"


def _quote(text: str) -> str:
    """A YAML scalar that stays a string (``+1555…`` would not)."""
    return yaml.safe_dump(text, default_style='"').strip()
