"""Wazapin's sandbox tenants: fixed, so docs, scripts and CI can rely on them.

Three organizations:

* *Acme* (slug ``acme``): two connected channels and one disconnected one, a
  key for each access situation (full, read-only, revoked), and two dashboard
  logins (admin, viewer) for ``POST /v1/auth/login``.
* *Globex* (slug ``globex``): a second organization that cannot see Acme's data.
* *OpenClaw* (slug ``openclaw``): set up the way Wazapin's own plugin
  (github.com/wazapin/wazapin-openclaw-plugin) expects, with ``{"error": {...}}``
  errors and ``{event_id, event_type, data}`` webhooks by default.

Channels are the core's agents: ``wzp_ch_…`` ids with E.164 sender phones.
"""

from __future__ import annotations

from ...core.tenants import ALL_SCOPES, Agent, ApiKey, Organization, User
from ...core.world import World

NAME = "wazapin"

SEND = "messages:send"
READ = "messages:read"
WEBHOOKS = "webhooks:manage"
CHANNELS = "channels:read"
API_KEYS = "api_keys:manage"
# Every permission a key (or a user's session) may hold; "*" holds them all (designed names: the docs
# say keys are created "with permissions" and publish none).
PERMISSIONS = (SEND, READ, WEBHOOKS, CHANNELS, API_KEYS)

ORG_ACME = "org_acme01"
ORG_GLOBEX = "org_globex01"
ORG_OPENCLAW = "org_openclaw01"

CHANNEL_MAIN = "wzp_ch_acme_main"
CHANNEL_SUPPORT = "wzp_ch_acme_support"
CHANNEL_DISCONNECTED = "wzp_ch_acme_old"
CHANNEL_GLOBEX = "wzp_ch_globex_main"
CHANNEL_OPENCLAW = "wzp_ch_openclaw"

KEY_FULL = "wzp_sandbox_acme_full_0000000001"
KEY_READ_ONLY = "wzp_sandbox_acme_read_000000001"
KEY_REVOKED = "wzp_sandbox_acme_revoked_000001"
KEY_GLOBEX = "wzp_sandbox_globex_full_0000001"
KEY_OPENCLAW = "wzp_sandbox_openclaw_full_00001"

# Dashboard logins for POST /v1/auth/login (designed: the docs name the call, not its body).
USER_ADMIN = "admin@acme.test"
USER_VIEWER = "viewer@acme.test"
USER_GLOBEX = "admin@globex.test"
PASSWORD = "sandbox-password"

# Organization settings the provider reads (designed, per tenant).
ERROR_FORMAT = "error_format"  # "problem" (default, current docs) or "legacy" ({"error": {...}})
WEBHOOK_FORMAT = "webhook_format"  # "flat" (default, current docs) or "envelope" ({event_id, event_type, data})
DISCONNECTED = "disconnected_channels"


def seed(world: World) -> None:
    """Add the sandbox organizations, channels and keys to ``world``."""
    tenants = world.tenants
    tenants.add_org(Organization(ORG_ACME, NAME, "Acme", "acme", settings={DISCONNECTED: [CHANNEL_DISCONNECTED]}))
    tenants.add_org(Organization(ORG_GLOBEX, NAME, "Globex", "globex"))
    tenants.add_org(
        Organization(ORG_OPENCLAW, NAME, "OpenClaw", "openclaw",
                     settings={ERROR_FORMAT: "legacy", WEBHOOK_FORMAT: "envelope"})
    )
    tenants.add_agent(Agent(CHANNEL_MAIN, ORG_ACME, "Acme WhatsApp", ("+6281100000001",)))
    tenants.add_agent(Agent(CHANNEL_SUPPORT, ORG_ACME, "Acme Support", ("+6281100000002",)))
    tenants.add_agent(Agent(CHANNEL_DISCONNECTED, ORG_ACME, "Acme (old number)", ("+6281100000009",)))
    tenants.add_agent(Agent(CHANNEL_GLOBEX, ORG_GLOBEX, "Globex WhatsApp", ("+6281200000001",)))
    tenants.add_agent(Agent(CHANNEL_OPENCLAW, ORG_OPENCLAW, "OpenClaw bot", ("+6281300000001",)))
    tenants.add_key(ApiKey(KEY_FULL, ORG_ACME, "full-access"))
    tenants.add_key(ApiKey(KEY_READ_ONLY, ORG_ACME, "read-only", frozenset({READ, CHANNELS})))
    tenants.add_key(ApiKey(KEY_REVOKED, ORG_ACME, "revoked", revoked=True))
    tenants.add_key(ApiKey(KEY_GLOBEX, ORG_GLOBEX, "globex-full-access"))
    tenants.add_key(ApiKey(KEY_OPENCLAW, ORG_OPENCLAW, "openclaw-plugin"))
    tenants.add_user(User(USER_ADMIN, PASSWORD, ORG_ACME, "Acme Admin", frozenset({ALL_SCOPES})))
    tenants.add_user(User(USER_VIEWER, PASSWORD, ORG_ACME, "Acme Viewer", frozenset({READ, CHANNELS})))
    tenants.add_user(User(USER_GLOBEX, PASSWORD, ORG_GLOBEX, "Globex Admin", frozenset({ALL_SCOPES})))


def is_connected(world: World, channel_id: str) -> bool:
    """Whether a channel can send (the sandbox keeps one disconnected channel for the 409 case)."""
    agent = world.tenants.agent(channel_id)
    if agent is None:
        return False
    org = world.tenants.org(agent.org_id)
    return org is not None and channel_id not in org.settings.get(DISCONNECTED, ())
