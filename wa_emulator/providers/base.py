"""What every provider emulation offers the app.

A provider owns its wire format completely: routes, auth, envelopes, status
vocabulary and webhook bodies. It reaches the core only through the World.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..core.tenants import Agent, ApiKey, Organization
from ..core.world import World
from ..web.front import DoorPolicy
from ..web.operations import ApiDescription


class Provider(Protocol):
    name: str
    """Short lowercase name: the URL prefix without its slash and the key in /_emulator/credentials."""

    prefix: str
    """Where the provider's API is mounted, e.g. ``/mojeeb``; its paths follow as documented."""

    base_path: str
    """The path a client puts after ``http://HOST:PORT``: the prefix, plus ``/api`` for Qlara."""

    hosts: tuple[str, ...]
    """Real API hosts; a request whose Host header names one is served at the root."""

    webhooks: bool
    """Whether the provider sends webhooks at all (a webhook directive for one that does not is refused)."""

    api: ApiDescription
    """The operations: one table that routes requests and describes the API (``operations.py``)."""

    door: DoorPolicy
    """How the front door treats every request: auth, request ids, the error envelope (``web/front.py``)."""

    def attach(self, world: World) -> None:
        """Once per world: register sandbox seeding and this provider's status and inbound listeners."""

    def credentials(self, world: World) -> dict[str, Any]:
        """The sandbox tenants, keys and sender identities, as shown to users."""


def agent_view(agent: Agent) -> dict[str, Any]:
    """A sender as the credentials list shows it by default."""
    return {"id": agent.id, "name": agent.name, "phones": list(agent.phones)}


def credentials_view(
    world: World,
    provider: str,
    *,
    base_path: str,
    auth: str,
    key: Callable[[ApiKey], dict[str, Any]],
    agent: Callable[[Agent], dict[str, Any]] = agent_view,
    org: Callable[[Organization], dict[str, Any]] = lambda org: {},
) -> dict[str, Any]:
    """The shape every provider's ``credentials()`` shares: organizations, each with keys and senders.

    The CLI banner and ``GET /_emulator/credentials`` read it; providers add their own
    fields through the ``key``, ``agent`` and ``org`` views.
    """
    return {
        "base_path": base_path,
        "auth": auth,
        "organizations": [
            {
                "id": each.id,
                "name": each.name,
                **org(each),
                "keys": [key(k) for k in world.tenants.keys_of(each.id)],
                "agents": [agent(a) for a in world.tenants.agents_of(each.id)],
            }
            for each in world.tenants.orgs_of(provider)
        ],
    }
