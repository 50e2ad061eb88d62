"""What every API does around each of its handlers, run as one coroutine per request.

In order: mint (or honour) the request id; admit the caller (the provider's auth, scopes and
rate limit); apply an injected fault; run the handler; turn whatever went wrong into the
API's own error envelope, never a bare 500; add the id and rate-limit headers; check the
answer against its contract in strict mode; record the call in the journal.

These steps are plain calls in one frame rather than aiohttp middlewares: each middleware
layer costs every request a coroutine and an ``await``, and a provider would need five or six.
What differs between APIs is data, a :class:`DoorPolicy`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

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
    too_large,
)
from .operations import ApiDescription, Around, Handler, Operation
from .routing import Routes

log = logging.getLogger(__name__)

DROPPED = 499  # journal status for a call that got no answer (a fault dropped it, or the client left)
OUTCOME = web.RequestKey("outcome", str)  # why a DROPPED call got no answer, for the journal
CLIENT_DISCONNECTED = "client_disconnected"
FAULT_DROPPED = "dropped"

Admit = Callable[[web.Request], Mapping[str, str] | None]
"""Authenticate and count a request (raise ApiError to refuse it); return headers every answer
to it carries (rate-limit headers), or None."""

ErrorRenderer = Callable[[web.Request, ApiError], web.StreamResponse]
"""Turns an ApiError into the API's own error envelope."""

ResponseCheck = Callable[[Operation | None, web.Request, web.StreamResponse], str | None]
"""Strict mode: what breaks the answer's contract (None: nothing). The operation is None for a
request that matched none (its answer is an error)."""


@dataclass(frozen=True, slots=True)
class RequestIds:
    """How an API names each request: ``header`` echoes the id on every answer (None: the API
    documents no such header, the id still goes to the journal and the log); a client-sent id in
    that header that fully matches ``honour`` is kept instead of a minted one."""

    header: str | None = None
    honour: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class DoorPolicy:
    """How one API's front door treats every request.

    ``name`` names the API in the journal, the log and the strict checks; ``render`` words its
    errors; ``admit`` runs before every operation that is not public, and before requests that
    match no operation too when ``admit_unmatched`` (a gateway whose security filter runs first);
    ``request_ids`` is None for an API that names no requests. ``provider`` is False for the control
    API, whose calls are neither journaled nor faulted.

    >>> DoorPolicy("demo", render=lambda request, error: web.Response(status=error.status)).provider
    True
    """

    name: str
    render: ErrorRenderer
    admit: Admit | None = None
    admit_unmatched: bool = False
    request_ids: RequestIds | None = RequestIds()
    provider: bool = True


class FrontDoor:
    """One API's front door in one world; ``wrap(operation)`` gives the handler its route serves.

    ``bases`` are the paths a request's path may start with before the part relative to the API's
    base URL (``/mojeeb``, or ``/qlara/api`` and ``/api`` for Qlara): fault paths are written
    relative to the base URL. ``check`` is strict mode's response check, if on.

    >>> async def ok(request): return web.Response()
    >>> door = FrontDoor(World(), DoorPolicy("demo", render=lambda request, error: web.Response()))
    >>> door.wrap(Operation("get", "/", "ok", "OK", ok)).__name__
    'ok'
    """

    def __init__(self, world: World, policy: DoorPolicy, *, bases: tuple[str, ...] = (),
                 check: ResponseCheck | None = None) -> None:
        self.world = world
        self.policy = policy
        self.bases = bases
        self.check = check

    def wrap(self, operation: Operation) -> Handler:
        """The handler of ``operation`` behind this door."""
        handler = self._serve(operation.handler, operation, admitted=not operation.public, around=operation.around)
        handler.__name__ = getattr(operation.handler, "__name__", operation.operation_id)
        handler.__doc__ = operation.handler.__doc__
        return handler

    def miss(self) -> Handler:
        """The handler for a path or method the API lacks: the router's 404 or 405, in the API's envelope."""
        return self._serve(_raise_miss, None, admitted=self.policy.admit_unmatched, around=None)

    def _serve(self, handler: Handler, operation: Operation | None, *, admitted: bool,
               around: Around | None) -> Handler:
        policy, world = self.policy, self.world
        admit = policy.admit if admitted else None
        ids = policy.request_ids
        id_header = ids.header if ids is not None else None
        honour = ids.honour if ids is not None and id_header is not None else None
        journal = faults = policy.provider
        check = self.check
        perf_counter = time.perf_counter

        def proceed(request: web.Request) -> Awaitable[web.StreamResponse]:
            # Returns the handler's coroutine rather than awaiting it, so no faults adds no frame.
            if faults and world.faults:
                return self._faulted(request, handler)
            return handler(request)

        async def serve(request: web.Request) -> web.StreamResponse:
            # Everything read per request from the world (clock, ids, journal) may be replaced by reset().
            started = perf_counter()
            request[RAW_BODY] = None  # set up front, so the journal reads it with a plain lookup
            request_id = None
            if ids is not None:
                if honour is not None and honour.fullmatch(given := request.headers.get(id_header, "")):
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
            if check is not None:
                response = self._checked(operation, request, response)
            elapsed_ms = (perf_counter() - started) * 1000  # one reading for the journal and serve's log
            if journal:
                world.journal.record(
                    at=world.clock.now(),
                    provider=policy.name,
                    method=request.method,
                    path=request.path,
                    query=request.query_string,
                    status=response.status,
                    correlation_id=request_id,
                    duration_ms=round(elapsed_ms, 3),
                    request_body=request[RAW_BODY],
                    outcome=request.get(OUTCOME) if response.status == DROPPED else None,
                    response_body=_body_bytes(response),
                )
            call_log = world.call_log  # serve's log; None (one check) in tests and under --quiet
            if call_log is not None:
                call_log(policy.name, request.method, request.path, response.status, elapsed_ms)
            return response

        return serve

    def _failed(self, request: web.Request, exc: Exception) -> web.StreamResponse:
        """The API's envelope for whatever ``exc`` is; an unexpected one is logged with its id."""
        render = self.policy.render
        if isinstance(exc, ApiError):
            return render(request, exc)
        if isinstance(exc, ConnectionResetError) and _gone(request):
            # The client hung up mid-request (half a body, then close): nobody to answer, nothing to log.
            request[OUTCOME] = CLIENT_DISCONNECTED
            return web.Response(status=DROPPED)
        if isinstance(exc, web.HTTPMethodNotAllowed):
            allowed = ", ".join(sorted(exc.allowed_methods))
            return render(request, ApiError(
                405, METHOD_NOT_ALLOWED, f"Method {request.method} is not allowed here; use {allowed}.",
                headers={"Allow": allowed}))
        if isinstance(exc, web.HTTPRequestEntityTooLarge):
            return render(request, too_large(request))
        if isinstance(exc, web.HTTPNotFound):
            return render(request, ApiError(404, ROUTE_NOT_FOUND,
                                            f"No endpoint matches {request.method} {request.path}."))
        if isinstance(exc, web.HTTPException) and exc.status >= 400:
            return render(request, ApiError(exc.status, ROUTE_NOT_FOUND if exc.status == 404 else INTERNAL, exc.reason))
        if isinstance(exc, web.HTTPException):
            raise exc  # a redirect or other non-error answer goes out as aiohttp sends it
        correlation_id = request.get(CORRELATION_ID)
        log.error("%s: unhandled error on %s %s (correlation id %s)", self.policy.name, request.method, request.path,
                  correlation_id, exc_info=exc)
        # The id in the answer is what finds this one traceback in the server log.
        found = f" (correlation id {correlation_id}; the server log has the details)" if correlation_id else ""
        return render(request, ApiError(500, INTERNAL, f"An internal error occurred in the emulator{found}."))

    def _checked(self, operation: Operation | None, request: web.Request,
                 response: web.StreamResponse) -> web.StreamResponse:
        assert self.check is not None
        problem = self.check(operation, request, response)
        if problem is None:
            return response
        # Strict mode: a body that breaks its contract is the emulator's bug; say so loudly.
        log.error("%s: contract violation on %s %s: %s", self.policy.name, request.method, request.path, problem)
        return self.policy.render(request, ApiError(500, CONTRACT_VIOLATION, f"Contract violation: {problem}"))

    def relative(self, path: str) -> str:
        """``path`` relative to the API's base URL, as fault paths are written.

        >>> door = FrontDoor(World(), DoorPolicy("demo", render=print), bases=("/demo/api", "/api"))
        >>> door.relative("/demo/api/v1/x"), door.relative("/api/v1/x"), door.relative("/v1/x")
        ('/v1/x', '/v1/x', '/v1/x')
        """
        for base in self.bases:
            if path.startswith(base + "/"):
                return path[len(base):]
        return path

    async def _faulted(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        fault = self.world.faults.check(self.policy.name, request.method, self.relative(request.path))
        if fault is None:
            return await handler(request)
        if fault.latency:
            await asyncio.sleep(fault.latency)
        if fault.drop:
            if request.transport is not None:
                request.transport.abort()
            request[OUTCOME] = FAULT_DROPPED
            return web.Response(status=DROPPED)
        if fault.status is not None:
            raise ApiError(fault.status, f"fault_{fault.status}", f"Injected fault {fault.id} answered {fault.status}.")
        return await handler(request)


def _body_bytes(response: web.StreamResponse) -> bytes | None:
    """The body of an answer made whole (every JSON answer), for the journal; None for a stream."""
    body = getattr(response, "body", None)  # only web.Response has one
    return body if isinstance(body, bytes) else None


def _gone(request: web.Request) -> bool:
    """Whether the client's connection is closed (or closing)."""
    transport = request.transport
    return transport is None or transport.is_closing()


async def _raise_miss(request: web.Request) -> web.StreamResponse:
    exception = request.match_info.http_exception
    assert exception is not None
    raise exception


def api_routes(api: ApiDescription, door: FrontDoor, root: str = "") -> Routes:
    """The route table of ``api``: each operation behind ``door``, at ``root`` + its path.

    ``root`` is the part of the API's base URL below its mount (``/api`` for Qlara, whose real
    base URL ends in it). A GET operation answers HEAD as well, as aiohttp's ``add_get`` does.

    >>> async def ok(request): return web.Response()
    >>> api = ApiDescription("Demo", "designed", "demo", (Operation("get", "/v1/ok", "ok", "OK", ok),))
    >>> routes = api_routes(api, FrontDoor(World(), DoorPolicy("demo", render=print)), "/api")
    >>> sorted(f"{route.method} {route.resource.canonical}" for route in routes.routes())
    ['GET /api/v1/ok', 'HEAD /api/v1/ok']
    """
    routes = Routes(miss=door.miss())
    for operation in api.operations:
        handler = door.wrap(operation)
        method = operation.method.upper()
        if method == "GET":
            routes.add_route("HEAD", root + operation.path, handler)
        routes.add_route(method, root + operation.path, handler)
    return routes
