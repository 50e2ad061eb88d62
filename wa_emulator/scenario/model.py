"""A loaded scenario as frozen dataclasses: durations in seconds, statuses as core enums.

Times that may be relative are kept as ``Moment`` (an offset from the scenario's start, or an
absolute epoch time) because the start is only known when the scenario is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.clock import ClockSpec
from ..core.models import Message
from ..core.rules import Step
from ..core.templates import Template
from ..core.world import World


@dataclass(frozen=True, slots=True)
class Moment:
    """A time given either as seconds after the start (``offset``) or absolutely (``at``).

    >>> Moment(offset=-3600.0).resolve(10_000.0), Moment(at=5.0).resolve(10_000.0)
    (6400.0, 5.0)
    """

    offset: float | None = None
    at: float | None = None

    def resolve(self, start: float) -> float:
        return self.at if self.at is not None else start + (self.offset or 0.0)


@dataclass(frozen=True, slots=True)
class KeySpec:
    secret: str
    name: str
    scopes: frozenset[str] = frozenset({"*"})
    agents: frozenset[str] | None = None
    revoked: bool = False
    rate_limit: int | None = None


@dataclass(frozen=True, slots=True)
class AgentSpec:
    id: str
    name: str
    phones: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UserSpec:
    """A dashboard login of the organization (Wazapin's ``POST /v1/auth/login``)."""

    email: str
    password: str
    name: str
    scopes: frozenset[str] = frozenset({"*"})
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class OrgSpec:
    """An organization to add, or (when its id exists already) to add keys and agents to."""

    provider: str
    id: str
    name: str | None = None
    slug: str | None = None
    ip_allowlist: tuple[str, ...] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    keys: tuple[KeySpec, ...] = ()
    agents: tuple[AgentSpec, ...] = ()
    users: tuple[UserSpec, ...] = ()
    templates: tuple[Template, ...] = ()
    """Added to the organization's templates (replacing any of the same name and language)."""


@dataclass(frozen=True, slots=True)
class ContactSpec:
    """A recipient profile: ``last_inbound`` (None: never wrote) and the other ``Contact`` fields it sets."""

    phone: str
    last_inbound: Moment | None = None
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Match:
    """Which messages a timeline applies to; an empty match takes every message."""

    to: tuple[str, ...] | None = None
    provider: str | None = None
    type: str | None = None
    template: str | None = None
    nth: int | None = None
    """Only the ``nth`` message (1-based) sent to its recipient since the scenario started."""

    def accepts(self, message: Message, nth: int | None = None) -> bool:
        """Whether ``message`` is one this timeline is for; ``nth`` is its place among the messages sent
        to its recipient (only a match with ``nth`` reads it).

        >>> from wa_emulator.core.models import Message
        >>> m = Message("m", "mojeeb", "o", "a", "+1555", "+15550001001", "text", 0)
        >>> Match(to=("+15550001001",)).accepts(m), Match(nth=2).accepts(m, nth=1)
        (True, False)
        """
        return (
            (self.to is None or message.to in self.to)
            and (self.provider is None or self.provider == message.provider)
            and (self.type is None or self.type == message.type)
            and (self.template is None or self.template == message.template)
            and (self.nth is None or self.nth == nth)
        )


@dataclass(frozen=True, slots=True)
class Timeline:
    match: Match
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Keyword arguments for ``world.faults.add``."""

    spec: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InboundAction:
    provider: str
    sender: str
    to: str | None
    text: str
    kind: str = "text"
    content: dict[str, Any] | None = None  # the neutral content (core.inbound); None: the text ``text``


@dataclass(frozen=True, slots=True)
class ContactAction:
    phone: str
    changes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SendAction:
    """Another sender on the account sends a message: it follows its timeline and its status webhooks
    go to the organization's subscribed endpoints, like the client's own. ``sender`` None: the
    provider's first sender."""

    provider: str
    to: str
    sender: str | None = None
    template: str | None = None
    custom_id: str | None = None
    where: tuple[str, int, int, str] = ("<inline>", 1, 1, "script")  # of ``from``: placed if no sender owns it


@dataclass(frozen=True, slots=True)
class Action:
    """Something the script does ``at`` seconds after the start."""

    at: float
    what: InboundAction | ContactAction | SendAction


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    status: str
    at: Moment


@dataclass(frozen=True, slots=True)
class Fixture:
    """A message that exists from the start; ``where`` (file, line, column, path) places errors found at install."""

    id: str
    provider: str
    org: str
    agent: str
    sender: str
    to: str
    type: str
    status: str
    created_at: Moment
    history: tuple[HistoryEntry, ...]
    where: tuple[str, int, int, str]
    template: str | None = None
    content: dict[str, Any] | None = None
    error: int | None = None
    wamid: str | None = None
    conversation_id: str | None = None
    custom_id: str | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scenario, checked and ready to install.

    ``source`` is where it came from (a bundled name, a path or ``<inline>``).
    """

    name: str
    description: str
    source: str
    clock: ClockSpec | None = None
    clock_start: float | None = None
    seed: int | None = None
    ttl: float | None = None
    orgs: tuple[OrgSpec, ...] = ()
    contacts: tuple[ContactSpec, ...] = ()
    timelines: tuple[Timeline, ...] = ()
    faults: tuple[FaultSpec, ...] = ()
    script: tuple[Action, ...] = ()
    fixtures: tuple[Fixture, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def apply_to(self, world: World) -> None:
        """Put this scenario into a freshly reset ``world`` (``World.reset()`` calls it)."""
        from .engine import apply  # the engine builds on this module, so it is read when first needed

        apply(world, self)
