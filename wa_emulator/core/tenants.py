"""Organizations, their API keys and their sending agents.

Every provider's accounts are organizations here; a key belongs to one
organization of one provider. Key formats are the provider's business: the core
only stores the secret string and looks it up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALL_SCOPES = "*"


@dataclass(slots=True)
class Agent:
    """A sending identity and the WhatsApp numbers it may send from."""

    id: str
    org_id: str
    name: str
    phones: tuple[str, ...]


@dataclass(slots=True)
class ApiKey:
    """A credential. ``agent_ids`` of None means every agent of the organization."""

    secret: str
    org_id: str
    name: str
    scopes: frozenset[str] = frozenset({ALL_SCOPES})
    agent_ids: frozenset[str] | None = None
    revoked: bool = False
    expires_at: float | None = None
    rate_limit: int | None = None

    def allows(self, scope: str) -> bool:
        return ALL_SCOPES in self.scopes or scope in self.scopes

    def may_use_agent(self, agent_id: str) -> bool:
        return self.agent_ids is None or agent_id in self.agent_ids


@dataclass(slots=True)
class User:
    """A person who signs in to an organization (a provider's dashboard login) with email and password.

    ``scopes`` are what a session of theirs may do, as with keys.
    """

    email: str
    password: str
    org_id: str
    name: str
    scopes: frozenset[str] = frozenset({ALL_SCOPES})
    disabled: bool = False


@dataclass(slots=True)
class Organization:
    """A customer account of one provider."""

    id: str
    provider: str
    name: str
    slug: str
    ip_allowlist: tuple[str, ...] | None = None
    settings: dict[str, Any] = field(default_factory=dict)


class Tenants:
    """Every organization, key and agent the emulator knows, across providers.

    >>> tenants = Tenants()
    >>> org = tenants.add_org(Organization("org_1", "demo", "Demo", "demo"))
    >>> tenants.add_key(ApiKey("secret", org.id, "full")).org_id
    'org_1'
    >>> tenants.key("secret").name
    'full'
    """

    def __init__(self) -> None:
        self.orgs: dict[str, Organization] = {}
        self.keys: dict[str, ApiKey] = {}
        self.agents: dict[str, Agent] = {}
        self.users: list[User] = []

    def add_org(self, org: Organization) -> Organization:
        self.orgs[org.id] = org
        return org

    def add_key(self, key: ApiKey) -> ApiKey:
        self.keys[key.secret] = key
        return key

    def add_agent(self, agent: Agent) -> Agent:
        self.agents[agent.id] = agent
        return agent

    def add_user(self, user: User) -> User:
        """Add ``user``, replacing one of the same email in the same organization."""
        self.users = [u for u in self.users if (u.email.lower(), u.org_id) != (user.email.lower(), user.org_id)]
        self.users.append(user)
        return user

    def users_of(self, org_id: str) -> list[User]:
        return [user for user in self.users if user.org_id == org_id]

    def key(self, secret: str) -> ApiKey | None:
        return self.keys.get(secret)

    def org(self, org_id: str) -> Organization | None:
        return self.orgs.get(org_id)

    def agent(self, agent_id: str) -> Agent | None:
        return self.agents.get(agent_id)

    def receiving_agent(self, provider: str, business: str | None = None) -> Agent | None:
        """The agent of ``provider`` that owns ``business`` (any number: the first agent), or None.

        >>> tenants = Tenants()
        >>> _ = tenants.add_org(Organization("o", "demo", "Demo", "demo"))
        >>> tenants.add_agent(Agent("a", "o", "Support", ("+15550100001",))).id
        'a'
        >>> tenants.receiving_agent("demo", "+15550100001").id, tenants.receiving_agent("demo", "+1999")
        ('a', None)
        """
        for agent in self.agents.values():
            if self.orgs[agent.org_id].provider == provider and (business is None or business in agent.phones):
                return agent
        return None

    def orgs_of(self, provider: str) -> list[Organization]:
        return [org for org in self.orgs.values() if org.provider == provider]

    def keys_of(self, org_id: str) -> list[ApiKey]:
        return [key for key in self.keys.values() if key.org_id == org_id]

    def agents_of(self, org_id: str) -> list[Agent]:
        return [agent for agent in self.agents.values() if agent.org_id == org_id]
