"""Wazapin authentication, organization context, permissions and the rate limit.

https://docsx.wazapin.com/api/authentication: ``X-Api-Key: <key>`` is the primary
header, ``Authorization: Bearer <key>`` the alternative; ``GET /v1/health`` needs
no key; a missing or bad key is 401 ``invalid or missing API key``. Keys start
``wzp_`` (plugin README). ``X-Organization-Slug`` is sent by Wazapin's plugin
(src/client.ts); here it must name the key's own organization (designed).
``Authorization: Bearer`` also carries the session tokens ``POST /v1/auth/login``
issues ("session-based login flows"); they are designed as ``wzs_…`` and hold
the signed-in user's permissions.

The rate limit is undocumented (https://docsx.wazapin.com/api/errors lists 429
only). Designed: 100 requests a minute per key, fixed window on the emulated
clock, ``X-RateLimit-Limit/Remaining/Reset`` on every authenticated answer and
``Retry-After`` on the 429.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from ...core.ratelimit import FixedWindow
from ...core.tenants import ApiKey, Organization, User
from ...core.world import StateKey, World
from ...web import keys
from ...web.http import ApiError
from .sandbox import NAME

KEY_PREFIX = "wzp_"
SESSION_PREFIX = "wzs_"  # designed: session tokens from POST /v1/auth/login (accounts.py)
DEFAULT_RATE_LIMIT = 100
SLUG_HEADER = "X-Organization-Slug"

REQUEST_KEY = web.RequestKey("wazapin_api_key", ApiKey)
REQUEST_ORG = web.RequestKey("wazapin_org", Organization)


@dataclass(slots=True)
class Session:
    """A signed-in user's token: it authenticates like a key holding the user's permissions."""

    token: str
    user: User
    key: ApiKey


@dataclass
class Accounts:
    """A world's login sessions, and when each key made through the API was created and by whom."""

    sessions: dict[str, Session] = field(default_factory=dict)
    created: dict[str, tuple[float, str]] = field(default_factory=dict)


ACCOUNTS = StateKey("wazapin.accounts", Accounts)


def unauthorized(detail: str) -> ApiError:
    return ApiError(401, "unauthorized", detail)


def _secret(api_key: str, authorization: str) -> tuple[str | None, bool]:
    """The key from ``X-Api-Key`` or, failing that, ``Authorization: Bearer``; and whether it was the bearer."""
    given = api_key.strip()
    if given:
        return given, False
    scheme, _, secret = authorization.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() == "bearer" and secret:
        return secret, True
    return None, False


def _session(world: World, token: str) -> tuple[ApiKey, Organization]:
    """The key a session token stands for, or the 401 of an unknown or expired session."""
    found = world.state(ACCOUNTS).sessions.get(token)
    org = world.tenants.org(found.key.org_id) if found is not None else None
    if found is None or org is None:
        raise unauthorized("invalid or expired session token: sign in again with POST /v1/auth/login")
    if found.user.disabled or (found.key.expires_at is not None and world.clock.now() >= found.key.expires_at):
        raise unauthorized("session has expired: sign in again with POST /v1/auth/login")
    return found.key, org


def authenticate(request: web.Request, world: World) -> tuple[ApiKey, Organization]:
    """The Wazapin key a request carries and its organization, or a 401 saying what is wrong."""
    headers = request.headers
    api_keys = headers.getall("X-Api-Key", ())
    authorizations = headers.getall("Authorization", ())
    if len(api_keys) > 1 or len(authorizations) > 1:
        # Credentials are single-valued (RFC 9110 §11.6.2): never guess which of two keys is meant.
        raise unauthorized("invalid API key: send exactly one X-Api-Key or Authorization header")
    secret, bearer = _secret(api_keys[0] if api_keys else "", authorizations[0] if authorizations else "")
    if secret is None:
        raise unauthorized("invalid or missing API key")
    if secret.startswith(SESSION_PREFIX):
        if not bearer:
            raise unauthorized("a session token goes in Authorization: Bearer, not X-Api-Key")
        return _session(world, secret)
    if not secret.startswith(KEY_PREFIX):
        raise unauthorized("invalid or missing API key: Wazapin keys start with wzp_")
    tenants = world.tenants
    key = tenants.key(secret)
    org = tenants.org(key.org_id) if key is not None else None
    if key is None or org is None or org.provider != NAME:
        raise unauthorized("invalid or missing API key")
    if key.revoked:
        raise unauthorized("API key has been revoked")
    if key.expires_at is not None and world.clock.now() >= key.expires_at:
        raise unauthorized("API key has expired")
    return key, org


def org_for_slug(world: World, slug: str) -> Organization | None:
    for org in world.tenants.orgs_of(NAME):
        if org.slug == slug:
            return org
    return None


def require(request: web.Request, permission: str) -> ApiKey:
    """The request's key, or 403 if it lacks ``permission`` (e.g. ``messages:send``)."""
    key = request[REQUEST_KEY]
    if not key.allows(permission):
        raise ApiError(403, "forbidden", f"API key lacks the {permission} permission")
    return key


class RateLimits:
    """Per-key fixed windows of 60 emulated seconds."""

    def __init__(self) -> None:
        self.window = FixedWindow(60.0)

    def check(self, key: ApiKey, now: float) -> dict[str, str]:
        """Count one request; return the headers to add, or raise 429."""
        limit = key.rate_limit or DEFAULT_RATE_LIMIT
        decision = self.window.hit(key.secret, now=now, limit=limit)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(int(decision.reset_at)),
        }
        if not decision.allowed:
            retry_after = decision.retry_after(now)
            raise ApiError(429, "rate_limited", f"rate limit of {limit} requests per minute exceeded; "
                           f"retry in {retry_after} seconds", headers={**headers, "Retry-After": str(retry_after)})
        return headers


RATE_LIMITS = StateKey("wazapin.rate_limits", RateLimits)


def admit(request: web.Request) -> dict[str, str] | None:
    """Authenticate a request to any operation but the public health check and count it against the key's
    limit (Wazapin's front door); the rate-limit headers it returns go on the answer, errors included.

    Only matched routes are admitted, so an unknown path answers 404 whoever asks.
    """
    world = request.app[keys.world]
    slug = request.headers.get(SLUG_HEADER, "").strip()
    if slug:
        # Known before authentication, so an unauthenticated error can use the tenant's error format.
        slug_org = org_for_slug(world, slug)
        if slug_org is not None:
            request[REQUEST_ORG] = slug_org
    key, org = authenticate(request, world)
    request[REQUEST_ORG] = org
    if slug and slug != org.slug:
        raise ApiError(403, "forbidden", f"API key does not belong to organization {slug!r}")
    request[REQUEST_KEY] = key
    return world.state(RATE_LIMITS).check(key, world.clock.now())
