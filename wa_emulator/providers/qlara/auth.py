"""Qlara authentication, IP allowlists and per-key rate limits: the front door's admission step.

https://agiletelecom.com/documentation/qlara/guides/authentication: ``X-Api-Key``
or ``Authorization: Basic base64(username:password)``; 401 when missing or wrong;
an optional per-account IP allowlist answers 403 to other addresses.
The llms-full text linked from qlara/api/qlara-platform-api: per key, production
1000 requests a minute with bursts of 50 a second (trial 100 and 10), ``X-RateLimit-*``
headers, and the 429 body (rendered in render.error_body).
"""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

from aiohttp import web

from ...core.ratelimit import Decision, FixedWindows
from ...core.tenants import Organization
from ...core.world import StateKey, World
from ...web import keys
from ...web.http import ApiError
from . import sandbox

DEFAULT_PER_MINUTE = 1000
DEFAULT_PER_SECOND = 50


class Caller(NamedTuple):
    """Who is calling: their account and the identity their requests are counted under."""

    org: Organization
    identity: str  # "key:<secret>" or "basic:<username>"


CALLER = web.RequestKey("qlara_caller", Caller)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": 'Basic realm="qlara"'})


def _by_key(world: World, secret: str) -> Caller:
    key = world.tenants.key(secret)
    org = world.tenants.org(key.org_id) if key is not None else None
    if key is None or org is None or org.provider != sandbox.NAME:
        raise unauthorized("Invalid API key.")
    if key.revoked:
        raise unauthorized("This API key has been revoked.")
    return Caller(org, f"key:{secret}")


def _by_basic(world: World, encoded: str) -> Caller:
    try:
        username, colon, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized("Malformed Basic credentials: expected base64 of username:password.") from None
    if not colon:
        raise unauthorized("Malformed Basic credentials: expected base64 of username:password.")
    for org in world.tenants.orgs_of(sandbox.NAME):
        if org.settings.get(sandbox.BASIC_USERS, {}).get(username) == password:
            return Caller(org, f"basic:{username}")
    raise unauthorized("Invalid username or password.")


def authenticate(request: web.Request, world: World) -> Caller:
    """The caller a request names, by ``X-Api-Key`` first, then HTTP Basic; 401 otherwise."""
    headers = request.headers
    api_keys = headers.getall("X-Api-Key", ())
    authorizations = headers.getall("Authorization", ())
    if len(api_keys) > 1 or len(authorizations) > 1:
        # Credentials are single-valued (RFC 9110 §11.6.2): never guess which of two keys is meant.
        raise unauthorized("Send exactly one X-Api-Key or Authorization header.")
    if api_keys:
        return _by_key(world, api_keys[0].strip())
    scheme, _, credentials = (authorizations[0] if authorizations else "").strip().partition(" ")
    if scheme.lower() == "basic" and credentials.strip():
        return _by_basic(world, credentials)
    raise unauthorized("Missing credentials: send an X-Api-Key header or HTTP Basic authentication.")


def check_allowlist(request: web.Request, org: Organization) -> None:
    """403 when the account allows only some IP addresses and the caller's is not one of them."""
    if org.ip_allowlist is not None and request.remote not in org.ip_allowlist:
        raise ApiError(403, "ip_not_allowed", f"Access from IP address {request.remote} is not allowed for "
                       "this account.")


class RateLimits:
    """Two fixed windows per caller, counted together: a minute and a second (the burst)."""

    def __init__(self) -> None:
        self.windows = FixedWindows(60.0, 1.0)

    def check(self, caller: Caller, now: float) -> dict[str, str]:
        """Count one request; return the ``X-RateLimit-*`` headers, or raise 429 carrying them."""
        settings = caller.org.settings
        limits = (int(settings.get(sandbox.PER_MINUTE, DEFAULT_PER_MINUTE)),
                  int(settings.get(sandbox.PER_SECOND, DEFAULT_PER_SECOND)))
        decision = self.windows.hit(caller.identity, now=now, limits=limits)
        headers = _headers(decision)
        if not decision.allowed:
            # The headers describe the window that refused, so Remaining is 0 whenever a 429 comes back.
            retry_after = decision.retry_after(now)
            raise ApiError(429, "rate_limited", "Rate limit exceeded.", retry_after=retry_after,
                           headers={**headers, "Retry-After": str(retry_after)})
        return headers


def _headers(decision: Decision) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(int(decision.reset_at)),
    }


RATE_LIMITS = StateKey("qlara.rate_limits", RateLimits)


def admit(request: web.Request) -> dict[str, str]:
    """Authenticate every request (unknown routes too, as a gateway's security filter does), then count it
    (Qlara's front door); the ``X-RateLimit-*`` headers it returns go on every answer, errors included.
    """
    world = request.app[keys.world]
    caller = authenticate(request, world)
    check_allowlist(request, caller.org)
    headers = world.state(RATE_LIMITS).check(caller, world.clock.now())
    request[CALLER] = caller
    return headers
