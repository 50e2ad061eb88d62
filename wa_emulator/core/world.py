"""The world: every piece of emulated state, in one object the server and tests share.

Providers and the control API reach state only through ``World`` attributes, so
``reset()`` can swap in fresh state without anyone holding a stale reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from .clock import MANUAL_CLOCK, Clock, ClockSpec
from .faults import Faults
from .ids import IdFactory
from .journal import DEFAULT_CAP as JOURNAL_CAP
from .journal import Journal
from .lifecycle import Lifecycle
from .models import INBOUND, Message, Payload
from .rules import Contacts
from .status import Status
from .store import DEFAULT_CAP as MESSAGE_CAP
from .store import StatusListener, Store
from .tenants import Tenants
from .webhooks import DEFAULT_CAP as DELIVERY_CAP
from .webhooks import Dispatcher

InboundListener = Callable[[Message], None]
Seeder = Callable[["World"], None]
T = TypeVar("T")


class StateKey(Generic[T]):
    """Names one provider's own mutable state in a world, and how to make it afresh.

    A provider keeps what only it knows (rate windows, idempotency keys, webhook endpoints) under
    a key of its own, so the state is typed where it is read and ``reset()`` empties it whole:

    >>> class Counter:
    ...     def __init__(self) -> None: self.calls = 0
    >>> CALLS = StateKey("demo.calls", Counter)
    >>> world = World(); world.state(CALLS).calls += 1; world.state(CALLS).calls
    1
    >>> world.reset(); world.state(CALLS).calls
    0
    """

    __slots__ = ("factory", "name")

    def __init__(self, name: str, factory: Callable[[], T]) -> None:
        self.name = name
        self.factory = factory

    def __repr__(self) -> str:
        return f"<StateKey {self.name}>"


class Setup(Protocol):
    """What a world applies again after every reset: the scenario in force."""

    name: str

    def apply_to(self, world: World) -> None:
        """Put this setup's tenants, contacts, timelines and script into a freshly reset ``world``."""


CallLog = Callable[[str, str, str, int, float], None]
"""Told of one API call: its API's name, method, path, answer status and latency in milliseconds."""


@dataclass(frozen=True, slots=True)
class WorldConfig:
    """Knobs the world is built with (the CLI and the fixture fill them from settings)."""

    clock: ClockSpec = MANUAL_CLOCK
    clock_start: float | None = None
    seed: int | None = None
    journal_cap: int = JOURNAL_CAP
    delivery_cap: int = DELIVERY_CAP
    message_cap: int = MESSAGE_CAP


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
        # A message waits for its webhooks before it may leave a full store; each one ending may make room.
        self.dispatcher.on_finished(lambda _delivery: self.store.trim())
        self._seeders: list[Seeder] = []
        self._inbound_listeners: list[tuple[str | None, InboundListener]] = []
        self._status_listeners: list[tuple[str | None, StatusListener]] = []
        self._states: dict[StateKey[Any], Any] = {}
        self.provider_names: tuple[str, ...] = ()
        self.call_log: CallLog | None = None
        """Told of every API call once answered (``serve`` logs them; None, the default, costs one check)."""
        self.scenario: Setup | None = None
        """The scenario in force (installed by ``wa_emulator.scenario.install``), applied again on reset."""
        self._build()

    def _build(self) -> None:
        self.tenants = Tenants()
        self.contacts = Contacts()
        self.store = Store(self.config.message_cap, busy=self.dispatcher.has_pending)
        self.journal = Journal(self.config.journal_cap)
        self.faults = Faults(self.ids)
        self.lifecycle = Lifecycle(self.clock, self.store, self.contacts, self.ids)
        for provider, listener in self._status_listeners:
            self.store.subscribe(listener, provider=provider)
        self._states.clear()
        for seeder in self._seeders:
            seeder(self)
        if self.scenario is not None:
            self.scenario.apply_to(self)

    # -- wiring -------------------------------------------------------------------------

    def add_seeder(self, seeder: Seeder) -> None:
        """Run ``seeder`` now and after every reset (providers add their sandbox tenants this way)."""
        self._seeders.append(seeder)
        seeder(self)

    def on_status(self, listener: StatusListener, *, provider: str | None = None) -> None:
        """Call ``listener`` with every status change (only of ``provider``'s messages, if given), surviving resets."""
        self._status_listeners.append((provider, listener))
        self.store.subscribe(listener, provider=provider)

    def on_inbound(self, listener: InboundListener, *, provider: str | None = None) -> None:
        """Call ``listener`` with every inbound (customer to business) message (only ``provider``'s, if given)."""
        self._inbound_listeners.append((provider, listener))

    def state(self, key: StateKey[T]) -> T:
        """The state ``key`` names, made by its factory on first use after a reset."""
        found = self._states.get(key)
        if found is None:
            found = self._states[key] = key.factory()
        return found  # type: ignore[no-any-return]

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
        text: str = "",
        message_id: str | None = None,
        kind: str = "text",
        content: dict[str, Any] | None = None,
    ) -> Message:
        """A customer writes to the business: open their 24-hour window and tell listeners.

        ``kind`` is one of ``core.inbound.KINDS`` and ``content`` its neutral content (as
        ``inbound_content`` makes it); without them the message is the text ``text``.
        """
        now = self.clock.now()
        self.contacts.update(customer, last_inbound=now)
        message = Message(
            id=message_id or self.ids.uuid(),
            provider=provider,
            org_id=org_id,
            agent_id=agent_id,
            sender=customer,
            to=business,
            type=kind,
            created_at=now,
            status=Status.DELIVERED,
            content=Payload.of({"text": text} if content is None else content),
            direction=INBOUND,
        )
        self.store.add(message)
        for wanted, listener in self._inbound_listeners:
            if wanted is None or wanted == provider:
                listener(message)
        return message
