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

What the scenario format expresses (see docs/orderings.md and scenarios/README.md): per-recipient
timelines (``match.nth`` when two messages go to one recipient), a delay per webhook (so any order),
duplicates with a delay of their own (``webhook.duplicate_delays``), drops, receiver failures
(``webhook.fail_attempts``: the emulator counts the first attempts failed and the provider retries),
and statuses of a message someone else on the account sent (a ``script`` ``send``). The one thing it
cannot say is a delivery before the send call returned (``early``; the ``wa_orderings`` fixture
covers those): ``to_scenario_yaml`` raises ``Inexpressible`` naming the event.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import yaml

from ..core.status import Status, check_path

__all__ = ["Event", "Inexpressible", "Schedule", "SentMessage", "StatusStep", "stranger_messages"]

# Seconds between two deliveries when a schedule's own delays would put them out of its order.
GAP = 1.0
# Past every provider's retry schedule (Wazapin's, the longest, ends about 27.6 h after the first attempt).
RETRIES_END = 2 * 86400
# What another sender on the account sends (only its statuses matter: the name is a label).
STRANGER_TEMPLATE = "sent_by_another_sender"


class Inexpressible(ValueError):
    """The scenario format cannot replay this schedule exactly (the message says which event and why)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One delivery of one status webhook.

    ``copy`` 0 is the first copy of the (message, status) event, 1 and on its duplicates; ``drop``
    means this copy is lost (never reaches the receiver); ``delay`` is the emulated seconds between
    the status happening and this copy's first attempt; ``early`` means it reaches the receiver
    while the send call is still in flight; ``failures`` is how many of its first attempts fail (the
    receiver still gets them; the provider retries on its own schedule).

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
    not among them is a status for an id the client never sent (``strangers()``: someone else on the
    account sent it).
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
        """The message ``message_id``, the client's or a stranger's (None if no event names it)."""
        return next((m for m in (*self.messages, *self.strangers()) if m.id == message_id), None)

    def strangers(self) -> tuple[SentMessage, ...]:
        """The messages the events name that the client never sent (see ``stranger_messages``)."""
        return stranger_messages(self)

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

    # -- as a scenario ----------------------------------------------------------------------

    def to_scenario_yaml(self, *, name: str | None = None) -> str:
        """This schedule as scenario YAML that ``wa-emulator serve --scenario FILE`` replays.

        The sends are taken to happen at the same emulated moment, in the order of ``messages``
        (replay with the same seed and the same sends, and the ids come out the same); the
        strangers are sent by the scenario's script, as another sender on the account, once the
        clock first moves. Each message gets a timeline matched on its recipient (and on ``nth``
        when two share one): its statuses at their times, each webhook held back so the
        deliveries reach the receiver in the schedule's order, and ``fail_attempts`` for the
        deliveries whose first attempts fail.

        >>> s = Schedule("wazapin", (SentMessage("m", "+15550001005", (StatusStep("sent", 1.0),
        ...     StatusStep("delivered", 3.0), StatusStep("read", 10.0))),),
        ...     (Event("m", "sent"), Event("m", "read"), Event("m", "delivered")), seed=7)
        >>> print(s.to_scenario_yaml(name="demo"))  # doctest: +ELLIPSIS
        # m: sent, read, delivered
        ...
        version: 1
        name: demo
        ...
              - {after: 1s, status: sent}
              - {after: 2s, status: delivered, webhook: {delay: 8s}}
              - {after: 7s, status: read}
        <BLANKLINE>
        """
        strangers = self.strangers()
        times = self._delivery_times()
        everyone = (*self.messages, *strangers)
        shared = {m.to for m in everyone if sum(other.to == m.to for other in everyone) > 1}
        nth: dict[str, int] = {}
        timelines = []
        for message in everyone:
            nth[message.to] = nth.get(message.to, 0) + 1
            timelines.append((message, self._timeline(message, times), nth[message.to] if message.to in shared
                              else None))
        contacts = {m.to: {"last_inbound": "-1h"} for m in self.messages if m.type != "template"}
        lines = [f"# {self.describe()}"]
        lines += [f"# {note}" for note in self.notes]
        lines += [f"# {line}" for line in self.instructions()]
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
        for message, steps, place in timelines:
            match = f"to: {_quote(message.to)}, provider: {self.provider}" + (f", nth: {place}" if place else "")
            lines.append(f"  - match: {{{match}}}")
            lines.append("    steps:")
            lines += [f"      - {step}" for step in steps]
        if strangers:
            lines.append("script:  # another sender on the account: its status webhooks reach the same endpoints")
            lines += [f"  - {{at: 0s, send: {{provider: {self.provider}, to: {_quote(m.to)}, "
                      f"template: {m.template or STRANGER_TEMPLATE}}}}}" for m in strangers]
        return "\n".join(lines) + "\n"

    def run_out_seconds(self) -> int:
        """How far to move the clock after the sends for every delivery to have ended: past the last
        status and hold-back, and past the providers' retries when a first attempt fails.

        >>> one = SentMessage("m-1", "+15550170001", (StatusStep("sent", 2.0),))
        >>> Schedule("qlara", (one,), (Event("m-1", "sent", delay=3.0),)).run_out_seconds()
        6
        """
        last = max((step.at for m in (*self.messages, *self.strangers()) for step in m.steps), default=0.0)
        hold = max((e.delay for e in self.events), default=0.0)
        return math.ceil(last + hold) + 1 + (RETRIES_END if any(e.failures for e in self.events) else 0)

    def instructions(self) -> list[str]:
        """What the client does to replay the scenario, in order (the YAML carries them as comments).

        >>> one = SentMessage("m-1", "+15550170001", (StatusStep("sent", 2.0),))
        >>> print("\\n".join(Schedule("qlara", (one,), (Event("m-1", "sent"),)).instructions()))
        replay: `wa-emulator serve --scenario FILE`, then
          1. subscribe your receiver to qlara's status webhooks
          2. send, in this order: m-1 (a template to +15550170001)
          3. move the clock: POST /_emulator/clock/advance {"seconds": 3}
        """
        sends = ", ".join(f"{m.id} (a {m.type} to {m.to})" for m in self.messages)
        return ["replay: `wa-emulator serve --scenario FILE`, then",
                f"  1. subscribe your receiver to {self.provider}'s status webhooks",
                f"  2. send, in this order: {sends or 'nothing'}",
                f'  3. move the clock: POST /_emulator/clock/advance {{"seconds": {self.run_out_seconds()}}}']

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
            assert message is not None  # a stranger's, when the client never sent it
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

    def _timeline(self, message: SentMessage, times: dict[int, float]) -> list[str]:
        steps = []
        previous = 0.0
        for step in message.steps:
            copies = [times[i] - step.at for i, e in enumerate(self.events) if e.key == (message.id, step.status)
                      and i in times]
            dropped = any(e.key == (message.id, step.status) for e in self.events) and not copies
            failing = {e.failures for e in self.events if e.key == (message.id, step.status) and not e.drop}
            if len(failing) > 1:
                raise Inexpressible(f"{message.id}:{step.status}: its copies fail different numbers of attempts; "
                                    "a scenario's fail_attempts applies to every copy of a status's webhook")
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
                if failing and (fails := failing.pop()):
                    hook.append(f"fail_attempts: {fails}")
            if hook:
                parts.append(f"webhook: {{{', '.join(hook)}}}")
            steps.append("{" + ", ".join(parts) + "}")
            previous = step.at
        return steps


def stranger_messages(schedule: Schedule) -> tuple[SentMessage, ...]:
    """The messages a schedule's webhooks name that the client never sent, as someone else on the
    same account sends them: ``sent`` and then each status named (``delivered`` before ``read``), a
    second apart, each to its own recipient.

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
        # The plainest road through the statuses named: ``read`` is reached through ``delivered``.
        path = [s for s in Status if s.value in names or s is Status.SENT
                or (s is Status.DELIVERED and Status.READ.value in names)]
        if check_path(path):
            raise Inexpressible(f"{message_id}: no message goes through {', '.join(p.value for p in path)} "
                                f"({check_path(path)})")
        steps = tuple(StatusStep(status.value, float(n)) for n, status in enumerate(path, start=1))
        found.append(SentMessage(message_id, f"+1555018{number:04d}", steps, template=STRANGER_TEMPLATE))
    return tuple(found)


def _seconds(value: float) -> str:
    """A duration as the scenario format writes it: ``9s``, ``1.5s``."""
    rounded = round(value, 3)
    return f"{int(rounded)}s" if rounded == int(rounded) else f"{rounded}s"


def _quote(text: str) -> str:
    """A YAML scalar that stays a string (``+1555…`` would not)."""
    return yaml.safe_dump(text, default_style='"').strip()
