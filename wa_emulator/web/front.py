"""What every API does around each of its handlers, run as one coroutine per request.

In order: mint (or honour) the request id; admit the caller (the provider's auth, scopes and
rate limit); apply an injected fault; run the handler; turn whatever went wrong into the
API's own error envelope, never a bare 500; add the id and rate-limit headers; check the
answer against its contract in strict mode; record the call in the journal.

These steps used to be aiohttp middlewares, five or six per provider; each layer costs every
request a coroutine, a ``partial`` and an ``await``, so here they are plain calls in one
frame, and the steps that usually have nothing to do (faults, strict mode, idempotency) cost
one test when idle.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from ..core.world import World
from .http import (
    CONTRACT_VIOLATION,
    CORRELATION_ID,
    INTERNAL,
    METHOD_NOT_ALLOWED,
    RAW_BODY,
    ROUTE_NOT_FOUND,
    ApiError,
    ErrorRenderer,
    Handler,
    app_keys,
    too_large,
)

log = logging.getLogger(__name__)

DROPPED = 499  # journal status for a connection a fault dropped (nothing reached the client)

Admit = Callable[[web.Request], Mapping[str, str] | None]
"""Authenticate and count a request (raise ApiError to refuse it); return headers every answer
to it carries (rate-limit headers), or None."""

Around = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]
"""A step that may answer instead of the handler (Mojeeb's idempotency replay); it calls
``proceed(request)`` to go on. Return the coroutine rather than awaiting it when there is
nothing to do, so an idle step adds no frame."""

ResponseCheck = Callable[[str, web.Request, web.StreamResponse], str | None]


class FrontDoor:
    """One API's front door; ``wrap(handler, matched)`` gives the handler a route serves.

    ``provider`` names the API in the journal, the log and the strict checks;
    ``render`` turns an ApiError into the API's envelope; ``admit`` runs before every
    matched route (and before unmatched ones too when ``admit_unmatched``);
    ``request_id_header`` echoes the request id (None: the API documents none);
    ``honour_client`` is the shape of a client-sent id in that header to keep;
    ``fault_bases`` are the path prefixes stripped before matching a fault's path;
    ``journal``, ``mint_request_id`` and ``faults`` are False for the control API, which is not a
    provider: its calls are not journalled, carry no request id and are never faulted.

    >>> async def ok(request): return web.Response()
    >>> door = FrontDoor(World(), "demo", render=lambda request, error: web.Response(status=error.status))
    >>> door.wrap(ok, True).__name__
    'ok'
    """

    def __init__(
        self,
        world: World,
        provider: str,
        *,
        render: ErrorRenderer,
        admit: Admit | None = None,
        admit_unmatched: bool = False,
        request_id_header: str | None = None,
        honour_client: re.Pattern[str] | None = None,
        fault_bases: tuple[str, ...] = (),
        journal: bool = True,
        mint_request_id: bool = True,
        faults: bool = True,
    ) -> None:
        self.world = world
        self.provider = provider
        self.render = render
        self.admit = admit
        self.admit_unmatched = admit_unmatched
        self.request_id_header = request_id_header
        self.honour_client = honour_client
        self.fault_bases = fault_bases
        self.journal = journal
        self.mint_request_id = mint_request_id
        self.faults = faults
        # Strict mode's checker is set on the root app before it serves; read it on first use.
        self.check: ResponseCheck | None = None
        self._check_read = False

    def wrap(self, handler: Handler, matched: bool, around: Around | None = None) -> Handler:
        """``handler`` behind this door; ``around`` runs between admission and the handler."""
        admit = self.admit if (matched or self.admit_unmatched) else None
        world = self.world
        journal, provider, faults = self.journal, self.provider, self.faults
        mint_request_id, id_header = self.mint_request_id, self.request_id_header
        honour_client = self.honour_client if id_header is not None else None
        perf_counter = time.perf_counter

        def proceed(request: web.Request) -> Awaitable[web.StreamResponse]:
            # A plain function returning the handler's coroutine: no frame of its own when idle.
            if faults and world.faults:
                return self._faulted(request, handler)
            return handler(request)

        async def serve(request: web.Request) -> web.StreamResponse:
            # Everything read per request from the world (clock, ids, journal) may be replaced by reset().
            started = perf_counter()
            # Set up front so the journal reads it with a plain lookup: Mapping.get() on a request
            # without the key raises and catches a KeyError, which costs a GET 0.5 us.
            request[RAW_BODY] = None
            request_id = None
            if mint_request_id:
                if honour_client is not None and honour_client.fullmatch(given := request.headers.get(id_header, "")):
                    request_id = given
                else:
                    request_id = "req_" + world.request_ids.ulid(world.clock.now())
                request[CORRELATION_ID] = request_id
            extra: Mapping[str, str] | None = None
            try:
                if admit is not None:
                    extra = admit(request)
                response = await (around(request, proceed) if around is not None else proceed(request))
            except Exception as exc:  # every failure gets the API's envelope
                response = self._failed(request, exc)
            if id_header is not None:
                response.headers[id_header] = request_id
            if extra:
                headers = response.headers
                for name, value in extra.items():
                    headers.setdefault(name, value)
            if not self._check_read:
                self.check = request.match_info.apps[0].get(app_keys().response_check)
                self._check_read = True
            if self.check is not None:
                response = self._checked(request, response)
            if journal:
                world.journal.record(
                    at=world.clock.now(),
                    provider=provider,
                    method=request.method,
                    path=request.path,
                    query=request.query_string,
                    status=response.status,
                    correlation_id=request_id,
                    duration_ms=round((perf_counter() - started) * 1000, 3),
                    request_body=request[RAW_BODY],
                )
            return response

        serve.__name__ = getattr(handler, "__name__", "serve")
        serve.__doc__ = handler.__doc__
        return serve

    def _failed(self, request: web.Request, exc: Exception) -> web.StreamResponse:
        """The API's envelope for whatever ``exc`` is; an unexpected one is logged with its id."""
        if isinstance(exc, ApiError):
            return self.render(request, exc)
        if isinstance(exc, web.HTTPMethodNotAllowed):
            allowed = ", ".join(sorted(exc.allowed_methods))
            return self.render(request, ApiError(
                405, METHOD_NOT_ALLOWED, f"Method {request.method} is not allowed here; use {allowed}.",
                headers={"Allow": allowed}))
        if isinstance(exc, web.HTTPRequestEntityTooLarge):
            return self.render(request, too_large(request))
        if isinstance(exc, web.HTTPNotFound):
            return self.render(request, ApiError(404, ROUTE_NOT_FOUND,
                                                 f"No endpoint matches {request.method} {request.path}."))
        if isinstance(exc, web.HTTPException) and exc.status >= 400:
            return self.render(request, ApiError(exc.status, ROUTE_NOT_FOUND if exc.status == 404 else INTERNAL,
                                                 exc.reason))
        if isinstance(exc, web.HTTPException):
            raise exc  # a redirect or other non-error answer goes out as aiohttp sends it
        correlation_id = request.get(CORRELATION_ID)
        log.error("%s: unhandled error on %s %s (correlation id %s)", self.provider, request.method, request.path,
                  correlation_id, exc_info=exc)
        # The id in the answer is what finds this one traceback in the server log.
        found = f" (correlation id {correlation_id}; the server log has the details)" if correlation_id else ""
        return self.render(request, ApiError(500, INTERNAL, f"An internal error occurred in the emulator{found}."))

    def _checked(self, request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
        assert self.check is not None
        problem = self.check(self.provider, request, response)
        if problem is None:
            return response
        # Strict mode: a body that breaks its contract is the emulator's bug; say so loudly.
        log.error("%s: contract violation on %s %s: %s", self.provider, request.method, request.path, problem)
        return self.render(request, ApiError(500, CONTRACT_VIOLATION, f"Contract violation: {problem}"))

    def _relative(self, path: str) -> str:
        # Fault paths are written relative to the API's base URL (``/v1/...``).
        for base in self.fault_bases:
            if path.startswith(base + "/"):
                return path[len(base):]
        return path

    async def _faulted(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        fault = self.world.faults.check(self.provider, request.method, self._relative(request.path))
        if fault is None:
            return await handler(request)
        if fault.latency:
            await asyncio.sleep(fault.latency)
        if fault.drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=DROPPED)
        if fault.status is not None:
            raise ApiError(fault.status, f"fault_{fault.status}", f"Injected fault {fault.id} answered {fault.status}.")
        return await handler(request)

