"""Qlara's sandbox accounts: fixed, so docs, scripts and CI can rely on them.

Three accounts (designed; Qlara publishes no key format, so these are readable strings):

* ``Demo Production``: the production tier (1000 requests a minute, bursts of 50 a
  second), phone numbers 5 (the id in Qlara's own examples) and 6, whose WhatsApp
  Business account is restricted so every send from it ends in ERROR. Its templates (``templates.py``)
  include ``promo_rejected``, one Meta rejected.
* ``Demo Trial``: the trial tier (100 a minute, bursts of 10 a second), phone number 7.
* ``Demo Allowlisted``: an IP allowlist that excludes 127.0.0.1, so every call answers 403.

Each account has an API key (``X-Api-Key``) and Basic credentials (``username:password``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.tenants import Agent, ApiKey, Organization
from ...core.world import World

NAME = "qlara"

ORG_PRODUCTION = "qlara-company-1001"
ORG_TRIAL = "qlara-company-1002"
ORG_ALLOWLISTED = "qlara-company-1003"

KEY_PRODUCTION = "qlara_sandbox_production_key"
KEY_TRIAL = "qlara_sandbox_trial_key"
KEY_ALLOWLISTED = "qlara_sandbox_allowlisted_key"
KEY_REVOKED = "qlara_sandbox_revoked_key"

PHONE_MAIN = 5
PHONE_RESTRICTED = 6
PHONE_TRIAL = 7
PHONE_ALLOWLISTED = 8

SENDER_MAIN = "+390212345005"
SENDER_RESTRICTED = "+390212345006"
SENDER_TRIAL = "+390212345007"
SENDER_ALLOWLISTED = "+390212345008"

# Settings keys on an Organization (read by auth.py and refusals.py).
BASIC_USERS = "basic_users"
PER_MINUTE = "rate_per_minute"
PER_SECOND = "burst_per_second"
RESTRICTED_NUMBERS = "restricted_phone_number_ids"
RCS_AGENTS = "rcs_agents"  # agentId -> name
RCS_UNREACHABLE = "rcs_unreachable"  # destinations whose phones have no RCS


def listed(settings: dict[str, Any], name: str, value: object) -> bool:
    """Whether ``value`` is in the list setting ``name`` (a setting that is not a list holds nothing).

    >>> listed({RCS_UNREACHABLE: ["+15550001003"]}, RCS_UNREACHABLE, "+15550001003"), listed({}, RCS_UNREACHABLE, "x")
    (True, False)
    """
    found = settings.get(name, ())
    return isinstance(found, list | tuple | set | frozenset) and value in found


# RCS agents (designed: Qlara's examples show none). The sandbox's "not on WhatsApp" recipient has no
# RCS either, so a WhatsApp send to it with both fallbacks goes WhatsApp ERROR, RCS ERROR, SMS DELIVERED.
RCS_AGENT_MAIN = 10
RCS_AGENT_TRIAL = 11
NO_RCS = "+15550001003"


@dataclass(frozen=True, slots=True)
class BasicLogin:
    username: str
    password: str


BASIC_PRODUCTION = BasicLogin("demo-production", "sandbox-production-pass")
BASIC_TRIAL = BasicLogin("demo-trial", "sandbox-trial-pass")
BASIC_ALLOWLISTED = BasicLogin("demo-allowlisted", "sandbox-allowlisted-pass")


def agent_id(phone_number_id: int) -> str:
    """The core agent id of a phone number id: namespaced, because agent ids are shared by every provider.

    >>> agent_id(5)
    'qlara-phone-5'
    """
    return f"qlara-phone-{phone_number_id}"


def phone_number_id(agent: str) -> int:
    """The phone number id behind a core agent id.

    >>> phone_number_id("qlara-phone-5")
    5
    """
    return int(agent.removeprefix("qlara-phone-"))


def seed(world: World) -> None:
    """Add the sandbox accounts, keys and phone numbers to ``world``."""
    tenants = world.tenants
    tenants.add_org(Organization(ORG_PRODUCTION, NAME, "Demo Production", "demo-production", settings={
        BASIC_USERS: {BASIC_PRODUCTION.username: BASIC_PRODUCTION.password},
        PER_MINUTE: 1000, PER_SECOND: 50,
        RESTRICTED_NUMBERS: [PHONE_RESTRICTED],
        RCS_AGENTS: {RCS_AGENT_MAIN: "Demo Production"}, RCS_UNREACHABLE: [NO_RCS],
    }))
    tenants.add_org(Organization(ORG_TRIAL, NAME, "Demo Trial", "demo-trial", settings={
        BASIC_USERS: {BASIC_TRIAL.username: BASIC_TRIAL.password},
        PER_MINUTE: 100, PER_SECOND: 10,
        RCS_AGENTS: {RCS_AGENT_TRIAL: "Demo Trial"}, RCS_UNREACHABLE: [NO_RCS],
    }))
    tenants.add_org(Organization(ORG_ALLOWLISTED, NAME, "Demo Allowlisted", "demo-allowlisted",
                                 ip_allowlist=("203.0.113.10",),
                                 settings={BASIC_USERS: {BASIC_ALLOWLISTED.username: BASIC_ALLOWLISTED.password}}))
    tenants.add_agent(Agent(agent_id(PHONE_MAIN), ORG_PRODUCTION, "Main number", (SENDER_MAIN,)))
    tenants.add_agent(Agent(agent_id(PHONE_RESTRICTED), ORG_PRODUCTION, "Restricted number", (SENDER_RESTRICTED,)))
    tenants.add_agent(Agent(agent_id(PHONE_TRIAL), ORG_TRIAL, "Trial number", (SENDER_TRIAL,)))
    tenants.add_agent(Agent(agent_id(PHONE_ALLOWLISTED), ORG_ALLOWLISTED, "Allowlisted number", (SENDER_ALLOWLISTED,)))
    tenants.add_key(ApiKey(KEY_PRODUCTION, ORG_PRODUCTION, "production"))
    tenants.add_key(ApiKey(KEY_REVOKED, ORG_PRODUCTION, "revoked", revoked=True))
    tenants.add_key(ApiKey(KEY_TRIAL, ORG_TRIAL, "trial"))
    tenants.add_key(ApiKey(KEY_ALLOWLISTED, ORG_ALLOWLISTED, "allowlisted"))
