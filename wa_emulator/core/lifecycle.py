"""Drives each new message through its planned statuses on the clock.

A plan is the scenario's timeline for the message, bent by the world rules.
Its steps run one after another on the clock (only the next one is scheduled);
a step the transition table refuses (because the message already ended) is
skipped, and a terminal status ends the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .clock import Clock
from .ids import IdFactory
from .models import Message, WebhookDirective
from .rules import DEFAULT_TTL_SECONDS, Contacts, Step, apply_world_rules
from .status import TERMINAL, Status
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
    """Schedules and applies each message's steps.

    Only a message's next step is on the clock at any time: when it fires, it schedules the one
    after it. A million queued messages then hold one timer each rather than one per step.
    """

    def __init__(self, clock: Clock, store: Store, contacts: Contacts, ids: IdFactory) -> None:
        self.clock = clock
        self.store = store
        self.contacts = contacts
        self.ids = ids
        self.timelines: TimelineSource = default_timeline
        self.ttl: float = DEFAULT_TTL_SECONDS
        self.generation = 0  # clear() bumps it, which stops every chain started before
        # Set through the control API: how the webhook of one (message, status) is delivered,
        # overriding whatever the timeline said.
        self.webhook_overrides: dict[tuple[str, Status], WebhookDirective] = {}

    def plan(self, message: Message) -> Sequence[Step]:
        """The steps ``message`` will go through from now on."""
        contact = self.contacts.get(message.to)
        # The default timeline itself rather than default_timeline()'s copy: nothing changes a plan,
        # so every message in flight can share it.
        timeline = DEFAULT_TIMELINE if self.timelines is default_timeline else self.timelines(message)
        return apply_world_rules(message, contact, timeline, self.clock.now(), self.ttl)

    def start(self, message: Message) -> Sequence[Step]:
        """Schedule ``message``'s plan on the clock and return it."""
        steps = self.plan(message)
        if steps:
            # Every step's sequence number is taken now, so steps due at the same moment as another
            # message's fire in the order they would have had if all were scheduled up front.
            _Chain(self, message, steps, self.clock.now(), self.clock.reserve(len(steps))).schedule()
        return steps

    def apply(self, message: Message, step: Step) -> bool:
        """Move ``message`` to the step's status now, if it still can."""
        status = step.status
        if status is Status.SENT and message.wamid is None:
            message.wamid = self.ids.wamid(message.to.lstrip("+"))
        overrides = self.webhook_overrides
        # Overrides are rare: skip building the (id, status) key when there are none.
        directive = overrides.pop((message.id, status), step.webhook) if overrides else step.webhook
        return self.store.transition(message, status, self.clock.now(), error=step.error, directive=directive)

    def clear(self) -> None:
        """Stop every message's remaining steps: their pending timers fire as no-ops (``World.reset()``
        also resets the clock, which drops them at once)."""
        self.generation += 1


class _Chain:
    """One message's remaining steps. Only the next step is on the clock: calling the chain (the
    clock does, when that step's timer fires) applies the step and schedules the one after it.

    ``when`` is the due time of the step at ``index``, accumulated step by step exactly as the
    whole plan's times would have been; ``seq`` is the first of the clock sequence numbers
    reserved for the plan, one per step. A terminal status ends the chain.
    """

    __slots__ = ("generation", "index", "lifecycle", "message", "seq", "steps", "when")

    def __init__(self, lifecycle: Lifecycle, message: Message, steps: Sequence[Step], now: float, seq: int) -> None:
        self.lifecycle = lifecycle
        self.message = message
        self.steps = steps
        self.index = 0
        self.generation = lifecycle.generation
        self.when = now + steps[0].after
        self.seq = seq

    def schedule(self) -> None:
        """Put the step at ``index`` on the clock."""
        self.lifecycle.clock.call_at(self.when, self, seq=self.seq + self.index)

    def __call__(self) -> None:
        lifecycle = self.lifecycle
        message = self.message
        if lifecycle.generation != self.generation or message.status in TERMINAL:
            return  # cleared, or ended by a step applied from elsewhere: the rest is cancelled
        try:
            lifecycle.apply(message, self.steps[self.index])
        finally:
            # Even if a listener raised, the remaining steps still run.
            self.index += 1
            if self.index < len(self.steps) and message.status not in TERMINAL:
                self.when += self.steps[self.index].after
                self.schedule()

    def __repr__(self) -> str:
        return f"{self.message.id}:{self.steps[self.index].status}"
