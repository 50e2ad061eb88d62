"""Putting a scenario into a World, and keeping it there across resets.

``install`` registers one seeder per world (``World.add_seeder``), so ``POST /_emulator/reset``
re-applies the scenario in force: tenants, contacts, timelines, faults, seed, clock, fixtures and
the script, all from the start again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..core.lifecycle import TimelineSource, default_timeline
from ..core.models import OUTBOUND, Contact, Message, Payload
from ..core.rules import Step
from ..core.status import Status
from ..core.templates import TEMPLATES
from ..core.tenants import Agent, ApiKey, Organization, User
from ..core.world import World
from .errors import ScenarioError
from .model import Action, ContactAction, Fixture, InboundAction, OrgSpec, Scenario, SendAction, Timeline

if TYPE_CHECKING:
    from faker import Faker

log = logging.getLogger(__name__)


def current(world: World) -> Scenario | None:
    """The scenario in force in ``world`` (``world.scenario``, typed), if any.

    >>> current(World()) is None
    True
    """
    scenario = world.scenario
    assert scenario is None or isinstance(scenario, Scenario)
    return scenario


def seed_in_force(world: World) -> tuple[int | None, str]:
    """The seed ids are drawn with and where it comes from: the server's own, else the scenario's.

    >>> seed_in_force(World())
    (None, 'none')
    """
    if world.config.seed is not None:
        return world.config.seed, "server"
    scenario = current(world)
    if scenario is not None and scenario.seed is not None:
        return scenario.seed, "scenario"
    return None, "none"


def install(world: World, scenario: Scenario) -> None:
    """Make ``scenario`` the one in force: the world is reset and the scenario applied.

    References a scenario cannot check on its own (a fixture's organization and agent) are
    checked first, so a refused scenario leaves the world and the old scenario as they were.

    >>> from wa_emulator.scenario import load_scenario
    >>> world = World()
    >>> install(world, load_scenario("happy-path"))
    >>> world.scenario.name
    'happy-path'
    """
    check_references(world, scenario)
    previous = current(world)
    world.scenario = scenario
    if previous is not None and previous.clock_start is not None and scenario.clock_start is None:
        world.clock.restart_at(world.config.clock_start)
    try:
        world.reset()
    except ScenarioError:
        # A fixture relied on tenants only the old scenario had: put the old one back from its start.
        world.scenario = previous
        world.reset()
        raise


def check_references(world: World, scenario: Scenario) -> None:
    """Refuse fixtures whose organization or agent neither the world nor the scenario has.

    ``install`` asks before touching anything; ``apply`` asks again once the world holds exactly
    the tenants the scenario will run with.
    """
    orgs = {org.id for org in scenario.orgs} | set(world.tenants.orgs)
    agents = {agent.id: org.id for org in scenario.orgs for agent in org.agents}
    agents |= {agent.id: agent.org_id for agent in world.tenants.agents.values()}
    for fixture in scenario.fixtures:
        source, line, column, path = fixture.where
        if fixture.org not in orgs:
            raise ScenarioError(source, line, column, f"{path}.org",
                                f"no organization {fixture.org!r} (add it under tenants)")
        if agents.get(fixture.agent) != fixture.org:
            raise ScenarioError(source, line, column, f"{path}.agent",
                                f"no agent {fixture.agent!r} in organization {fixture.org!r}")
    for action in scenario.script:
        send = action.what
        if isinstance(send, SendAction) and send.sender is not None:
            _check_sender(world, scenario, send)


def _check_sender(world: World, scenario: Scenario, send: SendAction) -> None:
    """A scripted send's ``from`` must be a sender of its provider (one this server does not serve is let
    be: its sends go nowhere, as its inbound messages do)."""
    phones = {phone for org in scenario.orgs if org.provider == send.provider for a in org.agents for phone in a.phones}
    served = bool(phones) or bool(world.tenants.orgs_of(send.provider))
    phones |= {phone for agent in world.tenants.agents.values()
               if world.tenants.orgs[agent.org_id].provider == send.provider for phone in agent.phones}
    if served and send.sender not in phones:
        source, line, column, path = send.where
        raise ScenarioError(source, line, column, path, f"no {send.provider} sender owns {send.sender} "
                            f"(its senders: {', '.join(sorted(phones)) or 'none'})")


def apply(world: World, scenario: Scenario) -> None:
    """Apply ``scenario`` to a freshly reset world (``World.reset()`` calls this through ``Scenario.apply_to``)."""
    if scenario.seed is not None and world.config.seed is None:
        # A seed the server was started with (--seed, Emulator(seed=…)) wins: World.reset has
        # already applied it, and a user who asks for one expects those ids whatever the scenario says.
        world.ids.reseed(scenario.seed)
        world.request_ids.reseed(scenario.seed + 1)
    if scenario.clock_start is not None and world.clock.start_time != scenario.clock_start:
        world.clock.restart_at(scenario.clock_start)
    if scenario.clock is not None and world.clock.spec != scenario.clock:
        world.clock.set_mode(scenario.clock)
    if scenario.ttl is not None:
        world.lifecycle.ttl = scenario.ttl
    start = world.clock.now()
    # The seed is drawn whether or not a contact needs a name, so the id stream stays the same;
    # Faker itself (a tenth of a second to import) is made only when a contact has no name of its
    # own: the sandbox names all of its contacts, so `serve` starts without it.
    name_seed = _faker_seed(world)
    fake: Faker | None = None
    for org in scenario.orgs:
        _add_org(world, org)
    for spec in scenario.contacts:
        last_inbound = None if spec.last_inbound is None else spec.last_inbound.resolve(start)
        profile = dict(spec.profile)
        if "name" not in profile:
            fake = fake or seeded_faker(name_seed)
            profile["name"] = fake.name()
        world.contacts.set(Contact(spec.phone, last_inbound=last_inbound, **profile))
    world.lifecycle.timelines = timeline_source(scenario.timelines)
    for fault in scenario.faults:
        world.faults.add(**fault.spec)
    check_references(world, scenario)
    for fixture in scenario.fixtures:
        world.store.add(_message(world, fixture, start))
    for action in scenario.script:
        world.clock.call_at(start + action.at, _performer(world, action), label=f"scenario:{scenario.name}")


def faker_for(world: World) -> Faker:
    """A Faker drawing from the world's seeded id source, so fake names repeat with the seed.

    >>> a, b = World(), World()
    >>> a.ids.reseed(7); b.ids.reseed(7)
    >>> faker_for(a).name() == faker_for(b).name()
    True
    """
    return seeded_faker(_faker_seed(world))


def _faker_seed(world: World) -> int:
    return int.from_bytes(world.ids.randbytes(8), "big")


def seeded_faker(seed: int) -> Faker:
    """A Faker seeded with ``seed`` (imported on first use: it takes a tenth of a second)."""
    from faker import Faker

    fake = Faker()
    fake.seed_instance(seed)
    return fake


def timeline_source(timelines: tuple[Timeline, ...]) -> TimelineSource:
    """The first timeline whose match accepts a message gives its steps; else the default timeline.

    >>> from wa_emulator.core.models import Message
    >>> steps = timeline_source(())(Message("m", "mojeeb", "o", "a", "+1555", "+1556", "text", 0.0))
    >>> [step.status.value for step in steps]
    ['sent', 'delivered', 'read']
    """

    # Only a timeline matched on ``nth`` needs each recipient's count (a million recipients cost memory).
    counting = any(timeline.match.nth is not None for timeline in timelines)
    sent_to: dict[str, int] = {}

    def steps_for(message: Message) -> list[Step]:
        nth = None
        if counting and message.direction == OUTBOUND:
            nth = sent_to[message.to] = sent_to.get(message.to, 0) + 1
        for timeline in timelines:
            if timeline.match.accepts(message, nth):
                return list(timeline.steps)
        return default_timeline(message)

    return steps_for


def _add_org(world: World, spec: OrgSpec) -> None:
    tenants = world.tenants
    org = tenants.org(spec.id)
    if org is None:
        org = tenants.add_org(Organization(spec.id, spec.provider, spec.name or spec.id, spec.slug or spec.id))
    if spec.ip_allowlist is not None:
        org.ip_allowlist = spec.ip_allowlist
    org.settings.update(spec.settings)
    for agent in spec.agents:
        tenants.add_agent(Agent(agent.id, org.id, agent.name, agent.phones))
    for key in spec.keys:
        tenants.add_key(ApiKey(key.secret, org.id, key.name, key.scopes, key.agents, key.revoked,
                               rate_limit=key.rate_limit))
    for user in spec.users:
        tenants.add_user(User(user.email, user.password, org.id, user.name, user.scopes, user.disabled))
    registry = world.state(TEMPLATES)
    for template in spec.templates:
        registry.put(org.id, template)


def _message(world: World, fixture: Fixture, start: float) -> Message:
    created = fixture.created_at.resolve(start)
    wamid = fixture.wamid or world.ids.wamid(fixture.to.lstrip("+"))
    message = Message(
        id=fixture.id, provider=fixture.provider, org_id=fixture.org, agent_id=fixture.agent, sender=fixture.sender,
        to=fixture.to, type=fixture.type, created_at=created, status=Status(fixture.status),
        template=fixture.template, content=None if fixture.content is None else Payload.of(fixture.content),
        error=fixture.error, wamid=wamid,
        conversation_id=fixture.conversation_id, custom_id=fixture.custom_id,
    )
    message.history.record(Status.QUEUED, created)
    for entry in fixture.history:
        message.history.record(Status(entry.status), entry.at.resolve(start))
    return message


def _performer(world: World, action: Action) -> Callable[[], None]:
    def perform() -> None:
        what = action.what
        if isinstance(what, ContactAction):
            world.contacts.update(what.phone, **what.changes)
        elif isinstance(what, InboundAction):
            _inbound(world, what)
        elif isinstance(what, SendAction):
            _send(world, what)

    return perform


def _send(world: World, action: SendAction) -> None:
    """Another sender on the account sends a message, as the provider's API would have stored it:
    it follows its timeline and its status webhooks go to the organization's endpoints."""
    agent = world.tenants.receiving_agent(action.provider, action.sender)
    if agent is None:
        log.warning("scenario send to %s: no %s sender owns %s", action.to, action.provider,
                    action.sender or "any number")
        return
    world.send(Message(
        id=world.ids.uuid(), provider=action.provider, org_id=agent.org_id, agent_id=agent.id,
        sender=action.sender or agent.phones[0], to=action.to, type="template" if action.template else "text",
        created_at=world.clock.now(), template=action.template, custom_id=action.custom_id,
    ))


def _inbound(world: World, action: InboundAction) -> None:
    agent = world.tenants.receiving_agent(action.provider, action.to)
    if agent is None:
        # A scenario may script providers this server does not serve; the message has nowhere to go.
        log.warning("scenario inbound from %s: no %s sender owns %s", action.sender, action.provider,
                    action.to or "any number")
        return
    world.receive_inbound(provider=action.provider, org_id=agent.org_id, agent_id=agent.id, customer=action.sender,
                          business=action.to or agent.phones[0], text=action.text, kind=action.kind,
                          content=action.content)
