"""Drives each new message through its planned statuses on the clock.

A plan is the scenario's timeline for the message, bent by the world rules.
Each step is a timer; a step the transition table refuses (because the message
already ended) is skipped, and a terminal status cancels what is left.
"""

from __future__ import annotations

from collections.abc import Callable

from .clock import Clock, Timer
from .ids import IdFactory
from .models import Message, WebhookDirective
from .rules import DEFAULT_TTL_SECONDS, Contacts, Step, apply_world_rules
from .status import Status
from .store import Store

# Until a scenario says otherwise: sent after 1 s, delivered at 3 s, read at 10 s.
DEFAULT_TIMELINE: tuple[Step, ...] = (
    Step(1.0, Status.SENT),
    Step(2.0, Status.DELIVERED),
    Step(7.0, Status.READ),
)

TimelineSource = Callable[[Message], list[Step]]


def default_timeline(message: Message) -> list[Step]:
    """The timeline every message follows when no scenario matches it."""
    return list(DEFAULT_TIMELINE)


class Lifecycle:
    """Schedules and applies each message's steps."""

    def __init__(self, clock: Clock, store: Store, contacts: Contacts, ids: IdFactory) -> None:
        self.clock = clock
        self.store = store
        self.contacts = contacts
        self.ids = ids
        self.timelines: TimelineSource = default_timeline
        self.ttl: float = DEFAULT_TTL_SECONDS
        self._timers: dict[str, list[Timer]] = {}
        # Set through the control API: how the webhook of one (message, status) is delivered,
        # overriding whatever the timeline said.
        self.webhook_overrides: dict[tuple[str, Status], WebhookDirective] = {}

    def plan(self, message: Message) -> list[Step]:
        """The steps ``message`` will go through from now on."""
        contact = self.contacts.get(message.to)
        return apply_world_rules(message, contact, self.timelines(message), self.clock.now(), self.ttl)

    def start(self, message: Message) -> list[Step]:
        """Schedule ``message``'s plan on the clock and return it."""
        steps = self.plan(message)
        when = self.clock.now()
        timers = []
        for step in steps:
            when += step.after
            timers.append(self.clock.call_at(when, _Apply(self, message, step)))
        if timers:
            self._timers[message.id] = timers
        return steps

    def apply(self, message: Message, step: Step) -> bool:
        """Move ``message`` to the step's status now, if it still can."""
        if step.status is Status.SENT and message.wamid is None:
            message.wamid = self.ids.wamid(message.to.lstrip("+"))
        directive = self.webhook_overrides.pop((message.id, step.status), step.webhook)
        moved = self.store.transition(message, step.status, self.clock.now(), error=step.error, directive=directive)
        if message.status.is_terminal:
            self.cancel(message.id)
        return moved

    def cancel(self, message_id: str) -> None:
        for timer in self._timers.pop(message_id, ()):
            timer.cancel()

    def clear(self) -> None:
        for message_id in list(self._timers):
            self.cancel(message_id)



class _Apply:
    """A timer callback that applies one step, named ``<message id>:<status>`` in logs.

    A slotted object instead of a closure plus a formatted label: a million queued messages
    hold three of these each, and this is about a third of the size.
    """

    __slots__ = ("lifecycle", "message", "step")

    def __init__(self, lifecycle: Lifecycle, message: Message, step: Step) -> None:
        self.lifecycle = lifecycle
        self.message = message
        self.step = step

    def __call__(self) -> None:
        self.lifecycle.apply(self.message, self.step)

    def __repr__(self) -> str:
        return f"{self.message.id}:{self.step.status}"
