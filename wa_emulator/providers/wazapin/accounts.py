"""Wazapin's accounts: ``POST /v1/auth/login`` sessions and ``/v1/api-keys`` key management.

https://docsx.wazapin.com/api/authentication: keys are managed with ``POST /v1/api-keys``,
``GET /v1/api-keys`` and ``DELETE /v1/api-keys/{keyID}`` in "authenticated organization context";
a key is created "with the permissions your integration needs" and its secret "is not shown again
in full"; ``Authorization: Bearer`` also carries session tokens from ``POST /v1/auth/login``.
The bodies are designed (the docs show none): see docs/fidelity.md.

* Login takes ``{email, password}`` of a dashboard user (the sandbox's, or a scenario's
  ``users``) and answers a ``wzs_`` session token, valid 24 emulated hours, whose permissions are
  the user's. A wrong email or password is one 401, whichever was wrong.
* Key management needs ``api_keys:manage`` (a session of an admin, or a full key); a key may not
  grant permissions its creator lacks (403). The secret is in the 201 only; listings show
  ``prefix`` and ``last_four``. A deleted key is revoked: it answers 401 from then on.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from aiohttp import web

from ...core.tenants import ALL_SCOPES, ApiKey, User
from ...core.timefmt import iso_ms, parse_iso
from ...core.world import World
from ...web import keys
from ...web.http import ApiError, read_json_object
from .auth import ACCOUNTS, KEY_PREFIX, SESSION_PREFIX, Session, require
from .fields import bounded, missing, required_string, string, unusable, wrong_type
from .render import data
from .sandbox import API_KEYS, NAME, PERMISSIONS

SESSION_SECONDS = 24 * 3600.0
MAX_NAME = 100
KEY_ID_PREFIX = "key_"
SHOWN_PREFIX = 8  # "wzp_" and four more characters


def key_id(secret: str) -> str:
    """A key's public id: stable, and revealing nothing of the secret (designed).

    >>> key_id("wzp_sandbox_acme_full_0000000001")
    'key_eb7af10150d81fe6f6f1'
    """
    return KEY_ID_PREFIX + hashlib.sha256(secret.encode()).hexdigest()[:20]


def key_view(world: World, key: ApiKey, *, with_secret: bool = False) -> dict[str, Any]:
    """A key as ``GET /v1/api-keys`` shows it; the secret itself only in the answer that created it."""
    created = world.state(ACCOUNTS).created.get(key.secret)
    view: dict[str, Any] = {
        "id": key_id(key.secret),
        "name": key.name,
        "prefix": key.secret[:SHOWN_PREFIX],
        "last_four": key.secret[-4:],
        "permissions": sorted(key.scopes),
        "created_at": None if created is None else iso_ms(created[0]),
        "created_by": None if created is None else created[1],
        "expires_at": iso_ms(key.expires_at),
    }
    if with_secret:
        view["key"] = key.secret
    return view


# -- login ------------------------------------------------------------------------------


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def find_user(world: World, email: str, password: str) -> User | None:
    """The Wazapin user with this email (any letter case) and password, or None."""
    for user in world.tenants.users:
        org = world.tenants.org(user.org_id)
        if (org is not None and org.provider == NAME and not user.disabled
                and user.email.lower() == email.lower() and _same(password, user.password)):
            return user
    return None


async def login(request: web.Request) -> web.Response:
    """``POST /v1/auth/login``: ``{email, password}`` -> 200 with a session token for ``Authorization: Bearer``."""
    body = await read_json_object(request)
    email = required_string(body, "email", "email")
    password = required_string(body, "password", "password")
    world = request.app[keys.world]
    user = find_user(world, email, password)
    if user is None:
        raise ApiError(401, "unauthorized", "invalid email or password")
    org = world.tenants.org(user.org_id)
    assert org is not None  # find_user checked it
    now = world.clock.now()
    token = SESSION_PREFIX + world.ids.token(40)
    expires = now + SESSION_SECONDS
    key = ApiKey(token, org.id, f"session of {user.email}", user.scopes, expires_at=expires)
    world.state(ACCOUNTS).sessions[token] = Session(token, user, key)
    return data({
        "token": token,
        "token_type": "Bearer",
        "expires_at": iso_ms(expires),
        "user": {"email": user.email, "name": user.name, "permissions": sorted(user.scopes)},
        "organization": {"id": org.id, "name": org.name, "slug": org.slug},
    })


# -- keys -------------------------------------------------------------------------------


def _permissions(body: dict[str, Any]) -> frozenset[str]:
    chosen = body.get("permissions")
    if chosen is None:
        raise missing("permissions")
    if not isinstance(chosen, list) or not all(isinstance(p, str) for p in chosen):
        raise wrong_type("permissions", "an array of permission names")
    if not chosen:
        raise unusable("permissions", "permissions must name at least one permission")
    known = (*PERMISSIONS, ALL_SCOPES)
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise unusable("permissions", f"permissions holds an unknown permission {unknown[0][:40]!r}; "
                       f"known: {', '.join(known)}")
    return frozenset(chosen)


def _expiry(body: dict[str, Any], now: float) -> float | None:
    raw = string(body, "expires_at", "expires_at", required=False)
    if raw is None:
        return None
    try:
        at = parse_iso(raw)
    except ValueError:
        raise unusable("expires_at", "expires_at must be an ISO 8601 time, e.g. 2030-01-01T00:00:00Z") from None
    if at <= now:
        raise unusable("expires_at", "expires_at must be in the future")
    return at


def _manager(request: web.Request) -> ApiKey:
    return require(request, API_KEYS)


async def create_key(request: web.Request) -> web.Response:
    """``POST /v1/api-keys``: ``{name, permissions, expires_at?}`` -> 201 with the key, shown only this once."""
    creator = _manager(request)
    body = await read_json_object(request)
    name = bounded(required_string(body, "name", "name"), "name", MAX_NAME)
    if not name.strip():
        raise unusable("name", "name must not be blank")
    permissions = _permissions(body)
    beyond = sorted(p for p in permissions if not creator.allows(p))
    if beyond:
        raise ApiError(403, "forbidden", f"cannot grant {beyond[0]}: the caller lacks that permission")
    world = request.app[keys.world]
    now = world.clock.now()
    expires = _expiry(body, now)
    key = world.tenants.add_key(ApiKey(KEY_PREFIX + world.ids.token(32), creator.org_id, name, permissions,
                                       expires_at=expires))
    world.state(ACCOUNTS).created[key.secret] = (now, creator.name)
    return data(key_view(world, key, with_secret=True), status=201)


def _live_keys(world: World, org_id: str) -> list[ApiKey]:
    return [k for k in world.tenants.keys_of(org_id) if not k.revoked]


async def list_keys(request: web.Request) -> web.Response:
    """``GET /v1/api-keys``: the organization's keys that are not deleted, secrets hidden."""
    org_id = _manager(request).org_id
    world = request.app[keys.world]
    return data([key_view(world, key) for key in _live_keys(world, org_id)])


async def delete_key(request: web.Request) -> web.Response:
    """``DELETE /v1/api-keys/{key_id}``: 204; the key answers 401 ``API key has been revoked`` from now on."""
    org_id = _manager(request).org_id
    world = request.app[keys.world]
    wanted = request.match_info["key_id"]
    for key in _live_keys(world, org_id):
        if key_id(key.secret) == wanted:
            key.revoked = True
            return web.Response(status=204)
    raise ApiError(404, "not_found", "API key not found")


def users_view(world: World, org_id: str) -> list[dict[str, Any]]:
    """The organization's dashboard logins, as ``GET /_emulator/credentials`` shows them (passwords included:
    they are the sandbox's)."""
    return [{"email": u.email, "password": u.password, "name": u.name, "permissions": sorted(u.scopes)}
            for u in world.tenants.users_of(org_id)]

