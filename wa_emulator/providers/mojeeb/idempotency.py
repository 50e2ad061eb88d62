"""Mojeeb idempotency keys on sends.

https://docs.mojeeb.app/docs/developers/idempotency: any string up to 255
characters; the same key and body while the first request is still running
gets 409 ``idempotency_key_in_progress`` with ``Retry-After``; once it finished,
its response is replayed with ``Idempotent-Replayed: true``; the same key with
a different body gets 422 ``idempotency_key_in_use_with_different_params``.
Responses are kept 24 hours (of emulated time). A refused request (4xx) saves
nothing, so the key stays usable (designed, as Stripe does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable
from dataclasses import dataclass, field

from aiohttp import web

from ...core.world import StateKey
from ...web import keys
from ...web.http import ApiError, read_body
from ...web.operations import Handler
from .auth import REQUEST_KEY

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
TTL = 24 * 3600


@dataclass(slots=True)
class Entry:
    fingerprint: str
    created_at: float
    status: int | None = None  # None while the first request is still being handled
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class IdempotencyCache:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], Entry] = {}

    def get(self, scope: tuple[str, str], now: float) -> Entry | None:
        entry = self.entries.get(scope)
        if entry is not None and now - entry.created_at >= TTL:
            del self.entries[scope]
            return None
        return entry


CACHE = StateKey("mojeeb.idempotency", IdempotencyCache)


def _problem(status: int, code: str, message: str, **extra: object) -> ApiError:
    return ApiError(status, code, message, type="idempotency_error", **extra)


def idempotent(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
    """Replay, refuse or record a send that carries an Idempotency-Key (the sends' ``around`` step).

    It runs before an injected fault applies, so a slow (fault-delayed) first send holds its key:
    the documented 409 while in progress. Without the header it hands back the handler's own
    coroutine, adding no frame.
    """
    idempotency_key = request.headers.get(HEADER)
    if request.method != "POST" or idempotency_key is None or REQUEST_KEY not in request:
        return handler(request)
    return _idempotent(request, handler, idempotency_key)


async def _idempotent(request: web.Request, handler: Handler, idempotency_key: str) -> web.StreamResponse:
    if not 1 <= len(idempotency_key) <= MAX_LENGTH:
        raise _problem(422, "invalid_idempotency_key", f"{HEADER} must be 1 to {MAX_LENGTH} characters long.",
                       param=HEADER)
    world = request.app[keys.world]
    cache = world.state(CACHE)
    raw = await read_body(request)
    fingerprint = hashlib.sha256(request.method.encode() + request.path.encode() + b"\n" + raw).hexdigest()
    scope = (request[REQUEST_KEY].secret, idempotency_key)
    now = world.clock.now()
    entry = cache.get(scope, now)
    if entry is not None:
        if entry.fingerprint != fingerprint:
            raise _problem(422, "idempotency_key_in_use_with_different_params",
                           "This Idempotency-Key was already used with a different request body.")
        if entry.status is None:
            raise _problem(409, "idempotency_key_in_progress",
                           "A request with this Idempotency-Key is still being processed. Retry shortly.",
                           headers={"Retry-After": "1"})
        headers = {**entry.headers, "Idempotent-Replayed": "true"}
        return web.Response(status=entry.status, body=entry.body, headers=headers, content_type="application/json")
    entry = cache.entries[scope] = Entry(fingerprint, now)
    try:
        response = await handler(request)
    except BaseException:
        # Like Stripe's keys: a request refused before it was accepted saves no result,
        # so the client may fix the body and retry with the same key.
        del cache.entries[scope]
        raise
    if response.status >= 300 or not isinstance(response, web.Response):
        del cache.entries[scope]
        return response
    entry.status = response.status
    entry.body = response.body if isinstance(response.body, bytes) else b""
    return response
