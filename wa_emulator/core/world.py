"""The world: every piece of emulated state, in one object the server and tests share.

Providers and the control API reach state only through ``World`` attributes, so
``reset()`` can swap in fresh state without anyone holding a stale reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .clock import MANUAL_CLOCK, Clock, ClockSpec
from .faults import Faults
from .ids import IdFactory
from .journal import DEFAULT_CAP as JOURNAL_CAP
from .journal import Journal
from .lifecycle import Lifecycle
from .models import INBOUND, Message
from .rules import Contacts
from .status import Status
from .store import Store
from .tenants import Tenants
from .webhooks import DEFAULT_CAP as DELIVERY_CAP
from .webhooks import Dispatcher

InboundListener = Callable[[Message], None]
Seeder = Callable[["World"], None]


@dataclass(frozen=True, slots=True)
class WorldConfig:
    """Knobs the world is built with (the CLI and the fixture fill them from settings)."""

    clock: ClockSpec = MANUAL_CLOCK
    clock_start: float | None = None
    seed: int | None = None
    journal_cap: int = JOURNAL_CAP
    delivery_cap: int = DELIVERY_CAP


class World:
    """All emulated state: clock, tenants, contacts, messages, journal, webhooks.

    >>> world = World(WorldConfig(clock_start=1_700_000_000.0))
    >>> world.clock.now(), len(world.store)
    (1700000000.0, 0)
    """

    def __init__(self, config: WorldConfig | None = None) -> None:
        self.config = config = config or WorldConfig()
        self.clock = Clock(config.clock, start=config.clock_start)
        self.ids = IdFactory(config.seed)
        # Request-scoped ids (correlation ids) get their own stream, so how often a
        # client polls never changes the ids of the messages it sends.
        self.request_ids = IdFactory(None if config.seed is None else config.seed + 1)
        self.dispatcher = Dispatcher(self.clock, self.ids, cap=config.delivery_cap)
        self._seeders: list[Seeder] = []
        self._inbound_listeners: list[InboundListener] = []
        self._status_listeners: list[Callable[[Any], None]] = []
        # Per-provider mutable state (idempotency caches, rate windows, webhook endpoints …)
        # keyed by provider name; reset() empties it so providers rebuild it lazily.
        self.provider_state: dict[str, Any] = {}
        self.provider_names: tuple[str, ...] = ()
        self._build()

    def _build(self) -> None:
        self.tenants = Tenants()
        self.contacts = Contacts()
        self.store = Store()
        self.journal = Journal(self.config.journal_cap)
        self.faults = Faults(self.ids)
        self.lifecycle = Lifecycle(self.clock, self.store, self.contacts, self.ids)
        for listener in self._status_listeners:
            self.store.subscribe(listener)
        self.provider_state.clear()
        for seeder in self._seeders:
            seeder(self)

    # -- wiring -------------------------------------------------------------------------

    def add_seeder(self, seeder: Seeder) -> None:
        """Run ``seeder`` now and after every reset (providers add their sandbox tenants this way)."""
        self._seeders.append(seeder)
        seeder(self)

    def on_status(self, listener: Callable[[Any], None]) -> None:
        """Subscribe to every status change, surviving resets."""
        self._status_listeners.append(listener)
        self.store.subscribe(listener)

    def on_inbound(self, listener: InboundListener) -> None:
        """Call ``listener`` with every inbound (customer to business) message."""
        self._inbound_listeners.append(listener)

    def state(self, provider: str, factory: Callable[[], Any]) -> Any:
        """The provider's own mutable state, created by ``factory`` on first use after a reset."""
        found = self.provider_state.get(provider)
        if found is None:
            found = self.provider_state[provider] = factory()
        return found

    def existing_state(self, provider: str) -> Any | None:
        """The provider's state if anything created it since the last reset, else None (never creates it).

        For hot paths that only act when there is state, e.g. a status listener with no webhook
        registered: ``registry = world.existing_state("demo.webhooks")``.
        """
        return self.provider_state.get(provider)

    # -- actions ----------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the start: messages, contacts, journal, faults, deliveries, tenants and clock."""
        self.lifecycle.clear()
        self.clock.reset()
        self.ids.reseed(self.config.seed)
        self.request_ids.reseed(None if self.config.seed is None else self.config.seed + 1)
        self.dispatcher.clear()
        self._build()

    def send(self, message: Message) -> Message:
        """Store a new outbound message and start its lifecycle."""
        self.store.add(message)
        self.lifecycle.start(message)
        return message

    def receive_inbound(
        self,
        *,
        provider: str,
        org_id: str,
        agent_id: str,
        customer: str,
        business: str,
        text: str,
        message_id: str | None = None,
    ) -> Message:
        """A customer writes to the business: open their 24-hour window and tell listeners."""
        now = self.clock.now()
        self.contacts.update(customer, last_inbound=now)
        message = Message(
            id=message_id or self.ids.uuid(),
            provider=provider,
            org_id=org_id,
            agent_id=agent_id,
            sender=customer,
            to=business,
            type="text",
            created_at=now,
            status=Status.DELIVERED,
            content={"text": text},
            direction=INBOUND,
        )
        self.store.add(message)
        for listener in self._inbound_listeners:
            listener(message)
        return message
