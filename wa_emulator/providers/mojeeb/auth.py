"""Mojeeb authentication, scopes and the per-key rate limit: the front door's admission step.

https://docs.mojeeb.app/docs/developers/authentication: ``Authorization: Bearer``
with a ``mk_live_`` key; malformed keys are refused before any lookup; scopes.
https://docs.mojeeb.app/docs/developers/rate-limits: 60 requests a minute per
key by default, fixed window, 429 with ``Retry-After`` and ``X-RateLimit-*``
(on the 429 only; 2xx responses carry none, a documented gap).
"""

from __future__ import annotations

from aiohttp import web

from ...core.ratelimit import FixedWindow
from ...core.tenants import ApiKey
from ...core.world import StateKey, World
from ...web import keys
from ...web.http import ApiError
from .keys import is_well_formed
from .sandbox import NAME

SEND_SCOPE = "whatsapp:send"
DEFAULT_RATE_LIMIT = 60
REQUEST_KEY = web.RequestKey("mojeeb_api_key", ApiKey)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "invalid_api_key", message)


def authenticate(request: web.Request, world: World) -> ApiKey:
    """The API key a request carries, or a 401 saying what is wrong with it."""
    headers = request.headers.getall("Authorization", [])
    if not headers:
        raise unauthorized("Missing Authorization header. Send 'Authorization: Bearer mk_live_…'.")
    if len(headers) > 1:
        # RFC 9110 §11.6.2 makes Authorization a single-valued field; picking one of two would
        # let a proxy and the emulator disagree on who is calling.
        raise unauthorized("Send exactly one Authorization header.")
    header = headers[0]
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise unauthorized("Authorization header must use the Bearer scheme: 'Bearer mk_live_…'.")
    if not is_well_formed(secret):
        raise unauthorized("Malformed API key. Keys look like mk_live_<22 characters>_<10-character checksum>.")
    key = world.tenants.key(secret)
    if key is None or world.tenants.org(key.org_id).provider != NAME:
        raise unauthorized("Unknown API key.")
    if key.revoked:
        raise unauthorized("This API key has been revoked.")
    if key.expires_at is not None and world.clock.now() >= key.expires_at:
        raise unauthorized("This API key has expired.")
    return key


class RateLimits:
    """Per-key fixed windows of 60 emulated seconds (one instance per world, under ``RATE_LIMITS``)."""

    def __init__(self) -> None:
        self.window = FixedWindow(60.0)

    def check(self, key: ApiKey, now: float) -> None:
        limit = key.rate_limit or DEFAULT_RATE_LIMIT
        decision = self.window.hit(key.secret, now=now, limit=limit)
        if not decision.allowed:
            retry_after = decision.retry_after(now)
            raise ApiError(
                429,
                "rate_limit_exceeded",
                f"Too many requests. Try again in {retry_after} seconds.",
                headers={
                    "Retry-After": str(retry_after),
                    "X-RateLimit-Limit": str(limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(int(decision.reset_at)),
                },
            )


RATE_LIMITS = StateKey("mojeeb.rate_limits", RateLimits)


def admit(request: web.Request) -> None:
    """Authenticate, count against the key's rate limit, then check the scope (Mojeeb's front door).

    Only matched routes are admitted, so an unknown path answers 404 ``endpoint_not_found`` whoever asks.
    """
    world = request.app[keys.world]
    key = authenticate(request, world)
    world.state(RATE_LIMITS).check(key, world.clock.now())
    if not key.allows(SEND_SCOPE):
        raise ApiError(
            403,
            "insufficient_scope",
            f"This API key lacks the '{SEND_SCOPE}' scope required for this endpoint.",
            required_scope=SEND_SCOPE,
        )
    request[REQUEST_KEY] = key
