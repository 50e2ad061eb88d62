"""Helpers every provider's handlers share: reading JSON bodies and raising API errors.

The envelope an error is rendered in belongs to the provider; this module only
says what went wrong.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

RAW_BODY = web.RequestKey("raw_body", str)  # the body as read, for the journal
CORRELATION_ID = web.RequestKey("correlation_id", str)  # set by providers that have one


class ApiError(Exception):
    """An error a handler answers with; the provider's middleware renders it.

    >>> ApiError(404, "message_not_found", "No message found.").status
    404
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.extra = extra


# Codes for body problems, shared so each provider can map them to its own words.
BODY_NOT_JSON = "body_not_json"
BODY_NOT_OBJECT = "body_not_object"
BODY_WRONG_CONTENT_TYPE = "unsupported_content_type"
BODY_TOO_LARGE = "body_too_large"
ROUTE_NOT_FOUND = "route_not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
INTERNAL = "internal_error"
CONTRACT_VIOLATION = "contract_violation"


# One encoder for every body: json.dumps() with non-default options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# And JSONEncoder.encode() still builds a C encoder per call: this is the one it would build, made once
# (issue 7: a third of the cost of a status body). No circular-reference markers: bodies are trees.
_C_ENCODE = None if json.encoder.c_make_encoder is None else json.encoder.c_make_encoder(
    None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
)


def dumps(data: Any) -> bytes:
    """The emulator's compact JSON encoding.

    >>> dumps({"a": [1, "é"]})
    b'{"a":[1,"\\xc3\\xa9"]}'
    """
    if _C_ENCODE is None:  # an interpreter without json's C accelerator
        return _ENCODER.encode(data).encode()
    return "".join(_C_ENCODE(data, 0)).encode()


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON response with the emulator's compact encoding."""
    return web.Response(body=dumps(data), status=status, headers=headers, content_type="application/json")


def too_large(request: web.Request) -> ApiError:
    return ApiError(413, BODY_TOO_LARGE, f"Request body is larger than the {request.client_max_size} bytes allowed.")


# json.loads() is three Python calls and two regex matches around this C scanner; a body that is one
# JSON value with no whitespace around it (what clients send) is read with the scanner alone.
_SCAN_JSON = json.decoder.JSONDecoder().scan_once


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or an ApiError saying exactly what is wrong with it."""
    if "Content-Type" in request.headers:
        content_type = request.content_type
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise ApiError(415, BODY_WRONG_CONTENT_TYPE, f"Content-Type must be application/json, not {content_type}.")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large(request) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        request[RAW_BODY] = raw.decode("utf-8", "replace")
        raise ApiError(400, BODY_NOT_JSON, "Request body is not valid UTF-8.") from None
    request[RAW_BODY] = text
    if not text.strip():
        raise ApiError(400, BODY_NOT_JSON, "Request body is empty; a JSON object is required.")
    try:
        try:
            data, end = _SCAN_JSON(text, 0)
            if end != len(text):
                raise ValueError(end)
        except (StopIteration, ValueError):
            # Whitespace around the value, or not JSON: json.loads() reads the first and words the error.
            data = json.loads(text)
    except RecursionError:
        raise ApiError(400, BODY_NOT_JSON, "Request body is nested too deeply.") from None
    except ValueError as exc:
        raise ApiError(400, BODY_NOT_JSON, f"Request body is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise ApiError(400, BODY_NOT_OBJECT, "Request body must be a JSON object.")
    return data


ErrorRenderer = Callable[[web.Request, ApiError], web.StreamResponse]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_middleware(render: ErrorRenderer, provider: str) -> Any:
    """Middleware that turns every failure into ``render``'s envelope, never a bare 500.

    Route misses, wrong methods and oversized bodies arrive as aiohttp
    exceptions and are translated to ApiError first; anything unexpected is
    logged with its correlation id and answered as an internal error.
    """

    # The strict checker is fixed once the app is built; look it up on the first request only.
    checker: list[Any] = []

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await answer(request, handler)
        if not checker:
            checker.append(request.match_info.apps[0].get(_keys().response_check))
        check = checker[0]
        if check is None:
            return response
        problem = check(provider, request, response)
        if problem is None:
            return response
        # Strict mode: a body that breaks its contract is the emulator's bug; say so loudly.
        log.error("%s: contract violation on %s %s: %s", provider, request.method, request.path, problem)
        return render(request, ApiError(500, CONTRACT_VIOLATION, f"Contract violation: {problem}"))

    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return render(request, error)
        except web.HTTPMethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.allowed_methods))
            error = ApiError(405, METHOD_NOT_ALLOWED, f"Method {request.method} is not allowed here; use {allowed}.",
                             headers={"Allow": allowed})
            return render(request, error)
        except web.HTTPRequestEntityTooLarge:
            return render(request, too_large(request))
        except web.HTTPNotFound:
            message = f"No endpoint matches {request.method} {request.path}."
            return render(request, ApiError(404, ROUTE_NOT_FOUND, message))
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return render(request, ApiError(exc.status, ROUTE_NOT_FOUND if exc.status == 404 else INTERNAL, exc.reason))
        except Exception:
            correlation_id = request.get(CORRELATION_ID)
            log.exception("%s: unhandled error on %s %s (correlation id %s)", provider, request.method,
                          request.path, correlation_id)
            # The id in the answer is what finds this one traceback in the server log.
            found = f" (correlation id {correlation_id}; the server log has the details)" if correlation_id else ""
            return render(request, ApiError(500, INTERNAL, f"An internal error occurred in the emulator{found}."))

    return middleware



@functools.cache
def _keys() -> Any:
    from .. import keys  # late import: keys pulls in the world and settings

    return keys


def world_of(request: web.Request) -> Any:
    """The world behind ``request``: the root app's, read without building aiohttp's ``config_dict``.

    ``request.config_dict`` makes a new chain of every app's mapping on each access; the emulator's
    app is always the outermost one, so its mapping is read directly. In a handler:
    ``world = world_of(request)``.
    """
    return request.match_info.apps[0][_keys().world]


DROPPED = 499  # journal status for a connection a fault dropped (nothing reached the client)


def fault_middleware(provider: str, base_paths: tuple[str, ...]) -> Any:
    """Apply the world's faults to this provider's routes.

    Fault paths are written relative to the provider's base URL, so
    ``base_paths`` (``/mojeeb`` …) are stripped before matching. Put this inside
    the provider's error middleware so a fault's status comes back in the
    provider's own envelope.
    """
    def relative(path: str) -> str:
        for base in base_paths:
            if path.startswith(base + "/"):
                return path[len(base):]
        return path

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        faults = world_of(request).faults
        if not faults:  # nothing injected: the common case costs one length check
            return await handler(request)
        fault = faults.check(provider, request.method, relative(request.path))
        if fault is None:
            return await handler(request)
        if fault.latency:
            await asyncio.sleep(fault.latency)
        if fault.drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=DROPPED)
        if fault.status is not None:
            raise ApiError(fault.status, f"fault_{fault.status}",
                           f"Injected fault {fault.id} answered {fault.status}.")
        return await handler(request)

    return middleware


def request_id_middleware(
    world: Any, *, header: str | None = None, honour_client: re.Pattern[str] | None = None
) -> Any:
    """Give every request an id for the journal, the log and error bodies: ``req_`` + a ULID.

    ``header`` names the response header that echoes it (None: the provider documents none);
    ``honour_client`` is the shape of a client-sent id in that header to keep instead of minting one.

    >>> request_id_middleware(None, header="X-Request-Id").__name__
    'middleware'
    """

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get(header, "") if honour_client is not None and header else ""
        if honour_client is not None and honour_client.fullmatch(given):
            request_id = given
        else:
            request_id = "req_" + world.request_ids.ulid(world.clock.now())
        request[CORRELATION_ID] = request_id
        response = await handler(request)
        if header is not None:
            response.headers[header] = request_id
        return response

    return middleware
