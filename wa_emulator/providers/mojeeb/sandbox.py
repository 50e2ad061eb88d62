"""Mojeeb's sandbox tenants: fixed, so docs, scripts and CI can rely on them.

Two organizations. The first has two agents (the first with the agent id from
Mojeeb's own documentation example) and one key for each access situation:
full scope, no ``whatsapp:send``, restricted to one agent, and revoked.
"""

from __future__ import annotations

from ...core.tenants import Agent, ApiKey, Organization
from ...core.world import World
from .keys import make_key

NAME = "mojeeb"

ORG_ACME = "6f1c2a8e-5b3d-4c9e-8a7f-1d2e3f4a5b6c"
ORG_GLOBEX = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"

# The agent id used in https://docs.mojeeb.app/docs/developers/whatsapp/message-status
AGENT_SUPPORT = "12345678-1234-1234-1234-123456789012"
AGENT_SALES = "2b4d6f8a-1c3e-4a5b-8d7f-9e0a1b2c3d4e"
AGENT_GLOBEX = "7c9e1a3b-5d7f-4b2c-9e8a-0f1d2c3b4a5e"

KEY_FULL = make_key("SandboxAcmeFullScope01")
KEY_NO_SEND = make_key("SandboxAcmeNoSendScope")
KEY_SALES_ONLY = make_key("SandboxAcmeSalesAgent1")
KEY_REVOKED = make_key("SandboxAcmeRevokedKey1")
KEY_GLOBEX = make_key("SandboxGlobexFullScope")


def seed(world: World) -> None:
    """Add the sandbox organizations, agents and keys to ``world``."""
    tenants = world.tenants
    tenants.add_org(Organization(ORG_ACME, NAME, "Acme Support", "acme"))
    tenants.add_org(Organization(ORG_GLOBEX, NAME, "Globex", "globex"))
    tenants.add_agent(Agent(AGENT_SUPPORT, ORG_ACME, "Support", ("+15550100001", "+15550100002")))
    tenants.add_agent(Agent(AGENT_SALES, ORG_ACME, "Sales", ("+15550100003",)))
    tenants.add_agent(Agent(AGENT_GLOBEX, ORG_GLOBEX, "Globex Care", ("+15550200001",)))
    tenants.add_key(ApiKey(KEY_FULL, ORG_ACME, "full-access", frozenset({"*"})))
    tenants.add_key(ApiKey(KEY_NO_SEND, ORG_ACME, "no-send-scope", frozenset({"messenger:send"})))
    tenants.add_key(
        ApiKey(KEY_SALES_ONLY, ORG_ACME, "sales-agent-only", frozenset({"whatsapp:send"}), frozenset({AGENT_SALES}))
    )
    tenants.add_key(ApiKey(KEY_REVOKED, ORG_ACME, "revoked", frozenset({"*"}), revoked=True))
    tenants.add_key(ApiKey(KEY_GLOBEX, ORG_GLOBEX, "globex-full-access", frozenset({"whatsapp:send"})))
